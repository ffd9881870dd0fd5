//! The machine-readable description of what can be built: every registry of a tree, each
//! name with its Rust path, location, accepted keys and alternate constructors.

use registry_core::{describe_registries, describe_registry, register_module, registry, Registry};
use serde::Deserialize;
use serde_json::json;

pub trait Scheduler: Send + Sync {}

registry! {
    static SCHEDULERS: Registry<dyn Scheduler> = Registry::new("scheduler").with_scope("optim");
    static CUSTOM: Registry<dyn Scheduler> =
        Registry::new("scheduler").with_parent(&SCHEDULERS).with_scope("custom");
}

#[register_module(registry = SCHEDULERS)]
#[derive(Deserialize)]
struct StepLR {
    #[allow(dead_code)]
    step_size: u32,
    #[serde(default, rename = "gamma")]
    #[allow(dead_code)]
    decay: f64,
}

impl Scheduler for StepLR {}

#[register_module(registry = SCHEDULERS, name = "StepLR", constructor = "build_iter_from_epoch")]
fn step_lr_iter(step_size: u32, epoch_length: u32) -> StepLR {
    StepLR {
        step_size: step_size * epoch_length,
        decay: 0.1,
    }
}

#[register_module(registry = CUSTOM, name = ["constant", "Constant"])]
fn constant(factor: Option<f64>) -> StepLR {
    StepLR {
        step_size: 1,
        decay: factor.unwrap_or(1.0),
    }
}

#[derive(Deserialize)]
struct Flexible {
    #[serde(flatten)]
    _rest: serde_json::Map<String, serde_json::Value>,
}

impl Scheduler for Flexible {}

#[register_module(registry = CUSTOM)]
fn flexible(rest: serde_json::Value) -> Flexible {
    Flexible {
        _rest: rest.as_object().cloned().unwrap_or_default(),
    }
}

/// A runtime registration, made once before either test reads the tree.
fn register_closure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        SCHEDULERS
            .register_module("closure", false, |_| {
                Ok(Box::new(Flexible {
                    _rest: serde_json::Map::new(),
                }))
            })
            .unwrap();
    });
}

#[test]
fn describes_every_module_of_the_tree() {
    register_closure();
    let nodes = describe_registry(&CUSTOM);
    assert_eq!(nodes.len(), 2);
    let root = &nodes[0];
    assert_eq!(root["name"], "scheduler");
    assert_eq!(root["scope"], "optim");
    assert_eq!(root["parent"], json!(null));
    let step = &root["modules"][0];
    assert_eq!(step["name"], "StepLR");
    assert_eq!(step["type_name"], "test_describe::StepLR");
    assert_eq!(step["keys"], json!(["step_size", "gamma"]));
    assert_eq!(step["forced"], false);
    assert_eq!(
        step["constructors"],
        json!({"build_iter_from_epoch": ["step_size", "epoch_length"]})
    );
    let location = step["location"].as_str().unwrap();
    assert!(
        location.starts_with("tests/test_describe.rs:"),
        "{location}"
    );
    let closure = &root["modules"][1];
    assert_eq!(closure["name"], "closure");
    assert_eq!(closure["keys"], json!(null));

    let child = &nodes[1];
    assert_eq!(child["parent"], "optim::scheduler");
    let names: Vec<&str> = child["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|module| module["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Constant", "constant", "flexible"]);
    assert_eq!(child["modules"][0]["keys"], json!(["factor"]));
    assert_eq!(child["modules"][2]["keys"], json!(["rest"]));
}

#[test]
fn describes_every_linked_tree() {
    register_closure();
    let all = describe_registries();
    assert_eq!(
        all["registries"]["SCHEDULERS"],
        json!(describe_registry(&SCHEDULERS))
    );
    assert_eq!(
        SCHEDULERS.get("StepLR").unwrap().accepted_keys(),
        Some(&["step_size", "gamma"][..])
    );
}
