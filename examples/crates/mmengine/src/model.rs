//! Models (`MODELS`), weight initializers (`WEIGHT_INITIALIZERS`), and the traits of
//! `MODEL_WRAPPERS` and `TASK_UTILS`.
//!
//! A model is a function of a vector with its trainable parameters flattened into one slice,
//! which is all an optimizer needs. A list config in `MODELS` builds a [`Sequential`], as
//! MMEngine's `build_model_from_cfg` wraps a list in `nn.Sequential`.

use std::any::Any;

use registry_core::{register_module, BuildError, SequentialContainer};
use serde::Deserialize;
use serde_json::Value;

use crate::registry::{MODELS, WEIGHT_INITIALIZERS};

pub mod activations;

/// What `MODELS` builds: a function of a vector, with trainable parameters.
pub trait Module: Any + Send + Sync {
    /// Runs the module on `input`.
    fn forward(&self, input: &[f32]) -> Vec<f32>;

    /// The trainable parameters, flattened (none by default).
    fn parameters(&self) -> Vec<f32> {
        Vec::new()
    }

    /// Replaces the parameters with `values`, laid out as [`parameters`](Self::parameters)
    /// returns them. Modules without parameters keep this default, which does nothing.
    fn set_parameters(&mut self, values: &[f32]) {
        let _ = values;
    }
}

/// Modules applied one after another; what a list config in `MODELS` builds. Also
/// registered as `Sequential`, taking `modules`, a list of configs.
pub struct Sequential {
    modules: Vec<Box<dyn Module>>,
}

impl Sequential {
    /// The modules, in order.
    #[must_use]
    pub fn new(modules: Vec<Box<dyn Module>>) -> Self {
        Sequential { modules }
    }

    /// The modules, in the order they run.
    #[must_use]
    pub fn modules(&self) -> &[Box<dyn Module>] {
        &self.modules
    }

    /// The number of modules.
    #[must_use]
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// True when it holds no module (it is then the identity).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }
}

impl Module for Sequential {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        self.modules
            .iter()
            .fold(input.to_vec(), |x, module| module.forward(&x))
    }

    fn parameters(&self) -> Vec<f32> {
        self.modules
            .iter()
            .flat_map(|module| module.parameters())
            .collect()
    }

    fn set_parameters(&mut self, mut values: &[f32]) {
        for module in &mut self.modules {
            let (own, rest) = values.split_at(module.parameters().len().min(values.len()));
            module.set_parameters(own);
            values = rest;
        }
    }
}

impl SequentialContainer for dyn Module {
    fn sequential(modules: Vec<Box<dyn Module>>) -> Box<dyn Module> {
        Box::new(Sequential::new(modules))
    }
}

/// `{"type": "Sequential", "modules": [...]}`: the same as the list config itself.
#[register_module(registry = MODELS, name = "Sequential")]
pub fn sequential(modules: Vec<Value>) -> Result<Box<dyn Module>, BuildError> {
    MODELS.build(&Value::Array(modules))
}

/// A fully connected layer, `y = W x + b`. Missing inputs count as zero; extra ones are
/// ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// The number of inputs.
    pub in_features: usize,
    /// The weights, `out_features` rows of `in_features`, row after row.
    pub weight: Vec<f32>,
    /// One bias per output.
    pub bias: Vec<f32>,
}

impl Module for Linear {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        self.weight
            .chunks(self.in_features.max(1))
            .zip(&self.bias)
            .map(|(row, bias)| row.iter().zip(input).map(|(w, x)| w * x).sum::<f32>() + bias)
            .collect()
    }

    fn parameters(&self) -> Vec<f32> {
        [self.weight.as_slice(), &self.bias].concat()
    }

    fn set_parameters(&mut self, values: &[f32]) {
        let (weight, bias) = values.split_at(self.weight.len().min(values.len()));
        self.weight[..weight.len()].copy_from_slice(weight);
        let bias = &bias[..bias.len().min(self.bias.len())];
        self.bias[..bias.len()].copy_from_slice(bias);
    }
}

/// `Linear`: zeros, then `init_cfg` (a `WEIGHT_INITIALIZERS` config) if given, then the
/// explicit `weight` (`out_features` rows of `in_features`) and `bias` if given.
#[register_module(registry = MODELS, name = "Linear")]
pub fn linear(
    in_features: usize,
    out_features: usize,
    weight: Option<Vec<Vec<f32>>>,
    bias: Option<Vec<f32>>,
    init_cfg: Option<Value>,
) -> Result<Linear, BuildError> {
    let mut layer = Linear {
        in_features,
        weight: vec![0.0; in_features * out_features],
        bias: vec![0.0; out_features],
    };
    if let Some(init_cfg) = init_cfg {
        WEIGHT_INITIALIZERS
            .build(&init_cfg)?
            .init_weights(&mut layer.weight, &mut layer.bias);
    }
    if let Some(weight) = weight {
        if weight.len() != out_features || weight.iter().any(|row| row.len() != in_features) {
            return Err(BuildError::custom(format!(
                "weight must be {out_features} rows of {in_features} values, but got rows of {:?}",
                weight.iter().map(Vec::len).collect::<Vec<_>>()
            )));
        }
        layer.weight = weight.concat();
    }
    if let Some(bias) = bias {
        if bias.len() != out_features {
            return Err(BuildError::custom(format!(
                "bias must be {out_features} values, but got {}",
                bias.len()
            )));
        }
        layer.bias = bias;
    }
    Ok(layer)
}

/// What `WEIGHT_INITIALIZERS` builds: sets a layer's weights and biases.
pub trait BaseInit: Send + Sync {
    /// Initializes `weight` and `bias` in place.
    fn init_weights(&self, weight: &mut [f32], bias: &mut [f32]);
}

/// MMEngine's `ConstantInit`: every weight `val`, every bias `bias`.
#[register_module(registry = WEIGHT_INITIALIZERS, name = "Constant")]
#[derive(Debug, Deserialize)]
pub struct ConstantInit {
    /// The weights' value.
    pub val: f32,
    /// The biases' value.
    #[serde(default)]
    pub bias: f32,
}

impl BaseInit for ConstantInit {
    fn init_weights(&self, weight: &mut [f32], bias: &mut [f32]) {
        weight.fill(self.val);
        bias.fill(self.bias);
    }
}

/// What `MODEL_WRAPPERS` builds: a model behind a wrapper (MMEngine: distributed data
/// parallel), which trains the wrapped module.
pub trait ModelWrapper: Send + Sync {
    /// The wrapped model.
    fn module(&self) -> &dyn Module;
}

/// What `TASK_UTILS` builds: a helper of a task (a box coder, an assigner), here a function
/// of a vector.
pub trait TaskUtil: Send + Sync {
    /// Applies the helper.
    fn apply(&self, input: &[f32]) -> Vec<f32>;
}
