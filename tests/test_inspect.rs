//! Inspecting the trees: `traverse_registry_tree`, `count_registered_modules` (MMEngine's
//! `mmengine.registry.utils`) and `duplicate_registrations`.

use std::any::Any;
use std::io;

use registry_core::{
    count_registered_modules, duplicate_registrations, register_module, registry,
    traverse_registry_tree, BuildError, Origin, Registry, STATISTICS_FILE,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;
use support::{line_of, logs_of, temp_dir};

const SOURCE: &str = include_str!("test_inspect.rs");

type Object = dyn Any + Send + Sync;

registry! {
    //                DOGS
    //          _______|_______
    //         |               |
    //   HOUNDS (hound)   SAMOYEDS (samoyed)
    //         |
    //   LITTLE_HOUNDS (little_hound)
    static DOGS: Registry<Object> = Registry::new("dogs");
    static HOUNDS: Registry<Object> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    static LITTLE_HOUNDS: Registry<Object> =
        Registry::new("little hounds").with_parent(&HOUNDS).with_scope("little_hound");
    static SAMOYEDS: Registry<Object> =
        Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");

    static DUPES: Registry<Object> = Registry::new("dupes").with_scope("dupes");
    static EMPTY: Registry<Object> = Registry::new("empty").with_scope("empty");
    static RUNTIME: Registry<Object> = Registry::new("runtime").with_scope("runtime");
}

// Two roots declared under one static name in different modules.
mod first {
    registry_core::registry! {
        pub static MODELS: registry_core::Registry<super::Object> =
            registry_core::Registry::new("model").with_scope("first");
    }
}

mod second {
    registry_core::registry! {
        pub static MODELS: registry_core::Registry<super::Object> =
            registry_core::Registry::new("model").with_scope("second");
    }
}

// Registered from the crate root: folder "".
#[register_module(registry = DOGS)]
#[derive(Deserialize)]
struct GoldenRetriever {}

#[register_module(registry = SAMOYEDS)]
fn samoyed() -> String {
    "samoyed".to_owned()
}

// Registered from `test_inspect::kennel::yard`: folder "test_inspect/kennel".
mod kennel {
    pub mod yard {
        use serde::Deserialize;

        #[registry_core::register_module(registry = crate::DOGS)]
        #[derive(Deserialize)]
        pub struct Husky {}

        #[registry_core::register_module(registry = crate::DOGS, name = ["bulldog", "Bulldog"])]
        #[derive(Deserialize)]
        pub struct BullDog {}
    }
}

// Registered from `test_inspect::hounds`: folder "test_inspect".
mod hounds {
    use serde::Deserialize;

    #[registry_core::register_module(registry = crate::HOUNDS)]
    #[derive(Deserialize)]
    pub struct BloodHound {}

    #[registry_core::register_module(registry = crate::LITTLE_HOUNDS)]
    #[derive(Deserialize)]
    pub struct Dachshund {}
}

// `Rex` twice in DUPES without force: a conflict. `Max` twice, one forced: no conflict.
#[register_module(registry = DUPES)]
#[derive(Deserialize)]
pub struct Rex {} // at the crate root

mod other {
    #[registry_core::register_module(registry = crate::DUPES)]
    #[derive(serde::Deserialize)]
    pub struct Rex {} // in mod other
}

#[register_module(registry = DUPES)]
#[derive(Deserialize)]
pub struct Max {}

mod forced {
    #[registry_core::register_module(registry = crate::DUPES, force = true)]
    #[derive(serde::Deserialize)]
    pub struct Max {}
}

fn dogs_tree() -> Value {
    json!([
        {
            "num_modules": 4,
            "scope": "test_inspect",
            "": ["GoldenRetriever"],
            "test_inspect/kennel": ["Bulldog", "Husky", "bulldog"],
        },
        {"num_modules": 1, "scope": "hound", "test_inspect": ["BloodHound"]},
        {"num_modules": 1, "scope": "little_hound", "test_inspect": ["Dachshund"]},
        {"num_modules": 1, "scope": "samoyed", "": ["samoyed"]},
    ])
}

/// `%Y-%m-%d %H:%M:%S`.
fn assert_scan_date(date: &str) {
    assert_eq!(date.len(), "2024-01-31 12:00:00".len(), "{date:?}");
    for (index, c) in date.char_indices() {
        match index {
            4 | 7 => assert_eq!(c, '-', "{date:?}"),
            10 => assert_eq!(c, ' ', "{date:?}"),
            13 | 16 => assert_eq!(c, ':', "{date:?}"),
            _ => assert!(c.is_ascii_digit(), "{date:?}"),
        }
    }
    let month: u32 = date[5..7].parse().unwrap();
    let day: u32 = date[8..10].parse().unwrap();
    let hour: u32 = date[11..13].parse().unwrap();
    assert!((1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24);
}

#[test]
fn traverse_lists_every_node_depth_first() {
    let nodes = traverse_registry_tree(&DOGS, false);
    assert_eq!(Value::Array(nodes), dogs_tree());
}

#[test]
fn traverse_is_the_same_from_any_node() {
    for registry in [&DOGS, &HOUNDS, &LITTLE_HOUNDS, &SAMOYEDS] {
        assert_eq!(
            Value::Array(traverse_registry_tree(registry, false)),
            dogs_tree(),
            "from {}",
            registry.name()
        );
    }
}

#[test]
fn traverse_of_an_empty_registry() {
    assert_eq!(
        traverse_registry_tree(&EMPTY, false),
        [json!({"num_modules": 0, "scope": "empty"})]
    );
}

#[test]
fn traverse_verbose_logs_each_node() {
    let (nodes, logs) = logs_of(|| traverse_registry_tree(&HOUNDS, true));
    assert_eq!(Value::Array(nodes), dogs_tree());
    let lines: Vec<&str> = logs.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "Find 4 modules in test_inspect's 'dogs' registry",
            "Find 1 modules in hound's 'hounds' registry",
            "Find 1 modules in little_hound's 'little hounds' registry",
            "Find 1 modules in samoyed's 'samoyeds' registry",
        ]
    );
    let (_, logs) = logs_of(|| traverse_registry_tree(&HOUNDS, false));
    assert_eq!(logs, "");
}

#[test]
fn traverse_counts_runtime_registrations() {
    let reg = &RUNTIME;
    assert_eq!(
        traverse_registry_tree(reg, false),
        [json!({"num_modules": 0, "scope": "runtime"})]
    );
    reg.register_module(["late", "Late"], false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    // The closure lives in `test_inspect::traverse_counts_runtime_registrations`: its module
    // is the crate root, so the folder is "".
    assert_eq!(
        traverse_registry_tree(reg, false),
        [json!({"num_modules": 2, "scope": "runtime", "": ["Late", "late"]})]
    );
}

#[test]
fn count_registered_modules_describes_every_root() {
    let stats = count_registered_modules(None, false).unwrap();
    let object = stats.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, ["registries", "scan_date"]);
    assert_scan_date(stats["scan_date"].as_str().unwrap());

    // Keyed by the statics' names; only roots; every root, even an empty one.
    let registries = stats["registries"].as_object().unwrap();
    let names: Vec<&str> = registries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "DOGS",
            "DUPES",
            "EMPTY",
            "RUNTIME",
            // A static name two roots share is qualified by its module.
            "test_inspect::first::MODELS",
            "test_inspect::second::MODELS",
        ]
    );
    assert_eq!(
        registries["test_inspect::first::MODELS"],
        json!([{"num_modules": 0, "scope": "first"}])
    );
    assert_eq!(
        registries["test_inspect::second::MODELS"],
        json!([{"num_modules": 0, "scope": "second"}])
    );
    assert_eq!(first::MODELS.static_name(), Some("MODELS"));
    assert_eq!(registries["DOGS"], dogs_tree());
    assert_eq!(
        registries["EMPTY"],
        json!([{"num_modules": 0, "scope": "empty"}])
    );
    // Both Rex registrations are listed, each under its folder; Max only once (forced).
    assert_eq!(
        registries["DUPES"],
        json!([{
            "num_modules": 2,
            "scope": "dupes",
            "": ["Rex"],
            "test_inspect": ["Max", "Rex"],
        }])
    );
}

#[test]
fn count_registered_modules_writes_the_file_into_save_path() {
    assert_eq!(STATISTICS_FILE, "modules_statistic_results.json");
    let dir = temp_dir("inspect", "save");
    let stats = count_registered_modules(Some(&dir), false).unwrap();
    let path = dir.join("modules_statistic_results.json");
    let text = std::fs::read_to_string(&path).unwrap();
    // Indented by 2, as MMEngine's `json.dump(..., indent=2)`.
    assert!(
        text.starts_with("{\n  \"registries\": {\n    \"DOGS\": ["),
        "{text}"
    );
    let written: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written, stats);
    // Modulo scan_date, it is what a later call returns.
    let mut later = count_registered_modules(None, false).unwrap();
    let mut written = written;
    later.as_object_mut().unwrap().remove("scan_date");
    written.as_object_mut().unwrap().remove("scan_date");
    // RUNTIME may change under a parallel test; compare the static trees.
    for key in ["DOGS", "DUPES", "EMPTY"] {
        assert_eq!(written["registries"][key], later["registries"][key]);
    }
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["modules_statistic_results.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn count_registered_modules_without_save_path_writes_nothing() {
    let in_cwd = std::path::Path::new(STATISTICS_FILE);
    let before = std::fs::metadata(in_cwd).and_then(|m| m.modified()).ok();
    let dir = temp_dir("inspect", "nosave");
    count_registered_modules(None, false).unwrap();
    let after = std::fs::metadata(in_cwd).and_then(|m| m.modified()).ok();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn count_registered_modules_reports_a_write_error() {
    let dir = temp_dir("inspect", "missing")
        .join("does")
        .join("not")
        .join("exist");
    let error = count_registered_modules(Some(&dir), false).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
}

#[test]
fn count_registered_modules_verbose_logs_each_node() {
    let (_, logs) = logs_of(|| count_registered_modules(None, true).unwrap());
    for line in [
        "Find 4 modules in test_inspect's 'dogs' registry",
        "Find 1 modules in little_hound's 'little hounds' registry",
        "Find 0 modules in empty's 'empty' registry",
        "Find 2 modules in dupes's 'dupes' registry",
    ] {
        assert!(logs.lines().any(|logged| logged.trim() == line), "{logs}");
    }
}

#[test]
fn duplicate_registrations_lists_both_locations() {
    let duplicates = duplicate_registrations();
    assert_eq!(duplicates.len(), 1, "{duplicates:?}");
    let rex = &duplicates[0];
    assert_eq!(rex.name, "Rex");
    assert_eq!(rex.registry, "dupes::dupes");
    assert_eq!(
        rex.origins,
        [
            Origin {
                type_name: "test_inspect::Rex".to_owned(),
                file: "tests/test_inspect.rs".to_owned(),
                line: line_of(SOURCE, "pub struct Rex {} // at the crate root"),
            },
            Origin {
                type_name: "test_inspect::other::Rex".to_owned(),
                file: "tests/test_inspect.rs".to_owned(),
                line: line_of(SOURCE, "pub struct Rex {} // in mod other"),
            },
        ]
    );
}

#[test]
fn building_a_duplicate_is_an_error_with_both_locations() {
    let first = line_of(SOURCE, "pub struct Rex {} // at the crate root");
    let second = line_of(SOURCE, "pub struct Rex {} // in mod other");
    let result = DUPES.build(&json!({"type": "Rex"}));
    let Err(BuildError::Duplicate(duplicate)) = result else {
        panic!("expected a Duplicate error");
    };
    assert_eq!(
        duplicate.to_string(),
        format!(
            "Rex is already registered in dupes::dupes at test_inspect::Rex \
             (tests/test_inspect.rs:{first}); registered again at test_inspect::other::Rex \
             (tests/test_inspect.rs:{second}); rename one, or mark the one that should win \
             with `force = true`"
        )
    );
    assert_eq!(duplicate.name, "Rex");
    // Neither is returned by `get` nor listed by `module_dict`.
    assert!(DUPES.get("Rex").is_none());
    assert!(!DUPES.contains("Rex"));
    let names: Vec<&str> = DUPES.module_dict().into_keys().collect();
    assert_eq!(names, ["Max"]);
    // A runtime registration of that name without force is refused too.
    let error = DUPES
        .register_module("Rex", false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Rex is already registered in dupes at test_inspect::Rex (tests/test_inspect.rs:{first})"
        )
    );
}

#[test]
fn forced_registration_wins_over_the_unforced_one() {
    let max = DUPES.get("Max").unwrap();
    assert_eq!(max.type_name(), "test_inspect::forced::Max");
    assert!(max.is_forced());
    let built = DUPES.build(&json!({"type": "Max"})).unwrap();
    assert!(built.is::<forced::Max>());
    assert!(!built.is::<Max>());
    assert!(duplicate_registrations().iter().all(|d| d.name != "Max"));
}
