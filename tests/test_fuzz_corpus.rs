//! Replays the fuzz corpus and every crash input the fuzzer found through the fuzz harnesses
//! themselves (`fuzz/harness/*.rs`, compiled here with `#[path]`), so CI checks them without
//! cargo-fuzz: each file of `fuzz/corpus/<target>/` and `fuzz/artifacts/<target>/` must run
//! without a panic. See `fuzz/README.md`.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

mod support;
use support::panic_message;

#[path = "../fuzz/harness/errors.rs"]
mod errors;

#[path = "../fuzz/harness/build.rs"]
mod build_harness;

#[path = "../fuzz/harness/get.rs"]
mod get_harness;

/// The inputs of one fuzz target: its seed corpus and its kept crash inputs, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "artifacts"] {
        let Ok(entries) = fs::read_dir(fuzz.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Runs `harness` on every input of `target`; fails naming every input that panicked.
fn replay(target: &str, harness: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no inputs for the fuzz target {target}");
    let mut failures = Vec::new();
    for path in &files {
        let data = fs::read(path).expect("a readable input");
        if let Err(panic) = panic::catch_unwind(|| harness(&data)) {
            let message = panic_message(&*panic).unwrap_or("(no message)");
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} inputs of {target} panicked:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn build_cfg_corpus_and_crashes_replay_cleanly() {
    replay("build_cfg", build_harness::run);
}

#[test]
fn get_corpus_and_crashes_replay_cleanly() {
    replay("get", get_harness::run);
}
