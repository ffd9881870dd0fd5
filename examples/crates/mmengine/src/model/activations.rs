//! Activations registered in the root `MODELS` registry.

use registry_core::register_module;
use serde::Deserialize;

use crate::model::Module;
use crate::registry::MODELS;

/// `max(x, 0)`.
#[register_module(registry = MODELS)]
#[derive(Debug, Deserialize)]
pub struct ReLU {
    /// Accepted for PyTorch's signature; outputs are new vectors either way.
    #[serde(default)]
    pub inplace: bool,
}

impl Module for ReLU {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        input.iter().map(|x| x.max(0.0)).collect()
    }
}

/// Randomized leaky ReLU, evaluated as in inference: negative inputs are scaled by the mean
/// of `lower` and `upper`.
#[register_module(registry = MODELS)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RReLU {
    #[serde(default = "default_lower")]
    pub lower: f32,
    #[serde(default = "default_upper")]
    pub upper: f32,
    #[serde(default)]
    pub inplace: bool,
}

fn default_lower() -> f32 {
    0.125
}

fn default_upper() -> f32 {
    0.333
}

impl Module for RReLU {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        println!("call RReLU.forward");
        let slope = (self.lower + self.upper) / 2.0;
        input
            .iter()
            .map(|&x| if x < 0.0 { x * slope } else { x })
            .collect()
    }
}
