//! Resuming from a checkpoint repeats the uninterrupted run exactly. Kept in its own test
//! binary: burn's random generator is process-wide, and other tests would draw from it.

mod common;

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use ufdn::train::Trainer;
use ufdn::train::checkpoint::Checkpoint;
use ufdn::train::config::GroupRates;
use ufdn::train::schedule::LossWeights;

use common::{config, dataset};

#[test]
fn resume_continues_step_count_schedules_and_optimizer_state() {
    let data = dataset("resume");
    let mut cfg = config(GroupRates { translator: 1e-3, latent_disc: 1e-3, image_disc: 1e-3 }, LossWeights::OFFICIAL);
    cfg.seed = 11;
    let device = Device::flex();
    let mut original = Trainer::new(cfg, common::tiny_config(), &device).unwrap();
    let mut rng = StdRng::seed_from_u64(4);
    for _ in 0..12 {
        original.step(&data.sample(4, &mut rng));
    }
    let bytes = original.checkpoint_bytes().unwrap();
    let mut resumed = Trainer::resume(Checkpoint::from_bytes(&bytes).unwrap(), None, &device).unwrap();
    assert_eq!(resumed.step_count(), 12);
    assert_eq!(resumed.config, original.config);
    let w = &resumed.config.loss_weights;
    assert_eq!(w.reconstruction.at(resumed.step_count()), 100.0 + (1.0 - 100.0) * 12.0 / 1000.0);

    // Every step's randomness derives from (seed, step), so the resumed run repeats the
    // uninterrupted one only if the networks and the Adam moments were restored.
    let batch = data.sample(4, &mut rng);
    for expected_step in [13, 14] {
        let (a, b) = (original.step(&batch), resumed.step(&batch));
        assert_eq!(b.step, expected_step);
        let pairs = [
            (a.reconstruction, b.reconstruction),
            (a.latent_disc, b.latent_disc),
            (a.wasserstein, b.wasserstein),
            (a.pixel_classification, b.pixel_classification),
            // Depends on D_v just updated by Adam with its restored moments.
            (a.latent_adversarial, b.latent_adversarial),
        ];
        for (x, y) in pairs {
            assert!((x - y).abs() <= 1e-5 * x.abs().max(1.0), "{a:?} vs {b:?}");
        }
    }
}
