//! Crash safety of training: a real `ufdn train` killed with SIGKILL at several points, one
//! of them inside a checkpoint write, always leaves a checkpoint and weights that load;
//! `--resume` continues from the last checkpoint, and `losses.csv` ends with every step
//! exactly once.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use burn::tensor::Device;
use ufdn::model::Model;
use ufdn::model::config::Preset;
use ufdn::train::checkpoint::Checkpoint;
use ufdn::train::{TrainConfig, Trainer};

const STEPS: u64 = 40;

fn spawn_train(data: &Path, out: &Path, config: &Path, resume: bool) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ufdn"));
    cmd.args(["train", "--no-progress", "--data"]).arg(data).arg("--out").arg(out).arg("--config").arg(config);
    if resume {
        cmd.arg("--resume");
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start ufdn train")
}

/// Waits (at most a minute) until `ready` holds, polling every half millisecond.
fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// SIGKILL, then the checks every crash must pass; returns the checkpoint's step.
fn kill_and_check(mut child: Child, out: &Path) -> u64 {
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let checkpoint = Checkpoint::read(&out.join("checkpoint.ufdn")).expect("checkpoint loads after a crash");
    let trainer = Trainer::resume(checkpoint, None, &Device::flex()).expect("checkpoint resumes after a crash");
    let weights = std::fs::read(out.join("weights.ufdn")).unwrap();
    Model::from_bytes(&weights, &Device::flex()).expect("weights load after a crash");
    trainer.step_count()
}

fn logged_steps(out: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(out.join("losses.csv")).unwrap();
    text.lines().skip(1).map(|row| row.split(',').next().unwrap().parse().unwrap()).collect()
}

#[test]
fn training_survives_sigkill_anywhere_and_resumes_cleanly() {
    let dir = common::temp_dir("crash");
    let data = dir.join("data");
    common::build_fixture_dataset(&data, 32, 3);
    // The web preset: its checkpoints (about 25 MB) take long enough to write that a kill
    // can land inside the write.
    let config = TrainConfig {
        preset: Preset::Web,
        image_size: Some(32),
        steps: STEPS,
        batch_per_domain: 1,
        checkpoint_every: 2,
        sample_every: 1000,
        ..TrainConfig::default()
    };
    let config_path = dir.join("crash.toml");
    std::fs::write(&config_path, toml::to_string(&config).unwrap()).unwrap();
    let (train, out) = (data.join("train"), dir.join("run"));
    let checkpoint = out.join("checkpoint.ufdn");
    let partial = out.join("checkpoint.tmp");

    // 1. Between checkpoints: a while after the first one.
    let child = spawn_train(&train, &out, &config_path, false);
    wait_for("the first checkpoint", || checkpoint.exists());
    std::thread::sleep(Duration::from_millis(300));
    let mut last = kill_and_check(child, &out);
    let mut resumed_from = vec![last];

    // 2. Inside a checkpoint write: killed while the temporary file exists, until one kill
    //    leaves it behind (the rename had not happened yet).
    let mut mid_write = 0;
    for _ in 0..8 {
        let _ = std::fs::remove_file(&partial);
        let child = spawn_train(&train, &out, &config_path, true);
        wait_for("a checkpoint write", || partial.exists());
        let step = kill_and_check(child, &out);
        assert!(step >= last, "the checkpoint went back from step {last} to {step}");
        last = step;
        resumed_from.push(step);
        if partial.exists() {
            mid_write += 1;
            break;
        }
    }
    assert_eq!(mid_write, 1, "no kill landed inside a checkpoint write in 8 tries");

    // 3. Resumed once more, to the end.
    let status = spawn_train(&train, &out, &config_path, true).wait().unwrap();
    assert!(status.success());
    assert_eq!(logged_steps(&out), (1..=STEPS).collect::<Vec<_>>(), "resumed from steps {resumed_from:?}");
    let final_model = Model::from_bytes(&std::fs::read(out.join("weights.ufdn")).unwrap(), &Device::flex()).unwrap();
    assert_eq!(final_model.steps, STEPS);
}
