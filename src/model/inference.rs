//! A trained translator loaded for inference: the library's main entry point.

use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::config::ModelConfig;
use super::container::{Container, FileKind};
use super::encoder_generator::{EncoderGenerator, code_tensor};
#[cfg(not(target_arch = "wasm32"))]
use super::onnx_export::translator_onnx;
use super::record::{Precision, module_from_bytes, module_to_bytes, to_half};
use crate::domain::DomainMix;
use crate::error::{Result, UfdnError};

/// Section name of E+G parameters in weights and checkpoint files.
pub const TRANSLATOR_SECTION: &str = "translator";

/// A self-describing UFDN translator (configuration, domains and E+G weights).
#[derive(Debug, Clone)]
pub struct Model {
    /// Architecture and domains.
    pub config: ModelConfig,
    /// Training steps the weights have seen.
    pub steps: u64,
    /// The translator as trained (what weights files and the ONNX export hold).
    net: EncoderGenerator,
    /// The same function with BatchNorm folded into the convolutions: what inference runs.
    folded: EncoderGenerator,
    device: Device,
}

impl Model {
    /// Wraps a translator in inference mode.
    pub fn new(config: ModelConfig, steps: u64, net: &EncoderGenerator, device: &Device) -> Self {
        let net = net.valid();
        let folded = net.clone().fold_norms();
        Self { config, steps, net, folded, device: device.clone() }
    }

    /// A model with fresh (untrained) weights.
    pub fn untrained(config: ModelConfig, device: &Device) -> Result<Self> {
        config.validate()?;
        let net = config.init_translator(device);
        Ok(Self::new(config, 0, &net, device))
    }

    /// Loads a weights or checkpoint file's bytes onto `device`.
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Self> {
        let container = Container::from_bytes(bytes)?;
        let config = container.header.config.clone();
        let net = module_from_bytes(config.init_translator(device), container.section(TRANSLATOR_SECTION)?)?;
        Ok(Self::new(config, container.header.steps, &net, device))
    }

    /// Serialises the model as a weights file with parameters stored at `precision`.
    pub fn to_bytes(&self, precision: Precision) -> Result<Vec<u8>> {
        let mut container = Container::new(FileKind::Weights, self.config.clone(), self.steps, serde_json::Value::Null);
        let full = module_to_bytes(self.net.clone())?;
        let section = match precision {
            Precision::F32 => full,
            Precision::F16 => {
                let copy = module_from_bytes(self.config.init_translator(&self.device), &full)?;
                module_to_bytes(to_half(copy))?
            }
        };
        container.push(TRANSLATOR_SECTION, section);
        container.to_bytes()
    }

    /// The translator (E's mean head and G) as an ONNX file; see [`super::onnx_export`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn to_onnx(&self) -> Result<Vec<u8>> {
        translator_onnx(&self.net, &self.config, self.steps)
    }

    /// Domain names, in code order.
    pub fn domains(&self) -> &[String] {
        &self.config.domains
    }

    /// The device the model runs on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Number of parameters of E and G.
    pub fn num_params(&self) -> usize {
        self.net.num_params()
    }

    /// Parses a target such as `sketch` or `sketch=0.3,paint=0.7`.
    pub fn target(&self, spec: &str) -> Result<DomainMix> {
        DomainMix::parse(self.domains(), spec)
    }

    fn check_images(&self, images: &Tensor<4>) -> Result<()> {
        let [batch, channels, height, width] = images.dims();
        let stride = self.config.stride();
        let fixed = self.config.image_size;
        let ok_size = if self.config.fixed_size() {
            height == fixed && width == fixed
        } else {
            height > 0 && width > 0 && height % stride == 0 && width % stride == 0
        };
        if batch == 0 || channels != 3 || !ok_size {
            let need = if self.config.fixed_size() {
                format!("{fixed}x{fixed}")
            } else {
                format!("sides that are positive multiples of {stride}")
            };
            return Err(UfdnError::Input(format!(
                "images of shape [{batch}, {channels}, {height}, {width}] do not fit the {} model: it needs RGB images with {need}",
                self.config.preset
            )));
        }
        Ok(())
    }

    fn check_mix(&self, target: &DomainMix) -> Result<()> {
        if target.weights().len() != self.domains().len() {
            return Err(UfdnError::Input(format!(
                "the target mix has {} weights but the model has {} domains",
                target.weights().len(),
                self.domains().len()
            )));
        }
        Ok(())
    }

    /// images `[batch, 3, H, W]` in [-1, 1] → z `[batch, latent, h, w]`.
    pub fn encode(&self, images: Tensor<4>) -> Result<Tensor<4>> {
        self.check_images(&images)?;
        Ok(self.folded.encode(images))
    }

    /// z `[batch, latent, h, w]` → images `[batch, 3, H, W]` of the `target` domain (mix).
    pub fn decode(&self, z: Tensor<4>, target: &DomainMix) -> Result<Tensor<4>> {
        self.check_mix(target)?;
        let [batch, channels, h, w] = z.dims();
        let expected = self.config.encoder.latent.channels;
        let fixed_ok = !self.config.fixed_size() || (h == 1 && w == 1);
        if batch == 0 || channels != expected || h == 0 || w == 0 || !fixed_ok {
            return Err(UfdnError::Input(format!(
                "latent of shape [{batch}, {channels}, {h}, {w}] does not fit this model (it needs {expected} channels{})",
                if self.config.fixed_size() { " at 1x1" } else { "" }
            )));
        }
        Ok(self.folded.decode(z, code_tensor(target, batch, &self.device)))
    }

    /// G(E(x), v): images `[batch, 3, H, W]` in [-1, 1] → the same images in the target domain.
    pub fn translate(&self, images: Tensor<4>, target: &DomainMix) -> Result<Tensor<4>> {
        self.check_images(&images)?;
        self.check_mix(target)?;
        let batch = images.dims()[0];
        Ok(self.folded.translate(images, code_tensor(target, batch, &self.device)))
    }
}
