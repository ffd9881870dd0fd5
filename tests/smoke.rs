use registry_core::{register_module, registry, Registry};
use serde::Deserialize;
use serde_json::json;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
    pub static ALPHA: Registry<dyn Activation> = Registry::new("activation").with_parent(&ACTIVATION).with_scope("mmalpha");
}

#[register_module(registry = ACTIVATION)]
#[derive(Deserialize)]
pub struct ReLU {
    #[serde(default)]
    inplace: bool,
}
impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        let _ = self.inplace;
        x.max(0.0)
    }
}

pub struct ReLU6(f32);
impl Activation for ReLU6 {
    fn forward(&self, x: f32) -> f32 {
        x.clamp(0.0, self.0)
    }
}

#[register_module(registry = ACTIVATION, name = ["relu6", "ReLU6"], force = true)]
pub fn relu6(cap: Option<f32>) -> ReLU6 {
    ReLU6(cap.unwrap_or(6.0))
}

#[register_module(registry = ACTIVATION, scope = "mmalpha")]
#[derive(Deserialize)]
pub struct LogSoftmax {
    dim: Option<i64>,
}
impl Activation for LogSoftmax {
    fn forward(&self, x: f32) -> f32 {
        x + self.dim.unwrap_or(0) as f32
    }
}

#[test]
fn smoke() {
    let relu = ACTIVATION.build(&json!({"type": "ReLU"})).unwrap();
    assert_eq!(relu.forward(-1.0), 0.0);
    let r6 = ACTIVATION
        .build(&json!({"type": "ReLU6", "cap": 3.0}))
        .unwrap();
    assert_eq!(r6.forward(10.0), 3.0);
    assert!(ACTIVATION.get("LogSoftmax").is_none());
    let ls = ACTIVATION
        .build(&json!({"type": "mmalpha.LogSoftmax", "dim": 2}))
        .unwrap();
    assert_eq!(ls.forward(1.0), 3.0);
    let e = ACTIVATION
        .build(&json!({"type": "ReLU", "inplac": true}))
        .err()
        .unwrap();
    println!("{e}");
    println!("{}", ACTIVATION);
    println!(
        "{:#}",
        registry_core::count_registered_modules(None, false).unwrap()
    );
}
