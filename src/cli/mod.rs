//! The `ufdn` command line: argument parsing and one module per command group.

mod bench;
mod data;
mod infer;
mod train;

use clap::{Parser, Subcommand};

use crate::error::{Result, UfdnError};

/// Multi-domain image-to-image translation (UFDN): build datasets, train, translate.
#[derive(Debug, Parser)]
#[command(name = "ufdn", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a multi-domain dataset from packaged or your own photos.
    Data {
        #[command(subcommand)]
        command: data::DataCommand,
    },
    /// Train a model.
    Train(train::TrainArgs),
    /// Blend two trained models of one architecture (weight interpolation, e.g. a model and
    /// its fine-tune) and re-estimate BatchNorm's statistics on training images.
    Blend(train::BlendArgs),
    /// Translate an image into a domain or a mix of domains.
    Translate(infer::TranslateArgs),
    /// Encode an image to its latent z (written as .npy).
    Encode(infer::EncodeArgs),
    /// Write inference weights (E+G) from a weights or checkpoint file, optionally in f16.
    Export(infer::ExportArgs),
    /// Describe a weights or checkpoint file.
    Info(infer::InfoArgs),
    /// Measure a model on a dataset's held-out split: PSNR/SSIM per direction, domain
    /// accuracy, latent leakage, retrieval; writes report.md and grid.png.
    Eval(infer::EvalArgs),
    /// Measure training steps/s and translate ms/image per preset and device.
    Bench(bench::BenchArgs),
}

/// A clap usage error as one line: its message and hints, without the pointer to `--help`.
fn one_line(error: &clap::Error) -> String {
    let text = error.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect();
    lines.join(" ").trim_start_matches("error: ").to_string()
}

/// Parses the command line and runs the command. Usage errors are user errors like any
/// other (one line, status 1); `--help` and `--version` print as clap prints them.
pub fn run() -> Result<()> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => return Err(UfdnError::Input(one_line(&e))),
    };
    match cli.command {
        Command::Data { command } => data::run(command),
        Command::Train(args) => train::run(args),
        Command::Blend(args) => train::blend(args),
        Command::Translate(args) => infer::translate(args),
        Command::Encode(args) => infer::encode(args),
        Command::Info(args) => infer::info(args),
        Command::Export(args) => infer::export(args),
        Command::Eval(args) => infer::eval(args),
        Command::Bench(args) => bench::run(args),
    }
}
