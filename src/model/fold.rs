//! BatchNorm folded into the convolution before it, for inference. In inference mode a
//! BatchNorm is a per-channel affine map `y = scale · x + shift` (running statistics), so a
//! convolution followed by it is one convolution with each output channel's kernel multiplied
//! by `scale` and bias `scale · bias + shift`. The CPU backend computes an unfolded BatchNorm
//! as four passes over the activation (subtract, divide, multiply, add); folded, they are gone.

use burn::module::Param;
use burn::nn::BatchNorm;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::tensor::Tensor;

use super::encoder_generator::EncoderGenerator;
use super::layers::{DownBlock, ResidualBlock, UpBlock};

/// `norm` in inference mode as `(scale, shift)`, each `[channels]`.
fn affine(norm: &BatchNorm) -> (Tensor<1>, Tensor<1>) {
    let std = norm.running_var.value().add_scalar(norm.epsilon).sqrt();
    let scale = norm.gamma.val() / std;
    let shift = norm.beta.val() - norm.running_mean.value() * scale.clone();
    (scale, shift)
}

/// A kernel and bias followed by `norm`, as one kernel and bias. The kernel's output
/// channels lie along `dim`: 0 for a convolution (`[out, in / groups, k, k]`), 1 for a
/// transposed convolution of one group (`[in, out, k, k]`). The bias becomes
/// `scale · bias + shift` (`shift` alone without one).
fn fold_into(
    weight: Param<Tensor<4>>,
    bias: Option<Param<Tensor<1>>>,
    norm: &BatchNorm,
    dim: usize,
) -> (Param<Tensor<4>>, Option<Param<Tensor<1>>>) {
    let (scale, shift) = affine(norm);
    let mut shape = [1; 4];
    shape[dim] = scale.dims()[0];
    // [out] → [out, 1, 1, 1] or [1, out, 1, 1]: one factor per output channel's kernel
    let weight = weight.val() * scale.clone().reshape(shape);
    let bias = match bias {
        Some(bias) => bias.val() * scale + shift,
        None => shift,
    };
    (Param::from_tensor(weight), Some(Param::from_tensor(bias)))
}

/// `conv` then `norm` as one convolution.
fn fold_conv(mut conv: Conv2d, norm: &BatchNorm) -> Conv2d {
    (conv.weight, conv.bias) = fold_into(conv.weight, conv.bias, norm, 0);
    conv
}

/// `conv` (one group) then `norm` as one transposed convolution.
fn fold_transposed(mut conv: ConvTranspose2d, norm: &BatchNorm) -> ConvTranspose2d {
    (conv.weight, conv.bias) = fold_into(conv.weight, conv.bias, norm, 1);
    conv
}

impl DownBlock {
    /// The same function with its BatchNorm folded into the convolution.
    pub fn folded(self) -> Self {
        match &self.norm {
            Some(norm) => Self { conv: fold_conv(self.conv, norm), norm: None },
            None => self,
        }
    }
}

impl ResidualBlock {
    /// The same function with both BatchNorms folded into their convolutions.
    pub fn folded(self) -> Self {
        let second = match &self.norm {
            Some(norm) => fold_conv(self.second, norm),
            None => self.second,
        };
        Self { first: self.first.folded(), second, norm: None }
    }
}

impl UpBlock {
    /// The same function with its BatchNorm folded into the convolution (a grouped transposed
    /// convolution keeps it).
    pub fn folded(self) -> Self {
        let Some(norm) = &self.norm else { return self };
        match (self.conv, self.resize_conv) {
            (Some(conv), None) if conv.groups == 1 => {
                Self { conv: Some(fold_transposed(conv, norm)), resize_conv: None, norm: None, ..self }
            }
            (None, Some(conv)) => Self { conv: None, resize_conv: Some(fold_conv(conv, norm)), norm: None, ..self },
            (conv, resize_conv) => Self { conv, resize_conv, ..self },
        }
    }
}

impl EncoderGenerator {
    /// The same translator (in inference mode) with every BatchNorm folded into the
    /// convolution before it: what [`super::Model`] runs.
    pub fn fold_norms(self) -> Self {
        let EncoderGenerator { mut encoder, mut generator } = self;
        encoder.trunk = encoder.trunk.into_iter().map(DownBlock::folded).collect();
        encoder.residual = encoder.residual.into_iter().map(ResidualBlock::folded).collect();
        generator.layers = generator.layers.into_iter().map(UpBlock::folded).collect();
        generator.residual = generator.residual.into_iter().map(ResidualBlock::folded).collect();
        generator.detail = generator.detail.into_iter().map(ResidualBlock::folded).collect();
        EncoderGenerator { encoder, generator }
    }
}

#[cfg(test)]
mod tests {
    use burn::module::{Module, ModuleMapper, Param};
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::model::assert_close;
    use crate::model::config::Preset;

    /// With trained-looking BatchNorms (every scale, shift, running mean and variance, and
    /// every bias drawn away from its initial value, so a fold that ignored one would show),
    /// the folded translator computes what the original does.
    #[test]
    fn folding_keeps_the_translator_s_outputs() {
        let device = Device::flex();
        for preset in [Preset::Web3, Preset::Web2, Preset::Web, Preset::Paper] {
            let config = preset.config(vec!["photo".into(), "sketch".into(), "paint".into()]);
            let net = config.init_translator(&device).valid();
            let net = net.map(&mut Randomise(&device));
            let side = if config.fixed_size() { config.image_size } else { 4 * config.stride() };
            let x = Tensor::<4>::random([2, 3, side, side], Distribution::Uniform(-1.0, 1.0), &device);
            let code = Tensor::<2>::from_floats([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]], &device);
            let expected = net.translate(x.clone(), code.clone());
            let folded = net.fold_norms();
            assert!(!format!("{folded:?}").contains("BatchNorm"), "{preset:?}: every BatchNorm folds");
            let got = folded.translate(x, code);
            assert_close(got, expected, 1e-4, &format!("{preset:?}: folded"));
        }
    }

    /// Replaces every per-channel vector of a module (BatchNorm scales, shifts and running
    /// statistics, biases) by random values in [0.5, 1.5] (variances must stay positive);
    /// kernels keep their initial values.
    struct Randomise<'a>(&'a Device);

    impl ModuleMapper for Randomise<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            if D != 1 {
                return param;
            }
            let shape = param.shape();
            param.map(|_| Tensor::random(shape, Distribution::Uniform(0.5, 1.5), self.0))
        }
    }
}
