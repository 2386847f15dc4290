//! One UFDN optimisation step (D_v, then D_x, then E+G, one function per network update)
//! and the state it updates.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::config::{PixelLoss, TrainConfig};
use super::losses::{
    MIN_DETAIL_SIDE, MIN_TEXTURE_SIDE, bce_with_logits, cross_entropy, detail_energy_l1, gradient_l1, kl_divergence,
    l1, mse, texture_l1,
};
use super::penalty::{mean_slope, penalty_probes, slope_penalty};
use crate::data::dataset::Batch;
use crate::model::encoder_generator::EncoderGenerator;
use crate::model::image_disc::ImageDisc;
use crate::model::latent_disc::LatentDisc;
use crate::model::{Model, ModelConfig};

/// Loss values of one step, as logged to `losses.csv`.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StepLosses {
    /// Step number (1-based: the step just done).
    pub step: u64,
    /// Seconds since this leg of the run started (set by the run loop, to the millisecond).
    pub seconds: f64,
    /// D_v's domain cross-entropy on z (before its update).
    pub latent_disc: f32,
    /// Critic Wasserstein estimate mean D(real) − mean D(fake).
    pub wasserstein: f32,
    /// Mean finite-difference slope of the critic (≈ ‖∇D‖; the penalty drives it to 1).
    pub critic_slope: f32,
    /// D_x's domain classification loss on real images.
    pub real_classification: f32,
    /// Pixel reconstruction loss (the configured pixel distance).
    pub reconstruction: f32,
    /// KL divergence.
    pub kl: f32,
    /// E's loss against D_v (BCE against complement labels).
    pub latent_adversarial: f32,
    /// G's critic loss −mean D(G(z, v_t)).
    pub pixel_adversarial: f32,
    /// G's domain classification loss on translations.
    pub pixel_classification: f32,
    /// Paired translation loss (the configured pixel distance; 0 on unpaired steps).
    pub paired_translation: f32,
    /// Paired latent alignment, relative to the codes' spread (0 on unpaired steps).
    pub latent_alignment: f32,
    /// Detail-energy L1 of the reconstruction plus, on paired steps, of the paired
    /// translation (0 while its weight is 0).
    pub detail: f32,
    /// Gradient L1 of the reconstruction plus, on paired steps, of the paired translation
    /// (0 while its weight is 0).
    pub gradient: f32,
    /// Texture-histogram L1 of the reconstruction plus, on paired steps, of the paired
    /// translation (0 while its weight is 0).
    pub texture: f32,
}

/// The four networks, their optimisers and the step count.
pub struct Trainer {
    /// Training configuration.
    pub config: TrainConfig,
    /// Architecture and domains.
    pub model_config: ModelConfig,
    pub(super) device: Device,
    pub(super) translator: EncoderGenerator,
    pub(super) latent_disc: LatentDisc,
    pub(super) image_disc: ImageDisc,
    pub(super) opt_translator: ModuleOptimizer,
    pub(super) opt_latent: ModuleOptimizer,
    pub(super) opt_image: ModuleOptimizer,
    pub(super) step: u64,
}

/// Stream of [`Trainer::step_rng`] used for target domains.
const TARGET_STREAM: u64 = 0x007A_26E7;
/// Stream of [`Trainer::step_rng`] used for batch sampling.
pub const BATCH_STREAM: u64 = 0xBA7C;
/// Stream of [`Trainer::step_rng`] used for the batches that re-estimate BatchNorm statistics.
pub const NORM_STREAM: u64 = 0x5E771E;

/// Seed of step `step`'s generators.
pub fn step_seed(seed: u64, step: u64) -> u64 {
    seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Reads a scalar loss back to the host.
fn value(t: &Tensor<1>) -> f32 {
    t.clone().into_scalar::<f32>()
}

impl Trainer {
    /// Fresh networks and optimisers on `device` (autodiff is enabled here).
    /// The configuration keeps the exact architecture (`model`), so checkpoints are
    /// self-contained.
    pub fn new(mut config: TrainConfig, model_config: ModelConfig, device: &Device) -> crate::Result<Self> {
        config.validate()?;
        config.model = Some(model_config.clone());
        model_config.validate()?;
        let weights = &config.loss_weights;
        for (name, used, side) in [
            ("detail", weights.detail.is_used(), MIN_DETAIL_SIDE),
            ("texture", weights.texture.is_used(), MIN_TEXTURE_SIDE),
        ] {
            if used && model_config.image_size < side {
                return Err(crate::UfdnError::Input(format!(
                    "the {name} loss needs training images of at least {side} px, not {}: raise image_size or set its weight to 0",
                    model_config.image_size
                )));
            }
        }
        let device = device.clone().autodiff();
        let translator = model_config.init_translator(&device);
        let latent_disc = model_config.init_latent_disc(&device);
        let image_disc = model_config.init_image_disc(&device);
        let adam = AdamConfig::new().with_beta_1(config.beta1).with_beta_2(config.beta2);
        Ok(Self {
            config,
            model_config,
            device,
            translator,
            latent_disc,
            image_disc,
            opt_translator: adam.init(),
            opt_latent: adam.init(),
            opt_image: adam.init(),
            step: 0,
        })
    }

    /// Steps done so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The random generator of the current step, derived from the seed and the step count so
    /// that a resumed run draws exactly what an uninterrupted one would. `stream` separates
    /// independent uses (batch sampling, target choice).
    pub fn step_rng(&self, stream: u64) -> StdRng {
        StdRng::seed_from_u64(step_seed(self.config.seed ^ stream, self.step))
    }

    /// An inference snapshot of E and G.
    pub fn model(&self) -> Model {
        Model::new(self.model_config.clone(), self.step, &self.translator, &self.device.clone().inner())
    }

    /// One-hot codes `[batch, domains]` of a random other domain for every label.
    fn random_targets(&self, labels: &[usize], rng: &mut StdRng) -> Tensor<2> {
        let n = self.model_config.num_domains();
        let targets: Vec<usize> = labels.iter().map(|&c| (c + rng.random_range(1..n)) % n).collect();
        self.one_hot(&targets)
    }

    /// E's posterior `(mu, logvar)` and a sample z = mu + sigma * eps (reparameterisation).
    fn encode(&self, x: Tensor<4>) -> Encoding {
        let (mu, logvar) = self.translator.encoder.forward(x);
        let eps = mu.random_like(Distribution::Normal(0.0, 1.0));
        let z = mu.clone() + logvar.clone().mul_scalar(0.5).exp() * eps;
        Encoding { mu, logvar, z }
    }

    /// Re-estimates BatchNorm's running statistics (what inference normalises with) from
    /// `batch`: E and G run forward in training mode, G once with the images' own domains and
    /// once with random other ones (drawn from `rng`, as is the sampling noise), as in a step.
    /// No weight, optimiser state or step count changes, and training itself never reads
    /// these statistics. Gradients are not tracked meanwhile: no backward pass follows, and
    /// a tracked graph would keep every batch's activations in memory.
    pub fn settle_norms(&mut self, batch: &Batch, rng: &mut StdRng) {
        self.device.seed(rng.random());
        self.translator = self.translator.clone().no_grad();
        let x = batch.to_tensor(&self.device);
        let z = self.encode(x).z;
        let target = self.random_targets(&batch.labels, rng);
        self.translator.generator.forward(z.clone(), self.one_hot(&batch.labels));
        self.translator.generator.forward(z, target);
        self.translator = self.translator.clone().set_require_grad(true);
    }

    /// One-hot codes `[batch, domains]` of `labels`.
    fn one_hot(&self, labels: &[usize]) -> Tensor<2> {
        let labels: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
        // [batch] → [batch, domains]
        Tensor::<1>::from_data(TensorData::new(labels.clone(), [labels.len()]), &self.device)
            .one_hot::<2>(self.model_config.num_domains())
    }

    /// The configured pixel distance between `output` and `truth`, both `[batch, 3, H, W]`.
    fn pixel_loss(&self, output: Tensor<4>, truth: Tensor<4>) -> Tensor<1> {
        match self.config.pixel_loss {
            PixelLoss::Mse => mse(output, truth),
            PixelLoss::L1 => l1(output, truth),
        }
    }

    /// Runs one step on `batch`: D_v's update, then D_x's, then E+G's, each on the same
    /// encoding of the batch; returns the step's losses.
    pub fn step(&mut self, batch: &Batch) -> StepLosses {
        let step = self.step;
        // Burn's own generator (noise, interpolation) is re-seeded per step too.
        self.device.seed(step_seed(self.config.seed, step));
        let x = batch.to_tensor(&self.device);
        let source = self.one_hot(&batch.labels);
        let target = self.random_targets(&batch.labels, &mut self.step_rng(TARGET_STREAM));
        let inputs = StepInputs { x, source, target, paired: batch.paired };
        let mut losses = StepLosses { step: step + 1, ..Default::default() };
        let lr = self.config.lr.scaled(self.config.lr_scale.at(step));

        // Encode once. [batch, latent, h, w]
        let encoding = self.encode(inputs.x.clone());
        losses.latent_disc = self.update_latent_disc(encoding.z.clone().detach(), &inputs, lr.latent_disc);
        self.update_image_disc(&inputs, encoding.z.clone().detach(), lr.image_disc, &mut losses);
        self.update_translator(&inputs, encoding, lr.translator, &mut losses);
        self.step += 1;
        losses
    }

    /// D_v learns to tell the source domain from `code` (the sampled z, detached); returns
    /// its loss before the update.
    fn update_latent_disc(&mut self, code: Tensor<4>, inputs: &StepInputs, lr: f64) -> f32 {
        let loss = cross_entropy(self.latent_disc.forward(code), inputs.source.clone());
        let value = value(&loss);
        let grads = GradientsParams::from_grads(loss.backward(), &self.latent_disc);
        self.latent_disc = self.opt_latent.step(lr, self.latent_disc.clone(), grads);
        value
    }

    /// D_x: the critic on real images against translations of the detached `z`, with its
    /// Lipschitz penalty, plus domain classification of the real images.
    fn update_image_disc(&mut self, inputs: &StepInputs, z: Tensor<4>, lr: f64, losses: &mut StepLosses) {
        let x = inputs.x.clone();
        let fake = self.translator.generator.forward(z, inputs.target.clone()).detach();
        let probes = penalty_probes(&self.image_disc, x.clone().detach(), fake.clone(), self.config.penalty_step);
        let b = inputs.source.dims()[0];
        // One critic pass over [real; fake; ahead; behind]: [4·batch, 3, H, W]
        let all = Tensor::cat(vec![x, fake, probes.ahead, probes.behind], 0);
        let (scores, logits) = self.image_disc.forward(all);
        let real_score = scores.clone().narrow(0, 0, b);
        let fake_score = scores.clone().narrow(0, b, b);
        let (ahead, behind) = (scores.clone().narrow(0, 2 * b, b), scores.narrow(0, 3 * b, b));
        let real_cls = bce_with_logits(logits.narrow(0, 0, b), inputs.source.clone());
        let wasserstein = real_score.mean() - fake_score.mean();
        let penalty = slope_penalty(ahead.clone(), behind.clone(), probes.step);
        losses.wasserstein = value(&wasserstein);
        losses.critic_slope = value(&mean_slope(ahead, behind, probes.step));
        losses.real_classification = value(&real_cls);
        let loss = wasserstein.neg() + penalty.mul_scalar(self.config.penalty_weight) + real_cls;
        let grads = GradientsParams::from_grads(loss.backward(), &self.image_disc);
        self.image_disc = self.opt_image.step(lr, self.image_disc.clone(), grads);
    }

    /// E+G: the VAE loss, E against D_v, G against D_x on translations of a detached z; on
    /// paired batches, translations against the same content's target image and the
    /// alignment of one content's codes across domains.
    fn update_translator(&mut self, inputs: &StepInputs, encoding: Encoding, lr: f64, losses: &mut StepLosses) {
        let weights = &self.config.loss_weights;
        let step = self.step;
        let n = self.model_config.num_domains();
        let Encoding { mu, logvar, z } = encoding;
        let (x, source, target) = (inputs.x.clone(), inputs.source.clone(), inputs.target.clone());
        let recon = self.translator.generator.forward(z.clone(), source.clone());
        let shape_weights = [weights.detail.at(step), weights.gradient.at(step), weights.texture.at(step)];
        // Per shape loss, its terms (reconstruction, then paired translation) summed into one.
        let mut shape: [Option<Tensor<1>>; 3] =
            std::array::from_fn(|i| (shape_weights[i] != 0.0).then(|| SHAPE_LOSSES[i](recon.clone(), x.clone())));
        let rec = self.pixel_loss(recon, x.clone());
        let kl = kl_divergence(mu.clone(), logvar);
        // E is rewarded for a z that D_v assigns to another domain (BCE against 1 − one-hot).
        let latent_adv = bce_with_logits(self.latent_disc.forward(z.clone()), source.clone().neg().add_scalar(1.0));
        losses.reconstruction = value(&rec);
        losses.kl = value(&kl);
        losses.latent_adversarial = value(&latent_adv);
        let mut total = rec.mul_scalar(weights.reconstruction.at(step))
            + kl.mul_scalar(weights.kl.at(step))
            + latent_adv.mul_scalar(weights.latent_adversarial.at(step));
        let w_pair = if inputs.paired { weights.paired_translation.at(step) } else { 0.0 };
        let w_align = if inputs.paired { weights.latent_alignment.at(step) } else { 0.0 };
        if w_align != 0.0 {
            let align = latent_alignment(mu, n);
            losses.latent_alignment = value(&align);
            total = total + align.mul_scalar(w_align);
        }
        // With the paired loss on, E learns from the translation too (z not detached).
        let translation_z = if w_pair != 0.0 { z } else { z.detach() };
        let (w_adv, w_cls) = (weights.pixel_adversarial.at(step), weights.pixel_classification.at(step));
        if w_adv != 0.0 || w_cls != 0.0 || w_pair != 0.0 {
            let translated = self.translator.generator.forward(translation_z, target.clone());
            if w_pair != 0.0 {
                let truth = same_content_in(x, target.clone(), n);
                for (term, loss) in shape.iter_mut().zip(SHAPE_LOSSES) {
                    *term = term.take().map(|t| t + loss(translated.clone(), truth.clone()));
                }
                let pair = self.pixel_loss(translated.clone(), truth);
                losses.paired_translation = value(&pair);
                total = total + pair.mul_scalar(w_pair);
            }
            if w_adv != 0.0 || w_cls != 0.0 {
                let (score, logits) = self.image_disc.forward(translated);
                let g_adv = score.mean().neg();
                let g_cls = bce_with_logits(logits, target);
                losses.pixel_adversarial = value(&g_adv);
                losses.pixel_classification = value(&g_cls);
                total = total + g_adv.mul_scalar(w_adv) + g_cls.mul_scalar(w_cls);
            }
        }
        let logged = [&mut losses.detail, &mut losses.gradient, &mut losses.texture];
        for ((term, weight), slot) in shape.into_iter().zip(shape_weights).zip(logged) {
            if let Some(term) = term {
                *slot = value(&term);
                total = total + term.mul_scalar(weight);
            }
        }
        let grads = GradientsParams::from_grads(total.backward(), &self.translator);
        self.translator = self.opt_translator.step(lr, self.translator.clone(), grads);
    }
}

/// The losses that compare an output with its truth by shape rather than by pixel, in the
/// order of their weights (`[loss_weights.detail]`, `gradient`, `texture`) and their
/// [`StepLosses`] columns.
const SHAPE_LOSSES: [fn(Tensor<4>, Tensor<4>) -> Tensor<1>; 3] = [detail_energy_l1, gradient_l1, texture_l1];

/// What every update of one step reads: the batch's images `[batch, 3, H, W]`, their
/// one-hot source domains and random other target domains `[batch, domains]`.
struct StepInputs {
    x: Tensor<4>,
    source: Tensor<2>,
    target: Tensor<2>,
    /// Whether image i of every domain shows the same content (see [`Batch::paired`]).
    paired: bool,
}

/// E's posterior and a sample of it, each `[batch, latent, h, w]`.
struct Encoding {
    mu: Tensor<4>,
    logvar: Tensor<4>,
    z: Tensor<4>,
}

/// For a paired batch `x` `[domains·k, 3, h, w]` (domain by domain, image i of every domain
/// the same content), the images of that content in each row's target domain: row (c, i)
/// gets Σ_t target[(c, i), t] · x[(t, i)], so mixed codes get mixed images.
fn same_content_in(x: Tensor<4>, target: Tensor<2>, domains: usize) -> Tensor<4> {
    let [rows, channels, h, w] = x.dims();
    let k = rows / domains;
    // [k, domains(t), channels·h·w]
    let by_content = x.reshape([domains, k, channels * h * w]).swap_dims(0, 1);
    // [k, domains(c), domains(t)]
    let codes = target.reshape([domains, k, domains]).swap_dims(0, 1);
    // [k, domains(c), channels·h·w] -> [domains(c)·k, channels, h, w]
    codes.matmul(by_content).swap_dims(0, 1).reshape([rows, channels, h, w])
}

/// How far each domain's posterior mean `mu` `[domains·k, latent, h, w]` (a paired batch)
/// lies from the mean over domains of the same content, relative to how far the batch's
/// codes lie from their overall mean: 0 when every content has one code in all domains,
/// about 1 when content does not matter. Relative, so shrinking every code cannot lower it.
fn latent_alignment(mu: Tensor<4>, domains: usize) -> Tensor<1> {
    let [rows, latent, h, w] = mu.dims();
    // [domains, k, latent·h·w]
    let grouped = mu.reshape([domains, rows / domains, latent * h * w]);
    // [1, k, latent·h·w] and [1, 1, latent·h·w]
    let per_content = grouped.clone().mean_dim(0);
    let overall = per_content.clone().mean_dim(1);
    let within = (grouped.clone() - per_content).square().mean();
    let total = (grouped - overall).square().mean();
    within / total.add_scalar(1e-8)
}
