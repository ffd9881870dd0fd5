//! Compile-time diagnostics of `#[register_module]`: each `tests/ui/<case>.rs` must fail to
//! compile with exactly the errors in its `.stderr`; each `tests/ui-pass/*.rs` must compile
//! and run. Regenerate the expected output with `TRYBUILD=overwrite` and read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
