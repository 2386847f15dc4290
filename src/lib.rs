//! ufdn: multi-domain image-to-image translation with a Unified Feature Disentangler
//! (Liu et al., NeurIPS 2018) in burn.
//!
//! A VAE encoder E maps an image to a domain-invariant latent z; a generator G rebuilds an
//! image from z and a domain code v (one-hot or any mix). Translation is G(E(x), v_target).
//! Natively the crate trains (module [`train`]) and drives the `ufdn` CLI; compiled to
//! wasm32 it exports the browser `Translator` (module `web`).

#![warn(missing_docs)]

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod data;
#[cfg(not(target_arch = "wasm32"))]
pub mod device;
pub mod domain;
pub mod error;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod frame;
pub mod latent;
pub mod model;
pub mod npy;
#[cfg(not(target_arch = "wasm32"))]
pub mod onnx;
pub mod pixels;
#[cfg(not(target_arch = "wasm32"))]
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use domain::DomainMix;
pub use error::{Result, UfdnError};
pub use model::{Model, ModelConfig};
