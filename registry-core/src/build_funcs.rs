//! MMEngine's specialised build functions: `build_model_from_cfg`, `build_runner_from_cfg`
//! and `build_scheduler_from_cfg`. Each has the [`BuildFunc`](crate::BuildFunc) signature,
//! so a registry takes one with `with_build_func` and its children inherit it.

use serde_json::Value;

use crate::build::{build_from_cfg, object_args, scope_of, type_name_of};
use crate::error::{json_kind, BuildError};
use crate::registry::Registry;

/// A product type that can hold a sequence of itself, so a list config builds one object:
/// MMEngine wraps a list of modules in `nn.Sequential`. Implement it once for your model
/// trait object.
///
/// ```
/// use registry_core::SequentialContainer;
///
/// pub trait Layer: Send + Sync { fn forward(&self, x: f32) -> f32; }
/// pub struct Sequential(pub Vec<Box<dyn Layer>>);
/// impl Layer for Sequential {
///     fn forward(&self, x: f32) -> f32 { self.0.iter().fold(x, |x, layer| layer.forward(x)) }
/// }
/// impl SequentialContainer for dyn Layer {
///     fn sequential(layers: Vec<Box<dyn Layer>>) -> Box<dyn Layer> { Box::new(Sequential(layers)) }
/// }
/// ```
pub trait SequentialContainer {
    /// The modules, in order, as one module.
    fn sequential(modules: Vec<Box<Self>>) -> Box<Self>;
}

/// MMEngine's `build_model_from_cfg`: a list config builds each element with
/// [`build_from_cfg`] (each gets `default_args`) and wraps them, in order, in `T`'s
/// [`SequentialContainer`] (an empty list is an empty container); anything else is
/// [`build_from_cfg`].
///
/// # Errors
/// The first element's error, prefixed with its index (`[1]: ...`), or
/// [`build_from_cfg`]'s.
///
/// ```
/// use registry_core::{build_model_from_cfg, registry, register_module, Registry, SequentialContainer};
/// use serde_json::json;
///
/// pub trait Layer: Send + Sync { fn forward(&self, x: f32) -> f32; }
/// pub struct Sequential(Vec<Box<dyn Layer>>);
/// impl Layer for Sequential {
///     fn forward(&self, x: f32) -> f32 { self.0.iter().fold(x, |x, layer| layer.forward(x)) }
/// }
/// impl SequentialContainer for dyn Layer {
///     fn sequential(layers: Vec<Box<dyn Layer>>) -> Box<dyn Layer> { Box::new(Sequential(layers)) }
/// }
///
/// registry! {
///     pub static LAYERS: Registry<dyn Layer> =
///         Registry::new("layer").with_build_func(build_model_from_cfg);
/// }
///
/// #[register_module(registry = LAYERS)]
/// #[derive(serde::Deserialize)]
/// struct Scale { by: f32 }
/// impl Layer for Scale { fn forward(&self, x: f32) -> f32 { x * self.by } }
///
/// let model = LAYERS.build(&json!([{"type": "Scale", "by": 2.0}, {"type": "Scale", "by": 3.0}])).unwrap();
/// assert_eq!(model.forward(1.0), 6.0);
/// assert_eq!(LAYERS.build(&json!([])).unwrap().forward(5.0), 5.0);
/// ```
pub fn build_model_from_cfg<T: ?Sized + SequentialContainer + 'static>(
    cfg: &Value,
    registry: &Registry<T>,
    default_args: Option<&Value>,
) -> Result<Box<T>, BuildError> {
    let Value::Array(elements) = cfg else {
        return build_from_cfg(cfg, registry, default_args);
    };
    let modules = elements
        .iter()
        .enumerate()
        .map(|(index, element)| {
            build_from_cfg(element, registry, default_args)
                .map_err(|error| error.at_path(&format!("[{index}]")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(T::sequential(modules))
}

/// MMEngine's `build_runner_from_cfg`: the registered name is `runner_type` (default
/// `"Runner"`), which is not removed, so the runner sees it among its arguments; `type` is
/// ignored; `_scope_` is honoured. (MMEngine's takes no `default_args`; here they are merged
/// as in [`build_from_cfg`].)
///
/// # Errors
/// As [`build_from_cfg`]; a missing runner reads "X is not in the runner registry" like
/// MMEngine's.
///
/// ```
/// use registry_core::{build_runner_from_cfg, registry, register_module, Registry};
/// use serde_json::json;
///
/// pub trait Runner: Send + Sync { fn kind(&self) -> String; }
/// registry! {
///     pub static RUNNERS: Registry<dyn Runner> =
///         Registry::new("runner").with_build_func(build_runner_from_cfg);
/// }
///
/// #[register_module(registry = RUNNERS, name = "Runner")]
/// #[derive(serde::Deserialize)]
/// struct DefaultRunner { runner_type: Option<String>, max_epochs: u32 }
/// impl Runner for DefaultRunner { fn kind(&self) -> String { format!("{:?}/{}", self.runner_type, self.max_epochs) } }
///
/// assert_eq!(RUNNERS.build(&json!({"max_epochs": 3})).unwrap().kind(), "None/3");
/// let runner = RUNNERS.build(&json!({"runner_type": "Runner", "max_epochs": 1})).unwrap();
/// assert_eq!(runner.kind(), "Some(\"Runner\")/1");
/// ```
pub fn build_runner_from_cfg<T: ?Sized + 'static>(
    cfg: &Value,
    registry: &Registry<T>,
    default_args: Option<&Value>,
) -> Result<Box<T>, BuildError> {
    let args = object_args(cfg, default_args)?;
    let scope = scope_of(&args)?;
    let runner_type = match args.get("runner_type") {
        None | Some(Value::Null) => "Runner",
        Some(value) => type_name_of(value)?,
    };
    let registry = registry.switch_scope_and_registry(scope)?;
    let module = registry
        .try_get(runner_type)
        .map_err(|error| name_without_scope(error, registry.name()))?;
    module.invoke(args)
}

/// MMEngine's `build_scheduler_from_cfg`. With `convert_to_iter_based: true` it requires
/// `epoch_length` and `by_epoch` not false, and builds the registered type with its
/// alternate constructor `build_iter_from_epoch` (a function registered with
/// `constructor = "build_iter_from_epoch"`) from the other arguments; otherwise it drops
/// `epoch_length` and builds as [`build_from_cfg`] does.
///
/// # Errors
/// MMEngine's assertion ("Only epoch-based parameter scheduler can be converted to
/// iter-based, and `epoch_length` should be set") as [`BuildError::Precondition`],
/// [`BuildError::NoConstructor`], and [`build_from_cfg`]'s errors.
///
/// ```
/// use registry_core::{build_scheduler_from_cfg, registry, register_module, Registry};
/// use serde_json::json;
///
/// pub trait Scheduler: Send + Sync { fn span(&self) -> (u64, u64); }
/// registry! {
///     pub static SCHEDULERS: Registry<dyn Scheduler> =
///         Registry::new("scheduler").with_build_func(build_scheduler_from_cfg);
/// }
///
/// #[register_module(registry = SCHEDULERS)]
/// #[derive(serde::Deserialize)]
/// struct LinearLR { begin: u64, end: u64, #[serde(default)] by_epoch: Option<bool> }
/// impl Scheduler for LinearLR { fn span(&self) -> (u64, u64) { (self.begin, self.end) } }
///
/// #[register_module(registry = SCHEDULERS, name = "LinearLR", constructor = "build_iter_from_epoch")]
/// fn linear_iter(begin: u64, end: u64, epoch_length: u64) -> LinearLR {
///     LinearLR { begin: begin * epoch_length, end: end * epoch_length, by_epoch: Some(false) }
/// }
///
/// let by_epoch = json!({"type": "LinearLR", "begin": 0, "end": 2, "epoch_length": 100});
/// assert_eq!(SCHEDULERS.build(&by_epoch).unwrap().span(), (0, 2));
/// let converted = json!({"type": "LinearLR", "begin": 1, "end": 2, "epoch_length": 100,
///                        "convert_to_iter_based": true});
/// assert_eq!(SCHEDULERS.build(&converted).unwrap().span(), (100, 200));
/// ```
pub fn build_scheduler_from_cfg<T: ?Sized + 'static>(
    cfg: &Value,
    registry: &Registry<T>,
    default_args: Option<&Value>,
) -> Result<Box<T>, BuildError> {
    /// What MMEngine pops before building either way.
    const CONVERT: &[&str] = &["convert_to_iter_based"];
    /// What it drops when not converting.
    const NOT_CONVERTED: &[&str] = &["convert_to_iter_based", "epoch_length"];
    let args = object_args(cfg, default_args)?;
    let scope = scope_of(&args)?;
    let convert = match args.get("convert_to_iter_based") {
        None | Some(Value::Null | Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(other) => {
            return Err(BuildError::Precondition(format!(
                "convert_to_iter_based must be a boolean, but got {}",
                json_kind(other)
            )))
        }
    };
    let registry = registry.switch_scope_and_registry(scope)?;
    let Some(type_value) = args.raw_get("type") else {
        return Err(crate::build::missing_type(cfg, default_args));
    };
    if !convert {
        // The scope is switched already: look the type up in the chosen registry.
        let module = registry.try_get(type_name_of(type_value)?)?;
        return module.invoke(args.hiding(NOT_CONVERTED));
    }
    let by_epoch = !matches!(args.get("by_epoch"), Some(Value::Bool(false) | Value::Null));
    if args.get("epoch_length").is_none() || !by_epoch {
        return Err(BuildError::Precondition(
            "Only epoch-based parameter scheduler can be converted to iter-based, and \
             `epoch_length` should be set"
                .to_owned(),
        ));
    }
    let type_name = type_name_of(type_value)?;
    let module = registry
        .try_get(type_name)
        .map_err(|error| name_without_scope(error, registry.name()))?;
    module.invoke_alternate("build_iter_from_epoch", args.hiding(CONVERT))
}

/// MMEngine's runner and scheduler builders name the registry without its scope.
fn name_without_scope(error: BuildError, registry_name: &str) -> BuildError {
    match error {
        BuildError::NotFound(mut details) => {
            details.registry = registry_name.to_owned();
            BuildError::NotFound(details)
        }
        other => other,
    }
}
