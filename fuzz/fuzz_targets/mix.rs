//! The target / mix parser (`sketch`, `sketch=0.3,paint=0.7`) on arbitrary text: an
//! accepted mix is a probability vector over the model's domains.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ufdn::DomainMix;

fuzz_target!(|spec: &str| {
    let domains = ["photo", "sketch", "paint"].map(String::from);
    if let Ok(mix) = DomainMix::parse(&domains, spec) {
        let weights = mix.weights();
        assert_eq!(weights.len(), domains.len());
        assert!(weights.iter().all(|w| w.is_finite() && *w >= 0.0), "{weights:?}");
        let total: f32 = weights.iter().sum();
        assert!((total - 1.0).abs() < 1e-4, "{spec:?} gives {weights:?}");
    }
});
