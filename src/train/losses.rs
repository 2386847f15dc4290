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

/// The 4-neighbour Laplacian of `x` `[batch, channels, H, W]` at its interior pixels,
/// `[batch, channels, H − 2, W − 2]`.
fn laplacian(x: Tensor<4>) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    // [batch, channels, H − 2, W − 2], shifted by (dy, dx)
    let shifted = |dy: usize, dx: usize| x.clone().narrow(2, dy, h - 2).narrow(3, dx, w - 2);
    shifted(1, 1).mul_scalar(4.0) - shifted(0, 1) - shifted(2, 1) - shifted(1, 0) - shifted(1, 2)
}

/// Side of the blocks over which [`detail_energy_l1`] averages.
const DETAIL_BLOCK: usize = 4;

/// The smallest image side [`detail_energy_l1`] can measure: one block inside the border
/// that the Laplacian leaves out.
pub const MIN_DETAIL_SIDE: usize = DETAIL_BLOCK + 2;

/// Mean absolute difference of the local detail energy of `a` and `b`, both
/// `[batch, channels, H, W]`: the |Laplacian| averaged over blocks of 4×4 pixels. It asks for
/// as much texture and edge contrast as the truth has in each block, not for the exact
/// pixels: an exact Laplacian loss, like any pixel loss, is minimised by smoothing what
/// cannot be predicted exactly.
pub fn detail_energy_l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    (detail_energy(a) - detail_energy(b)).abs().mean()
}

/// |Laplacian| of `x` `[batch, channels, H, W]` averaged over [`DETAIL_BLOCK`]² blocks
/// (remainder rows and columns dropped).
fn detail_energy(x: Tensor<4>) -> Tensor<4> {
    let lap = laplacian(x).abs();
    let [batch, channels, h, w] = lap.dims();
    let (bh, bw) = (h / DETAIL_BLOCK, w / DETAIL_BLOCK);
    // [batch, channels, bh·4, bw·4] → [batch·channels·bh, 4, bw, 4] → [batch, channels, bh, bw]
    lap.narrow(2, 0, bh * DETAIL_BLOCK)
        .narrow(3, 0, bw * DETAIL_BLOCK)
        .reshape([batch * channels * bh, DETAIL_BLOCK, bw, DETAIL_BLOCK])
        .mean_dim(3)
        .mean_dim(1)
        .reshape([batch, channels, bh, bw])
}

/// Mean absolute difference of the horizontal and vertical neighbour differences of `a`
/// and `b`, both `[batch, channels, H, W]`. Where the truth is flat (inside a paint's
/// strokes) it asks for a flat output, and it puts each edge where the truth has it: a
/// median-seeking loss on gradients favours piecewise-flat colour over photo grain.
pub fn gradient_l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    let [_, _, h, w] = a.dims();
    // [batch, channels, H, W − 1] and [batch, channels, H − 1, W]
    let across = |x: Tensor<4>| x.clone().narrow(3, 1, w - 1) - x.narrow(3, 0, w - 1);
    let down = |x: Tensor<4>| x.clone().narrow(2, 1, h - 1) - x.narrow(2, 0, h - 1);
    let difference = a - b;
    (across(difference.clone()).abs().mean() + down(difference).abs().mean()).div_scalar(2.0)
}

/// KL(q(z|x) ‖ N(0, I)) summed over latent units, mean over the batch.
pub fn kl_divergence(mu: Tensor<4>, logvar: Tensor<4>) -> Tensor<1> {
    let batch = mu.dims()[0];
    (logvar.clone().exp() + mu.square() - logvar - 1.0).sum().mul_scalar(0.5 / batch as f64)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Tensor, TensorData};

    use super::{detail_energy_l1, gradient_l1};

    /// A 10×10 `[1, 1, 10, 10]` image, black but for one white pixel at (`row`, `col`).
    fn dot(row: usize, col: usize) -> Tensor<4> {
        let mut values = vec![0.0; 100];
        values[row * 10 + col] = 1.0;
        Tensor::from_data(TensorData::new(values, [1, 1, 10, 10]), &Device::flex())
    }

    fn energy_l1(a: Tensor<4>, b: Tensor<4>) -> f32 {
        detail_energy_l1(a, b).into_scalar::<f32>()
    }

    #[test]
    fn detail_energy_asks_for_texture_not_for_its_exact_place() {
        let flat = dot(0, 0).mul_scalar(0.0);
        // The dot at (4, 4) sits at (3, 3) of the 8×8 interior, in its top-left 4×4 block:
        // |Laplacian| 4 there and 1 at two neighbours in the same block, 1 at one neighbour in
        // each of the two adjacent blocks: block energies 6/16, 1/16, 1/16, 0; mean 1/8.
        let missing = energy_l1(dot(4, 4), flat.clone());
        assert!((missing - 0.125).abs() < 1e-6, "{missing}");
        // The dot moved by one pixel diagonally (all of its Laplacian in one block) differs
        // by half as much; an exact Laplacian loss would count both dots in full.
        let moved = energy_l1(dot(4, 4), dot(3, 3));
        assert!((moved - 0.0625).abs() < 1e-6, "{moved}");
        // A constant offset has no Laplacian.
        let offset = energy_l1(flat.clone().add_scalar(0.3), flat);
        assert!(offset.abs() < 1e-6, "{offset}");
    }

    #[test]
    fn gradient_l1_asks_for_flat_colour_where_the_truth_is_flat() {
        let flat = dot(0, 0).mul_scalar(0.0);
        let gradient = |a: Tensor<4>, b: Tensor<4>| gradient_l1(a, b).into_scalar::<f32>();
        // A lone dot inside a flat 10×10 truth: two horizontal and two vertical neighbour
        // differences of 1 among 90 of each kind.
        let speck = gradient(dot(4, 4), flat.clone());
        assert!((speck - 2.0 / 90.0).abs() < 1e-6, "{speck}");
        // Half that for a dot in the corner (one difference of each kind).
        let corner = gradient(dot(0, 0), flat.clone());
        assert!((corner - 1.0 / 90.0).abs() < 1e-6, "{corner}");
        // A constant offset is flat: the pixel loss, not this one, asks for the level.
        let offset = gradient(flat.clone().add_scalar(0.3), flat);
        assert!(offset.abs() < 1e-6, "{offset}");
    }
}
