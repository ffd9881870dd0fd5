//! Named, shared instances: `InstanceManager` and `Managed` (MMEngine's `ManagerMixin`,
//! `test_manager.py`), and managed types built through a registry (MMEngine builds a
//! `ManagerMixin` class with `get_instance`). Each test uses managed types of its own, since
//! a type's instances are process-wide.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use registry_core::{register_module, registry, InstanceManager, Managed, ManagerError, Registry};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::{error_text, logs_of, on_thread};

/// Declares a managed type with a `name` and a `mark`, like MMEngine's `SubClassA`.
macro_rules! managed {
    ($($ty:ident),*) => {$(
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $ty {
            name: String,
            #[serde(default)]
            #[allow(dead_code, reason = "not every type's test marks its instances")]
            mark: AtomicI32,
        }

        support::managed_by_name!($ty);
    )*};
}

managed!(Latest, First, Second, Warned, Failing);

/// How long another thread may take before a lock counts as left held.
const BLOCKED: Duration = Duration::from_secs(10);

#[test]
fn current_instance_is_the_latest_created() {
    // Before any instance: MMEngine's RuntimeError.
    let error = Latest::get_current_instance().unwrap_err();
    assert_eq!(
        error,
        ManagerError::NoInstance {
            type_name: "test_manager::Latest"
        }
    );
    assert_eq!(
        error.to_string(),
        "Before calling test_manager::Latest::get_current_instance(), you should call \
         get_instance(name=xxx) at least once."
    );

    let name1 = Latest::get_instance("name1", &json!({})).unwrap();
    assert_eq!(name1.instance_name(), "name1");
    let name2 = Latest::get_instance("name2", &json!({})).unwrap();
    let current = Latest::get_current_instance().unwrap();
    assert!(Arc::ptr_eq(&current, &name2));
    current.mark.store(-1, Ordering::SeqCst);

    let name3 = Latest::get_instance("name3", &json!({})).unwrap();
    assert_eq!(name3.instance_name(), "name3");
    assert_eq!(
        Latest::get_current_instance().unwrap().instance_name(),
        "name3"
    );

    // Fetching name2 again returns the same instance and does not make it current.
    let again = Latest::get_instance("name2", &json!({})).unwrap();
    assert!(Arc::ptr_eq(&again, &name2));
    assert_eq!(again.mark.load(Ordering::SeqCst), -1);
    assert_eq!(
        Latest::get_current_instance().unwrap().instance_name(),
        "name3"
    );

    assert!(Latest::check_instance_created("name1"));
    assert!(!Latest::check_instance_created("name4"));
    assert_eq!(
        Latest::manager().instance_names(),
        ["name1", "name2", "name3"]
    );
}

#[test]
fn the_same_instance_is_returned() {
    static NAMES: InstanceManager<String> = InstanceManager::new();
    let first = NAMES
        .get_or_create("train", |name| Ok::<_, ()>(format!("logger {name}")))
        .unwrap();
    let second = NAMES
        .get_or_create("train", |_| Ok::<_, ()>("never built".to_owned()))
        .unwrap();
    assert!(Arc::ptr_eq(&first, &second));
    assert_eq!(*second, "logger train");
    assert!(Arc::ptr_eq(&NAMES.current().unwrap(), &first));
}

#[test]
fn each_type_has_its_own_instances() {
    First::get_instance("shared", &json!({})).unwrap();
    assert!(First::check_instance_created("shared"));
    assert!(!Second::check_instance_created("shared"));
    assert_eq!(
        Second::get_current_instance().unwrap_err().to_string(),
        "Before calling test_manager::Second::get_current_instance(), you should call \
         get_instance(name=xxx) at least once."
    );
    Second::get_instance("only_second", &json!({})).unwrap();
    assert_eq!(
        First::get_current_instance().unwrap().instance_name(),
        "shared"
    );
    assert_eq!(
        Second::get_current_instance().unwrap().instance_name(),
        "only_second"
    );
    assert!(!First::check_instance_created("only_second"));
    assert_eq!(First::manager().instance_names(), ["shared"]);
    assert_eq!(Second::manager().instance_names(), ["only_second"]);
}

#[test]
fn get_instance_with_other_arguments_warns_and_returns_the_existing_one() {
    let (created, logs) = logs_of(|| Warned::get_instance("warned", &json!({"mark": 1})).unwrap());
    assert_eq!(logs, "");
    assert_eq!(created.mark.load(Ordering::SeqCst), 1);

    let (again, logs) = logs_of(|| Warned::get_instance("warned", &json!({"mark": 5})).unwrap());
    assert_eq!(
        logs,
        "test_manager::Warned instance named of warned has been created, the method \
         `get_instance` should not accept any other arguments"
    );
    assert!(Arc::ptr_eq(&again, &created));
    assert_eq!(again.mark.load(Ordering::SeqCst), 1);

    // Without other arguments: no warning.
    Warned::get_instance("quiet", &json!({})).unwrap();
    let (_, logs) = logs_of(|| Warned::get_instance("quiet", &json!({})).unwrap());
    assert_eq!(logs, "");
}

#[test]
fn a_failing_constructor_leaves_the_manager_usable_from_another_thread() {
    static NAMES: InstanceManager<String> = InstanceManager::new();
    let error = NAMES
        .get_or_create("x", |_| Err::<String, _>("boom"))
        .unwrap_err();
    assert_eq!(error, "boom");
    assert!(!NAMES.check_instance_created("x"));
    assert!(NAMES.current().is_none());

    let built = on_thread("another-thread", None, BLOCKED, || {
        NAMES
            .get_or_create("x", |name| Ok::<_, ()>(format!("{name} built")))
            .unwrap()
    });
    assert_eq!(*built, "x built");
    assert!(Arc::ptr_eq(&NAMES.get_current_instance().unwrap(), &built));

    // Through `Managed`: arguments that do not deserialize.
    let error = Failing::get_instance("bad", &json!({"mark": "high"})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "mark: invalid type: string \"high\", expected i32"
    );
    assert!(!Failing::check_instance_created("bad"));
    let built = on_thread("another-thread", None, BLOCKED, || {
        Failing::get_instance("bad", &json!({"mark": 2})).unwrap()
    });
    assert_eq!(built.mark.load(Ordering::SeqCst), 2);
    assert!(Failing::check_instance_created("bad"));
}

#[test]
fn a_panicking_constructor_leaves_the_manager_usable_from_another_thread() {
    static NAMES: InstanceManager<String> = InstanceManager::new();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        NAMES.get_or_create("p", |_| -> Result<String, ()> {
            panic!("constructor panicked")
        })
    }));
    assert!(panicked.is_err());
    assert!(!NAMES.check_instance_created("p"));
    assert!(NAMES.current().is_none());

    let built = on_thread("another-thread", None, BLOCKED, || {
        NAMES
            .get_or_create("p", |name| Ok::<_, ()>(format!("{name} built")))
            .unwrap()
    });
    assert_eq!(*built, "p built");
    // And on this thread.
    let again = NAMES
        .get_or_create("p", |_| Ok::<_, ()>(String::new()))
        .unwrap();
    assert!(Arc::ptr_eq(&again, &built));
    assert_eq!(NAMES.instance_names(), ["p"]);
}

/// A constructor asking for its own name would wait for itself forever (once_cell's
/// reentrant init deadlocks); it panics with the reason instead, and the manager stays usable.
#[test]
fn a_constructor_that_asks_for_its_own_name_panics_instead_of_deadlocking() {
    static NAMES: InstanceManager<String> = InstanceManager::new();
    let result = on_thread("another-thread", None, BLOCKED, || {
        catch_unwind(|| {
            NAMES.get_or_create("loop", |_| {
                NAMES.get_or_create("loop", |_| Ok::<_, ()>(String::new()))?;
                Ok::<_, ()>(String::new())
            })
        })
    });
    let panic = result.expect_err("the inner call panics");
    assert_eq!(
        panic.downcast_ref::<String>().map(String::as_str),
        Some(
            "the alloc::string::String instance \"loop\" is asked for while it is being created \
             (its own arguments or constructor refer to it): it cannot exist before it is made"
        )
    );
    assert!(!NAMES.check_instance_created("loop"));
    // Another name from inside a constructor is fine, and the panicked name can be made later.
    let outer = NAMES
        .get_or_create("outer", |_| {
            let inner = NAMES.get_or_create("loop", |_| Ok::<_, ()>("inner".to_owned()))?;
            Ok::<_, ()>(format!("outer of {inner}"))
        })
        .unwrap();
    assert_eq!(*outer, "outer of inner");
}

#[test]
fn a_slow_constructor_does_not_block_other_names() {
    static NAMES: InstanceManager<String> = InstanceManager::new();
    let (started, running) = mpsc::channel::<()>();
    let (release, wait) = mpsc::channel::<()>();
    let slow = thread::spawn(move || {
        NAMES
            .get_or_create("slow", |_| {
                started.send(()).unwrap();
                wait.recv().unwrap();
                Ok::<_, ()>("slow".to_owned())
            })
            .unwrap()
    });
    running.recv().unwrap();
    // While "slow" is being constructed, another name is created from another thread.
    let fast = on_thread("another-thread", None, BLOCKED, || {
        NAMES
            .get_or_create("fast", |_| Ok::<_, ()>("fast".to_owned()))
            .unwrap()
    });
    assert_eq!(*fast, "fast");
    release.send(()).unwrap();
    assert_eq!(*slow.join().unwrap(), "slow");
    // The latest created is current: "slow" finished last.
    assert_eq!(*NAMES.get_current_instance().unwrap(), "slow");
}

// ---- managed types built through a registry -------------------------------------------

trait Board: Any + Send + Sync {
    fn title(&self) -> String;
}

registry! {
    static BOARDS: Registry<dyn Board> = Registry::new("board");
}

/// Built through its manager: `BOARDS.build` hands out an `Arc<Whiteboard>`.
#[register_module(registry = BOARDS, managed)]
#[derive(Debug, Deserialize)]
struct Whiteboard {
    name: String,
    #[serde(default)]
    color: String,
}

support::managed_by_name!(Whiteboard);

impl Board for Arc<Whiteboard> {
    fn title(&self) -> String {
        format!("{} ({})", self.name, self.color)
    }
}

/// The shared instance a managed build returned.
fn shared(board: &dyn Board) -> Arc<Whiteboard> {
    let any: &dyn Any = board;
    Arc::clone(
        any.downcast_ref::<Arc<Whiteboard>>()
            .expect("a managed build hands out the Arc"),
    )
}

#[test]
fn a_managed_type_built_twice_with_one_name_is_one_instance() {
    let first = BOARDS
        .build(&json!({"type": "Whiteboard", "name": "main", "color": "white"}))
        .unwrap();
    let second = BOARDS
        .build(&json!({"type": "Whiteboard", "name": "main"}))
        .unwrap();
    assert_eq!(second.title(), "main (white)");
    assert!(Arc::ptr_eq(
        &shared(first.as_ref()),
        &shared(second.as_ref())
    ));
    let managed = Whiteboard::get_instance("main", &json!({})).unwrap();
    assert!(Arc::ptr_eq(&managed, &shared(first.as_ref())));

    // Another name is another instance, and becomes current.
    let other = BOARDS
        .build_with(&json!({"type": "Whiteboard"}), &json!({"name": "side"}))
        .unwrap();
    assert_eq!(other.title(), "side ()");
    assert!(!Arc::ptr_eq(&shared(other.as_ref()), &managed));
    assert!(Arc::ptr_eq(
        &Whiteboard::get_current_instance().unwrap(),
        &shared(other.as_ref())
    ));
    let module = BOARDS.get("Whiteboard").unwrap();
    assert_eq!(module.type_name(), "test_manager::Whiteboard");
}

#[test]
fn a_managed_build_with_other_arguments_warns_and_returns_the_existing_one() {
    let first = BOARDS
        .build(&json!({"type": "Whiteboard", "name": "meeting", "color": "green"}))
        .unwrap();
    let (again, logs) = logs_of(|| {
        BOARDS
            .build(&json!({"type": "Whiteboard", "name": "meeting", "color": "red"}))
            .unwrap()
    });
    assert_eq!(
        logs,
        "test_manager::Whiteboard instance named of meeting has been created, the method \
         `get_instance` should not accept any other arguments"
    );
    assert_eq!(again.title(), "meeting (green)");
    assert!(Arc::ptr_eq(
        &shared(first.as_ref()),
        &shared(again.as_ref())
    ));
}

#[test]
fn a_managed_build_needs_a_name() {
    let expected = "failed to build `Whiteboard` from the test_manager::board registry: a \
                    managed type is built through its instance manager and needs a string \
                    `name` key: the instance name";
    assert_eq!(
        error_text(BOARDS.build(&json!({"type": "Whiteboard"}))),
        expected
    );
    assert_eq!(
        error_text(BOARDS.build(&json!({"type": "Whiteboard", "name": 7}))),
        expected
    );
}

#[test]
fn a_managed_build_rejects_unknown_keys() {
    // Unknown config keys are errors naming the key, for managed types too (the README's
    // "Unknown config keys are always errors"); nothing is created.
    let error = error_text(BOARDS.build(&json!({
        "type": "Whiteboard", "name": "typo", "colour": "red",
    })));
    assert_eq!(
        error,
        "failed to build `Whiteboard` from the test_manager::board registry: unknown field \
         `colour`, expected `name` or `color`; did you mean `color`?"
    );
    assert!(!Whiteboard::check_instance_created("typo"));
}

#[test]
fn the_framework_visualizer_is_managed() {
    use mmengine::visualization::{BaseVisualizer, Visualizer};

    let cfg =
        json!({"type": "Visualizer", "name": "vis", "vis_backends": [{"type": "LocalVisBackend"}]});
    let first = mmengine::VISUALIZERS.build(&cfg).unwrap();
    let second = mmengine::VISUALIZERS
        .build(&json!({"type": "Visualizer", "name": "vis"}))
        .unwrap();
    let arc = |built: &dyn BaseVisualizer| {
        let any: &dyn Any = built;
        Arc::clone(any.downcast_ref::<Arc<Visualizer>>().unwrap())
    };
    assert!(Arc::ptr_eq(&arc(first.as_ref()), &arc(second.as_ref())));
    let current = Visualizer::get_current_instance().unwrap();
    assert!(Arc::ptr_eq(&current, &arc(first.as_ref())));
    first.add_scalars(&[("loss", 0.5)], 1);
    assert_eq!(second.scalars().len(), 1);
    assert_eq!(current.scalars()[0].name, "loss");
}
