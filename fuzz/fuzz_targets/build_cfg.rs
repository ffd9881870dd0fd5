//! `cargo fuzz run build_cfg`: arbitrary bytes as a JSON config, built every way (see
//! `fuzz/harness/build.rs`, shared with the replay test `tests/test_fuzz_corpus.rs`).

#![no_main]

#[path = "../harness/errors.rs"]
mod errors;

#[path = "../harness/build.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
