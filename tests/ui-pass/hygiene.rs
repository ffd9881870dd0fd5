//! The expansion names everything by absolute path and keeps its helpers to itself, so user
//! items that shadow prelude names change nothing, and it works in a module without the
//! prelude.

use registry_core::{register_module, registry, Registry};
use serde::Deserialize;
use ::serde_json::json;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

// Shadows of what the expansion uses.
#[allow(dead_code)]
struct Box;
#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
enum Never {
    Ok,
    Err,
    Some,
    None,
}
#[allow(unused_imports)]
use Never::{Err, None, Ok, Some};
type Result<T> = std::result::Result<T, std::io::Error>;
#[allow(dead_code)]
fn line() {}
#[allow(dead_code)]
fn concat() {}
#[allow(dead_code)]
struct __Params;
#[allow(dead_code)]
mod inventory {}
#[allow(dead_code)]
mod serde_json {}

pub struct Scale(f32);

impl Activation for Scale {
    fn forward(&self, x: f32) -> f32 {
        x * self.0
    }
}

#[register_module(registry = ACTIVATION)]
#[derive(Deserialize)]
pub struct Identity {}

impl Activation for Identity {
    fn forward(&self, x: f32) -> f32 {
        x
    }
}

/// A user `Result` alias with one parameter; parameters named like the generated locals.
#[register_module(registry = ACTIVATION)]
pub fn scale(__args: f32, __built: std::option::Option<f32>) -> Result<std::boxed::Box<Scale>> {
    std::result::Result::Ok(std::boxed::Box::new(Scale(__args * __built.unwrap_or(1.0))))
}

mod bare {
    #![no_implicit_prelude]

    use ::registry_core::register_module;
    use ::serde::Deserialize;

    pub struct Double;

    impl crate::Activation for Double {
        fn forward(&self, x: f32) -> f32 {
            x * 2.0
        }
    }

    #[register_module(registry = crate::ACTIVATION, name = ["Double", "double"])]
    pub fn double() -> Double {
        Double
    }

    #[register_module(registry = crate::ACTIVATION, scope = "bare", force = true)]
    #[derive(Deserialize)]
    pub struct Negate {
        pub factor: ::std::option::Option<f32>,
    }

    impl crate::Activation for Negate {
        fn forward(&self, x: f32) -> f32 {
            -x * self.factor.unwrap_or(1.0)
        }
    }
}

fn build(cfg: &::serde_json::Value) -> std::boxed::Box<dyn Activation> {
    ACTIVATION.build(cfg).unwrap()
}

fn main() {
    assert_eq!(build(&json!({"type": "Identity"})).forward(3.0), 3.0);
    let scaled = build(&json!({"type": "scale", "__args": 2.0, "__built": 3.0}));
    assert_eq!(scaled.forward(1.0), 6.0);
    assert_eq!(build(&json!({"type": "double"})).forward(1.0), 2.0);
    let negate = build(&json!({"type": "bare.Negate", "factor": 2.0}));
    assert_eq!(negate.forward(1.0), -2.0);
}
