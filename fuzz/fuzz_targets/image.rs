//! Image files as `ufdn translate` and `encode` read them (`decode_rgb` with the frame size
//! limit, then fitting the frame to the default network): any bytes are refused or decoded,
//! never a panic, a hang or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ufdn::data::image_io::decode_rgb;
use ufdn::frame::{MAX_SIDE, fit_frame};
use ufdn::model::config::Preset;

fuzz_target!(|data: &[u8]| {
    if let Ok(image) = decode_rgb(data, MAX_SIDE) {
        let config = Preset::Web2.config(vec!["photo".into(), "sketch".into()]);
        if let Ok((fitted, fit)) = fit_frame(&image, &config) {
            assert_eq!((fit.width, fit.height), image.dimensions());
            assert!(fitted.width() % config.stride() as u32 == 0 && fitted.height() % config.stride() as u32 == 0);
        }
    }
});
