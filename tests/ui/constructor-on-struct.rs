use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

#[register_module(registry = ACTIVATION, constructor = "from_epochs")]
#[derive(Deserialize)]
pub struct ReLU;

impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        x.max(0.0)
    }
}

fn main() {}
