//! A downstream project, MMAlpha: its `MODELS` registry is a child of MMEngine's, with scope
//! `mmalpha`, and expects its modules from `mmalpha::models`.

use registry_core::{registry, Registry};

pub use mmengine::Module;

pub mod models;

registry! {
    /// MMAlpha's models; misses continue in `mmengine::MODELS`.
    pub static MODELS: Registry<dyn Module> = Registry::new("model")
        .with_parent(&mmengine::MODELS)
        .with_scope("mmalpha")
        .with_locations(&["mmalpha::models"]);
}
