//! Output shapes of every network for both presets, and the paper preset's size.

mod common;

use burn::module::Module;
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use ufdn::DomainMix;
use ufdn::model::config::{ConvSpec, Upsample};
use ufdn::model::encoder_generator::code_tensor;
use ufdn::model::{Model, ModelConfig};

fn check_shapes(config: &ModelConfig, side: usize, latent: [usize; 3]) {
    let device = Device::flex();
    let translator = config.init_translator(&device);
    let batch = 2;
    let x = Tensor::<4>::random([batch, 3, side, side], Distribution::Uniform(-1.0, 1.0), &device);
    let (mu, logvar) = translator.encoder.forward(x.clone());
    assert_eq!(mu.dims(), [batch, latent[0], latent[1], latent[2]]);
    assert_eq!(logvar.dims(), mu.dims());
    let code = code_tensor(&DomainMix::one_hot(1, config.num_domains()), batch, &device);
    let out = translator.decode(mu.clone(), code);
    assert_eq!(out.dims(), [batch, 3, side, side]);
    let logits = config.init_latent_disc(&device).forward(mu);
    assert_eq!(logits.dims(), [batch, config.num_domains()]);
    let (score, cls) = config.init_image_disc(&device).forward(x);
    assert_eq!(score.dims(), [batch]);
    assert_eq!(cls.dims(), [batch, config.num_domains()]);
}

#[test]
fn paper_preset_shapes() {
    let config = ModelConfig::paper(common::domains());
    config.validate().unwrap();
    check_shapes(&config, 64, [1024, 1, 1]);
}

#[test]
fn web_preset_shapes_at_training_size() {
    let config = ModelConfig::web(common::domains());
    config.validate().unwrap();
    check_shapes(&config, 64, [32, 8, 8]);
}

#[test]
fn web_preset_translates_any_multiple_of_its_stride() {
    let config = ModelConfig::web(common::domains());
    assert_eq!(config.stride(), 8);
    let model = Model::untrained(config, &Device::flex()).unwrap();
    let target = model.target("sketch=0.3,paint=0.7").unwrap();
    for (h, w) in [(8, 8), (40, 96), (256, 256)] {
        let x = Tensor::<4>::zeros([1, 3, h, w], model.device());
        assert_eq!(model.translate(x.clone(), &target).unwrap().dims(), [1, 3, h, w]);
        assert_eq!(model.encode(x).unwrap().dims(), [1, 32, h / 8, w / 8]);
    }
    let odd = Tensor::<4>::zeros([1, 3, 30, 32], model.device());
    let err = model.translate(odd, &target).unwrap_err().to_string();
    assert!(err.contains("multiples of 8"), "{err}");
}

#[test]
fn resize_generator_has_the_transposed_one_s_shapes() {
    let mut config = common::tiny_config();
    config.generator.upsample = Upsample::Resize;
    config.generator.layers = [32, 16, 3].map(|c| ConvSpec::new(c, 3, 2, 1)).to_vec();
    config.generator.layers[0].stride = 1;
    config.validate().unwrap();
    check_shapes(&config, 32, [16, 8, 8]);
    // A 4×4 kernel after resizing would not give back the input size.
    config.generator.layers[1].kernel = 4;
    assert!(config.validate().is_err());
}

#[test]
fn web_preset_fits_the_browser_budget() {
    let model = Model::untrained(ModelConfig::web(common::domains()), &Device::flex()).unwrap();
    assert!(model.num_params() <= 4_000_000, "E+G has {} parameters", model.num_params());
}

/// Parameters of a k×k (transposed) convolution with bias.
fn conv(cin: usize, cout: usize, k: usize) -> usize {
    cin * cout * k * k + cout
}
/// Parameters of a linear layer with bias.
fn fc(cin: usize, cout: usize) -> usize {
    cin * cout + cout
}
/// BatchNorm: scale and shift, plus running mean and variance (burn counts these buffers
/// in `num_params` too).
fn bn(c: usize) -> usize {
    4 * c
}

#[test]
fn paper_preset_parameter_count_matches_the_layer_table() {
    let n = 3;
    // E: five 4×4 convs with BN, then mu and logvar convs 1024→1024.
    let enc_channels = [3, 64, 128, 256, 512, 1024];
    let encoder: usize =
        enc_channels.windows(2).map(|w| conv(w[0], w[1], 4) + bn(w[1])).sum::<usize>() + 2 * conv(1024, 1024, 4);
    // G: 1027→1024→512→256→128→64 transposed convs with BN, then →3.
    let gen_channels = [1024 + n, 1024, 512, 256, 128, 64];
    let generator: usize =
        gen_channels.windows(2).map(|w| conv(w[0], w[1], 4) + bn(w[1])).sum::<usize>() + conv(64, 3, 4);
    // D_v: fc 1024→512→256→128→64→N.
    let dv = [1024, 512, 256, 128, 64, n].windows(2).map(|w| fc(w[0], w[1])).sum::<usize>();
    // D_x: convs 3→16→32→64→128→256, fc 1024→512, heads 512→1 and 512→N.
    let dx = [3, 16, 32, 64, 128, 256].windows(2).map(|w| conv(w[0], w[1], 4)).sum::<usize>()
        + fc(1024, 512)
        + fc(512, 1)
        + fc(512, n);

    let config = ModelConfig::paper(common::domains());
    let device = Device::flex();
    let translator = config.init_translator(&device);
    assert_eq!(translator.encoder.num_params(), encoder);
    assert_eq!(translator.generator.num_params(), generator);
    assert_eq!(config.init_latent_disc(&device).num_params(), dv);
    assert_eq!(config.init_image_disc(&device).num_params(), dx);
    // The layer table gives 72.7 M for E+G (a rough "~50 M" is sometimes quoted).
    assert_eq!(encoder + generator, 72_691_075);
}

#[test]
fn decode_of_a_read_back_latent_equals_translate() {
    let model = Model::untrained(ModelConfig::web(common::domains()), &Device::flex()).unwrap();
    let target = model.target("paint").unwrap();
    let x = Tensor::<4>::random([1, 3, 24, 40], Distribution::Uniform(-1.0, 1.0), model.device());
    let z = model.encode(x.clone()).unwrap();
    let shape = z.dims();
    let values = ufdn::frame::readback(z).unwrap();
    let z = Tensor::<4>::from_data(TensorData::new(values, shape), model.device());
    let via_latent = ufdn::frame::readback(model.decode(z, &target).unwrap()).unwrap();
    let direct = ufdn::frame::readback(model.translate(x, &target).unwrap()).unwrap();
    let max_diff = via_latent.iter().zip(&direct).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(max_diff < 1e-5, "max difference {max_diff}");
}

#[test]
fn logvar_bias_sets_the_initial_sampling_noise() {
    let device = Device::flex();
    let x = Tensor::<4>::random([2, 3, 32, 32], Distribution::Uniform(-1.0, 1.0), &device);
    let mean_logvar = |config: ModelConfig| {
        let (_, logvar) = config.init_translator(&device).encoder.forward(x.clone());
        logvar.mean().into_scalar::<f32>()
    };
    let mut biased = ModelConfig::web(common::domains());
    biased.encoder.logvar_bias = -6.0;
    let biased = mean_logvar(biased);
    assert!((biased + 6.0).abs() < 0.5, "biased logvar starts at {biased}");
    let official = mean_logvar(ModelConfig::web(common::domains()));
    assert!(official.abs() < 0.5, "unbiased logvar starts at {official}");
}
