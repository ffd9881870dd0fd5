//! A miniature MMEngine: the 23 root registries of `mmengine/registry/root.py`
//! ([`registry`]), each typed by a small trait, and enough real modules in them to train a
//! model from one JSON config (`examples/framework.rs`).
//!
//! Every registry takes this crate's name, `mmengine`, as its scope (MMEngine's
//! `infer_scope`). The crates `mmalpha` and `mmbeta` hang their own `MODELS` registries
//! below [`MODELS`].
//!
//! | module | registries | registered |
//! |---|---|---|
//! | [`runner`] | `RUNNERS`, `LOOPS` (`RUNNER_CONSTRUCTORS`, `STRATEGIES`) | `Runner`, `CustomRunner`, `EpochBasedTrainLoop` |
//! | [`hooks`] | `HOOKS` | `LoggerHook` |
//! | [`dataset`] | `DATASETS`, `TRANSFORMS`, `DATA_SAMPLERS`, `FUNCTIONS` | `LinearRegressionDataset`, `Normalize`, `DefaultSampler`, `default_collate` |
//! | [`model`] | `MODELS`, `WEIGHT_INITIALIZERS` (`MODEL_WRAPPERS`, `TASK_UTILS`) | `Sequential`, `Linear`, `ReLU`, `RReLU`, `Constant` |
//! | [`optim`] | `OPTIMIZERS`, `OPTIM_WRAPPERS`, `OPTIM_WRAPPER_CONSTRUCTORS` | `SGD`, `OptimWrapper`, `DefaultOptimWrapperConstructor` |
//! | [`scheduler`] | `PARAM_SCHEDULERS` | `StepLR`, `LinearLR`, each with `build_iter_from_epoch` |
//! | [`evaluator`] | `METRICS`, `EVALUATOR` | `MeanSquaredError`, `Evaluator` |
//! | [`visualization`] | `VISUALIZERS`, `VISBACKENDS` | `Visualizer` (managed), `LocalVisBackend` |
//! | [`logging`] | `LOG_PROCESSORS` | `LogProcessor` |
//! | [`infer`] | (`INFERENCERS`) | |
//!
//! ```
//! use serde_json::json;
//!
//! // A list config in MODELS is a Sequential (MMEngine's build_model_from_cfg).
//! let model = mmengine::MODELS
//!     .build(&json!([
//!         {"type": "Linear", "in_features": 2, "out_features": 1, "weight": [[1.0, -1.0]]},
//!         {"type": "ReLU"},
//!     ]))
//!     .unwrap();
//! assert_eq!(model.forward(&[3.0, 1.0]), [2.0]);
//! assert_eq!(model.forward(&[1.0, 3.0]), [0.0]);
//! ```

use registry_core::BuildError;
use serde_json::Value;

pub mod dataset;
pub mod evaluator;
pub mod hooks;
pub mod infer;
pub mod logging;
pub mod model;
pub mod optim;
pub mod registry;
pub mod runner;
pub mod scheduler;
pub mod visualization;

pub use crate::model::Module;
pub use crate::registry::{
    DATASETS, DATA_SAMPLERS, EVALUATOR, FUNCTIONS, HOOKS, INFERENCERS, LOG_PROCESSORS, LOOPS,
    METRICS, MODELS, MODEL_WRAPPERS, OPTIMIZERS, OPTIM_WRAPPERS, OPTIM_WRAPPER_CONSTRUCTORS,
    PARAM_SCHEDULERS, RUNNERS, RUNNER_CONSTRUCTORS, STRATEGIES, TASK_UTILS, TRANSFORMS,
    VISBACKENDS, VISUALIZERS, WEIGHT_INITIALIZERS,
};

/// `error`, placed at the config key `path`.
pub(crate) fn at(path: impl Into<String>, error: BuildError) -> BuildError {
    BuildError::At {
        path: path.into(),
        error: Box::new(error),
    }
}

/// Builds each config of `cfgs` with `build`, stopping at the first error, which is placed
/// at `{key}[index]` when `key` is given.
pub(crate) fn build_each<T>(
    cfgs: &[Value],
    key: Option<&str>,
    build: impl Fn(&Value) -> Result<T, BuildError>,
) -> Result<Vec<T>, BuildError> {
    cfgs.iter()
        .enumerate()
        .map(|(index, cfg)| {
            build(cfg).map_err(|error| match key {
                Some(key) => at(format!("{key}[{index}]"), error),
                None => error,
            })
        })
        .collect()
}
