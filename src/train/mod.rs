//! Training: losses, the critic's Lipschitz penalty, loss-weight schedules, the step,
//! checkpoints and the run loop with its samples and logs.

pub mod blend;
pub mod checkpoint;
pub mod config;
pub mod losses;
pub mod penalty;
pub mod run;
pub mod samples;
pub mod schedule;
pub mod trainer;

pub use config::TrainConfig;
pub use trainer::Trainer;
