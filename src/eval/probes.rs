//! Small classifiers fitted for evaluation: a domain classifier on real images (judging
//! translations) and a latent probe (measuring domain leakage in z).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::Result;
use crate::frame::readback;
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

/// Fraction of `samples` whose arg-max logit is their label.
pub fn accuracy<M, F>(model: &M, logits: F, samples: &Samples, classes: usize, device: &Device) -> Result<f64>
where
    M: Module,
    F: Fn(&M, Tensor<4>) -> Tensor<2>,
{
    let all: Vec<usize> = (0..samples.labels.len()).collect();
    let mut correct = 0;
    for chunk in all.chunks(64) {
        let (x, _) = samples.batch(chunk, classes, device);
        let scores = readback(logits(model, x))?;
        for (row, &i) in chunk.iter().enumerate() {
            let s = &scores[row * classes..(row + 1) * classes];
            let best = (0..classes).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap_or(0);
            correct += usize::from(best == samples.labels[i]);
        }
    }
    Ok(correct as f64 / samples.labels.len().max(1) as f64)
}
