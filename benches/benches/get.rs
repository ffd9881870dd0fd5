//! `get`: a local hit, a hit five parents up, a scoped sibling key (`mmalpha.X` from
//! mmbeta) and misses. A miss by `get` builds no error; `try_get` builds the error `build`
//! would report (not displayed) and is measured for comparison.
//!
//! `cargo bench -p registry-bench --bench get`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use registry_bench::{BETA, CHAIN_5, MODELS};

fn get(c: &mut Criterion) {
    // The first access assembles the tree; keep it out of the measurements.
    assert!(MODELS.get("ResNet").is_some());
    assert!(CHAIN_5.get("ResNet").is_some());
    assert!(BETA.get("mmalpha.LogSoftmax").is_some());
    assert!(MODELS.get("NoSuchModel").is_none());

    let mut group = c.benchmark_group("get");
    group.bench_function("local_hit", |b| {
        b.iter(|| MODELS.get(black_box("ResNet")).unwrap());
    });
    group.bench_function("five_parents_up", |b| {
        b.iter(|| CHAIN_5.get(black_box("ResNet")).unwrap());
    });
    group.bench_function("scoped_sibling", |b| {
        b.iter(|| BETA.get(black_box("mmalpha.LogSoftmax")).unwrap());
    });
    group.bench_function("miss_local", |b| {
        b.iter(|| MODELS.get(black_box("NoSuchModel")).is_none());
    });
    group.bench_function("miss_five_parents_up", |b| {
        b.iter(|| CHAIN_5.get(black_box("NoSuchModel")).is_none());
    });
    group.bench_function("try_get_miss_local", |b| {
        b.iter(|| MODELS.try_get(black_box("NoSuchModel")).is_err());
    });
    group.finish();
}

criterion_group!(benches, get);
criterion_main!(benches);
