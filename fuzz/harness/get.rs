//! The `get` fuzz harness: arbitrary bytes read as a key (UTF-8, lossily) and looked up on
//! every registry of a tree with awkward scopes: one held twice, one equal to the root's,
//! an empty one, one containing a `.` (unreachable through a key) and a non-ASCII one.
//!
//! Shared, through `#[path]`, by the libFuzzer target `fuzz/fuzz_targets/get.rs` and the
//! replay test `tests/test_fuzz_corpus.rs`.
//!
//! Besides not crashing, the lookups must agree with each other: `contains` with `get`,
//! `try_get` with `get`, and `split_scope_key` must split at the first `.`.

use std::hint::black_box;

use registry_core::{register_module, registry, split_scope_key, DefaultScope, Registry};
use serde_json::json;

// `errors.rs`, declared next to this module by whoever includes it.
use crate::errors::{ok_or_show, outcome, show};

pub trait Dog: Send + Sync {
    fn bark(&self) -> String;
}

registry! {
    //                              DOGS (dog)
    //    _______________________________|____________________________________
    //   |            |             |         |          |          |          |
    // HOUNDS      SAMOYEDS      AGAIN      EMPTY      DOTTED     UNICODE   (corgi): made by
    // (hound)     (samoyed)     (dog)       ("")      (a.b)      (chien)   an attribute
    //   |____         |
    //   |     |       |
    // LITTLE TWIN_1  TWIN_2 (twin)   <- "twin" twice; "dog" twice (root and AGAIN)
    // (little_hound)
    pub static DOGS: Registry<dyn Dog> = Registry::new("dogs").with_scope("dog");
    pub static HOUNDS: Registry<dyn Dog> =
        Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    pub static LITTLE: Registry<dyn Dog> = Registry::new("little hounds")
        .with_parent(&HOUNDS)
        .with_scope("little_hound")
        .with_locations(&["nowhere::little"]);
    pub static TWIN_1: Registry<dyn Dog> =
        Registry::new("twins").with_parent(&HOUNDS).with_scope("twin");
    pub static SAMOYEDS: Registry<dyn Dog> =
        Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");
    pub static TWIN_2: Registry<dyn Dog> =
        Registry::new("twins").with_parent(&SAMOYEDS).with_scope("twin");
    pub static AGAIN: Registry<dyn Dog> =
        Registry::new("dogs again").with_parent(&DOGS).with_scope("dog");
    pub static EMPTY: Registry<dyn Dog> =
        Registry::new("empty").with_parent(&DOGS).with_scope("");
    pub static DOTTED: Registry<dyn Dog> =
        Registry::new("dotted").with_parent(&DOGS).with_scope("a.b");
    pub static UNICODE: Registry<dyn Dog> =
        Registry::new("chiens").with_parent(&DOGS).with_scope("chïen");
}

/// Every declared registry of the tree.
pub fn registries() -> [&'static Registry<dyn Dog>; 10] {
    [
        &DOGS, &HOUNDS, &LITTLE, &TWIN_1, &SAMOYEDS, &TWIN_2, &AGAIN, &EMPTY, &DOTTED, &UNICODE,
    ]
}

struct Bark(&'static str);

impl Dog for Bark {
    fn bark(&self) -> String {
        self.0.to_owned()
    }
}

#[register_module(registry = DOGS, name = ["GoldenRetriever", "golden"])]
fn golden() -> Bark {
    Bark("golden")
}

#[register_module(registry = DOGS, name = "Mutt")]
fn mutt() -> Bark {
    Bark("mutt")
}

#[register_module(registry = HOUNDS, name = "BloodHound")]
fn blood_hound() -> Bark {
    Bark("blood hound")
}

/// Shadows the root's `Mutt` below HOUNDS.
#[register_module(registry = HOUNDS, name = "Mutt")]
fn hound_mutt() -> Bark {
    Bark("hound mutt")
}

#[register_module(registry = LITTLE, name = "Dachshund")]
fn dachshund() -> Bark {
    Bark("dachshund")
}

#[register_module(registry = TWIN_1, name = "Twin")]
fn twin_1() -> Bark {
    Bark("twin 1")
}

#[register_module(registry = TWIN_2, name = "Twin")]
fn twin_2() -> Bark {
    Bark("twin 2")
}

#[register_module(registry = SAMOYEDS, name = "PedigreeSamoyed")]
fn pedigree() -> Bark {
    Bark("pedigree samoyed")
}

/// Two unforced registrations: a duplicate.
#[register_module(registry = SAMOYEDS, name = "Dup")]
fn dup_1() -> Bark {
    Bark("dup 1")
}

#[register_module(registry = SAMOYEDS, name = "Dup")]
fn dup_2() -> Bark {
    Bark("dup 2")
}

#[register_module(registry = AGAIN, name = "Again")]
fn again() -> Bark {
    Bark("again")
}

#[register_module(registry = EMPTY, name = "Nameless")]
fn nameless() -> Bark {
    Bark("nameless")
}

#[register_module(registry = DOTTED, name = "Hidden")]
fn hidden() -> Bark {
    Bark("hidden")
}

#[register_module(registry = UNICODE, name = "Caniche")]
fn caniche() -> Bark {
    Bark("caniche")
}

#[register_module(registry = DOGS, scope = "corgi", name = "Pembroke")]
fn pembroke() -> Bark {
    Bark("pembroke")
}

/// Every lookup of `key` on `registry`, checked against each other.
fn look_up(registry: &'static Registry<dyn Dog>, key: &str) {
    let got = registry.get(key);
    assert_eq!(
        registry.contains(key),
        got.is_some(),
        "contains({key:?}) differs from get"
    );
    match registry.try_get(key) {
        Ok(module) => {
            let found = got.expect("try_get found what get did not");
            assert!(module.same_entry(&found), "try_get({key:?}) and get differ");
            black_box((module.name(), module.scope(), module.registry_name()));
            black_box((
                module.type_name(),
                module.location(),
                module.accepted_keys(),
            ));
            black_box(outcome(module.build(&serde_json::Value::Null), |dog| {
                dog.bark()
            }));
        }
        Err(error) => {
            assert!(
                got.is_none(),
                "get({key:?}) found what try_get did not: {error}"
            );
            show(&error);
        }
    }
    if let Some(child) = registry.search_child(key) {
        assert_eq!(
            child.scope(),
            key,
            "search_child({key:?}) found another scope"
        );
        black_box(child.name());
    }
}

/// The harness: the bytes are the key.
pub fn run(data: &[u8]) {
    let key = String::from_utf8_lossy(data);
    let key: &str = &key;

    let (scope, rest) = split_scope_key(key);
    match scope {
        Some(scope) => {
            assert!(
                !scope.contains('.'),
                "split_scope_key({key:?}): a scope with a `.`"
            );
            assert_eq!(
                format!("{scope}.{rest}"),
                key,
                "split_scope_key({key:?}) lost bytes"
            );
        }
        None => assert!(
            rest == key && !key.contains('.'),
            "split_scope_key({key:?})"
        ),
    }

    for registry in registries() {
        look_up(registry, key);
    }

    // The key as a `type`, as a `_scope_`, and as the default scope.
    for cfg in [
        json!({ "type": key }),
        json!({ "type": "Mutt", "_scope_": key }),
    ] {
        for registry in [&DOGS, &HOUNDS, &TWIN_2] {
            ok_or_show(registry.build(&cfg));
        }
    }
    let _guard = DefaultScope::overwrite_default_scope(Some(key));
    if let Some(chosen) = ok_or_show(DOGS.switch_scope_and_registry(Some(key))) {
        black_box(chosen.name());
    }
    for registry in [&DOGS, &SAMOYEDS] {
        black_box(outcome(registry.build(&json!({ "type": "Mutt" })), |dog| {
            dog.bark()
        }));
        look_up(registry, key);
    }
}
