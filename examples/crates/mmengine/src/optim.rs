//! Optimization: optimizers (`OPTIMIZERS`), optimizer wrappers (`OPTIM_WRAPPERS`) and their
//! constructors (`OPTIM_WRAPPER_CONSTRUCTORS`).

use registry_core::{register_module, BuildError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::Module;
use crate::registry::{OPTIMIZERS, OPTIM_WRAPPERS, OPTIM_WRAPPER_CONSTRUCTORS};

/// What `OPTIMIZERS` builds: updates parameters from their gradients.
pub trait Optimizer: Send + Sync {
    /// The learning rate.
    fn lr(&self) -> f32;

    /// Sets the learning rate (what a parameter scheduler does).
    fn set_lr(&mut self, lr: f32);

    /// One update of `params` from `grads` (same length).
    fn step(&mut self, params: &mut [f32], grads: &[f32]);
}

/// Stochastic gradient descent with momentum and weight decay, PyTorch's `SGD`:
/// `d = g + weight_decay * p`; `buf = momentum * buf + d`; `p -= lr * buf`.
#[register_module(registry = OPTIMIZERS, name = "SGD")]
#[derive(Debug, Deserialize)]
pub struct Sgd {
    /// The learning rate.
    pub lr: f32,
    /// The momentum factor (0: none).
    #[serde(default)]
    pub momentum: f32,
    /// The L2 penalty.
    #[serde(default)]
    pub weight_decay: f32,
    #[serde(skip)]
    buffer: Vec<f32>,
}

impl Optimizer for Sgd {
    fn lr(&self) -> f32 {
        self.lr
    }

    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }

    fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.buffer.resize(params.len(), 0.0);
        for ((param, grad), buffer) in params.iter_mut().zip(grads).zip(&mut self.buffer) {
            let mut update = grad + self.weight_decay * *param;
            if self.momentum != 0.0 {
                *buffer = self.momentum * *buffer + update;
                update = *buffer;
            }
            *param -= self.lr * update;
        }
    }
}

/// What `OPTIM_WRAPPERS` builds: an optimizer with what happens around its step.
pub trait BaseOptimWrapper: Send + Sync {
    /// Updates `params` from `grads`.
    fn update_params(&mut self, params: &mut [f32], grads: &[f32]);

    /// The optimizer's learning rate.
    fn lr(&self) -> f32;

    /// Sets the optimizer's learning rate.
    fn set_lr(&mut self, lr: f32);
}

/// Gradient clipping by global norm: `{"max_norm": 1.0}`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipGrad {
    /// The largest L2 norm the gradients may have.
    pub max_norm: f32,
}

/// MMEngine's `OptimWrapper`: an optimizer, with gradients clipped first if `clip_grad`.
pub struct OptimWrapper {
    optimizer: Box<dyn Optimizer>,
    clip_grad: Option<ClipGrad>,
}

/// `OptimWrapper`; `optimizer` is an `OPTIMIZERS` config.
#[register_module(registry = OPTIM_WRAPPERS, name = "OptimWrapper")]
pub fn optim_wrapper(
    optimizer: Value,
    clip_grad: Option<ClipGrad>,
) -> Result<OptimWrapper, BuildError> {
    Ok(OptimWrapper {
        optimizer: OPTIMIZERS.build(&optimizer)?,
        clip_grad,
    })
}

impl BaseOptimWrapper for OptimWrapper {
    fn update_params(&mut self, params: &mut [f32], grads: &[f32]) {
        let norm = grads.iter().map(|g| g * g).sum::<f32>().sqrt();
        match self.clip_grad {
            Some(ClipGrad { max_norm }) if norm > max_norm => {
                let scale = max_norm / norm;
                let clipped: Vec<f32> = grads.iter().map(|g| g * scale).collect();
                self.optimizer.step(params, &clipped);
            }
            _ => self.optimizer.step(params, grads),
        }
    }

    fn lr(&self) -> f32 {
        self.optimizer.lr()
    }

    fn set_lr(&mut self, lr: f32) {
        self.optimizer.set_lr(lr);
    }
}

/// What `OPTIM_WRAPPER_CONSTRUCTORS` builds: makes the optimizer wrapper of a model.
pub trait OptimWrapperConstructor: Send + Sync {
    /// The optimizer wrapper for `model`.
    ///
    /// # Errors
    /// When the wrapper cannot be built for this model.
    fn build(&self, model: &dyn Module) -> Result<Box<dyn BaseOptimWrapper>, BuildError>;
}

/// MMEngine's `DefaultOptimWrapperConstructor`: builds `optim_wrapper_cfg` (type default
/// `OptimWrapper`) for a model that has parameters.
#[register_module(registry = OPTIM_WRAPPER_CONSTRUCTORS)]
#[derive(Debug, Deserialize)]
pub struct DefaultOptimWrapperConstructor {
    /// The optimizer wrapper's config.
    pub optim_wrapper_cfg: Value,
}

impl OptimWrapperConstructor for DefaultOptimWrapperConstructor {
    fn build(&self, model: &dyn Module) -> Result<Box<dyn BaseOptimWrapper>, BuildError> {
        if model.parameters().is_empty() {
            return Err(BuildError::custom("optimizer got an empty parameter list"));
        }
        OPTIM_WRAPPERS.build_with(&self.optim_wrapper_cfg, &json!({"type": "OptimWrapper"}))
    }
}

/// MMEngine's `build_optim_wrapper(model, cfg)`: the constructor named by `cfg`'s
/// `constructor` key (default `DefaultOptimWrapperConstructor`) builds the rest of `cfg`.
///
/// # Errors
/// The constructor's or the wrapper's build error.
pub fn build_optim_wrapper(
    model: &dyn Module,
    cfg: &Value,
) -> Result<Box<dyn BaseOptimWrapper>, BuildError> {
    let mut cfg = cfg.clone();
    let constructor = cfg
        .as_object_mut()
        .and_then(|cfg| cfg.remove("constructor"))
        .unwrap_or_else(|| json!("DefaultOptimWrapperConstructor"));
    OPTIM_WRAPPER_CONSTRUCTORS
        .build(&json!({"type": constructor, "optim_wrapper_cfg": cfg}))?
        .build(model)
}
