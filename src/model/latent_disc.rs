//! Latent domain discriminator D_v: z → domain logits.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use super::config::LatentDiscConfig;
use super::layers::{DownBlock, LEAKY_SLOPE, down_stack, global_average_pool, linear};

/// Tells the source domain from a latent code.
#[derive(Module, Debug)]
pub struct LatentDisc {
    convs: Vec<DownBlock>,
    hidden: Vec<Linear>,
    output: Linear,
}

impl LatentDiscConfig {
    /// Builds D_v for a latent of `latent` channels and `domains` domains.
    pub fn init(&self, latent: usize, domains: usize, device: &Device) -> LatentDisc {
        let (convs, mut input) = down_stack(latent, &self.convs, false, device);
        let hidden = self
            .hidden
            .iter()
            .map(|&width| {
                let layer = linear(input, width, device);
                input = width;
                layer
            })
            .collect();
        LatentDisc { convs, hidden, output: linear(input, domains, device) }
    }
}

impl LatentDisc {
    /// z `[batch, latent, h, w]` → logits `[batch, domains]`.
    pub fn forward(&self, z: Tensor<4>) -> Tensor<2> {
        let h = self.convs.iter().fold(z, |h, block| block.forward(h));
        let pooled = global_average_pool(h);
        let h = self.hidden.iter().fold(pooled, |h, layer| leaky_relu(layer.forward(h), LEAKY_SLOPE));
        self.output.forward(h)
    }
}
