//! Writing ONNX files without a protobuf dependency: the wire format ([`proto`]) and the
//! graph of operators and weights ([`graph`]). `Model::to_onnx` lowers a translator to it.

pub mod graph;
pub mod proto;

pub use graph::{Attr, Dim, Graph};
