//! Runners (`RUNNERS`), training loops (`LOOPS`), and the traits of `RUNNER_CONSTRUCTORS` and
//! `STRATEGIES`.
//!
//! A runner is built from a whole config: `RUNNERS.build(&cfg)` picks the runner by
//! `runner_type` (default `"Runner"`), which builds every part through its registry, as
//! MMEngine's `Runner.from_cfg` does. Gradients are central differences: the example has no
//! autograd, and its models have a handful of parameters.

use std::any::Any;
use std::collections::BTreeMap;

use registry_core::{register_module, BoxError, BuildError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::dataset::{Batch, DataLoader};
use crate::evaluator::BaseEvaluator;
use crate::hooks::Hook;
use crate::logging::BaseLogProcessor;
use crate::model::Module;
use crate::optim::{build_optim_wrapper, BaseOptimWrapper};
use crate::registry::{
    EVALUATOR, HOOKS, LOG_PROCESSORS, LOOPS, MODELS, PARAM_SCHEDULERS, RUNNERS, VISUALIZERS,
};
use crate::scheduler::ParamScheduler;
use crate::visualization::BaseVisualizer;
use crate::{at, build_each};

/// What `RUNNERS` builds: trains and validates a model.
pub trait BaseRunner: Any + Send + Sync {
    /// The `runner_type` it was built with (`"Runner"` when the config had none).
    fn runner_type(&self) -> &str;

    /// The experiment's name.
    fn experiment_name(&self) -> &str;

    /// The model.
    fn model(&self) -> &dyn Module;

    /// Trains the model with the train loop.
    ///
    /// # Errors
    /// When a part training needs is not configured, or a batch cannot be collated.
    fn train(&mut self) -> Result<TrainReport, BoxError>;

    /// Evaluates the model on the validation data.
    ///
    /// # Errors
    /// When validation is not configured, or a batch cannot be collated.
    fn val(&mut self) -> Result<BTreeMap<String, f32>, BoxError>;

    /// The log lines written so far.
    fn log(&self) -> &[String];
}

/// The arguments of MMEngine's `Runner` that this one takes; every part is a config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunnerConfig {
    /// The registered name of the runner; `build_runner_from_cfg` leaves it in.
    pub runner_type: Option<String>,
    /// The experiment's name (default `"experiment"`); the visualizer's default name.
    pub experiment_name: Option<String>,
    /// A `MODELS` config, or a list of them (a `Sequential`).
    pub model: Value,
    /// `{"batch_size", "dataset", "sampler", "collate_fn"}`.
    pub train_dataloader: Option<Value>,
    /// A `LOOPS` config (type default `EpochBasedTrainLoop`).
    pub train_cfg: Option<Value>,
    /// An `OPTIM_WRAPPERS` config, with an optional `constructor`.
    pub optim_wrapper: Option<Value>,
    /// A `PARAM_SCHEDULERS` config or a list of them; built with `epoch_length` the number
    /// of training batches, for `convert_to_iter_based`.
    pub param_scheduler: Option<Value>,
    /// The validation data, like `train_dataloader`.
    pub val_dataloader: Option<Value>,
    /// An `EVALUATOR` config with `metrics`, or a `METRICS` config or list of them.
    pub val_evaluator: Option<Value>,
    /// `HOOKS` configs.
    #[serde(default)]
    pub custom_hooks: Vec<Value>,
    /// A `LOG_PROCESSORS` config (default `LogProcessor`).
    pub log_processor: Option<Value>,
    /// A `VISUALIZERS` config; its `name` defaults to the experiment's name.
    pub visualizer: Option<Value>,
}

/// What hooks and log processors see of a runner during training.
pub struct RunnerState {
    /// The experiment's name.
    pub experiment_name: String,
    /// The current epoch, from 0.
    pub epoch: u32,
    /// The epochs the train loop runs.
    pub max_epochs: u32,
    /// The current iteration over all epochs, from 0.
    pub iter: u64,
    /// The current batch in the epoch, from 0.
    pub batch_idx: usize,
    /// Batches per epoch.
    pub epoch_length: usize,
    /// The learning rate of the current iteration.
    pub lr: f32,
    /// The loss of every iteration so far.
    pub losses: Vec<f32>,
    /// The log (MMEngine's `runner.logger`).
    pub log: Vec<String>,
    /// Formats log lines.
    pub log_processor: Box<dyn BaseLogProcessor>,
    /// Records scalars, if configured.
    pub visualizer: Option<Box<dyn BaseVisualizer>>,
}

/// One epoch of training.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochLog {
    /// The epoch, from 0.
    pub epoch: u32,
    /// The mean loss of its iterations.
    pub loss: f32,
    /// The learning rate of its last iteration.
    pub lr: f32,
}

/// What `train` did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainReport {
    /// Each epoch, in order.
    pub epochs: Vec<EpochLog>,
    /// The iterations run.
    pub iterations: u64,
    /// Validation metrics, for runners that validate after training.
    pub metrics: BTreeMap<String, f32>,
}

/// MMEngine's `Runner`, built from a [`RunnerConfig`]: `{"runner_type": "Runner", ...}`.
#[register_module(registry = RUNNERS)]
#[derive(Deserialize)]
#[serde(try_from = "RunnerConfig")]
pub struct Runner {
    runner_type: String,
    model: Box<dyn Module>,
    train_dataloader: Option<DataLoader>,
    train_loop: Option<Box<dyn BaseLoop>>,
    optim_wrapper: Option<Box<dyn BaseOptimWrapper>>,
    param_schedulers: Vec<Box<dyn ParamScheduler>>,
    val_dataloader: Option<DataLoader>,
    val_evaluator: Option<Box<dyn BaseEvaluator>>,
    hooks: Vec<Box<dyn Hook>>,
    state: RunnerState,
}

/// A parameter scheduler, with `epoch_length` (when there is training data) for
/// `convert_to_iter_based`.
fn build_scheduler(
    cfg: &Value,
    epoch_length: Option<usize>,
) -> Result<Box<dyn ParamScheduler>, BuildError> {
    match epoch_length {
        Some(epoch_length) => {
            PARAM_SCHEDULERS.build_with(cfg, &json!({"epoch_length": epoch_length}))
        }
        None => PARAM_SCHEDULERS.build(cfg),
    }
}

/// MMEngine's `Runner.build_evaluator`: a config with `metrics` is an `EVALUATOR` config
/// (type default `Evaluator`); anything else is the metrics of an `Evaluator`.
fn build_evaluator(cfg: &Value) -> Result<Box<dyn BaseEvaluator>, BuildError> {
    if cfg.get("metrics").is_some() {
        EVALUATOR.build_with(cfg, &json!({"type": "Evaluator"}))
    } else {
        EVALUATOR.build(&json!({"type": "Evaluator", "metrics": cfg}))
    }
}

/// `cfg`'s part at `key`, built by `build`, with errors placed at `key`.
fn part<T>(
    cfg: Option<&Value>,
    key: &str,
    build: impl FnOnce(&Value) -> Result<T, BuildError>,
) -> Result<Option<T>, BuildError> {
    cfg.map(build).transpose().map_err(|error| at(key, error))
}

impl TryFrom<RunnerConfig> for Runner {
    type Error = BuildError;

    fn try_from(cfg: RunnerConfig) -> Result<Self, BuildError> {
        let experiment_name = cfg
            .experiment_name
            .unwrap_or_else(|| "experiment".to_owned());
        let model = MODELS
            .build(&cfg.model)
            .map_err(|error| at("model", error))?;
        let train_dataloader = part(
            cfg.train_dataloader.as_ref(),
            "train_dataloader",
            DataLoader::from_cfg,
        )?;
        let train_loop = part(cfg.train_cfg.as_ref(), "train_cfg", |cfg| {
            LOOPS.build_with(cfg, &json!({"type": "EpochBasedTrainLoop"}))
        })?;
        let optim_wrapper = part(cfg.optim_wrapper.as_ref(), "optim_wrapper", |cfg| {
            build_optim_wrapper(model.as_ref(), cfg)
        })?;
        let epoch_length = train_dataloader.as_ref().map(DataLoader::len);
        let param_schedulers =
            match &cfg.param_scheduler {
                None => Vec::new(),
                Some(Value::Array(cfgs)) => build_each(cfgs, Some("param_scheduler"), |cfg| {
                    build_scheduler(cfg, epoch_length)
                })?,
                Some(cfg) => vec![build_scheduler(cfg, epoch_length)
                    .map_err(|error| at("param_scheduler", error))?],
            };
        let val_dataloader = part(
            cfg.val_dataloader.as_ref(),
            "val_dataloader",
            DataLoader::from_cfg,
        )?;
        let val_evaluator = part(cfg.val_evaluator.as_ref(), "val_evaluator", build_evaluator)?;
        let hooks = build_each(&cfg.custom_hooks, Some("custom_hooks"), |cfg| {
            HOOKS.build(cfg)
        })?;
        let default_log_processor = json!({"type": "LogProcessor"});
        let log_processor = LOG_PROCESSORS
            .build(cfg.log_processor.as_ref().unwrap_or(&default_log_processor))
            .map_err(|error| at("log_processor", error))?;
        let visualizer = part(cfg.visualizer.as_ref(), "visualizer", |cfg| {
            VISUALIZERS.build_with(cfg, &json!({"name": experiment_name}))
        })?;
        Ok(Runner {
            runner_type: cfg.runner_type.unwrap_or_else(|| "Runner".to_owned()),
            model,
            train_dataloader,
            train_loop,
            optim_wrapper,
            param_schedulers,
            val_dataloader,
            val_evaluator,
            hooks,
            state: RunnerState {
                experiment_name,
                epoch: 0,
                max_epochs: 0,
                iter: 0,
                batch_idx: 0,
                epoch_length: epoch_length.unwrap_or(0),
                lr: 0.0,
                losses: Vec::new(),
                log: Vec::new(),
                log_processor,
                visualizer,
            },
        })
    }
}

/// The learning rate at an iteration: the base rate times every scheduler's factor at its
/// step (the epoch or the iteration).
fn scheduled_lr(
    schedulers: &[Box<dyn ParamScheduler>],
    base_lr: f32,
    epoch: u32,
    iter: u64,
) -> f32 {
    schedulers.iter().fold(base_lr, |lr, scheduler| {
        let step = if scheduler.by_epoch() {
            u64::from(epoch)
        } else {
            iter
        };
        lr * scheduler.factor(step)
    })
}

/// The mean squared error of `model` on `batch`.
fn batch_loss(model: &dyn Module, batch: &Batch) -> f32 {
    let (sum, count) = batch
        .inputs
        .iter()
        .zip(&batch.targets)
        .flat_map(|(inputs, target)| {
            let outputs = model.forward(inputs);
            target
                .iter()
                .zip(outputs)
                .map(|(t, y)| (y - t) * (y - t))
                .collect::<Vec<_>>()
        })
        .fold((0.0, 0_u32), |(sum, count), error| (sum + error, count + 1));
    if count == 0 {
        0.0
    } else {
        sum / count as f32
    }
}

/// The loss at `params` and its gradient, by central differences.
fn loss_and_gradient(model: &mut dyn Module, params: &[f32], batch: &Batch) -> (f32, Vec<f32>) {
    const H: f32 = 1e-3;
    let mut probe = params.to_vec();
    let mut grads = Vec::with_capacity(params.len());
    for index in 0..params.len() {
        probe[index] = params[index] + H;
        model.set_parameters(&probe);
        let above = batch_loss(model, batch);
        probe[index] = params[index] - H;
        model.set_parameters(&probe);
        let below = batch_loss(model, batch);
        probe[index] = params[index];
        grads.push((above - below) / (2.0 * H));
    }
    model.set_parameters(params);
    (batch_loss(model, batch), grads)
}

impl BaseRunner for Runner {
    fn runner_type(&self) -> &str {
        &self.runner_type
    }

    fn experiment_name(&self) -> &str {
        &self.state.experiment_name
    }

    fn model(&self) -> &dyn Module {
        self.model.as_ref()
    }

    fn train(&mut self) -> Result<TrainReport, BoxError> {
        let Runner {
            model,
            train_dataloader,
            train_loop,
            optim_wrapper,
            param_schedulers,
            hooks,
            state,
            ..
        } = self;
        let (Some(loader), Some(train_loop), Some(optim_wrapper)) =
            (train_dataloader, train_loop, optim_wrapper)
        else {
            return Err(
                "`train_dataloader`, `train_cfg` and `optim_wrapper` should all be set \
                        when calling train"
                    .into(),
            );
        };
        let base_lr = optim_wrapper.lr();
        state.max_epochs = train_loop.max_epochs();
        let mut report = TrainReport::default();
        for hook in hooks.iter_mut() {
            hook.before_train(state);
        }
        train_loop.run(&mut |epoch| {
            state.epoch = epoch;
            let mut losses = Vec::new();
            for (batch_idx, batch) in loader.batches(epoch)?.iter().enumerate() {
                let lr = scheduled_lr(param_schedulers, base_lr, epoch, state.iter);
                optim_wrapper.set_lr(lr);
                let mut params = model.parameters();
                let (loss, grads) = loss_and_gradient(model.as_mut(), &params, batch);
                optim_wrapper.update_params(&mut params, &grads);
                model.set_parameters(&params);
                (state.batch_idx, state.lr) = (batch_idx, lr);
                state.losses.push(loss);
                losses.push(loss);
                for hook in hooks.iter_mut() {
                    hook.after_train_iter(state);
                }
                state.iter += 1;
            }
            for hook in hooks.iter_mut() {
                hook.after_train_epoch(state);
            }
            let loss = losses.iter().sum::<f32>() / losses.len().max(1) as f32;
            report.epochs.push(EpochLog {
                epoch,
                loss,
                lr: state.lr,
            });
            Ok(())
        })?;
        report.iterations = state.iter;
        Ok(report)
    }

    fn val(&mut self) -> Result<BTreeMap<String, f32>, BoxError> {
        let (Some(loader), Some(evaluator)) = (&self.val_dataloader, &mut self.val_evaluator)
        else {
            return Err(
                "`val_dataloader` and `val_evaluator` should both be set when calling val".into(),
            );
        };
        for batch in loader.batches(0)? {
            let predictions: Vec<Vec<f32>> =
                batch.inputs.iter().map(|x| self.model.forward(x)).collect();
            evaluator.process(&predictions, &batch.targets);
        }
        Ok(evaluator.evaluate())
    }

    fn log(&self) -> &[String] {
        &self.state.log
    }
}

/// A runner that validates after training and reports the metrics with the training:
/// `{"runner_type": "CustomRunner", ...}` with the same keys as `Runner`.
#[register_module(registry = RUNNERS)]
#[derive(Deserialize)]
#[serde(try_from = "RunnerConfig")]
pub struct CustomRunner {
    runner: Runner,
}

impl TryFrom<RunnerConfig> for CustomRunner {
    type Error = BuildError;

    fn try_from(cfg: RunnerConfig) -> Result<Self, BuildError> {
        Runner::try_from(cfg).map(|runner| CustomRunner { runner })
    }
}

impl BaseRunner for CustomRunner {
    fn runner_type(&self) -> &str {
        self.runner.runner_type()
    }

    fn experiment_name(&self) -> &str {
        self.runner.experiment_name()
    }

    fn model(&self) -> &dyn Module {
        self.runner.model()
    }

    fn train(&mut self) -> Result<TrainReport, BoxError> {
        let mut report = self.runner.train()?;
        report.metrics = self.runner.val()?;
        Ok(report)
    }

    fn val(&mut self) -> Result<BTreeMap<String, f32>, BoxError> {
        self.runner.val()
    }

    fn log(&self) -> &[String] {
        self.runner.log()
    }
}

/// What `LOOPS` builds: which epochs training runs.
pub trait BaseLoop: Send + Sync {
    /// The number of epochs.
    fn max_epochs(&self) -> u32;

    /// Calls `run_epoch` with each epoch in order, stopping at the first error.
    ///
    /// # Errors
    /// `run_epoch`'s.
    fn run(&self, run_epoch: &mut dyn FnMut(u32) -> Result<(), BoxError>) -> Result<(), BoxError>;
}

/// MMEngine's `EpochBasedTrainLoop`: `max_epochs` epochs.
#[register_module(registry = LOOPS)]
#[derive(Debug, Deserialize)]
pub struct EpochBasedTrainLoop {
    /// The number of epochs.
    pub max_epochs: u32,
}

impl BaseLoop for EpochBasedTrainLoop {
    fn max_epochs(&self) -> u32 {
        self.max_epochs
    }

    fn run(&self, run_epoch: &mut dyn FnMut(u32) -> Result<(), BoxError>) -> Result<(), BoxError> {
        (0..self.max_epochs).try_for_each(run_epoch)
    }
}

/// What `RUNNER_CONSTRUCTORS` builds: makes a runner from a config.
pub trait RunnerConstructor: Send + Sync {
    /// The runner of `cfg`.
    ///
    /// # Errors
    /// When the runner cannot be built.
    fn build_runner(&self, cfg: &Value) -> Result<Box<dyn BaseRunner>, BuildError>;
}

/// What `STRATEGIES` builds: how a model is spread over devices.
pub trait BaseStrategy: Send + Sync {
    /// The number of processes taking part.
    fn world_size(&self) -> usize;
}
