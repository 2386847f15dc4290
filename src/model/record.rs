//! Module parameters to and from bytes (burnpack records), with errors instead of panics.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, FloatDType, Tensor};

use crate::error::{Result, UfdnError};

/// Storage precision of parameters in a file; loading always converts back to the
/// module's own precision (f32).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats, exact.
    F32,
    /// 16-bit floats: half the size, for shipping inference weights.
    F16,
}

/// Casts every float parameter to one dtype.
struct CastFloats(FloatDType);

impl ModuleMapper for CastFloats {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let dtype = self.0;
        param.map(|t| t.cast(dtype))
    }
}

/// Casts every float parameter of `module` to f16. Parameters share storage with the
/// module they were cloned from, so only call this on a module of its own (a fresh copy).
pub fn to_half<M: Module>(module: M) -> M {
    module.map(&mut CastFloats(FloatDType::F16))
}

/// Serialises every parameter (and BatchNorm running statistics) of `module`, in the
/// precision its parameters have.
pub fn module_to_bytes<M: Module>(module: M) -> Result<Vec<u8>> {
    let bytes = module
        .into_record()
        .into_bytes()
        .map_err(|e| UfdnError::Weights(format!("could not serialise parameters: {e}")))?;
    Ok(bytes.to_vec())
}

/// Loads parameters saved by [`module_to_bytes`] into `module` (same architecture).
/// A `module` fresh from its config keeps its parameters lazy (unallocated), so bytes too few
/// for them (a config that asks for more than its file could fill) are refused before any
/// memory is spent on it.
pub fn module_from_bytes<M: Module>(module: M, bytes: &[u8]) -> Result<M> {
    let needed = min_stored_bytes(&module);
    if needed > bytes.len() as u64 {
        return Err(UfdnError::Weights(format!(
            "parameters do not match the architecture: its config needs at least {needed} bytes of them but the file holds {}",
            bytes.len()
        )));
    }
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| UfdnError::Weights(format!("parameters are corrupt ({e})")))?
        .cast_to_module_dtype();
    module
        .try_load_record(record)
        .map_err(|e| UfdnError::Weights(format!("parameters do not match the architecture ({e})")))
}

/// Sums parameter counts in u64, whatever the target's pointer width.
struct CountParams(u64);

impl ModuleVisitor for CountParams {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let count = param.lazy_shape().iter().fold(1u64, |n, &d| n.saturating_mul(d as u64));
        self.0 = self.0.saturating_add(count);
    }
}

/// The fewest bytes that can store the float parameters of `module` (2 per value, as f16),
/// counted without initialising lazy parameters.
fn min_stored_bytes<M: Module>(module: &M) -> u64 {
    let mut count = CountParams(0);
    module.visit(&mut count);
    count.0.saturating_mul(2)
}
