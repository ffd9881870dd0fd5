//! Run with: cargo run --example framework
//!
//! MMEngine's framework layer, in Rust, through the example crate `mmengine`: its 23 root
//! registries, a model list config built as a `Sequential`, a scheduler converted from epochs
//! to iterations, the managed visualizer, a runner built from a JSON config and trained, and
//! `count_registered_modules` over every root and its children.

use std::any::Any;
use std::sync::Arc;

use registry_core::{count_registered_modules, Managed};
use serde_json::{json, Value};

use mmengine::model::Sequential;
use mmengine::scheduler::StepLR;
use mmengine::visualization::{BaseVisualizer, Visualizer};
use mmengine::{MODELS, PARAM_SCHEDULERS, RUNNERS, VISUALIZERS};
// Downstream projects with children of `mmengine::MODELS`: linked, so they are counted.
use mmalpha as _;
use mmbeta as _;

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn main() -> Result<(), registry_core::BoxError> {
    tracing_subscriber::fmt()
        .without_time()
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();

    section("1. A list config in MODELS is a Sequential (build_model_from_cfg)");
    let model = MODELS.build(&json!([
        {"type": "Linear", "in_features": 2, "out_features": 2, "weight": [[1.0, 0.0], [0.0, -1.0]]},
        {"type": "ReLU"},
    ]))?;
    let model_any: &dyn Any = model.as_ref();
    let sequential = model_any
        .downcast_ref::<Sequential>()
        .ok_or("a list config builds a Sequential")?;
    println!("Sequential of {} modules", sequential.len());
    println!("forward([3, 2]) = {:?}", model.forward(&[3.0, 2.0]));
    println!("forward([-3, -2]) = {:?}", model.forward(&[-3.0, -2.0]));

    section("2. A scheduler converted to iter-based (build_scheduler_from_cfg)");
    let by_epoch = json!({"type": "StepLR", "step_size": 2, "begin": 1, "end": 7, "gamma": 0.5});
    let epoch_length = json!({"epoch_length": 100});
    let plain = PARAM_SCHEDULERS.build_with(&by_epoch, &epoch_length)?;
    let mut converted_cfg = by_epoch.clone();
    converted_cfg["convert_to_iter_based"] = json!(true);
    let converted = PARAM_SCHEDULERS.build_with(&converted_cfg, &epoch_length)?;
    for (label, scheduler) in [("by epoch", &plain), ("converted", &converted)] {
        let scheduler: &dyn Any = scheduler.as_ref();
        let step = scheduler.downcast_ref::<StepLR>().ok_or("a StepLR")?;
        println!("{label:>9}: {step:?}");
    }
    let step_lr = PARAM_SCHEDULERS
        .get("StepLR")
        .ok_or("StepLR is registered")?;
    println!(
        "StepLR's alternate constructors: {:?}",
        step_lr.constructors()
    );

    section("3. The managed Visualizer (InstanceManager)");
    let cfg = json!({"type": "Visualizer", "name": "demo", "vis_backends": [{"type": "LocalVisBackend"}]});
    let first = VISUALIZERS.build(&cfg)?;
    let second = VISUALIZERS.build(&json!({"type": "Visualizer", "name": "demo"}))?;
    let shared = |built: &dyn BaseVisualizer| -> Option<Arc<Visualizer>> {
        let built: &dyn Any = built;
        built.downcast_ref::<Arc<Visualizer>>().cloned()
    };
    let (first, second) = (shared(first.as_ref()), shared(second.as_ref()));
    let (Some(first), Some(second)) = (first, second) else {
        return Err("a managed build hands out an Arc<Visualizer>".into());
    };
    println!(
        "second build, same name: same instance = {}",
        Arc::ptr_eq(&first, &second)
    );
    println!(
        "Visualizer::get_current_instance(): {}",
        Visualizer::get_current_instance()?.instance_name()
    );

    section("4. A runner from a JSON config (build_runner_from_cfg)");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/configs/runner.json");
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut runner = RUNNERS.build(&config)?;
    println!(
        "runner_type {:?} built experiment {:?}",
        runner.runner_type(),
        runner.experiment_name()
    );
    println!(
        "Visualizer::get_current_instance() is now: {}",
        Visualizer::get_current_instance()?.instance_name()
    );
    let report = runner.train()?;
    for line in runner.log() {
        println!("{line}");
    }
    for epoch in &report.epochs {
        println!(
            "epoch {}: mean loss {:.4}, lr {:.4}",
            epoch.epoch + 1,
            epoch.loss,
            epoch.lr
        );
    }
    println!(
        "{} iterations; validation: {:?}",
        report.iterations, report.metrics
    );
    let scalars = Visualizer::get_current_instance()?.scalars();
    println!("the visualizer recorded {} scalars", scalars.len());

    section("5. count_registered_modules: the 23 roots and their children");
    let statistics = count_registered_modules(None, false)?;
    let registries = statistics["registries"]
        .as_object()
        .ok_or("registries is an object")?;
    for (root, nodes) in registries {
        let nodes: Vec<String> = nodes
            .as_array()
            .into_iter()
            .flatten()
            .map(|node| {
                format!(
                    "{} ({})",
                    node["scope"].as_str().unwrap_or("?"),
                    node["num_modules"]
                )
            })
            .collect();
        println!("{root:<28} {}", nodes.join(", "));
    }
    println!("{} roots", registries.len());
    Ok(())
}
