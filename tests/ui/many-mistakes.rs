use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

#[register_module(registy = ACTIVATION, name = ["", 5], force = 1, scope = "a.b", force = true)]
#[derive(Deserialize)]
pub struct ReLU;

impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        x.max(0.0)
    }
}

fn main() {}
