//! Building blocks shared by the four networks: (transposed) convolution with optional
//! BatchNorm and LeakyReLU, and the code-tiling used by the generator.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::leaky_relu;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};

use super::config::{ConvSpec, Upsample};

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
        let x = self.conv.forward(x);
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
    /// A block of `channels` width whose first convolution also reads `code` extra channels.
    pub fn new(channels: usize, code: usize, batch_norm: bool, device: &Device) -> Self {
        let spec = ConvSpec::new(channels, 3, 1, 1);
        Self {
            first: DownBlock::new(channels + code, &spec, batch_norm, device),
            second: conv(channels, &spec, device),
            norm: batch_norm.then(|| BatchNormConfig::new(channels).init(device)),
        }
    }

    /// `[batch, channels, height, width]` (and the code `[batch, domains]` when the block
    /// reads one) → `[batch, channels, height, width]`.
    pub fn forward(&self, x: Tensor<4>, code: Option<&Tensor<2>>) -> Tensor<4> {
        let input = match code {
            Some(code) => concat_code(x.clone(), code),
            None => x.clone(),
        };
        let h = self.second.forward(self.first.forward(input));
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
            (None, Some(conv)) => conv.forward(enlarge(x, self.factor)),
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
    use burn::tensor::{Device, Tensor, TensorData};

    use super::enlarge;

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
