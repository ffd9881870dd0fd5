//! `Display` for a registry (MMEngine's `test_repr`): a table titled `Registry of <name>`
//! with the columns `Names` and `Objects`, one row per name, sorted by name.

use std::any::Any;

use registry_core::{register_module, registry, Registry};
use serde::Deserialize;

type Object = dyn Any + Send + Sync;

registry! {
    static CATS: Registry<Object> = Registry::new("cat");
    static KITTENS: Registry<Object> = Registry::new("kitten").with_parent(&CATS).with_scope("kitten");
    static EMPTY: Registry<Object> = Registry::new("empty registry");
    static DUPES: Registry<Object> = Registry::new("dupes");
}

#[register_module(registry = CATS)]
#[derive(Deserialize)]
struct Munchkin {}

#[register_module(registry = CATS)]
#[derive(Deserialize)]
struct BritishShorthair {}

#[register_module(registry = CATS, name = ["siamese", "Siamese"])]
#[derive(Deserialize)]
struct SiameseCat {}

#[register_module(registry = KITTENS)]
#[derive(Deserialize)]
struct Ragdoll {}

#[register_module(registry = DUPES)]
#[derive(Deserialize)]
struct Rex {}

mod other {
    #[registry_core::register_module(registry = crate::DUPES)]
    #[derive(serde::Deserialize)]
    pub struct Rex {}
}

#[test]
fn table_of_a_small_registry() {
    let expected = [
        "                   Registry of cat                   ",
        "┌──────────────────┬────────────────────────────────┐",
        "│ Names            ┆ Objects                        │",
        "╞══════════════════╪════════════════════════════════╡",
        "│ BritishShorthair ┆ test_display::BritishShorthair │",
        "│ Munchkin         ┆ test_display::Munchkin         │",
        "│ Siamese          ┆ test_display::SiameseCat       │",
        "│ siamese          ┆ test_display::SiameseCat       │",
        "└──────────────────┴────────────────────────────────┘",
    ]
    .join("\n");
    assert_eq!(format!("{CATS}"), expected);
    assert_eq!(CATS.to_string(), expected);
}

#[test]
fn rows_are_sorted_by_name_in_codepoint_order() {
    let rendered = CATS.to_string();
    let names: Vec<&str> = rendered
        .lines()
        .skip(4)
        .filter_map(|line| line.strip_prefix("│ "))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        ["BritishShorthair", "Munchkin", "Siamese", "siamese"]
    );
}

#[test]
fn table_of_a_child_lists_only_its_own_entries() {
    let expected = [
        "        Registry of kitten         ",
        "┌─────────┬───────────────────────┐",
        "│ Names   ┆ Objects               │",
        "╞═════════╪═══════════════════════╡",
        "│ Ragdoll ┆ test_display::Ragdoll │",
        "└─────────┴───────────────────────┘",
    ]
    .join("\n");
    assert_eq!(KITTENS.to_string(), expected);
}

#[test]
fn table_of_an_empty_registry() {
    let expected = [
        "Registry of empty registry",
        "┌───────┬─────────┐",
        "│ Names ┆ Objects │",
        "╞═══════╪═════════╡",
        "└───────┴─────────┘",
    ]
    .join("\n");
    assert_eq!(EMPTY.to_string(), expected);
}

#[test]
fn a_name_registered_twice_lists_both_items() {
    // Two `#[register_module]` of `Rex` without `force`: neither wins, both are shown.
    let expected = [
        "                   Registry of dupes                   ",
        "┌───────┬─────────────────────────────────────────────┐",
        "│ Names ┆ Objects                                     │",
        "╞═══════╪═════════════════════════════════════════════╡",
        "│ Rex   ┆ test_display::Rex, test_display::other::Rex │",
        "└───────┴─────────────────────────────────────────────┘",
    ]
    .join("\n");
    assert_eq!(DUPES.to_string(), expected);
}
