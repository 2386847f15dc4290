//! The domain judge of `ufdn eval`: it says which domain an image (a translation) looks like.
//!
//! It reads fixed texture statistics rather than raw pixels: histograms of the grey image's
//! neighbour differences and Laplacian at full resolution and over 2×2 and 4×4 box means,
//! and of colour saturation. They tell a Kuwahara paint's flat strokes with crisp borders
//! from a photo's fine grain, and a sketch's grey from both. A small perceptron is fitted on
//! them to the real train images, to copies of them blurred by a Gaussian of σ = 0.7 and
//! 1.4 px, and to copies of all three with ±2 levels of uniform noise, each labelled with its
//! own domain. So it judges a domain's look apart from sharpness, which the detail measure
//! reports, and apart from noise the eye does not see. (Fitted without the noisy copies, it
//! read real held-out sketches with ±2 levels of noise as paints: their exactly white paper
//! was what made them sketches.) Fitted on the real data's train crops it assigns 92–93 % of the
//! held-out test crops, and 79 of the 84 held-out 256-px frames, to their domain. Every
//! feature is a share of pixels, so one fit judges any frame size, in seconds.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use image::{RgbImage, imageops};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::metrics::grey;
use super::probes::{Confusion, Samples, confusion, fit};
use crate::error::Result;
use crate::model::layers::linear;

/// Bin edges, in grey levels, of the |neighbour difference| histograms; the Laplacian's
/// use twice these. Doubling bins: from "exactly flat" to "an edge".
const DIFFERENCE_EDGES: [f32; 7] = [0.5, 1.5, 3.0, 6.0, 12.0, 24.0, 48.0];

/// Bin edges, in levels, of the saturation (max − min of R, G, B) histogram.
const SATURATION_EDGES: [f32; DIFFERENCE_EDGES.len()] = [8.0, 16.0, 32.0, 64.0, 96.0, 128.0, 192.0];

/// Reductions (box-mean block sides) of the grey plane whose difference histograms the
/// judge reads besides full resolution's.
const SCALES: [usize; 2] = [2, 4];

/// Bins of each of the judge's histograms.
pub const HISTOGRAM_BINS: usize = DIFFERENCE_EDGES.len() + 1;

/// Features [`texture_features`] returns: two difference histograms at full resolution
/// and each of [`SCALES`], and the saturation histogram.
pub const FEATURES: usize = (2 * (1 + SCALES.len()) + 1) * HISTOGRAM_BINS;

/// Hidden units of the judge's perceptron.
const HIDDEN: usize = 128;

/// Adam steps of the fit (batches of 32 feature vectors: a few seconds).
const FIT_STEPS: usize = 6000;

/// Gaussian blurs (σ in pixels) of the extra copies of every real image the judge is fitted on.
const BLURS: [f32; 2] = [0.7, 1.4];

/// Largest change, in levels, of the uniform noise on the judge's noisy copies.
const NOISE_LEVELS: i16 = 2;

/// Seed of the noisy copies' noise.
const NOISE_SEED: u64 = 7;

/// `image` with every channel of every pixel moved by a uniform integer in
/// ±[`NOISE_LEVELS`]: a change the eye does not see.
fn with_noise(image: &RgbImage, rng: &mut StdRng) -> RgbImage {
    let mut noisy = image.clone();
    for value in noisy.iter_mut() {
        let moved = i16::from(*value) + rng.random_range(-NOISE_LEVELS..=NOISE_LEVELS);
        *value = moved.clamp(0, 255) as u8;
    }
    noisy
}

/// Appends the share of `values` in each bin that `edges` bound (below the first edge,
/// between consecutive edges, from the last edge up).
fn push_histogram(values: impl Iterator<Item = f32>, edges: &[f32], out: &mut Vec<f32>) {
    let mut counts = vec![0usize; edges.len() + 1];
    let mut total = 0usize;
    for v in values {
        counts[edges.iter().take_while(|&&edge| v >= edge).count()] += 1;
        total += 1;
    }
    out.extend(counts.iter().map(|&c| c as f32 / total.max(1) as f32));
}

/// Appends the histograms of |right and lower neighbour differences| and of |4-neighbour
/// Laplacian| of the grey plane `grey` (row-major, `width` wide).
fn push_difference_histograms(grey: &[f32], width: usize, out: &mut Vec<f32>) {
    let height = grey.len() / width.max(1);
    let at = |x: usize, y: usize| grey[y * width + x];
    let differences = (0..height.saturating_sub(1)).flat_map(|y| {
        (0..width.saturating_sub(1))
            .flat_map(move |x| [(at(x + 1, y) - at(x, y)).abs(), (at(x, y + 1) - at(x, y)).abs()])
    });
    push_histogram(differences, &DIFFERENCE_EDGES, out);
    let laplacian = (1..height.saturating_sub(1)).flat_map(|y| {
        (1..width.saturating_sub(1))
            .map(move |x| (at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y)).abs())
    });
    push_histogram(laplacian, &DIFFERENCE_EDGES.map(|edge| 2.0 * edge), out);
}

/// Box means of `factor`×`factor` blocks of the grey plane `grey` (`width` wide): the
/// plane at 1/`factor` of its resolution, and that width.
fn box_means(grey: &[f32], width: usize, factor: usize) -> (Vec<f32>, usize) {
    let (small_width, small_height) = (width / factor, grey.len() / width.max(1) / factor);
    let area = (factor * factor) as f32;
    let means = (0..small_height)
        .flat_map(|y| (0..small_width).map(move |x| (y, x)))
        .map(|(y, x)| {
            let rows = (0..factor).map(|dy| (factor * y + dy) * width + factor * x);
            rows.map(|start| grey[start..start + factor].iter().sum::<f32>()).sum::<f32>() / area
        })
        .collect();
    (means, small_width)
}

/// The judge's [`FEATURES`] texture statistics of an image, each a share of its pixels.
pub fn texture_features(image: &RgbImage) -> Vec<f32> {
    let width = image.width() as usize;
    let grey: Vec<f32> = grey(image).into_iter().map(|v| v as f32).collect();
    let mut features = Vec::with_capacity(FEATURES);
    // Full resolution, then 2×2 and 4×4 box means: a paint's strokes are a few pixels wide.
    push_difference_histograms(&grey, width, &mut features);
    for factor in SCALES {
        let (small, small_width) = box_means(&grey, width, factor);
        push_difference_histograms(&small, small_width, &mut features);
    }
    let saturation = image.pixels().map(|p| f32::from(p.0.iter().max().unwrap_or(&0) - p.0.iter().min().unwrap_or(&0)));
    push_histogram(saturation, &SATURATION_EDGES, &mut features);
    features
}

/// The judge's perceptron: standardised features `[batch, FEATURES, 1, 1]` → domain logits.
#[derive(Module, Debug)]
pub struct JudgeNet {
    hidden: Linear,
    output: Linear,
}

impl JudgeNet {
    fn new(domains: usize, device: &Device) -> Self {
        Self { hidden: linear(FEATURES, HIDDEN, device), output: linear(HIDDEN, domains, device) }
    }

    /// features `[batch, FEATURES, 1, 1]` → logits `[batch, domains]`.
    fn forward(&self, features: Tensor<4>) -> Tensor<2> {
        // [batch, FEATURES]
        let features = features.flatten(1, 3);
        self.output.forward(relu(self.hidden.forward(features)))
    }
}

/// A judge fitted to real images of every domain.
#[derive(Debug)]
pub struct Judge {
    net: JudgeNet,
    /// Per feature: mean and standard deviation over the real images it was fitted on.
    standardisation: Vec<(f32, f32)>,
    domains: usize,
    device: Device,
}

/// The feature vectors of labelled groups of images.
fn labelled_features<'a>(labelled: impl IntoIterator<Item = (&'a [RgbImage], usize)>) -> Samples {
    let mut samples = Samples { item: [FEATURES, 1, 1], ..Samples::default() };
    for (images, label) in labelled {
        images.iter().for_each(|image| samples.push(&texture_features(image), label));
    }
    samples
}

/// `real[d]` as groups labelled `d`.
fn by_domain(real: &[Vec<RgbImage>]) -> impl Iterator<Item = (&[RgbImage], usize)> {
    real.iter().enumerate().map(|(d, images)| (images.as_slice(), d))
}

impl Judge {
    /// Fits a judge to `real[d]`, the real images of domain `d`, and to their blurred and
    /// noisy copies, from fixed seeds.
    pub fn fit(real: &[Vec<RgbImage>], device: &Device) -> Self {
        let domains = real.len();
        let mut train = labelled_features(by_domain(real));
        let mut rng = StdRng::seed_from_u64(NOISE_SEED);
        // Blurred and noisy copies one at a time: their features, not the copies, are kept.
        for (images, d) in by_domain(real) {
            for image in images {
                let blurred: Vec<RgbImage> = BLURS.iter().map(|&sigma| imageops::blur(image, sigma)).collect();
                blurred.iter().for_each(|copy| train.push(&texture_features(copy), d));
                for copy in std::iter::once(image).chain(&blurred) {
                    train.push(&texture_features(&with_noise(copy, &mut rng)), d);
                }
            }
        }
        let standardisation = train.channel_stats();
        train.standardise(&standardisation);
        let net = fit(|d| JudgeNet::new(domains, d), JudgeNet::forward, &train, domains, FIT_STEPS, device);
        Self { net, standardisation, domains, device: device.clone() }
    }

    /// The judge's verdicts on `images`, all of which should look like domain `label`.
    pub fn verdicts(&self, images: &[RgbImage], label: usize) -> Result<Confusion> {
        self.judge([(images, label)])
    }

    /// Its verdicts on `real[d]`, real images of each domain `d`.
    pub fn verdicts_on_real(&self, real: &[Vec<RgbImage>]) -> Result<Confusion> {
        self.judge(by_domain(real))
    }

    fn judge<'a>(&self, labelled: impl IntoIterator<Item = (&'a [RgbImage], usize)>) -> Result<Confusion> {
        let mut samples = labelled_features(labelled);
        samples.standardise(&self.standardisation);
        confusion(&self.net, JudgeNet::forward, &samples, self.domains, &self.device)
    }
}
