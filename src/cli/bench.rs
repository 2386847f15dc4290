//! `ufdn bench`: training steps per second and translate milliseconds per image for each
//! preset on each device, printed as a table.

use std::time::Instant;

use clap::Args;

use crate::data::dataset::Batch;
use crate::device::DeviceKind;
use crate::domain::DomainMix;
use crate::error::Result;
use crate::frame::{image_tensor, readback};
use crate::model::config::Preset;
use crate::train::{TrainConfig, Trainer};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Presets to measure.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "web2,web,paper")]
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
    /// Frame side for the web preset's translate timing (the paper preset always uses 64).
    #[arg(long, default_value_t = 256)]
    frame: u32,
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

fn bench_one(args: &BenchArgs, preset: Preset, device: DeviceKind) -> Result<(usize, f64, u32, f64)> {
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
    let side = if model_config.fixed_size() { model_config.image_size as u32 } else { args.frame };
    let frame = image::RgbImage::from_fn(side, side, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8]));
    let target = DomainMix::one_hot(1, 3);
    let translate_s = time_per_call(args.runs, || {
        let out = model.translate(image_tensor(&frame, model.device()), &target)?;
        readback(out).map(|_| ())
    })?;
    Ok((model.num_params(), 1.0 / step_s, side, translate_s * 1e3))
}

/// Runs `ufdn bench`: prints training and translation speed per preset and device as a table.
pub fn run(args: BenchArgs) -> Result<()> {
    println!("| preset | device | E+G params | batch | train steps/s | translate frame | translate ms/image |");
    println!("|---|---|---|---|---|---|---|");
    for preset in &args.presets {
        for device in &args.devices {
            match bench_one(&args, *preset, *device) {
                Ok((params, steps_per_s, side, ms)) => println!(
                    "| {preset} | {device} | {params} | {}x3 | {steps_per_s:.3} | {side}x{side} | {ms:.1} |",
                    args.batch
                ),
                Err(e) => println!("| {preset} | {device} | - | - | unavailable: {e} | - | - |"),
            }
        }
    }
    Ok(())
}
