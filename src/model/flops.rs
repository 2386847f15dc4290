//! The arithmetic of one translation: the multiply-adds of every convolution of E's mean
//! path and G (norms, activations and the code tiling add well under 1 % to them).

use super::config::{ConvSpec, ModelConfig, Upsample};
use super::layers::ResidualBlock;

/// Output sides and multiply-adds of `spec` on an `input`-channel map of sides `side`.
fn conv(side: (usize, usize), input: usize, spec: &ConvSpec) -> Option<((usize, usize), f64)> {
    let out = (spec.conv_out(side.0)?, spec.conv_out(side.1)?);
    Some((out, macs(out, input, spec)))
}

/// Multiply-adds of `spec` computing (or, transposed, scattering from) `at` positions.
fn macs(at: (usize, usize), input: usize, spec: &ConvSpec) -> f64 {
    [at.0, at.1, input, spec.channels, spec.kernel, spec.kernel].iter().map(|&v| v as f64).product()
}

/// Multiply-adds of one residual block of `channels` width reading `code` extra channels.
fn residual_macs(side: (usize, usize), channels: usize, code: usize) -> f64 {
    let block = ResidualBlock::conv_spec(channels);
    macs(side, channels + code, &block) + macs(side, channels, &block)
}

impl ModelConfig {
    /// FLOPs (two per multiply-add) of one translation G(E(x), v) of a `height`×`width`
    /// frame, or None when the frame does not fit the encoder.
    pub fn translate_flops(&self, height: usize, width: usize) -> Option<f64> {
        let mut total = 0.0;
        let (mut side, mut channels) = ((height, width), 3);
        for spec in self.encoder.layers.iter() {
            let (out, m) = conv(side, channels, spec)?;
            (side, channels, total) = (out, spec.channels, total + m);
        }
        total += self.encoder.residual_blocks as f64 * residual_macs(side, channels, 0);
        let (out, m) = conv(side, channels, &self.encoder.latent)?;
        (side, channels, total) = (out, self.encoder.latent.channels, total + m);

        let g = &self.generator;
        let domains = self.num_domains();
        let code = g.block_code(domains);
        let last = g.layers.len().saturating_sub(1);
        for (i, spec) in g.layers.iter().enumerate() {
            if i == last {
                total += g.detail_blocks as f64 * residual_macs(side, channels, code);
            }
            let input = channels + if i == 0 || g.code_every_layer { domains } else { 0 };
            let (out, m) = match g.upsample {
                Upsample::Resize => {
                    conv((side.0 * spec.stride, side.1 * spec.stride), input, &ConvSpec { stride: 1, ..*spec })?
                }
                Upsample::Transposed => {
                    let out = (spec.up_out(side.0, g.upsample)?, spec.up_out(side.1, g.upsample)?);
                    (out, macs(side, input, spec))
                }
            };
            (side, channels, total) = (out, spec.channels, total + m);
            if i == 0 {
                total += g.residual_blocks as f64 * residual_macs(side, channels, code);
            }
        }
        Some(2.0 * total)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::config::ModelConfig;

    fn domains() -> Vec<String> {
        ["photo", "sketch", "paint"].map(String::from).to_vec()
    }

    #[test]
    fn one_convolution_counts_two_flops_per_multiply_add() {
        // Hand count of the web2 encoder's first layer at 256²: 128² outputs × 32 × 3 × 4².
        let mut config = ModelConfig::web2(domains());
        let first = 128.0 * 128.0 * 32.0 * 3.0 * 16.0 * 2.0;
        let all = config.translate_flops(256, 256).unwrap();
        config.encoder.layers[0].channels = 64;
        // Doubling its outputs doubles it and the input side of the next layer.
        let second = 64.0 * 64.0 * 64.0 * 32.0 * 16.0 * 2.0;
        assert_eq!(config.translate_flops(256, 256).unwrap() - all, first + second);
    }

    #[test]
    fn the_presets_cost_what_their_docs_say() {
        let gflop = |c: ModelConfig| c.translate_flops(256, 256).unwrap() / 1e9;
        assert!((gflop(ModelConfig::web(domains())) - 4.2).abs() < 0.05, "{}", gflop(ModelConfig::web(domains())));
        assert!((gflop(ModelConfig::web2(domains())) - 5.1).abs() < 0.05, "{}", gflop(ModelConfig::web2(domains())));
        assert!((gflop(ModelConfig::web3(domains())) - 5.7).abs() < 0.05, "{}", gflop(ModelConfig::web3(domains())));
        // The cost grows with the pixel count; frames that do not fit have none.
        let web2 = ModelConfig::web2(domains());
        let ratio = web2.translate_flops(512, 512).unwrap() / web2.translate_flops(256, 256).unwrap();
        assert!((ratio - 4.0).abs() < 1e-9);
        assert!(ModelConfig::paper(domains()).translate_flops(16, 16).is_none());
    }
}
