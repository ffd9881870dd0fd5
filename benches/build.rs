//! Writes the entries of the `scale` bench to `$OUT_DIR/scale_entries.rs`: their count, and
//! one invocation of that bench's `scale_entries!` macro naming them (`E00000 E00001 ...`).
//!
//! 10,000 entries under an optimized profile (`cargo bench`); 100 otherwise, so that CI's
//! `cargo clippy --all-targets` checks the same code without expanding `#[register_module]`
//! 10,000 times (about a minute). `REGISTRY_BENCH_ENTRIES=N` overrides both.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=REGISTRY_BENCH_ENTRIES");
    let entries: usize = match std::env::var("REGISTRY_BENCH_ENTRIES") {
        Ok(count) => count.parse().expect("REGISTRY_BENCH_ENTRIES is a number"),
        Err(_) if std::env::var("PROFILE").as_deref() == Ok("release") => 10_000,
        Err(_) => 100,
    };
    let mut code = format!(
        "/// How many entries `build.rs` generated.\nconst ENTRIES: usize = {entries};\n\n"
    );
    code.push_str("scale_entries! {\n");
    for index in 0..entries {
        writeln!(code, "    E{index:05}").unwrap();
    }
    code.push_str("}\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("scale_entries.rs");
    std::fs::write(out, code).unwrap();
}
