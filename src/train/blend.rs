//! What `ufdn blend` does: two trained translators of one architecture interpolated
//! ([`interpolate`]), then BatchNorm's statistics re-estimated on training data as a recipe's
//! last step re-estimates them.

use std::path::Path;

use super::checkpoint::{HeldTranslator, read_translator};
use super::config::TrainConfig;
use super::run::{settle_statistics, training_windows};
use super::trainer::Trainer;
use crate::error::{Result, UfdnError};
use crate::model::Model;
use crate::model::blend::interpolate;

/// `(1 − share)·first + share·second` of the E and G in two weights or checkpoint files of
/// one architecture and domains, with BatchNorm's statistics re-estimated on the images
/// under `data` as `config`'s `[norm_statistics]`, `crop_from` and `seed` say (its preset,
/// model and image size give way to the files'). The result counts the larger of the two
/// files' steps.
pub fn blend_files(mut config: TrainConfig, first: &Path, second: &Path, share: f64, data: &Path) -> Result<Model> {
    let device = config.device.open()?;
    let read = |path: &Path| -> Result<HeldTranslator> {
        let held = read_translator(path, &device)?;
        if let Some(warning) = held.warning {
            eprintln!("warning: {}: {warning}", path.display());
        }
        Ok(held)
    };
    let (a, b) = (read(first)?, read(second)?);
    if a.config != b.config {
        return Err(UfdnError::Input(format!(
            "{} and {} hold different models ({} and {} presets, domains {:?} and {:?}, or other layers): blend two fine-tunes of one model",
            first.display(),
            second.display(),
            a.config.preset,
            b.config.preset,
            a.config.domains,
            b.config.domains
        )));
    }
    config.model = Some(a.config.clone());
    config.domains = a.config.domains.clone();
    config.image_size = None;
    let mut trainer = Trainer::new(config, a.config, &device)?;
    trainer.translator = interpolate(a.translator, &b.translator, share)?;
    trainer.step = a.steps.max(b.steps);
    let data = training_windows(&trainer, data)?;
    let statistics = trainer.config.norm_statistics;
    eprintln!(
        "re-estimating BatchNorm's statistics of the blend on {} batches of {} images per domain",
        statistics.batches, statistics.batch_per_domain
    );
    settle_statistics(&mut trainer, &data);
    Ok(trainer.model())
}
