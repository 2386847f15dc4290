//! The translator: encoder E and generator G together, the part that ships.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

use super::config::ModelConfig;
use super::encoder::Encoder;
use super::generator::Generator;
use super::image_disc::ImageDisc;
use super::latent_disc::LatentDisc;
use crate::domain::DomainMix;

/// E and G: everything needed to encode, decode and translate.
#[derive(Module, Debug)]
pub struct EncoderGenerator {
    /// The encoder E.
    pub encoder: Encoder,
    /// The generator G.
    pub generator: Generator,
}

impl ModelConfig {
    /// Fresh E and G for this configuration.
    pub fn init_translator(&self, device: &Device) -> EncoderGenerator {
        EncoderGenerator {
            encoder: self.encoder.init(device),
            generator: self.generator.init(self.encoder.latent.channels, self.num_domains(), device),
        }
    }

    /// A fresh latent discriminator D_v.
    pub fn init_latent_disc(&self, device: &Device) -> LatentDisc {
        self.latent_disc.init(self.encoder.latent.channels, self.num_domains(), device)
    }

    /// A fresh image discriminator D_x for `image_size` training images.
    pub fn init_image_disc(&self, device: &Device) -> ImageDisc {
        let side = self.critic_side().unwrap_or(1);
        let channels = self.image_disc.layers.last().map_or(3, |l| l.channels);
        self.image_disc.init(self.num_domains(), channels * side * side, device)
    }
}

/// The domain code of `mix` repeated for a batch: `[batch, domains]`.
pub fn code_tensor(mix: &DomainMix, batch: usize, device: &Device) -> Tensor<2> {
    let n = mix.weights().len();
    let data: Vec<f32> = (0..batch).flat_map(|_| mix.weights().iter().copied()).collect();
    Tensor::from_data(TensorData::new(data, [batch, n]), device)
}

impl EncoderGenerator {
    /// images `[batch, 3, H, W]` → z (the posterior mean) `[batch, latent, h, w]`.
    pub fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        self.encoder.mean(images)
    }

    /// z `[batch, latent, h, w]` and code `[batch, domains]` → images `[batch, 3, H, W]`.
    pub fn decode(&self, z: Tensor<4>, code: Tensor<2>) -> Tensor<4> {
        self.generator.forward(z, code)
    }

    /// G(E(x), v): images `[batch, 3, H, W]` → translated images of the same shape.
    pub fn translate(&self, images: Tensor<4>, code: Tensor<2>) -> Tensor<4> {
        self.decode(self.encode(images), code)
    }
}
