//! Hooks (`HOOKS`): code called at fixed points of training.

use registry_core::register_module;
use serde::Deserialize;

use crate::registry::HOOKS;
use crate::runner::RunnerState;

/// What `HOOKS` builds. Every method does nothing unless overridden.
pub trait Hook: Send + Sync {
    /// Before the first epoch.
    fn before_train(&mut self, _runner: &mut RunnerState) {}

    /// After each iteration; `runner.losses` ends with its loss.
    fn after_train_iter(&mut self, _runner: &mut RunnerState) {}

    /// After each epoch.
    fn after_train_epoch(&mut self, _runner: &mut RunnerState) {}
}

/// MMEngine's `LoggerHook`: every `interval` iterations, and at the end of each epoch, logs
/// a line from the runner's log processor and sends the loss and learning rate to the
/// visualizer.
#[register_module(registry = HOOKS)]
#[derive(Debug, Deserialize)]
pub struct LoggerHook {
    /// Iterations between two lines (default 10).
    #[serde(default = "ten")]
    pub interval: usize,
}

fn ten() -> usize {
    10
}

impl Hook for LoggerHook {
    fn after_train_iter(&mut self, runner: &mut RunnerState) {
        let done = runner.batch_idx + 1;
        if done % self.interval.max(1) != 0 && done != runner.epoch_length {
            return;
        }
        let line = runner.log_processor.get_log_after_iter(runner);
        runner.log.push(line);
        if let (Some(visualizer), Some(&loss)) = (&runner.visualizer, runner.losses.last()) {
            visualizer.add_scalars(&[("loss", loss), ("lr", runner.lr)], runner.iter + 1);
        }
    }
}
