//! The domain judge of `ufdn eval` on real filtered fixture images: its texture front end
//! sees the flat strokes of a paint (Kuwahara smoothing leaves about three times the photo's
//! share of exactly flat neighbours), and once fitted on half the crops it tells the domains
//! of the other half. (Three fixture photos are too few to learn from them what a paint of a
//! fourth looks like; `ufdn eval` measures that on the held-out sources of the real data.)

mod common;

use std::path::Path;

use burn::tensor::{Device, Tensor, TensorData};
use ufdn::data::dataset::DomainDataset;
use ufdn::eval::judge::{Judge, JudgeConfig, texture_front_end};
use ufdn::eval::probes::{Samples, accuracy, fit};

const SIZE: usize = 64;

/// The images of `split` in the domain folders whose index `keep` accepts, labelled by
/// domain index.
fn samples(root: &Path, split: &str, keep: impl Fn(usize) -> bool) -> Samples {
    let data = DomainDataset::load(&root.join(split), &common::domains(), SIZE).unwrap();
    let mut samples = Samples { item: [3, SIZE, SIZE], ..Samples::default() };
    for d in 0..data.domains.len() {
        (0..data.len_of(d)).filter(|&i| keep(i)).for_each(|i| samples.push(data.image(d, i), d));
    }
    samples
}

/// Share of the front end's difference planes at their floor (exactly flat neighbours) over
/// the images of `domain` in `samples`.
fn flat_share(samples: &Samples, domain: usize) -> f32 {
    let size = 3 * SIZE * SIZE;
    let (mut flat, mut all) = (0usize, 0usize);
    for (i, _) in samples.labels.iter().enumerate().filter(|(_, l)| **l == domain) {
        let values = samples.values[i * size..(i + 1) * size].to_vec();
        let image = Tensor::<4>::from_data(TensorData::new(values, [1, 3, SIZE, SIZE]), &Device::flex());
        // [1, 9, SIZE − 1, SIZE − 1]: right differences, lower differences, colours
        let differences = texture_front_end(image).narrow(1, 0, 6).into_data().try_to_vec::<f32>().unwrap();
        flat += differences.iter().filter(|&&v| v < -0.99).count();
        all += differences.len();
    }
    flat as f32 / all as f32
}

#[test]
fn front_end_marks_flat_paint_regions_that_photos_lack() {
    let dir = common::temp_dir("judge_front_end");
    common::build_fixture_dataset(&dir, SIZE as u32, 4);
    let test = samples(&dir, "test", |_| true);
    let (photo, paint) = (flat_share(&test, 0), flat_share(&test, 2));
    assert!(paint > 2.0 * photo, "flat share of difference planes: paint {paint}, photo {photo}");
}

#[test]
fn fitted_judge_tells_the_domains_of_crops_it_was_not_fitted_on() {
    let dir = common::temp_dir("judge_fit");
    common::build_fixture_dataset(&dir, SIZE as u32, 16);
    // Crops of one photo are random windows at random scales; even ones fit, odd ones test.
    let (train, test) = (samples(&dir, "train", |i| i % 2 == 0), samples(&dir, "train", |i| i % 2 == 1));
    let device = Device::flex();
    let classify = |m: &Judge, x: Tensor<4>| m.forward(x);
    let judge = fit(|d| JudgeConfig::default().init(3, d), classify, &train, 3, 300, &device);
    let held_out = accuracy(&judge, classify, &test, 3, &device).unwrap();
    assert!(held_out >= 0.9, "judge accuracy on {} held-out crops: {held_out}", test.labels.len());
}
