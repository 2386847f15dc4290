//! Generator G: latent z plus domain code v → image.

use burn::module::Module;
use burn::tensor::activation::tanh;
use burn::tensor::{Device, Tensor};

use super::config::GeneratorConfig;
use super::layers::{UpBlock, concat_code};

/// The decoder / generator.
#[derive(Module, Debug)]
pub struct Generator {
    layers: Vec<UpBlock>,
    #[module(skip)]
    code_every_layer: bool,
}

impl GeneratorConfig {
    /// Builds the generator for a latent of `latent` channels and `domains` domains.
    pub fn init(&self, latent: usize, domains: usize, device: &Device) -> Generator {
        let mut input = latent;
        let last = self.layers.len().saturating_sub(1);
        let mut layers = Vec::with_capacity(self.layers.len());
        for (i, spec) in self.layers.iter().enumerate() {
            let code = if i == 0 || self.code_every_layer { domains } else { 0 };
            layers.push(UpBlock::new(input + code, spec, self.upsample, i != last, self.batch_norm, device));
            input = spec.channels;
        }
        Generator { layers, code_every_layer: self.code_every_layer }
    }
}

impl Generator {
    /// z `[batch, latent, h, w]`, code `[batch, domains]` → image `[batch, 3, H, W]` in [-1, 1].
    pub fn forward(&self, z: Tensor<4>, code: Tensor<2>) -> Tensor<4> {
        let mut h = z;
        for (i, layer) in self.layers.iter().enumerate() {
            if i == 0 || self.code_every_layer {
                h = concat_code(h, &code);
            }
            h = layer.forward(h);
        }
        tanh(h)
    }
}
