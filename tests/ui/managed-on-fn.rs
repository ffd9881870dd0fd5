use registry_core::{register_module, registry, Registry};

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

pub struct ReLU;

impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        x.max(0.0)
    }
}

#[register_module(registry = ACTIVATION, managed)]
pub fn relu() -> ReLU {
    ReLU
}

fn main() {}
