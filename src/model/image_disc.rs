//! Image discriminator D_x: a WGAN critic score plus an auxiliary domain classifier.

use burn::module::Module;
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use super::config::{ConvSpec, ImageDiscConfig};
use super::layers::{DownBlock, LEAKY_SLOPE, conv, down_stack, global_average_pool, linear};

/// Judges real versus generated images and classifies their domain.
#[derive(Module, Debug)]
pub struct ImageDisc {
    convs: Vec<DownBlock>,
    heads: Heads,
}

/// The critic and classifier heads over the last feature map.
#[derive(Module, Debug)]
enum Heads {
    /// One score for the whole image: flatten, a hidden layer, then both heads (official).
    Image(ImageHeads),
    /// PatchGAN: a score per patch (their mean is the image's score) and domain logits
    /// from the globally averaged features.
    Patch(PatchHeads),
}

/// Whole-image heads.
#[derive(Module, Debug)]
struct ImageHeads {
    hidden: Linear,
    critic: Linear,
    classifier: Linear,
}

/// Patch heads.
#[derive(Module, Debug)]
struct PatchHeads {
    critic: Conv2d,
    classifier: Linear,
}

impl ImageDiscConfig {
    /// Builds D_x for `domains` domains; `flat` is the flattened size of the last feature map.
    pub fn init(&self, domains: usize, flat: usize, device: &Device) -> ImageDisc {
        let (convs, channels) = down_stack(3, &self.layers, false, device);
        let heads = if self.patch {
            Heads::Patch(PatchHeads {
                critic: conv(channels, &ConvSpec::new(1, 3, 1, 1), device),
                classifier: linear(channels, domains, device),
            })
        } else {
            Heads::Image(ImageHeads {
                hidden: linear(flat, self.hidden, device),
                critic: linear(self.hidden, 1, device),
                classifier: linear(self.hidden, domains, device),
            })
        };
        ImageDisc { convs, heads }
    }
}

impl ImageDisc {
    /// images `[batch, 3, H, W]` → (critic score `[batch]`, domain logits `[batch, domains]`).
    pub fn forward(&self, images: Tensor<4>) -> (Tensor<1>, Tensor<2>) {
        // [batch, channels, h, w]
        let h = self.convs.iter().fold(images, |h, block| block.forward(h));
        let batch = h.dims()[0];
        match &self.heads {
            Heads::Image(heads) => {
                // [batch, channels · h · w] → [batch, hidden]
                let h = leaky_relu(heads.hidden.forward(h.flatten(1, 3)), LEAKY_SLOPE);
                (heads.critic.forward(h.clone()).reshape([batch]), heads.classifier.forward(h))
            }
            Heads::Patch(heads) => {
                // [batch, 1, h, w] → mean over patches [batch]
                let scores = heads.critic.forward(h.clone()).mean_dims(&[1, 2, 3]).reshape([batch]);
                (scores, heads.classifier.forward(global_average_pool(h)))
            }
        }
    }
}
