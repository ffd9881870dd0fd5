//! `threads`: build throughput with 1 and 2 threads (the machine has 2 cores), with the boxed
//! serde floor as a control for how well the machine itself scales.
//!
//! One iteration is one build on each thread; the reported throughput is builds per second
//! over all threads.
//!
//! `cargo bench -p registry-bench --bench threads`

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use registry_bench::{Model, ResNet, MODELS};
use serde::Deserialize;
use serde_json::{json, Value};

/// Wall time for `threads` threads to each run `build` `iters` times, started together.
fn run(threads: usize, iters: u64, cfg: &Value, build: fn(&Value) -> Box<dyn Model>) -> Duration {
    let barrier = Barrier::new(threads + 1);
    thread::scope(|s| {
        for _ in 0..threads {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for _ in 0..iters {
                    black_box(build(black_box(cfg)));
                }
            });
        }
        barrier.wait();
        let start = Instant::now();
        // The scope joins every thread before returning.
        start
    })
    .elapsed()
}

fn registry(cfg: &Value) -> Box<dyn Model> {
    MODELS.build(cfg).unwrap()
}

fn serde_boxed(cfg: &Value) -> Box<dyn Model> {
    Box::new(ResNet::deserialize(cfg).unwrap())
}

fn threads(c: &mut Criterion) {
    let cfg = json!({"type": "ResNet", "depth": 50, "stages": 4});
    assert_eq!(registry(&cfg).forward(3), serde_boxed(&cfg).forward(3));

    let mut group = c.benchmark_group("threads");
    for (name, build) in [
        ("registry", registry as fn(&Value) -> Box<dyn Model>),
        ("serde_boxed", serde_boxed),
    ] {
        for threads in [1_usize, 2] {
            group.throughput(Throughput::Elements(threads as u64));
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                b.iter_custom(|iters| run(threads, iters, &cfg, build));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, threads);
criterion_main!(benches);
