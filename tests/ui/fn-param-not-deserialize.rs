use registry_core::{register_module, registry, Registry};

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

pub struct Cap(f32);

pub struct ReLU6(f32);

impl Activation for ReLU6 {
    fn forward(&self, x: f32) -> f32 {
        x.min(self.0)
    }
}

#[register_module(registry = ACTIVATION)]
pub fn relu6(cap: Cap, scale: Option<f32>) -> ReLU6 {
    ReLU6(cap.0 * scale.unwrap_or(1.0))
}

fn main() {}
