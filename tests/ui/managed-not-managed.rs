use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

// `managed` needs the struct to implement `registry_core::Managed`.
#[register_module(registry = ACTIVATION, managed)]
#[derive(Deserialize)]
pub struct Visualizer {
    name: String,
}

impl Activation for std::sync::Arc<Visualizer> {
    fn forward(&self, x: f32) -> f32 {
        let _ = &self.name;
        x
    }
}

fn main() {}
