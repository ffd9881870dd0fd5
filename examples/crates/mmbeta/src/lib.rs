//! Another downstream project, MMBeta: a sibling of MMAlpha below MMEngine, with scope
//! `mmbeta`. It reaches MMAlpha's modules through the `mmalpha.` prefix or `_scope_`.

use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

pub use mmengine::Module;

registry! {
    /// MMBeta's models; misses continue in `mmengine::MODELS`.
    pub static MODELS: Registry<dyn Module> = Registry::new("model")
        .with_parent(&mmengine::MODELS)
        .with_scope("mmbeta");
}

/// `x * sigmoid(beta * x)`.
#[register_module(registry = MODELS)]
#[derive(Debug, Deserialize)]
pub struct Swish {
    #[serde(default = "one")]
    pub beta: f32,
}

fn one() -> f32 {
    1.0
}

impl Module for Swish {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        println!("call Swish.forward");
        input
            .iter()
            .map(|&x| x / (1.0 + (-self.beta * x).exp()))
            .collect()
    }
}

/// QuickGELU, `x * sigmoid(1.702 x)`. Registered from the root registry's side with only a
/// scope: the attribute places it in the node of scope `mmbeta` below `mmengine::MODELS`,
/// which is `MODELS` above.
#[register_module(registry = mmengine::MODELS, scope = "mmbeta", name = "QuickGELU")]
pub fn quick_gelu() -> Swish {
    Swish { beta: 1.702 }
}
