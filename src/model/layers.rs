//! Building blocks shared by the four networks: (transposed) convolution with optional
//! BatchNorm and LeakyReLU, and the code-tiling used by the generator.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::leaky_relu;
use burn::tensor::module::{conv2d, interpolate};
use burn::tensor::ops::{ConvOptions, InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};

use super::config::{ConvSpec, Upsample};
use super::tap_conv::{Planes, by_taps, convolve, tap_products};

/// LeakyReLU slope used everywhere (as in the official UFDN code).
pub const LEAKY_SLOPE: f64 = 0.2;

/// Weight initialisation of every convolution and linear layer: N(0, 0.02).
pub fn init_normal() -> Initializer {
    Initializer::Normal { mean: 0.0, std: 0.02 }
}

/// A plain convolution from `input` channels as `spec` says.
pub fn conv(input: usize, spec: &ConvSpec, device: &Device) -> Conv2d {
    let p = spec.padding;
    Conv2dConfig::new([input, spec.channels], [spec.kernel, spec.kernel])
        .with_stride([spec.stride, spec.stride])
        .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
        .with_initializer(init_normal())
        .init(device)
}

/// A fully connected layer.
pub fn linear(input: usize, output: usize, device: &Device) -> Linear {
    LinearConfig::new(input, output).with_initializer(init_normal()).init(device)
}

/// Convolution, optional BatchNorm, LeakyReLU.
#[derive(Module, Debug)]
pub struct DownBlock {
    pub(super) conv: Conv2d,
    pub(super) norm: Option<BatchNorm>,
}

impl DownBlock {
    /// A block from `input` channels; `batch_norm` adds a BatchNorm before the activation.
    pub fn new(input: usize, spec: &ConvSpec, batch_norm: bool, device: &Device) -> Self {
        Self {
            conv: conv(input, spec, device),
            norm: batch_norm.then(|| BatchNormConfig::new(spec.channels).init(device)),
        }
    }

    /// `[batch, in, height, width]` → `[batch, out, height / stride, width / stride]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = convolve(&self.conv, x);
        let x = normalise(&self.norm, x);
        leaky_relu(x, LEAKY_SLOPE)
    }
}

/// `x` through `norm` when the block has one: `[batch, channels, height, width]`, same shape.
fn normalise(norm: &Option<BatchNorm>, x: Tensor<4>) -> Tensor<4> {
    match norm {
        Some(norm) => norm.forward(x),
        None => x,
    }
}

/// Residual block at constant width: conv 3×3, BatchNorm, LeakyReLU, conv 3×3, BatchNorm,
/// added to the input (fast style transfer and StarGAN use such blocks at 1/4 resolution).
/// With `code` set, the domain code is tiled and concatenated before the first convolution.
#[derive(Module, Debug)]
pub struct ResidualBlock {
    pub(super) first: DownBlock,
    pub(super) second: Conv2d,
    pub(super) norm: Option<BatchNorm>,
}

impl ResidualBlock {
    /// Both convolutions of a block of `channels` width (the first also reads the code).
    pub const fn conv_spec(channels: usize) -> ConvSpec {
        ConvSpec::new(channels, 3, 1, 1)
    }

    /// A block of `channels` width whose first convolution also reads `code` extra channels.
    pub fn new(channels: usize, code: usize, batch_norm: bool, device: &Device) -> Self {
        let spec = Self::conv_spec(channels);
        Self {
            first: DownBlock::new(channels + code, &spec, batch_norm, device),
            second: conv(channels, &spec, device),
            norm: batch_norm.then(|| BatchNormConfig::new(channels).init(device)),
        }
    }

    /// The same block with its branch silenced (BatchNorm scale zero, or without a norm the
    /// second convolution zero), so that it starts as the identity: a trained network grown
    /// by such blocks computes what it did, and training then opens them.
    pub fn silenced(self) -> Self {
        let zero = |p: Param<Tensor<1>>| p.map(|t| t.zeros_like());
        match self.norm {
            Some(norm) => Self { norm: Some(BatchNorm { gamma: zero(norm.gamma), ..norm }), ..self },
            None => {
                let second = Conv2d {
                    weight: self.second.weight.map(|t| t.zeros_like()),
                    bias: self.second.bias.map(zero),
                    ..self.second
                };
                Self { second, ..self }
            }
        }
    }

    /// `[batch, channels, height, width]` (and the code `[batch, domains]` when the block
    /// reads one) → `[batch, channels, height, width]`.
    pub fn forward(&self, x: Tensor<4>, code: Option<&Tensor<2>>) -> Tensor<4> {
        let input = match code {
            Some(code) => concat_code(x.clone(), code),
            None => x.clone(),
        };
        let h = convolve(&self.second, self.first.forward(input));
        let h = normalise(&self.norm, h);
        x + h
    }
}

/// A stack of `count` [`ResidualBlock`]s of `channels` width, each reading `code` extra channels.
pub fn residual_stack(
    count: usize,
    channels: usize,
    code: usize,
    batch_norm: bool,
    device: &Device,
) -> Vec<ResidualBlock> {
    (0..count).map(|_| ResidualBlock::new(channels, code, batch_norm, device)).collect()
}

/// Nearest-neighbour enlargement: every pixel becomes a `factor`×`factor` block.
///
/// `[batch, channels, height, width]` → `[batch, channels, height · factor, width · factor]`.
fn enlarge(x: Tensor<4>, factor: usize) -> Tensor<4> {
    if factor == 1 {
        return x;
    }
    let [_, _, h, w] = x.dims();
    let options = InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([h * factor, w * factor]);
    interpolate(x, options)
}

/// A nearest-neighbour ×2 enlargement followed by `conv` (3×3, stride 1, padding 1), computed
/// without the enlargement: each of the four output phases (row and column parity) is a 2×2
/// convolution of the small input whose taps are the sums of the 3×3 taps that land on the
/// same input pixel. The same function of the weights (so training through it is unchanged),
/// with 4/9 of the multiply-adds and no enlarged copy of the input.
///
/// `[batch, in, h, w]` → `[batch, out, 2h, 2w]`.
fn enlarge2_conv3(x: Tensor<4>, conv: &Conv2d) -> Tensor<4> {
    // Along `dim` of a 3-tap kernel: parity 0 reads input pixels (i − 1, i) with taps
    // (k0, k1 + k2), parity 1 reads (i, i + 1) with (k0 + k1, k2).
    let fold = |k: Tensor<4>, dim: usize| {
        let tap = |t: usize| k.clone().narrow(dim, t, 1);
        [Tensor::cat(vec![tap(0), tap(1) + tap(2)], dim), Tensor::cat(vec![tap(0) + tap(1), tap(2)], dim)]
    };
    let [out, _, _, _] = conv.weight.dims();
    // [out, in, 3, 3] → four [out, in, 2, 2] in phase order (0, 0), (0, 1), (1, 0), (1, 1)
    let kernels: Vec<Tensor<4>> = fold(conv.weight.val(), 2).into_iter().flat_map(|rows| fold(rows, 3)).collect();
    let bias = conv.bias.as_ref().map(|b| b.val().repeat_dim(0, 4)); // [4·out]
    let kernel = Tensor::cat(kernels, 0); // [4·out, in, 2, 2]
    if by_taps(&x, &kernel) {
        let device = x.device();
        return tap_products(Planes::padded(x, [1, 1]), Planes::of(kernel), bias, &device).into_phases();
    }
    let [batch, _, h, w] = x.dims();
    // [batch, 4·out, h + 1, w + 1]: phase (a, b) of output pixel (2i + a, 2j + b) is at
    // (i + a, j + b) of its block of channels.
    let y = conv2d(x, kernel, bias, ConvOptions::new([1, 1], [1, 1], [1, 1], 1));
    let phase = |a: usize, b: usize| {
        let c = (2 * a + b) * out;
        y.clone().slice([0..batch, c..c + out, a..a + h, b..b + w]) // [batch, out, h, w]
    };
    // [batch, out, h, w, 2] → [batch, out, h, 2w]: columns 2j + b
    let row = |a: usize| Tensor::stack::<5>(vec![phase(a, 0), phase(a, 1)], 4).reshape([batch, out, h, 2 * w]);
    // [batch, out, h, 2, 2w] → [batch, out, 2h, 2w]: rows 2i + a
    Tensor::stack::<5>(vec![row(0), row(1)], 3).reshape([batch, out, 2 * h, 2 * w])
}

/// Whether `enlarge2_conv3` computes `conv` after a ×`factor` enlargement.
fn folds_into_phases(conv: &Conv2d, factor: usize) -> bool {
    factor == 2
        && conv.kernel_size == [3, 3]
        && conv.stride == [1, 1]
        && conv.dilation == [1, 1]
        && conv.groups == 1
        && matches!(conv.padding, PaddingConfig2d::Explicit(1, 1, 1, 1))
}

/// Upsampling convolution, optional BatchNorm, optional LeakyReLU (off for the output layer).
///
/// Exactly one of `conv` (transposed) and `resize_conv` (after a nearest-neighbour
/// enlargement) is set; the field names keep weights files of transposed generators valid.
#[derive(Module, Debug)]
pub struct UpBlock {
    pub(super) conv: Option<ConvTranspose2d>,
    pub(super) resize_conv: Option<Conv2d>,
    pub(super) norm: Option<BatchNorm>,
    #[module(skip)]
    pub(super) factor: usize,
    #[module(skip)]
    pub(super) activate: bool,
}

impl UpBlock {
    /// A block from `input` channels; the output layer has neither norm nor activation.
    pub fn new(input: usize, spec: &ConvSpec, mode: Upsample, hidden: bool, batch_norm: bool, device: &Device) -> Self {
        let p = spec.padding;
        let transposed = || {
            ConvTranspose2dConfig::new([input, spec.channels], [spec.kernel, spec.kernel])
                .with_stride([spec.stride, spec.stride])
                .with_padding([p, p])
                .with_initializer(init_normal())
                .init(device)
        };
        let resize = || conv(input, &ConvSpec { stride: 1, ..*spec }, device);
        Self {
            conv: (mode == Upsample::Transposed).then(transposed),
            resize_conv: (mode == Upsample::Resize).then(resize),
            norm: (hidden && batch_norm).then(|| BatchNormConfig::new(spec.channels).init(device)),
            factor: spec.stride,
            activate: hidden,
        }
    }

    /// `[batch, in, height, width]` → `[batch, out, height · stride, width · stride]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = match (&self.conv, &self.resize_conv) {
            (Some(conv), _) => conv.forward(x),
            (None, Some(conv)) if folds_into_phases(conv, self.factor) => enlarge2_conv3(x, conv),
            (None, Some(conv)) => convolve(conv, enlarge(x, self.factor)),
            (None, None) => x,
        };
        let x = normalise(&self.norm, x);
        if self.activate { leaky_relu(x, LEAKY_SLOPE) } else { x }
    }
}

/// Tiles a domain code over a feature map and concatenates it as extra channels.
///
/// `features`: `[batch, channels, height, width]`, `code`: `[batch, domains]`
/// → `[batch, channels + domains, height, width]`.
pub fn concat_code(features: Tensor<4>, code: &Tensor<2>) -> Tensor<4> {
    let [batch, _, height, width] = features.dims();
    let [_, domains] = code.dims();
    // [batch, domains, 1, 1] → [batch, domains, height, width]
    let tiled = code.clone().reshape([batch, domains, 1, 1]).expand([batch, domains, height, width]);
    Tensor::cat(vec![features, tiled], 1)
}

/// Mean over positions: `[batch, channels, height, width]` → `[batch, channels]`.
pub fn global_average_pool(x: Tensor<4>) -> Tensor<2> {
    let [batch, channels, _, _] = x.dims();
    x.mean_dims(&[2, 3]).reshape([batch, channels])
}

/// A stack of [`DownBlock`]s from `input` channels; returns the blocks and their output channels.
pub fn down_stack(input: usize, specs: &[ConvSpec], batch_norm: bool, device: &Device) -> (Vec<DownBlock>, usize) {
    let mut channels = input;
    let blocks = specs
        .iter()
        .map(|spec| {
            let block = DownBlock::new(channels, spec, batch_norm, device);
            channels = spec.channels;
            block
        })
        .collect();
    (blocks, channels)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor, TensorData};

    use super::{conv, enlarge, enlarge2_conv3, folds_into_phases};
    use crate::model::assert_close;
    use crate::model::config::ConvSpec;

    /// On the plain CPU device (by taps, interleaved in one pass) and with autodiff (burn's
    /// convolution, phases sliced and stacked), as training runs it.
    #[test]
    fn the_phase_convolutions_equal_enlarging_then_convolving() {
        for device in [Device::flex(), Device::flex().autodiff()] {
            phase_convolutions_on(&device);
        }
    }

    fn phase_convolutions_on(device: &Device) {
        let layer = conv(5, &ConvSpec::new(7, 3, 1, 1), device);
        assert!(folds_into_phases(&layer, 2) && !folds_into_phases(&layer, 3));
        for [h, w] in [[1, 1], [3, 5], [8, 6]] {
            // [2, 5, h, w]
            let x = Tensor::<4>::random([2, 5, h, w], Distribution::Normal(0.0, 1.0), device);
            let direct = layer.forward(enlarge(x.clone(), 2));
            let phased = enlarge2_conv3(x, &layer);
            assert_eq!(phased.dims(), [2, 7, 2 * h, 2 * w]);
            assert_close(phased, direct, 1e-5, &format!("{h}x{w}"));
        }
    }

    #[test]
    fn enlarge_repeats_every_pixel_as_a_block() {
        let device = Device::flex();
        // [1, 1, 2, 3]
        let x = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [1, 1, 2, 3]), &device);
        let y = enlarge(x, 2);
        assert_eq!(y.dims(), [1, 1, 4, 6]);
        let values = y.into_data().try_to_vec::<f32>().unwrap();
        let row = |a: f32, b: f32, c: f32| [a, a, b, b, c, c];
        let expected = [row(1.0, 2.0, 3.0), row(1.0, 2.0, 3.0), row(4.0, 5.0, 6.0), row(4.0, 5.0, 6.0)].concat();
        assert_eq!(values, expected);
    }
}
