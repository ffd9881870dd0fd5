//! `Registry::switch_scope_and_registry` (MMEngine's `test_switch_scope_and_registry`):
//! nested switches, the scope restored after, an unknown scope falling back to the registry
//! itself. The outer scope comes from the thread-local `overwrite_default_scope`, not the
//! process-wide `get_instance`, so these tests never touch the process default.

use std::any::Any;

use registry_core::{register_module, registry, DefaultScope, Registry};
use serde_json::json;

mod support;
use support::current_scope_name;

type Object = dyn Any + Send + Sync;

registry! {
    //                         Hierarchical Registry
    //                                 DOGS
    //               ___________________|___________________
    //              |                   |                   |
    //     HOUNDS (hound)         SAMOYEDS (samoyed) CHIHUAHUA (chihuahua)
    static DOGS: Registry<Object> = Registry::new("dogs");
    static HOUNDS: Registry<Object> = Registry::new("hounds").with_scope("hound").with_parent(&DOGS);
    static SAMOYEDS: Registry<Object> =
        Registry::new("samoyeds").with_scope("samoyed").with_parent(&DOGS);
    static CHIHUAHUA: Registry<Object> =
        Registry::new("chihuahuas").with_scope("chihuahua").with_parent(&DOGS);
}

#[register_module(registry = DOGS)]
fn panicking_dog() -> String {
    panic!("this dog panics while being built")
}

#[register_module(registry = HOUNDS)]
fn hound_only() -> String {
    "hound".to_owned()
}

fn is(registry: &Registry<Object>, expected: &Registry<Object>) -> bool {
    std::ptr::eq(registry, expected)
}

#[test]
fn switch_scope_and_registry_follows_mmengine() {
    let _outer = DefaultScope::overwrite_default_scope(Some("chihuahua"));
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));

    // Switch scope and get the target registry.
    {
        let registry = CHIHUAHUA.switch_scope_and_registry(Some("hound")).unwrap();
        assert_eq!(current_scope_name().as_deref(), Some("hound"));
        assert!(is(&registry, &HOUNDS));
        assert!(is(registry.registry(), &HOUNDS));
    }
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));

    // Nested switches.
    {
        let samoyed_registry = CHIHUAHUA
            .switch_scope_and_registry(Some("samoyed"))
            .unwrap();
        assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
        assert!(is(&samoyed_registry, &SAMOYEDS));
        {
            let hound_registry = CHIHUAHUA.switch_scope_and_registry(Some("hound")).unwrap();
            assert_eq!(current_scope_name().as_deref(), Some("hound"));
            assert!(is(&hound_registry, &HOUNDS));
        }
        assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
    }

    // Switched back to the original scope.
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));

    // An unknown scope: the registry itself, and the scope is still in force inside.
    {
        let registry = CHIHUAHUA
            .switch_scope_and_registry(Some("unknown"))
            .unwrap();
        assert!(is(&registry, &CHIHUAHUA));
        assert_eq!(current_scope_name().as_deref(), Some("unknown"));
    }
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
}

#[test]
fn no_scope_uses_the_default_scope_in_force() {
    // No default scope at all: the registry itself.
    assert_eq!(current_scope_name(), None);
    {
        let registry = DOGS.switch_scope_and_registry(None).unwrap();
        assert!(is(&registry, &DOGS));
        assert_eq!(current_scope_name(), None);
    }
    {
        let registry = SAMOYEDS.switch_scope_and_registry(None).unwrap();
        assert!(is(&registry, &SAMOYEDS));
    }
    // With a default scope, `None` keeps it and redirects to its registry, from any node.
    let _outer = DefaultScope::overwrite_default_scope(Some("chihuahua"));
    {
        let registry = DOGS.switch_scope_and_registry(None).unwrap();
        assert!(is(&registry, &CHIHUAHUA));
        assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
    }
    {
        let registry = HOUNDS.switch_scope_and_registry(None).unwrap();
        assert!(is(&registry, &CHIHUAHUA));
    }
    // The root's own scope selects the root.
    {
        let registry = HOUNDS
            .switch_scope_and_registry(Some("test_switch_scope"))
            .unwrap();
        assert!(is(&registry, &DOGS));
    }
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
}

#[test]
fn overwrite_default_scope_nests_and_restores() {
    assert_eq!(current_scope_name(), None);
    {
        let _a = DefaultScope::overwrite_default_scope(Some("hound"));
        let current = DefaultScope::get_current_instance().unwrap();
        assert_eq!(current.scope_name(), "hound");
        assert!(current.instance_name().starts_with("overwrite-"));
        {
            let _b = DefaultScope::overwrite_default_scope(Some("samoyed"));
            assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
            {
                // `None` changes nothing.
                let _c = DefaultScope::overwrite_default_scope(None);
                assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
            }
            assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
        }
        assert_eq!(current_scope_name().as_deref(), Some("hound"));
        // Repetition works.
        for _ in 0..3 {
            let _again = DefaultScope::overwrite_default_scope(Some("chihuahua"));
            assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
        }
        assert_eq!(current_scope_name().as_deref(), Some("hound"));
    }
    assert_eq!(current_scope_name(), None);
}

#[test]
fn build_inside_a_switch_uses_the_switched_scope() {
    let _outer = DefaultScope::overwrite_default_scope(Some("hound"));
    // `hound_only` is only in HOUNDS; DOGS.build is redirected there by the default scope.
    let built = DOGS.build(&json!({"type": "hound_only"})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "hound");
    let built = SAMOYEDS.build(&json!({"type": "hound_only"})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "hound");
    // `get` is not redirected.
    assert!(DOGS.get("hound_only").is_none());
    assert!(SAMOYEDS.get("hound_only").is_none());
}

#[test]
fn scope_is_restored_after_a_panicking_build() {
    let _outer = DefaultScope::overwrite_default_scope(Some("chihuahua"));
    let result = std::panic::catch_unwind(|| {
        DOGS.build(&json!({"type": "panicking_dog", "_scope_": "hound"}))
            .map(|_| ())
            .map_err(|error| error.to_string())
    });
    assert!(result.is_err());
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
    let result = std::panic::catch_unwind(|| {
        let _switch = DOGS.switch_scope_and_registry(Some("samoyed")).unwrap();
        assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
        panic!("panic inside a switch");
    });
    assert!(result.is_err());
    assert_eq!(current_scope_name().as_deref(), Some("chihuahua"));
    // Everything still works afterwards.
    let registry = DOGS.switch_scope_and_registry(Some("hound")).unwrap();
    assert!(is(&registry, &HOUNDS));
}
