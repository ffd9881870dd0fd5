//! Building from a config: `Registry::build`, `build_with` and `build_from_cfg`.

use serde_json::{Map, Value};

use crate::config::Args;
use crate::error::{json_kind, BuildError};
use crate::preview::preview;
use crate::registry::Registry;

impl<T: ?Sized + 'static> Registry<T> {
    /// Builds an object from `cfg`, a JSON object whose `type` names a registered module and
    /// whose other keys are its arguments, by calling this registry's
    /// [`build_func`](Registry::build_func) ([`build_from_cfg`] unless one was set).
    ///
    /// # Errors
    /// A [`BuildError`] saying what was wrong with the config, which name was not found
    /// where, or how the module's builder failed.
    ///
    /// ```
    /// use registry_core::{registry, register_module, Registry};
    /// use serde::Deserialize;
    /// use serde_json::json;
    ///
    /// pub trait Backbone: Send + Sync { fn depth(&self) -> u32; }
    /// registry! { pub static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone"); }
    ///
    /// #[register_module(registry = BACKBONES)]
    /// #[derive(Deserialize)]
    /// struct ResNet { depth: u32, #[serde(default = "four")] stages: u32 }
    /// fn four() -> u32 { 4 }
    /// impl Backbone for ResNet { fn depth(&self) -> u32 { self.depth } }
    ///
    /// let model = BACKBONES.build(&json!({"type": "ResNet", "depth": 50})).unwrap();
    /// assert_eq!(model.depth(), 50);
    ///
    /// let error = BACKBONES.build(&json!({"type": "VGG"})).err().unwrap();
    /// assert!(error.to_string().starts_with("VGG is not in the rust_out::backbone registry"));
    /// ```
    pub fn build(&self, cfg: &Value) -> Result<Box<T>, BuildError> {
        (self.build_func())(cfg, self, None)
    }

    /// Builds from `cfg` with `default_args` filling in the keys `cfg` does not set (MMEngine's
    /// `build(cfg, default_args=...)`).
    ///
    /// # Errors
    /// As [`build`](Self::build).
    pub fn build_with(&self, cfg: &Value, default_args: &Value) -> Result<Box<T>, BuildError> {
        (self.build_func())(cfg, self, Some(default_args))
    }
}

/// The default build function, MMEngine's `build_from_cfg`: checks the config, merges
/// `default_args` under it (the config wins), applies `_scope_` as the default scope for the
/// duration of the build, finds `type` in the registry chosen by
/// [`Registry::switch_scope_and_registry`], and builds it from the remaining keys. The
/// config is only read, never copied or modified.
///
/// # Errors
/// In this order: [`BuildError::ConfigNotObject`], [`BuildError::DefaultArgsNotObject`],
/// [`BuildError::MissingType`], then [`BuildError::ScopeNotString`],
/// [`BuildError::TypeNotString`], [`BuildError::EmptyType`], the lookup's errors and the
/// builder's.
///
/// ```
/// use registry_core::{build_from_cfg, registry, register_module, Registry};
/// use serde::Deserialize;
/// use serde_json::json;
///
/// pub trait Backbone: Send + Sync { fn stages(&self) -> u32; }
/// registry! { pub static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone"); }
///
/// #[register_module(registry = BACKBONES)]
/// #[derive(Deserialize)]
/// struct ResNet { depth: u32, stages: u32 }
/// impl Backbone for ResNet { fn stages(&self) -> u32 { self.stages } }
///
/// let defaults = json!({"stages": 3});
/// let model = build_from_cfg(&json!({"type": "ResNet", "depth": 50}), &BACKBONES, Some(&defaults)).unwrap();
/// assert_eq!(model.stages(), 3);
/// ```
pub fn build_from_cfg<T: ?Sized + 'static>(
    cfg: &Value,
    registry: &Registry<T>,
    default_args: Option<&Value>,
) -> Result<Box<T>, BuildError> {
    let args = object_args(cfg, default_args)?;
    let (type_value, scope_value) = args.steering();
    let Some(type_value) = type_value else {
        return Err(missing_type(cfg, default_args));
    };
    let scope = scope_name(scope_value)?;
    let type_name = type_name_of(type_value)?;
    let registry = registry.switch_scope_and_registry(scope)?;
    let module = registry.try_get(type_name)?;
    module.invoke(args)
}

/// The arguments of an object config: the config over its defaults.
pub(crate) fn object_args<'a>(
    cfg: &'a Value,
    default_args: Option<&'a Value>,
) -> Result<Args<'a>, BuildError> {
    let Value::Object(cfg_map) = cfg else {
        return Err(BuildError::ConfigNotObject {
            found: json_kind(cfg),
        });
    };
    Ok(Args::new(cfg_map, defaults_map(default_args)?))
}

pub(crate) fn missing_type(cfg: &Value, default_args: Option<&Value>) -> BuildError {
    BuildError::MissingType {
        cfg: preview(cfg),
        default_args: match default_args {
            None | Some(Value::Null) => "None".to_owned(),
            Some(defaults) => preview(defaults),
        },
    }
}

/// The registered name a `type` (or `runner_type`) value names.
pub(crate) fn type_name_of(value: &Value) -> Result<&str, BuildError> {
    match value {
        Value::String(name) if name.is_empty() => Err(BuildError::EmptyType),
        Value::String(name) => Ok(name),
        other => Err(BuildError::TypeNotString {
            found: json_kind(other),
        }),
    }
}

/// `default_args` as a map: absent or null is none, an object is itself, else an error.
pub(crate) fn defaults_map(
    default_args: Option<&Value>,
) -> Result<Option<&Map<String, Value>>, BuildError> {
    match default_args {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(BuildError::DefaultArgsNotObject {
            found: json_kind(other),
        }),
    }
}

/// The `_scope_` of the arguments (config first, then defaults); null means none.
pub(crate) fn scope_of<'a>(args: &Args<'a>) -> Result<Option<&'a str>, BuildError> {
    scope_name(args.raw_get("_scope_"))
}

/// A `_scope_` value as a scope name; null means none.
fn scope_name(value: Option<&Value>) -> Result<Option<&str>, BuildError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(scope)) => Ok(Some(scope)),
        Some(other) => Err(BuildError::ScopeNotString {
            found: json_kind(other),
        }),
    }
}
