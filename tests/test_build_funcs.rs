//! MMEngine's specialised build functions (`test_build_functions.py`):
//! `build_model_from_cfg`, `build_scheduler_from_cfg` and `build_runner_from_cfg`, on
//! registries of this file, then on the example framework crate's real modules. Only
//! thread-local scopes are used here.

use std::any::Any;

use registry_core::{
    build_from_cfg, build_model_from_cfg, build_runner_from_cfg, build_scheduler_from_cfg,
    register_module, registry, BuildError, BuildFunc, Registry, SequentialContainer,
};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::{build_error, current_scope_name, error_text, NOT_FOUND_HELP};

// ---- models -------------------------------------------------------------------------

trait Layer: Any + Send + Sync {
    fn forward(&self, x: f32) -> f32;
    /// The layer and its arguments, to check what was built.
    fn describe(&self) -> String;
}

struct Sequential(Vec<Box<dyn Layer>>);

impl Layer for Sequential {
    fn forward(&self, x: f32) -> f32 {
        self.0.iter().fold(x, |x, layer| layer.forward(x))
    }

    fn describe(&self) -> String {
        let layers: Vec<String> = self.0.iter().map(|layer| layer.describe()).collect();
        format!("Sequential[{}]", layers.join(", "))
    }
}

impl SequentialContainer for dyn Layer {
    fn sequential(layers: Vec<Box<dyn Layer>>) -> Box<dyn Layer> {
        Box::new(Sequential(layers))
    }
}

registry! {
    static LAYERS: Registry<dyn Layer> =
        Registry::new("layer").with_build_func(build_model_from_cfg);
    /// Inherits `build_model_from_cfg`.
    static CHILD_LAYERS: Registry<dyn Layer> =
        Registry::new("layer").with_parent(&LAYERS).with_scope("child");
    /// Overrides it with `build_from_cfg`.
    static PLAIN_LAYERS: Registry<dyn Layer> = Registry::new("layer")
        .with_parent(&LAYERS)
        .with_scope("plain")
        .with_build_func(build_from_cfg);
}

#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Scale {
    by: f32,
}

impl Layer for Scale {
    fn forward(&self, x: f32) -> f32 {
        x * self.by
    }

    fn describe(&self) -> String {
        format!("Scale({})", self.by)
    }
}

#[register_module(registry = LAYERS)]
#[derive(Deserialize)]
struct Shift {
    by: f32,
}

impl Layer for Shift {
    fn forward(&self, x: f32) -> f32 {
        x + self.by
    }

    fn describe(&self) -> String {
        format!("Shift({})", self.by)
    }
}

fn describe(result: Result<Box<dyn Layer>, BuildError>) -> String {
    result.map(|layer| layer.describe()).unwrap()
}

#[test]
fn model_from_a_single_config() {
    let layer = LAYERS.build(&json!({"type": "Scale", "by": 2.0})).unwrap();
    let any: &dyn Any = layer.as_ref();
    assert!(any.is::<Scale>());
    assert_eq!(layer.forward(3.0), 6.0);
}

#[test]
fn model_from_a_list_is_a_sequential_in_order() {
    let model = LAYERS
        .build(&json!([{"type": "Scale", "by": 2.0}, {"type": "Shift", "by": 1.0}]))
        .unwrap();
    let any: &dyn Any = model.as_ref();
    assert!(any.is::<Sequential>());
    assert_eq!(model.describe(), "Sequential[Scale(2), Shift(1)]");
    assert_eq!(model.forward(1.0), 3.0);
    let reversed = LAYERS
        .build(&json!([{"type": "Shift", "by": 1.0}, {"type": "Scale", "by": 2.0}]))
        .unwrap();
    assert_eq!(reversed.describe(), "Sequential[Shift(1), Scale(2)]");
    assert_eq!(reversed.forward(1.0), 4.0);
}

#[test]
fn model_from_an_empty_list_is_an_empty_sequential() {
    let model = LAYERS.build(&json!([])).unwrap();
    assert_eq!(model.describe(), "Sequential[]");
    assert_eq!(model.forward(5.0), 5.0);
}

#[test]
fn default_args_reach_every_element() {
    let defaults = json!({"by": 2.0});
    let model = LAYERS.build_with(
        &json!([{"type": "Scale"}, {"type": "Scale", "by": 3.0}, {"type": "Shift"}]),
        &defaults,
    );
    assert_eq!(describe(model), "Sequential[Scale(2), Scale(3), Shift(2)]");
    // `type` may come from the defaults too, for every element.
    let model = build_model_from_cfg(
        &json!([{"by": 1.0}, {"by": 5.0}]),
        &LAYERS,
        Some(&json!({"type": "Shift"})),
    );
    assert_eq!(describe(model), "Sequential[Shift(1), Shift(5)]");
}

#[test]
fn an_error_in_an_element_names_its_index() {
    let error = build_error(LAYERS.build(&json!([
        {"type": "Scale", "by": 2.0},
        {"type": "Rotate"},
    ])));
    assert_eq!(
        error.to_string(),
        format!(
            "[1]: Rotate is not in the test_build_funcs::layer registry. Please check whether the \
             value of `Rotate` is correct or it was registered as expected. {NOT_FOUND_HELP}\n  \
             searched: test_build_funcs::layer\n  default scope in force: none"
        )
    );
    let BuildError::At { path, error } = error else {
        panic!("expected BuildError::At");
    };
    assert_eq!(path, "[1]");
    assert!(matches!(*error, BuildError::NotFound(_)));

    let error = build_error(LAYERS.build(&json!([{"type": "Scale", "by": "two"}])));
    assert_eq!(
        error.to_string(),
        "[0].by: invalid type: string \"two\", expected f32\n  \
         while building `Scale` from the test_build_funcs::layer registry"
    );
    // An element that is not an object is build_from_cfg's error, at its index.
    let error = build_error(LAYERS.build(&json!([{"type": "Scale", "by": 1.0}, 7])));
    assert_eq!(
        error.to_string(),
        "[1]: cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got a number"
    );
}

#[test]
fn a_child_inherits_build_model_from_cfg() {
    let inherited: BuildFunc<dyn Layer> = build_model_from_cfg;
    assert!(std::ptr::fn_addr_eq(LAYERS.build_func(), inherited));
    assert!(std::ptr::fn_addr_eq(CHILD_LAYERS.build_func(), inherited));
    let model = CHILD_LAYERS.build(&json!([{"type": "Scale", "by": 4.0}]));
    assert_eq!(describe(model), "Sequential[Scale(4)]");
}

#[test]
fn a_child_overrides_build_model_from_cfg() {
    let own: BuildFunc<dyn Layer> = build_from_cfg;
    assert!(std::ptr::fn_addr_eq(PLAIN_LAYERS.build_func(), own));
    let inherited: BuildFunc<dyn Layer> = build_model_from_cfg;
    assert!(!std::ptr::fn_addr_eq(PLAIN_LAYERS.build_func(), inherited));
    let single = PLAIN_LAYERS.build(&json!({"type": "Shift", "by": 1.0}));
    assert_eq!(describe(single), "Shift(1)");
    let error = build_error(PLAIN_LAYERS.build(&json!([{"type": "Shift", "by": 1.0}])));
    assert_eq!(
        error.to_string(),
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got an array"
    );
}

// ---- schedulers ---------------------------------------------------------------------

const INF: u64 = 1_000_000_000;

trait Schedule: Any + Send + Sync {}

registry! {
    static SCHEDULERS: Registry<dyn Schedule> =
        Registry::new("scheduler").with_build_func(build_scheduler_from_cfg);
    static LAB_SCHEDULERS: Registry<dyn Schedule> =
        Registry::new("scheduler").with_parent(&SCHEDULERS).with_scope("lab");
}

fn inf() -> u64 {
    INF
}

fn yes() -> bool {
    true
}

/// MMEngine's `StepParamScheduler` arguments.
#[register_module(registry = SCHEDULERS)]
#[derive(Debug, PartialEq, Deserialize)]
struct StepLR {
    step_size: u64,
    #[serde(default)]
    begin: u64,
    #[serde(default = "inf")]
    end: u64,
    #[serde(default = "yes")]
    by_epoch: bool,
}

impl Schedule for StepLR {}

/// MMEngine's `build_iter_from_epoch`: `step_size`, `begin` and `end` (unless INF) times
/// `epoch_length`; `by_epoch` false.
#[register_module(registry = SCHEDULERS, name = "StepLR", constructor = "build_iter_from_epoch")]
fn step_lr_iter_from_epoch(
    step_size: u64,
    begin: Option<u64>,
    end: Option<u64>,
    by_epoch: Option<bool>,
    epoch_length: u64,
) -> Result<StepLR, String> {
    if by_epoch == Some(false) {
        return Err("Only epoch-based kwargs whose `by_epoch=True` can be converted".to_owned());
    }
    let end = end.unwrap_or(INF);
    Ok(StepLR {
        step_size: step_size * epoch_length,
        begin: begin.unwrap_or(0) * epoch_length,
        end: if end == INF { INF } else { end * epoch_length },
        by_epoch: false,
    })
}

/// A scheduler without `build_iter_from_epoch` that does not accept `epoch_length`.
#[register_module(registry = SCHEDULERS)]
#[derive(Debug, PartialEq, Deserialize)]
struct ConstantLR {
    factor: f32,
}

impl Schedule for ConstantLR {}

#[register_module(registry = LAB_SCHEDULERS)]
#[derive(Debug, PartialEq, Deserialize)]
struct LabLR {
    step_size: u64,
}

impl Schedule for LabLR {}

#[register_module(registry = LAB_SCHEDULERS, name = "LabLR", constructor = "build_iter_from_epoch")]
fn lab_lr_iter_from_epoch(step_size: u64, epoch_length: u64) -> LabLR {
    LabLR {
        step_size: step_size * epoch_length,
    }
}

fn built<S: Schedule + Any>(result: Result<Box<dyn Schedule>, BuildError>) -> S {
    let built: Box<dyn Any> = result.unwrap();
    *built.downcast::<S>().expect("the scheduler type")
}

const CONVERSION_ASSERTION: &str = "Only epoch-based parameter scheduler can be converted to \
    iter-based, and `epoch_length` should be set";

#[test]
fn scheduler_without_conversion_is_build_from_cfg() {
    let step: StepLR = built(SCHEDULERS.build(&json!({"type": "StepLR", "step_size": 2})));
    assert_eq!(
        step,
        StepLR {
            step_size: 2,
            begin: 0,
            end: INF,
            by_epoch: true
        }
    );
    let step: StepLR = built(SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 2, "begin": 1, "end": 5, "convert_to_iter_based": false,
    })));
    assert_eq!((step.begin, step.end, step.by_epoch), (1, 5, true));
}

#[test]
fn scheduler_converted_to_iter_based() {
    let step: StepLR = built(SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 2, "begin": 1, "end": 5,
        "convert_to_iter_based": true, "epoch_length": 10,
    })));
    assert_eq!(
        step,
        StepLR {
            step_size: 20,
            begin: 10,
            end: 50,
            by_epoch: false
        }
    );
    // MMEngine's rule: an `end` of INF stays INF.
    let step: StepLR = built(SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 3, "convert_to_iter_based": true, "epoch_length": 7,
    })));
    assert_eq!(
        step,
        StepLR {
            step_size: 21,
            begin: 0,
            end: INF,
            by_epoch: false
        }
    );
    // `by_epoch: true` is allowed (it is what gets converted).
    let step: StepLR = built(SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 1, "by_epoch": true,
        "convert_to_iter_based": true, "epoch_length": 4,
    })));
    assert_eq!((step.step_size, step.by_epoch), (4, false));
}

#[test]
fn conversion_needs_epoch_length_and_by_epoch() {
    let missing_length = SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 2, "convert_to_iter_based": true,
    }));
    let error = build_error(missing_length);
    assert!(matches!(error, BuildError::Precondition(_)));
    assert_eq!(error.to_string(), CONVERSION_ASSERTION);

    let not_by_epoch = SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 2, "by_epoch": false,
        "convert_to_iter_based": true, "epoch_length": 10,
    }));
    assert_eq!(build_error(not_by_epoch).to_string(), CONVERSION_ASSERTION);
}

#[test]
fn epoch_length_is_dropped_when_not_converting() {
    // ConstantLR does not accept `epoch_length`: it builds all the same.
    let constant: ConstantLR = built(SCHEDULERS.build(&json!({
        "type": "ConstantLR", "factor": 0.5, "epoch_length": 10,
    })));
    assert_eq!(constant, ConstantLR { factor: 0.5 });
    let constant: ConstantLR = built(SCHEDULERS.build_with(
        &json!({"type": "ConstantLR", "factor": 0.5, "convert_to_iter_based": false}),
        &json!({"epoch_length": 10}),
    ));
    assert_eq!(constant, ConstantLR { factor: 0.5 });
    // Other unknown keys are still errors.
    let error = build_error(SCHEDULERS.build(&json!({
        "type": "ConstantLR", "factor": 0.5, "epoch_lenght": 10,
    })));
    assert_eq!(
        error.to_string(),
        "failed to build `ConstantLR` from the test_build_funcs::scheduler registry: unknown \
         field `epoch_lenght`, expected `factor`"
    );
}

#[test]
fn scheduler_default_args_are_merged() {
    // As the runner does: `epoch_length` from the defaults.
    let step: StepLR = built(SCHEDULERS.build_with(
        &json!({"type": "StepLR", "step_size": 2, "convert_to_iter_based": true}),
        &json!({"epoch_length": 10, "begin": 1}),
    ));
    assert_eq!((step.step_size, step.begin, step.end), (20, 10, INF));
    // The config wins over the defaults, `convert_to_iter_based` and `type` included.
    let step: StepLR = built(build_scheduler_from_cfg(
        &json!({"step_size": 2, "begin": 2, "epoch_length": 3}),
        &SCHEDULERS,
        Some(
            &json!({"type": "StepLR", "begin": 1, "epoch_length": 10, "convert_to_iter_based": true}),
        ),
    ));
    assert_eq!((step.step_size, step.begin), (6, 6));
    let step: StepLR = built(SCHEDULERS.build_with(
        &json!({"type": "StepLR", "step_size": 2, "convert_to_iter_based": false}),
        &json!({"convert_to_iter_based": true, "epoch_length": 10}),
    ));
    assert_eq!((step.step_size, step.by_epoch), (2, true));
}

#[test]
fn conversion_without_the_alternate_constructor() {
    let error = build_error(SCHEDULERS.build(&json!({
        "type": "ConstantLR", "factor": 0.5, "convert_to_iter_based": true, "epoch_length": 10,
    })));
    assert!(matches!(error, BuildError::NoConstructor { .. }));
    assert_eq!(
        error.to_string(),
        "`ConstantLR` in the test_build_funcs::scheduler registry has no alternate constructor \
         `build_iter_from_epoch` (it has: []); register one with #[register_module(registry = .., \
         name = \"ConstantLR\", constructor = \"build_iter_from_epoch\")] on a function"
    );
}

#[test]
fn conversion_errors_of_the_config() {
    // The alternate constructor's own error.
    let step_size_missing = SCHEDULERS.build(&json!({
        "type": "StepLR", "convert_to_iter_based": true, "epoch_length": 10,
    }));
    assert_eq!(
        build_error(step_size_missing).to_string(),
        "failed to build `StepLR` from the test_build_funcs::scheduler registry: missing field \
         `step_size`"
    );
    // No type: build_from_cfg's message.
    let error = build_error(SCHEDULERS.build(&json!({
        "convert_to_iter_based": true, "epoch_length": 10,
    })));
    assert_eq!(
        error.to_string(),
        "`cfg` or `default_args` must contain the key \"type\", but got \
         {\"convert_to_iter_based\":true,\"epoch_length\":10}\nNone"
    );
    // An unknown type: MMEngine names the registry without its scope here.
    let error = build_error(SCHEDULERS.build(&json!({
        "type": "CosineLR", "convert_to_iter_based": true, "epoch_length": 10,
    })));
    assert_eq!(
        error.to_string(),
        format!(
            "CosineLR is not in the scheduler registry. Please check whether the value of \
             `CosineLR` is correct or it was registered as expected. {NOT_FOUND_HELP}\n  \
             did you mean `ConstantLR`?\n  searched: test_build_funcs::scheduler\n  \
             default scope in force: none"
        )
    );
    let error = build_error(SCHEDULERS.build(&json!({
        "type": "StepLR", "step_size": 1, "convert_to_iter_based": "yes", "epoch_length": 10,
    })));
    assert_eq!(
        error.to_string(),
        "convert_to_iter_based must be a boolean, but got a string"
    );
}

#[test]
fn conversion_honours_scope() {
    let lab: LabLR = built(SCHEDULERS.build(&json!({
        "type": "LabLR", "_scope_": "lab", "step_size": 2,
        "convert_to_iter_based": true, "epoch_length": 5,
    })));
    assert_eq!(lab, LabLR { step_size: 10 });
    let lab: LabLR = built(SCHEDULERS.build(&json!({
        "type": "lab.LabLR", "step_size": 2, "convert_to_iter_based": true, "epoch_length": 5,
    })));
    assert_eq!(lab, LabLR { step_size: 10 });
    assert!(current_scope_name().is_none());
}

// ---- runners ------------------------------------------------------------------------

trait Run: Any + Send + Sync {
    fn describe(&self) -> String;
}

registry! {
    static RUNNERS: Registry<dyn Run> =
        Registry::new("runner").with_build_func(build_runner_from_cfg);
    static LAB_RUNNERS: Registry<dyn Run> =
        Registry::new("runner").with_parent(&RUNNERS).with_scope("lab");
}

/// The default runner; sees `runner_type` when the config has one.
#[register_module(registry = RUNNERS, name = "Runner")]
#[derive(Deserialize)]
struct DefaultRunner {
    runner_type: Option<String>,
    #[serde(default)]
    max_epochs: u32,
}

impl Run for DefaultRunner {
    fn describe(&self) -> String {
        format!("Runner({:?}, {})", self.runner_type, self.max_epochs)
    }
}

#[register_module(registry = RUNNERS)]
#[derive(Deserialize)]
struct CustomRunner {
    runner_type: String,
    max_epochs: u32,
}

impl Run for CustomRunner {
    fn describe(&self) -> String {
        format!("CustomRunner({:?}, {})", self.runner_type, self.max_epochs)
    }
}

struct LabRunner {
    runner_type: String,
    /// The default scope while it was built.
    scope: Option<String>,
}

#[register_module(registry = LAB_RUNNERS, name = "LabRunner")]
fn lab_runner(runner_type: String) -> LabRunner {
    LabRunner {
        runner_type,
        scope: current_scope_name(),
    }
}

impl Run for LabRunner {
    fn describe(&self) -> String {
        format!("LabRunner({:?}, scope {:?})", self.runner_type, self.scope)
    }
}

fn runner(result: Result<Box<dyn Run>, BuildError>) -> String {
    match result {
        Ok(runner) => runner.describe(),
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn runner_type_picks_the_runner_and_is_passed_on() {
    let built = RUNNERS.build(&json!({"runner_type": "CustomRunner", "max_epochs": 3}));
    assert_eq!(runner(built), "CustomRunner(\"CustomRunner\", 3)");
    let built = RUNNERS.build(&json!({"runner_type": "Runner", "max_epochs": 1}));
    assert_eq!(runner(built), "Runner(Some(\"Runner\"), 1)");
}

#[test]
fn runner_type_defaults_to_runner() {
    assert_eq!(
        runner(RUNNERS.build(&json!({"max_epochs": 2}))),
        "Runner(None, 2)"
    );
    assert_eq!(
        runner(RUNNERS.build(&json!({"runner_type": null}))),
        "Runner(None, 0)"
    );
}

#[test]
fn runner_ignores_type() {
    let built = RUNNERS.build(&json!({"type": "CustomRunner", "max_epochs": 4}));
    assert_eq!(runner(built), "Runner(None, 4)");
}

#[test]
fn unknown_runner_names_the_registry_without_scope() {
    let error = error_text(RUNNERS.build(&json!({"runner_type": "FlexibleRunner"})));
    assert_eq!(
        error,
        format!(
            "FlexibleRunner is not in the runner registry. Please check whether the value of \
             `FlexibleRunner` is correct or it was registered as expected. {NOT_FOUND_HELP}\n  \
             searched: test_build_funcs::runner\n  default scope in force: none"
        )
    );
}

#[test]
fn runner_honours_scope() {
    let built = RUNNERS.build(&json!({"runner_type": "LabRunner", "_scope_": "lab"}));
    assert_eq!(
        runner(built),
        "LabRunner(\"LabRunner\", scope Some(\"lab\"))"
    );
    assert!(current_scope_name().is_none());
    // A lab runner is not found from the root without the scope.
    let error = error_text(RUNNERS.build(&json!({"runner_type": "LabRunner"})));
    assert_eq!(
        error,
        format!(
            "LabRunner is not in the runner registry. Please check whether the value of \
             `LabRunner` is correct or it was registered as expected. {NOT_FOUND_HELP}\n  \
             did you mean `Runner`?\n  \
             it is registered under another scope: use `lab.LabRunner`\n  \
             searched: test_build_funcs::runner\n  \
             default scope in force: none"
        )
    );
    // With the scope, the root's runners are still found through the parent.
    let built =
        RUNNERS.build(&json!({"runner_type": "CustomRunner", "_scope_": "lab", "max_epochs": 1}));
    assert_eq!(runner(built), "CustomRunner(\"CustomRunner\", 1)");
}

#[test]
fn runner_config_errors() {
    assert_eq!(
        error_text(RUNNERS.build(&json!(["Runner"]))),
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got an array"
    );
    assert_eq!(
        error_text(RUNNERS.build(&json!({"runner_type": 3}))),
        "type must be a str or valid type, but got a number"
    );
    assert_eq!(
        error_text(RUNNERS.build(&json!({"runner_type": "CustomRunner"}))),
        "failed to build `CustomRunner` from the test_build_funcs::runner registry: missing \
         field `max_epochs`"
    );
}

// ---- the example framework crate ----------------------------------------------------

mod framework {
    use std::any::Any;

    use mmengine::model::{Linear, Sequential};
    use mmengine::runner::{CustomRunner, Runner};
    use mmengine::scheduler::{LinearLR, StepLR, INF};
    use mmengine::{MODELS, PARAM_SCHEDULERS, RUNNERS};
    use serde_json::json;

    #[test]
    fn models_list_is_a_sequential_of_its_layers() {
        let model = MODELS
            .build(&json!([
                {"type": "Linear", "in_features": 2, "out_features": 1, "weight": [[1.0, -1.0]], "bias": [0.5]},
                {"type": "ReLU"},
            ]))
            .unwrap();
        let any: &dyn Any = model.as_ref();
        let sequential = any.downcast_ref::<Sequential>().unwrap();
        assert_eq!(sequential.len(), 2);
        let first: &dyn Any = sequential.modules()[0].as_ref();
        assert_eq!(
            first.downcast_ref::<Linear>().unwrap(),
            &Linear {
                in_features: 2,
                weight: vec![1.0, -1.0],
                bias: vec![0.5],
            }
        );
        assert_eq!(model.forward(&[3.0, 1.0]), [2.5]);
        assert_eq!(model.forward(&[1.0, 3.0]), [0.0]);
        assert_eq!(model.parameters(), [1.0, -1.0, 0.5]);
    }

    fn step_lr(cfg: &serde_json::Value) -> StepLR {
        let built: Box<dyn Any> = PARAM_SCHEDULERS
            .build_with(cfg, &json!({"epoch_length": 4}))
            .unwrap();
        *built.downcast::<StepLR>().unwrap()
    }

    #[test]
    fn step_lr_build_iter_from_epoch_scales_by_epoch_length() {
        let cfg = json!({"type": "StepLR", "step_size": 2, "begin": 1, "end": 3, "gamma": 0.5});
        assert_eq!(
            step_lr(&cfg),
            StepLR {
                step_size: 2,
                gamma: 0.5,
                begin: 1,
                end: 3,
                by_epoch: true
            }
        );
        let mut converted = cfg;
        converted["convert_to_iter_based"] = json!(true);
        assert_eq!(
            step_lr(&converted),
            StepLR {
                step_size: 8,
                gamma: 0.5,
                begin: 4,
                end: 12,
                by_epoch: false
            }
        );
        let until_inf = json!({"type": "StepLR", "step_size": 1, "convert_to_iter_based": true});
        assert_eq!(
            (step_lr(&until_inf).end, step_lr(&until_inf).step_size),
            (INF, 4)
        );
    }

    #[test]
    fn linear_lr_build_iter_from_epoch_scales_by_epoch_length() {
        let built: Box<dyn Any> = PARAM_SCHEDULERS
            .build(
                &json!({"type": "LinearLR", "start_factor": 0.5, "begin": 1, "end": 2,
                           "convert_to_iter_based": true, "epoch_length": 10}),
            )
            .unwrap();
        assert_eq!(
            *built.downcast::<LinearLR>().unwrap(),
            LinearLR {
                start_factor: 0.5,
                end_factor: 1.0,
                begin: 10,
                end: 20,
                by_epoch: false
            }
        );
        let error = PARAM_SCHEDULERS
            .build(&json!({"type": "LinearLR", "convert_to_iter_based": true, "epoch_length": 0}))
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "failed to build `LinearLR` from the mmengine::parameter scheduler registry: \
             `epoch_length` must be a positive integer, but got 0."
        );
    }

    #[test]
    fn runner_type_picks_the_framework_runner() {
        let cfg = json!({"model": {"type": "ReLU"}, "experiment_name": "pick"});
        let runner = RUNNERS.build(&cfg).unwrap();
        assert_eq!(runner.runner_type(), "Runner");
        assert_eq!(runner.experiment_name(), "pick");
        let runner: Box<dyn Any> = runner;
        assert!(runner.is::<Runner>());

        let mut custom = cfg;
        custom["runner_type"] = json!("CustomRunner");
        let runner = RUNNERS.build(&custom).unwrap();
        assert_eq!(runner.runner_type(), "CustomRunner");
        let runner: Box<dyn Any> = runner;
        assert!(runner.is::<CustomRunner>());
    }
}
