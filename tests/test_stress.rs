//! Concurrency stress: threads build with different `_scope_` values, under different
//! thread overrides and under the process default, while two threads register at run time
//! (new names and `force` re-registrations) and another keeps changing the process default
//! with `init_default_scope`; half the builds panic. Every build must resolve as it would
//! alone, nothing registered may be lost, the run must end (no deadlock), and afterwards every
//! lock must still work from a fresh thread.
//!
//! The process default scope is process-wide: this file is the only one in its binary that
//! sets it, and every test that depends on it holds `SERIAL`.

use std::collections::{HashMap, HashSet};
use std::panic::{self, catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::thread;
use std::time::Duration;

use registry_core::{
    init_default_scope, register_module, registry, Built, DefaultScope, Lazy, Managed, Registry,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;
use support::{current_scope_name, logs_of, on_thread, panic_message};

pub trait Animal: Send + Sync {
    /// What was built, and from where: compared against the expected resolution.
    fn id(&self) -> String;
}

registry! {
    //              ZOO (zoo)
    //          _______|_______
    //         |               |
    //    CATS (cats)     DOGS (dogs)
    static ZOO: Registry<dyn Animal> = Registry::new("animal").with_scope("zoo");
    static CATS: Registry<dyn Animal> = Registry::new("animal").with_parent(&ZOO).with_scope("cats");
    static DOGS: Registry<dyn Animal> = Registry::new("animal").with_parent(&ZOO).with_scope("dogs");
}

struct Named(String);

impl Animal for Named {
    fn id(&self) -> String {
        self.0.clone()
    }
}

fn named(id: impl Into<String>) -> Box<dyn Animal> {
    Box::new(Named(id.into()))
}

/// One name in both scopes: which one is built shows which scope was in force.
#[register_module(registry = CATS, name = "Twin")]
fn cat_twin() -> Named {
    Named("cats".to_owned())
}

#[register_module(registry = DOGS, name = "Twin")]
fn dog_twin() -> Named {
    Named("dogs".to_owned())
}

/// Only in the root: every scope reaches it.
#[register_module(registry = ZOO, name = "Common")]
fn common() -> Named {
    Named("zoo".to_owned())
}

/// Reports the default scope in force while it is built.
#[register_module(registry = ZOO, name = "Witness")]
fn witness() -> Named {
    Named(format!(
        "witness:{}",
        current_scope_name().as_deref().unwrap_or("none")
    ))
}

const EXPLODED: &str = "Bomb exploded";

/// Panics when asked to.
#[register_module(registry = ZOO, name = "Bomb")]
fn bomb(explode: bool) -> Named {
    assert!(!explode, "{EXPLODED}");
    Named("bomb".to_owned())
}

/// Two nested builds.
#[register_module(registry = ZOO)]
#[derive(Deserialize)]
struct Pair {
    left: Built<dyn Animal>,
    right: Built<dyn Animal>,
}

impl Animal for Pair {
    fn id(&self) -> String {
        format!("({},{})", self.left.id(), self.right.id())
    }
}

/// Keeps its friend's config and builds it when asked for its id, after its own build: the
/// scope in force when it was read applies again.
#[register_module(registry = ZOO)]
#[derive(Deserialize)]
struct Later {
    friend: Lazy<dyn Animal>,
}

impl Animal for Later {
    fn id(&self) -> String {
        match self.friend.build() {
            Ok(friend) => format!("later:{}", friend.id()),
            Err(error) => format!("later: {error}"),
        }
    }
}

/// Nests itself, for the depth checks.
#[register_module(registry = ZOO)]
#[derive(Deserialize)]
struct Nest {
    inner: Option<Built<dyn Animal>>,
}

impl Animal for Nest {
    fn id(&self) -> String {
        match &self.inner {
            Some(inner) => format!("Nest({})", inner.id()),
            None => "Nest".to_owned(),
        }
    }
}

/// Shared by name; its pet is built (and may panic) only when the instance is created.
#[register_module(registry = ZOO, managed)]
#[derive(Deserialize)]
struct Keeper {
    name: String,
    #[allow(dead_code, reason = "only built")]
    pet: Option<Built<dyn Animal>>,
}

support::managed_by_name!(Keeper);

impl Animal for Arc<Keeper> {
    fn id(&self) -> String {
        format!("keeper:{}:{:p}", self.name, Arc::as_ptr(self))
    }
}

// ---- helpers ----------------------------------------------------------------------------

/// Serializes the tests of this file: the stress test changes the process default scope.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps the expected panics of `Bomb` off the test output; any other panic is reported.
fn quiet_bombs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if panic_message(info.payload()) != Some(EXPLODED) {
                default(info);
            }
        }));
    });
}

/// True when this thread has an override in force (its instances are named `overwrite-N`).
fn overridden() -> bool {
    DefaultScope::get_current_instance()
        .is_some_and(|scope| scope.instance_name().starts_with("overwrite-"))
}

fn build(cfg: &Value) -> Result<String, String> {
    ZOO.build(cfg)
        .map(|animal| animal.id())
        .map_err(|error| error.to_string())
}

fn built(cfg: &Value) -> String {
    match build(cfg) {
        Ok(id) => id,
        Err(error) => panic!("{cfg}: {error}"),
    }
}

/// Builds `cfg`, which must panic with `Bomb`'s message.
fn exploded(cfg: &Value) {
    let panicked = catch_unwind(AssertUnwindSafe(|| ZOO.build(cfg)))
        .err()
        .unwrap_or_else(|| panic!("{cfg} did not panic"));
    let message = panic_message(&*panicked);
    assert_eq!(message, Some(EXPLODED), "{cfg}");
}

/// How long the stress run may take before it counts as a deadlock.
const DEADLOCK: Duration = Duration::from_secs(60);

const SCOPES: [&str; 2] = ["cats", "dogs"];

fn other(scope: &str) -> &'static str {
    if scope == "cats" {
        "dogs"
    } else {
        "cats"
    }
}

// ---- the stress run ---------------------------------------------------------------------

/// Iterations of each builder thread (each iteration is about ten builds, half of the
/// iterations with a panic).
const ITERATIONS: usize = 3_000;
/// Registrations of each registering thread, at most (one a millisecond, until the builders
/// are done).
const REGISTRATIONS: usize = 4_000;
/// Process default changes, at most (one every 300 µs, until the builders are done).
const DEFAULT_CHANGES: usize = 10_000;
/// Keeper names; the last is only ever built with a pet that explodes.
const KEEPERS: [&str; 4] = ["k0", "k1", "k2", "k-exploding"];

/// What the threads share.
struct Shared {
    /// Builders are done: the registering and default-changing threads stop.
    stop: AtomicBool,
    /// `rt_cat_{i}` (in CATS) and `rt_a_{i}`/`rt_b_{i}` (in DOGS) exist for `i` below it.
    cats_registered: AtomicUsize,
    /// `rt_kit_{i}` (in CATS) exists for `i` below it.
    kits_registered: AtomicUsize,
    /// Above every `Flip` version registered so far.
    flips: AtomicUsize,
    /// The instances each keeper name was built as, by every builder.
    keeper_ids: Mutex<HashMap<String, HashSet<String>>>,
}

/// The `Flip` version a build returned (versions below `Shared::flips` may be registered).
fn flip_version(id: &str) -> usize {
    id.strip_prefix("flip:").unwrap().parse().unwrap()
}

/// Checks the runtime registrations published so far are found, and `Flip` never goes back.
fn check_runtime(shared: &Shared, i: usize, scope: &str, last_flip: &mut usize) {
    let cats = shared.cats_registered.load(Ordering::Acquire);
    if cats > 0 {
        let j = i.wrapping_mul(7_919) % cats;
        let name = format!("rt_cat_{j}");
        assert_eq!(built(&json!({"_scope_": "cats", "type": name})), name);
        assert_eq!(built(&json!({"type": format!("cats.{name}")})), name);
        let a = DOGS.get(&format!("rt_a_{j}")).expect("rt_a registered");
        let b = DOGS.get(&format!("rt_b_{j}")).expect("rt_b registered");
        assert!(a.same_entry(&b));
    }
    let kits = shared.kits_registered.load(Ordering::Acquire);
    if kits > 0 {
        let name = format!("rt_kit_{}", i.wrapping_mul(104_729) % kits);
        assert_eq!(built(&json!({"type": format!("cats.{name}")})), name);
    }
    let flip = flip_version(&built(&json!({"_scope_": scope, "type": "Flip"})));
    assert!(
        flip >= *last_flip,
        "Flip went back from {last_flip} to {flip}"
    );
    assert!(flip < shared.flips.load(Ordering::Acquire).max(1));
    *last_flip = flip;
}

/// Builds a keeper (its pet explodes when `explode`) and records the instance it got.
fn keeper(i: usize, scope: &str, explode: bool, ids: &mut Vec<String>) {
    let name = KEEPERS[i % KEEPERS.len()];
    let explode = explode || name == "k-exploding";
    let cfg = json!({"_scope_": scope, "type": "Keeper", "name": name,
                     "pet": {"type": "Bomb", "explode": explode}});
    match catch_unwind(AssertUnwindSafe(|| ZOO.build(&cfg))) {
        Ok(Ok(animal)) => ids.push(animal.id()),
        Ok(Err(error)) => panic!("{cfg}: {error}"),
        // Only a keeper not created yet builds its pet.
        Err(_) => assert!(explode, "{cfg} panicked"),
    }
}

/// A thread without an override: each build names its scope with `_scope_` or a scoped key.
fn scoped_builder(shared: &Shared, offset: usize) -> Vec<String> {
    let mut last_flip = 0;
    let mut keeper_ids = Vec::new();
    for i in 0..ITERATIONS {
        let scope = SCOPES[(i + offset) % 2];
        let other = other(scope);
        assert_eq!(built(&json!({"_scope_": scope, "type": "Twin"})), scope);
        assert_eq!(built(&json!({"type": format!("{scope}.Twin")})), scope);
        assert_eq!(built(&json!({"_scope_": scope, "type": "Common"})), "zoo");
        assert_eq!(
            built(&json!({"_scope_": scope, "type": "Witness"})),
            format!("witness:{scope}")
        );
        let pair = json!({"_scope_": scope, "type": "Pair", "left": {"type": "Twin"},
                          "right": {"_scope_": other, "type": "Twin"}});
        assert_eq!(built(&pair), format!("({scope},{other})"));
        let later = json!({"_scope_": scope, "type": "Later", "friend": {"type": "Twin"}});
        assert_eq!(built(&later), format!("later:{scope}"));
        check_runtime(shared, i, scope, &mut last_flip);
        if i % 2 == 0 {
            // A panic two levels down, under two `_scope_`s.
            exploded(
                &json!({"_scope_": scope, "type": "Pair", "right": {"type": "Twin"},
                             "left": {"_scope_": other, "type": "Bomb", "explode": true}}),
            );
            exploded(&json!({"_scope_": scope, "type": "rt_bomb", "explode": true}));
            assert!(!overridden(), "an override outlived the panicking build");
        }
        keeper(i, scope, i % 4 == 0, &mut keeper_ids);
    }
    keeper_ids
}

/// A thread under an override of `scope` for its whole run.
fn overriding_builder(shared: &Shared, scope: &'static str) -> Vec<String> {
    let _guard = DefaultScope::overwrite_default_scope(Some(scope));
    let other = other(scope);
    let mut last_flip = 0;
    let mut keeper_ids = Vec::new();
    for i in 0..ITERATIONS {
        assert_eq!(built(&json!({"type": "Twin"})), scope);
        assert_eq!(built(&json!({"_scope_": other, "type": "Twin"})), other);
        assert_eq!(
            built(&json!({"type": "Witness"})),
            format!("witness:{scope}")
        );
        let pair = json!({"type": "Pair", "left": {"type": "Twin"},
                          "right": {"_scope_": other, "type": "Twin"}});
        assert_eq!(built(&pair), format!("({scope},{other})"));
        {
            let switched = ZOO.switch_scope_and_registry(Some(other)).unwrap();
            assert_eq!(switched.scope(), other);
            assert_eq!(built(&json!({"type": "Twin"})), other);
        }
        check_runtime(shared, i, scope, &mut last_flip);
        if i % 2 == 1 {
            exploded(&json!({"type": "Bomb", "explode": true}));
            exploded(&json!({"type": "Pair", "left": {"type": "Twin"},
                             "right": {"_scope_": other, "type": "Bomb", "explode": true}}));
            exploded(&json!({"type": "rt_bomb", "explode": true}));
        }
        // The thread's own override is back after every build, panicking or not.
        assert_eq!(current_scope_name().as_deref(), Some(scope));
        assert!(overridden());
        keeper(i, other, i % 4 == 1, &mut keeper_ids);
    }
    keeper_ids
}

/// A thread that relies on the process default, which another thread keeps changing: only
/// builds whose outcome is the same under every default, or one of a known set.
fn default_builder() {
    for i in 0..ITERATIONS {
        match build(&json!({"type": "Twin"})) {
            Ok(id) => assert!(id == "cats" || id == "dogs", "{id}"),
            Err(error) => assert!(
                error.starts_with("Twin is not in the zoo::animal registry."),
                "{error}"
            ),
        }
        assert_eq!(built(&json!({"type": "Common"})), "zoo");
        assert_eq!(built(&json!({"type": "cats.Twin"})), "cats");
        assert_eq!(built(&json!({"_scope_": "dogs", "type": "Twin"})), "dogs");
        let seen = built(&json!({"type": "Witness"}));
        assert!(
            [
                "witness:none",
                "witness:cats",
                "witness:dogs",
                "witness:zoo",
                "witness:nowhere"
            ]
            .contains(&seen.as_str()),
            "{seen}"
        );
        if i % 2 == 0 {
            exploded(&json!({"type": "Pair", "left": {"type": "Common"},
                             "right": {"type": "Bomb", "explode": true}}));
            assert!(!overridden());
        }
    }
}

/// Registers `rt_cat_{i}` in CATS, `[rt_a_{i}, rt_b_{i}]` in DOGS and re-registers `Flip`
/// (forced) in ZOO, until told to stop.
fn cat_registrar(shared: &Shared) -> usize {
    let mut count = 0;
    while count < REGISTRATIONS && !shared.stop.load(Ordering::Acquire) {
        let i = count;
        let name = format!("rt_cat_{i}");
        let id = name.clone();
        CATS.register_module(name.as_str(), false, move |_| Ok(named(id.clone())))
            .unwrap();
        let pair = [format!("rt_a_{i}"), format!("rt_b_{i}")];
        DOGS.register_module(pair, false, move |_| Ok(named(format!("rt_ab_{i}"))))
            .unwrap();
        // Raised before the registration, so a reader that sees version `i` sees it too.
        shared.flips.store(i + 1, Ordering::Release);
        ZOO.register_module("Flip", true, move |_| Ok(named(format!("flip:{i}"))))
            .unwrap();
        // Refused without `force`, and the first registration stays.
        let error = CATS
            .register_module(name.as_str(), false, |_| Ok(named("impostor")))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("{name} is already registered in animal at ")),
            "{error}"
        );
        shared.cats_registered.store(i + 1, Ordering::Release);
        count += 1;
        thread::sleep(Duration::from_millis(1));
    }
    count
}

/// Registers `rt_kit_{i}` in CATS (the same registry as the other registrar), re-registers
/// the static `Twin` of CATS (forced, same result), and tries an all-or-nothing registration
/// that must leave nothing behind.
fn kit_registrar(shared: &Shared) -> usize {
    let mut count = 0;
    while count < REGISTRATIONS && !shared.stop.load(Ordering::Acquire) {
        let i = count;
        let name = format!("rt_kit_{i}");
        let id = name.clone();
        CATS.register_module(name.as_str(), false, move |_| Ok(named(id.clone())))
            .unwrap();
        if i % 8 == 0 {
            CATS.register_module("Twin", true, |_| Ok(named("cats")))
                .unwrap();
        }
        let half = format!("half_{i}");
        let error = ZOO
            .register_module([half.as_str(), "Common"], false, |_| Ok(named("half")))
            .unwrap_err();
        assert!(error
            .to_string()
            .starts_with("Common is already registered"));
        assert!(ZOO.get(&half).is_none(), "{half} was half registered");
        shared.kits_registered.store(i + 1, Ordering::Release);
        count += 1;
        thread::sleep(Duration::from_millis(1));
    }
    count
}

/// Keeps changing the process default scope, until told to stop.
fn default_changer(shared: &Shared) -> usize {
    let scopes = ["cats", "dogs", "zoo", "nowhere"];
    let mut count = 0;
    while count < DEFAULT_CHANGES && !shared.stop.load(Ordering::Acquire) {
        let scope = scopes[count % scopes.len()];
        init_default_scope(scope);
        // This thread has no override: the process default it just set is in force.
        assert_eq!(current_scope_name().as_deref(), Some(scope));
        count += 1;
        thread::sleep(Duration::from_micros(300));
    }
    count
}

/// What the stress run reports back.
struct Counts {
    cats: usize,
    kits: usize,
    defaults: usize,
}

fn stress() -> Counts {
    ZOO.register_module("Flip", true, |_| Ok(named("flip:0")))
        .unwrap();
    ZOO.register_module("rt_bomb", false, |args| {
        assert!(args["explode"] != json!(true), "{EXPLODED}");
        Ok(named("rt_bomb"))
    })
    .unwrap();
    let shared = Arc::new(Shared {
        stop: AtomicBool::new(false),
        cats_registered: AtomicUsize::new(0),
        kits_registered: AtomicUsize::new(0),
        flips: AtomicUsize::new(1),
        keeper_ids: Mutex::new(HashMap::new()),
    });
    let spawn = |name: &str, f: fn(&Shared) -> Vec<String>| {
        let shared = Arc::clone(&shared);
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let ids = f(&shared);
                let mut seen = shared.keeper_ids.lock().unwrap();
                for id in ids {
                    let name = id.split(':').nth(1).unwrap().to_owned();
                    seen.entry(name).or_default().insert(id);
                }
            })
            .unwrap()
    };
    let builders = vec![
        spawn("scoped-0", |s| scoped_builder(s, 0)),
        spawn("scoped-1", |s| scoped_builder(s, 1)),
        spawn("override-cats", |s| overriding_builder(s, "cats")),
        spawn("override-dogs", |s| overriding_builder(s, "dogs")),
        spawn("process-default", |_| {
            default_builder();
            Vec::new()
        }),
    ];
    let background = |name: &str, f: fn(&Shared) -> usize| {
        let shared = Arc::clone(&shared);
        thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || f(&shared))
            .unwrap()
    };
    let cats = background("cat-registrar", cat_registrar);
    let kits = background("kit-registrar", kit_registrar);
    let defaults = background("default-changer", default_changer);

    // Join everything on another thread, so a deadlock fails the test instead of hanging it.
    let joiner_shared = Arc::clone(&shared);
    let (mut failures, counts) = on_thread("stress-run", None, DEADLOCK, move || {
        let mut failures = Vec::new();
        for builder in builders {
            if let Err(panic) = builder.join() {
                failures.push(panic);
            }
        }
        joiner_shared.stop.store(true, Ordering::Release);
        let mut counts = Vec::new();
        for handle in [cats, kits, defaults] {
            match handle.join() {
                Ok(count) => counts.push(count),
                Err(panic) => failures.push(panic),
            }
        }
        (failures, counts)
    });
    if let Some(panic) = failures.pop() {
        panic::resume_unwind(panic);
    }

    // Every keeper name was one instance, whichever thread made it.
    let seen = shared.keeper_ids.lock().unwrap();
    for (name, ids) in seen.iter() {
        assert_eq!(ids.len(), 1, "{name}: {ids:?}");
        assert!(Keeper::check_instance_created(name));
    }
    assert!(!Keeper::check_instance_created("k-exploding"));
    Counts {
        cats: counts[0],
        kits: counts[1],
        defaults: counts[2],
    }
}

#[test]
fn builds_resolve_as_alone_while_registering_changing_defaults_and_panicking() {
    let _serial = serial();
    quiet_bombs();
    let counts = stress();
    assert!(counts.cats > 0 && counts.kits > 0 && counts.defaults > 0);

    // Nothing registered was lost.
    for i in 0..counts.cats {
        let name = format!("rt_cat_{i}");
        assert_eq!(CATS.get(&name).unwrap().name(), name);
        assert_eq!(built(&json!({"type": format!("cats.{name}")})), name);
        let a = DOGS.get(&format!("rt_a_{i}")).unwrap();
        assert!(a.same_entry(&DOGS.get(&format!("rt_b_{i}")).unwrap()));
        assert_eq!(
            built(&json!({"type": format!("dogs.rt_b_{i}")})),
            format!("rt_ab_{i}")
        );
    }
    for i in 0..counts.kits {
        let name = format!("rt_kit_{i}");
        assert_eq!(built(&json!({"type": format!("cats.{name}")})), name);
        assert!(ZOO.get(&format!("half_{i}")).is_none());
    }
    // The last forced registration is the one in force.
    assert_eq!(
        built(&json!({"type": "Flip"})),
        format!("flip:{}", counts.cats - 1)
    );
    assert!(CATS.get("Twin").unwrap().is_forced());
    assert_eq!(built(&json!({"type": "cats.Twin"})), "cats");

    // Every lock still works, from a thread that took part in nothing.
    on_thread("after-stress", None, DEADLOCK, || {
        CATS.register_module("after_stress", false, |_| Ok(named("after")))
            .unwrap();
        assert_eq!(built(&json!({"type": "cats.after_stress"})), "after");
        CATS.register_module("after_stress", true, |_| Ok(named("after, forced")))
            .unwrap();
        assert_eq!(
            built(&json!({"type": "cats.after_stress"})),
            "after, forced"
        );

        let scope = DefaultScope::get_instance("after-stress", "dogs");
        assert_eq!(scope.scope_name(), "dogs");
        assert_eq!(current_scope_name().as_deref(), Some("dogs"));
        assert!(DefaultScope::check_instance_created("after-stress"));
        init_default_scope("cats");
        assert_eq!(current_scope_name().as_deref(), Some("cats"));

        // The keeper whose pet always exploded: never created, creatable now.
        let made = Keeper::manager()
            .get_or_create("k-exploding", |name| {
                Ok::<_, ()>(Keeper {
                    name: name.to_owned(),
                    pet: None,
                })
            })
            .unwrap();
        assert_eq!(made.instance_name(), "k-exploding");
        let again = ZOO
            .build(&json!({"type": "Keeper", "name": "k-exploding"}))
            .unwrap();
        assert_eq!(again.id(), made.id());
        let fresh = built(&json!({"type": "Keeper", "name": "k-fresh",
                                  "pet": {"type": "Bomb", "explode": false}}));
        assert!(fresh.starts_with("keeper:k-fresh:"));

        // Warnings: a new one is logged, once.
        let cfg = json!({"_scope_": "unheard-of-after-stress", "type": "Common"});
        let (id, logs) = logs_of(|| built(&cfg));
        assert_eq!(id, "zoo");
        assert!(
            logs.starts_with("Failed to search registry with scope \"unheard-of-after-stress\""),
            "{logs}"
        );
        let (_, logs) = logs_of(|| built(&cfg));
        assert_eq!(logs, "");
    });
}

// ---- single-thread checks of what a panic leaves behind ---------------------------------

/// `levels` nested `Nest`s around `innermost`, each level with a `_scope_` (alternating).
fn nest(levels: usize, innermost: Value) -> Value {
    let mut cfg = innermost;
    for level in 0..levels {
        cfg = json!({"_scope_": SCOPES[level % 2], "type": "Nest", "inner": cfg});
    }
    cfg
}

#[test]
fn a_panic_deep_in_a_nested_build_restores_the_scope_and_the_depth() {
    let _serial = serial();
    quiet_bombs();
    on_thread("nested-panic", None, DEADLOCK, || {
        // The deepest chain that builds, found by trying.
        let mut deepest = 0;
        while build(&nest(deepest + 1, json!({"type": "Twin"}))).is_ok() {
            deepest += 1;
        }
        assert!(deepest > 10, "{deepest}");
        let too_deep = build(&nest(deepest + 1, json!({"type": "Twin"}))).unwrap_err();
        assert!(too_deep.contains("the config is nested more than 128 levels deep"));

        for outer in [None, Some("dogs")] {
            let _guard = DefaultScope::overwrite_default_scope(outer);
            for _ in 0..10 {
                exploded(&nest(deepest - 1, json!({"type": "Bomb", "explode": true})));
                // Had the depth or a `_scope_` of the panicking build stayed behind, these
                // would fail.
                assert_eq!(overridden(), outer.is_some());
                if let Some(outer) = outer {
                    assert_eq!(current_scope_name().as_deref(), Some(outer));
                }
                assert!(build(&nest(deepest, json!({"type": "Twin"}))).is_ok());
                assert!(build(&nest(deepest + 1, json!({"type": "Twin"}))).is_err());
            }
        }
    });
}

/// A log writer that panics, as a broken subscriber might.
struct Exploding;

impl std::io::Write for Exploding {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        panic!("{EXPLODED}");
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Makes this thread's log subscriber panic on every event, until the guard drops.
fn exploding_subscriber() -> impl Drop {
    let subscriber = tracing_subscriber::fmt()
        .with_writer(|| Exploding)
        .with_ansi(false)
        .finish();
    tracing_subscriber::util::SubscriberInitExt::set_default(subscriber)
}

#[test]
fn a_panicking_log_subscriber_leaves_warnings_working() {
    let _serial = serial();
    quiet_bombs();
    // The first use logs the assembly's warnings: not under the panicking subscriber (that
    // is the test in a process of its own below).
    assert!(ZOO.get("Common").is_some());
    on_thread("panicking-subscriber", None, DEADLOCK, || {
        let _subscriber = exploding_subscriber();
        exploded(&json!({"_scope_": "panicky-log", "type": "Common"}));
        assert!(!overridden());
    });
    // Another thread logs new warnings, and so does this one.
    let logs = on_thread("after-panicking-subscriber", None, DEADLOCK, || {
        let cfg = json!({"_scope_": "after-panicky-log", "type": "Common"});
        logs_of(|| built(&cfg)).1
    });
    assert!(
        logs.starts_with("Failed to search registry with scope \"after-panicky-log\""),
        "{logs}"
    );
    let cfg = json!({"_scope_": "after-panicky-log-2", "type": "Common"});
    let (_, logs) = logs_of(|| built(&cfg));
    assert!(logs.contains("\"after-panicky-log-2\""), "{logs}");
    // Registering works too.
    CATS.register_module("after_panicky_log", false, |_| Ok(named("ok")))
        .unwrap();
    assert_eq!(built(&json!({"type": "cats.after_panicky_log"})), "ok");
}

// ---- the first use of the registries, in a process of its own ---------------------------

/// A constructor for a name no registry has: assembling the tree warns about it.
#[register_module(registry = ZOO, name = "Nobody", constructor = "from_nothing")]
fn orphan_constructor() -> Named {
    Named("orphan".to_owned())
}

/// Set in the child process that runs `first_use_under_a_panicking_subscriber`.
const CHILD: &str = "REGISTRY_STRESS_FIRST_USE_CHILD";

#[test]
fn a_panic_while_logging_the_assembly_warnings_leaves_the_registries_usable() {
    // The tree is assembled, and its warnings logged, once per process: on the first use.
    // Make that first use in a process of its own: this binary, running only the test below.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "first_use_under_a_panicking_subscriber",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the child process failed:\n{text}");
    assert!(text.contains("test result: ok. 1 passed"), "{text}");
}

#[test]
#[ignore = "run by a_panic_while_logging_the_assembly_warnings_leaves_the_registries_usable"]
fn first_use_under_a_panicking_subscriber() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    quiet_bombs();
    // The first use of any registry, with a log subscriber that panics on the assembly's
    // warning (the orphan constructor above).
    let first = on_thread("first-use", None, DEADLOCK, || {
        let _subscriber = exploding_subscriber();
        catch_unwind(AssertUnwindSafe(|| ZOO.get("Common").is_some())).is_ok()
    });
    assert!(
        !first,
        "expected the assembly's warning to reach the subscriber"
    );
    // Everything works afterwards, from another thread and from this one.
    let check = || {
        assert_eq!(built(&json!({"type": "Common"})), "zoo");
        assert_eq!(built(&json!({"_scope_": "dogs", "type": "Twin"})), "dogs");
        let pair = json!({"type": "Pair", "left": {"type": "cats.Twin"},
                          "right": {"type": "dogs.Twin"}});
        assert_eq!(built(&pair), "(cats,dogs)");
        let _guard = DefaultScope::overwrite_default_scope(Some("cats"));
        assert_eq!(built(&json!({"type": "Twin"})), "cats");
    };
    on_thread("after-first-use", None, DEADLOCK, check);
    check();
    DOGS.register_module("after_first_use", false, |_| Ok(named("ok")))
        .unwrap();
    assert_eq!(built(&json!({"type": "dogs.after_first_use"})), "ok");
}
