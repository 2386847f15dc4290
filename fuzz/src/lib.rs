//! The properties the fuzz targets check, one function per target, each taking the raw
//! bytes libFuzzer feeds it. The cargo-fuzz binaries (`fuzz_targets/`) call them under
//! libFuzzer; ufdn's own test suite (`tests/fuzz_corpus.rs`) includes this file and replays
//! every committed corpus input through the same functions on stable Rust, so an input
//! that once passed keeps passing. A property that fails panics.

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use burn::tensor::Device;
use image::RgbImage;
use ufdn::data::image_io::decode_rgb;
use ufdn::frame::{EDGE_MARGIN, MAX_SIDE, fit_frame, readback, start_decode, translate_frame, unfit_frame};
use ufdn::latent::Latent;
use ufdn::model::config::Preset;
use ufdn::model::container::Container;
use ufdn::{DomainMix, Model};

/// The `.ufdn` container reader on arbitrary bytes: it must refuse or accept without
/// panicking, and whatever it accepts must write back to bytes that read identically.
pub fn container(data: &[u8]) {
    if let Ok(container) = Container::from_bytes(data) {
        let written = container.to_bytes().expect("an accepted container writes back");
        let again = Container::from_bytes(&written).expect("a written container reads back");
        assert_eq!(again.to_bytes().expect("and writes back again"), written);
    }
}

/// Weights loading end to end (`Model::from_bytes` on the CPU backend). A file it accepts
/// must translate a small frame without panicking.
pub fn weights(data: &[u8]) {
    let Ok(model) = Model::from_bytes(data, &Device::flex()) else { return };
    // Big (valid) networks would make each run slow; the loader is what is under test.
    if model.num_params() > 2_000_000 || model.config.image_size > 64 {
        return;
    }
    let frame = RgbImage::from_fn(7, 5, |x, y| image::Rgb([(x * 30) as u8, (y * 40) as u8, 128]));
    let target = model.target(&model.domains()[0]).expect("a domain of the model is a target");
    let _ = translate_frame(&model, &frame, &target);
}

/// Image files as `ufdn translate` and `encode` read them (`decode_rgb` with the frame size
/// limit, then fitting the frame to the default network with its margin): any bytes are
/// refused or decoded, never a panic, a hang or a huge allocation, and the fitted frame
/// crops back to the image.
pub fn image(data: &[u8]) {
    if let Ok(image) = decode_rgb(data, MAX_SIDE) {
        let config = Preset::Web2.config(vec!["photo".into(), "sketch".into()]);
        if let Ok((fitted, fit)) = fit_frame(&image, &config, EDGE_MARGIN) {
            assert_eq!((fit.width, fit.height), image.dimensions());
            assert!(fitted.width() % config.stride() as u32 == 0 && fitted.height() % config.stride() as u32 == 0);
            assert!(unfit_frame(&fitted, &fit) == image, "the margin is cropped off exactly");
        }
    }
}

/// The target / mix parser (`sketch`, `sketch=0.3,paint=0.7`) on arbitrary text (the bytes'
/// longest valid UTF-8 prefix, as `arbitrary` reads a `&str`): an accepted mix is a
/// probability vector over the model's domains.
pub fn mix(data: &[u8]) {
    let Ok(spec) = <&str>::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let domains = ["photo", "sketch", "paint"].map(String::from);
    if let Ok(mix) = DomainMix::parse(&domains, spec) {
        let weights = mix.weights();
        assert_eq!(weights.len(), domains.len());
        assert!(weights.iter().all(|w| w.is_finite() && *w >= 0.0), "{weights:?}");
        let total: f32 = weights.iter().sum();
        assert!((total - 1.0).abs() < 1e-4, "{spec:?} gives {weights:?}");
    }
}

/// What a JavaScript caller of the browser's `decode(latent)` controls.
#[derive(Debug, Arbitrary)]
struct LatentInput {
    /// How many values `data` holds; None: as many as the shape says (up to 65 536), the
    /// usual case, which lets the fuzzer reach decoding.
    values: Option<u16>,
    fill: f32,
    shape: Vec<Dim>,
    width: Option<f64>,
    height: Option<f64>,
}

/// A shape entry as JavaScript would pass it: mostly whole numbers, sometimes any number.
#[derive(Debug, Arbitrary)]
enum Dim {
    Whole(u32),
    Any(f64),
}

impl Dim {
    fn value(&self) -> f64 {
        match *self {
            Dim::Whole(n) => f64::from(n),
            Dim::Any(x) => x,
        }
    }
}

/// The untrained default architecture the latent target decodes with, built once.
fn latent_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let config = Preset::Web2.config(vec!["photo".into(), "sketch".into()]);
        Model::untrained(config, &Device::flex()).expect("the preset is valid")
    })
}

/// The Rust core of the browser's `decode(latent)`: caller-given data, shape and frame size
/// are checked (`Latent::from_parts`), then decoded by the default architecture. Nothing
/// may panic, and an accepted latent decodes to a frame of the size it names.
pub fn latent(data: &[u8]) {
    let Ok(input) = LatentInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let shape: Vec<f64> = input.shape.iter().map(Dim::value).collect();
    let from_shape = || {
        let mut dims = shape.iter().map(|&d| (0.0..=65_536.0).contains(&d).then_some(d as usize));
        dims.try_fold(1usize, |n, d| n.checked_mul(d?)).filter(|&n| n <= 1 << 16)
    };
    let count = input.values.map(usize::from).or_else(from_shape).unwrap_or(0);
    let data = vec![input.fill; count];
    let Ok(latent) = Latent::from_parts(data, &shape, (input.width, input.height)) else { return };
    let frame = latent.frame;
    let model = latent_model();
    let target = model.target("sketch").expect("sketch is a domain");
    let Ok(pending) = start_decode(model, latent, &target) else { return };
    let values = readback(pending.output.clone()).expect("the CPU backend reads back");
    let image = pending.finish(&values);
    if let Some(size) = frame {
        assert_eq!(image.dimensions(), size);
    }
}
