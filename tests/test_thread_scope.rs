//! Scopes are thread-local: two threads building with different `_scope_`, or under
//! different `overwrite_default_scope` guards, never see each other's scope (MMEngine keeps
//! one process-global stack that threads overwrite under each other, mmpose#2044).

use std::any::Any;
use std::sync::Barrier;
use std::thread;

use registry_core::{register_module, registry, DefaultScope, Registry};
use serde_json::json;

mod support;
use support::current_scope_name;

type Object = dyn Any + Send + Sync;

registry! {
    //                DOGS
    //          _______|_______
    //         |               |
    //   HOUNDS (hound)   SAMOYEDS (samoyed)
    static DOGS: Registry<Object> = Registry::new("dogs");
    static HOUNDS: Registry<Object> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    static SAMOYEDS: Registry<Object> =
        Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");
}

/// One name in both scopes; which one is built shows which scope was in force.
#[register_module(registry = HOUNDS, name = "Twin")]
fn hound_twin() -> &'static str {
    "hound"
}

#[register_module(registry = SAMOYEDS, name = "Twin")]
fn samoyed_twin() -> &'static str {
    "samoyed"
}

/// A module whose builder reports the default scope in force while it is built.
#[register_module(registry = DOGS)]
fn witness() -> String {
    DefaultScope::get_current_instance()
        .map_or_else(|| "none".to_owned(), |s| s.scope_name().to_owned())
}

const ITERATIONS: usize = 10_000;

fn built_str(built: &Object) -> &'static str {
    built.downcast_ref::<&'static str>().copied().unwrap()
}

#[test]
fn threads_building_with_different_scope_each_see_their_own() {
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        for scope in ["hound", "samoyed"] {
            let barrier = &barrier;
            s.spawn(move || {
                let cfg = json!({"_scope_": scope, "type": "Twin"});
                let witness_cfg = json!({"_scope_": scope, "type": "witness"});
                barrier.wait();
                for _ in 0..ITERATIONS {
                    let built = DOGS.build(&cfg).unwrap();
                    assert_eq!(built_str(&*built), scope);
                    let seen = DOGS.build(&witness_cfg).unwrap();
                    assert_eq!(seen.downcast_ref::<String>().unwrap(), scope);
                    assert_eq!(current_scope_name(), None);
                }
            });
        }
    });
}

#[test]
fn threads_overwriting_the_default_scope_never_see_each_other() {
    let barrier = Barrier::new(3);
    thread::scope(|s| {
        for scope in ["hound", "samoyed"] {
            let barrier = &barrier;
            s.spawn(move || {
                barrier.wait();
                for _ in 0..ITERATIONS {
                    let _guard = DefaultScope::overwrite_default_scope(Some(scope));
                    assert_eq!(current_scope_name().as_deref(), Some(scope));
                    let built = DOGS.build(&json!({"type": "Twin"})).unwrap();
                    assert_eq!(built_str(&*built), scope);
                    let chosen = DOGS.switch_scope_and_registry(None).unwrap();
                    assert_eq!(chosen.scope(), scope);
                }
                assert_eq!(current_scope_name(), None);
            });
        }
        // A third thread without any override sees none, however the others switch.
        let barrier = &barrier;
        s.spawn(move || {
            barrier.wait();
            for _ in 0..ITERATIONS {
                assert_eq!(current_scope_name(), None);
                let seen = DOGS.build(&json!({"type": "witness"})).unwrap();
                assert_eq!(seen.downcast_ref::<String>().unwrap(), "none");
                assert!(DOGS.build(&json!({"type": "Twin"})).is_err());
            }
        });
    });
    assert_eq!(current_scope_name(), None);
}

#[test]
fn scope_and_override_mixed_across_threads() {
    // One thread holds an override and builds with `_scope_` naming the other scope; the
    // other thread does the opposite. Inside a build the `_scope_` wins; after it, the
    // thread's own override is back.
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        for (outer, inner) in [("hound", "samoyed"), ("samoyed", "hound")] {
            let barrier = &barrier;
            s.spawn(move || {
                let _guard = DefaultScope::overwrite_default_scope(Some(outer));
                let cfg = json!({"_scope_": inner, "type": "Twin"});
                barrier.wait();
                for _ in 0..ITERATIONS {
                    let built = DOGS.build(&cfg).unwrap();
                    assert_eq!(built_str(&*built), inner);
                    assert_eq!(current_scope_name().as_deref(), Some(outer));
                    let built = DOGS.build(&json!({"type": "Twin"})).unwrap();
                    assert_eq!(built_str(&*built), outer);
                }
            });
        }
    });
}
