//! Log processors (`LOG_PROCESSORS`): the training state as log lines.

use registry_core::register_module;
use serde::Deserialize;

use crate::registry::LOG_PROCESSORS;
use crate::runner::RunnerState;

/// What `LOG_PROCESSORS` builds.
pub trait BaseLogProcessor: Send + Sync {
    /// The line logged after an iteration.
    fn get_log_after_iter(&self, runner: &RunnerState) -> String;
}

/// MMEngine's `LogProcessor`: the learning rate and the loss smoothed over the last
/// `window_size` iterations, as `Epoch(train) [1][4/4]  lr: 1.0000e-1  loss: 0.1234`
/// (`by_epoch`) or `Iter(train) [8/12]  lr: ...  loss: ...`.
#[register_module(registry = LOG_PROCESSORS)]
#[derive(Debug, Deserialize)]
pub struct LogProcessor {
    /// Iterations the loss is averaged over (default 10).
    #[serde(default = "ten")]
    pub window_size: usize,
    /// Count in epochs (default) or iterations.
    #[serde(default = "yes")]
    pub by_epoch: bool,
    /// Digits after the point (default 4).
    #[serde(default = "four")]
    pub num_digits: usize,
}

fn ten() -> usize {
    10
}

fn yes() -> bool {
    true
}

fn four() -> usize {
    4
}

impl BaseLogProcessor for LogProcessor {
    fn get_log_after_iter(&self, runner: &RunnerState) -> String {
        let window = &runner.losses[runner.losses.len().saturating_sub(self.window_size.max(1))..];
        let loss = window.iter().sum::<f32>() / window.len().max(1) as f32;
        let digits = self.num_digits;
        let position = if self.by_epoch {
            format!(
                "Epoch(train) [{}][{}/{}]",
                runner.epoch + 1,
                runner.batch_idx + 1,
                runner.epoch_length
            )
        } else {
            let max_iters = u64::from(runner.max_epochs) * runner.epoch_length as u64;
            format!("Iter(train) [{}/{max_iters}]", runner.iter + 1)
        };
        format!(
            "{position}  lr: {:.digits$e}  loss: {loss:.digits$}",
            runner.lr
        )
    }
}
