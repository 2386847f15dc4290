//! An ONNX model under construction: typed graph inputs and outputs, weights as
//! initializers, and nodes, written out as an ONNX `ModelProto` (IR version 8, opset 17).

use super::proto::Message;

/// ONNX IR version of the files written (the one that goes with opset 17).
const IR_VERSION: i64 = 8;
/// Version of the default operator set the nodes use.
pub const OPSET: i64 = 17;
/// `TensorProto.DataType` of 32-bit floats.
const FLOAT: i64 = 1;
/// `TensorProto.DataType` of 64-bit integers.
const INT64: i64 = 7;

/// One dimension of a graph input or output.
#[derive(Debug, Clone, Copy)]
pub enum Dim {
    /// A fixed size.
    Fixed(usize),
    /// A size chosen at run time, named (`batch`, `height`…).
    Named(&'static str),
}

/// A node attribute value.
#[derive(Debug, Clone)]
pub enum Attr {
    /// One integer.
    Int(i64),
    /// A list of integers.
    Ints(Vec<i64>),
    /// One float.
    Float(f32),
    /// A string.
    Text(&'static str),
}

impl Attr {
    /// The `AttributeProto` of this value under `name`.
    fn proto(&self, name: &str) -> Message {
        let mut m = Message::new();
        m.string(1, name);
        // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, INTS 7.
        match self {
            Attr::Float(v) => m.float(2, *v).int(20, 1),
            Attr::Int(v) => m.int(3, *v).int(20, 2),
            Attr::Text(v) => m.string(4, v).int(20, 3),
            Attr::Ints(vs) => {
                for v in vs {
                    m.int(8, *v);
                }
                m.int(20, 7)
            }
        };
        m
    }
}

/// The graph of one ONNX model.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: Vec<Message>,
    initializers: Vec<Message>,
    inputs: Vec<Message>,
    outputs: Vec<Message>,
    names: usize,
}

/// A `ValueInfoProto`: a float tensor named `name` with dimensions `dims`.
fn value_info(name: &str, dims: &[Dim]) -> Message {
    let mut shape = Message::new();
    for dim in dims {
        let mut d = Message::new();
        match dim {
            Dim::Fixed(n) => d.int(1, *n as i64),
            Dim::Named(n) => d.string(2, n),
        };
        shape.message(1, &d);
    }
    let mut tensor = Message::new();
    tensor.int(1, FLOAT).message(2, &shape);
    let mut ty = Message::new();
    ty.message(1, &tensor);
    let mut info = Message::new();
    info.string(1, name).message(2, &ty);
    info
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a float input of the graph.
    pub fn input(&mut self, name: &str, dims: &[Dim]) {
        self.inputs.push(value_info(name, dims));
    }

    /// Declares a float output of the graph (the output of some node named `name`).
    pub fn output(&mut self, name: &str, dims: &[Dim]) {
        self.outputs.push(value_info(name, dims));
    }

    /// Adds a float constant of shape `dims` (row-major `values`) and returns its name.
    pub fn weight(&mut self, name: &str, dims: &[usize], values: &[f32]) -> String {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.constant(name, dims, FLOAT, &raw)
    }

    /// Adds a one-dimensional int64 constant and returns its name.
    pub fn integers(&mut self, name: &str, values: &[i64]) -> String {
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.constant(name, &[values.len()], INT64, &raw)
    }

    fn constant(&mut self, name: &str, dims: &[usize], data_type: i64, raw: &[u8]) -> String {
        let mut t = Message::new();
        for d in dims {
            t.int(1, *d as i64);
        }
        t.int(2, data_type).string(8, name).bytes(9, raw);
        self.initializers.push(t);
        name.to_string()
    }

    /// Adds an `op` node reading `inputs` (an empty name is an omitted optional input) and
    /// returns the name of its single output, which is `output` when given.
    pub fn node(&mut self, op: &str, inputs: &[&str], attrs: &[(&str, Attr)], output: Option<&str>) -> String {
        self.names += 1;
        let name = format!("{op}_{}", self.names);
        let out = output.map_or_else(|| name.clone(), str::to_string);
        let mut n = Message::new();
        for input in inputs {
            n.string(1, input);
        }
        n.string(2, &out).string(3, &name).string(4, op);
        for (name, value) in attrs {
            n.message(5, &value.proto(name));
        }
        self.nodes.push(n);
        out
    }

    /// The `ModelProto` bytes of this graph, with `doc` and `metadata` (key, value) pairs.
    pub fn into_model(self, name: &str, doc: &str, metadata: &[(&str, String)]) -> Vec<u8> {
        let mut graph = Message::new();
        for n in &self.nodes {
            graph.message(1, n);
        }
        graph.string(2, name);
        for t in &self.initializers {
            graph.message(5, t);
        }
        for i in &self.inputs {
            graph.message(11, i);
        }
        for o in &self.outputs {
            graph.message(12, o);
        }
        let mut opset = Message::new();
        opset.string(1, "").int(2, OPSET);
        let mut model = Message::new();
        model
            .int(1, IR_VERSION)
            .string(2, "ufdn")
            .string(3, env!("CARGO_PKG_VERSION"))
            .string(6, doc)
            .message(7, &graph)
            .message(8, &opset);
        for (key, value) in metadata {
            let mut entry = Message::new();
            entry.string(1, key).string(2, value);
            model.message(14, &entry);
        }
        model.into_bytes()
    }
}
