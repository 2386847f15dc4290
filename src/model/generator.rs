//! Generator G: latent z plus domain code v → image.

use burn::module::Module;
use burn::tensor::activation::tanh;
use burn::tensor::{Device, Tensor};

use super::config::GeneratorConfig;
use super::layers::{ResidualBlock, UpBlock, concat_code, residual_stack};

/// The decoder / generator.
#[derive(Module, Debug)]
pub struct Generator {
    pub(super) layers: Vec<UpBlock>,
    pub(super) residual: Vec<ResidualBlock>,
    /// Residual blocks before the output layer.
    pub(super) detail: Vec<ResidualBlock>,
    #[module(skip)]
    pub(super) code_every_layer: bool,
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
        let width = self.layers.first().map_or(latent, |l| l.channels);
        let residual = residual_stack(self.residual_blocks, width, self.block_code(domains), self.batch_norm, device);
        let detail = self.detail_stack(self.detail_blocks, latent, domains, device);
        Generator { layers, residual, detail, code_every_layer: self.code_every_layer }
    }

    /// `count` fresh detail blocks for a latent of `latent` channels and `domains` domains.
    pub fn detail_stack(&self, count: usize, latent: usize, domains: usize, device: &Device) -> Vec<ResidualBlock> {
        let layers = self.layers.len();
        let width = layers.checked_sub(2).map_or(latent, |i| self.layers[i].channels);
        residual_stack(count, width, self.block_code(domains), self.batch_norm, device)
    }

    /// Code channels a residual block reads.
    pub(super) fn block_code(&self, domains: usize) -> usize {
        if self.code_every_layer { domains } else { 0 }
    }
}

impl Generator {
    /// z `[batch, latent, h, w]`, code `[batch, domains]` → image `[batch, 3, H, W]` in [-1, 1].
    pub fn forward(&self, z: Tensor<4>, code: Tensor<2>) -> Tensor<4> {
        let block_code = self.code_every_layer.then_some(&code);
        let last = self.layers.len().saturating_sub(1);
        let mut h = z;
        for (i, layer) in self.layers.iter().enumerate() {
            if i == last {
                h = self.detail.iter().fold(h, |h, block| block.forward(h, block_code));
            }
            if i == 0 || self.code_every_layer {
                h = concat_code(h, &code);
            }
            h = layer.forward(h);
            if i == 0 {
                h = self.residual.iter().fold(h, |h, block| block.forward(h, block_code));
            }
        }
        tanh(h)
    }

    /// The same generator with `blocks` more detail blocks, silenced so that it still
    /// computes what it did (see [`ResidualBlock::silenced`]).
    pub fn grown(mut self, blocks: Vec<ResidualBlock>) -> Self {
        self.detail.extend(blocks.into_iter().map(ResidualBlock::silenced));
        self
    }
}
