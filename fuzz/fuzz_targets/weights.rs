//! Weights loading end to end (`Model::from_bytes` on the CPU backend). A file it accepts
//! must translate a small frame without panicking.
#![no_main]

use burn::tensor::Device;
use image::RgbImage;
use libfuzzer_sys::fuzz_target;
use ufdn::Model;
use ufdn::frame::translate_frame;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = Model::from_bytes(data, &Device::flex()) else { return };
    // Big (valid) networks would make each run slow; the loader is what is under test.
    if model.num_params() > 2_000_000 || model.config.image_size > 64 {
        return;
    }
    let frame = RgbImage::from_fn(7, 5, |x, y| image::Rgb([(x * 30) as u8, (y * 40) as u8, 128]));
    let target = model.target(&model.domains()[0]).expect("a domain of the model is a target");
    let _ = translate_frame(&model, &frame, &target);
});
