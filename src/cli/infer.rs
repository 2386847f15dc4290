//! `ufdn translate`, `encode`, `info`, `eval` and `export`.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args};

use crate::data::image_io::{load_at_most, save_png};
use crate::device::{DeviceArg, DeviceKind};
use crate::error::{Result, UfdnError};
use crate::eval::{EvalOptions, evaluate};
use crate::frame::{EDGE_MARGIN, MAX_SIDE, encode_fitted, frame_flops, readback, translate_frame};
use crate::model::Model;
use crate::model::container::unchecked_warning;
use crate::model::record::Precision;
use crate::npy::npy_f32;
use crate::onnx::graph::OPSET;

#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// Weights (or checkpoint) file.
    #[arg(long)]
    weights: PathBuf,
    /// Target: a domain (sketch) or a mix (sketch=0.5,paint=0.5).
    #[arg(long)]
    to: String,
    #[command(flatten)]
    device: DeviceArg,
    /// Input image (PNG or JPEG, any size).
    input: PathBuf,
    /// Output PNG.
    output: PathBuf,
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Weights (or checkpoint) file.
    #[arg(long)]
    weights: PathBuf,
    /// Output .npy file of z, shape [1, latent, h, w].
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    device: DeviceArg,
    /// Input image.
    input: PathBuf,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Weights (or checkpoint) file.
    #[arg(long)]
    weights: PathBuf,
    /// Dataset root with train/ and test/ (as `ufdn data build` writes).
    #[arg(long)]
    data: PathBuf,
    /// Folder for report.md and grid.png.
    #[arg(long, default_value = "eval")]
    out: PathBuf,
    /// Training steps of the latent probe (the domain judge fits in a fixed number).
    #[arg(long, default_value_t = 400)]
    probe_steps: usize,
    /// At most this many images per domain and split, spread evenly over the sorted names.
    #[arg(long, default_value_t = 300)]
    limit: usize,
    #[command(flatten)]
    device: DeviceArg,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("output").required(true).args(["out", "onnx"])))]
pub struct ExportArgs {
    /// Weights or checkpoint file to read.
    #[arg(long)]
    weights: PathBuf,
    /// Weights file to write.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Store parameters as 16-bit floats (half the size).
    #[arg(long, conflicts_with = "onnx")]
    half: bool,
    /// Write an ONNX file instead (opset 17): inputs `image` [batch, 3, height, width], RGB
    /// in [-1, 1], and `code` [batch, domains]; output `translated`, shaped like `image`.
    #[arg(long)]
    onnx: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Weights or checkpoint file.
    weights: PathBuf,
}

fn load_model(path: &Path, device: DeviceKind) -> Result<Model> {
    let bytes = std::fs::read(path).map_err(|e| UfdnError::io(path, e))?;
    let device = device.open()?;
    let model = Model::from_bytes(&bytes, &device).map_err(|e| e.in_file(path))?;
    if let Some(warning) = unchecked_warning(&bytes) {
        eprintln!("warning: {}: {warning}", path.display());
    }
    Ok(model)
}

/// Runs `ufdn translate`: one image file into the target domain (or domain mix), written as PNG.
pub fn translate(args: TranslateArgs) -> Result<()> {
    let model = load_model(&args.weights, args.device.kind())?;
    let target = model.target(&args.to)?;
    let frame = load_at_most(&args.input, MAX_SIDE)?;
    let output = translate_frame(&model, &frame, &target)?;
    save_png(&output, &args.output)?;
    println!("{} -> {} ({}x{})", args.input.display(), args.output.display(), output.width(), output.height());
    Ok(())
}

/// Runs `ufdn encode`: writes the latent code of one image as a `.npy` array.
pub fn encode(args: EncodeArgs) -> Result<()> {
    let model = load_model(&args.weights, args.device.kind())?;
    let z = encode_fitted(&model, &load_at_most(&args.input, MAX_SIDE)?)?;
    let shape = z.dims();
    let values = readback(z)?;
    std::fs::write(&args.out, npy_f32(&values, &shape)).map_err(|e| UfdnError::io(&args.out, e))?;
    println!("z {:?} -> {}", shape, args.out.display());
    Ok(())
}

/// Runs `ufdn info`: prints what a weights file holds: preset, domains, parameters, steps, input size.
pub fn info(args: InfoArgs) -> Result<()> {
    let model = load_model(&args.weights, DeviceKind::Flex)?;
    let c = &model.config;
    println!("preset: {}", c.preset);
    println!("domains: {}", c.domains.join(", "));
    println!("parameters (E+G): {}", model.num_params());
    println!("steps trained: {}", model.steps);
    println!("training image size: {}", c.image_size);
    if c.fixed_size() {
        println!("input: resized to {0}x{0}", c.image_size);
    } else {
        println!(
            "input: any size ({EDGE_MARGIN} px of mirrored margin on every side, padded to a multiple of {})",
            c.stride()
        );
    }
    let side = if c.fixed_size() { c.image_size as u32 } else { 256 };
    if let Some(flops) = frame_flops(c, side, side) {
        println!("GFLOP per {side}x{side} translation: {:.2}", flops / 1e9);
    }
    Ok(())
}

/// Runs `ufdn eval`: evaluates a model on a dataset's held-out split and writes the report.
pub fn eval(args: EvalArgs) -> Result<()> {
    let model = load_model(&args.weights, args.device.kind())?;
    let opts = EvalOptions { data: args.data, out: args.out.clone(), probe_steps: args.probe_steps, limit: args.limit };
    let report = evaluate(&model, &opts)?;
    println!("{}", report.markdown(&model));
    println!("wrote {} and {}", args.out.join("report.md").display(), args.out.join("grid.png").display());
    Ok(())
}

/// Runs `ufdn export`: rewrites a weights file in f32 or f16, or writes it as ONNX.
pub fn export(args: ExportArgs) -> Result<()> {
    let model = load_model(&args.weights, DeviceKind::Flex)?;
    let (path, bytes, what) = match (args.onnx, args.out) {
        (Some(path), _) => {
            (path, model.to_onnx()?, format!("ONNX opset {OPSET}, domains {}", model.domains().join(", ")))
        }
        (None, Some(path)) => {
            let precision = if args.half { Precision::F16 } else { Precision::F32 };
            (path, model.to_bytes(precision)?, format!("{precision:?}"))
        }
        (None, None) => return Err(UfdnError::Input("give --out FILE or --onnx FILE".into())),
    };
    std::fs::write(&path, &bytes).map_err(|e| UfdnError::io(&path, e))?;
    println!("{} ({what}, {} bytes)", path.display(), bytes.len());
    Ok(())
}
