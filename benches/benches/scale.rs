//! `scale`: a registry of 10,000 generated entries (`E00000` ... `E09999`, named by the
//! crate's build script; 100 in unoptimized builds, see `build.rs`): `get` and `build` in
//! it against the same in the small `MODELS`, and the one-time assembly of the tree on first
//! access, measured in fresh processes.
//!
//! For the fresh-process numbers this binary runs itself with `REGISTRY_BENCH_CHILD` set:
//! - `first_access`: times its first `SCALE.len()` (which assembles every registry of the
//!   program, 10,000 entries and the shared tree) and reports it, with the heap bytes and
//!   resident memory that the assembly added;
//! - `exit`: returns at once, the baseline of a process timed from outside.
//!
//! Before the criterion group, a `cargo bench` run prints the memory per entry (the median of
//! five children).
//!
//! `cargo bench -p registry-bench --bench scale`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use registry_bench::{Model, MODELS};
use registry_core::{register_module, registry, Registry};
use serde::{Deserialize, Deserializer};
use serde_json::json;

registry! {
    /// The registry of 10,000 entries, a tree of its own.
    static SCALE: Registry<dyn Model> = Registry::new("scale").with_scope("scale");
}

/// The fields every generated entry is built from (ResNet's shape).
#[derive(Deserialize)]
struct Payload {
    depth: u32,
    stages: u32,
}

/// Registers one struct per name, each deserialized through `Payload` (a forwarding impl,
/// not a derive, to keep the bench crate quick to compile).
macro_rules! scale_entries {
    ($($name:ident)*) => {$(
        #[register_module(registry = SCALE)]
        struct $name(Payload);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Payload::deserialize(deserializer).map($name)
            }
        }

        impl Model for $name {
            fn forward(&self, x: u32) -> u32 {
                x.wrapping_mul(self.0.depth).wrapping_add(self.0.stages)
            }
        }
    )*};
}

// `const ENTRIES` and `scale_entries! { E00000 ... }`.
include!(concat!(env!("OUT_DIR"), "/scale_entries.rs"));

// ---- counting allocator, switched on only in a `first_access` child ---------------------

/// Counts allocations, live heap bytes and all bytes allocated while `COUNTING` is set; otherwise only the
/// relaxed load of that flag is added to `System`.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            LIVE_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
            LIVE_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `VmRSS` of this process in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What a `first_access` child reports.
struct FirstAccess {
    time: Duration,
    allocations: u64,
    /// Heap bytes still held after the access.
    heap_bytes: u64,
    /// Heap bytes allocated during the access, freed or not.
    allocated_bytes: u64,
    resident_kib: u64,
}

/// The child: the first access, timed, with what it allocated.
fn first_access_child() {
    let resident_before = resident_kib();
    COUNTING.store(true, Ordering::SeqCst);
    let start = Instant::now();
    let len = SCALE.len();
    let time = start.elapsed();
    COUNTING.store(false, Ordering::SeqCst);
    let resident_after = resident_kib();
    assert_eq!(len, ENTRIES);
    println!(
        "{} {} {} {} {}",
        time.as_nanos(),
        ALLOCATIONS.load(Ordering::SeqCst),
        LIVE_BYTES.load(Ordering::SeqCst),
        ALLOCATED_BYTES.load(Ordering::SeqCst),
        resident_after.saturating_sub(resident_before),
    );
}

fn spawn_child(mode: &str) -> std::process::Output {
    let output = Command::new(std::env::current_exe().unwrap())
        .env("REGISTRY_BENCH_CHILD", mode)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    output
}

fn first_access_in_child() -> FirstAccess {
    let output = spawn_child("first_access");
    let line = String::from_utf8(output.stdout).unwrap();
    let fields: Vec<u64> = line
        .split_whitespace()
        .map(|field| field.parse().unwrap())
        .collect();
    let [nanos, allocations, heap_bytes, allocated_bytes, resident_kib] = fields[..] else {
        panic!("unexpected child output {line:?}");
    };
    FirstAccess {
        time: Duration::from_nanos(nanos),
        allocations,
        heap_bytes,
        allocated_bytes,
        resident_kib,
    }
}

/// Memory per entry, from the median of a few children.
fn report_memory() {
    let mut runs: Vec<FirstAccess> = (0..5).map(|_| first_access_in_child()).collect();
    runs.sort_by_key(|run| run.heap_bytes);
    let run = &runs[runs.len() / 2];
    #[allow(clippy::cast_precision_loss)] // small counts
    let per_entry = |total: f64| total / ENTRIES as f64;
    println!(
        "scale/memory: first access of {ENTRIES} entries: {:.2?}, {} allocations of {} bytes \
         in all, {} heap bytes kept ({:.1} B/entry), VmRSS +{} KiB ({:.1} B/entry)",
        run.time,
        run.allocations,
        run.allocated_bytes,
        run.heap_bytes,
        per_entry(run.heap_bytes as f64),
        run.resident_kib,
        per_entry((run.resident_kib * 1024) as f64),
    );
}

// ---- the criterion group ------------------------------------------------------------------

fn scale(c: &mut Criterion) {
    // The middle entry.
    let name = format!("E{:05}", ENTRIES / 2);
    let cfg = json!({"type": name, "depth": 50, "stages": 4});
    let small = json!({"type": "ResNet", "depth": 50, "stages": 4});
    assert_eq!(SCALE.len(), ENTRIES);
    assert_eq!(
        SCALE.build(&cfg).unwrap().forward(3),
        MODELS.build(&small).unwrap().forward(3)
    );

    println!("scale: {ENTRIES} entries");
    let mut group = c.benchmark_group("scale");
    group.bench_function("get_hit_10k", |b| {
        b.iter(|| SCALE.get(black_box(&name)).unwrap());
    });
    group.bench_function("get_hit_small", |b| {
        b.iter(|| MODELS.get(black_box("ResNet")).unwrap());
    });
    group.bench_function("get_miss_10k", |b| {
        b.iter(|| SCALE.get(black_box("E99999x")).is_none());
    });
    group.bench_function("build_10k", |b| {
        b.iter(|| SCALE.build(black_box(&cfg)).unwrap());
    });
    group.bench_function("build_small", |b| {
        b.iter(|| MODELS.build(black_box(&small)).unwrap());
    });

    // Fresh processes: a few milliseconds each.
    group.sample_size(20);
    group.bench_function("first_access_in_fresh_process", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_access_in_child().time).sum());
    });
    group.bench_function("process_with_first_access", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                spawn_child("first_access");
            }
            start.elapsed()
        });
    });
    group.bench_function("process_without_access", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                spawn_child("exit");
            }
            start.elapsed()
        });
    });
    group.finish();
}

criterion_group!(benches, scale);

fn main() {
    match std::env::var("REGISTRY_BENCH_CHILD").as_deref() {
        Ok("first_access") => return first_access_child(),
        Ok(_) => return,
        Err(_) => {}
    }
    // Only under `cargo bench` (not `cargo test --benches` or `--list`).
    if std::env::args().any(|arg| arg == "--bench") {
        report_memory();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
