//! Shared helpers of the integration tests: a tiny architecture and a small real dataset
//! built from the fixture photos with the real filters.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use ufdn::data::build::{BuildOptions, build_dataset};
use ufdn::data::dataset::DomainDataset;
use ufdn::data::filters::DomainFilter;
use ufdn::data::sources::folder_photos;
use ufdn::model::config::{
    ConvSpec, EncoderConfig, GeneratorConfig, ImageDiscConfig, LatentDiscConfig, ModelConfig, Upsample,
};
use ufdn::train::config::GroupRates;
use ufdn::train::schedule::{LossWeights, Ramp};
use ufdn::train::{TrainConfig, Trainer};

/// The fixture photos shipped with the tests.
pub fn fixture_photos() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photos")
}

/// Domain names used by the tests.
pub fn domains() -> Vec<String> {
    ["photo", "sketch", "paint"].map(String::from).to_vec()
}

/// A tiny fully convolutional UFDN at 32×32 (stride 4), small enough for fast tests.
pub fn tiny_config() -> ModelConfig {
    let down = |c| ConvSpec::new(c, 4, 2, 1);
    let same = |c| ConvSpec::new(c, 3, 1, 1);
    ModelConfig {
        preset: "tiny".into(),
        domains: domains(),
        image_size: 32,
        encoder: EncoderConfig {
            layers: vec![down(16), down(32)],
            latent: same(16),
            residual_blocks: 0,
            batch_norm: true,
            logvar_bias: 0.0,
        },
        generator: GeneratorConfig {
            layers: vec![same(32), down(16), down(3)],
            upsample: Upsample::Transposed,
            residual_blocks: 0,
            detail_blocks: 0,
            batch_norm: true,
            code_every_layer: true,
        },
        latent_disc: LatentDiscConfig { convs: vec![same(32)], hidden: vec![32] },
        image_disc: ImageDiscConfig { layers: vec![down(16), down(32)], hidden: 64, patch: false },
    }
}

/// A fresh temporary directory under the target dir, unique per test name.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds photo/sketch/paint crops of the fixture photos at `size` into `out`.
pub fn build_fixture_dataset(out: &Path, size: u32, crops: usize) {
    let opts = BuildOptions {
        out: out.to_path_buf(),
        domains: vec![DomainFilter::Photo, DomainFilter::Sketch, DomainFilter::Paint],
        size,
        crops_per_photo: crops,
        min_scale: 0.4,
        test_fraction: 0.25,
        seed: 7,
    };
    build_dataset(folder_photos(&fixture_photos()).unwrap(), &opts).unwrap();
}

/// The train split of a fixture dataset at 32×32 (6 crops per photo), built under `name`.
pub fn dataset(name: &str) -> DomainDataset {
    let dir = temp_dir(name);
    build_fixture_dataset(&dir, 32, 6);
    DomainDataset::load(&dir.join("train"), &domains(), 32).unwrap()
}

/// A loss weight that is always 0.
pub const OFF: Ramp = Ramp::new(0.0, 0.0, 0);
/// A loss weight that is always 1.
pub const ON: Ramp = Ramp::new(1.0, 1.0, 0);

/// Training config with 4 images per domain and the given rates and weights.
pub fn config(rates: GroupRates, weights: LossWeights) -> TrainConfig {
    TrainConfig { batch_per_domain: 4, lr: rates, loss_weights: weights, ..TrainConfig::default() }
}

/// A trainer of the tiny model on the CPU.
pub fn trainer(config: TrainConfig) -> Trainer {
    Trainer::new(config, tiny_config(), &Device::flex()).unwrap()
}
