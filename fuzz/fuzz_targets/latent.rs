//! The Rust core of the browser's `decode(latent)`: caller-given data, shape and frame size
//! are checked (`Latent::from_parts`), then decoded by the default architecture. Nothing
//! may panic, and an accepted latent decodes to a frame of the size it names.
#![no_main]

use std::sync::OnceLock;

use burn::tensor::Device;
use libfuzzer_sys::arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ufdn::Model;
use ufdn::frame::{readback, start_decode};
use ufdn::latent::Latent;
use ufdn::model::config::Preset;

/// What a JavaScript caller controls.
#[derive(Debug, Arbitrary)]
struct Input {
    values: u16,
    fill: f32,
    shape: Vec<f64>,
    width: Option<f64>,
    height: Option<f64>,
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let config = Preset::Web2.config(vec!["photo".into(), "sketch".into()]);
        Model::untrained(config, &Device::flex()).expect("the preset is valid")
    })
}

fuzz_target!(|input: Input| {
    let data = vec![input.fill; usize::from(input.values)];
    let Ok(latent) = Latent::from_parts(data, &input.shape, (input.width, input.height)) else { return };
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
