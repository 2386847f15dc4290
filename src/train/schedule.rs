//! Loss-weight schedules: linear ramps from an initial to a final value.

use serde::{Deserialize, Serialize};

/// A weight that moves linearly from `init` to `fin` over the first `steps` steps,
/// then stays at `fin`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ramp {
    /// Value at step 0.
    pub init: f64,
    /// Value from step `steps` on.
    #[serde(rename = "final")]
    pub fin: f64,
    /// Length of the ramp in steps (0: constant `fin`).
    pub steps: u64,
}

impl Ramp {
    /// A ramp from `init` to `fin` over `steps` steps.
    pub const fn new(init: f64, fin: f64, steps: u64) -> Self {
        Self { init, fin, steps }
    }

    /// The weight at `step`.
    pub fn at(&self, step: u64) -> f64 {
        if step >= self.steps {
            return self.fin;
        }
        let t = step as f64 / self.steps as f64;
        self.init + (self.fin - self.init) * t
    }
}

/// The loss weights of REFERENCE.md section 3, one ramp each.
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
}

impl LossWeights {
    /// The official face-model ramps.
    pub const OFFICIAL: Self = Self {
        reconstruction: Ramp::new(100.0, 1.0, 1_000),
        kl: Ramp::new(1e-6, 1e-6, 0),
        latent_adversarial: Ramp::new(0.0, 1.0, 10_000),
        pixel_adversarial: Ramp::new(0.0, 1e-6, 10_000),
        pixel_classification: Ramp::new(0.0, 1e-6, 10_000),
    };
}

impl Default for LossWeights {
    fn default() -> Self {
        Self::OFFICIAL
    }
}
