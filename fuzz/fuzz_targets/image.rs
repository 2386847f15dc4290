//! libFuzzer on `ufdn_fuzz::image` (the property is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ufdn_fuzz::image(data));
