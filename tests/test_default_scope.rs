//! The process-wide default scope: `DefaultScope::get_instance`, `get_current_instance`,
//! `check_instance_created`, `init_default_scope` (every branch of MMEngine's), and the
//! default-scope redirect of `build`.
//!
//! The process default is global and `cargo test` runs the tests of a file as threads of one
//! process, so every test here is a section of ONE `#[test]` function, run in order. No other
//! test file sets the process default.

use std::any::Any;
use std::sync::Arc;

use registry_core::{init_default_scope, register_module, registry, DefaultScope, Registry};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::{current_scope_name, error_text, logs_of, NOT_FOUND_HELP};

type Object = dyn Any + Send + Sync;

pub trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    //                DOGS
    //          _______|_______
    //         |               |
    //   HOUNDS (hound)   SAMOYEDS (samoyed)
    //    _____|______
    //   |            |
    // LITTLE_HOUNDS  MID_HOUNDS
    // (little_hound) (mid_hound)
    static DOGS: Registry<Object> = Registry::new("dogs");
    static HOUNDS: Registry<Object> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    static LITTLE_HOUNDS: Registry<Object> =
        Registry::new("little hounds").with_parent(&HOUNDS).with_scope("little_hound");
    static MID_HOUNDS: Registry<Object> =
        Registry::new("mid hounds").with_parent(&HOUNDS).with_scope("mid_hound");
    static SAMOYEDS: Registry<Object> =
        Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");

    // The example: a root and its child with scope mmalpha.
    static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
    static ALPHA: Registry<dyn Activation> =
        Registry::new("activation").with_parent(&ACTIVATION).with_scope("mmalpha");
}

#[register_module(registry = HOUNDS)]
#[derive(Deserialize)]
struct BloodHound {}

#[register_module(registry = MID_HOUNDS)]
#[derive(Deserialize)]
struct Beagle {}

#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct Sam {}

#[register_module(registry = ACTIVATION)]
#[derive(Deserialize)]
struct ReLU {}

impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        x.max(0.0)
    }
}

#[register_module(registry = ACTIVATION, scope = "mmalpha")]
#[derive(Deserialize)]
struct LogSoftmax {
    dim: Option<i64>,
}

impl Activation for LogSoftmax {
    fn forward(&self, x: f32) -> f32 {
        x - self.dim.unwrap_or(0) as f32
    }
}

fn current() -> Arc<DefaultScope> {
    DefaultScope::get_current_instance().expect("a default scope")
}

/// `{scope}-%Y-%m-%d %H:%M:%S%.6f`, the name `init_default_scope` gives a forced instance.
fn assert_timestamped(instance_name: &str, scope: &str) {
    let stamp = instance_name
        .strip_prefix(scope)
        .and_then(|rest| rest.strip_prefix('-'))
        .unwrap_or_else(|| panic!("{instance_name:?} is not \"{scope}-<timestamp>\""));
    assert_eq!(stamp.len(), "2024-01-31 12:00:00.000000".len(), "{stamp:?}");
    for (index, c) in stamp.char_indices() {
        let expected_separator = match index {
            4 | 7 => Some('-'),
            10 => Some(' '),
            13 | 16 => Some(':'),
            19 => Some('.'),
            _ => None,
        };
        match expected_separator {
            Some(separator) => assert_eq!(c, separator, "{stamp:?}"),
            None => assert!(c.is_ascii_digit(), "{stamp:?}"),
        }
    }
}

#[test]
fn process_default_scope() {
    nothing_set_yet();
    init_default_scope_branches();
    get_instance_and_current_instance();
    build_is_redirected_to_the_default_scope();
    unknown_default_scope_falls_back_to_the_registry();
    thread_override_wins_over_the_process_default();
    init_default_scope_makes_the_child_scope_reachable_from_the_root();
    init_default_scope_ignores_thread_overrides();
    get_instance_from_many_threads();
}

/// Before any instance: no default scope, builds use the registry they are called on.
fn nothing_set_yet() {
    assert!(DefaultScope::get_current_instance().is_none());
    assert!(!DefaultScope::check_instance_created("mmx"));
    let error = error_text(LITTLE_HOUNDS.build(&json!({"type": "Beagle"})));
    assert_eq!(
        error,
        format!(
            "Beagle is not in the little_hound::little hounds registry. Please check whether \
             the value of `Beagle` is correct or it was registered as expected. \
             {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `mid_hound.Beagle`\
             \n  searched: little_hound::little hounds -> hound::hounds -> \
             test_default_scope::dogs\
             \n  default scope in force: none"
        )
    );
    assert!(LITTLE_HOUNDS
        .build(&json!({"type": "BloodHound"}))
        .unwrap()
        .is::<BloodHound>());
    let error = error_text(ACTIVATION.build(&json!({"type": "LogSoftmax"})));
    assert!(
        error.starts_with("LogSoftmax is not in the test_default_scope::activation registry. "),
        "{error}"
    );
    // The scoped key works without any default scope.
    let relu = ACTIVATION
        .build(&json!({"type": "mmalpha.LogSoftmax", "dim": 1}))
        .unwrap();
    assert_eq!(relu.forward(3.0), 2.0);
}

/// Every branch of MMEngine's `init_default_scope` (reference §1.13).
fn init_default_scope_branches() {
    // Nothing exists: creates an instance named after the scope, which becomes current.
    let ((), logs) = logs_of(|| init_default_scope("mmx"));
    assert_eq!(logs, "");
    let mmx = current();
    assert_eq!(mmx.instance_name(), "mmx");
    assert_eq!(mmx.scope_name(), "mmx");
    assert!(DefaultScope::check_instance_created("mmx"));

    // Again: no change.
    let ((), logs) = logs_of(|| init_default_scope("mmx"));
    assert_eq!(logs, "");
    assert!(Arc::ptr_eq(&current(), &mmx));

    // Another instance became current: warning, and a new timestamped instance.
    let other = DefaultScope::get_instance("other", "test");
    assert!(Arc::ptr_eq(&current(), &other));
    let ((), logs) = logs_of(|| init_default_scope("mmx"));
    assert_eq!(logs.lines().count(), 1, "{logs}");
    assert!(
        logs.contains(
            "The current default scope \"test\" is not \"mmx\", `init_default_scope` will force \
             set the current default scope to \"mmx\"."
        ),
        "{logs}"
    );
    let forced = current();
    assert_eq!(forced.scope_name(), "mmx");
    assert_timestamped(forced.instance_name(), "mmx");
    assert!(!Arc::ptr_eq(&forced, &mmx));

    // `mmq` exists with scope `notmmq` and is current: warning and a new instance.
    let mmq = DefaultScope::get_instance("mmq", "notmmq");
    assert!(Arc::ptr_eq(&current(), &mmq));
    let ((), logs) = logs_of(|| init_default_scope("mmq"));
    assert!(
        logs.contains(
            "The current default scope \"notmmq\" is not \"mmq\", `init_default_scope` will \
             force set the current default scope to \"mmq\"."
        ),
        "{logs}"
    );
    let forced_mmq = current();
    assert_eq!(forced_mmq.scope_name(), "mmq");
    assert_timestamped(forced_mmq.instance_name(), "mmq");

    // The current one has scope `mmq` under another name while `mmq` exists: no-op.
    let ((), logs) = logs_of(|| init_default_scope("mmq"));
    assert_eq!(logs, "");
    assert!(Arc::ptr_eq(&current(), &forced_mmq));

    // An instance exists, but none named `fresh`: created under that exact name, silently.
    let ((), logs) = logs_of(|| init_default_scope("fresh"));
    assert_eq!(logs, "");
    assert_eq!(current().instance_name(), "fresh");
    assert_eq!(current().scope_name(), "fresh");
}

/// `get_instance` creates once and makes the new instance current; re-fetching does not.
fn get_instance_and_current_instance() {
    let task = DefaultScope::get_instance("task", "mmdet");
    assert_eq!(task.instance_name(), "task");
    assert_eq!(task.scope_name(), "mmdet");
    assert!(Arc::ptr_eq(&current(), &task));
    assert!(DefaultScope::check_instance_created("task"));
    assert!(!DefaultScope::check_instance_created("nope"));

    // An existing name returns the existing instance; the other scope is ignored, with a
    // warning (MMEngine's UserWarning).
    let (again, logs) = logs_of(|| DefaultScope::get_instance("task", "other"));
    assert!(Arc::ptr_eq(&again, &task));
    assert_eq!(again.scope_name(), "mmdet");
    assert!(
        logs.contains(
            "DefaultScope instance named task has been created, the method `get_instance` \
             should not accept any other arguments (scope_name \"other\" ignored; it stays \
             \"mmdet\")"
        ),
        "{logs}"
    );
    // The same arguments again: no warning.
    let (_, logs) = logs_of(|| DefaultScope::get_instance("task", "mmdet"));
    assert_eq!(logs, "");

    // The latest created is current; fetching an older one does not change that.
    let second = DefaultScope::get_instance("task2", "mmcls");
    assert!(Arc::ptr_eq(&current(), &second));
    let older = DefaultScope::get_instance("task", "mmdet");
    assert!(Arc::ptr_eq(&older, &task));
    assert!(Arc::ptr_eq(&current(), &second));
    assert_eq!(current_scope_name().as_deref(), Some("mmcls"));

    // The process default is seen by every thread.
    let seen = std::thread::spawn(current_scope_name).join().unwrap();
    assert_eq!(seen.as_deref(), Some("mmcls"));
}

/// MMEngine's test_build `default_scope` part and reference §1.6.
fn build_is_redirected_to_the_default_scope() {
    DefaultScope::get_instance("test-mid", "mid_hound");
    // Beagle is only in MID_HOUNDS; LITTLE_HOUNDS.build is redirected there.
    assert!(LITTLE_HOUNDS
        .build(&json!({"type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    assert!(DOGS
        .build(&json!({"type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    // `get` is not redirected.
    assert!(LITTLE_HOUNDS.get("Beagle").is_none());

    // Verified in MMEngine: with default scope `hound`, SAMOYEDS.build(Sam) fails in HOUNDS
    // while SAMOYEDS.build(BloodHound) succeeds.
    DefaultScope::get_instance("test-hound", "hound");
    let error = error_text(SAMOYEDS.build(&json!({"type": "Sam"})));
    assert_eq!(
        error,
        format!(
            "Sam is not in the hound::hounds registry. Please check whether the value of `Sam` \
             is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `samoyed.Sam`\
             \n  searched: hound::hounds -> test_default_scope::dogs\
             \n  default scope in force: hound"
        )
    );
    assert!(SAMOYEDS
        .build(&json!({"type": "BloodHound"}))
        .unwrap()
        .is::<BloodHound>());
    assert!(SAMOYEDS.get("Sam").is_some());
    // `_scope_` in the config wins over the process default for that build.
    assert!(SAMOYEDS
        .build(&json!({"type": "Sam", "_scope_": "samoyed"}))
        .unwrap()
        .is::<Sam>());
    assert_eq!(current_scope_name().as_deref(), Some("hound"));
}

/// A default scope that is not in the registry's tree: the registry itself, with a warning
/// logged once.
fn unknown_default_scope_falls_back_to_the_registry() {
    DefaultScope::get_instance("test2", "scope-not-found");
    let warning = "Failed to search registry with scope \"scope-not-found\" in the \"dogs\" \
                   registry tree. As a workaround, the current \"mid hounds\" registry in \
                   \"mid_hound\" is used to build instance. This may cause unexpected failure \
                   when running the built modules. Please check whether \"scope-not-found\" is a \
                   correct scope, or whether the registry is initialized.";
    let (dog, logs) = logs_of(|| MID_HOUNDS.build(&json!({"type": "Beagle"})));
    assert!(dog.unwrap().is::<Beagle>());
    assert_eq!(logs.matches(warning).count(), 1, "{logs}");
    // Once only.
    let (dog, logs) = logs_of(|| MID_HOUNDS.build(&json!({"type": "Beagle"})));
    assert!(dog.unwrap().is::<Beagle>());
    assert!(!logs.contains(warning), "{logs}");
    // From a registry that does not have it, the miss names that registry.
    let error = error_text(LITTLE_HOUNDS.build(&json!({"type": "Beagle"})));
    assert!(
        error.starts_with("Beagle is not in the little_hound::little hounds registry. "),
        "{error}"
    );
    assert!(error.ends_with("\n  default scope in force: scope-not-found"));
}

/// `overwrite_default_scope` and `_scope_` are thread-local and win over the process default.
fn thread_override_wins_over_the_process_default() {
    assert_eq!(current_scope_name().as_deref(), Some("scope-not-found"));
    {
        let _override = DefaultScope::overwrite_default_scope(Some("mid_hound"));
        assert_eq!(current_scope_name().as_deref(), Some("mid_hound"));
        assert!(LITTLE_HOUNDS
            .build(&json!({"type": "Beagle"}))
            .unwrap()
            .is::<Beagle>());
        // Another thread sees the process default, not this thread's override.
        let seen = std::thread::spawn(current_scope_name).join().unwrap();
        assert_eq!(seen.as_deref(), Some("scope-not-found"));
        // The process default itself is unchanged.
        assert!(DefaultScope::check_instance_created("test2"));
    }
    assert_eq!(current_scope_name().as_deref(), Some("scope-not-found"));
    assert!(LITTLE_HOUNDS
        .build(&json!({"_scope_": "mid_hound", "type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    assert_eq!(current_scope_name().as_deref(), Some("scope-not-found"));
}

/// The example: after `init_default_scope("mmalpha")`, building `LogSoftmax` from
/// the root registry works.
fn init_default_scope_makes_the_child_scope_reachable_from_the_root() {
    init_default_scope("mmalpha");
    assert_eq!(current_scope_name().as_deref(), Some("mmalpha"));
    assert!(ALPHA.get("LogSoftmax").is_some());
    let log_softmax = ACTIVATION
        .build(&json!({"type": "LogSoftmax", "dim": 2}))
        .unwrap();
    assert_eq!(log_softmax.forward(5.0), 3.0);
    // Names of the root are still found, walking up from ALPHA.
    let relu = ACTIVATION.build(&json!({"type": "ReLU"})).unwrap();
    assert_eq!(relu.forward(-1.0), 0.0);
    // Every thread builds there.
    let forwarded = std::thread::spawn(|| {
        ACTIVATION
            .build(&json!({"type": "LogSoftmax"}))
            .map(|module| module.forward(1.0))
            .map_err(|error| error.to_string())
    })
    .join()
    .unwrap();
    assert_eq!(forwarded, Ok(1.0));
}

/// `init_default_scope` reads and sets the process default only; a thread's override stays
/// in force on that thread.
fn init_default_scope_ignores_thread_overrides() {
    assert_eq!(current_scope_name().as_deref(), Some("mmalpha"));
    let process = current();
    {
        let _override = DefaultScope::overwrite_default_scope(Some("hound"));
        // The process default is already mmalpha: nothing to do, although this thread's
        // current scope is hound.
        let ((), logs) = logs_of(|| init_default_scope("mmalpha"));
        assert_eq!(logs, "");
        assert_eq!(current_scope_name().as_deref(), Some("hound"));
        // Setting another process default does not end the override.
        init_default_scope("samoyed");
        assert_eq!(current_scope_name().as_deref(), Some("hound"));
        let seen = std::thread::spawn(current_scope_name).join().unwrap();
        assert_eq!(seen.as_deref(), Some("samoyed"));
    }
    assert_eq!(current_scope_name().as_deref(), Some("samoyed"));
    assert!(!Arc::ptr_eq(&current(), &process));
}

/// Threads racing to create one instance all get the same one.
fn get_instance_from_many_threads() {
    let instances: Vec<Arc<DefaultScope>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| DefaultScope::get_instance("shared", "samoyed")))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for instance in &instances {
        assert!(Arc::ptr_eq(instance, &instances[0]));
    }
    assert!(Arc::ptr_eq(&current(), &instances[0]));
    assert_eq!(current().instance_name(), "shared");
}
