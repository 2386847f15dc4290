//! Image discriminator D_x: a WGAN critic score plus an auxiliary domain classifier.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use super::config::ImageDiscConfig;
use super::layers::{DownBlock, LEAKY_SLOPE, down_stack, linear};

/// Judges real versus generated images and classifies their domain.
#[derive(Module, Debug)]
pub struct ImageDisc {
    convs: Vec<DownBlock>,
    hidden: Linear,
    critic: Linear,
    classifier: Linear,
}

impl ImageDiscConfig {
    /// Builds D_x for `domains` domains; `flat` is the flattened size of the last feature map.
    pub fn init(&self, domains: usize, flat: usize, device: &Device) -> ImageDisc {
        let (convs, _) = down_stack(3, &self.layers, false, device);
        ImageDisc {
            convs,
            hidden: linear(flat, self.hidden, device),
            critic: linear(self.hidden, 1, device),
            classifier: linear(self.hidden, domains, device),
        }
    }
}

impl ImageDisc {
    /// images `[batch, 3, H, W]` → (critic score `[batch]`, domain logits `[batch, domains]`).
    pub fn forward(&self, images: Tensor<4>) -> (Tensor<1>, Tensor<2>) {
        let h = self.convs.iter().fold(images, |h, block| block.forward(h));
        // [batch, channels, h, w] → [batch, channels · h · w]
        let h: Tensor<2> = h.flatten(1, 3);
        let h = leaky_relu(self.hidden.forward(h), LEAKY_SLOPE);
        let [batch, _] = h.dims();
        (self.critic.forward(h.clone()).reshape([batch]), self.classifier.forward(h))
    }
}
