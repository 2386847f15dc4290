//! `ufdn export --onnx`: the exported file, run by onnxruntime (Python, CPU), reproduces
//! ufdn's own translation of a real photo within 1e-3, for the shipped default model
//! (resize-convolution generator, residual blocks) and for a briefly trained tiny model
//! (transposed convolutions, code before every layer), one-hot codes and a mix in one batch.

mod common;

use std::path::Path;
use std::process::Command;

use burn::tensor::{Device, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;
use ufdn::DomainMix;
use ufdn::data::image_io::load_rgb;
use ufdn::frame::{fit_frame, image_tensor, readback};
use ufdn::model::Model;
use ufdn::model::record::Precision;
use ufdn::npy::npy_f32;
use ufdn::train::TrainConfig;

use common::{dataset, temp_dir, trainer};

/// Largest |onnxruntime − ufdn| allowed, in output units ([-1, 1] pixels): the issue's
/// bound, a quarter of one 8-bit grey level (2/255).
const TOLERANCE: f32 = 1e-3;

fn write_npy(path: &Path, values: &[f32], shape: &[usize]) {
    std::fs::write(path, npy_f32(values, shape)).unwrap();
}

/// Exports `weights` with the CLI, translates the fixture photo and its mirror image
/// (one-hot and mixed codes) with ufdn on flex, and checks onnxruntime's largest deviation.
fn check_onnx(weights: &Path, dir: &Path, what: &str) {
    let onnx = dir.join("model.onnx");
    let export = Command::new(env!("CARGO_BIN_EXE_ufdn"))
        .args(["export", "--weights", weights.to_str().unwrap(), "--onnx", onnx.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));

    let device = Device::flex();
    let model = Model::from_bytes(&std::fs::read(weights).unwrap(), &device).unwrap();
    let photo = load_rgb(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chelsea.png")).unwrap();
    let (photo, _) = fit_frame(&photo, &model.config, 0).unwrap();
    let mirrored = image::imageops::flip_horizontal(&photo);
    let (photo, mirrored) = (image_tensor(&photo, &device), image_tensor(&mirrored, &device));
    let n = model.domains().len();
    let one_hot = DomainMix::one_hot(1, n);
    let mix = model.target(&format!("{}=0.3,{}=0.7", model.domains()[0], model.domains()[n - 1])).unwrap();
    // The photo to the second domain and its mirror image to the mix, in one ONNX batch.
    let translated =
        [model.translate(photo.clone(), &one_hot).unwrap(), model.translate(mirrored.clone(), &mix).unwrap()];
    // [2, 3, height, width]
    let images = Tensor::cat(vec![photo, mirrored], 0);
    let expected = readback(Tensor::cat(translated.to_vec(), 0)).unwrap();
    let codes = [one_hot.weights(), mix.weights()].concat();
    let dims = images.dims();

    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    write_npy(Path::new(&file("image.npy")), &readback(images).unwrap(), &dims);
    write_npy(Path::new(&file("code.npy")), &codes, &[2, n]);
    write_npy(Path::new(&file("expected.npy")), &expected, &dims);
    let check = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/onnx_check.py");
    let run = Command::new("python3")
        .args([check, &file("model.onnx"), &file("image.npy"), &file("code.npy"), &file("expected.npy")])
        .output()
        .expect("python3 runs (scripts/setup.sh installs onnxruntime)");
    assert!(run.status.success(), "onnxruntime check failed: {}", String::from_utf8_lossy(&run.stderr));
    let printed = String::from_utf8_lossy(&run.stdout);
    let [deviation, spread]: [f32; 2] =
        printed.split_whitespace().map(|v| v.parse().unwrap()).collect::<Vec<_>>().try_into().unwrap();
    println!("{what}: onnxruntime vs ufdn, max |difference| {deviation:.2e} (output std {spread:.3})");
    assert!(deviation <= TOLERANCE, "{what}: max |difference| {deviation}");
    // A wrong layout or operator would move the output by about its spread, far above the bound.
    assert!(spread >= 20.0 * TOLERANCE, "{what}: the output is too flat ({spread}) for the check to mean much");
}

#[test]
fn the_shipped_model_exported_to_onnx_runs_in_onnxruntime_as_in_ufdn() {
    let dir = temp_dir("onnx_shipped");
    let weights = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default.ufdn");
    check_onnx(&weights, &dir, "shipped model");
}

#[test]
fn a_transposed_convolution_model_exported_to_onnx_runs_in_onnxruntime_as_in_ufdn() {
    let dir = temp_dir("onnx_tiny");
    let data = dataset("onnx_tiny_data");
    let mut t = trainer(TrainConfig { batch_per_domain: 4, ..TrainConfig::default() });
    let mut rng = StdRng::seed_from_u64(3);
    for _ in 0..3 {
        t.step(&data.sample(4, &mut rng));
    }
    let weights = dir.join("tiny.ufdn");
    std::fs::write(&weights, t.model().to_bytes(Precision::F32).unwrap()).unwrap();
    check_onnx(&weights, &dir, "tiny transposed model");
}
