//! The `build_cfg` fuzz harness: arbitrary bytes read as a JSON config and built every way the
//! library offers, on a registry tree with scopes (one of them held twice), nested configs,
//! functions with `Option` parameters, default args and MMEngine's special build functions.
//!
//! Shared, through `#[path]`, by the libFuzzer target `fuzz/fuzz_targets/build_cfg.rs` and the
//! replay test `tests/test_fuzz_corpus.rs`, so a crash input found by the fuzzer fails a
//! regular test too.
//!
//! The input is a stream of up to three JSON values: the config, the `default_args`, and a
//! default scope (a string) to build under. Input that is not JSON is skipped at once. Every
//! error is displayed, since its `Display` does real work (suggestions, paths). A panic, a
//! stack overflow, a hang or a huge allocation anywhere is a bug.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Once;

use registry_core::{
    build_from_cfg, build_model_from_cfg, build_runner_from_cfg, build_scheduler_from_cfg,
    register_module, registry, BoxError, BuildError, Built, DefaultScope, Lazy, Module, Registry,
    SequentialContainer,
};
use serde::Deserialize;
use serde_json::{json, Value};

// `errors.rs`, declared next to this module by whoever includes it.
use crate::errors::{ok_or_show, outcome};

pub trait Layer: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Optimizer: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Scheduler: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Runner: Send + Sync {
    fn describe(&self) -> String;
}

registry! {
    //                      LAYERS (fz), builds lists as a Sequential
    //          _______________|________________________________
    //         |                      |                         |
    //    ALPHA (alpha)          BETA (beta)            (gamma): made by an attribute
    //     _____|______               |
    //    |            |              |
    // DEEP (deep)  TWIN_A (twin)  TWIN_B (twin)    <- "twin" twice: an ambiguous scope
    pub static LAYERS: Registry<dyn Layer> =
        Registry::new("layer").with_scope("fz").with_build_func(build_model_from_cfg);
    pub static ALPHA: Registry<dyn Layer> =
        Registry::new("layer").with_parent(&LAYERS).with_scope("alpha");
    pub static BETA: Registry<dyn Layer> = Registry::new("layer")
        .with_parent(&LAYERS)
        .with_scope("beta")
        .with_locations(&["nowhere::layers"]);
    pub static DEEP: Registry<dyn Layer> =
        Registry::new("layer").with_parent(&ALPHA).with_scope("deep");
    pub static TWIN_A: Registry<dyn Layer> =
        Registry::new("twin layer").with_parent(&ALPHA).with_scope("twin");
    pub static TWIN_B: Registry<dyn Layer> =
        Registry::new("twin layer").with_parent(&BETA).with_scope("twin");

    pub static OPTIMIZERS: Registry<dyn Optimizer> = Registry::new("optimizer").with_scope("fz");
    pub static ALPHA_OPTIMIZERS: Registry<dyn Optimizer> =
        Registry::new("optimizer").with_parent(&OPTIMIZERS).with_scope("alpha");

    pub static SCHEDULERS: Registry<dyn Scheduler> = Registry::new("scheduler")
        .with_scope("fz")
        .with_build_func(build_scheduler_from_cfg);

    pub static RUNNERS: Registry<dyn Runner> =
        Registry::new("runner").with_scope("fz").with_build_func(build_runner_from_cfg);
}

/// Every registry of the layer tree that has its own static.
pub fn layer_registries() -> [&'static Registry<dyn Layer>; 6] {
    [&LAYERS, &ALPHA, &BETA, &DEEP, &TWIN_A, &TWIN_B]
}

struct Sequential(Vec<Box<dyn Layer>>);

impl Layer for Sequential {
    fn describe(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|layer| layer.describe()).collect();
        format!("Sequential[{}]", parts.join(", "))
    }
}

impl SequentialContainer for dyn Layer {
    fn sequential(layers: Vec<Box<dyn Layer>>) -> Box<dyn Layer> {
        Box::new(Sequential(layers))
    }
}

/// A layer that only says what it is.
struct Named(String);

impl Layer for Named {
    fn describe(&self) -> String {
        self.0.clone()
    }
}

// ---- the root: structs, a function with `Option` parameters, nested fields ----

#[register_module(registry = LAYERS, name = ["Linear", "linear"])]
#[derive(Deserialize)]
struct Linear {
    in_features: u32,
    out_features: u32,
    #[serde(default)]
    bias: Option<bool>,
    #[serde(default)]
    init: Option<f64>,
}

impl Layer for Linear {
    fn describe(&self) -> String {
        format!(
            "Linear({}, {}, {:?}, {:?})",
            self.in_features, self.out_features, self.bias, self.init
        )
    }
}

#[derive(Deserialize)]
enum Padding {
    Same,
    Valid,
    Dilated(u32),
    Explicit { left: u32, right: u32 },
}

impl Padding {
    fn describe(&self) -> String {
        match self {
            Padding::Same => "same".to_owned(),
            Padding::Valid => "valid".to_owned(),
            Padding::Dilated(by) => format!("dilated {by}"),
            Padding::Explicit { left, right } => format!("{left}, {right}"),
        }
    }
}

#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Conv {
    channels: Vec<u16>,
    #[serde(default)]
    kernel: Option<(u8, u8)>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    params: BTreeMap<String, f64>,
    #[serde(default)]
    padding: Option<Padding>,
}

impl Layer for Conv {
    fn describe(&self) -> String {
        format!(
            "Conv({:?}, {:?}, {}, {:?}, {:?})",
            self.channels,
            self.kernel,
            self.name,
            self.params,
            self.padding.as_ref().map(Padding::describe)
        )
    }
}

/// `Built` inside enum variants: the tracked deserializer reads their content, building in place.
#[derive(Deserialize)]
enum Choice {
    One(Built<dyn Layer>),
    Many(Vec<Built<dyn Layer>>),
}

#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Block {
    body: Built<dyn Layer>,
    #[serde(default)]
    extra: Vec<Built<dyn Layer>>,
    #[serde(default)]
    head: Option<Built<dyn Layer>>,
    #[serde(default)]
    named: BTreeMap<String, Built<dyn Layer>>,
    #[serde(default)]
    optimizer: Option<Lazy<dyn Optimizer>>,
    #[serde(default)]
    choice: Option<Choice>,
}

impl Layer for Block {
    fn describe(&self) -> String {
        let extra: Vec<String> = self.extra.iter().map(|layer| layer.describe()).collect();
        let named: Vec<String> = self
            .named
            .iter()
            .map(|(key, layer)| format!("{key}={}", layer.describe()))
            .collect();
        let choice = match &self.choice {
            None => String::new(),
            Some(Choice::One(layer)) => layer.describe(),
            Some(Choice::Many(layers)) => format!("{}", layers.len()),
        };
        format!(
            "Block({}, [{}], {:?}, {{{}}}, {:?}, {choice})",
            self.body.describe(),
            extra.join(", "),
            self.head.as_ref().map(|head| head.describe()),
            named.join(", "),
            self.optimizer.as_ref().and_then(Lazy::type_name),
        )
    }
}

#[derive(Deserialize)]
struct Core {
    core: Built<dyn Layer>,
}

/// `flatten` hides the keys from the registry and routes the nested field through serde's
/// buffered content (the copying path again).
#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Wrapped {
    #[serde(flatten)]
    inner: Core,
    #[serde(default)]
    tag: Option<String>,
}

impl Layer for Wrapped {
    fn describe(&self) -> String {
        format!("Wrapped({}, {:?})", self.inner.core.describe(), self.tag)
    }
}

/// A unit struct: any key is unexpected.
#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Identity;

impl Layer for Identity {
    fn describe(&self) -> String {
        "Identity".to_owned()
    }
}

#[register_module(registry = LAYERS, name = ["ReLU", "relu"])]
fn relu(slope: Option<f64>, inplace: Option<bool>, cap: Option<f32>) -> Result<Named, String> {
    match slope {
        Some(slope) if !slope.is_finite() || slope < 0.0 => {
            Err(format!("slope must be a finite number >= 0, got {slope}"))
        }
        _ => Ok(Named(format!("ReLU({slope:?}, {inplace:?}, {cap:?})"))),
    }
}

/// A nested field and a lazy one built with `default_args` read from the config itself.
#[register_module(registry = LAYERS)]
fn trainer(
    model: Built<dyn Layer>,
    optimizer: Lazy<dyn Optimizer>,
    defaults: Option<Value>,
    lr: Option<f64>,
) -> Result<Named, BuildError> {
    let defaults = defaults.unwrap_or_else(|| json!({"lr": lr, "params": [1.0, 2.0]}));
    let optimizer = optimizer.build_with(&defaults)?;
    Ok(Named(format!(
        "Trainer({}, {})",
        model.describe(),
        optimizer.describe()
    )))
}

/// A config that refers to itself through default args: `body` is built with defaults
/// holding `body` again, so `{"type": "Echo", "body": {"type": "Echo"}}` never ends by itself;
/// the depth limit must stop it with an error.
#[register_module(registry = LAYERS)]
fn echo(body: Lazy<dyn Layer>) -> Result<Named, BuildError> {
    let inner = body.build_with(&json!({ "body": body.config() }))?;
    Ok(Named(format!("Echo({})", inner.describe())))
}

/// A function whose argument is a whole list config, built as a model (a Sequential).
#[register_module(registry = LAYERS)]
fn stack(layers: Value, defaults: Option<Value>) -> Result<Box<dyn Layer>, BuildError> {
    build_model_from_cfg(&layers, &LAYERS, defaults.as_ref())
}

/// Goes to a child made for the scope `gamma`, which no `registry!` declares.
#[register_module(registry = LAYERS, scope = "gamma")]
#[derive(Deserialize)]
struct GammaNet {
    #[serde(default)]
    width: u8,
}

impl Layer for GammaNet {
    fn describe(&self) -> String {
        format!("GammaNet({})", self.width)
    }
}

// ---- the children: shadowing, shared names, conflicts, force ----

#[register_module(registry = ALPHA)]
#[derive(Deserialize)]
struct AlphaNet {
    #[serde(default)]
    inner: Option<Built<dyn Layer>>,
}

impl Layer for AlphaNet {
    fn describe(&self) -> String {
        format!("AlphaNet({:?})", self.inner.as_ref().map(|l| l.describe()))
    }
}

/// In ALPHA and in BETA: found through either scope.
#[register_module(registry = ALPHA, name = "Shared")]
fn shared_alpha(level: Option<i64>) -> Named {
    Named(format!("alpha.Shared({level:?})"))
}

#[register_module(registry = BETA, name = "Shared")]
fn shared_beta(level: Option<i64>) -> Named {
    Named(format!("beta.Shared({level:?})"))
}

/// Shadows the root's `Linear` below DEEP.
#[register_module(registry = DEEP, name = "Linear")]
fn deep_linear(in_features: Option<u32>) -> Box<Named> {
    Box::new(Named(format!("deep.Linear({in_features:?})")))
}

/// Two unforced registrations of one name: a conflict whenever `Dup` is built in BETA.
#[register_module(registry = BETA, name = "Dup")]
fn dup_one() -> Named {
    Named("Dup1".to_owned())
}

#[register_module(registry = BETA, name = "Dup")]
fn dup_two() -> Named {
    Named("Dup2".to_owned())
}

/// Two registrations of one name, one forced: it wins.
#[register_module(registry = DEEP, name = "Forced")]
fn forced_weak() -> Named {
    Named("weak".to_owned())
}

#[register_module(registry = DEEP, name = "Forced", force = true)]
fn forced_strong() -> Named {
    Named("strong".to_owned())
}

#[register_module(registry = TWIN_A, name = "TwinNet")]
fn twin_a(value: Option<String>) -> Named {
    Named(format!("twin_a({value:?})"))
}

#[register_module(registry = TWIN_B, name = "TwinNet")]
fn twin_b(value: Option<String>) -> Named {
    Named(format!("twin_b({value:?})"))
}

// ---- optimizers, built lazily ----

#[register_module(registry = OPTIMIZERS, name = ["SGD", "sgd"])]
#[derive(Deserialize)]
struct Sgd {
    lr: f64,
    #[serde(default)]
    momentum: Option<f64>,
    #[serde(default)]
    params: Vec<f64>,
}

impl Optimizer for Sgd {
    fn describe(&self) -> String {
        format!("SGD({}, {:?}, {:?})", self.lr, self.momentum, self.params)
    }
}

#[register_module(registry = ALPHA_OPTIMIZERS)]
#[derive(Deserialize)]
struct Adam {
    #[serde(default)]
    lr: Option<f64>,
    #[serde(default)]
    betas: Option<(f64, f64)>,
    #[serde(default)]
    params: Option<Value>,
}

impl Optimizer for Adam {
    fn describe(&self) -> String {
        format!("Adam({:?}, {:?}, {:?})", self.lr, self.betas, self.params)
    }
}

// ---- schedulers, through build_scheduler_from_cfg ----

#[register_module(registry = SCHEDULERS)]
#[derive(Deserialize)]
struct StepLR {
    step_size: u64,
    #[serde(default)]
    gamma: Option<f64>,
    #[serde(default)]
    by_epoch: Option<bool>,
    #[serde(default)]
    begin: Option<u64>,
    #[serde(default)]
    end: Option<u64>,
}

impl Scheduler for StepLR {
    fn describe(&self) -> String {
        format!(
            "StepLR({}, {:?}, {:?}, {:?}, {:?})",
            self.step_size, self.gamma, self.by_epoch, self.begin, self.end
        )
    }
}

#[register_module(registry = SCHEDULERS, name = "StepLR", constructor = "build_iter_from_epoch")]
fn step_lr_iter(
    step_size: u64,
    epoch_length: u64,
    gamma: Option<f64>,
    by_epoch: Option<bool>,
    begin: Option<u64>,
    end: Option<u64>,
) -> Result<StepLR, String> {
    let scale = |value: u64| {
        value
            .checked_mul(epoch_length)
            .ok_or_else(|| format!("{value} * {epoch_length} overflows"))
    };
    Ok(StepLR {
        step_size: scale(step_size)?,
        gamma,
        by_epoch: by_epoch.map(|_| false),
        begin: begin.map(scale).transpose()?,
        end: end.map(scale).transpose()?,
    })
}

/// No alternate constructor: converting it is an error.
#[register_module(registry = SCHEDULERS)]
#[derive(Deserialize)]
struct ConstantLR {
    #[serde(default)]
    factor: Option<f64>,
}

impl Scheduler for ConstantLR {
    fn describe(&self) -> String {
        format!("ConstantLR({:?})", self.factor)
    }
}

// ---- runners, through build_runner_from_cfg ----

#[register_module(registry = RUNNERS, name = "Runner")]
#[derive(Deserialize)]
struct DefaultRunner {
    #[serde(default)]
    runner_type: Option<String>,
    #[serde(default)]
    model: Option<Built<dyn Layer>>,
    #[serde(default)]
    optim: Option<Lazy<dyn Optimizer>>,
    #[serde(default)]
    scheduler: Option<Vec<Built<dyn Scheduler>>>,
    #[serde(default)]
    max_epochs: Option<u32>,
}

impl Runner for DefaultRunner {
    fn describe(&self) -> String {
        let schedulers: Vec<String> = self
            .scheduler
            .iter()
            .flatten()
            .map(|scheduler| scheduler.describe())
            .collect();
        format!(
            "Runner({:?}, {:?}, {:?}, [{}], {:?})",
            self.runner_type,
            self.model.as_ref().map(|model| model.describe()),
            self.optim.as_ref().map(|optim| optim.config().to_string()),
            schedulers.join(", "),
            self.max_epochs
        )
    }
}

/// A runtime registration (a closure that builds its `inner` config itself), made once.
fn register_runtime() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        BETA.register_module(["Runtime", "runtime"], false, |args: &Value| {
            let inner = match args.get("inner") {
                Some(inner) => LAYERS.build(inner)?.describe(),
                None => String::new(),
            };
            let layer: Box<dyn Layer> = Box::new(Named(format!("Runtime({inner})")));
            Ok::<_, BoxError>(layer)
        })
        .expect("the runtime registration is valid");
    });
}

fn layer(result: Result<Box<dyn Layer>, BuildError>) -> String {
    outcome(result, |layer| layer.describe())
}

/// Builds `cfg` (with `defaults` when given) every way there is.
fn build_all(cfg: &Value, defaults: Option<&Value>) {
    // The root, whose build function takes list configs; `build_with(cfg, null)` must be
    // exactly `build(cfg)`.
    let plain = layer(LAYERS.build(cfg));
    let with_null = layer(LAYERS.build_with(cfg, &Value::Null));
    assert_eq!(
        plain, with_null,
        "build_with(cfg, null) differs from build(cfg)"
    );
    // Every node of the tree, with the defaults.
    for registry in layer_registries() {
        match defaults {
            Some(defaults) => black_box(layer(registry.build_with(cfg, defaults))),
            None => black_box(layer(registry.build(cfg))),
        };
    }
    // The default build function on a registry whose own is the model builder.
    black_box(layer(build_from_cfg(cfg, &BETA, defaults)));
    black_box(layer(build_model_from_cfg(cfg, &DEEP, defaults)));
    // The other trees and their build functions.
    black_box(outcome(
        build_from_cfg(cfg, &ALPHA_OPTIMIZERS, defaults),
        |o| o.describe(),
    ));
    black_box(outcome(
        build_scheduler_from_cfg(cfg, &SCHEDULERS, defaults),
        |s| s.describe(),
    ));
    black_box(outcome(
        build_runner_from_cfg(cfg, &RUNNERS, defaults),
        |r| r.describe(),
    ));
    // A module handle built directly from the config.
    if let Some(name) = cfg.get("type").and_then(Value::as_str) {
        for registry in [&LAYERS, &DEEP, &TWIN_A] {
            if let Some(module) = registry.get(name) {
                build_module(&module, cfg, defaults);
            }
        }
        if let Some(module) = SCHEDULERS.get(name) {
            black_box(outcome(module.build(cfg), |s| s.describe()));
            black_box(outcome(
                module.build_alternate("build_iter_from_epoch", cfg),
                |s| s.describe(),
            ));
        }
    }
    // Nested fields read outside a registry build (serde_json's own deserializer).
    if let Ok(built) = serde_json::from_value::<Built<dyn Layer>>(cfg.clone()) {
        black_box(built.describe());
    }
    match serde_json::from_value::<Lazy<dyn Layer>>(cfg.clone()) {
        Ok(lazy) => {
            black_box(layer(lazy.build()));
            if let Some(defaults) = defaults {
                black_box(layer(lazy.build_with(defaults)));
            }
        }
        Err(error) => {
            black_box(error.to_string());
        }
    }
}

fn build_module(module: &Module<dyn Layer>, cfg: &Value, defaults: Option<&Value>) {
    black_box((module.name(), module.scope(), module.type_name()));
    black_box((
        module.accepted_keys(),
        module.constructors(),
        module.location(),
    ));
    black_box(layer(module.build(cfg)));
    if let Some(defaults) = defaults {
        black_box(layer(module.build_with(cfg, defaults)));
    }
}

/// The harness: `data` is the config, optionally followed by the `default_args` and a
/// default scope to build under.
pub fn run(data: &[u8]) {
    let mut values = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let Some(Ok(cfg)) = values.next() else {
        return;
    };
    let defaults = values.next().and_then(Result::ok);
    let scope = values.next().and_then(Result::ok);
    register_runtime();

    build_all(&cfg, None);
    if let Some(defaults) = &defaults {
        build_all(&cfg, Some(defaults));
        // The defaults as a config of their own.
        black_box(layer(LAYERS.build(defaults)));
    }
    if let Some(Value::String(scope)) = &scope {
        let _guard = DefaultScope::overwrite_default_scope(Some(scope));
        build_all(&cfg, defaults.as_ref());
        if let Some(chosen) = ok_or_show(LAYERS.switch_scope_and_registry(Some(scope))) {
            black_box(layer(chosen.build(&cfg)));
        }
    }
}
