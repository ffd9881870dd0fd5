//! A miniature MMEngine: the root `MODELS` registry and a module registered in it.
//!
//! The registry is declared without a scope, so its scope is this crate's name, `mmengine`
//! (MMEngine's `infer_scope`). The crates `mmalpha` and `mmbeta` hang their own `MODELS`
//! registries below it.

use registry_core::{registry, Registry};

pub mod models;

/// What every model in these examples is: a function of a vector.
pub trait Module: Send + Sync {
    /// Runs the module on `input`.
    fn forward(&self, input: &[f32]) -> Vec<f32>;
}

registry! {
    /// The root registry of models; scope `mmengine`.
    pub static MODELS: Registry<dyn Module> = Registry::new("model");
}
