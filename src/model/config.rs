//! Configuration of the four networks and the two presets built from them.

use serde::{Deserialize, Serialize};

use crate::error::{Result, UfdnError};

/// One (transposed) convolution: output channels, square kernel, stride, padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvSpec {
    /// Output channels.
    pub channels: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride.
    pub stride: usize,
    /// Zero padding on each side.
    pub padding: usize,
}

impl ConvSpec {
    /// Shorthand constructor.
    pub const fn new(channels: usize, kernel: usize, stride: usize, padding: usize) -> Self {
        Self { channels, kernel, stride, padding }
    }

    /// Output side of this convolution on an input of side `n` (None if it does not fit).
    pub fn conv_out(&self, n: usize) -> Option<usize> {
        (n + 2 * self.padding).checked_sub(self.kernel).map(|v| v / self.stride + 1)
    }

    /// Output side of this generator layer on an input of side `n`, upsampling as `mode` says.
    pub fn up_out(&self, n: usize, mode: Upsample) -> Option<usize> {
        match mode {
            Upsample::Transposed => ((n - 1) * self.stride + self.kernel).checked_sub(2 * self.padding),
            Upsample::Resize => ConvSpec { stride: 1, ..*self }.conv_out(n * self.stride),
        }
    }
}

/// How a generator layer enlarges its input by its stride.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Upsample {
    /// A transposed convolution (the official networks).
    #[default]
    Transposed,
    /// Nearest-neighbour enlargement by the stride, then a stride-1 convolution: no
    /// checkerboard artefacts, at about twice the arithmetic of a 4×4 transposed convolution.
    Resize,
}

/// Encoder E: convolutions (norm + LeakyReLU), then parallel mu and logvar convolutions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncoderConfig {
    /// Downsampling trunk.
    pub layers: Vec<ConvSpec>,
    /// The mu / logvar heads (no norm, no activation); `channels` is the latent depth.
    pub latent: ConvSpec,
    /// Residual blocks after the trunk, at its last width.
    #[serde(default)]
    pub residual_blocks: usize,
    /// BatchNorm after every trunk convolution.
    pub batch_norm: bool,
    /// Initial bias of the logvar head. 0 (official) starts with unit sampling noise, which
    /// the tiny KL weight lets training shrink only slowly; a negative value (−6: σ ≈ 0.05)
    /// lets short trainings reconstruct detail from the start.
    #[serde(default)]
    pub logvar_bias: f32,
}

/// Generator G: upsampling convolutions from the latent (plus tiled domain code) to RGB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    /// Upsampling convolutions; every one but the last has norm + LeakyReLU, the last
    /// must output 3 channels and ends in Tanh.
    pub layers: Vec<ConvSpec>,
    /// How layers with stride > 1 enlarge their input.
    #[serde(default)]
    pub upsample: Upsample,
    /// Residual blocks after the first layer, at its width (they read the domain code too
    /// when `code_every_layer` is set).
    #[serde(default)]
    pub residual_blocks: usize,
    /// Residual blocks before the output layer, at the width and resolution of its input
    /// (full resolution once every layer has upsampled), reading the code like the others.
    #[serde(default)]
    pub detail_blocks: usize,
    /// BatchNorm after every hidden layer.
    pub batch_norm: bool,
    /// Concatenate the domain code before every layer (true) or the first only (official).
    pub code_every_layer: bool,
}

/// Latent domain discriminator D_v: convolutions on z, global average pool, then an MLP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatentDiscConfig {
    /// Convolutions over the spatial latent (empty for a vector latent).
    pub convs: Vec<ConvSpec>,
    /// Hidden fully connected widths, before the N-way output.
    pub hidden: Vec<usize>,
}

/// Image discriminator D_x: convolutions, flatten, one hidden layer, then a critic score and
/// N domain logits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageDiscConfig {
    /// Convolutions (LeakyReLU, no norm).
    pub layers: Vec<ConvSpec>,
    /// Width of the hidden fully connected layer (unused by a patch critic).
    pub hidden: usize,
    /// PatchGAN heads: a 3×3 convolution scores every patch of the last feature map (the
    /// critic score is their mean) and the domain logits come from its global average,
    /// instead of one score for the flattened image.
    #[serde(default)]
    pub patch: bool,
}

/// Bounds on every size of a [`ModelConfig`], far above any useful network. They keep
/// the shape arithmetic of a config from an untrusted file inside `usize`.
pub struct Limits {
    /// Domains.
    pub domains: usize,
    /// Bytes of a domain name.
    pub name: usize,
    /// Training image side.
    pub image_size: usize,
    /// Layers, hidden widths or residual blocks of one network.
    pub layers: usize,
    /// Channels of a layer, or units of a hidden layer.
    pub channels: usize,
    /// Kernel side, stride and padding.
    pub kernel: usize,
}

/// The limits [`ModelConfig::validate`] enforces.
pub const LIMITS: Limits = Limits { domains: 64, name: 64, image_size: 4096, layers: 64, channels: 4096, kernel: 16 };

/// A complete UFDN: preset name, domains, training image size and the four networks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Name of the architecture: a [`Preset`]'s name, or any name a training config's own
    /// `model` gives.
    pub preset: String,
    /// Domain names; their order defines the domain code.
    pub domains: Vec<String>,
    /// Side of the square training images.
    pub image_size: usize,
    /// Encoder.
    pub encoder: EncoderConfig,
    /// Generator.
    pub generator: GeneratorConfig,
    /// Latent discriminator.
    pub latent_disc: LatentDiscConfig,
    /// Image discriminator.
    pub image_disc: ImageDiscConfig,
}

/// The built-in architectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The official face network, 64×64 with a 1024-d z.
    Paper,
    /// Fully convolutional, latent at 1/8 of the frame: the first shipped model.
    Web,
    /// Fully convolutional, latent at 1/4, residual blocks, resize-convolution upsampling.
    Web2,
    /// Web2 with a residual block at full resolution before the output layer.
    Web3,
}

impl Preset {
    /// The preset's name, as configs and weights files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Paper => "paper",
            Self::Web => "web",
            Self::Web2 => "web2",
            Self::Web3 => "web3",
        }
    }

    /// The preset's architecture for `domains`.
    pub fn config(self, domains: Vec<String>) -> ModelConfig {
        match self {
            Self::Paper => ModelConfig::paper(domains),
            Self::Web => ModelConfig::web(domains),
            Self::Web2 => ModelConfig::web2(domains),
            Self::Web3 => ModelConfig::web3(domains),
        }
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl ModelConfig {
    /// The official face network of the UFDN code (64×64, 1024-d z), layer for layer.
    pub fn paper(domains: Vec<String>) -> Self {
        let down = |c| ConvSpec::new(c, 4, 2, 1);
        Self {
            preset: Preset::Paper.name().into(),
            domains,
            image_size: 64,
            encoder: EncoderConfig {
                layers: [64, 128, 256, 512, 1024].map(down).to_vec(),
                latent: down(1024),
                residual_blocks: 0,
                batch_norm: true,
                logvar_bias: 0.0,
            },
            generator: GeneratorConfig {
                layers: [1024, 512, 256, 128, 64, 3].map(down).to_vec(),
                upsample: Upsample::Transposed,
                residual_blocks: 0,
                detail_blocks: 0,
                batch_norm: true,
                code_every_layer: false,
            },
            latent_disc: LatentDiscConfig { convs: vec![], hidden: vec![512, 256, 128, 64] },
            image_disc: ImageDiscConfig {
                layers: [16, 32, 64, 128, 256].map(down).to_vec(),
                hidden: 512,
                patch: false,
            },
        }
    }

    /// The browser network: fully convolutional, spatial latent at 1/8 of the frame,
    /// the domain code at every generator layer.
    pub fn web(domains: Vec<String>) -> Self {
        let down = |c| ConvSpec::new(c, 4, 2, 1);
        let same = |c| ConvSpec::new(c, 3, 1, 1);
        Self {
            preset: Preset::Web.name().into(),
            domains,
            image_size: 64,
            encoder: EncoderConfig {
                layers: vec![down(48), down(96), down(192), same(192)],
                latent: same(32),
                residual_blocks: 0,
                batch_norm: true,
                logvar_bias: 0.0,
            },
            generator: GeneratorConfig {
                layers: vec![same(192), same(192), down(96), down(48), down(3)],
                upsample: Upsample::Transposed,
                residual_blocks: 0,
                detail_blocks: 0,
                batch_norm: true,
                code_every_layer: true,
            },
            latent_disc: LatentDiscConfig { convs: vec![same(64), down(64)], hidden: vec![64] },
            image_disc: ImageDiscConfig { layers: [32, 64, 128, 128].map(down).to_vec(), hidden: 256, patch: false },
        }
    }

    /// The sharper browser network: latent at 1/4 of the frame (32 channels), residual
    /// blocks in E (2) and G (3, reading the domain code), resize-convolution upsampling
    /// (no checkerboard) and a PatchGAN critic. 5.1 GFLOP per 256×256 translation. The
    /// sampling noise starts small (σ ≈ 0.05): with unit noise and the tiny KL weight, a run
    /// of 1 000 steps still reconstructed photos at a mean error of 20 grey levels.
    pub fn web2(domains: Vec<String>) -> Self {
        let down = |c| ConvSpec::new(c, 4, 2, 1);
        let same = |c| ConvSpec::new(c, 3, 1, 1);
        let up = |c| ConvSpec::new(c, 3, 2, 1);
        Self {
            preset: Preset::Web2.name().into(),
            domains,
            image_size: 64,
            encoder: EncoderConfig {
                layers: vec![down(32), down(64)],
                latent: same(32),
                residual_blocks: 2,
                batch_norm: true,
                logvar_bias: -6.0,
            },
            generator: GeneratorConfig {
                layers: vec![same(64), up(32), up(16), same(3)],
                upsample: Upsample::Resize,
                residual_blocks: 3,
                detail_blocks: 0,
                batch_norm: true,
                code_every_layer: true,
            },
            latent_disc: LatentDiscConfig { convs: vec![same(64), down(64)], hidden: vec![64] },
            image_disc: ImageDiscConfig { layers: [32, 64, 128].map(down).to_vec(), hidden: 0, patch: true },
        }
    }

    /// The default model's network: web2 plus one residual block (reading the domain code)
    /// at full resolution before the output layer, where strokes, contours and pencil lines
    /// are drawn; web2 had a single 3×3 convolution there. 5.7 GFLOP per 256×256
    /// translation. A trained web2 grows into it with the block silenced (see
    /// [`ModelConfig::grown_from`]).
    pub fn web3(domains: Vec<String>) -> Self {
        let mut config = Self::web2(domains);
        config.preset = Preset::Web3.name().into();
        config.generator.detail_blocks = 1;
        config
    }

    /// Whether this architecture is `held` plus detail blocks: every other setting equal,
    /// the preset's name aside, and at least as many detail blocks.
    pub fn grown_from(&self, held: &ModelConfig) -> bool {
        let generator = GeneratorConfig { detail_blocks: held.generator.detail_blocks, ..self.generator.clone() };
        let shrunk = ModelConfig { preset: held.preset.clone(), generator, ..self.clone() };
        shrunk == *held && self.generator.detail_blocks >= held.generator.detail_blocks
    }

    /// Number of domains N.
    pub fn num_domains(&self) -> usize {
        self.domains.len()
    }

    /// Total downsampling factor of the encoder: frame sides must be multiples of it.
    pub fn stride(&self) -> usize {
        self.encoder.layers.iter().chain([&self.encoder.latent]).map(|l| l.stride).product()
    }

    /// Whether the latent is a single position (a vector), so frames must be exactly
    /// `image_size` (the paper preset) rather than any multiple of the stride.
    pub fn fixed_size(&self) -> bool {
        self.latent_side(self.image_size) == Some(1)
    }

    /// Side of the latent map for a square input of side `n`.
    pub fn latent_side(&self, n: usize) -> Option<usize> {
        self.encoder.layers.iter().chain([&self.encoder.latent]).try_fold(n, |s, l| l.conv_out(s))
    }

    /// Side of the image discriminator's last feature map at the training size.
    pub fn critic_side(&self) -> Option<usize> {
        self.image_disc.layers.iter().try_fold(self.image_size, |s, l| l.conv_out(s))
    }

    /// Every convolution of the four networks.
    fn conv_specs(&self) -> impl Iterator<Item = &ConvSpec> {
        self.encoder
            .layers
            .iter()
            .chain([&self.encoder.latent])
            .chain(&self.generator.layers)
            .chain(&self.latent_disc.convs)
            .chain(&self.image_disc.layers)
    }

    /// Checks every size against [`LIMITS`], so that a config read from an untrusted file
    /// can neither overflow the shape arithmetic nor ask for absurd amounts of memory.
    fn check_limits(&self) -> Result<()> {
        let l = &LIMITS;
        let lists = [
            self.encoder.layers.len(),
            self.generator.layers.len(),
            self.latent_disc.convs.len(),
            self.latent_disc.hidden.len(),
            self.image_disc.layers.len(),
            self.encoder.residual_blocks,
            self.generator.residual_blocks,
            self.generator.detail_blocks,
        ];
        let widths = self.latent_disc.hidden.iter().chain([&self.image_disc.hidden]);
        let problem = if self.domains.len() > l.domains || self.domains.iter().any(|d| d.len() > l.name) {
            format!("at most {} domains with names of at most {} bytes", l.domains, l.name)
        } else if self.image_size == 0 || self.image_size > l.image_size {
            format!("image_size from 1 to {}", l.image_size)
        } else if lists.iter().any(|&n| n > l.layers) {
            format!("at most {} layers, hidden widths or residual blocks per network", l.layers)
        } else if self.conv_specs().any(|c| c.channels > l.channels) || widths.clone().any(|&w| w > l.channels) {
            format!("at most {} channels or hidden units per layer", l.channels)
        } else if self.conv_specs().any(|c| c.kernel > l.kernel || c.stride > l.kernel || c.padding > l.kernel) {
            format!("kernel, stride and padding of at most {}", l.kernel)
        } else if !self.encoder.logvar_bias.is_finite() {
            "a finite logvar_bias".into()
        } else {
            return Ok(());
        };
        Err(UfdnError::Input(format!("model config: out of range; ufdn allows {problem}")))
    }

    /// Checks that the networks fit together; errors say what is wrong.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(UfdnError::Input(format!("model config: {m}")));
        if self.domains.len() < 2 {
            return bad(format!("need at least 2 domains, got {}", self.domains.len()));
        }
        let mut names = self.domains.clone();
        names.sort();
        names.dedup();
        if names.len() != self.domains.len() || self.domains.iter().any(|d| d.is_empty()) {
            return bad("domain names must be distinct and non-empty".into());
        }
        if self.conv_specs().any(|l| l.channels == 0 || l.kernel == 0 || l.stride == 0) {
            return bad("every layer needs channels, kernel and stride >= 1".into());
        }
        self.check_limits()?;
        if self.encoder.layers.is_empty() || self.image_disc.layers.is_empty() {
            return bad("encoder and image discriminator need at least one layer".into());
        }
        if self.generator.layers.last().map(|l| l.channels) != Some(3) {
            return bad("the generator's last layer must output 3 channels".into());
        }
        let Some(latent) = self.latent_side(self.image_size) else {
            return bad(format!("image_size {} is too small for the encoder", self.image_size));
        };
        let mode = self.generator.upsample;
        let out = self.generator.layers.iter().try_fold(latent, |s, l| l.up_out(s, mode));
        if out != Some(self.image_size) {
            return bad(format!(
                "generator maps a {latent}px latent to {out:?}px, not the {}px input",
                self.image_size
            ));
        }
        if self.critic_side().is_none_or(|s| s == 0) {
            return bad("image_size is too small for the image discriminator".into());
        }
        Ok(())
    }
}
