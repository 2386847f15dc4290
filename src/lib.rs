//! ufdn: multi-domain image-to-image translation with a Unified Feature Disentangler
//! (Liu et al., NeurIPS 2018) in burn.
//!
//! A VAE encoder E maps an image to a domain-invariant latent z; a generator G rebuilds an
//! image from z and a domain code v (one-hot or any mix). Translation is G(E(x), v_target).

pub mod cli;
pub mod data;
pub mod device;
pub mod domain;
pub mod error;
pub mod frame;
pub mod model;
pub mod npy;
pub mod pixels;
pub mod train;

pub use domain::DomainMix;
pub use error::{Result, UfdnError};
pub use model::{Model, ModelConfig};
