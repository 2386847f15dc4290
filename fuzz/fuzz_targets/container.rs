//! The `.ufdn` container reader on arbitrary bytes: it must refuse or accept without
//! panicking, and whatever it accepts must write back to bytes that read identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ufdn::model::container::Container;

fuzz_target!(|data: &[u8]| {
    if let Ok(container) = Container::from_bytes(data) {
        let written = container.to_bytes().expect("an accepted container writes back");
        let again = Container::from_bytes(&written).expect("a written container reads back");
        assert_eq!(again.to_bytes().expect("and writes back again"), written);
    }
});
