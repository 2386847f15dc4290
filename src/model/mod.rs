//! The UFDN networks (E, G, D_v, D_x), their configuration and presets, and the
//! self-describing weights format.

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

pub use config::ModelConfig;
pub use inference::Model;
