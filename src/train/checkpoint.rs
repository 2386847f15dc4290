//! Checkpoints: every network, every optimiser state, the step and the configuration in one
//! self-describing file, written atomically.

use std::path::Path;

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::tensor::{Bytes, Device};

use super::config::TrainConfig;
use super::trainer::Trainer;
use crate::error::{Result, UfdnError};
use crate::model::ModelConfig;
use crate::model::container::{Container, FileKind, unchecked_warning};
use crate::model::encoder_generator::EncoderGenerator;
use crate::model::inference::TRANSLATOR_SECTION;
use crate::model::record::{module_from_bytes, module_to_bytes};

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
        let mut container = Container::new(FileKind::Checkpoint, self.model_config.clone(), self.step, extra);
        // `valid()` first merges BatchNorm's last running-statistics update, which a record
        // of the training module would miss: the checkpoint translates as weights.ufdn does.
        container.push(TRANSLATOR_SECTION, module_to_bytes(self.translator.valid())?);
        container.push(LATENT_DISC, module_to_bytes(self.latent_disc.clone())?);
        container.push(IMAGE_DISC, module_to_bytes(self.image_disc.clone())?);
        container.push(OPT_TRANSLATOR, optimizer_bytes(&self.opt_translator)?);
        container.push(OPT_LATENT, optimizer_bytes(&self.opt_latent)?);
        container.push(OPT_IMAGE, optimizer_bytes(&self.opt_image)?);
        container.to_bytes()
    }

    /// Restores the trainer of `checkpoint`, to train on as `config` says (the run length,
    /// logging and rates may differ from the checkpoint's; the architecture may not), or as
    /// the checkpoint's own configuration says.
    pub fn resume(checkpoint: Checkpoint, config: Option<TrainConfig>, device: &Device) -> Result<Self> {
        let Checkpoint { container, config: saved, .. } = checkpoint;
        let config = config.unwrap_or(saved);
        let model_config = container.header.config.clone();
        check_architecture(&config, &model_config, "resume with the checkpoint's preset or start a new --out")?;
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

    /// A new run whose E and G start from the weights or checkpoint file at `init`
    /// (fine-tuning a trained model on new data or with another recipe); D_v, D_x and the
    /// optimisers start fresh, at step 0. The domains are the file's, and so is the
    /// architecture, unless the configuration asks for it grown by detail blocks
    /// ([`ModelConfig::grown_from`]): those start silenced, so step 0 translates as the file
    /// does. Returns the trainer and, for a file of the first layout, its [`unchecked_warning`].
    pub fn fine_tune(config: TrainConfig, init: &Path, device: &Device) -> Result<(Self, Option<&'static str>)> {
        // On the trainer's autodiff device: a translator read onto the plain one gets no
        // gradients, and the run would train D_v and D_x alone.
        let device = &device.clone().autodiff();
        let HeldTranslator { config: model_config, translator: held, warning, .. } = read_translator(init, device)?;
        if !config.domains.is_empty() && config.domains != model_config.domains {
            return Err(UfdnError::Input(format!(
                "{} translates between {:?} but the configuration asks for {:?}: fine-tune on the file's domains, or train a new model",
                init.display(),
                model_config.domains,
                config.domains
            )));
        }
        let requested = config.model_config(model_config.domains.clone())?;
        if requested != model_config && !requested.grown_from(&model_config) {
            return Err(architecture_error(
                &model_config,
                &requested,
                "fine-tune with the file's preset or one that grows it",
            ));
        }
        let mut trainer = Trainer::new(config, requested.clone(), device)?;
        let extra = requested.generator.detail_blocks - model_config.generator.detail_blocks;
        let latent = requested.encoder.latent.channels;
        let blocks = requested.generator.detail_stack(extra, latent, requested.num_domains(), &trainer.device);
        trainer.translator = EncoderGenerator { encoder: held.encoder, generator: held.generator.grown(blocks) };
        Ok((trainer, warning))
    }
}

/// What [`read_translator`] reads from a weights or checkpoint file.
pub struct HeldTranslator {
    /// Architecture and domains.
    pub config: ModelConfig,
    /// Training steps the weights have seen.
    pub steps: u64,
    /// E and G.
    pub translator: EncoderGenerator,
    /// The file's [`unchecked_warning`] (first layout only).
    pub warning: Option<&'static str>,
}

/// The model configuration and E+G of the weights or checkpoint file at `path`, on `device`.
/// Errors name the file.
pub fn read_translator(path: &Path, device: &Device) -> Result<HeldTranslator> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    let named = |e: UfdnError| e.in_file(path);
    let container = Container::from_bytes(&bytes).map_err(named)?;
    let config = container.header.config.clone();
    let section = container.section(TRANSLATOR_SECTION).map_err(named)?;
    let translator = module_from_bytes(config.init_translator(device), section).map_err(named)?;
    Ok(HeldTranslator { config, steps: container.header.steps, translator, warning: unchecked_warning(&bytes) })
}

/// Checks that `config` asks for the architecture a file holds (`held`); `advice` ends the
/// error otherwise.
fn check_architecture(config: &TrainConfig, held: &ModelConfig, advice: &str) -> Result<()> {
    let requested = config.model_config(held.domains.clone())?;
    if requested == *held {
        return Ok(());
    }
    Err(architecture_error(held, &requested, advice))
}

/// The error for a configuration asking for `requested` of a file holding `held`; `advice`
/// ends it.
fn architecture_error(held: &ModelConfig, requested: &ModelConfig, advice: &str) -> UfdnError {
    UfdnError::Input(format!(
        "the file holds a '{}' model ({}px) but the configuration asks for '{}' ({}px): {advice}",
        held.preset, held.image_size, requested.preset, requested.image_size
    ))
}

/// A checkpoint file, read, checked and parsed once.
#[derive(Debug)]
pub struct Checkpoint {
    container: Container,
    /// The training configuration the run was saved with.
    pub config: TrainConfig,
    /// Set for files written before checksums existed, whose damage cannot be detected.
    pub unchecked_warning: Option<&'static str>,
}

impl Checkpoint {
    /// Parses checkpoint bytes; any other kind of `.ufdn` file is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let container = Container::from_bytes(bytes)?;
        if container.header.kind != FileKind::Checkpoint {
            return Err(UfdnError::Weights(format!(
                "this is a '{}' file, not a checkpoint: resume from out/checkpoint.ufdn",
                container.header.kind
            )));
        }
        let config = serde_json::from_value(without_retired_options(container.header.extra.clone())?)
            .map_err(|e| UfdnError::Weights(format!("training config is corrupt ({e})")))?;
        Ok(Self { container, config, unchecked_warning: unchecked_warning(bytes) })
    }

    /// Reads and parses the checkpoint at `path`; errors name the file.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|e| e.in_file(path))
    }
}

/// Options that checkpoints written before their removal still record, each with the one
/// value that behaves as today's training does.
fn retired_options() -> [(&'static str, serde_json::Value); 2] {
    [("latent_adversary_on_mean", false.into()), ("latent_adversary", "complement".into())]
}

/// A checkpoint's training config without [`retired_options`]: dropped where they hold the
/// value that today's training keeps; a run that used another value cannot be continued.
fn without_retired_options(mut config: serde_json::Value) -> Result<serde_json::Value> {
    if let Some(fields) = config.as_object_mut() {
        for (key, kept) in retired_options() {
            match fields.remove(key) {
                Some(value) if value != kept => {
                    return Err(UfdnError::Input(format!(
                        "this checkpoint was trained with {key} = {value}, an option ufdn no longer has: start a new run"
                    )));
                }
                _ => {}
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retired_options_are_dropped_at_their_kept_value_and_refused_otherwise() {
        let old = serde_json::json!({"seed": 1, "latent_adversary_on_mean": false, "latent_adversary": "complement"});
        assert_eq!(without_retired_options(old).unwrap(), serde_json::json!({"seed": 1}));
        let other = serde_json::json!({"seed": 1, "latent_adversary": "uniform"});
        let error = without_retired_options(other).unwrap_err().to_string();
        assert!(error.contains("latent_adversary = \"uniform\""), "{error}");
    }
}
