//! Encoder E: image → (mu, logvar) of q(z | x).

use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::tensor::{Device, Tensor};

use super::config::EncoderConfig;
use super::layers::{DownBlock, ResidualBlock, conv, down_stack, residual_stack};
use super::tap_conv::convolve;

/// The VAE encoder.
#[derive(Module, Debug)]
pub struct Encoder {
    pub(super) trunk: Vec<DownBlock>,
    pub(super) residual: Vec<ResidualBlock>,
    pub(super) mu: Conv2d,
    logvar: Conv2d,
}

impl EncoderConfig {
    /// Builds the encoder with freshly initialised weights.
    pub fn init(&self, device: &Device) -> Encoder {
        let (trunk, input) = down_stack(3, &self.layers, self.batch_norm, device);
        let residual = residual_stack(self.residual_blocks, input, 0, self.batch_norm, device);
        // mu before logvar: the order of random draws the shipped model was trained with.
        let mu = conv(input, &self.latent, device);
        let mut logvar = conv(input, &self.latent, device);
        logvar.bias = logvar.bias.map(|b| Param::from_tensor(b.val().add_scalar(self.logvar_bias).detach()));
        Encoder { trunk, residual, mu, logvar }
    }
}

impl Encoder {
    /// `[batch, 3, H, W]` → (mu, logvar), each `[batch, latent, H / stride, W / stride]`.
    pub fn forward(&self, x: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
        let h = self.features(x);
        (convolve(&self.mu, h.clone()), convolve(&self.logvar, h))
    }

    /// The posterior mean alone (what inference uses): `[batch, 3, H, W]` →
    /// `[batch, latent, H / stride, W / stride]`, without computing the logvar head.
    pub fn mean(&self, x: Tensor<4>) -> Tensor<4> {
        convolve(&self.mu, self.features(x))
    }

    /// Trunk and residual blocks: `[batch, 3, H, W]` → `[batch, channels, H / stride, W / stride]`.
    fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let h = self.trunk.iter().fold(x, |h, block| block.forward(h));
        self.residual.iter().fold(h, |h, block| block.forward(h, None))
    }
}
