//! Weights files: save → load round trips exactly, damaged or foreign files are refused
//! with clear errors (never a panic), and the shipped model matches its committed recipe.

mod common;

use std::path::Path;

use burn::tensor::{Device, Distribution, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;
use ufdn::model::container::{Container, FileKind, unchecked_warning};
use ufdn::model::record::Precision;
use ufdn::model::{Model, ModelConfig};
use ufdn::train::TrainConfig;
use ufdn::train::config::GroupRates;
use ufdn::train::schedule::LossWeights;

/// A tiny model trained for a few steps (so BatchNorm statistics are not the defaults).
fn trained_model() -> Model {
    // Built once: tests of this binary run in parallel and would otherwise rewrite the same
    // folder while another test reads it.
    static DATA: std::sync::OnceLock<ufdn::data::dataset::DomainDataset> = std::sync::OnceLock::new();
    let data = DATA.get_or_init(|| common::dataset("weights_model"));
    let rates = GroupRates { translator: 1e-3, latent_disc: 1e-3, image_disc: 1e-3 };
    let mut t = common::trainer(common::config(rates, LossWeights::OFFICIAL));
    let mut rng = StdRng::seed_from_u64(8);
    for _ in 0..5 {
        t.step(&data.sample(2, &mut rng));
    }
    t.model()
}

fn outputs(model: &Model, x: &Tensor<4>) -> Vec<f32> {
    let target = model.target("sketch=0.25,paint=0.75").unwrap();
    model.translate(x.clone(), &target).unwrap().into_data().convert::<f32>().try_to_vec().unwrap()
}

#[test]
fn save_then_load_gives_identical_outputs() {
    let model = trained_model();
    let bytes = model.to_bytes(Precision::F32).unwrap();
    let loaded = Model::from_bytes(&bytes, &Device::flex()).unwrap();
    assert_eq!(loaded.config, model.config);
    assert_eq!(loaded.steps, 5);
    assert_eq!(loaded.domains(), common::domains().as_slice());
    let x = Tensor::<4>::random([2, 3, 32, 48], Distribution::Uniform(-1.0, 1.0), model.device());
    assert_eq!(outputs(&model, &x), outputs(&loaded, &x));
    // A fresh model gives different outputs, so the comparison above means something.
    let fresh = Model::untrained(model.config.clone(), &Device::flex()).unwrap();
    assert_ne!(outputs(&model, &x), outputs(&fresh, &x));
}

fn psnr(a: &[f32], b: &[f32]) -> f64 {
    // Values in [-1, 1]: peak-to-peak 2.
    let mse = a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum::<f64>() / a.len() as f64;
    10.0 * (4.0 / mse).log10()
}

#[test]
fn half_precision_weights_are_half_the_size_and_nearly_identical() {
    let model = trained_model();
    let x = Tensor::<4>::random([2, 3, 32, 32], Distribution::Uniform(-1.0, 1.0), model.device());
    let reference = outputs(&model, &x);
    let full = model.to_bytes(Precision::F32).unwrap();
    let half = model.to_bytes(Precision::F16).unwrap();
    assert!(half.len() < full.len() * 6 / 10, "{} vs {} bytes", half.len(), full.len());
    assert_eq!(outputs(&model, &x), reference, "exporting must not change the model");
    let loaded = Model::from_bytes(&half, &Device::flex()).unwrap();
    let quality = psnr(&reference, &outputs(&loaded, &x));
    assert!(quality >= 45.0, "f16 weights: {quality} dB against f32");
    assert!(quality.is_finite(), "f16 should differ from f32 at least slightly");
}

fn load_error(bytes: &[u8]) -> String {
    Model::from_bytes(bytes, &Device::flex()).unwrap_err().to_string()
}

#[test]
fn damaged_files_are_refused_with_clear_errors() {
    let bytes = trained_model().to_bytes(Precision::F32).unwrap();
    assert!(load_error(&[]).contains("not a ufdn weights file"));
    assert!(load_error(b"PNG\x89 definitely not weights").contains("not a ufdn weights file"));
    let mut rng = StdRng::seed_from_u64(9);
    let random: Vec<u8> = (0..4096).map(|_| rand::Rng::random(&mut rng)).collect();
    assert!(load_error(&random).contains("not a ufdn weights file"));
    for cut in [10, 40, bytes.len() / 2, bytes.len() - 1] {
        let err = load_error(&bytes[..cut]);
        assert!(err.contains("truncated"), "cut at {cut}: {err}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(load_error(&longer).contains("trailing bytes"));
    // Damage anywhere past the magic is caught by a checksum that names the part.
    let header_len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let mut header_garbage = bytes.clone();
    header_garbage[18] = b'#';
    assert!(load_error(&header_garbage).contains("the header fails its checksum"));
    let mut scrambled = bytes.clone();
    for b in &mut scrambled[16 + header_len..16 + header_len + 64] {
        *b = !*b;
    }
    assert!(load_error(&scrambled).contains("section 'translator' fails its checksum"));
    for trial in 0..20 {
        let mut flipped = bytes.clone();
        for _ in 0..50 {
            let at = rand::Rng::random_range(&mut rng, 8..flipped.len());
            flipped[at] ^= 1 << rand::Rng::random_range(&mut rng, 0..8);
        }
        let err = load_error(&flipped);
        assert!(
            err.contains("checksum") || err.contains("truncated") || err.contains("corrupt"),
            "trial {trial}: {err}"
        );
    }
    // Parameter bytes that are not a record, under valid checksums (written that way).
    let parsed = Container::from_bytes(&bytes).unwrap();
    let mut garbage =
        Container::new(FileKind::Weights, parsed.header.config.clone(), parsed.header.steps, serde_json::Value::Null);
    garbage.push("translator", vec![0xAB; parsed.section("translator").unwrap().len()]);
    assert!(load_error(&garbage.to_bytes().unwrap()).contains("parameters are corrupt"));
}

#[test]
fn files_without_checksums_still_load_with_a_warning() {
    let model = trained_model();
    let bytes = model.to_bytes(Precision::F32).unwrap();
    assert_eq!(unchecked_warning(&bytes), None);
    // The first layout: the old magic and no header checksum word.
    let legacy = [b"UFDNPACK".as_slice(), &bytes[8..12], &bytes[16..]].concat();
    let loaded = Model::from_bytes(&legacy, &Device::flex()).unwrap();
    let x = Tensor::<4>::random([1, 3, 32, 32], Distribution::Uniform(-1.0, 1.0), model.device());
    assert_eq!(outputs(&loaded, &x), outputs(&model, &x));
    assert!(unchecked_warning(&legacy).is_some_and(|w| w.contains("re-export it with `ufdn export`")));
}

#[test]
fn weights_of_another_architecture_are_refused() {
    let model = trained_model();
    // Same file, but its header claims the web preset: the tensors do not fit.
    let claimed = ModelConfig::web(common::domains());
    let mut container = Container::from_bytes(&model.to_bytes(Precision::F32).unwrap()).unwrap();
    container.header.config = claimed;
    let err = load_error(&container.to_bytes().unwrap());
    assert!(err.contains("do not match the architecture"), "{err}");
}

#[test]
fn huge_or_absurd_architectures_in_a_header_are_refused_before_allocating() {
    let model = trained_model();
    let mut container = Container::from_bytes(&model.to_bytes(Precision::F32).unwrap()).unwrap();
    // Within the limits but about 10^10 parameters (40 GB): refused by size, in no time.
    let mut huge = ModelConfig::web(common::domains());
    huge.encoder.residual_blocks = 64;
    huge.encoder.layers.iter_mut().for_each(|l| l.channels = 4096);
    container.header.config = huge;
    let started = std::time::Instant::now();
    let err = load_error(&container.to_bytes().unwrap());
    assert!(err.contains("do not match the architecture") && err.contains("needs at least"), "{err}");
    assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
    // Past the limits: sizes whose shape arithmetic would overflow.
    let mut absurd = ModelConfig::web(common::domains());
    absurd.encoder.latent.channels = 1 << 40;
    container.header.config = absurd;
    let err = load_error(&container.to_bytes().unwrap());
    assert!(err.contains("out of range") && err.contains("at most 4096 channels"), "{err}");
}

#[test]
fn checkpoints_load_as_weights_too() {
    let t = common::trainer(common::config(
        GroupRates { translator: 1e-3, latent_disc: 1e-3, image_disc: 1e-3 },
        LossWeights::OFFICIAL,
    ));
    let model = Model::from_bytes(&t.checkpoint_bytes().unwrap(), &Device::flex()).unwrap();
    assert_eq!(model.config, common::tiny_config());
}

#[test]
fn shipped_model_is_the_committed_recipe_run_to_its_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let recipe = |name: &str| TrainConfig::from_file(&root.join("configs").join(name)).unwrap();
    // The second stage fine-tunes the first (`--init`), and the third the second, on the
    // same architecture and domains; the fourth grows that network by detail blocks, the
    // fifth fine-tunes the fourth, and the shipped weights blend the last steps of the two.
    let stages = [recipe("web2.toml"), recipe("web2-sharp.toml"), recipe("web2-paint.toml")];
    let fourth = recipe("web3-detail.toml");
    let fifth = recipe("web3-crisp.toml");
    let shipped =
        Model::from_bytes(&std::fs::read(root.join("assets/default.ufdn")).unwrap(), &Device::flex()).unwrap();
    let domains = shipped.config.domains.clone();
    assert_eq!(shipped.config, fourth.model_config(domains.clone()).unwrap());
    assert_eq!(shipped.config, fifth.model_config(domains.clone()).unwrap());
    for stage in &stages {
        let config = stage.model_config(domains.clone()).unwrap();
        assert!(shipped.config.grown_from(&config) && shipped.config != config, "{}", config.preset);
        assert_eq!(shipped.domains(), stage.domains);
    }
    assert_eq!(shipped.domains(), fourth.domains);
    assert_eq!(shipped.domains(), fifth.domains);
    let [_, sharp, paint] = &stages;
    assert!(
        [sharp, paint, &fourth, &fifth].iter().all(|stage| stage.loss_weights.detail.is_used()),
        "the fine-tunes keep the detail loss"
    );
    // A blend counts the larger step count of its two files.
    assert_eq!(
        shipped.steps,
        fourth.steps.max(fifth.steps),
        "assets/default.ufdn should blend the fourth and fifth stages' final steps"
    );
}
