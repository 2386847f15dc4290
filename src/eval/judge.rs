//! The domain judge of `ufdn eval`: a small fully convolutional classifier, fitted on real
//! train images, that says which domain an image (a translation) looks like.
//!
//! Unlike the image discriminator D_x it sees pixel-level texture through a fixed front end:
//! beside the colours, the log-magnitude of each channel's differences to the right and
//! lower neighbour, which tells a paint's exactly flat quantised regions (difference 0)
//! from a photo's gentle gradients and noise (differences of a level or two) — a contrast
//! learned convolutions on raw pixels did not pick up (66 % on real test images after 400
//! steps, train accuracy alike). It averages over positions instead of flattening, so it
//! judges any frame size.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::{Device, Tensor};

use crate::model::config::ConvSpec;
use crate::model::layers::{DownBlock, down_stack, global_average_pool, linear};

/// Planes per colour channel that [`texture_front_end`] returns.
const FRONT_PLANES: usize = 3;

/// Half a quantisation level of 8-bit images in [-1, 1] units: added before the logarithm,
/// so that exactly flat neighbours read −1 after scaling and one level apart about −0.8.
const FLAT_FLOOR: f64 = 1.0 / 255.0;

/// Colours plus the log-magnitude of horizontal and vertical differences, scaled into
/// [-1, 0.13]: `[batch, 3, H, W]` → `[batch, 9, H − 1, W − 1]`.
pub fn texture_front_end(images: Tensor<4>) -> Tensor<4> {
    let [b, c, h, w] = images.dims();
    let at = |dy: usize, dx: usize| images.clone().slice([0..b, 0..c, dy..dy + h - 1, dx..dx + w - 1]);
    let base = at(0, 0);
    let log_magnitude =
        |other: Tensor<4>| (other - base.clone()).abs().add_scalar(FLAT_FLOOR).log().div_scalar(-FLAT_FLOOR.ln());
    Tensor::cat(vec![log_magnitude(at(0, 1)), log_magnitude(at(1, 0)), base.clone()], 1)
}

/// Layers of the judge.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeConfig {
    /// Convolutions over the front end's planes, each followed by LeakyReLU, before the
    /// global average pool.
    pub layers: Vec<ConvSpec>,
    /// BatchNorm after every convolution.
    pub batch_norm: bool,
}

impl Default for JudgeConfig {
    /// Three 4×4 stride-2 layers with BatchNorm.
    fn default() -> Self {
        let down = |c| ConvSpec::new(c, 4, 2, 1);
        Self { layers: vec![down(16), down(32), down(64)], batch_norm: true }
    }
}

impl JudgeConfig {
    /// Builds a judge for `domains` domains.
    pub fn init(&self, domains: usize, device: &Device) -> Judge {
        let (convs, channels) = down_stack(3 * FRONT_PLANES, &self.layers, self.batch_norm, device);
        Judge { convs, output: linear(channels, domains, device) }
    }
}

/// Domain classifier of images.
#[derive(Module, Debug)]
pub struct Judge {
    convs: Vec<DownBlock>,
    output: Linear,
}

impl Judge {
    /// images `[batch, 3, H, W]` → domain logits `[batch, domains]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let h = self.convs.iter().fold(texture_front_end(images), |h, block| block.forward(h));
        self.output.forward(global_average_pool(h))
    }
}
