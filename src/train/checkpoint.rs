//! Checkpoints: every network, every optimiser state, the step and the configuration in one
//! self-describing file, written atomically.

use std::path::Path;

use burn::optim::ModuleOptimizer;
use burn::tensor::{Bytes, Device};

use super::config::TrainConfig;
use super::trainer::Trainer;
use crate::error::{Result, UfdnError};
use crate::model::container::Container;
use crate::model::record::{module_from_bytes, module_to_bytes};
use crate::model::weights::TRANSLATOR_SECTION;

const LATENT_DISC: &str = "latent_disc";
const IMAGE_DISC: &str = "image_disc";
const OPT_TRANSLATOR: &str = "optim_translator";
const OPT_LATENT: &str = "optim_latent_disc";
const OPT_IMAGE: &str = "optim_image_disc";

fn optimizer_bytes(optimizer: &ModuleOptimizer) -> Result<Vec<u8>> {
    optimizer
        .into_bytes()
        .map(|b| b.to_vec())
        .map_err(|e| UfdnError::Weights(format!("could not serialise optimizer state: {e}")))
}

fn load_optimizer(optimizer: ModuleOptimizer, bytes: &[u8]) -> Result<ModuleOptimizer> {
    optimizer
        .from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| UfdnError::Weights(format!("optimizer state is corrupt ({e})")))
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a crash never leaves
/// a half-written file behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| UfdnError::io(parent, e))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| UfdnError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| UfdnError::io(path, e))
}

impl Trainer {
    /// Serialises the whole training state.
    pub fn checkpoint_bytes(&self) -> Result<Vec<u8>> {
        let extra = serde_json::to_value(&self.config).map_err(|e| UfdnError::Weights(e.to_string()))?;
        let mut container = Container::new("checkpoint", self.model_config.clone(), self.step, extra);
        container.push(TRANSLATOR_SECTION, module_to_bytes(self.translator.clone())?);
        container.push(LATENT_DISC, module_to_bytes(self.latent_disc.clone())?);
        container.push(IMAGE_DISC, module_to_bytes(self.image_disc.clone())?);
        container.push(OPT_TRANSLATOR, optimizer_bytes(&self.opt_translator)?);
        container.push(OPT_LATENT, optimizer_bytes(&self.opt_latent)?);
        container.push(OPT_IMAGE, optimizer_bytes(&self.opt_image)?);
        container.to_bytes()
    }

    /// Restores a trainer from checkpoint bytes. `overrides` may change the run length,
    /// logging and rates; the architecture always comes from the checkpoint.
    pub fn resume(bytes: &[u8], overrides: Option<TrainConfig>, device: &Device) -> Result<Self> {
        let container = Container::from_bytes(bytes)?;
        if container.header.kind != "checkpoint" {
            return Err(UfdnError::Weights(format!(
                "this is a '{}' file, not a checkpoint: resume from out/checkpoint.ufdn",
                container.header.kind
            )));
        }
        let saved: TrainConfig = serde_json::from_value(container.header.extra.clone())
            .map_err(|e| UfdnError::Weights(format!("checkpoint training config is corrupt ({e})")))?;
        let config = overrides.unwrap_or(saved);
        let model_config = container.header.config.clone();
        let requested = config.model_config(model_config.domains.clone())?;
        if requested != model_config {
            return Err(UfdnError::Input(format!(
                "the checkpoint holds a '{}' model ({}px) but the configuration asks for '{}' ({}px): resume with the checkpoint's preset or start a new --out",
                model_config.preset, model_config.image_size, requested.preset, requested.image_size
            )));
        }
        let mut trainer = Trainer::new(config, model_config, device)?;
        trainer.translator = module_from_bytes(trainer.translator, container.section(TRANSLATOR_SECTION)?)?;
        trainer.latent_disc = module_from_bytes(trainer.latent_disc, container.section(LATENT_DISC)?)?;
        trainer.image_disc = module_from_bytes(trainer.image_disc, container.section(IMAGE_DISC)?)?;
        trainer.opt_translator = load_optimizer(trainer.opt_translator, container.section(OPT_TRANSLATOR)?)?;
        trainer.opt_latent = load_optimizer(trainer.opt_latent, container.section(OPT_LATENT)?)?;
        trainer.opt_image = load_optimizer(trainer.opt_image, container.section(OPT_IMAGE)?)?;
        trainer.step = container.header.steps;
        Ok(trainer)
    }
}
