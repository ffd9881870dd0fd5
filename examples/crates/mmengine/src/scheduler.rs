//! Learning-rate schedulers (`PARAM_SCHEDULERS`), each with MMEngine's
//! `build_iter_from_epoch` as an alternate constructor, which `build_scheduler_from_cfg`
//! calls for a config with `convert_to_iter_based: true`.

use std::any::Any;

use registry_core::register_module;
use serde::Deserialize;

use crate::registry::PARAM_SCHEDULERS;

/// MMEngine's `INF`: an `end` this large means "never", and is not scaled by conversion.
pub const INF: u64 = 1_000_000_000;

/// What `PARAM_SCHEDULERS` builds: a factor on the base learning rate over the steps
/// `[begin, end)`, counted in epochs (`by_epoch`) or iterations.
pub trait ParamScheduler: Any + Send + Sync {
    /// True when steps are epochs, false when they are iterations.
    fn by_epoch(&self) -> bool;

    /// The first step it acts on.
    fn begin(&self) -> u64;

    /// The step it stops at; its last factor holds after.
    fn end(&self) -> u64;

    /// The factor on the base learning rate at `step`: 1 before `begin`.
    fn factor(&self, step: u64) -> f32;
}

fn inf() -> u64 {
    INF
}

fn yes() -> bool {
    true
}

/// The steps since `begin` at `step`, held at the last step before `end`; `None` before
/// `begin`.
fn progress(step: u64, begin: u64, end: u64) -> Option<u64> {
    (step >= begin).then(|| step.min(end.saturating_sub(1)).saturating_sub(begin))
}

/// `ParamScheduler`'s `by_epoch`, `begin` and `end`: the fields of the same names.
macro_rules! step_accessors {
    () => {
        fn by_epoch(&self) -> bool {
            self.by_epoch
        }

        fn begin(&self) -> u64 {
            self.begin
        }

        fn end(&self) -> u64 {
            self.end
        }
    };
}

/// MMEngine's `build_iter_from_epoch` for `begin` and `end` (defaults 0 and [`INF`]):
/// both times `epoch_length`, except an `end` of [`INF`].
///
/// # Errors
/// MMEngine's assertions: `by_epoch` false (its default is true), `epoch_length` 0; and an
/// overflow.
fn iters_from_epochs(
    begin: Option<u64>,
    end: Option<u64>,
    by_epoch: Option<bool>,
    epoch_length: u64,
) -> Result<(u64, u64), String> {
    let (begin, end) = (begin.unwrap_or(0), end.unwrap_or(INF));
    if !by_epoch.unwrap_or(true) {
        return Err(
            "Only epoch-based kwargs whose `by_epoch=True` can be converted to iter-based."
                .to_owned(),
        );
    }
    if epoch_length == 0 {
        return Err("`epoch_length` must be a positive integer, but got 0.".to_owned());
    }
    let scale = |epochs: u64| {
        epochs
            .checked_mul(epoch_length)
            .ok_or_else(|| format!("{epochs} epochs of {epoch_length} iterations overflow"))
    };
    let end = if end == INF { INF } else { scale(end)? };
    Ok((scale(begin)?, end))
}

/// Multiplies the learning rate by `gamma` every `step_size` steps.
#[register_module(registry = PARAM_SCHEDULERS)]
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StepLR {
    /// Steps between two decays.
    pub step_size: u64,
    /// The decay factor.
    #[serde(default = "tenth")]
    pub gamma: f32,
    /// The first step.
    #[serde(default)]
    pub begin: u64,
    /// The end step.
    #[serde(default = "inf")]
    pub end: u64,
    /// Steps are epochs.
    #[serde(default = "yes")]
    pub by_epoch: bool,
}

fn tenth() -> f32 {
    0.1
}

impl ParamScheduler for StepLR {
    step_accessors!();

    fn factor(&self, step: u64) -> f32 {
        progress(step, self.begin, self.end).map_or(1.0, |steps| {
            let decays = steps / self.step_size.max(1);
            self.gamma.powi(i32::try_from(decays).unwrap_or(i32::MAX))
        })
    }
}

/// `StepLR.build_iter_from_epoch`: `begin`, `end` (unless [`INF`]) and `step_size` in
/// iterations, `by_epoch` false.
#[register_module(registry = PARAM_SCHEDULERS, name = "StepLR", constructor = "build_iter_from_epoch")]
pub fn step_lr_iter_from_epoch(
    step_size: u64,
    gamma: Option<f32>,
    begin: Option<u64>,
    end: Option<u64>,
    by_epoch: Option<bool>,
    epoch_length: u64,
) -> Result<StepLR, String> {
    let (begin, end) = iters_from_epochs(begin, end, by_epoch, epoch_length)?;
    Ok(StepLR {
        step_size: step_size.checked_mul(epoch_length).ok_or_else(|| {
            format!("step_size {step_size} of {epoch_length} iterations overflows")
        })?,
        gamma: gamma.unwrap_or_else(tenth),
        begin,
        end,
        by_epoch: false,
    })
}

/// Moves the factor linearly from `start_factor` to `end_factor` over `[begin, end)`: a
/// warm-up.
#[register_module(registry = PARAM_SCHEDULERS)]
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LinearLR {
    /// The factor at `begin`.
    #[serde(default = "third")]
    pub start_factor: f32,
    /// The factor at the last step.
    #[serde(default = "one")]
    pub end_factor: f32,
    /// The first step.
    #[serde(default)]
    pub begin: u64,
    /// The end step.
    #[serde(default = "inf")]
    pub end: u64,
    /// Steps are epochs.
    #[serde(default = "yes")]
    pub by_epoch: bool,
}

fn third() -> f32 {
    1.0 / 3.0
}

fn one() -> f32 {
    1.0
}

impl ParamScheduler for LinearLR {
    step_accessors!();

    fn factor(&self, step: u64) -> f32 {
        progress(step, self.begin, self.end).map_or(1.0, |steps| {
            let total = self.end.saturating_sub(self.begin).saturating_sub(1);
            if total == 0 {
                return self.end_factor;
            }
            let done = steps as f64 / total as f64;
            let start = f64::from(self.start_factor);
            (start + (f64::from(self.end_factor) - start) * done) as f32
        })
    }
}

/// `LinearLR.build_iter_from_epoch`: `begin` and `end` (unless [`INF`]) in iterations,
/// `by_epoch` false.
#[register_module(registry = PARAM_SCHEDULERS, name = "LinearLR", constructor = "build_iter_from_epoch")]
pub fn linear_lr_iter_from_epoch(
    start_factor: Option<f32>,
    end_factor: Option<f32>,
    begin: Option<u64>,
    end: Option<u64>,
    by_epoch: Option<bool>,
    epoch_length: u64,
) -> Result<LinearLR, String> {
    let (begin, end) = iters_from_epochs(begin, end, by_epoch, epoch_length)?;
    Ok(LinearLR {
        start_factor: start_factor.unwrap_or_else(third),
        end_factor: end_factor.unwrap_or_else(one),
        begin,
        end,
        by_epoch: false,
    })
}
