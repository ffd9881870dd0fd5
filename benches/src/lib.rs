//! The registry tree the benchmarks share, shaped like the one MMEngine's baseline
//! (`shared/bench/mmengine_bench.py`) measures:
//!
//! ```text
//!                       MODELS (scope "bench"): ResNet, Upsample
//!          _______________|_______________________
//!         |                    |                  |
//!   ALPHA (mmalpha)      BETA (mmbeta)       CHAIN_1 (c1) -> CHAIN_2 -> ... -> CHAIN_5 (c5)
//!    LogSoftmax
//! ```
//!
//! `ResNet` is the two-field struct every `build` bench builds; its fields sort before
//! `type`, so a `serde_json::Value` (a sorted map by default) holds `type` last. `Upsample`
//! is the same shape with fields that sort after `type`, so `type` comes first.
//! `CHAIN_5.get("ResNet")` is a hit five parents up.

use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

/// What every benchmarked registry builds.
pub trait Model: Send + Sync {
    /// A number that depends on the built fields, so building cannot be optimized away.
    fn forward(&self, x: u32) -> u32;
}

registry! {
    /// The root; `build` and `get` benches run here.
    pub static MODELS: Registry<dyn Model> = Registry::new("model").with_scope("bench");
    /// A child holding `LogSoftmax`, for scoped keys, `_scope_` and default scopes.
    pub static ALPHA: Registry<dyn Model> =
        Registry::new("model").with_parent(&MODELS).with_scope("mmalpha");
    /// A sibling of `ALPHA` with no entries of its own.
    pub static BETA: Registry<dyn Model> =
        Registry::new("model").with_parent(&MODELS).with_scope("mmbeta");
    /// First link of a chain of five registries below `MODELS`.
    pub static CHAIN_1: Registry<dyn Model> =
        Registry::new("model").with_parent(&MODELS).with_scope("c1");
    /// Second link.
    pub static CHAIN_2: Registry<dyn Model> =
        Registry::new("model").with_parent(&CHAIN_1).with_scope("c2");
    /// Third link.
    pub static CHAIN_3: Registry<dyn Model> =
        Registry::new("model").with_parent(&CHAIN_2).with_scope("c3");
    /// Fourth link.
    pub static CHAIN_4: Registry<dyn Model> =
        Registry::new("model").with_parent(&CHAIN_3).with_scope("c4");
    /// Fifth link: `MODELS` is five parents up.
    pub static CHAIN_5: Registry<dyn Model> =
        Registry::new("model").with_parent(&CHAIN_4).with_scope("c5");
}

/// The two-field struct of the `build` benches (MMEngine's baseline builds
/// `ResNet(depth=50)`).
#[register_module(registry = MODELS)]
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct ResNet {
    /// Number of layers.
    pub depth: u32,
    /// Number of stages.
    pub stages: u32,
}

impl Model for ResNet {
    fn forward(&self, x: u32) -> u32 {
        x.wrapping_mul(self.depth).wrapping_add(self.stages)
    }
}

/// `ResNet`'s shape with fields named to sort after `type`.
#[register_module(registry = MODELS)]
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct Upsample {
    /// Output width.
    pub width: u32,
    /// Scale factor.
    pub zoom: u32,
}

impl Model for Upsample {
    fn forward(&self, x: u32) -> u32 {
        x.wrapping_mul(self.zoom).wrapping_add(self.width)
    }
}

/// MMEngine's baseline `LogSoftmax(dim=-1)`, registered in the `mmalpha` scope.
#[register_module(registry = ALPHA)]
#[derive(Debug, Deserialize)]
pub struct LogSoftmax {
    /// The dimension; `None` means the last one.
    pub dim: Option<i64>,
}

impl Model for LogSoftmax {
    fn forward(&self, x: u32) -> u32 {
        x.wrapping_add(u32::from(self.dim.is_some()))
    }
}

/// The config texts of the end-to-end benches: `ResNet` with `type` first and last.
pub const RESNET_TEXT_TYPE_FIRST: &str = r#"{"type": "ResNet", "depth": 50, "stages": 4}"#;
/// See [`RESNET_TEXT_TYPE_FIRST`].
pub const RESNET_TEXT_TYPE_LAST: &str = r#"{"depth": 50, "stages": 4, "type": "ResNet"}"#;
