//! `nested`: a three-level nested config (detector → backbone → stem, each a `Built` field
//! from its own registry) against the same structs deserialized directly, each level boxed.
//!
//! `cargo bench -p registry-bench --bench nested`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use registry_core::{register_module, registry, Built, Registry};
use serde::Deserialize;
use serde_json::json;

pub trait Detector: Send + Sync {
    fn channels(&self) -> u32;
}
pub trait Backbone: Send + Sync {
    fn channels(&self) -> u32;
}
pub trait Stem: Send + Sync {
    fn channels(&self) -> u32;
}

registry! {
    static DETECTORS: Registry<dyn Detector> = Registry::new("detector").with_scope("bench");
    static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone").with_scope("bench");
    static STEMS: Registry<dyn Stem> = Registry::new("stem").with_scope("bench");
}

#[register_module(registry = DETECTORS)]
#[derive(Deserialize)]
struct TwoStage {
    backbone: Built<dyn Backbone>,
    num_classes: u32,
}
impl Detector for TwoStage {
    fn channels(&self) -> u32 {
        self.backbone.channels() + self.num_classes
    }
}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize)]
struct ResNet {
    stem: Built<dyn Stem>,
    depth: u32,
}
impl Backbone for ResNet {
    fn channels(&self) -> u32 {
        self.stem.channels() + self.depth
    }
}

#[register_module(registry = STEMS)]
#[derive(Deserialize)]
struct Conv {
    channels: u32,
    kernel: u32,
}
impl Stem for Conv {
    fn channels(&self) -> u32 {
        self.channels + self.kernel
    }
}

/// The floor: the same shape deserialized by serde alone, each level boxed.
#[derive(Deserialize)]
struct DirectTwoStage {
    backbone: Box<DirectResNet>,
    num_classes: u32,
}
#[derive(Deserialize)]
struct DirectResNet {
    stem: Box<DirectConv>,
    depth: u32,
}
#[derive(Deserialize)]
struct DirectConv {
    channels: u32,
    kernel: u32,
}
impl Detector for DirectTwoStage {
    fn channels(&self) -> u32 {
        self.backbone.stem.channels
            + self.backbone.stem.kernel
            + self.backbone.depth
            + self.num_classes
    }
}

fn nested(c: &mut Criterion) {
    // `type` last at every level (serde_json's default map is sorted).
    let cfg = json!({
        "type": "TwoStage",
        "num_classes": 80,
        "backbone": {"type": "ResNet", "depth": 50, "stem": {"type": "Conv", "channels": 64, "kernel": 7}},
    });
    let built = DETECTORS.build(&cfg).unwrap();
    let direct: Box<dyn Detector> = Box::new(DirectTwoStage::deserialize(&cfg).unwrap());
    assert_eq!(built.channels(), 201);
    assert_eq!(direct.channels(), 201);

    let mut group = c.benchmark_group("nested");
    group.bench_function("registry", |b| {
        b.iter(|| DETECTORS.build(black_box(&cfg)).unwrap());
    });
    group.bench_function("serde_boxed", |b| {
        b.iter(|| -> Box<dyn Detector> {
            Box::new(DirectTwoStage::deserialize(black_box(&cfg)).unwrap())
        });
    });
    group.finish();
}

criterion_group!(benches, nested);
criterion_main!(benches);
