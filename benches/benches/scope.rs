//! `scope`: a build with `_scope_` and builds under a default scope, each against a plain
//! build of the same struct from the registry that holds it.
//!
//! The process default scope (`init_default_scope`) cannot be unset, and every later build
//! in the process would be redirected by it. So this group runs in its own binary, sets it
//! inside the last bench function only (a filter that skips that function never sets it),
//! and measures the thread-local override, what a thread sees as its default scope, before.
//!
//! `cargo bench -p registry-bench --bench scope`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use registry_bench::{ALPHA, BETA, MODELS};
use registry_core::{init_default_scope, DefaultScope};
use serde_json::json;

fn scope(c: &mut Criterion) {
    let plain = json!({"type": "LogSoftmax"});
    let scoped = json!({"type": "LogSoftmax", "_scope_": "mmalpha"});
    assert!(DefaultScope::get_current_instance().is_none());
    assert!(ALPHA.build(&plain).is_ok());
    assert!(BETA.build(&scoped).is_ok());
    assert!(
        MODELS.build(&plain).is_err(),
        "LogSoftmax is only in mmalpha"
    );

    let mut group = c.benchmark_group("scope");
    group.bench_function("plain", |b| {
        b.iter(|| ALPHA.build(black_box(&plain)).unwrap());
    });
    group.bench_function("scope_key", |b| {
        b.iter(|| BETA.build(black_box(&scoped)).unwrap());
    });
    group.bench_function("default_scope_thread_override", |b| {
        let _guard = DefaultScope::overwrite_default_scope(Some("mmalpha"));
        b.iter(|| MODELS.build(black_box(&plain)).unwrap());
    });
    // Last: from here on the process default scope is "mmalpha".
    group.bench_function("default_scope_init", |b| {
        init_default_scope("mmalpha");
        b.iter(|| MODELS.build(black_box(&plain)).unwrap());
    });
    group.finish();
}

criterion_group!(benches, scope);
criterion_main!(benches);
