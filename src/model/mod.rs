//! The UFDN networks (E, G, D_v, D_x), their configuration and presets, and the
//! self-describing weights format.

pub mod blend;
pub mod config;
pub mod container;
pub mod encoder;
pub mod encoder_generator;
pub mod flops;
pub mod fold;
pub mod generator;
pub mod image_disc;
pub mod inference;
pub mod latent_disc;
pub mod layers;
#[cfg(not(target_arch = "wasm32"))]
pub mod onnx_export;
pub mod record;
pub mod tap_conv;
#[cfg(any(target_arch = "wasm32", test))]
mod tap_kernel;

pub use config::ModelConfig;

/// Asserts that `got` equals `expected` (same shape) to within `tolerance` times the larger of
/// 1 and `expected`'s largest magnitude; `what` names the case in the failure message.
#[cfg(test)]
pub(crate) fn assert_close(
    got: burn::tensor::Tensor<4>,
    expected: burn::tensor::Tensor<4>,
    tolerance: f32,
    what: &str,
) {
    assert_eq!(got.dims(), expected.dims(), "{what}: shapes");
    let error: f32 = (got - expected.clone()).abs().max().into_scalar();
    let scale: f32 = expected.abs().max().into_scalar();
    assert!(error <= tolerance * scale.max(1.0), "{what}: max |difference| {error} at scale {scale}");
}
pub use inference::Model;
