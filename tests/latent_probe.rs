//! The latent probe of `ufdn eval` on real filtered fixture images standing in for codes: it
//! learns the domain, reports on what it fitted, and its verdict does not depend on the
//! codes' scale or offset (a probe that collapses to one class read exactly chance before).

mod common;

use burn::tensor::Device;
use ufdn::data::dataset::DomainDataset;
use ufdn::eval::probes::{Samples, latent_probe};

const SIZE: usize = 16;

/// Every image of `split` in the domain folders as a `[3, SIZE, SIZE]` code, each value
/// mapped by `map`, labelled by domain index.
fn codes(data: &DomainDataset, map: impl Fn(f32) -> f32) -> Samples {
    let mut samples = Samples { item: [3, SIZE, SIZE], ..Samples::default() };
    for d in 0..data.domains.len() {
        for i in 0..data.len_of(d) {
            let values: Vec<f32> = data.image(d, i).iter().map(|&v| map(v)).collect();
            samples.push(&values, d);
        }
    }
    samples
}

#[test]
fn latent_probe_learns_the_domain_whatever_the_codes_scale() {
    let dir = common::temp_dir("latent_probe");
    common::build_fixture_dataset(&dir, SIZE as u32, 8);
    let load = |split: &str| DomainDataset::load(&dir.join(split), &common::domains(), SIZE).unwrap();
    let (train, test) = (load("train"), load("test"));
    let config = common::tiny_config().latent_disc;
    let device = Device::flex();
    let probe = |map: &dyn Fn(f32) -> f32| {
        latent_probe(&config, codes(&train, map), codes(&test, map), 3, 200, &device).unwrap()
    };
    let plain = probe(&|v| v);
    let stretched = probe(&|v| 1000.0 * v - 300.0);

    assert!(plain.train_accuracy > 0.6, "fit on train codes: {plain:?}");
    assert!(plain.test.accuracy() > 0.5, "held-out codes (chance 1/3): {plain:?}");
    assert!(plain.test.predicted_shares().iter().all(|&s| s < 0.9), "collapsed to one class: {plain:?}");
    assert_eq!(plain.test, stretched.test, "codes ×1000 − 300 change the probe's verdicts");
}
