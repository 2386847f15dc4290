//! Module parameters to and from bytes (burnpack records), with errors instead of panics.

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

use crate::error::{Result, UfdnError};

/// Serialises every parameter (and BatchNorm running statistics) of `module`.
pub fn module_to_bytes<M: Module>(module: M) -> Result<Vec<u8>> {
    let bytes = module
        .into_record()
        .into_bytes()
        .map_err(|e| UfdnError::Weights(format!("could not serialise parameters: {e}")))?;
    Ok(bytes.to_vec())
}

/// Loads parameters saved by [`module_to_bytes`] into `module` (same architecture).
pub fn module_from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| UfdnError::Weights(format!("parameters are corrupt ({e})")))?
        .cast_to_module_dtype();
    module
        .try_load_record(record)
        .map_err(|e| UfdnError::Weights(format!("parameters do not match the architecture ({e})")))
}
