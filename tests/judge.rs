//! The domain judge of `ufdn eval` on real filtered fixture images: its texture statistics
//! see the flat strokes of a paint (Kuwahara smoothing leaves a larger share of exactly flat
//! neighbours than the photo has), and once fitted on half the crops it tells the domains of
//! the other half, blurred, noisy or neither. (Three fixture photos are too few to learn
//! from them what a paint of a fourth looks like; `ufdn eval` measures that on the held-out
//! sources of the real data.)

mod common;

use std::path::Path;

use burn::tensor::Device;
use image::RgbImage;
use ufdn::eval::judge::{FEATURES, HISTOGRAM_BINS, Judge, texture_features};

const SIZE: u32 = 64;

/// Per domain, the image files of `split` whose index `keep` accepts, decoded.
fn images(root: &Path, split: &str, keep: impl Fn(usize) -> bool) -> Vec<Vec<RgbImage>> {
    common::domains()
        .iter()
        .map(|domain| {
            let mut files: Vec<_> =
                std::fs::read_dir(root.join(split).join(domain)).unwrap().map(|e| e.unwrap().path()).collect();
            files.sort();
            files.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, f)| image::open(f).unwrap().to_rgb8()).collect()
        })
        .collect()
}

/// Mean share of exactly flat neighbour pairs (first bin of the first histogram).
fn flat_share(images: &[RgbImage]) -> f32 {
    images.iter().map(|image| texture_features(image)[0]).sum::<f32>() / images.len() as f32
}

#[test]
fn features_are_shares_and_mark_flat_paint_regions_that_photos_lack() {
    let dir = common::temp_dir("judge_features");
    common::build_fixture_dataset(&dir, SIZE, 4);
    let test = images(&dir, "test", |_| true);
    let features = texture_features(&test[0][0]);
    assert_eq!(features.len(), FEATURES);
    // Histograms, each summing to one.
    for histogram in features.chunks(HISTOGRAM_BINS) {
        assert!((histogram.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{histogram:?}");
    }
    let (photo, paint) = (flat_share(&test[0]), flat_share(&test[2]));
    assert!(paint > 1.5 * photo, "share of flat neighbours: paint {paint}, photo {photo}");
}

#[test]
fn fitted_judge_tells_the_domains_of_crops_it_was_not_fitted_on() {
    let dir = common::temp_dir("judge_fit");
    common::build_fixture_dataset(&dir, SIZE, 16);
    // Crops of one photo are random windows at random scales; even ones fit, odd ones test.
    let (train, test) = (images(&dir, "train", |i| i % 2 == 0), images(&dir, "train", |i| i % 2 == 1));
    let judge = Judge::fit(&train, &Device::flex());
    let held_out = judge.verdicts_on_real(&test).unwrap();
    assert!(held_out.accuracy() >= 0.9, "judge on held-out crops: {:?}", held_out.counts);
    // Blur does not turn a sketch into a photo: the judge reads a domain's look apart from
    // sharpness (`verdicts` labels every image with one domain).
    let blurred: Vec<RgbImage> = test[1].iter().map(|im| image::imageops::blur(im, 1.0)).collect();
    let sketches = judge.verdicts(&blurred, 1).unwrap();
    assert!(sketches.accuracy() >= 0.9, "judge on blurred held-out sketches: {:?}", sketches.counts);
    // Nor does noise the eye hardly sees (±4 levels, twice what the judge is fitted with),
    // which fills a sketch's white paper and a paint's flat strokes with tiny differences
    // as a network's output does. (A judge fitted without noisy copies keeps 17 of 24
    // sketches and 15 of 24 paints here.)
    for (d, domain) in test.iter().enumerate() {
        let noisy: Vec<RgbImage> = domain.iter().enumerate().map(|(i, im)| with_noise(im, i as u64 + 1)).collect();
        let verdicts = judge.verdicts(&noisy, d).unwrap();
        assert!(verdicts.accuracy() >= 0.85, "judge on noisy held-out images of domain {d}: {:?}", verdicts.counts);
    }
}

/// `image` with every channel moved by a pseudo-random integer in ±4 (xorshift from `seed`).
fn with_noise(image: &RgbImage, seed: u64) -> RgbImage {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut noisy = image.clone();
    for value in noisy.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let moved = i16::from(*value) + (state % 9) as i16 - 4;
        *value = moved.clamp(0, 255) as u8;
    }
    noisy
}
