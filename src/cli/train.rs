//! `ufdn train`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::data::dataset::training_root;
use crate::device::DeviceArg;
use crate::error::Result;
use crate::model::config::Preset;
use crate::train::TrainConfig;
use crate::train::checkpoint::Checkpoint;
use crate::train::config::RunPaths;
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
