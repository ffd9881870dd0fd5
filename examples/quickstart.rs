//! Run with: cargo run --example quickstart
//!
//! MMEngine's registry tutorial, step by step, in Rust: a registry of activations, building
//! from configs (inline and from a JSON file), a custom build function, a nested config
//! (detector = backbone + neck + head) with a typo and its error, and a hierarchy of
//! registries across three crates (`mmengine` ← `mmalpha`, `mmbeta`) with parent lookup,
//! sibling keys, `_scope_`, `init_default_scope`, and `count_registered_modules` at the end.

use registry_core::{
    count_registered_modules, init_default_scope, register_module, registry, BuildError, Registry,
};
use serde_json::{json, Value};

use mmengine::Module;

registry! {
    /// The tutorial's `Registry('activation', scope='mmengine', locations=[...])`.
    pub static ACTIVATION: Registry<dyn Module> = Registry::new("activation")
        .with_scope("mmengine")
        .with_locations(&["quickstart::activations"]);

    /// The same registry with the tutorial's custom `build_activation` build function.
    pub static CUSTOM_ACTIVATION: Registry<dyn Module> = Registry::new("activation")
        .with_scope("mmengine")
        .with_build_func(build_activation);
}

/// The tutorial's activations, registered where `locations` says they are.
mod activations {
    use registry_core::register_module;
    use serde::Deserialize;

    use mmengine::Module;

    #[register_module(registry = crate::ACTIVATION)]
    #[derive(Deserialize)]
    pub struct Sigmoid;

    impl Module for Sigmoid {
        fn forward(&self, input: &[f32]) -> Vec<f32> {
            println!("call Sigmoid.forward");
            input.iter().map(|x| 1.0 / (1.0 + (-x).exp())).collect()
        }
    }

    #[register_module(registry = crate::ACTIVATION)]
    #[derive(Deserialize)]
    pub struct ReLU {
        #[serde(default)]
        pub inplace: bool,
    }

    impl Module for ReLU {
        fn forward(&self, input: &[f32]) -> Vec<f32> {
            println!("call ReLU.forward (inplace: {})", self.inplace);
            input.iter().map(|x| x.max(0.0)).collect()
        }
    }

    #[register_module(registry = crate::ACTIVATION)]
    #[derive(Deserialize)]
    pub struct Softmax;

    impl Module for Softmax {
        fn forward(&self, input: &[f32]) -> Vec<f32> {
            println!("call Softmax.forward");
            let exp: Vec<f32> = input.iter().map(|x| x.exp()).collect();
            let sum: f32 = exp.iter().sum();
            exp.iter().map(|x| x / sum).collect()
        }
    }
}

/// The tutorial's `build_activation`: announce the type, look it up, build it.
fn build_activation(
    cfg: &Value,
    registry: &Registry<dyn Module>,
    default_args: Option<&Value>,
) -> Result<Box<dyn Module>, BuildError> {
    let act_type = cfg
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| BuildError::custom("an activation config needs a string `type`"))?;
    println!("build activation: {act_type}");
    let module = registry.try_get(act_type)?;
    match default_args {
        Some(defaults) => module.build_with(cfg, defaults),
        None => module.build(cfg),
    }
}

#[register_module(registry = CUSTOM_ACTIVATION)]
#[derive(serde::Deserialize)]
pub struct Tanh;

impl Module for Tanh {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        println!("call Tanh.forward");
        input.iter().map(|x| x.tanh()).collect()
    }
}

/// A scope contributed with attributes alone: no registry declares `mmgamma`, so the core
/// makes a child of `mmengine::MODELS` with that scope.
#[register_module(registry = mmengine::MODELS, scope = "mmgamma")]
#[derive(serde::Deserialize)]
pub struct Gelu;

impl Module for Gelu {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        println!("call Gelu.forward");
        input
            .iter()
            .map(|x| 0.5 * x * (1.0 + (0.797_884_6 * (x + 0.044_715 * x * x * x)).tanh()))
            .collect()
    }
}

/// Three registries, one per part, and a detector assembled from them by its config.
mod detection {
    use registry_core::{register_module, registry, Built, Registry};
    use serde::Deserialize;

    pub trait Backbone: Send + Sync {
        fn describe(&self) -> String;
    }
    pub trait Neck: Send + Sync {
        fn describe(&self) -> String;
    }
    pub trait Head: Send + Sync {
        fn describe(&self) -> String;
    }
    pub trait Detector: Send + Sync {
        fn describe(&self) -> String;
    }

    registry! {
        pub static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone").with_scope("mmdet");
        pub static NECKS: Registry<dyn Neck> = Registry::new("neck").with_scope("mmdet");
        pub static HEADS: Registry<dyn Head> = Registry::new("head").with_scope("mmdet");
        /// Heads of another project, a child scope of HEADS.
        pub static ALPHA_HEADS: Registry<dyn Head> =
            Registry::new("head").with_parent(&HEADS).with_scope("mmalpha");
        pub static DETECTORS: Registry<dyn Detector> = Registry::new("detector").with_scope("mmdet");
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Stage {
        depth: u32,
    }

    #[register_module(registry = BACKBONES)]
    #[derive(Deserialize)]
    pub struct ResNet {
        depth: u32,
        stages: Vec<Stage>,
    }

    impl Backbone for ResNet {
        fn describe(&self) -> String {
            let stages: Vec<String> = self.stages.iter().map(|s| s.depth.to_string()).collect();
            format!("ResNet-{} (stages {})", self.depth, stages.join("/"))
        }
    }

    /// Named as in the detection libraries configs refer to.
    #[allow(clippy::upper_case_acronyms)]
    #[register_module(registry = NECKS)]
    #[derive(Deserialize)]
    pub struct FPN {
        out_channels: u32,
    }

    impl Neck for FPN {
        fn describe(&self) -> String {
            format!("FPN({})", self.out_channels)
        }
    }

    #[register_module(registry = ALPHA_HEADS)]
    #[derive(Deserialize)]
    pub struct AlphaHead {
        num_classes: u32,
    }

    impl Head for AlphaHead {
        fn describe(&self) -> String {
            format!("AlphaHead({} classes)", self.num_classes)
        }
    }

    #[register_module(registry = DETECTORS)]
    #[derive(Deserialize)]
    pub struct TwoStageDetector {
        backbone: Built<dyn Backbone>,
        neck: Built<dyn Neck>,
        head: Built<dyn Head>,
    }

    impl Detector for TwoStageDetector {
        fn describe(&self) -> String {
            format!(
                "TwoStageDetector: {} -> {} -> {}",
                self.backbone.describe(),
                self.neck.describe(),
                self.head.describe()
            )
        }
    }
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn run(model: &dyn Module, input: &[f32]) {
    println!("{:?}", model.forward(input));
}

/// Builds `cfg` in `models` and runs it on `input`.
fn build_and_run(
    models: &Registry<dyn Module>,
    cfg: &Value,
    input: &[f32],
) -> Result<(), BuildError> {
    run(models.build(cfg)?.as_ref(), input);
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Warnings (a default scope not in a tree, a location that contributed nothing) go
    // through `tracing`; show them on stderr.
    tracing_subscriber::fmt()
        .without_time()
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    let input = [-1.0_f32, 0.5];

    section("1. A registry and its modules");
    let names: Vec<&str> = ACTIVATION.module_dict().into_keys().collect();
    println!("ACTIVATION.module_dict(): {names:?}");
    println!("{ACTIVATION}");

    section("2. Build from configs");
    build_and_run(&ACTIVATION, &json!({"type": "Sigmoid"}), &input)?;
    build_and_run(
        &ACTIVATION,
        &json!({"type": "ReLU", "inplace": true}),
        &input,
    )?;

    section("3. A custom build function");
    build_and_run(&CUSTOM_ACTIVATION, &json!({"type": "Tanh"}), &input)?;

    section("4. Build from a JSON config file");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/configs/activation.json"
    );
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    build_and_run(&ACTIVATION, &config["act_cfg"], &input)?;
    build_and_run(&mmbeta::MODELS, &config["model"], &input)?;

    section("5. Nested configs: a detector = backbone + neck + head");
    let config: Value = serde_json::from_str(&std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/configs/detector.json"
    ))?)?;
    let detector = detection::DETECTORS.build(&config["detector"])?;
    println!("{}", detector.describe());
    // The same config with a typo three levels down, `type` last: the error says where.
    match detection::DETECTORS.build(&config["detector_with_typo"]) {
        Ok(_) => println!("unexpected: the typo was accepted"),
        Err(error) => println!("{error}"),
    }

    section("6. Hierarchical registries: mmengine <- mmalpha, mmbeta");
    // MMAlpha's own module, then its parent's (with and without the scope prefix).
    build_and_run(&mmalpha::MODELS, &json!({"type": "LogSoftmax"}), &input)?;
    build_and_run(
        &mmalpha::MODELS,
        &json!({"type": "RReLU", "lower": 0.2}),
        &input,
    )?;
    build_and_run(&mmalpha::MODELS, &json!({"type": "mmengine.RReLU"}), &input)?;
    // The parent does not see its children's modules...
    match mmengine::MODELS.build(&json!({"type": "LogSoftmax"})) {
        Ok(_) => println!("unexpected: the root found LogSoftmax"),
        Err(error) => println!("mmengine::MODELS cannot build LogSoftmax:\n{error}"),
    }
    // ...a sibling reaches them with a scope prefix or `_scope_`...
    build_and_run(
        &mmbeta::MODELS,
        &json!({"type": "mmalpha.LogSoftmax"}),
        &input,
    )?;
    build_and_run(
        &mmbeta::MODELS,
        &json!({"type": "LogSoftmax", "_scope_": "mmalpha"}),
        &input,
    )?;
    // ...a scope made by attributes alone is reachable like any other...
    build_and_run(&mmbeta::MODELS, &json!({"type": "mmgamma.Gelu"}), &input)?;
    // ...and with the default scope set, the root's `build` is redirected to mmalpha.
    init_default_scope("mmalpha");
    build_and_run(&mmengine::MODELS, &json!({"type": "LogSoftmax"}), &input)?;

    section("7. count_registered_modules");
    let statistics = count_registered_modules(None, false)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&statistics["registries"])?
    );
    Ok(())
}
