//! Encoder E: image → (mu, logvar) of q(z | x).

use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::tensor::{Device, Tensor};

use super::config::EncoderConfig;
use super::layers::{DownBlock, conv, down_stack};

/// The VAE encoder.
#[derive(Module, Debug)]
pub struct Encoder {
    trunk: Vec<DownBlock>,
    mu: Conv2d,
    logvar: Conv2d,
}

impl EncoderConfig {
    /// Builds the encoder with freshly initialised weights.
    pub fn init(&self, device: &Device) -> Encoder {
        let (trunk, input) = down_stack(3, &self.layers, self.batch_norm, device);
        // mu before logvar: the order of random draws the shipped model was trained with.
        let mu = conv(input, &self.latent, device);
        let mut logvar = conv(input, &self.latent, device);
        logvar.bias = logvar.bias.map(|b| Param::from_tensor(b.val().add_scalar(self.logvar_bias).detach()));
        Encoder { trunk, mu, logvar }
    }
}

impl Encoder {
    /// `[batch, 3, H, W]` → (mu, logvar), each `[batch, latent, H / stride, W / stride]`.
    pub fn forward(&self, x: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let h = self.trunk.iter().fold(x, |h, block| block.forward(h));
        (self.mu.forward(h.clone()), self.logvar.forward(h))
    }
}
