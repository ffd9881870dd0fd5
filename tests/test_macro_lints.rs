//! Every form of `#[register_module]` expands to code that compiles without a single warning
//! under rustc's and clippy's strict lint groups (run `cargo clippy --all-targets` to check
//! the clippy half), and builds what it should.

#![deny(warnings)]
#![forbid(unsafe_code)]
#![deny(
    future_incompatible,
    keyword_idents,
    let_underscore,
    nonstandard_style,
    rust_2018_idioms,
    unused,
    elided_lifetimes_in_paths,
    macro_use_extern_crate,
    meta_variable_misuse,
    missing_debug_implementations,
    non_ascii_idents,
    single_use_lifetimes,
    trivial_casts,
    trivial_numeric_casts,
    unit_bindings,
    unreachable_pub,
    unused_extern_crates,
    unused_import_braces,
    unused_lifetimes,
    unused_macro_rules,
    unused_qualifications,
    unused_results,
    variant_size_differences
)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]

use std::fmt;
use std::sync::Arc;

use registry_core::{register_module, registry, InstanceManager, Managed, Registry};
use serde::Deserialize;
use serde_json::json;

trait Activation: Send + Sync {
    fn forward(&self, x: f32) -> f32;
}

registry! {
    static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
}

mod nested {
    use registry_core::{registry, Registry};

    use crate::{Activation, ACTIVATION};

    registry! {
        pub(crate) static NESTED: Registry<dyn Activation> = Registry::new("activation")
            .with_parent(&ACTIVATION)
            .with_scope("nested");
    }
}

// ---- structs ---------------------------------------------------------------------------

/// The default name (`ReLU`), a field with a default.
#[register_module(registry = ACTIVATION)]
#[derive(Debug, Deserialize)]
struct ReLU {
    #[serde(default)]
    negative_slope: f32,
}

impl Activation for ReLU {
    fn forward(&self, x: f32) -> f32 {
        if x > 0.0 {
            x
        } else {
            x * self.negative_slope
        }
    }
}

/// Aliases, a scope of its own and `force`, on a unit struct.
#[register_module(registry = ACTIVATION, name = ["Sigmoid", "sigmoid"], scope = "lints", force = true)]
#[derive(Debug, Deserialize)]
struct Sigmoid;

impl Activation for Sigmoid {
    fn forward(&self, x: f32) -> f32 {
        1.0 / (1.0 + (-x).exp())
    }
}

/// A raw identifier: registered as `Tanh`; a registry named by a path.
#[register_module(registry = nested::NESTED)]
#[derive(Debug, Deserialize)]
struct r#Tanh {}

impl Activation for r#Tanh {
    fn forward(&self, x: f32) -> f32 {
        x.tanh()
    }
}

// ---- functions -------------------------------------------------------------------------

#[derive(Debug)]
struct Clamp {
    low: f32,
    high: f32,
}

impl Activation for Clamp {
    fn forward(&self, x: f32) -> f32 {
        x.clamp(self.low, self.high)
    }
}

#[derive(Debug)]
struct NotPositive(f32);

impl fmt::Display for NotPositive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not positive", self.0)
    }
}

impl std::error::Error for NotPositive {}

/// A plain return type; a required and an optional parameter.
#[register_module(registry = ACTIVATION)]
fn clamp(low: f32, high: Option<f32>) -> Clamp {
    Clamp {
        low,
        high: high.unwrap_or(f32::MAX),
    }
}

/// A `Box` of the registry's trait object, no parameters.
#[register_module(registry = ACTIVATION, name = "unit_clamp")]
fn unit_clamp() -> Box<dyn Activation> {
    Box::new(Clamp {
        low: 0.0,
        high: 1.0,
    })
}

/// A `Box` of a concrete type; a parameter named like the function.
#[register_module(registry = ACTIVATION)]
#[allow(clippy::unnecessary_box_returns, reason = "the form under test")]
fn cap(cap: f32) -> Box<Clamp> {
    Box::new(Clamp {
        low: f32::MIN,
        high: cap,
    })
}

/// `Result<_, E>` with an error type of its own.
#[register_module(registry = ACTIVATION, name = ["ReLU6", "relu6"])]
fn relu6(cap: f32) -> Result<Clamp, NotPositive> {
    if cap > 0.0 {
        Ok(Clamp {
            low: 0.0,
            high: cap,
        })
    } else {
        Err(NotPositive(cap))
    }
}

/// `Result<Box<_>, E>` with a `String` error; an owned parameter the body only reads.
#[register_module(registry = ACTIVATION, scope = "lints")]
fn band(bounds: Vec<f32>) -> Result<Box<Clamp>, String> {
    match bounds[..] {
        [low, high] => Ok(Box::new(Clamp { low, high })),
        _ => Err(format!(
            "expected [low, high], got {} numbers",
            bounds.len()
        )),
    }
}

/// An `io::Result`-style alias (no error type written); a `mut` parameter.
#[register_module(registry = ACTIVATION)]
fn shifted(mut shift: f32) -> std::io::Result<Clamp> {
    if shift.is_nan() {
        return Err(std::io::Error::other("shift is NaN"));
    }
    shift = shift.abs();
    Ok(Clamp {
        low: shift,
        high: f32::MAX,
    })
}

/// `impl Trait` in return position.
#[register_module(registry = ACTIVATION)]
fn identity() -> impl Activation {
    Clamp {
        low: f32::MIN,
        high: f32::MAX,
    }
}

/// Raw identifiers as the function's and a parameter's names: `match`, key `loop`.
#[register_module(registry = ACTIVATION)]
fn r#match(r#loop: u8) -> Clamp {
    Clamp {
        low: f32::from(r#loop),
        high: f32::MAX,
    }
}

/// An alternate constructor of `clamp`: `constructor` on a function, with `name` the entry's.
#[register_module(registry = ACTIVATION, name = "clamp", constructor = "symmetric")]
fn symmetric_clamp(bound: f32) -> Clamp {
    Clamp {
        low: -bound,
        high: bound,
    }
}

/// `managed` on a struct implementing `Managed`: built through its instance manager.
#[register_module(registry = ACTIVATION, managed)]
#[derive(Debug, Deserialize)]
struct Scaled {
    name: String,
    factor: f32,
}

impl Managed for Scaled {
    fn manager() -> &'static InstanceManager<Self> {
        static MANAGER: InstanceManager<Scaled> = InstanceManager::new();
        &MANAGER
    }

    fn instance_name(&self) -> &str {
        &self.name
    }
}

impl Activation for Arc<Scaled> {
    fn forward(&self, x: f32) -> f32 {
        x * self.factor
    }
}

fn build(key: &str, args: &serde_json::Value) -> Box<dyn Activation> {
    let mut cfg = args.clone();
    cfg["type"] = json!(key);
    ACTIVATION.build(&cfg).unwrap()
}

#[test]
fn every_form_builds() {
    assert!((build("ReLU", &json!({})).forward(-2.0)).abs() < f32::EPSILON);
    let leaky = build("ReLU", &json!({"negative_slope": 0.5}));
    assert!((leaky.forward(-2.0) + 1.0).abs() < f32::EPSILON);
    for key in ["lints.Sigmoid", "lints.sigmoid"] {
        assert!((build(key, &json!({})).forward(0.0) - 0.5).abs() < f32::EPSILON);
    }
    assert!(ACTIVATION.get("Sigmoid").is_none());
    assert!(build("nested.Tanh", &json!({})).forward(0.0).abs() < f32::EPSILON);
    assert!(ACTIVATION
        .get("nested.Tanh")
        .unwrap()
        .type_name()
        .ends_with("::Tanh"));

    assert!((build("clamp", &json!({"low": 1.0})).forward(0.0) - 1.0).abs() < f32::EPSILON);
    let clamp = build("clamp", &json!({"low": 0.0, "high": 2.0}));
    assert!((clamp.forward(3.0) - 2.0).abs() < f32::EPSILON);
    assert!((build("unit_clamp", &json!({})).forward(3.0) - 1.0).abs() < f32::EPSILON);
    assert!((build("cap", &json!({"cap": 2.0})).forward(3.0) - 2.0).abs() < f32::EPSILON);
    for key in ["ReLU6", "relu6"] {
        assert!((build(key, &json!({"cap": 6.0})).forward(9.0) - 6.0).abs() < f32::EPSILON);
    }
    let band = build("lints.band", &json!({"bounds": [0.0, 1.0]}));
    assert!((band.forward(2.0) - 1.0).abs() < f32::EPSILON);
    assert!((build("shifted", &json!({"shift": -1.0})).forward(0.0) - 1.0).abs() < f32::EPSILON);
    assert!((build("identity", &json!({})).forward(7.0) - 7.0).abs() < f32::EPSILON);
    assert!((build("match", &json!({"loop": 3})).forward(0.0) - 3.0).abs() < f32::EPSILON);
    assert!(ACTIVATION
        .get("match")
        .unwrap()
        .type_name()
        .ends_with("::match"));
}

#[test]
fn constructor_and_managed_forms_build() {
    let clamp = ACTIVATION.get("clamp").unwrap();
    assert_eq!(clamp.constructors(), ["symmetric"]);
    let symmetric = clamp
        .build_alternate("symmetric", &json!({"bound": 2.0}))
        .unwrap();
    assert!((symmetric.forward(-3.0) + 2.0).abs() < f32::EPSILON);

    let scaled = build("Scaled", &json!({"name": "double", "factor": 2.0}));
    assert!((scaled.forward(3.0) - 6.0).abs() < f32::EPSILON);
    let again = build("Scaled", &json!({"name": "double"}));
    assert!((again.forward(1.0) - 2.0).abs() < f32::EPSILON);
    assert_eq!(
        Scaled::get_current_instance().unwrap().instance_name(),
        "double"
    );
}

#[test]
fn errors_reach_the_caller() {
    let error = ACTIVATION
        .build(&json!({"type": "relu6", "cap": -1.0}))
        .err()
        .unwrap();
    assert!(error.to_string().ends_with("-1 is not positive"), "{error}");
    let error = ACTIVATION
        .build(&json!({"type": "lints.band", "bounds": [1.0]}))
        .err()
        .unwrap();
    assert!(
        error
            .to_string()
            .ends_with("expected [low, high], got 1 numbers"),
        "{error}"
    );
    let error = ACTIVATION
        .build(&json!({"type": "cap", "cap": 1.0, "caps": 2.0}))
        .err()
        .unwrap();
    assert!(
        error
            .to_string()
            .ends_with("unknown field `caps`, expected `cap`"),
        "{error}"
    );
    let error = ACTIVATION
        .build(&json!({"type": "match", "r#loop": 1}))
        .err()
        .unwrap();
    assert!(
        error
            .to_string()
            .ends_with("unknown field `r#loop`, expected `loop`"),
        "{error}"
    );
}

#[test]
fn local_items_register() {
    #[register_module(registry = ACTIVATION, name = "local")]
    #[derive(Debug, Deserialize)]
    struct Local;

    impl Activation for Local {
        fn forward(&self, x: f32) -> f32 {
            -x
        }
    }

    assert!((build("local", &json!({})).forward(1.0) + 1.0).abs() < f32::EPSILON);
}
