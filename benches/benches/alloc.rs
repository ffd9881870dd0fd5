//! `alloc`: issue 5's target "a miss does no allocation until its error is displayed",
//! counted with a counting global allocator. `get` must allocate nothing, hit or miss, for
//! every kind of key (the run fails otherwise); a build must allocate only the box it
//! returns. What `try_get` and `build` allocate for a miss, before and when the error is
//! displayed, is printed.
//!
//! `cargo bench -p registry-bench --bench alloc`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use registry_bench::{BETA, CHAIN_5, MODELS};
use serde_json::json;

/// Counts every allocation (this binary runs one thread).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// How many allocations `f` makes.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let result = f();
    (result, ALLOCATIONS.load(Ordering::SeqCst) - before)
}

/// Every kind of key `get` resolves, and whether it is found.
const KEYS: [(&str, bool); 7] = [
    ("ResNet", true),
    ("NoSuchModel", false),
    ("bench.ResNet", true),
    ("bench.NoSuchModel", false),
    ("mmalpha.LogSoftmax", true),
    ("mmalpha.NoSuchModel", false),
    ("nosuchscope.ResNet", false),
];

fn main() {
    let registries = [&MODELS, &BETA, &CHAIN_5];
    // The first access assembles the tree (and arc-swap registers this thread once).
    for registry in registries {
        for (key, _) in KEYS {
            let _ = registry.get(key);
        }
    }

    let mut failures = Vec::new();
    for registry in registries {
        for (key, hit) in KEYS {
            let (found, count) = allocations(|| registry.get(key).is_some());
            assert_eq!(found, hit, "{key} from {}", registry.scope());
            if count != 0 {
                failures.push(format!(
                    "get({key:?}) from {} allocated {count} times",
                    registry.scope()
                ));
            }
        }
    }
    let checked = registries.len() * KEYS.len();
    println!(
        "alloc/get: {checked} lookups (hits and misses of every key kind), {} allocated",
        failures.len()
    );

    let hit = json!({"type": "ResNet", "depth": 50, "stages": 4});
    let _ = MODELS.build(&hit);
    let (_, build_hit) = allocations(|| MODELS.build(&hit).unwrap());
    println!("alloc/build hit: {build_hit} allocation(s) (the returned box)");
    if build_hit != 1 {
        failures.push(format!("a build allocated {build_hit} times, not once"));
    }

    let miss = json!({"type": "NoSuchModel", "depth": 50, "stages": 4});
    let _ = MODELS.try_get("NoSuchModel");
    let _ = MODELS.build(&miss);
    let (error, try_get) = allocations(|| MODELS.try_get("NoSuchModel").err().unwrap());
    let (_, build) = allocations(|| MODELS.build(&miss).err().unwrap());
    let (text, display) = allocations(|| error.to_string());
    assert!(text.starts_with("NoSuchModel is not in the bench::model registry"));
    println!(
        "alloc/miss: get 0; before display: try_get {try_get}, build {build}; \
         displaying the error: {display} more"
    );

    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
        std::process::exit(1);
    }
}
