//! Convolutions for inference on the CPU, as products per kernel tap.
//!
//! A k×k convolution is the sum over its k² taps of a 1×1 convolution read at the tap's
//! shift, and in the flattened `[channels, rows · cols]` layout of the zero-padded frame a
//! shift by `(a, b)` is an offset of `a · cols + b` for every channel at once. So each tap
//! reads the padded input itself, offset: natively one gemm call per tap adds its product
//! into the output, and in the browser one register-tiled loop sums every tap
//! ([`super::tap_kernel`]). There is no im2col copy and no scattered write. burn-flex's
//! general convolution instead builds per-tile im2col copies of an NHWC transpose of the
//! input and scatters each tile's product back (most of its time, by `perf`; see
//! docs/RESULTS.md). The output rows come out as wide as the padded frame; the columns past
//! the output's right edge are dropped when the output is cut from them, which for the
//! generator's enlarging convolutions also interleaves their four phases in the same pass.
//! Stride-2 convolutions with even kernels become stride-1 ones by a space-to-depth
//! rearrangement of input and kernel.
//!
//! Only the plain CPU device takes this path: autodiff (training) and wgpu keep burn's own
//! convolution (on a GPU it would only add dispatches).

use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::tensor::{Device, Tensor, TensorData};
#[cfg(not(target_arch = "wasm32"))]
use gemm::Parallelism;

/// `conv` applied to `x` (`[batch, in, height, width]` → `[batch, out, height', width']`).
/// On the plain CPU device a one-group convolution with symmetric explicit padding goes by
/// taps: at stride 1 directly, at stride 2 with an even kernel on an even padded frame as
/// [`Planes::space_to_depth`] then a stride-1 convolution. Anything else is burn's convolution.
pub fn convolve(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let weight = conv.weight.val();
    let [_, _, kh, kw] = weight.dims();
    let [_, _, h, w] = x.dims();
    let bias = || conv.bias.as_ref().map(|b| b.val());
    match symmetric_padding(conv) {
        Some(padding) if by_taps(&x, &weight) && conv.dilation == [1, 1] && conv.groups == 1 => match conv.stride {
            [1, 1] => conv2d_by_taps(x, weight, bias(), padding),
            [2, 2] if [kh, kw, h + 2 * padding[0], w + 2 * padding[1]].iter().all(|n| n % 2 == 0) => {
                let device = x.device();
                let x = Planes::padded(x, padding).space_to_depth();
                tap_products(x, Planes::of(weight).space_to_depth(), bias(), &device).into_tensor()
            }
            _ => conv.forward(x),
        },
        _ => conv.forward(x),
    }
}

/// A 4-D float tensor's values, row-major: frames `[batch, channels, rows, cols]` or a
/// kernel `[out, in, kh, kw]`.
pub struct Planes {
    data: Vec<f32>,
    dims: [usize; 4],
}

impl Planes {
    /// The values of `x`.
    pub fn of(x: Tensor<4>) -> Self {
        let dims = x.dims();
        Self { data: floats(x), dims }
    }

    /// `x` with `padding[0]` rows of zeros above and below each plane and `padding[1]` columns
    /// on each side: `[n, c, h, w]` → `[n, c, h + 2·padding[0], w + 2·padding[1]]`.
    pub fn padded(x: Tensor<4>, padding: [usize; 2]) -> Self {
        if padding == [0, 0] {
            return Self::of(x);
        }
        let [n, c, h, w] = x.dims();
        let values = floats(x);
        let [ph, pw] = padding;
        let (rows, cols) = (h + 2 * ph, w + 2 * pw);
        let mut data = vec![0.0; n * c * rows * cols];
        for (plane, source) in data.chunks_exact_mut(rows * cols).zip(values.chunks_exact(h * w)) {
            for (row, source) in plane[ph * cols..].chunks_exact_mut(cols).zip(source.chunks_exact(w)) {
                row[pw..pw + w].copy_from_slice(source);
            }
        }
        Self { data, dims: [n, c, rows, cols] }
    }

    /// Every 2×2 block of pixels as 4 channels: `[n, c, 2h, 2w]` → `[n, 4c, h, w]`, channel
    /// `4c' + 2p + q` holding pixel `(2i + p, 2j + q)` of channel `c'`. A stride-2
    /// convolution by an even kernel is a stride-1 convolution of half the size on both sides
    /// rearranged so, input and kernel alike: output `(i, j)` reads input
    /// `(2(i + α) + p, 2(j + β) + q)` through the tap `(2α + p, 2β + q)` of the original
    /// kernel, which is tap `(α, β)` of the rearranged one.
    pub fn space_to_depth(self) -> Self {
        let [n, c, h2, w2] = self.dims;
        let (h, w) = (h2 / 2, w2 / 2);
        let mut data = Vec::with_capacity(self.data.len());
        for plane in self.data.chunks_exact(h2 * w2) {
            for (p, q) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                for i in 0..h {
                    data.extend(plane[(2 * i + p) * w2..][..w2].iter().skip(q).step_by(2));
                }
            }
        }
        Self { data, dims: [n, 4 * c, h, w] }
    }
}

/// Whether convolving `x` by `weight` (`[out, in, kh, kw]`) goes by taps: on the plain CPU
/// device (not autodiff, not wgpu), with a kernel larger than 1×1.
pub fn by_taps(x: &Tensor<4>, weight: &Tensor<4>) -> bool {
    let [_, _, kh, kw] = weight.dims();
    let device = x.device();
    // Device equality ignores autodiff, which these products would cut off from the weights.
    kh * kw > 1 && device == Device::flex() && !device.is_autodiff()
}

/// The `[rows, cols]` padding of `conv` when it is explicit and the same on both sides.
fn symmetric_padding(conv: &Conv2d) -> Option<[usize; 2]> {
    match conv.padding {
        PaddingConfig2d::Explicit(top, left, bottom, right) if top == bottom && left == right => Some([top, left]),
        _ => None,
    }
}

/// gemm's parallelism for a product of `m·n·k` multiply-adds: the CPU's threads (rayon)
/// for large ones, as burn-flex does for its own products.
#[cfg(not(target_arch = "wasm32"))]
fn parallelism(multiply_adds: usize) -> Parallelism {
    if multiply_adds >= 192 * 192 * 192 { Parallelism::Rayon(0) } else { Parallelism::None }
}

/// A stride-1, one-group convolution of `x` (`[batch, in, h, w]`) by `weight`
/// (`[out, in, kh, kw]`) with `padding` zeros on each side of `[rows, cols]`, as one matrix
/// product per tap, each accumulating into the output: no im2col copy, no per-tap buffer.
///
/// `[batch, in, h, w]` → `[batch, out, h + 2·padding[0] − kh + 1, w + 2·padding[1] − kw + 1]`.
pub fn conv2d_by_taps(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>, padding: [usize; 2]) -> Tensor<4> {
    let device = x.device();
    tap_products(Planes::padded(x, padding), Planes::of(weight), bias, &device).into_tensor()
}

/// A convolution's output as [`tap_products`] leaves it: rows as wide as the padded input.
pub struct WideOutput {
    /// `[batch, channels, rows, cols]`, row-major.
    data: Vec<f32>,
    /// `[batch, channels, rows, cols]`.
    dims: [usize; 4],
    /// How many of each row's `cols` values belong to the output (the first ones).
    out_cols: usize,
    /// Where the output tensor goes.
    device: Device,
}

impl WideOutput {
    /// The output: `[batch, channels, rows, out_cols]`.
    pub fn into_tensor(self) -> Tensor<4> {
        let [batch, channels, rows, cols] = self.dims;
        let mut y = Vec::with_capacity(batch * channels * rows * self.out_cols);
        for row in self.data.chunks_exact(cols) {
            y.extend_from_slice(&row[..self.out_cols]);
        }
        Tensor::from_data(TensorData::new(y, [batch, channels, rows, self.out_cols]), &self.device)
    }

    /// The four phase blocks of [`super::layers`]' enlarging convolution interleaved into one
    /// image twice the size: with `channels = 4·out`, rows `h + 1` and `out_cols = w + 1`,
    /// output pixel `(2i + a, 2j + b)` of channel `o` is pixel `(i + a, j + b)` of channel
    /// `(2a + b)·out + o`.
    ///
    /// `[batch, 4·out, h + 1, w + 1]` (wide) → `[batch, out, 2h, 2w]`.
    pub fn into_phases(self) -> Tensor<4> {
        let [batch, channels, rows, cols] = self.dims;
        let (out, h, w) = (channels / 4, rows - 1, self.out_cols - 1);
        // Row i + a of phase (a, b)'s channel o of frame n, from column b on.
        let source = |n: usize, a: usize, b: usize, o: usize, i: usize| {
            let start = ((n * channels + (2 * a + b) * out + o) * rows + i + a) * cols + b;
            &self.data[start..start + w]
        };
        let mut y = vec![0.0f32; batch * out * 4 * h * w];
        // [batch, out, 2h, 2w] as rows of 2w
        for (r, row) in y.chunks_exact_mut(2 * w).enumerate() {
            let (n, o, i, a) = (r / (out * 2 * h), r / (2 * h) % out, r / 2 % h, r % 2);
            let (even, odd) = (source(n, a, 0, o, i), source(n, a, 1, o, i));
            for ((pair, e), d) in row.chunks_exact_mut(2).zip(even).zip(odd) {
                pair.copy_from_slice(&[*e, *d]);
            }
        }
        Tensor::from_data(TensorData::new(y, [batch, out, 2 * h, 2 * w]), &self.device)
    }
}

/// The products of [`conv2d_by_taps`] of the padded frames `x` (`[batch, in, rows, cols]`)
/// by `weight` (`[out, in, kh, kw]`), output rows as wide as the padded input, for `device`.
pub fn tap_products(x: Planes, weight: Planes, bias: Option<Tensor<1>>, device: &Device) -> WideOutput {
    let [out, input, kh, kw] = weight.dims;
    let [batch, _, rows, cols] = x.dims;
    let (out_rows, out_cols) = (rows + 1 - kh, cols + 1 - kw);
    let frame = rows * cols;
    // [batch, out, out_rows, cols]: output rows as wide as the padded frame; the last
    // kw − 1 columns of each are not part of the output (the last row's are never written).
    let wide = out_rows * cols;
    let mut y = vec![0.0f32; batch * out * wide];
    let bias = bias.map(floats);
    // Output position n (row i, column j: n = i·cols + j) of tap (a, b) reads input position
    // n + a·cols + b of the same channel; over the first `n_len` positions that stays
    // within the channel's frame (the largest read is at rows·cols − 1).
    let n_len = wide + 1 - kw;
    let shifts: Vec<usize> = (0..kh * kw).map(|t| (t / kw) * cols + t % kw).collect();
    for (y, x) in y.chunks_exact_mut(out * wide).zip(x.data.chunks_exact(input * frame)) {
        let operands = Operands {
            x,
            frame,
            kernel: &weight.data,
            shifts: &shifts,
            bias: bias.as_deref(),
            out,
            input,
            n_len,
            wide,
        };
        products(y, &operands);
    }
    WideOutput { data: y, dims: [batch, out, out_rows, cols], out_cols, device: device.clone() }
}

/// What one frame's tap products read: for every output channel `o < out` and position
/// `n < n_len` they write `y[o·wide + n] = bias[o] + Σ_t Σ_c kernel[(o·input + c)·taps + t] ·
/// x[c·frame + shifts[t] + n]` into `y` (`out` rows of `wide` floats), with `kernel` in the
/// layout of a convolution's weight (`[out, input, kh, kw]`, `taps = kh·kw`). Positions from
/// `n_len` on are left as they are.
#[derive(Clone, Copy)]
pub(super) struct Operands<'a> {
    /// `[input, frame]`: the padded input.
    pub x: &'a [f32],
    pub frame: usize,
    /// `[out, input, taps]`.
    pub kernel: &'a [f32],
    /// Each tap's offset in the flattened frame.
    pub shifts: &'a [usize],
    /// `[out]`.
    pub bias: Option<&'a [f32]>,
    pub out: usize,
    pub input: usize,
    pub n_len: usize,
    /// The length of an output row.
    pub wide: usize,
}

impl Operands<'_> {
    /// Panics unless every read of the products and every write into `y` stays within its slice.
    pub fn check(&self, y: &[f32]) {
        let Self { x, frame, kernel, shifts, bias, out, input, n_len, wide } = *self;
        let reach = shifts.iter().max().map_or(0, |s| s + n_len);
        assert!(
            n_len <= wide
                && y.len() >= out * wide
                && kernel.len() == shifts.len() * out * input
                && bias.is_none_or(|b| b.len() == out)
                && (input == 0 || (reach <= frame && x.len() >= (input - 1) * frame + reach)),
            "tap products: operands of the wrong size"
        );
    }
}

/// One frame's tap products (see [`Operands`]): in the browser
/// [`super::tap_kernel::tap_products`], a register-tiled loop; natively [`gemm_products`]
/// (gemm's x86 kernels are 8 lanes wide with fused multiply-adds, and split large products
/// over rayon's threads).
#[cfg(target_arch = "wasm32")]
use super::tap_kernel::tap_products as products;
#[cfg(not(target_arch = "wasm32"))]
use gemm_products as products;

/// One frame's tap products (see [`Operands`]) by gemm: one call per tap, each adding its
/// product into `y` after the bias.
///
/// # Panics
/// When a read or write would leave its slice.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn gemm_products(y: &mut [f32], operands: &Operands) {
    operands.check(y);
    let Operands { x, frame, kernel, shifts, bias, out, input, n_len, wide } = *operands;
    if let Some(bias) = bias {
        for (plane, value) in y.chunks_exact_mut(wide).zip(bias) {
            plane.fill(*value);
        }
    }
    let taps = shifts.len();
    for (t, shift) in shifts.iter().enumerate() {
        // SAFETY (checked above): y is `out` rows of `wide` floats, of which the product
        // writes the first n_len; the tap reads kernel[(o·input + c)·taps + t] for o < out and
        // c < input; the product reads x[c·frame + shift + n] for c < input and n < n_len.
        unsafe {
            gemm::gemm(
                out,
                n_len,
                input,
                y.as_mut_ptr(),
                1,
                wide as isize,
                bias.is_some() || t > 0,
                kernel.as_ptr().add(t),
                taps as isize,
                (input * taps) as isize,
                x.as_ptr().add(*shift),
                1,
                frame as isize,
                1.0,
                1.0,
                false,
                false,
                false,
                parallelism(out * n_len * input),
            );
        }
    }
}

/// The values of a float tensor in row-major order.
pub(super) fn floats<const D: usize>(x: Tensor<D>) -> Vec<f32> {
    x.into_data().convert::<f32>().try_into_vec::<f32>().expect("a float tensor converted to f32 holds f32 values")
}

#[cfg(test)]
mod tests {
    use burn::tensor::module::conv2d;
    use burn::tensor::ops::ConvOptions;
    use burn::tensor::{Device, Distribution, Tensor};

    use super::{conv2d_by_taps, convolve};
    use crate::model::assert_close;
    use crate::model::config::ConvSpec;
    use crate::model::layers::conv;

    /// Against burn's convolution: kernels 2×2 to 4×3, paddings 0 to 2, one and two frames,
    /// frames of one pixel up to non-square ones, with and without a bias.
    #[test]
    fn taps_compute_burn_s_convolution() {
        let device = Device::flex();
        let cases = [
            ([1, 3, 5, 7], [4, 3, 3, 3], [1, 1]),
            ([2, 5, 8, 6], [7, 5, 2, 2], [1, 1]),
            ([1, 2, 1, 1], [3, 2, 3, 3], [1, 1]),
            ([2, 4, 9, 4], [2, 4, 4, 3], [2, 0]),
            ([1, 6, 6, 6], [5, 6, 3, 3], [0, 0]),
        ];
        for (x_shape, w_shape, padding) in cases {
            let x = Tensor::<4>::random(x_shape, Distribution::Normal(0.0, 1.0), &device);
            let weight = Tensor::<4>::random(w_shape, Distribution::Normal(0.0, 1.0), &device);
            for bias in [None, Some(Tensor::<1>::random([w_shape[0]], Distribution::Normal(0.0, 1.0), &device))] {
                let options = ConvOptions::new([1, 1], padding, [1, 1], 1);
                let expected = conv2d(x.clone(), weight.clone(), bias.clone(), options);
                let got = conv2d_by_taps(x.clone(), weight.clone(), bias, padding);
                assert_close(got, expected, 1e-5, &format!("{x_shape:?} * {w_shape:?}"));
            }
        }
    }

    /// Layers as the networks build them, stride 1 and 2, against burn's own forward pass,
    /// on frames whose padded sides are even (by taps) and odd (burn's convolution).
    #[test]
    fn convolve_computes_the_layer_s_forward_pass() {
        let device = Device::flex();
        for (spec, side) in [
            (ConvSpec::new(6, 4, 2, 1), 8),
            (ConvSpec::new(6, 4, 2, 1), 7),
            (ConvSpec::new(6, 3, 1, 1), 5),
            (ConvSpec::new(6, 4, 2, 1), 2),
            (ConvSpec::new(6, 3, 2, 1), 6),
        ] {
            let layer = conv(5, &spec, &device);
            let x = Tensor::<4>::random([2, 5, side, side + 2], Distribution::Normal(0.0, 1.0), &device);
            let expected = layer.forward(x.clone());
            let got = convolve(&layer, x);
            assert_close(got, expected, 1e-5, &format!("{spec:?} on {side}"));
        }
    }

    /// With autodiff (training), every layer keeps burn's convolution, so gradients reach the
    /// kernel: the products by taps read the weights' values and would cut them off.
    #[test]
    fn training_gets_the_kernels_gradients() {
        let device = Device::flex().autodiff();
        for spec in [ConvSpec::new(4, 3, 1, 1), ConvSpec::new(4, 4, 2, 1)] {
            let layer = conv(3, &spec, &device);
            let x = Tensor::<4>::random([1, 3, 8, 8], Distribution::Normal(0.0, 1.0), &device);
            let grads = convolve(&layer, x).sum().backward();
            let grad = layer.weight.grad(&grads).expect("the kernel has a gradient");
            let size: f32 = grad.abs().sum().into_scalar();
            assert!(size > 0.0, "{spec:?}: the kernel's gradient is zero");
        }
    }
}
