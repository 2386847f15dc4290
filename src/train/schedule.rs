//! Loss-weight schedules: linear ramps from an initial to a final value.

use serde::{Deserialize, Serialize};

/// A weight that stays at `init` until step `start`, moves linearly to `fin` over the
/// next `steps` steps, then stays at `fin`. The default is a weight that is always 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Ramp {
    /// Value up to step `start`.
    pub init: f64,
    /// Value from step `start + steps` on.
    #[serde(rename = "final")]
    pub fin: f64,
    /// Length of the ramp in steps (0: `fin` from `start` on).
    pub steps: u64,
    /// Step at which the ramp begins (0 unless given): a later stage of one run, e.g. a
    /// loss switched on once the networks have learnt the basics.
    #[serde(default)]
    pub start: u64,
}

impl Ramp {
    /// A ramp from `init` to `fin` over the first `steps` steps.
    pub const fn new(init: f64, fin: f64, steps: u64) -> Self {
        Self { init, fin, steps, start: 0 }
    }

    /// The same ramp, beginning at step `start`.
    pub const fn starting_at(self, start: u64) -> Self {
        Self { start, ..self }
    }

    /// The weight at `step`.
    pub fn at(&self, step: u64) -> f64 {
        let Some(into) = step.checked_sub(self.start) else { return self.init };
        if into >= self.steps {
            return self.fin;
        }
        let t = into as f64 / self.steps as f64;
        self.init + (self.fin - self.init) * t
    }

    /// Whether the weight is ever non-zero.
    pub fn is_used(&self) -> bool {
        self.init != 0.0 || self.fin != 0.0
    }
}

/// The loss weights, one ramp each; the defaults are the official code's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LossWeights {
    /// Pixel reconstruction (mean squared error).
    pub reconstruction: Ramp,
    /// KL divergence of q(z|x) from N(0, I) (summed over latent units, averaged over the batch).
    pub kl: Ramp,
    /// Encoder against the latent domain discriminator.
    pub latent_adversarial: Ramp,
    /// Generator against the image critic.
    pub pixel_adversarial: Ramp,
    /// Generator through the critic's domain classifier.
    pub pixel_classification: Ramp,
    /// Paired translation: squared error of G(E(x_c), v_t) against the same content in
    /// domain t (images with the same file name in every domain folder). Not in the paper,
    /// which has no pairs; 0 unless given.
    #[serde(default)]
    pub paired_translation: Ramp,
    /// Paired latent alignment: squared distance of each domain's posterior mean from the
    /// mean over domains of the same content, over the spread of all codes. 0 unless given.
    #[serde(default)]
    pub latent_alignment: Ramp,
    /// Detail: L1 distance between the local detail energy (|Laplacian| averaged over 4×4
    /// blocks) of output and truth, for the reconstruction and, on paired steps, the paired
    /// translation. Asks for the texture and edge contrast that pixel losses let blur.
    /// 0 unless given.
    #[serde(default)]
    pub detail: Ramp,
    /// Gradient: L1 distance between the neighbour differences of output and truth, for
    /// the reconstruction and, on paired steps, the paired translation. Asks for flat
    /// colour where the truth is flat and edges where it has them. 0 unless given.
    #[serde(default)]
    pub gradient: Ramp,
    /// Texture: L1 distance between the soft histograms of the grey neighbour differences of
    /// output and truth at full, 1/2 and 1/4 resolution, for the reconstruction and, on paired
    /// steps, the paired translation. Asks for the truth's mix of flat areas, grain and edges
    /// wherever the output puts them. 0 unless given.
    #[serde(default)]
    pub texture: Ramp,
}

impl LossWeights {
    /// The official face-model ramps.
    pub const OFFICIAL: Self = Self {
        reconstruction: Ramp::new(100.0, 1.0, 1_000),
        kl: Ramp::new(1e-6, 1e-6, 0),
        latent_adversarial: Ramp::new(0.0, 1.0, 10_000),
        pixel_adversarial: Ramp::new(0.0, 1e-6, 10_000),
        pixel_classification: Ramp::new(0.0, 1e-6, 10_000),
        paired_translation: Ramp::new(0.0, 0.0, 0),
        latent_alignment: Ramp::new(0.0, 0.0, 0),
        detail: Ramp::new(0.0, 0.0, 0),
        gradient: Ramp::new(0.0, 0.0, 0),
        texture: Ramp::new(0.0, 0.0, 0),
    };

    /// Whether any step uses paired images.
    pub fn uses_pairs(&self) -> bool {
        self.paired_translation.is_used() || self.latent_alignment.is_used()
    }

    /// Whether step `step` uses paired images.
    pub fn pairs_at(&self, step: u64) -> bool {
        self.paired_translation.at(step) != 0.0 || self.latent_alignment.at(step) != 0.0
    }
}

impl Default for LossWeights {
    fn default() -> Self {
        Self::OFFICIAL
    }
}
