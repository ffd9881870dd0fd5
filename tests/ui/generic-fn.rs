use registry_core::{register_module, registry, Registry};

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

pub struct Scaled(f32);

impl Activation for Scaled {
    fn forward(&self, x: f32) -> f32 {
        x * self.0
    }
}

#[register_module(registry = ACTIVATION)]
pub fn scaled<T: Into<f32>>(factor: T) -> Scaled {
    Scaled(factor.into())
}

fn main() {}
