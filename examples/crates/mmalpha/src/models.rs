//! MMAlpha's modules.

use registry_core::register_module;
use serde::Deserialize;

use crate::Module;

/// Log-softmax over the whole input (`dim` is accepted for MMEngine's signature; inputs here
/// are vectors, so only `None`, `0` and `-1` are meaningful).
#[register_module(registry = crate::MODELS)]
#[derive(Debug, Deserialize)]
pub struct LogSoftmax {
    pub dim: Option<i64>,
}

impl Module for LogSoftmax {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        println!("call LogSoftmax.forward");
        let max = input.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let log_sum = input.iter().map(|x| (x - max).exp()).sum::<f32>().ln() + max;
        input.iter().map(|x| x - log_sum).collect()
    }
}
