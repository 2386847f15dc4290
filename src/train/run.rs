//! The training loop: batches, progress bar, loss CSV, sample grids and checkpoints.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::checkpoint::{Checkpoint, write_atomic};
use super::config::{RunPaths, TrainConfig};
use super::samples::{sample_grid, sample_inputs};
use super::trainer::{BATCH_STREAM, NORM_STREAM, StepLosses, Trainer};
use crate::data::dataset::{DomainDataset, discover_domains};
use crate::data::image_io::save_png;
use crate::error::{Result, UfdnError};
use crate::model::Model;
use crate::model::record::Precision;

/// Where to read data and write results.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Training data, `ROOT/<domain>/*.{png,jpg}`.
    pub data: PathBuf,
    /// Images shown in sample grids; defaults to the sibling `test/` split when it exists.
    pub samples: Option<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Draw a progress bar (off: a plain line per checkpoint).
    pub progress: bool,
    /// Weights or checkpoint whose E and G a new run starts from (fine-tuning); the
    /// architecture and domains are then the file's. Ignored when resuming.
    pub init: Option<PathBuf>,
}

/// The loss log's header: the names of [`StepLosses`]' fields, in order.
fn csv_header() -> String {
    let mut header = csv::Writer::from_writer(Vec::new());
    // A struct of numbers always serialises; the header comes out before its row.
    let _ = header.serialize(StepLosses::default());
    let bytes = header.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).lines().next().unwrap_or_default().to_string()
}

/// Opens the loss log for appending after step `done`. Rows of later steps (logged after the
/// checkpoint a resumed run restarts from) and a row cut short by a crash are dropped first,
/// so every step appears exactly once.
fn open_csv(path: &Path, done: u64) -> Result<csv::Writer<std::fs::File>> {
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(UfdnError::io(path, e)),
    };
    // A last line without its newline was cut short.
    let complete = if old.ends_with('\n') { old.as_str() } else { old.rsplit_once('\n').map_or("", |(head, _)| head) };
    let header = csv_header();
    let fields = header.split(',').count();
    // A log written before later loss columns existed: its rows get zeros for them.
    let old_header = complete.lines().next().unwrap_or_default();
    let old_fields = old_header.split(',').count();
    let padding =
        if header.starts_with(&format!("{old_header},")) { ",0".repeat(fields - old_fields) } else { String::new() };
    let kept = complete.lines().skip(1).filter_map(|row| {
        let step = row.split(',').next().and_then(|s| s.parse::<u64>().ok());
        let row = if row.split(',').count() == old_fields { format!("{row}{padding}") } else { row.to_string() };
        (row.split(',').count() == fields && step.is_some_and(|s| s <= done)).then_some(row)
    });
    let text: String = std::iter::once(header).chain(kept).map(|row| format!("{row}\n")).collect();
    if text != old {
        write_atomic(path, text.as_bytes())?;
    }
    let file = std::fs::OpenOptions::new().append(true).open(path).map_err(|e| UfdnError::io(path, e))?;
    Ok(csv::WriterBuilder::new().has_headers(false).from_writer(file))
}

fn progress_bar(trainer: &Trainer, show: bool) -> ProgressBar {
    let bar = if show { ProgressBar::new(trainer.config.steps) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  ETA {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(trainer.step_count());
    bar.reset_eta();
    bar
}

fn summary(l: &StepLosses) -> String {
    format!(
        "rec {:.4} kl {:.2} Dv {:.3} Eadv {:.3} W {:.3} slope {:.2}",
        l.reconstruction, l.kl, l.latent_disc, l.latent_adversarial, l.wasserstein, l.critic_slope
    )
}

/// A fresh trainer, the one `resume` holds, or one whose E and G start from `opts.init`, on
/// `config`'s device.
fn start_trainer(
    config: TrainConfig,
    resume: Option<Checkpoint>,
    opts: &RunOptions,
    paths: &RunPaths,
) -> Result<Trainer> {
    let device = config.device.open()?;
    if let Some(checkpoint) = resume {
        if let Some(warning) = checkpoint.unchecked_warning {
            eprintln!("warning: {}: {warning}", paths.checkpoint().display());
        }
        return Trainer::resume(checkpoint, Some(config), &device);
    }
    if let Some(init) = &opts.init {
        let (trainer, warning) = Trainer::fine_tune(config, init, &device)?;
        if let Some(warning) = warning {
            eprintln!("warning: {}: {warning}", init.display());
        }
        return Ok(trainer);
    }
    let domains = if config.domains.is_empty() { discover_domains(&opts.data)? } else { config.domains.clone() };
    let model_config = config.model_config(domains)?;
    Trainer::new(config, model_config, &device)
}

/// The images of the sample grids (`[3, side, side]` planes back to back, their row count)
/// and their side. Grids show fully convolutional models at the stored scale, not the
/// training window. Without a test split they show training images, read again only where
/// the side differs.
fn grid_inputs(trainer: &Trainer, data: &DomainDataset, opts: &RunOptions) -> Result<(Vec<f32>, usize, usize)> {
    let domains = &trainer.model_config.domains;
    let stored = data.size;
    let side = if trainer.model_config.fixed_size() { trainer.model_config.image_size } else { stored };
    let sample_dir = opts.samples.clone().or_else(|| {
        let test = opts.data.parent()?.join("test");
        test.is_dir().then_some(test)
    });
    let (planes, rows) = match sample_dir {
        Some(dir) => sample_inputs(&DomainDataset::load(&dir, domains, side)?, 2),
        None if side == stored => sample_inputs(data, 2),
        None => sample_inputs(&DomainDataset::load(&opts.data, domains, side)?, 2),
    };
    Ok((planes, rows, side))
}

/// The training images under `root` as the trainer's recipe reads them: stored at
/// `crop_from` (or the model's size) and cut into windows of the model's size.
pub(crate) fn training_windows(trainer: &Trainer, root: &Path) -> Result<DomainDataset> {
    let size = trainer.model_config.image_size;
    let stored = trainer.config.crop_from.unwrap_or(size);
    DomainDataset::load(root, &trainer.model_config.domains, stored)?.cropped_to(size)
}

/// Re-estimates BatchNorm's running statistics from the recipe's `[norm_statistics]`
/// batches of `data`, drawn from the trainer's own seeded stream.
pub(crate) fn settle_statistics(trainer: &mut Trainer, data: &DomainDataset) {
    let statistics = trainer.config.norm_statistics;
    let mut rng = trainer.step_rng(NORM_STREAM);
    for _ in 0..statistics.batches {
        let batch = data.sample(statistics.batch_per_domain, &mut rng);
        trainer.settle_norms(&batch, &mut rng);
    }
}

/// Trains as `config` says, from `resume` when given, and returns the final model (also
/// saved as `out/weights.ufdn`).
pub fn run_training(config: TrainConfig, resume: Option<Checkpoint>, opts: &RunOptions) -> Result<Model> {
    config.validate()?;
    let paths = RunPaths { out: opts.out.clone() };
    std::fs::create_dir_all(&paths.out).map_err(|e| UfdnError::io(&paths.out, e))?;
    let mut trainer = start_trainer(config, resume, opts, &paths)?;
    let data = training_windows(&trainer, &opts.data)?;
    if trainer.config.loss_weights.uses_pairs() {
        data.require_pairs()?;
    }
    let (sample_planes, sample_rows, grid_side) = grid_inputs(&trainer, &data, opts)?;
    let mut csv = open_csv(&paths.losses(), trainer.step_count())?;
    let bar = progress_bar(&trainer, opts.progress);
    let start = Instant::now();
    let cfg = trainer.config.clone();
    while trainer.step_count() < cfg.steps {
        let mut rng = trainer.step_rng(BATCH_STREAM);
        let batch = if cfg.loss_weights.pairs_at(trainer.step_count()) {
            data.sample_paired(cfg.batch_per_domain, &mut rng)?
        } else {
            data.sample(cfg.batch_per_domain, &mut rng)
        };
        let mut losses = trainer.step(&batch);
        losses.seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        let step = losses.step;
        // Flushed every step: a crash loses at most the row being written.
        csv.serialize(losses)
            .and_then(|()| Ok(csv.flush()?))
            .map_err(|e| UfdnError::Output(format!("{}: {e}", paths.losses().display())))?;
        bar.set_position(step);
        bar.set_message(summary(&losses));
        let last = step == cfg.steps;
        if last {
            settle_statistics(&mut trainer, &data);
        }
        if step % cfg.sample_every == 0 || last {
            let grid = sample_grid(&trainer.model(), &sample_planes, sample_rows, grid_side)?;
            save_png(&grid, &paths.sample(step))?;
        }
        if step % cfg.checkpoint_every == 0 || last {
            write_atomic(&paths.checkpoint(), &trainer.checkpoint_bytes()?)?;
            write_atomic(&paths.weights(), &trainer.model().to_bytes(Precision::F32)?)?;
            if !opts.progress {
                eprintln!("step {step}/{}: {}", cfg.steps, summary(&losses));
            }
        }
    }
    bar.finish();
    Ok(trainer.model())
}
