use registry_core::{register_module, registry, Registry};

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

pub struct ReLU6(f32);

impl Activation for ReLU6 {
    fn forward(&self, x: f32) -> f32 {
        x.min(self.0)
    }
}

impl ReLU6 {
    #[register_module(registry = ACTIVATION)]
    pub fn new(cap: f32) -> Self {
        ReLU6(cap)
    }
}

fn main() {}
