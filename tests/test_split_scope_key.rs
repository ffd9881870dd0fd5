//! `split_scope_key`: splits a key at its first `.` (MMEngine's `Registry.split_scope_key`).

use registry_core::split_scope_key;

#[test]
fn key_without_scope() {
    assert_eq!(split_scope_key("BloodHound"), (None, "BloodHound"));
}

#[test]
fn key_with_one_scope() {
    assert_eq!(
        split_scope_key("hound.BloodHound"),
        (Some("hound"), "BloodHound")
    );
}

#[test]
fn only_the_first_dot_splits() {
    assert_eq!(
        split_scope_key("hound.little_hound.Dachshund"),
        (Some("hound"), "little_hound.Dachshund")
    );
    assert_eq!(split_scope_key("a..b"), (Some("a"), ".b"));
}

#[test]
fn empty_parts_are_kept() {
    // MMEngine: '.x' -> ('', 'x'); 'x.' -> ('x', '').
    assert_eq!(split_scope_key(".x"), (Some(""), "x"));
    assert_eq!(split_scope_key("x."), (Some("x"), ""));
    assert_eq!(split_scope_key("."), (Some(""), ""));
    assert_eq!(split_scope_key(""), (None, ""));
}

#[test]
fn non_ascii_keys_split_at_the_dot() {
    assert_eq!(split_scope_key("é.ü"), (Some("é"), "ü"));
}
