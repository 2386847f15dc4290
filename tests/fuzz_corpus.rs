//! Every committed fuzz corpus input (`fuzz/corpus/<target>/`), replayed through the fuzz
//! targets' own properties (`fuzz/src/lib.rs`) on the release build: no input may panic, fail
//! its property, or take longer than libFuzzer's 10 s limit per input (`scripts/fuzz.sh`).
//! The corpora hold what the fuzzing runs found interesting, the 170-byte JPEG that claimed
//! 106 megapixels among them, so this keeps those paths covered without nightly Rust.
//! New fuzzing itself is `scripts/fuzz.sh`.

#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

/// libFuzzer's `-timeout` in `scripts/fuzz.sh`: an input slower than this is a hang.
const HANG: Duration = Duration::from_secs(10);

/// Runs `check` on every file of `fuzz/corpus/<target>` and fails with the names of the
/// inputs that panicked or hung. Returns how many inputs ran.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    inputs.sort();
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for path in &inputs {
        let bytes = std::fs::read(path).expect("a corpus file reads");
        let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&bytes)));
        let took = start.elapsed();
        if outcome.is_err() {
            failures.push(format!("{name}: panicked"));
        } else if took > HANG {
            failures.push(format!("{name}: took {took:?}"));
        }
        if took > slowest.0 {
            slowest = (took, name);
        }
    }
    println!("{target}: {} inputs, slowest {} in {:?}", inputs.len(), slowest.1, slowest.0);
    assert!(failures.is_empty(), "fuzz/corpus/{target}: {failures:#?}");
    inputs.len()
}

#[test]
fn container_corpus_passes() {
    assert!(replay("container", fuzz_checks::container) > 100);
}

#[test]
fn weights_corpus_passes() {
    assert!(replay("weights", fuzz_checks::weights) > 100);
}

#[test]
fn image_corpus_passes() {
    assert!(replay("image", fuzz_checks::image) > 100);
}

#[test]
fn mix_corpus_passes() {
    assert!(replay("mix", fuzz_checks::mix) > 100);
}

#[test]
fn latent_corpus_passes() {
    assert!(replay("latent", fuzz_checks::latent) > 50);
}
