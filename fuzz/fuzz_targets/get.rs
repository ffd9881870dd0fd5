//! `cargo fuzz run get`: arbitrary bytes as a key to `get`, `try_get`, `contains`,
//! `split_scope_key` and `search_child` (see `fuzz/harness/get.rs`, shared with the replay
//! test `tests/test_fuzz_corpus.rs`).

#![no_main]

#[path = "../harness/errors.rs"]
mod errors;

#[path = "../harness/get.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
