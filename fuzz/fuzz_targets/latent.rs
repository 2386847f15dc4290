//! The Rust core of the browser's `decode(latent)`: caller-given data, shape and frame size
//! are checked (`Latent::from_parts`), then decoded by the default architecture. Nothing
//! may panic, and an accepted latent decodes to a frame of the size it names.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use burn::tensor::Device;
use libfuzzer_sys::fuzz_target;
use ufdn::Model;
use ufdn::frame::{readback, start_decode};
use ufdn::latent::Latent;
use ufdn::model::config::Preset;

/// What a JavaScript caller controls.
#[derive(Debug, Arbitrary)]
struct Input {
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

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let config = Preset::Web2.config(vec!["photo".into(), "sketch".into()]);
        Model::untrained(config, &Device::flex()).expect("the preset is valid")
    })
}

fuzz_target!(|input: Input| {
    let shape: Vec<f64> = input.shape.iter().map(Dim::value).collect();
    let from_shape = || {
        let mut dims = shape.iter().map(|&d| (0.0..=65_536.0).contains(&d).then_some(d as usize));
        dims.try_fold(1usize, |n, d| n.checked_mul(d?)).filter(|&n| n <= 1 << 16)
    };
    let count = input.values.map(usize::from).or_else(from_shape).unwrap_or(0);
    let data = vec![input.fill; count];
    let Ok(latent) = Latent::from_parts(data, &shape, (input.width, input.height)) else { return };
    let frame = latent.frame;
    let model = model();
    let target = model.target("sketch").expect("sketch is a domain");
    let Ok(pending) = start_decode(model, latent, &target) else { return };
    let values = readback(pending.output.clone()).expect("the CPU backend reads back");
    let image = pending.finish(&values);
    if let Some(size) = frame {
        assert_eq!(image.dimensions(), size);
    }
});
