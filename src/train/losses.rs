//! Loss terms of UFDN (Liu et al., NeurIPS 2018, section 3), written with float targets so that
//! complement labels and mixed codes work alike.

use burn::tensor::activation::{log_softmax, softplus};
use burn::tensor::{Tensor, TensorData};

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

/// |Laplacian| of `x` `[batch, channels, H, W]` averaged over [`DETAIL_BLOCK`]² blocks.
fn detail_energy(x: Tensor<4>) -> Tensor<4> {
    block_means(laplacian(x).abs(), DETAIL_BLOCK)
}

/// Means of `x` `[batch, channels, H, W]` over `side`×`side` blocks (remainder rows and
/// columns dropped): `[batch, channels, H / side, W / side]`.
fn block_means(x: Tensor<4>, side: usize) -> Tensor<4> {
    let [batch, channels, h, w] = x.dims();
    let (bh, bw) = (h / side, w / side);
    // [batch, channels, bh·side, bw·side] → [batch·channels·bh, side, bw, side] → [batch, channels, bh, bw]
    x.narrow(2, 0, bh * side)
        .narrow(3, 0, bw * side)
        .reshape([batch * channels * bh, side, bw, side])
        .mean_dim(3)
        .mean_dim(1)
        .reshape([batch, channels, bh, bw])
}

/// Block sides at which [`texture_l1`] reads an image: full resolution, 2×2 and 4×4 means
/// (a paint's strokes are a few pixels wide).
const TEXTURE_SCALES: [usize; 3] = [1, 2, 4];

/// Bins of [`texture_l1`]'s histograms, centred on neighbour differences of 2^k − 1 grey
/// levels (0, 1, 3, 7, … 255): doubling bins from "exactly flat" to "an edge".
const TEXTURE_BINS: usize = 9;

/// The smallest image side [`texture_l1`] can measure: two blocks of its coarsest scale.
pub const MIN_TEXTURE_SIDE: usize = 2 * TEXTURE_SCALES[TEXTURE_SCALES.len() - 1];

/// Distance between the texture statistics of `a` and `b`, both `[batch, 3, H, W]` in
/// [-1, 1]: per image and per scale of [`TEXTURE_SCALES`], the L1 distance between the soft
/// histograms of the grey plane's |neighbour differences|, averaged over images and scales.
/// A histogram holds no positions, so the loss asks for the truth's mix of flat areas, grain
/// and edges wherever the output puts them: flat strokes with crisp borders for a paint,
/// where pixel and gradient losses, lowest for a smoothed guess, ask for blur.
pub fn texture_l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    let per_scale = TEXTURE_SCALES.map(|side| {
        // [batch, bins]
        let difference = difference_histograms(a.clone(), side) - difference_histograms(b.clone(), side);
        difference.abs().sum_dim(1).mean()
    });
    Tensor::cat(per_scale.to_vec(), 0).mean()
}

/// Soft histograms `[batch, TEXTURE_BINS]` of the |right and lower neighbour differences| of
/// the grey plane of `x` `[batch, 3, H, W]` (in [-1, 1]) over `side`×`side` block means. A
/// difference of d levels sits at u = log2(1 + d) and counts 1 − |u − k| towards each bin k
/// within 1 of it (so every difference counts 1 in all, and the histogram has gradients).
fn difference_histograms(x: Tensor<4>, side: usize) -> Tensor<2> {
    let [batch, _, _, _] = x.dims();
    // [batch, 1, H, W] in grey levels (0–255 span), then [batch, 1, H / side, W / side]
    let luma = |c: usize, weight: f64| x.clone().narrow(1, c, 1).mul_scalar(weight * 127.5);
    let grey = block_means(luma(0, 0.299) + luma(1, 0.587) + luma(2, 0.114), side);
    // [batch, 1, n] with n = h·(w − 1) + (h − 1)·w
    let (across, down) = neighbour_differences(grey);
    let flat = |d: Tensor<4>| d.flatten::<3>(2, 3);
    let position = Tensor::cat(vec![flat(across), flat(down)], 2).abs().log1p().div_scalar(std::f64::consts::LN_2);
    let position = position.clamp(0.0, (TEXTURE_BINS - 1) as f64);
    let centres: Vec<f32> = (0..TEXTURE_BINS).map(|k| k as f32).collect();
    // [1, bins, 1]
    let centres = Tensor::<1>::from_data(TensorData::new(centres, [TEXTURE_BINS]), &position.device()).reshape([
        1,
        TEXTURE_BINS,
        1,
    ]);
    // [batch, bins, n] → [batch, bins]
    (position - centres).abs().neg().add_scalar(1.0).clamp_min(0.0).mean_dim(2).reshape([batch, TEXTURE_BINS])
}

/// Mean absolute difference of the horizontal and vertical neighbour differences of `a`
/// and `b`, both `[batch, channels, H, W]`. Where the truth is flat (inside a paint's
/// strokes) it asks for a flat output, and it puts each edge where the truth has it: a
/// median-seeking loss on gradients favours piecewise-flat colour over photo grain.
pub fn gradient_l1(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    let (across, down) = neighbour_differences(a - b);
    (across.abs().mean() + down.abs().mean()).div_scalar(2.0)
}

/// Right and lower neighbour differences of `x` `[batch, channels, H, W]`:
/// `[batch, channels, H, W − 1]` and `[batch, channels, H − 1, W]`.
fn neighbour_differences(x: Tensor<4>) -> (Tensor<4>, Tensor<4>) {
    let [_, _, h, w] = x.dims();
    let across = x.clone().narrow(3, 1, w - 1) - x.clone().narrow(3, 0, w - 1);
    let down = x.clone().narrow(2, 1, h - 1) - x.narrow(2, 0, h - 1);
    (across, down)
}

/// KL(q(z|x) ‖ N(0, I)) summed over latent units, mean over the batch.
pub fn kl_divergence(mu: Tensor<4>, logvar: Tensor<4>) -> Tensor<1> {
    let batch = mu.dims()[0];
    (logvar.clone().exp() + mu.square() - logvar - 1.0).sum().mul_scalar(0.5 / batch as f64)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Tensor, TensorData};

    use super::{detail_energy_l1, gradient_l1, l1, texture_l1};

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

    /// A 16×16 grey `[1, 3, 16, 16]` image: −1 left of column `edge`, +1 from it on, with the
    /// step spread linearly over `ramp` columns.
    fn step_edge(edge: usize, ramp: usize) -> Tensor<4> {
        let row: Vec<f32> =
            (0..16).map(|x| ((x as f32 - edge as f32 + 0.5) / ramp as f32 + 0.5).clamp(0.0, 1.0) * 2.0 - 1.0).collect();
        let values: Vec<f32> = std::iter::repeat_n(row, 3 * 16).flatten().collect();
        Tensor::from_data(TensorData::new(values, [1, 3, 16, 16]), &Device::flex())
    }

    #[test]
    fn texture_asks_for_the_truths_edges_not_for_their_place() {
        let texture = |a: Tensor<4>, b: Tensor<4>| texture_l1(a, b).into_scalar::<f32>();
        // The same crisp edge 4 columns further on (block-aligned at every scale): the pixels
        // differ a lot, the texture statistics not at all.
        let (edge, moved) = (step_edge(4, 1), step_edge(8, 1));
        assert!(l1(edge.clone(), moved.clone()).into_scalar::<f32>() > 0.4);
        let shifted = texture(edge.clone(), moved);
        assert!(shifted.abs() < 1e-6, "{shifted}");
        // The edge in place but blurred over 4 columns: the statistics differ.
        let blurred = texture(edge.clone(), step_edge(4, 4));
        assert!(blurred > 0.1, "{blurred}");
        // A constant offset has the same differences.
        let offset = texture(edge.clone().add_scalar(0.2), edge);
        assert!(offset.abs() < 1e-5, "{offset}");
    }
}
