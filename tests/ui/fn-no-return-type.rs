use registry_core::{register_module, registry, Registry};

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

#[register_module(registry = ACTIVATION)]
pub fn relu(inplace: bool) {
    let _ = inplace;
}

fn main() {}
