//! `build`: `MODELS.build(&cfg)` of a two-field struct against the floors (the same struct
//! deserialized from the same input, plain and boxed as the trait object) and against
//! typetag's `Box<dyn Trait>`, from a `serde_json::Value` and end to end from JSON text.
//!
//! `cargo bench -p registry-bench --bench build`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use registry_bench::{
    Model, ResNet, Upsample, MODELS, RESNET_TEXT_TYPE_FIRST, RESNET_TEXT_TYPE_LAST,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// typetag's form of [`Model`]: the same structs, told apart by an internal `type` tag.
#[typetag::deserialize(tag = "type")]
trait Tagged: Send + Sync {
    fn forward(&self, x: u32) -> u32;
}

#[typetag::deserialize]
impl Tagged for ResNet {
    fn forward(&self, x: u32) -> u32 {
        Model::forward(self, x)
    }
}

#[typetag::deserialize]
impl Tagged for Upsample {
    fn forward(&self, x: u32) -> u32 {
        Model::forward(self, x)
    }
}

/// The same struct built four ways from the same `Value`.
fn from_value<S>(c: &mut Criterion, case: &str, cfg: &Value)
where
    S: Model + for<'de> Deserialize<'de> + 'static,
{
    // Every way must build the same thing, so none is measured doing less.
    let expected = MODELS.build(cfg).unwrap().forward(3);
    assert_eq!(S::deserialize(cfg).unwrap().forward(3), expected);
    assert_eq!(
        Box::<dyn Tagged>::deserialize(cfg).unwrap().forward(3),
        expected
    );

    let mut group = c.benchmark_group("build");
    group.bench_with_input(BenchmarkId::new(case, "registry"), cfg, |b, cfg| {
        b.iter(|| MODELS.build(black_box(cfg)).unwrap());
    });
    group.bench_with_input(BenchmarkId::new(case, "serde_plain"), cfg, |b, cfg| {
        b.iter(|| S::deserialize(black_box(cfg)).unwrap());
    });
    group.bench_with_input(BenchmarkId::new(case, "serde_boxed"), cfg, |b, cfg| {
        b.iter(|| -> Box<dyn Model> { Box::new(S::deserialize(black_box(cfg)).unwrap()) });
    });
    group.bench_with_input(BenchmarkId::new(case, "typetag"), cfg, |b, cfg| {
        b.iter(|| Box::<dyn Tagged>::deserialize(black_box(cfg)).unwrap());
    });
    group.finish();
}

/// End to end from JSON text: parse to a `Value` and build, against serde and typetag
/// reading the same text directly; and the parse to a `Value` alone, the registry's share
/// of which is the difference.
fn from_text(c: &mut Criterion, case: &str, text: &str) {
    let expected = MODELS
        .build(&serde_json::from_str(text).unwrap())
        .unwrap()
        .forward(3);
    let tagged: Box<dyn Tagged> = serde_json::from_str(text).unwrap();
    assert_eq!(tagged.forward(3), expected);

    let mut group = c.benchmark_group("build");
    group.bench_with_input(BenchmarkId::new(case, "registry"), text, |b, text| {
        b.iter(|| {
            let cfg: Value = serde_json::from_str(black_box(text)).unwrap();
            MODELS.build(&cfg).unwrap()
        });
    });
    group.bench_with_input(BenchmarkId::new(case, "parse_only"), text, |b, text| {
        b.iter(|| serde_json::from_str::<Value>(black_box(text)).unwrap());
    });
    group.bench_with_input(BenchmarkId::new(case, "serde_plain"), text, |b, text| {
        b.iter(|| serde_json::from_str::<ResNet>(black_box(text)).unwrap());
    });
    group.bench_with_input(BenchmarkId::new(case, "serde_boxed"), text, |b, text| {
        b.iter(|| -> Box<dyn Model> {
            Box::new(serde_json::from_str::<ResNet>(black_box(text)).unwrap())
        });
    });
    group.bench_with_input(BenchmarkId::new(case, "typetag"), text, |b, text| {
        b.iter(|| serde_json::from_str::<Box<dyn Tagged>>(black_box(text)).unwrap());
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    // serde_json's default `Value` map is sorted: `type` is last for ResNet's fields and
    // first for Upsample's, which is the order typetag sees.
    let resnet = json!({"type": "ResNet", "depth": 50, "stages": 4});
    let upsample = json!({"type": "Upsample", "width": 64, "zoom": 2});
    assert_eq!(
        resnet.as_object().unwrap().keys().next_back().unwrap(),
        "type"
    );
    assert_eq!(upsample.as_object().unwrap().keys().next().unwrap(), "type");
    from_value::<ResNet>(c, "value_type_last", &resnet);
    from_value::<Upsample>(c, "value_type_first", &upsample);
    from_text(c, "text_type_first", RESNET_TEXT_TYPE_FIRST);
    from_text(c, "text_type_last", RESNET_TEXT_TYPE_LAST);
}

criterion_group!(benches, build);
criterion_main!(benches);
