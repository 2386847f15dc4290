//! libFuzzer on `ufdn_fuzz::latent` (the property is documented there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ufdn_fuzz::latent(data));
