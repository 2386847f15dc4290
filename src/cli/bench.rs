//! `ufdn bench`: training steps per second and translate milliseconds per image for each
//! preset on each device, or the translate speed of one weights file, printed as a table.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::data::dataset::Batch;
use crate::device::DeviceKind;
use crate::domain::DomainMix;
use crate::error::{Result, UfdnError};
use crate::frame::{frame_flops, translate_frame};
use crate::model::Model;
use crate::model::config::Preset;
use crate::train::{TrainConfig, Trainer};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Presets to measure.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "web3,web2,web,paper")]
    presets: Vec<Preset>,
    /// Devices to measure.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "flex,wgpu")]
    devices: Vec<DeviceKind>,
    /// Timed training steps (after one warm-up step).
    #[arg(long, default_value_t = 3)]
    steps: usize,
    /// Images per domain in a training batch.
    #[arg(long, default_value_t = 4)]
    batch: usize,
    /// Timed translations (after one warm-up).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Frame sides of the translate timings (a fixed-size model, such as the paper preset,
    /// always uses its own size).
    #[arg(long, value_delimiter = ',', default_value = "256")]
    frames: Vec<u32>,
    /// Time only the translations of this weights file, at every `--frames` side, without
    /// training (CPU threads: RAYON_NUM_THREADS).
    #[arg(long)]
    weights: Option<PathBuf>,
}

/// Seconds per call of `f`, after one untimed warm-up call.
fn time_per_call(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?;
    let start = Instant::now();
    for _ in 0..runs {
        f()?;
    }
    Ok(start.elapsed().as_secs_f64() / runs.max(1) as f64)
}

/// A deterministic pseudo-image batch (smooth gradients) with balanced labels.
fn synthetic_batch(domains: usize, per_domain: usize, size: usize) -> Batch {
    let labels: Vec<usize> = (0..domains).flat_map(|d| std::iter::repeat_n(d, per_domain)).collect();
    let plane = 3 * size * size;
    let images = (0..labels.len() * plane).map(|i| ((i % 97) as f32 / 48.5) - 1.0).collect();
    Batch { images, labels, size, paired: false }
}

/// Milliseconds per translation of a `side`² frame by `model` as `ufdn translate` does it
/// (mirrored margin, readback and all), after a warm-up.
fn translate_ms(model: &Model, side: u32, runs: usize) -> Result<f64> {
    let frame = image::RgbImage::from_fn(side, side, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let target = DomainMix::one_hot(1, model.domains().len());
    let seconds = time_per_call(runs, || translate_frame(model, &frame, &target).map(|_| ()))?;
    Ok(seconds * 1e3)
}

/// The frame sides `model` is timed at.
fn sides(args: &BenchArgs, model: &Model) -> Vec<u32> {
    if model.config.fixed_size() { vec![model.config.image_size as u32] } else { args.frames.clone() }
}

/// One preset on one device: E+G parameters, training steps/s, and (frame side, translate ms).
struct PresetSpeed {
    params: usize,
    steps_per_s: f64,
    translate_ms: Vec<(u32, f64)>,
}

fn bench_one(args: &BenchArgs, preset: Preset, device: DeviceKind) -> Result<PresetSpeed> {
    let device = device.open()?;
    let domains: Vec<String> = ["photo", "sketch", "paint"].map(String::from).to_vec();
    let model_config = preset.config(domains);
    let config = TrainConfig { batch_per_domain: args.batch, ..TrainConfig::default() };
    let mut trainer = Trainer::new(config, model_config.clone(), &device)?;
    let batch = synthetic_batch(3, args.batch, model_config.image_size);
    let step_s = time_per_call(args.steps, || {
        trainer.step(&batch);
        Ok(())
    })?;
    let model = trainer.model();
    let times = sides(args, &model)
        .into_iter()
        .map(|side| Ok((side, translate_ms(&model, side, args.runs)?)))
        .collect::<Result<_>>()?;
    Ok(PresetSpeed { params: model.num_params(), steps_per_s: 1.0 / step_s, translate_ms: times })
}

/// `ufdn bench --weights`: translate ms and GFLOP/s of one model per device and frame side.
fn bench_weights(args: &BenchArgs, path: &PathBuf) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    println!("| model | device | CPU threads | frame | GFLOP/frame | translate ms/frame | GFLOP/s |");
    println!("|---|---|---|---|---|---|---|");
    for kind in &args.devices {
        let model = kind.open().and_then(|device| Model::from_bytes(&bytes, &device));
        let model = match model {
            Ok(model) => model,
            Err(e) => {
                println!("| {} | {kind} | {threads} | - | - | unavailable: {e} | - |", path.display());
                continue;
            }
        };
        for side in sides(args, &model) {
            let gflop = frame_flops(&model.config, side, side).unwrap_or(f64::NAN) / 1e9;
            let ms = translate_ms(&model, side, args.runs)?;
            println!(
                "| {} | {kind} | {threads} | {side}x{side} | {gflop:.2} | {ms:.1} | {:.1} |",
                model.config.preset,
                gflop / ms * 1e3
            );
        }
    }
    Ok(())
}

/// Runs `ufdn bench`: prints training and translation speed per preset and device as a
/// table, or with `--weights` the translation speed of that model.
pub fn run(args: BenchArgs) -> Result<()> {
    if let Some(path) = &args.weights {
        return bench_weights(&args, path);
    }
    println!("| preset | device | E+G params | batch | train steps/s | translate frame | translate ms/image |");
    println!("|---|---|---|---|---|---|---|");
    for preset in &args.presets {
        for device in &args.devices {
            match bench_one(&args, *preset, *device) {
                Ok(speed) => {
                    for (side, ms) in &speed.translate_ms {
                        println!(
                            "| {preset} | {device} | {} | {}x3 | {:.3} | {side}x{side} | {ms:.1} |",
                            speed.params, args.batch, speed.steps_per_s
                        );
                    }
                }
                Err(e) => println!("| {preset} | {device} | - | - | unavailable: {e} | - | - |"),
            }
        }
    }
    Ok(())
}
