//! Resource limits on hostile input: configs nested too deep (nested builds, plain JSON,
//! `_scope_` chains), configs that build themselves again, megabyte-long keys and names, and
//! huge lists. Each must end in a clear error, not a hang, a stack overflow or a huge
//! allocation.
//!
//! The deep cases run on threads with a 2 MiB stack (the default for spawned threads), so a
//! missing limit shows up as a crash of this test binary, naming the thread of the case. A
//! counting allocator measures what each case allocates on its own thread. Inputs deeper than
//! a stack can drop recursively are taken apart by `dismantle`.
//!
//! The depth limit is process-wide: tests that rely on its default take `LIMIT` for reading,
//! the one that changes it takes it for writing and restores it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::any::Any;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use registry_core::{
    build_model_from_cfg, depth_limit, register_module, registry, set_depth_limit, BuildError,
    Built, Lazy, Managed, Registry, SequentialContainer, DEFAULT_DEPTH_LIMIT,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;
use support::{logs_of, on_thread};

// ---- measuring ------------------------------------------------------------------------

/// Counts the bytes each thread has live, and the peak since the last reset.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: allocations during thread teardown are simply not counted.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

#[allow(
    clippy::cast_possible_wrap,
    reason = "allocation sizes are below isize::MAX"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            count(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the most bytes it had allocated at once on this
/// thread (beyond what was live before).
fn peak_bytes<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let result = f();
    let peak = PEAK.with(Cell::get) - base;
    (result, usize::try_from(peak).unwrap_or(0))
}

const MIB: usize = 1 << 20;

/// The stack of a thread spawned without `stack_size`.
const SMALL_STACK: usize = 2 * MIB;

/// How long a case may take before it counts as a hang (generous: debug builds, loaded CI).
const HANG: Duration = Duration::from_secs(10);

/// Drops a value of any depth without recursion (serde_json's `Drop` recurses).
fn dismantle(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.into_iter().map(|(_, value)| value)),
            _ => {}
        }
    }
}

/// Builds `cfg` through `registry` on a small stack; the description or the error's text.
fn build_small(
    case: &str,
    registry: &'static Registry<dyn Node>,
    cfg: Value,
) -> Result<String, String> {
    on_thread(case, Some(SMALL_STACK), HANG, move || {
        let result = registry
            .build(&cfg)
            .map(|built| built.describe())
            .map_err(|error| error.to_string());
        dismantle(cfg);
        result
    })
}

fn expect_err(result: Result<String, String>) -> String {
    match result {
        Ok(built) => panic!("expected an error, built {built}"),
        Err(error) => error,
    }
}

const TOO_DEEP: &str = "the config is nested more than 128 levels deep \
                        (see `registry_core::set_depth_limit`)";

/// Far deeper than any stack holds if a level costs more than a few bytes of it.
const DEEP: usize = 100_000;

/// Guards the process-wide depth limit: tests that rely on its default read it.
static LIMIT: RwLock<()> = RwLock::new(());

fn default_limit() -> RwLockReadGuard<'static, ()> {
    let guard = LIMIT
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert_eq!(depth_limit(), DEFAULT_DEPTH_LIMIT);
    guard
}

// ---- registries ------------------------------------------------------------------------

pub trait Node: Any + Send + Sync {
    fn describe(&self) -> String;
}

pub trait Layer: Any + Send + Sync {
    fn describe(&self) -> String;
}

registry! {
    //            NODES (limits)
    //          _______|_______
    //         |               |
    //    LEFT (left)     RIGHT (right)
    static NODES: Registry<dyn Node> = Registry::new("node").with_scope("limits");
    static LEFT: Registry<dyn Node> = Registry::new("node").with_parent(&NODES).with_scope("left");
    static RIGHT: Registry<dyn Node> =
        Registry::new("node").with_parent(&NODES).with_scope("right");
    static LAYERS: Registry<dyn Layer> =
        Registry::new("layer").with_scope("limits").with_build_func(build_model_from_cfg);
}

struct Leaf(&'static str);

impl Node for Leaf {
    fn describe(&self) -> String {
        self.0.to_owned()
    }
}

#[register_module(registry = NODES, name = "Leaf")]
fn leaf() -> Leaf {
    Leaf("leaf")
}

#[register_module(registry = LEFT, name = "Twin")]
fn left_twin() -> Leaf {
    Leaf("left")
}

#[register_module(registry = RIGHT, name = "Twin")]
fn right_twin() -> Leaf {
    Leaf("right")
}

/// Nests itself: `{"type": "Chain", "inner": {"type": "Chain", ...}}`.
#[register_module(registry = NODES)]
#[derive(Deserialize)]
struct Chain {
    inner: Option<Built<dyn Node>>,
}

impl Node for Chain {
    fn describe(&self) -> String {
        match &self.inner {
            Some(inner) => format!("Chain({})", inner.describe()),
            None => "Chain".to_owned(),
        }
    }
}

/// Plain JSON in a field, in the containers a struct may hold it in.
#[register_module(registry = NODES)]
#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    value: Value,
    #[serde(default)]
    list: Vec<Value>,
    #[serde(default)]
    map: BTreeMap<String, Value>,
    #[serde(default)]
    maybe: Option<Value>,
    #[serde(default)]
    shape: Option<Shape>,
}

#[derive(Deserialize)]
enum Shape {
    Tree(Value),
}

impl Node for Raw {
    fn describe(&self) -> String {
        let shape = self.shape.as_ref().map(|Shape::Tree(tree)| tree.is_array());
        format!(
            "Raw({}, {}, {}, {:?}, {shape:?})",
            self.value.is_array(),
            self.list.len(),
            self.map.len(),
            self.maybe.as_ref().map(Value::is_array),
        )
    }
}

/// Two known keys, for unknown-key errors.
#[register_module(registry = NODES)]
#[derive(Deserialize)]
struct Fields {
    depth: u32,
    #[serde(default)]
    stages: Vec<u32>,
}

impl Node for Fields {
    fn describe(&self) -> String {
        format!("Fields({}, {})", self.depth, self.stages.len())
    }
}

/// Builds its own registry again, with `default_args` naming itself: a loop through user code.
#[register_module(registry = NODES, name = "again")]
fn again() -> Result<Leaf, BuildError> {
    NODES
        .build_with(&json!({}), &json!({"type": "again"}))
        .map(|_| Leaf("again"))
}

/// Builds its `Lazy` field with the field's own config as the field again.
#[register_module(registry = NODES)]
fn lazy_self(me: Lazy<dyn Node>) -> Result<Leaf, BuildError> {
    me.build_with(&json!({"me": me.config()}))
        .map(|_| Leaf("lazy"))
}

/// A managed type with a nested field of its own registry's product.
#[register_module(registry = NODES, managed)]
#[derive(Deserialize)]
struct Hub {
    name: String,
    child: Option<Built<dyn Node>>,
}

support::managed_by_name!(Hub);

impl Node for Arc<Hub> {
    fn describe(&self) -> String {
        match &self.child {
            Some(child) => format!("Hub {}({})", self.name, child.describe()),
            None => format!("Hub {}", self.name),
        }
    }
}

struct Sequential(Vec<Box<dyn Layer>>);

impl Layer for Sequential {
    fn describe(&self) -> String {
        format!("Sequential of {}", self.0.len())
    }
}

impl SequentialContainer for dyn Layer {
    fn sequential(layers: Vec<Box<dyn Layer>>) -> Box<dyn Layer> {
        Box::new(Sequential(layers))
    }
}

#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Scale {
    #[allow(dead_code, reason = "only built")]
    by: f32,
}

impl Layer for Scale {
    fn describe(&self) -> String {
        "Scale".to_owned()
    }
}

// ---- depth: nested builds, plain JSON, `_scope_` chains ---------------------------------

/// An object of `entries`, the values moved in (`json!` copies a variable through
/// `serde_json::to_value`, which recurses as deep as the value goes).
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

/// `leaf` wrapped `levels` times by `wrap` (which gets the level, innermost 0).
fn nest(levels: usize, leaf: Value, wrap: impl Fn(Value, usize) -> Value) -> Value {
    let mut value = leaf;
    for level in 0..levels {
        value = wrap(value, level);
    }
    value
}

#[test]
fn nested_builds_deeper_than_the_limit_end_in_the_depth_error() {
    let _limit = default_limit();
    let cfg = nest(DEEP, json!({"type": "Chain"}), |inner, _| {
        object([("type", json!("Chain")), ("inner", inner)])
    });
    let error = expect_err(build_small("deep-built", &NODES, cfg));
    assert!(error.starts_with("inner.inner.inner."), "{error:.200}");
    assert!(error.ends_with(TOO_DEEP), "{error:.200}");

    // Nested builds around plain lists that hold more configs (read as plain JSON).
    let cfg = nest(DEEP, json!({"type": "Chain"}), |inner, level| {
        match level % 2 {
            0 => object([("type", json!("Raw")), ("list", Value::Array(vec![inner]))]),
            _ => object([
                ("type", json!("Chain")),
                (
                    "inner",
                    object([("type", json!("Chain")), ("inner", inner)]),
                ),
            ]),
        }
    });
    let error = expect_err(build_small("deep-built-and-lists", &NODES, cfg));
    assert!(error.contains(TOO_DEEP), "{}", &error[error.len() - 300..]);

    // Within the limit it builds (each nested build takes two levels: its object and its build).
    let cfg = nest(40, json!({"type": "Chain"}), |inner, _| {
        object([("type", json!("Chain")), ("inner", inner)])
    });
    let built = build_small("shallow-built", &NODES, cfg).unwrap();
    assert!(built.starts_with("Chain(Chain("), "{built:.100}");
}

#[test]
fn plain_json_deeper_than_the_limit_ends_in_the_depth_error() {
    let _limit = default_limit();
    let objects = || nest(DEEP, json!(1), |inner, _| object([("k", inner)]));
    let cases = [
        (
            "value-arrays",
            object([("type", json!("Raw")), ("value", arrays())]),
        ),
        (
            "value-objects",
            object([("type", json!("Raw")), ("value", objects())]),
        ),
        (
            "list",
            object([
                ("type", json!("Raw")),
                ("list", Value::Array(vec![arrays()])),
            ]),
        ),
        (
            "map",
            object([
                ("type", json!("Raw")),
                ("map", object([("deep", objects())])),
            ]),
        ),
        (
            "option",
            object([("type", json!("Raw")), ("maybe", arrays())]),
        ),
    ];
    for (case, cfg) in cases {
        let error = expect_err(build_small(case, &NODES, cfg));
        assert!(error.contains(TOO_DEEP), "{case}: {error:.300}");
    }
    // An unknown key holding deep JSON is reported as unknown, without reading the value.
    let cfg = object([
        ("type", json!("Fields")),
        ("depth", json!(1)),
        ("extra", arrays()),
    ]);
    let error = expect_err(build_small("unknown-deep", &NODES, cfg));
    assert!(
        error.ends_with("unknown field `extra`, expected `depth` or `stages`"),
        "{error:.300}"
    );
    // Within the limit: built.
    let cfg = object([
        ("type", json!("Raw")),
        (
            "value",
            nest(100, json!(1), |inner, _| Value::Array(vec![inner])),
        ),
    ]);
    assert_eq!(
        build_small("shallow-json", &NODES, cfg).unwrap(),
        "Raw(true, 0, 0, None, None)"
    );
}

/// 100,000 nested arrays around `1`.
fn arrays() -> Value {
    nest(DEEP, json!(1), |inner, _| Value::Array(vec![inner]))
}

#[test]
fn plain_json_inside_an_enum_ends_in_the_depth_error() {
    let _limit = default_limit();
    let cfg = object([
        ("type", json!("Raw")),
        ("shape", object([("Tree", arrays())])),
    ]);
    let error = expect_err(build_small("enum", &NODES, cfg));
    assert!(error.contains(TOO_DEEP), "{error:.300}");
}

#[test]
fn deep_json_given_to_a_closure_registered_at_run_time_ends_in_the_depth_error() {
    let _limit = default_limit();
    NODES
        .register_module("takes_anything", false, |_| Ok(Box::new(Leaf("anything"))))
        .unwrap();
    let cfg = object([("type", json!("takes_anything")), ("value", arrays())]);
    let error = expect_err(build_small("run-time-closure", &NODES, cfg));
    assert!(error.contains(TOO_DEEP), "{error:.300}");
}

#[test]
fn deep_json_in_a_managed_types_arguments_ends_in_the_depth_error() {
    let _limit = default_limit();
    let cfg = object([
        ("type", json!("Hub")),
        ("name", json!("deep")),
        ("child", arrays()),
    ]);
    let error = expect_err(build_small("managed-arguments", &NODES, cfg));
    assert!(error.contains(TOO_DEEP), "{error:.300}");
    assert!(!Hub::check_instance_created("deep"));
}

#[test]
fn a_deep_config_without_type_ends_in_the_missing_type_error() {
    let cfg = object([("value", arrays())]);
    let error = expect_err(build_small("missing-type", &NODES, cfg));
    assert!(
        error.starts_with("`cfg` or `default_args` must contain the key \"type\", but got "),
        "{error:.300}"
    );
}

#[test]
fn chains_of_scope_overrides_end_in_the_depth_error() {
    let _limit = default_limit();
    // Alternating known scopes, then a new unknown scope at every level (each one warns).
    let known = nest(DEEP, json!({"type": "Twin"}), |inner, level| {
        let scope = if level % 2 == 0 { "left" } else { "right" };
        object([
            ("_scope_", json!(scope)),
            ("type", json!("Chain")),
            ("inner", inner),
        ])
    });
    let unknown = nest(DEEP, json!({"type": "Leaf"}), |inner, level| {
        object([
            ("_scope_", json!(format!("nowhere{level}"))),
            ("type", json!("Chain")),
            ("inner", inner),
        ])
    });
    for (case, cfg) in [("scope-chain", known), ("unknown-scope-chain", unknown)] {
        let (error, overrides_left) = on_thread(case, Some(SMALL_STACK), HANG, move || {
            let result = NODES.build(&cfg).map(|built| built.describe());
            dismantle(cfg);
            // Every override the chain pushed was popped.
            let left = registry_core::DefaultScope::get_current_instance()
                .map(|scope| scope.instance_name().to_owned());
            (result.err().map(|error| error.to_string()), left)
        });
        let error = error.expect("expected the depth error");
        assert!(error.ends_with(TOO_DEEP), "{case}: {error:.300}");
        assert_eq!(overrides_left, None, "{case}");
    }
    // A short chain resolves through each level's scope.
    let cfg = json!({"_scope_": "left", "type": "Chain", "inner":
        {"_scope_": "right", "type": "Chain", "inner": {"type": "Twin"}}});
    assert_eq!(
        build_small("short-scope-chain", &NODES, cfg).unwrap(),
        "Chain(Chain(right))"
    );
}

#[test]
fn the_depth_limit_can_be_changed_and_restored() {
    let _writer: RwLockWriteGuard<'_, ()> = LIMIT
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    /// Restores the default however the test ends.
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            set_depth_limit(DEFAULT_DEPTH_LIMIT);
        }
    }
    let _restore = Restore;
    let chain = |levels| {
        nest(levels, json!({"type": "Chain"}), |inner, _| {
            object([("type", json!("Chain")), ("inner", inner)])
        })
    };
    set_depth_limit(8);
    assert_eq!(depth_limit(), 8);
    let error = expect_err(build_small("limit-8", &NODES, chain(DEEP)));
    assert!(
        error.ends_with(
            "the config is nested more than 8 levels deep (see `registry_core::set_depth_limit`)"
        ),
        "{error:.300}"
    );
    assert_eq!(
        build_small("limit-8-ok", &NODES, chain(2)).unwrap(),
        "Chain(Chain(Chain))"
    );
    let error = expect_err(build_small(
        "limit-8-json",
        &NODES,
        json!({"type": "Raw", "value": [[[[[[[[[[1]]]]]]]]]]}),
    ));
    assert!(error.contains("more than 8 levels deep"), "{error}");

    // Zero: nothing builds, not even a flat config.
    set_depth_limit(0);
    let error = expect_err(build_small("limit-0", &NODES, json!({"type": "Leaf"})));
    assert_eq!(
        error,
        "the config is nested more than 0 levels deep (see `registry_core::set_depth_limit`)"
    );

    set_depth_limit(DEFAULT_DEPTH_LIMIT);
    assert!(expect_err(build_small("restored", &NODES, chain(DEEP))).ends_with(TOO_DEEP));
}

// ---- configs that build themselves ------------------------------------------------------

#[test]
fn a_function_that_builds_itself_through_default_args_ends_in_the_depth_error() {
    let _limit = default_limit();
    let error = expect_err(build_small("again", &NODES, json!({"type": "again"})));
    assert!(
        error.starts_with(
            "failed to build `again` from the limits::node registry: failed to build `again`"
        ),
        "{error:.300}"
    );
    assert!(error.ends_with(TOO_DEEP), "{error:.300}");

    // The same loop through a closure registered at run time.
    NODES
        .register_module("again_at_run_time", false, |_| {
            NODES
                .build_with(&json!({}), &json!({"type": "again_at_run_time"}))
                .map_err(Into::into)
        })
        .unwrap();
    let error = expect_err(build_small(
        "again-at-run-time",
        &NODES,
        json!({"type": "again_at_run_time"}),
    ));
    assert!(error.ends_with(TOO_DEEP), "{error:.300}");
}

#[test]
fn a_lazy_field_that_builds_itself_ends_in_the_depth_error() {
    let _limit = default_limit();
    let cfg = json!({"type": "lazy_self", "me": {"type": "lazy_self"}});
    let error = expect_err(build_small("lazy-self", &NODES, cfg));
    assert!(
        error.starts_with("failed to build `lazy_self` from the limits::node registry"),
        "{error:.300}"
    );
    assert!(error.contains(TOO_DEEP), "{}", &error[error.len() - 300..]);
}

#[test]
fn a_managed_config_that_contains_its_own_instance_is_an_error_not_a_deadlock() {
    let _limit = default_limit();
    // Two names: the inner instance is made while the outer one is being made.
    let cfg = json!({"type": "Hub", "name": "outer", "child": {"type": "Hub", "name": "inner"}});
    assert_eq!(
        build_small("managed-two-names", &NODES, cfg).unwrap(),
        "Hub outer(Hub inner)"
    );
    // One name: the instance would have to exist before it is made.
    let cfg = json!({"type": "Hub", "name": "itself", "child": {"type": "Hub", "name": "itself"}});
    let error = expect_err(build_small("managed-itself", &NODES, cfg));
    assert_eq!(
        error,
        "child: the test_limits::Hub instance \"itself\" is asked for while it is being \
         created (its own arguments or constructor refer to it): it cannot exist before it is \
         made\n  while building `Hub` from the limits::node registry"
    );
    assert!(!Hub::check_instance_created("itself"));
}

// ---- very long keys and names -------------------------------------------------------------

/// Runs `f` (a build and the display of its error) on a small stack and returns the error
/// text with the most bytes allocated at once; fails if it takes longer than `HANG`.
fn long_case(case: &str, f: impl FnOnce() -> Option<String> + Send + 'static) -> (String, usize) {
    let (text, peak) = on_thread(case, Some(SMALL_STACK), HANG, move || peak_bytes(f));
    (text.expect("expected an error"), peak)
}

/// Bytes a 1 MiB input may cost, copies of it in the message included: the edit distance of a
/// 1 MiB name takes tens of MiB, and of two such names, terabytes.
const LONG_BUDGET: usize = 16 * MIB;

#[test]
fn a_megabyte_type_name_is_reported_without_comparing_it() {
    let long = "R".repeat(MIB);
    let expected_start = format!("{long} is not in the limits::node registry.");
    let (text, peak) = long_case("long-type", move || {
        let error = NODES.build(&json!({"type": long})).err()?;
        Some(error.to_string())
    });
    assert!(text.starts_with(&expected_start), "{:.100}", text);
    assert!(!text.contains("did you mean"), "{:.100}", text);
    assert!(peak < LONG_BUDGET, "{peak} bytes");

    // A registered name of a megabyte and a typo of it: comparing them would take 10^12 steps.
    let registered = "N".repeat(MIB);
    NODES
        .register_module(registered.as_str(), false, |_| Ok(Box::new(Leaf("long"))))
        .unwrap();
    let mut typo = registered.clone();
    typo.replace_range(MIB / 2..MIB / 2 + 1, "M");
    let (text, peak) = long_case("long-registered-name", move || {
        let error = NODES.build(&json!({"type": typo})).err()?;
        Some(error.to_string())
    });
    assert!(text.contains("is not in the limits::node registry"));
    assert!(!text.contains("did you mean"));
    assert!(peak < LONG_BUDGET, "{peak} bytes");
    assert_eq!(
        NODES
            .build(&json!({"type": registered}))
            .unwrap()
            .describe(),
        "long"
    );
}

#[test]
fn a_megabyte_scope_prefix_is_an_unknown_scope() {
    let scope = "s".repeat(MIB);
    let expected = format!(
        "{scope}.Leaf is not in the limits::node registry: no registry in its tree has the \
         scope \"{scope}\"\n  the scopes are: left, limits, right"
    );
    let (text, peak) = long_case("long-scope-prefix", move || {
        let error = NODES
            .build(&json!({"type": format!("{scope}.Leaf")}))
            .err()?;
        Some(error.to_string())
    });
    assert!(
        text == expected,
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
    assert!(peak < LONG_BUDGET, "{peak} bytes");

    // As `_scope_`: an unknown default scope falls back to the registry with a warning. The
    // warning quotes the scope cut to 128 bytes, and remembering it (to log it once) keeps a
    // hash, not the message: a megabyte scope leaves almost nothing behind.
    let scope = "t".repeat(MIB);
    let expected_log = format!(
        "Failed to search registry with scope \"{}…\" in the \"node\" registry tree.",
        "t".repeat(128)
    );
    let ((built, log_line, retained), peak) =
        on_thread("long-scope-key", Some(SMALL_STACK), HANG, move || {
            peak_bytes(|| {
                let before = LIVE.with(Cell::get);
                let (built, logs) = {
                    let cfg = json!({"_scope_": scope, "type": "Leaf"});
                    logs_of(|| {
                        NODES
                            .build(&cfg)
                            .map(|leaf| leaf.describe())
                            .map_err(|error| error.to_string())
                    })
                };
                let facts = (built, logs.lines().next().map(str::to_owned));
                drop(logs);
                let retained = LIVE.with(Cell::get) - before;
                (facts.0, facts.1, retained)
            })
        });
    assert_eq!(built.unwrap(), "leaf");
    let log_line = log_line.expect("a warning");
    assert!(log_line.starts_with(&expected_log), "{log_line:.300}");
    assert!(log_line.len() < 1_000, "{} bytes", log_line.len());
    assert!(peak < LONG_BUDGET, "{peak} bytes");
    // What is still allocated besides the results: the remembered warning and whatever
    // `tracing` keeps. A copy of the scope would be a megabyte.
    assert!(retained < 64 * 1024, "{retained} bytes retained");
}

#[test]
fn a_key_with_many_scope_segments_does_not_overflow() {
    // `left.right.left.right. ... .Twin`: each segment is a scope of the tree and each hop goes
    // to a sibling; the rules resolve it to the last scope's `Twin`. A string has no depth
    // for a JSON parser to refuse: this key arrives in an ordinary config file.
    let key = format!("{}Twin", "left.right.".repeat(MIB / 11));
    let (found, built) = on_thread("many-scope-segments", Some(SMALL_STACK), HANG, move || {
        let found = NODES.get(&key).map(|module| module.scope());
        let built = NODES
            .build(&json!({"type": key}))
            .map(|built| built.describe())
            .map_err(|error| error.to_string().chars().take(300).collect::<String>());
        (found, built)
    });
    // Each hop goes to the sibling named, so the last scope's `Twin` is found.
    assert_eq!(found, Some("right"));
    assert_eq!(built.unwrap(), "right");
}

#[test]
fn a_megabyte_unknown_field_is_reported_without_comparing_it() {
    let field = "f".repeat(MIB);
    let (text, peak) = long_case("long-field", move || {
        let mut cfg = json!({"type": "Fields", "depth": 1});
        cfg.as_object_mut().unwrap().insert(field, json!(1));
        let error = NODES.build(&cfg).err()?;
        Some(error.to_string())
    });
    assert!(
        text.starts_with(
            "failed to build `Fields` from the limits::node registry: unknown field `fff"
        ),
        "{:.100}",
        text
    );
    assert!(
        text.ends_with("`, expected `depth` or `stages`"),
        "{:.100}",
        &text[MIB..]
    );
    assert!(peak < LONG_BUDGET, "{peak} bytes");

    // Inside a nested build: the path names where.
    let field = "g".repeat(MIB);
    let (text, peak) = long_case("long-nested-field", move || {
        let mut inner = json!({"type": "Fields", "depth": 1});
        inner.as_object_mut().unwrap().insert(field, json!(1));
        let error = NODES
            .build(&object([("type", json!("Chain")), ("inner", inner)]))
            .err()?;
        Some(error.to_string())
    });
    assert!(
        text.starts_with("inner: unknown field `ggg"),
        "{:.100}",
        text
    );
    assert!(peak < LONG_BUDGET, "{peak} bytes");
}

// ---- huge lists -------------------------------------------------------------------------

const LONG_LIST: usize = 100_000;

fn layers(bad: &[(usize, Value)]) -> Value {
    let mut list: Vec<Value> = (0..LONG_LIST)
        .map(|_| json!({"type": "Scale", "by": 2.0}))
        .collect();
    for (index, element) in bad {
        list[*index] = element.clone();
    }
    Value::Array(list)
}

/// Bytes a 100,000-element list build may take beyond its input: the built layers and the
/// list of them, a few MiB.
const LIST_BUDGET: usize = 32 * MIB;

#[test]
fn a_huge_list_builds_in_proportional_memory() {
    let cfg = layers(&[]);
    let (built, peak) = peak_bytes(|| LAYERS.build(&cfg).map(|model| model.describe()));
    assert_eq!(built.unwrap(), "Sequential of 100000");
    assert!(peak < LIST_BUDGET, "{peak} bytes");
}

#[test]
fn a_huge_list_with_bad_elements_names_the_first() {
    let cfg = layers(&[
        (73_421, json!({"type": "Scale", "by": "two"})),
        (73_422, json!({"type": "Nope"})),
        (99_999, json!(7)),
    ]);
    let (error, peak) = peak_bytes(|| LAYERS.build(&cfg).err().map(|e| e.to_string()));
    assert_eq!(
        error.unwrap(),
        "[73421].by: invalid type: string \"two\", expected f32\n  \
         while building `Scale` from the limits::layer registry"
    );
    assert!(peak < LIST_BUDGET, "{peak} bytes");

    let cfg = layers(&[(LONG_LIST - 1, json!({"type": "Scael", "by": 1.0}))]);
    let error = LAYERS.build(&cfg).err().unwrap().to_string();
    assert!(
        error.starts_with("[99999]: Scael is not in the limits::layer registry."),
        "{error}"
    );
    assert!(error.contains("did you mean `Scale`?"), "{error}");

    let cfg = layers(&[(LONG_LIST - 1, json!(7))]);
    assert_eq!(
        LAYERS.build(&cfg).err().unwrap().to_string(),
        "[99999]: cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got \
         a number"
    );
}

#[test]
fn a_huge_array_field_names_its_bad_element() {
    let mut stages: Vec<Value> = (0..1_000_000).map(|i| json!(i % 7)).collect();
    stages[999_999] = json!(-1);
    let cfg = json!({"type": "Fields", "depth": 1, "stages": stages});
    let (error, peak) = peak_bytes(|| NODES.build(&cfg).err().map(|e| e.to_string()));
    assert_eq!(
        error.unwrap(),
        "stages[999999]: invalid value: integer `-1`, expected u32\n  \
         while building `Fields` from the limits::node registry"
    );
    // The million numbers read so far: 4 MB as `u32`s, plus the vector's growth.
    assert!(peak < LIST_BUDGET, "{peak} bytes");
}
