//! Resuming from a checkpoint repeats the uninterrupted run exactly. Kept in its own test
//! binary: burn's random generator is process-wide, and other tests would draw from it.

mod common;

use std::sync::Mutex;

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use ufdn::domain::DomainMix;
use ufdn::model::Model;
use ufdn::model::config::Preset;
use ufdn::model::record::Precision;
use ufdn::train::TrainConfig;
use ufdn::train::Trainer;
use ufdn::train::checkpoint::Checkpoint;
use ufdn::train::config::GroupRates;
use ufdn::train::schedule::LossWeights;

use common::{config, dataset};

/// burn seeds one random generator per device, which tests running at once would share
/// (their sampling noise interleaved): the tests here that step trainers take turns, so that
/// a resumed run can be compared with an uninterrupted one exactly.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn resume_continues_step_count_schedules_and_optimizer_state() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
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

#[test]
fn fine_tuning_starts_from_the_files_translator_at_step_zero() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let data = dataset("fine_tune");
    let cfg = config(GroupRates { translator: 1e-3, latent_disc: 1e-3, image_disc: 1e-3 }, LossWeights::OFFICIAL);
    let device = Device::flex();
    let mut trained = Trainer::new(cfg.clone(), common::tiny_config(), &device).unwrap();
    let mut rng = StdRng::seed_from_u64(5);
    for _ in 0..3 {
        trained.step(&data.sample(4, &mut rng));
    }
    let dir = common::temp_dir("fine_tune_files");
    let (checkpoint, weights) = (dir.join("checkpoint.ufdn"), dir.join("weights.ufdn"));
    std::fs::write(&checkpoint, trained.checkpoint_bytes().unwrap()).unwrap();
    let bytes = trained.model().to_bytes(Precision::F32).unwrap();
    std::fs::write(&weights, &bytes).unwrap();
    // The same weights in the first layout (old magic, no checksums): loaded, with a warning.
    let legacy = dir.join("legacy.ufdn");
    std::fs::write(&legacy, [b"UFDNPACK".as_slice(), &bytes[8..12], &bytes[16..]].concat()).unwrap();

    // The trained model's translation of real crops [batch, 3, 32, 32] to domain 1, and the
    // largest difference of another model's from it.
    let x = data.sample(2, &mut rng).to_tensor(&device);
    let to_sketch = |model: Model| -> Vec<f32> {
        model.translate(x.clone(), &DomainMix::one_hot(1, 3)).unwrap().into_data().try_to_vec().unwrap()
    };
    let want = to_sketch(trained.model());
    let off = |got: Vec<f32>| got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    let cfg = trained.config.clone();
    for file in [&weights, &checkpoint, &legacy] {
        // Loaded for inference, checkpoint and weights translate alike.
        let loaded = Model::from_bytes(&std::fs::read(file).unwrap(), &device).unwrap();
        assert!(off(to_sketch(loaded)) <= 1e-6, "{}", file.display());
        let (tuned, warning) = Trainer::fine_tune(cfg.clone(), file, &device).unwrap();
        assert_eq!(tuned.step_count(), 0, "{}", file.display());
        assert_eq!(warning.is_some(), file == &legacy, "{}: {warning:?}", file.display());
        let diff = off(to_sketch(tuned.model()));
        assert!(diff <= 1e-6, "{}: {diff}", file.display());
    }
    // The file's E and G train: three steps translate otherwise than three steps with their
    // rate at 0, which move only BatchNorm's running statistics (and D_v and D_x).
    let after_three_steps = |translator: f64| {
        let lr = GroupRates { translator, ..cfg.lr };
        let (mut tuned, _) = Trainer::fine_tune(TrainConfig { lr, ..cfg.clone() }, &weights, &device).unwrap();
        let mut rng = StdRng::seed_from_u64(9);
        (0..3).for_each(|_| {
            tuned.step(&data.sample(4, &mut rng));
        });
        to_sketch(tuned.model())
    };
    let (frozen, trained) = (after_three_steps(0.0), after_three_steps(1e-3));
    let moved = frozen.iter().zip(&trained).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(moved > 1e-4, "three fine-tuning steps moved E and G by only {moved}");
    // Untrained weights translate differently: the comparison above can fail.
    let fresh = Trainer::new(cfg.clone(), common::tiny_config(), &device).unwrap();
    let diff = off(to_sketch(fresh.model()));
    assert!(diff > 1e-3, "fresh and trained weights agree to {diff}");

    // Asked for the file's network grown by two detail blocks, the run starts translating as
    // the file does (the blocks start silenced); it trains on, and its weights load again.
    let mut grown = common::tiny_config();
    grown.generator.detail_blocks = 2;
    let grow = TrainConfig { model: Some(grown.clone()), ..cfg.clone() };
    let (mut tuned, _) = Trainer::fine_tune(grow, &weights, &device).unwrap();
    assert_eq!(tuned.model().config, grown);
    let diff = off(to_sketch(tuned.model()));
    assert!(diff <= 1e-6, "grown: {diff}");
    for _ in 0..3 {
        tuned.step(&data.sample(4, &mut rng));
    }
    let grown_weights = dir.join("grown.ufdn");
    std::fs::write(&grown_weights, tuned.model().to_bytes(Precision::F32).unwrap()).unwrap();
    let opened = TrainConfig { model: Some(grown), ..cfg.clone() };
    let (reloaded, _) = Trainer::fine_tune(opened, &grown_weights, &device).unwrap();
    let diff = off(to_sketch(reloaded.model()));
    assert!(diff > 1e-4, "three steps moved the grown model by only {diff}");
    assert_eq!(reloaded.model().config.generator.detail_blocks, 2);
    // A grown file cannot shrink back.
    let error = Trainer::fine_tune(cfg.clone(), &grown_weights, &device).err().unwrap().to_string();
    assert!(error.contains("one that grows it"), "{error}");

    // Other domains, another architecture or a file that is no model are refused by name.
    let renamed = TrainConfig { domains: vec!["a".into(), "b".into(), "c".into()], ..cfg.clone() };
    let error = Trainer::fine_tune(renamed, &weights, &device).err().unwrap().to_string();
    assert!(error.contains("fine-tune on the file's domains"), "{error}");
    let paper = TrainConfig { model: None, preset: Preset::Paper, ..cfg.clone() };
    let error = Trainer::fine_tune(paper, &weights, &device).err().unwrap().to_string();
    assert!(error.contains("holds a 'tiny' model") && error.contains("fine-tune with the file's preset"), "{error}");
    let junk = dir.join("junk.ufdn");
    std::fs::write(&junk, b"not a model at all").unwrap();
    let error = Trainer::fine_tune(cfg, &junk, &device).err().unwrap().to_string();
    assert!(error.contains("junk.ufdn"), "{error}");
}
