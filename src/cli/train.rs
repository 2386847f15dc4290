//! `ufdn train`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use crate::error::Result;
use crate::train::TrainConfig;
use crate::train::run::{RunOptions, run_training, saved_config};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training data: ROOT/<domain>/*.{png,jpg}.
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
    /// Images for sample grids (default: the sibling test/ split, if any).
    #[arg(long)]
    samples: Option<PathBuf>,
    /// Model preset: paper, web or web2.
    #[arg(long)]
    preset: Option<String>,
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
    /// Compute device: flex (CPU) or wgpu.
    #[arg(long)]
    device: Option<String>,
    /// Print a line per checkpoint instead of a progress bar.
    #[arg(long)]
    no_progress: bool,
}

impl TrainArgs {
    fn apply(&self, config: &mut TrainConfig) {
        if let Some(v) = &self.preset {
            config.preset = v.clone();
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
        if let Some(v) = &self.device {
            config.device = v.clone();
        }
    }
}

/// Runs `ufdn train`: loads or resumes the configuration and trains until its last step.
pub fn run(args: TrainArgs) -> Result<()> {
    let mut config = match (&args.config, args.resume) {
        (Some(path), _) => TrainConfig::from_file(path)?,
        (None, true) => saved_config(&args.out)?,
        (None, false) => TrainConfig::default(),
    };
    args.apply(&mut config);
    let opts = RunOptions {
        data: args.data,
        samples: args.samples,
        out: args.out.clone(),
        resume: args.resume,
        progress: !args.no_progress && std::io::stderr().is_terminal(),
    };
    let model = run_training(config, &opts)?;
    println!("trained {} steps; weights: {}", model.steps, args.out.join("weights.ufdn").display());
    Ok(())
}
