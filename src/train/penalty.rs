//! Lipschitz penalty of the image critic without second-order gradients.
//!
//! burn 0.22's autodiff is first-order only (its dispatch refuses an autodiff tensor inside
//! another), so WGAN-GP's ‖∇D(x̂)‖ cannot be differentiated directly. We estimate the gradient
//! norm per sample by a central finite difference along the gradient direction:
//! with u = ∇D(x̂)/‖∇D(x̂)‖ (computed by an ordinary backward pass and held constant),
//! (D(x̂ + h·u) − D(x̂ − h·u)) / 2h → ‖∇D(x̂)‖ as h → 0. This estimate is differentiable in
//! D's parameters with first-order autodiff, so the usual penalty λ·(‖∇D‖ − 1)² applies.

use burn::tensor::{Distribution, Tensor};

use crate::model::image_disc::ImageDisc;

/// Points where the critic's slope is measured: interpolates between real and fake and the
/// two probes on either side of each along the critic's gradient direction.
pub struct PenaltyProbes {
    /// x̂ + h·u, `[batch, 3, H, W]`.
    pub ahead: Tensor<4>,
    /// x̂ − h·u, `[batch, 3, H, W]`.
    pub behind: Tensor<4>,
    /// The finite-difference step h.
    pub step: f64,
}

/// Builds the probes for a batch of `real` and `fake` images (both detached, same shape).
pub fn penalty_probes(critic: &ImageDisc, real: Tensor<4>, fake: Tensor<4>, step: f64) -> PenaltyProbes {
    let [batch, _, _, _] = real.dims();
    let device = real.device();
    // alpha: [batch, 1, 1, 1] uniform in [0, 1)
    let alpha = Tensor::<4>::random([batch, 1, 1, 1], Distribution::Default, &device);
    let mixed = (real.clone() * alpha.clone() + fake * (alpha.neg() + 1.0)).detach();
    let probe = mixed.clone().require_grad();
    let (score, _) = critic.forward(probe.clone());
    let grads = score.sum().backward();
    // ∂(Σ D)/∂x̂ = ∇D per sample: [batch, 3, H, W] on the inner (non-autodiff) device
    let gradient = probe.grad(&grads).unwrap_or_else(|| mixed.clone().inner().zeros_like());
    let norm = gradient.clone().square().sum_dims(&[1, 2, 3]).sqrt().add_scalar(1e-12);
    let direction = Tensor::from_inner(gradient / norm).mul_scalar(step);
    PenaltyProbes { ahead: mixed.clone() + direction.clone(), behind: mixed - direction, step }
}

/// λ-free penalty mean((slope − 1)²) from the critic's scores at the two probes (`[batch]` each).
pub fn slope_penalty(ahead: Tensor<1>, behind: Tensor<1>, step: f64) -> Tensor<1> {
    (ahead - behind).div_scalar(2.0 * step).sub_scalar(1.0).square().mean()
}

/// Mean finite-difference slope ‖∇D‖ estimate, for logging and tests.
pub fn mean_slope(ahead: Tensor<1>, behind: Tensor<1>, step: f64) -> Tensor<1> {
    (ahead - behind).div_scalar(2.0 * step).mean()
}
