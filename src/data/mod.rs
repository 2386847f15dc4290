//! Domain filters, dataset building from packaged photos, and batching.

pub mod build;
pub mod dataset;
pub mod filters;
pub mod image_io;
pub mod sources;
