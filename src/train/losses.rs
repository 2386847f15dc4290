//! Loss terms of UFDN (Liu et al., NeurIPS 2018, section 3), written with float targets so that
//! complement labels and mixed codes work alike.

use burn::tensor::Tensor;
use burn::tensor::activation::{log_softmax, softplus};

/// Cross-entropy of `logits` `[batch, n]` against one-hot `targets` `[batch, n]`, batch mean.
pub fn cross_entropy(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let [batch, _] = logits.dims();
    (log_softmax(logits, 1) * targets).sum().neg().div_scalar(batch as f64)
}

/// Binary cross-entropy with logits against float targets in [0, 1], mean over all entries.
///
/// Uses softplus(x) − x·t, which is exact and stable for large |x|.
pub fn bce_with_logits(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    (softplus(logits.clone(), 1.0) - logits * targets).mean()
}

/// Mean squared error over all entries.
pub fn mse(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    (a - b).square().mean()
}

/// Mean absolute error over all entries (pix2pix's paired loss: it does not average the
/// plausible outputs into blur as squared error does).
pub fn l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    (a - b).abs().mean()
}

/// KL(q(z|x) ‖ N(0, I)) summed over latent units, mean over the batch.
pub fn kl_divergence(mu: Tensor<4>, logvar: Tensor<4>) -> Tensor<1> {
    let batch = mu.dims()[0];
    (logvar.clone().exp() + mu.square() - logvar - 1.0).sum().mul_scalar(0.5 / batch as f64)
}
