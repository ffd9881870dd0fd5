//! The root registries, MMEngine's `mmengine/registry/root.py`: 23 registries under MMEngine's
//! attribute and registry names, none with a parent or `locations`. None sets a scope, so
//! each takes this crate's name, `mmengine` (MMEngine's `infer_scope`).
//!
//! The build function is `build_from_cfg` except for [`RUNNERS`] (`build_runner_from_cfg`:
//! the runner is chosen by `runner_type`), [`MODELS`] (`build_model_from_cfg`: a list config
//! is a [`Sequential`](crate::model::Sequential)) and [`PARAM_SCHEDULERS`]
//! (`build_scheduler_from_cfg`: `convert_to_iter_based`). MMEngine's `OPTIMIZERS` uses
//! `build_optimizer_from_cfg`, which only adds a note about Adafactor on torch >= 2.5; here
//! it is the default.

use registry_core::{
    build_model_from_cfg, build_runner_from_cfg, build_scheduler_from_cfg, registry, Registry,
};

use crate::dataset::{BaseTransform, CollateFn, Dataset, Sampler};
use crate::evaluator::{BaseEvaluator, BaseMetric};
use crate::hooks::Hook;
use crate::infer::BaseInferencer;
use crate::logging::BaseLogProcessor;
use crate::model::{BaseInit, ModelWrapper, Module, TaskUtil};
use crate::optim::{BaseOptimWrapper, OptimWrapperConstructor, Optimizer};
use crate::runner::{BaseLoop, BaseRunner, BaseStrategy, RunnerConstructor};
use crate::scheduler::ParamScheduler;
use crate::visualization::{BaseVisBackend, BaseVisualizer};

registry! {
    /// Runners, chosen by the config's `runner_type` (default `"Runner"`).
    pub static RUNNERS: Registry<dyn BaseRunner> =
        Registry::new("runner").with_build_func(build_runner_from_cfg);
    /// Builders of runners.
    pub static RUNNER_CONSTRUCTORS: Registry<dyn RunnerConstructor> =
        Registry::new("runner constructor");
    /// Training loops.
    pub static LOOPS: Registry<dyn BaseLoop> = Registry::new("loop");
    /// Hooks called at points of the training loop.
    pub static HOOKS: Registry<dyn Hook> = Registry::new("hook");
    /// Strategies: how a model is placed on devices.
    pub static STRATEGIES: Registry<dyn BaseStrategy> = Registry::new("strategy");

    /// Datasets.
    pub static DATASETS: Registry<dyn Dataset> = Registry::new("dataset");
    /// Orders in which a data loader visits a dataset.
    pub static DATA_SAMPLERS: Registry<dyn Sampler> = Registry::new("data sampler");
    /// Steps of a dataset's pipeline.
    pub static TRANSFORMS: Registry<dyn BaseTransform> = Registry::new("transform");

    /// Models and layers; a list config builds a `Sequential`.
    pub static MODELS: Registry<dyn Module> =
        Registry::new("model").with_build_func(build_model_from_cfg);
    /// Wrappers of a model (MMEngine: distributed data parallel and friends).
    pub static MODEL_WRAPPERS: Registry<dyn ModelWrapper> = Registry::new("model_wrapper");
    /// Weight initializers, used by a layer's `init_cfg`.
    pub static WEIGHT_INITIALIZERS: Registry<dyn BaseInit> =
        Registry::new("weight initializer");

    /// Optimizers.
    pub static OPTIMIZERS: Registry<dyn Optimizer> = Registry::new("optimizer");
    /// Optimizer wrappers: an optimizer plus gradient clipping.
    pub static OPTIM_WRAPPERS: Registry<dyn BaseOptimWrapper> = Registry::new("optim_wrapper");
    /// Builders of optimizer wrappers for a model.
    pub static OPTIM_WRAPPER_CONSTRUCTORS: Registry<dyn OptimWrapperConstructor> =
        Registry::new("optimizer wrapper constructor");
    /// Parameter (learning rate) schedulers; `convert_to_iter_based` converts epochs to
    /// iterations with each scheduler's `build_iter_from_epoch`.
    pub static PARAM_SCHEDULERS: Registry<dyn ParamScheduler> =
        Registry::new("parameter scheduler").with_build_func(build_scheduler_from_cfg);

    /// Metrics.
    pub static METRICS: Registry<dyn BaseMetric> = Registry::new("metric");
    /// Evaluators: a set of metrics run together.
    pub static EVALUATOR: Registry<dyn BaseEvaluator> = Registry::new("evaluator");
    /// Helpers of a task (MMDetection's assigners, samplers, box coders).
    pub static TASK_UTILS: Registry<dyn TaskUtil> = Registry::new("task util");

    /// Visualizers; `Visualizer` is managed: one instance per `name`.
    pub static VISUALIZERS: Registry<dyn BaseVisualizer> = Registry::new("visualizer");
    /// Where a visualizer writes.
    pub static VISBACKENDS: Registry<dyn BaseVisBackend> = Registry::new("vis_backend");

    /// Turn the training state into log lines.
    pub static LOG_PROCESSORS: Registry<dyn BaseLogProcessor> = Registry::new("log_processor");
    /// Inferencers: a model behind a simple call.
    pub static INFERENCERS: Registry<dyn BaseInferencer> = Registry::new("inferencer");
    /// Functions; in MMEngine, mostly collate functions, as here.
    pub static FUNCTIONS: Registry<dyn CollateFn> = Registry::new("function");
}
