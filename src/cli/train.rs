//! `ufdn train` and `ufdn blend`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::data::dataset::training_root;
use crate::device::DeviceArg;
use crate::error::Result;
use crate::model::config::Preset;
use crate::model::record::Precision;
use crate::train::TrainConfig;
use crate::train::blend::blend_files;
use crate::train::checkpoint::{Checkpoint, write_atomic};
use crate::train::config::{NormStatistics, RunPaths};
use crate::train::run::{RunOptions, run_training};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training data: ROOT/<domain>/*.{png,jpg}, or a `ufdn data build` folder (its train split).
    #[arg(long)]
    data: PathBuf,
    /// Output folder for checkpoints, weights, samples and losses.csv.
    #[arg(long)]
    out: PathBuf,
    /// TOML or JSON training config (overridden by the flags below).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Continue from OUT/checkpoint.ufdn (step count, optimizers and schedules).
    #[arg(long)]
    resume: bool,
    /// Start E and G from this weights or checkpoint file (fine-tuning, e.g. of the default
    /// model): the architecture and domains are the file's, the step count starts at 0.
    #[arg(long, conflicts_with = "resume")]
    init: Option<PathBuf>,
    /// Images for sample grids (default: the sibling test/ split, if any).
    #[arg(long)]
    samples: Option<PathBuf>,
    /// Model preset.
    #[arg(long, value_enum)]
    preset: Option<Preset>,
    /// Training image side.
    #[arg(long)]
    image_size: Option<usize>,
    /// Domain folders in code order (default: all sub-folders of DATA).
    #[arg(long, value_delimiter = ',')]
    domains: Option<Vec<String>>,
    /// Total steps.
    #[arg(long)]
    steps: Option<u64>,
    /// Images per domain in a batch.
    #[arg(long)]
    batch: Option<usize>,
    /// Adam learning rate of every network.
    #[arg(long)]
    lr: Option<f64>,
    /// Steps between sample grids.
    #[arg(long)]
    sample_every: Option<u64>,
    /// Steps between checkpoints.
    #[arg(long)]
    checkpoint_every: Option<u64>,
    /// Random seed.
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    device: DeviceArg,
    /// Print a line per checkpoint instead of a progress bar.
    #[arg(long)]
    no_progress: bool,
}

impl TrainArgs {
    fn apply(&self, config: &mut TrainConfig) {
        if let Some(v) = self.preset {
            config.preset = v;
            config.model = None;
        }
        if let Some(v) = self.image_size {
            config.image_size = Some(v);
        }
        if let Some(v) = &self.domains {
            config.domains = v.clone();
        }
        if let Some(v) = self.steps {
            config.steps = v;
        }
        if let Some(v) = self.batch {
            config.batch_per_domain = v;
        }
        if let Some(v) = self.lr {
            config.lr.translator = v;
            config.lr.latent_disc = v;
            config.lr.image_disc = v;
        }
        if let Some(v) = self.sample_every {
            config.sample_every = v;
        }
        if let Some(v) = self.checkpoint_every {
            config.checkpoint_every = v;
        }
        if let Some(v) = self.seed {
            config.seed = v;
        }
        if let Some(v) = self.device.device {
            config.device = v;
        }
    }
}

/// Runs `ufdn train`: loads or resumes the configuration and trains until its last step.
pub fn run(args: TrainArgs) -> Result<()> {
    let checkpoint =
        if args.resume { Some(Checkpoint::read(&RunPaths { out: args.out.clone() }.checkpoint())?) } else { None };
    let mut config = match (&args.config, &checkpoint) {
        (Some(path), _) => TrainConfig::from_file(path)?,
        (None, Some(checkpoint)) => checkpoint.config.clone(),
        (None, None) => TrainConfig::default(),
    };
    args.apply(&mut config);
    let opts = RunOptions {
        data: training_root(&args.data),
        samples: args.samples,
        out: args.out.clone(),
        progress: !args.no_progress && std::io::stderr().is_terminal(),
        init: args.init.clone(),
    };
    let model = run_training(config, checkpoint, &opts)?;
    println!("trained {} steps; weights: {}", model.steps, args.out.join("weights.ufdn").display());
    Ok(())
}

/// Batches of 48 images per domain that re-estimate a blend's statistics without a recipe.
const BLEND_STATISTICS: NormStatistics = NormStatistics { batches: 30, batch_per_domain: 48 };

#[derive(Debug, Args)]
pub struct BlendArgs {
    /// First weights or checkpoint file.
    first: PathBuf,
    /// Second weights or checkpoint file: the same architecture and domains (typically a
    /// fine-tune of the first, or another fine-tune of the model they both started from).
    second: PathBuf,
    /// Weight of the second file's parameters: 0 keeps the first's, 1 takes the second's.
    #[arg(long, default_value_t = 0.5)]
    share: f64,
    /// Training images that re-estimate BatchNorm's statistics of the blend (as `ufdn train
    /// --data` reads them).
    #[arg(long)]
    data: PathBuf,
    /// Training recipe whose `[norm_statistics]`, `crop_from` and `seed` the re-estimation
    /// follows (without one: 30 batches of 48 images per domain).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Batches of the re-estimation, instead of the recipe's (0 keeps the blended statistics).
    #[arg(long)]
    statistics_batches: Option<u64>,
    /// Weights file to write (f32; `ufdn export --half` stores it in f16).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    device: DeviceArg,
}

/// Runs `ufdn blend`: interpolates two files' E and G, re-estimates BatchNorm's statistics
/// and writes the weights.
pub fn blend(args: BlendArgs) -> Result<()> {
    let mut config = match &args.config {
        Some(path) => TrainConfig::from_file(path)?,
        None => TrainConfig { norm_statistics: BLEND_STATISTICS, ..TrainConfig::default() },
    };
    if let Some(batches) = args.statistics_batches {
        config.norm_statistics.batches = batches;
    }
    if let Some(device) = args.device.device {
        config.device = device;
    }
    let model = blend_files(config, &args.first, &args.second, args.share, &training_root(&args.data))?;
    write_atomic(&args.out, &model.to_bytes(Precision::F32)?)?;
    println!(
        "blended {} and {} at share {}; weights: {}",
        args.first.display(),
        args.second.display(),
        args.share,
        args.out.display()
    );
    Ok(())
}
