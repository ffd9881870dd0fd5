//! The example framework crate's 23 root registries (MMEngine's `root.py`) and
//! `count_registered_modules` over them (MMEngine's `test_count_registered_modules`).
//! `mmalpha` is linked, so its child of `MODELS` is in the tree; `mmbeta` is not.

use std::any::Any;

use mmalpha as _;
use registry_core::{count_registered_modules, STATISTICS_FILE};
use serde_json::{json, Value};

mod support;
use support::temp_dir;

/// MMEngine's attribute names and registry names, in `root.py`'s order.
const MMENGINE_ROOTS: [(&str, &str); 23] = [
    ("RUNNERS", "runner"),
    ("RUNNER_CONSTRUCTORS", "runner constructor"),
    ("LOOPS", "loop"),
    ("HOOKS", "hook"),
    ("STRATEGIES", "strategy"),
    ("DATASETS", "dataset"),
    ("DATA_SAMPLERS", "data sampler"),
    ("TRANSFORMS", "transform"),
    ("MODELS", "model"),
    ("MODEL_WRAPPERS", "model_wrapper"),
    ("WEIGHT_INITIALIZERS", "weight initializer"),
    ("OPTIMIZERS", "optimizer"),
    ("OPTIM_WRAPPERS", "optim_wrapper"),
    (
        "OPTIM_WRAPPER_CONSTRUCTORS",
        "optimizer wrapper constructor",
    ),
    ("PARAM_SCHEDULERS", "parameter scheduler"),
    ("METRICS", "metric"),
    ("EVALUATOR", "evaluator"),
    ("TASK_UTILS", "task util"),
    ("VISUALIZERS", "visualizer"),
    ("VISBACKENDS", "vis_backend"),
    ("LOG_PROCESSORS", "log_processor"),
    ("INFERENCERS", "inferencer"),
    ("FUNCTIONS", "function"),
];

/// What the tests need of one root registry (the registries have different types).
struct Root {
    attribute: &'static str,
    name: &'static str,
    static_name: Option<&'static str>,
    scope: &'static str,
    len: usize,
    has_parent: bool,
    locations: usize,
}

macro_rules! roots {
    ($($root:ident),* $(,)?) => {
        vec![$(Root {
            attribute: stringify!($root),
            name: mmengine::$root.name(),
            static_name: mmengine::$root.static_name(),
            scope: mmengine::$root.scope(),
            len: mmengine::$root.len(),
            has_parent: mmengine::$root.parent().is_some(),
            locations: mmengine::$root.locations().len(),
        }),*]
    };
}

fn roots() -> Vec<Root> {
    roots![
        RUNNERS,
        RUNNER_CONSTRUCTORS,
        LOOPS,
        HOOKS,
        STRATEGIES,
        DATASETS,
        DATA_SAMPLERS,
        TRANSFORMS,
        MODELS,
        MODEL_WRAPPERS,
        WEIGHT_INITIALIZERS,
        OPTIMIZERS,
        OPTIM_WRAPPERS,
        OPTIM_WRAPPER_CONSTRUCTORS,
        PARAM_SCHEDULERS,
        METRICS,
        EVALUATOR,
        TASK_UTILS,
        VISUALIZERS,
        VISBACKENDS,
        LOG_PROCESSORS,
        INFERENCERS,
        FUNCTIONS,
    ]
}

#[test]
fn the_23_roots_have_mmengine_names_and_scope() {
    let roots = roots();
    assert_eq!(roots.len(), 23);
    for (root, (attribute, name)) in roots.iter().zip(MMENGINE_ROOTS) {
        assert_eq!(root.attribute, attribute);
        assert_eq!(root.static_name, Some(attribute));
        assert_eq!(root.name, name, "{attribute}");
        assert_eq!(root.scope, "mmengine", "{attribute}");
        assert!(!root.has_parent, "{attribute}");
        assert_eq!(root.locations, 0, "{attribute}");
    }
}

#[test]
fn count_registered_modules_has_every_root() {
    let stats = count_registered_modules(None, false).unwrap();
    let registries = stats["registries"].as_object().unwrap();
    let keys: Vec<&str> = registries.keys().map(String::as_str).collect();
    // Only roots are keys (mmalpha's MODELS is a child), sorted like MMEngine's `dir()`.
    let mut expected: Vec<&str> = MMENGINE_ROOTS
        .iter()
        .map(|(attribute, _)| *attribute)
        .collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
}

#[test]
fn each_roots_first_node_counts_its_modules() {
    let stats = count_registered_modules(None, false).unwrap();
    for root in roots() {
        let first = &stats["registries"][root.attribute][0];
        assert_eq!(first["num_modules"], json!(root.len), "{}", root.attribute);
        assert_eq!(first["scope"], "mmengine", "{}", root.attribute);
    }
}

#[test]
fn the_trees_of_the_framework() {
    let stats = count_registered_modules(None, false).unwrap();
    let registries = &stats["registries"];
    // mmalpha's MODELS is a child of mmengine's.
    assert_eq!(
        registries["MODELS"],
        json!([
            {
                "num_modules": 4,
                "scope": "mmengine",
                "mmengine": ["Linear", "Sequential"],
                "mmengine/model": ["RReLU", "ReLU"],
            },
            {"num_modules": 1, "scope": "mmalpha", "mmalpha": ["LogSoftmax"]},
        ])
    );
    // MMEngine's own excerpt has `"mmengine/runner": ["FlexibleRunner", "Runner"]`.
    assert_eq!(
        registries["RUNNERS"],
        json!([{"num_modules": 2, "scope": "mmengine", "mmengine": ["CustomRunner", "Runner"]}])
    );
    // Alternate constructors (`build_iter_from_epoch`) are not modules.
    assert_eq!(
        registries["PARAM_SCHEDULERS"],
        json!([{"num_modules": 2, "scope": "mmengine", "mmengine": ["LinearLR", "StepLR"]}])
    );
    assert_eq!(
        registries["VISUALIZERS"],
        json!([{"num_modules": 1, "scope": "mmengine", "mmengine": ["Visualizer"]}])
    );
    for empty in [
        "RUNNER_CONSTRUCTORS",
        "STRATEGIES",
        "MODEL_WRAPPERS",
        "TASK_UTILS",
        "INFERENCERS",
    ] {
        assert_eq!(
            registries[empty],
            json!([{"num_modules": 0, "scope": "mmengine"}]),
            "{empty}"
        );
    }
}

#[test]
fn count_registered_modules_writes_a_file_that_parses() {
    let dir = temp_dir("roots", "save");
    let stats = count_registered_modules(Some(&dir), false).unwrap();
    let path = dir.join(STATISTICS_FILE);
    assert!(path.is_file());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written, stats);
    assert_eq!(written["registries"].as_object().unwrap().len(), 23);
    assert_eq!(
        written["registries"]["MODELS"][1]["scope"],
        json!("mmalpha")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn count_registered_modules_without_save_path_writes_nothing() {
    let in_cwd = std::path::Path::new(STATISTICS_FILE);
    let before = std::fs::metadata(in_cwd).and_then(|m| m.modified()).ok();
    let dir = temp_dir("roots", "nosave");
    count_registered_modules(None, false).unwrap();
    let after = std::fs::metadata(in_cwd).and_then(|m| m.modified()).ok();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn runners_models_and_schedulers_have_their_build_functions() {
    // RUNNERS: build_runner_from_cfg, no `type` needed, `runner_type` defaults to Runner.
    let runner = mmengine::RUNNERS
        .build(&json!({"model": {"type": "ReLU"}}))
        .unwrap();
    assert_eq!(runner.runner_type(), "Runner");
    // MODELS: build_model_from_cfg, a list is a Sequential.
    let model = mmengine::MODELS.build(&json!([])).unwrap();
    let model: &dyn Any = model.as_ref();
    assert!(model.is::<mmengine::model::Sequential>());
    // PARAM_SCHEDULERS: build_scheduler_from_cfg, `epoch_length` dropped when not converting.
    assert!(mmengine::PARAM_SCHEDULERS
        .build(&json!({"type": "StepLR", "step_size": 1, "epoch_length": 3}))
        .is_ok());
    // The others: build_from_cfg.
    let error = mmengine::OPTIMIZERS.build(&json!([])).err().unwrap();
    assert_eq!(
        error.to_string(),
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got an array"
    );
}
