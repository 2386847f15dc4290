//! Training configuration: a TOML or JSON file, then command-line overrides.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::schedule::{LossWeights, Ramp};
use crate::device::DeviceKind;
use crate::error::{Result, UfdnError};
use crate::model::ModelConfig;
use crate::model::config::Preset;

/// Adam learning rates, one per parameter group (E+G share one optimizer, as officially).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupRates {
    /// Encoder and generator.
    pub translator: f64,
    /// Latent discriminator D_v.
    pub latent_disc: f64,
    /// Image discriminator D_x.
    pub image_disc: f64,
}

impl GroupRates {
    /// Every rate multiplied by `scale`.
    pub fn scaled(self, scale: f64) -> Self {
        Self {
            translator: self.translator * scale,
            latent_disc: self.latent_disc * scale,
            image_disc: self.image_disc * scale,
        }
    }
}

/// The distance of the pixel losses (reconstruction and paired translation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelLoss {
    /// Mean squared error (official).
    #[default]
    Mse,
    /// Mean absolute error: sharper outputs where several are plausible.
    L1,
}

/// Re-estimation of BatchNorm's running statistics when a run reaches its last step. During
/// training they follow the last ten or so batches (momentum 0.1), so the saved model
/// normalises with whatever those few batches held.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormStatistics {
    /// Batches of forward passes at the end (0: keep the statistics training left).
    pub batches: u64,
    /// Images per domain in each of those batches.
    pub batch_per_domain: usize,
}

/// Everything `ufdn train` needs besides the data itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Built-in architecture, used when `model` is not given.
    pub preset: Preset,
    /// Training image side; overrides the preset's.
    pub image_size: Option<usize>,
    /// Side the training images are loaded at; every batch image is then a random
    /// `image_size` crop of one, keeping the pixel scale that inference sees. None: images
    /// are resized to `image_size` (official).
    pub crop_from: Option<usize>,
    /// A complete architecture instead of a preset (domains are taken from the data).
    pub model: Option<ModelConfig>,
    /// Domain folders to train on, in code order; empty means every sub-folder of the data.
    pub domains: Vec<String>,
    /// Total optimisation steps.
    pub steps: u64,
    /// Images per domain in each batch.
    pub batch_per_domain: usize,
    /// Adam learning rates.
    pub lr: GroupRates,
    /// Multiplier of every learning rate over the run (1 throughout unless given): a lower
    /// rate for the last stage settles the weights that are saved.
    pub lr_scale: Ramp,
    /// BatchNorm statistics re-estimated at the last step (off unless given).
    pub norm_statistics: NormStatistics,
    /// Adam β1.
    pub beta1: f32,
    /// Adam β2.
    pub beta2: f32,
    /// Weight λ of the critic's Lipschitz penalty.
    pub penalty_weight: f64,
    /// Finite-difference step of the penalty (in [-1, 1] pixel units).
    pub penalty_step: f64,
    /// Loss-weight ramps (`[loss_weights.*]`; `[weights.*]` in recipes written before the
    /// rename).
    #[serde(alias = "weights")]
    pub loss_weights: LossWeights,
    /// Distance of the reconstruction and paired translation losses.
    pub pixel_loss: PixelLoss,
    /// Steps between sample grids.
    pub sample_every: u64,
    /// Steps between checkpoints.
    pub checkpoint_every: u64,
    /// Seed of batch sampling and target choice.
    pub seed: u64,
    /// `flex` (CPU) or `wgpu`.
    pub device: DeviceKind,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            preset: Preset::Web,
            image_size: None,
            crop_from: None,
            model: None,
            domains: vec![],
            steps: 250_000,
            batch_per_domain: 32,
            lr: GroupRates { translator: 1e-4, latent_disc: 1e-4, image_disc: 1e-4 },
            lr_scale: Ramp::new(1.0, 1.0, 0),
            norm_statistics: NormStatistics { batches: 0, batch_per_domain: 48 },
            beta1: 0.5,
            beta2: 0.999,
            penalty_weight: 100.0,
            penalty_step: 1e-2,
            loss_weights: LossWeights::OFFICIAL,
            pixel_loss: PixelLoss::Mse,
            sample_every: 500,
            checkpoint_every: 500,
            seed: 0,
            device: DeviceKind::Flex,
        }
    }
}

impl TrainConfig {
    /// Reads a `.toml` or `.json` file; missing fields keep their defaults.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| UfdnError::io(path, e))?;
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            toml::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| UfdnError::Input(format!("{}: {e}", path.display())))
    }

    /// The architecture for the given domain names.
    pub fn model_config(&self, domains: Vec<String>) -> Result<ModelConfig> {
        let mut config = match &self.model {
            Some(model) => ModelConfig { domains, ..model.clone() },
            None => self.preset.config(domains),
        };
        if let Some(size) = self.image_size {
            config.image_size = size;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks value ranges.
    pub fn validate(&self) -> Result<()> {
        let rates =
            [self.lr.translator, self.lr.latent_disc, self.lr.image_disc, self.lr_scale.init, self.lr_scale.fin];
        if self.batch_per_domain == 0
            || self.norm_statistics.batch_per_domain == 0
            || self.sample_every == 0
            || self.checkpoint_every == 0
        {
            return Err(UfdnError::Input(
                "batch_per_domain (also norm_statistics'), sample_every and checkpoint_every must be >= 1".into(),
            ));
        }
        if rates.iter().any(|r| !r.is_finite() || *r < 0.0)
            || !self.penalty_step.is_finite()
            || self.penalty_step <= 0.0
        {
            return Err(UfdnError::Input("learning rates and their scale must be >= 0, penalty_step > 0".into()));
        }
        Ok(())
    }
}

/// Where a training run writes: `out/checkpoint.ufdn`, `out/weights.ufdn`,
/// `out/losses.csv`, `out/samples/step_NNNNNNN.png`.
#[derive(Debug, Clone)]
pub struct RunPaths {
    /// Output folder.
    pub out: PathBuf,
}

impl RunPaths {
    /// Checkpoint to resume from.
    pub fn checkpoint(&self) -> PathBuf {
        self.out.join("checkpoint.ufdn")
    }
    /// Inference weights (E+G).
    pub fn weights(&self) -> PathBuf {
        self.out.join("weights.ufdn")
    }
    /// Loss log.
    pub fn losses(&self) -> PathBuf {
        self.out.join("losses.csv")
    }
    /// Sample grid of `step`.
    pub fn sample(&self, step: u64) -> PathBuf {
        self.out.join("samples").join(format!("step_{step:07}.png"))
    }
}
