//! Nested configs as typed fields: [`Built`] builds a field from its nested config while the
//! outer object is deserialized; [`Lazy`] keeps the config to build later. Plus the depth
//! limit that keeps a hostile config from overflowing the stack.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::error::BuildError;
use crate::registry::Registry;
use crate::scope::{current_scope, ScopeOverride};
use crate::tree;

/// The newtype name by which a `Built` field asks the deserializer to build it in place.
pub(crate) const BUILT_TOKEN: &str = "$registry_core::Built";

/// The default of [`depth_limit`]: more than any real config, far less than a stack holds.
pub const DEFAULT_DEPTH_LIMIT: usize = 128;

static DEPTH_LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_DEPTH_LIMIT);

/// Sets how deep configs may nest (objects, arrays and nested builds together; default
/// [`DEFAULT_DEPTH_LIMIT`]). A deeper config is an error, not a stack overflow.
pub fn set_depth_limit(limit: usize) {
    DEPTH_LIMIT.store(limit, Ordering::Relaxed);
}

/// How deep configs may nest; see [`set_depth_limit`].
pub fn depth_limit() -> usize {
    DEPTH_LIMIT.load(Ordering::Relaxed)
}

type BuildAny = fn(&Value) -> Result<Box<dyn Any>, BuildError>;

/// Marks what a nested field builds (`T`) and through which registry (`R`), without owning
/// either (so it is `Send + Sync` whatever they are).
type Product<T, R> = PhantomData<(fn() -> Box<T>, fn() -> R)>;

thread_local! {
    /// The nesting depth of the build running on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Set by a `Built` field just before it asks to be built in place.
    static REQUEST: Cell<Option<BuildAny>> = const { Cell::new(None) };
    /// The object built in place, handed back to the `Built` field.
    static RESPONSE: Cell<Option<Box<dyn Any>>> = const { Cell::new(None) };
}

/// The current depth, where a build's arguments start.
#[inline]
pub(crate) fn current_depth() -> usize {
    DEPTH.with(Cell::get)
}

/// Restores the depth when a build ends, however it ends.
pub(crate) struct DepthGuard(usize);

impl Drop for DepthGuard {
    #[inline]
    fn drop(&mut self) {
        DEPTH.with(|depth| depth.set(self.0));
    }
}

/// Enters one more level of building.
///
/// # Errors
/// [`BuildError::TooDeep`] past the limit.
#[inline]
pub(crate) fn enter_build() -> Result<DepthGuard, BuildError> {
    DEPTH.with(|depth| {
        let previous = depth.get();
        let limit = depth_limit();
        if previous >= limit {
            return Err(BuildError::TooDeep { limit });
        }
        depth.set(previous + 1);
        Ok(DepthGuard(previous))
    })
}

/// Builds the pending `Built` request from `value` at `depth`; `None` when none is pending.
pub(crate) fn build_requested(value: &Value, depth: usize) -> Option<Result<(), BuildError>> {
    let build = REQUEST.with(Cell::take)?;
    let previous = DEPTH.with(|current| current.replace(depth));
    let _restore = DepthGuard(previous);
    Some(build(value).map(|built| RESPONSE.with(|response| response.set(Some(built)))))
}

/// Picks the registry a nested config is built through.
///
/// [`Root`] (the default) picks the root registry declared for the product type and is an
/// error if there are several; implement it on a marker type to pick one yourself:
///
/// ```
/// use registry_core::{registry, Built, BuildError, Choose, Registry};
///
/// pub trait Head: Send + Sync {}
/// registry! {
///     pub static HEADS: Registry<dyn Head> = Registry::new("head");
///     pub static OTHER_HEADS: Registry<dyn Head> = Registry::new("head").with_scope("other");
/// }
///
/// /// Builds from `HEADS`, although two roots build `dyn Head`.
/// pub struct FromHeads;
/// impl Choose<dyn Head> for FromHeads {
///     fn registry() -> Result<&'static Registry<dyn Head>, BuildError> { Ok(&HEADS) }
/// }
///
/// #[derive(serde::Deserialize)]
/// struct Detector { head: Built<dyn Head, FromHeads> }
/// ```
pub trait Choose<T: ?Sized + 'static> {
    /// The registry to build through.
    ///
    /// # Errors
    /// When no single registry can be chosen.
    fn registry() -> Result<&'static Registry<T>, BuildError>;
}

/// The root registry declared for the product type (the only one; several are an error).
#[derive(Debug, Clone, Copy, Default)]
pub struct Root;

impl<T: ?Sized + 'static> Choose<T> for Root {
    fn registry() -> Result<&'static Registry<T>, BuildError> {
        tree::root_of::<T>()
    }
}

fn build_any<T: ?Sized + 'static, R: Choose<T>>(value: &Value) -> Result<Box<dyn Any>, BuildError> {
    let built: Box<T> = R::registry()?.build(value)?;
    Ok(Box::new(built))
}

/// A field built from its nested config through a registry while the outer object is
/// deserialized: `backbone: Built<dyn Backbone>` takes `{"type": "ResNet", "depth": 50}`.
/// It works in the usual containers (`Vec<Built<T>>`, `Option<..>`, maps).
///
/// The nested build is an ordinary [`Registry::build`] run while the outer one is in
/// progress, so it honours the default scope in force (the outer `_scope_` included) and
/// its own `_scope_`, and its errors carry their path from the top
/// (`backbone.stages[2].depth: ...`). Inside a registry build the nested config is read in
/// place; elsewhere (say `serde_json::from_str`) it is copied first.
///
/// `R` picks the registry: [`Root`] by default, or a [`Choose`] marker.
///
/// ```
/// use registry_core::{registry, register_module, Built, Registry};
/// use serde::Deserialize;
/// use serde_json::json;
///
/// pub trait Backbone: Send + Sync { fn depth(&self) -> u32; }
/// pub trait Detector: Send + Sync { fn describe(&self) -> String; }
/// registry! {
///     pub static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone");
///     pub static DETECTORS: Registry<dyn Detector> = Registry::new("detector");
/// }
///
/// #[register_module(registry = BACKBONES)]
/// #[derive(Deserialize)]
/// struct ResNet { depth: u32 }
/// impl Backbone for ResNet { fn depth(&self) -> u32 { self.depth } }
///
/// #[register_module(registry = DETECTORS)]
/// #[derive(Deserialize)]
/// struct FasterRCNN { backbone: Built<dyn Backbone>, extra: Vec<Built<dyn Backbone>> }
/// impl Detector for FasterRCNN {
///     fn describe(&self) -> String { format!("{} + {}", self.backbone.depth(), self.extra.len()) }
/// }
///
/// let cfg = json!({"backbone": {"depth": 50, "type": "ResNet"}, "extra": [], "type": "FasterRCNN"});
/// assert_eq!(DETECTORS.build(&cfg).unwrap().describe(), "50 + 0");
///
/// let typo = json!({"type": "FasterRCNN", "extra": [{"type": "ResNet", "depth": "fifty"}],
///                   "backbone": {"type": "ResNet", "depth": 50}});
/// let error = DETECTORS.build(&typo).err().unwrap().to_string();
/// assert!(error.starts_with("extra[0].depth: invalid type: string \"fifty\", expected u32"), "{error}");
/// ```
pub struct Built<T: ?Sized + 'static, R = Root> {
    inner: Box<T>,
    _choice: PhantomData<fn() -> R>,
}

impl<T: ?Sized + 'static, R> Built<T, R> {
    /// Wraps an object built some other way.
    pub fn new(inner: Box<T>) -> Self {
        Built {
            inner,
            _choice: PhantomData,
        }
    }

    /// The built object.
    pub fn into_inner(self) -> Box<T> {
        self.inner
    }
}

impl<T: ?Sized + 'static, R> Deref for Built<T, R> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized + 'static, R> DerefMut for Built<T, R> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: ?Sized + fmt::Debug + 'static, R> fmt::Debug for Built<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Built").field(&&*self.inner).finish()
    }
}

impl<'de, T: ?Sized + 'static, R: Choose<T>> Deserialize<'de> for Built<T, R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        REQUEST.with(|request| request.set(Some(build_any::<T, R>)));
        let result =
            deserializer.deserialize_newtype_struct(BUILT_TOKEN, BuiltVisitor::<T, R>(PhantomData));
        // A deserializer that did not take the request must not leave it to another field.
        REQUEST.with(|request| request.set(None));
        result
    }
}

struct BuiltVisitor<T: ?Sized, R>(Product<T, R>);

impl<T: ?Sized + 'static, R: Choose<T>> BuiltVisitor<T, R> {
    fn from_copy<E: de::Error>(value: &Value) -> Result<Built<T, R>, E> {
        let built: Box<T> = R::registry()
            .and_then(|registry| registry.build(value))
            .map_err(E::custom)?;
        Ok(Built::new(built))
    }
}

impl<'de, T: ?Sized + 'static, R: Choose<T>> Visitor<'de> for BuiltVisitor<T, R> {
    type Value = Built<T, R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a config object with a \"type\"")
    }

    /// The registry's deserializer built it in place and left it in `RESPONSE`.
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        let built = RESPONSE
            .with(Cell::take)
            .and_then(|built| built.downcast::<Box<T>>().ok())
            .ok_or_else(|| E::custom("expected a config object with a \"type\", found null"))?;
        Ok(Built::new(*built))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        REQUEST.with(|request| request.set(None));
        let value = Value::deserialize(deserializer)?;
        Self::from_copy(&value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        REQUEST.with(|request| request.set(None));
        let value = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Self::from_copy(&value)
    }
}

/// A field that keeps its nested config and builds it later, optionally with arguments known
/// only then (MMEngine's `default_args`, Hydra's `_partial_`, AllenNLP's `Lazy`): an
/// optimizer needs the model's parameters.
///
/// The default scope in force when the field was read is applied again when it is built.
///
/// ```
/// use registry_core::{registry, register_module, Lazy, Registry};
/// use serde::Deserialize;
/// use serde_json::json;
///
/// pub trait Optimizer: Send + Sync { fn describe(&self) -> String; }
/// registry! { pub static OPTIMIZERS: Registry<dyn Optimizer> = Registry::new("optimizer"); }
///
/// #[register_module(registry = OPTIMIZERS)]
/// #[derive(Deserialize)]
/// struct SGD { lr: f64, params: Vec<f64> }
/// impl Optimizer for SGD { fn describe(&self) -> String { format!("SGD({}, {:?})", self.lr, self.params) } }
///
/// #[derive(Deserialize)]
/// struct Runner { optimizer: Lazy<dyn Optimizer> }
///
/// let runner: Runner = serde_json::from_value(json!({"optimizer": {"type": "SGD", "lr": 0.1}})).unwrap();
/// assert_eq!(runner.optimizer.type_name(), Some("SGD"));
/// let optimizer = runner.optimizer.build_with(&json!({"params": [1.0, 2.0]})).unwrap();
/// assert_eq!(optimizer.describe(), "SGD(0.1, [1.0, 2.0])");
/// ```
pub struct Lazy<T: ?Sized + 'static, R = Root> {
    config: Value,
    scope: Option<String>,
    _product: Product<T, R>,
}

impl<T: ?Sized + 'static, R: Choose<T>> Lazy<T, R> {
    /// A lazy build of `config`.
    pub fn new(config: Value) -> Self {
        Lazy {
            config,
            scope: current_scope().map(|scope| scope.as_str().to_owned()),
            _product: PhantomData,
        }
    }

    /// The kept config.
    pub fn config(&self) -> &Value {
        &self.config
    }

    /// The config's `type`, if it is a string.
    pub fn type_name(&self) -> Option<&str> {
        self.config.get("type").and_then(Value::as_str)
    }

    /// Builds it now.
    ///
    /// # Errors
    /// The build's errors.
    pub fn build(&self) -> Result<Box<T>, BuildError> {
        let _scope = ScopeOverride::push(self.scope.as_deref());
        R::registry()?.build(&self.config)
    }

    /// Builds it now with `default_args` filling in the keys the config does not set.
    ///
    /// # Errors
    /// The build's errors.
    pub fn build_with(&self, default_args: &Value) -> Result<Box<T>, BuildError> {
        let _scope = ScopeOverride::push(self.scope.as_deref());
        R::registry()?.build_with(&self.config, default_args)
    }
}

impl<T: ?Sized + 'static, R> Clone for Lazy<T, R> {
    fn clone(&self) -> Self {
        Lazy {
            config: self.config.clone(),
            scope: self.scope.clone(),
            _product: PhantomData,
        }
    }
}

impl<T: ?Sized + 'static, R> fmt::Debug for Lazy<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lazy")
            .field("config", &self.config)
            .field("scope", &self.scope)
            .finish()
    }
}

impl<'de, T: ?Sized + 'static, R: Choose<T>> Deserialize<'de> for Lazy<T, R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let config = Value::deserialize(deserializer)?;
        match config.get("type") {
            Some(Value::String(_)) => Ok(Lazy::new(config)),
            _ if !config.is_object() => Err(de::Error::custom(format_args!(
                "a lazy config must be an object with a \"type\", found {}",
                crate::error::json_kind(&config)
            ))),
            _ => Err(de::Error::custom(
                "a lazy config must have a string \"type\"",
            )),
        }
    }
}
