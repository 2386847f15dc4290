//! libFuzzer on `ufdn_fuzz::mix` (the property is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ufdn_fuzz::mix(data));
