//! Small classifiers fitted for evaluation: a domain classifier on real images (judging
//! translations) and a latent probe (measuring domain leakage in z).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::Result;
use crate::frame::readback;
use crate::model::config::LatentDiscConfig;
use crate::model::latent_disc::LatentDisc;
use crate::train::losses::cross_entropy;

/// Labelled inputs of one shape, stored flat.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// All items back to back, each `item` long.
    pub values: Vec<f32>,
    /// Class of each item.
    pub labels: Vec<usize>,
    /// Shape of one item `[channels, height, width]`.
    pub item: [usize; 3],
}

impl Samples {
    /// Appends one item.
    pub fn push(&mut self, values: &[f32], label: usize) {
        self.values.extend_from_slice(values);
        self.labels.push(label);
    }

    /// Per-channel mean and standard deviation over every item and position.
    pub fn channel_stats(&self) -> Vec<(f32, f32)> {
        let [c, h, w] = self.item;
        let plane = h * w;
        (0..c)
            .map(|ch| {
                let values = || self.values.chunks(self.size()).flat_map(|item| &item[ch * plane..(ch + 1) * plane]);
                let count = (self.labels.len() * plane).max(1) as f64;
                let mean = values().map(|&v| f64::from(v)).sum::<f64>() / count;
                let var = values().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / count;
                (mean as f32, var.sqrt().max(1e-6) as f32)
            })
            .collect()
    }

    /// Shifts and scales every channel by `stats` (as [`Samples::channel_stats`] gives).
    pub fn standardise(&mut self, stats: &[(f32, f32)]) {
        let [_, h, w] = self.item;
        let size = self.size();
        for item in self.values.chunks_mut(size) {
            for (plane, &(mean, std)) in item.chunks_mut(h * w).zip(stats) {
                plane.iter_mut().for_each(|v| *v = (*v - mean) / std);
            }
        }
    }

    fn size(&self) -> usize {
        self.item.iter().product()
    }

    /// Items `indices` as `[n, c, h, w]` with one-hot labels `[n, classes]`.
    fn batch(&self, indices: &[usize], classes: usize, device: &Device) -> (Tensor<4>, Tensor<2>) {
        let size = self.size();
        let mut values = Vec::with_capacity(indices.len() * size);
        let mut onehot = vec![0.0f32; indices.len() * classes];
        for (row, &i) in indices.iter().enumerate() {
            values.extend_from_slice(&self.values[i * size..(i + 1) * size]);
            onehot[row * classes + self.labels[i]] = 1.0;
        }
        let [c, h, w] = self.item;
        (
            Tensor::from_data(TensorData::new(values, [indices.len(), c, h, w]), device),
            Tensor::from_data(TensorData::new(onehot, [indices.len(), classes]), device),
        )
    }
}

/// Seed of every fitted probe's initial weights and batches.
const PROBE_SEED: u64 = 17;

/// Fits a fresh model built by `init` (whose `logits` map `[n, c, h, w]` to `[n, classes]`)
/// to `train` with Adam, and returns it in inference mode. Its initial weights and batches
/// come from a fixed seed, so one evaluation of one model always reports the same accuracy.
pub fn fit<M, I, F>(init: I, logits: F, train: &Samples, classes: usize, steps: usize, device: &Device) -> M
where
    M: Module + Clone,
    I: FnOnce(&Device) -> M,
    F: Fn(&M, Tensor<4>) -> Tensor<2>,
{
    let device = device.clone().autodiff();
    device.seed(PROBE_SEED);
    let mut model = init(&device);
    let mut optimizer = AdamConfig::new().init();
    let mut rng = StdRng::seed_from_u64(PROBE_SEED);
    for _ in 0..steps {
        let indices: Vec<usize> = (0..32).map(|_| rng.random_range(0..train.labels.len())).collect();
        let (x, y) = train.batch(&indices, classes, &device);
        let loss = cross_entropy(logits(&model, x), y);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(1e-3, model, grads);
    }
    model.valid()
}

/// How a classifier assigned labelled samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    /// `counts[label][predicted]`: samples of each true class by predicted class.
    pub counts: Vec<Vec<usize>>,
}

impl Confusion {
    /// Fraction of all samples predicted as their label.
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.counts.len()).map(|c| self.counts[c][c]).sum();
        correct as f64 / self.total().max(1) as f64
    }

    /// Per class: the fraction of its samples predicted as it.
    pub fn recalls(&self) -> Vec<f64> {
        self.counts.iter().enumerate().map(|(c, row)| row[c] as f64 / row.iter().sum::<usize>().max(1) as f64).collect()
    }

    /// Fraction of all samples predicted as each class.
    pub fn predicted_shares(&self) -> Vec<f64> {
        let total = self.total().max(1) as f64;
        (0..self.counts.len()).map(|p| self.counts.iter().map(|row| row[p]).sum::<usize>() as f64 / total).collect()
    }

    fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
}

/// Arg-max predictions of `model` on `samples`, tallied against their labels.
pub fn confusion<M, F>(model: &M, logits: F, samples: &Samples, classes: usize, device: &Device) -> Result<Confusion>
where
    M: Module,
    F: Fn(&M, Tensor<4>) -> Tensor<2>,
{
    let all: Vec<usize> = (0..samples.labels.len()).collect();
    let mut counts = vec![vec![0; classes]; classes];
    for chunk in all.chunks(64) {
        let (x, _) = samples.batch(chunk, classes, device);
        let scores = readback(logits(model, x))?;
        for (row, &i) in chunk.iter().enumerate() {
            let s = &scores[row * classes..(row + 1) * classes];
            let best = (0..classes).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap_or(0);
            counts[samples.labels[i]][best] += 1;
        }
    }
    Ok(Confusion { counts })
}

/// Fraction of `samples` whose arg-max logit is their label.
pub fn accuracy<M, F>(model: &M, logits: F, samples: &Samples, classes: usize, device: &Device) -> Result<f64>
where
    M: Module,
    F: Fn(&M, Tensor<4>) -> Tensor<2>,
{
    Ok(confusion(model, logits, samples, classes, device)?.accuracy())
}

/// What a latent probe learned.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeResult {
    /// Accuracy on the codes it was fitted to.
    pub train_accuracy: f64,
    /// Its predictions on held-out codes.
    pub test: Confusion,
}

/// Fits a fresh latent discriminator with `config`'s layers to tell the domain of `train`
/// codes `[latent, h, w]` and tests it on `test` codes. Both are first standardised per
/// channel with the train codes' statistics: an invertible change that keeps the fit from
/// depending on the codes' scale.
pub fn latent_probe(
    config: &LatentDiscConfig,
    mut train: Samples,
    mut test: Samples,
    classes: usize,
    steps: usize,
    device: &Device,
) -> Result<ProbeResult> {
    let stats = train.channel_stats();
    train.standardise(&stats);
    test.standardise(&stats);
    let logits = |m: &LatentDisc, z: Tensor<4>| m.forward(z);
    let latent = train.item[0];
    let probe = fit(|d| config.init(latent, classes, d), logits, &train, classes, steps, device);
    Ok(ProbeResult {
        train_accuracy: accuracy(&probe, logits, &train, classes, device)?,
        test: confusion(&probe, logits, &test, classes, device)?,
    })
}
