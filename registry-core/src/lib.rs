//! Name a type in a config, get a built object: MMEngine's `Registry`, for Rust.
//!
//! Annotate structs and functions with [`#[register_module]`](macro@register_module); the
//! attribute submits them to the program-wide list at link time, across crates. On first use
//! the registries declared with [`registry!`] are assembled into trees keyed by scope, and
//! [`Registry::build`] turns a JSON config such as `{"type": "ResNet", "depth": 50}` into a
//! `Box<dyn Backbone>`, searching the registry, its parents, scoped keys
//! (`"mmdet.ResNet"`), a `_scope_` key and the default scope, as MMEngine does.
//!
//! ```
//! use registry_core::{registry, register_module, Registry};
//! use serde::Deserialize;
//! use serde_json::json;
//!
//! pub trait Activation: Send + Sync { fn forward(&self, x: f32) -> f32; }
//!
//! registry! {
//!     /// Root registry; its scope is this crate's name.
//!     pub static ACTIVATION: Registry<dyn Activation> = Registry::new("activation");
//!     /// A child with its own scope: misses here continue in ACTIVATION.
//!     pub static ALPHA: Registry<dyn Activation> = Registry::new("activation")
//!         .with_parent(&ACTIVATION)
//!         .with_scope("mmalpha");
//! }
//!
//! #[register_module(registry = ACTIVATION)]            // registered as "ReLU"
//! #[derive(Deserialize)]
//! pub struct ReLU { #[serde(default)] inplace: bool }
//! impl Activation for ReLU { fn forward(&self, x: f32) -> f32 { x.max(0.0) } }
//!
//! pub struct ReLU6 { cap: f32 }
//! impl Activation for ReLU6 { fn forward(&self, x: f32) -> f32 { x.clamp(0.0, self.cap) } }
//!
//! #[register_module(registry = ACTIVATION, name = ["relu6", "ReLU6"])]
//! pub fn relu6(cap: Option<f32>) -> ReLU6 { ReLU6 { cap: cap.unwrap_or(6.0) } }
//!
//! #[register_module(registry = ACTIVATION, scope = "mmalpha")]   // goes to ALPHA
//! #[derive(Deserialize)]
//! pub struct LogSoftmax { dim: Option<i64> }
//! impl Activation for LogSoftmax { fn forward(&self, x: f32) -> f32 { x } }
//!
//! let relu = ACTIVATION.build(&json!({"type": "ReLU", "inplace": true})).unwrap();
//! assert_eq!(relu.forward(-2.0), 0.0);
//! let relu6 = ACTIVATION.build(&json!({"type": "relu6", "cap": 3.0})).unwrap();
//! assert_eq!(relu6.forward(10.0), 3.0);
//! assert!(ALPHA.build(&json!({"type": "ReLU"})).is_ok());            // from the parent
//! assert!(ACTIVATION.build(&json!({"type": "mmalpha.LogSoftmax"})).is_ok()); // a child's
//! let error = ACTIVATION.build(&json!({"type": "ReLU", "inplac": true})).err().unwrap();
//! assert_eq!(
//!     error.to_string(),
//!     "failed to build `ReLU` from the rust_out::activation registry: \
//!      unknown field `inplac`, expected `inplace`"
//! );
//! ```
//!
//! # Declare registries
//! [`registry!`] declares each registry as a static. [`Registry::new`] takes MMEngine's
//! constructor arguments as `const` builder methods: [`with_scope`](Registry::with_scope)
//! (default: the declaring crate's name), [`with_parent`](Registry::with_parent),
//! [`with_locations`](Registry::with_locations) and
//! [`with_build_func`](Registry::with_build_func). `T` in `Registry<T>` is what it builds,
//! usually a trait object; `dyn Any + Send + Sync` gives an untyped registry like MMEngine's.
//!
//! # Register modules
//! [`#[register_module(registry = R)]`](macro@register_module) on a struct builds it by
//! deserializing the config (minus `type` and `_scope_`; unknown keys are errors); on a
//! function, calls it with the config's keys as its arguments (`Option` ones may be absent),
//! and it may return the implementor, a `Box`, or a `Result` of either. At run time,
//! [`Registry::register_module`] registers a closure under one or more names.
//!
//! # Build
//! [`Registry::build`], [`Registry::build_with`] (with `default_args`) and
//! [`build_from_cfg`]. A `_scope_` key makes that scope the default scope while the object
//! and its nested builds are built.
//!
//! # Look up
//! [`Registry::get`] (MMEngine's lookup rules, every branch), [`Registry::try_get`] (with the
//! reason for a miss), [`Module`] handles, [`split_scope_key`], [`Registry::search_child`].
//!
//! # Scopes
//! [`DefaultScope`] and [`init_default_scope`] set the process default scope, which redirects
//! `build` to the registry of that scope in the tree;
//! [`DefaultScope::overwrite_default_scope`] and [`Registry::switch_scope_and_registry`]
//! override it on the current thread only, until their guard drops.
//!
//! # Inspect
//! [`count_registered_modules`], [`traverse_registry_tree`], `Display` for a registry
//! (MMEngine's table), and [`duplicate_registrations`] to assert in a test that no two crates
//! registered the same name.
//!
//! # Differences from MMEngine
//! - A scope prefix that is neither the registry's own nor a direct child's is found anywhere
//!   in the tree (MMEngine only reaches the root's direct children); a scope held by two
//!   registries of a tree is an error naming both (MMEngine takes the first silently).
//! - Registered names may not contain `.` (MMEngine accepts them and can never find them).
//! - `overwrite_default_scope`, `switch_scope_and_registry` and `_scope_` act on the current
//!   thread only; `get_instance` and `init_default_scope` set the process default.
//! - Two static registrations of one name without `force` are a conflict reported with both
//!   source locations when the name is built, and listed by [`duplicate_registrations`].
//! - Unknown config keys are errors (serde would ignore them).
//! - Warnings name the right scope and are logged once, through `tracing`.
//! - Runtime registration of several names is all-or-nothing.

#![warn(missing_docs)]

extern crate self as registry_core;

mod build;
mod build_funcs;
mod config;
mod declare;
mod display;
mod error;
mod inspect;
mod keys;
mod lookup;
mod manager;
mod module;
mod nested;
mod preview;
mod register;
mod registry;
mod scope;
mod suggest;
mod tracked;
mod tree;
mod warn;

#[doc(hidden)]
pub mod __private;

pub use crate::build::build_from_cfg;
pub use crate::build_funcs::{
    build_model_from_cfg, build_runner_from_cfg, build_scheduler_from_cfg, SequentialContainer,
};
pub use crate::error::{
    BoxError, BuildError, Duplicate, NotFound, Origin, RegistrationError, UnknownScope,
};
pub use crate::inspect::{
    count_registered_modules, describe_registries, describe_registry, duplicate_registrations,
    traverse_registry_tree, STATISTICS_FILE,
};
pub use crate::lookup::split_scope_key;
pub use crate::manager::{InstanceManager, Managed, ManagerError};
pub use crate::module::{Module, SourceLocation};
pub use crate::nested::{
    depth_limit, set_depth_limit, Built, Choose, Lazy, Root, DEFAULT_DEPTH_LIMIT,
};
pub use crate::register::IntoNames;
pub use crate::registry::{BuildFunc, Registry};
pub use crate::scope::{init_default_scope, DefaultScope, ScopeOverride, SwitchGuard};

/// Registers a struct or a function in a registry declared with [`registry!`].
///
/// ```text
/// #[register_module(registry = PATH)]                           // named after the item
/// #[register_module(registry = PATH, name = "relu")]            // another name
/// #[register_module(registry = PATH, name = ["relu", "ReLU"])]  // aliases
/// #[register_module(registry = PATH, scope = "mmalpha")]        // into that scope's node
/// #[register_module(registry = PATH, force = true)]             // wins over other registrations
/// #[register_module(registry = PATH, name = "StepLR", constructor = "build_iter_from_epoch")]
///                                                               // a function: StepLR's alternate constructor
/// #[register_module(registry = PATH, managed)]                  // a struct built through its `Managed` manager
/// ```
///
/// - A **struct** must implement `serde::Deserialize` and the registry's trait; it is built
///   by deserializing the config minus `type` and `_scope_`. A key it does not accept is an
///   error.
/// - A **function** (a free function: the attribute cannot register an associated function,
///   since nothing can be emitted into an impl block) is called with each parameter read from
///   the config key of the same name
///   (`Option` parameters may be absent; other keys are errors). It may return an
///   implementor of the registry's trait, a `Box` of one, or a `Result` of either whose error
///   converts into [`BoxError`].
/// - `scope = "s"` puts the entry in the registry with scope `s` in `PATH`'s subtree; if
///   none is declared, one is created as a child of `PATH`, so a crate can contribute a
///   scope with attributes alone.
/// - Names may not be empty or contain `.`. Two registrations of one name in one registry
///   conflict unless exactly one has `force = true`.
/// - `constructor = "c"` on a function makes it the alternate constructor `c` of the entry
///   `name` (MMEngine's classmethods such as `build_iter_from_epoch`); see
///   [`Module::build_alternate`] and [`build_scheduler_from_cfg`].
/// - `managed` on a struct that implements [`Managed`] builds it through its
///   [`InstanceManager`]: the config's `name` is the instance name, the same name gives the
///   same instance, and the registry hands out the shared `Arc<Struct>` (so `Arc<Struct>`
///   implements the registry's trait).
///
/// Mistakes are compile errors that point at the offending tokens: a missing `registry`, an
/// unknown argument, a bad name, a generic item, a struct that is not `Deserialize` or does
/// not implement the registry's trait, a function taking `self` or `impl Trait`.
///
/// ```
/// use registry_core::{registry, register_module, Registry};
/// use serde_json::json;
///
/// pub trait Loss: Send + Sync { fn weight(&self) -> f64; }
/// registry! { pub static LOSSES: Registry<dyn Loss> = Registry::new("loss"); }
///
/// struct L1 { weight: f64 }
/// impl Loss for L1 { fn weight(&self) -> f64 { self.weight } }
///
/// #[register_module(registry = LOSSES, name = ["L1Loss", "l1"])]
/// fn l1(loss_weight: Option<f64>) -> Result<L1, String> {
///     let weight = loss_weight.unwrap_or(1.0);
///     if weight < 0.0 { return Err(format!("loss_weight must be >= 0, got {weight}")); }
///     Ok(L1 { weight })
/// }
///
/// assert_eq!(LOSSES.build(&json!({"type": "l1", "loss_weight": 0.5})).unwrap().weight(), 0.5);
/// let error = LOSSES.build(&json!({"type": "L1Loss", "loss_weight": -1.0})).err().unwrap();
/// assert!(error.to_string().ends_with("loss_weight must be >= 0, got -1"));
/// ```
///
/// A managed struct, shared by name (MMEngine's `ManagerMixin` classes such as `Visualizer`):
///
/// ```
/// use std::sync::Arc;
/// use registry_core::{registry, register_module, InstanceManager, Managed, Registry};
/// use serde_json::json;
///
/// pub trait Visualize: Send + Sync { fn name(&self) -> &str; }
/// registry! { pub static VISUALIZERS: Registry<dyn Visualize> = Registry::new("visualizer"); }
///
/// #[register_module(registry = VISUALIZERS, managed)]
/// #[derive(serde::Deserialize)]
/// pub struct Visualizer { name: String }
///
/// impl Managed for Visualizer {
///     fn manager() -> &'static InstanceManager<Self> {
///         static MANAGER: InstanceManager<Visualizer> = InstanceManager::new();
///         &MANAGER
///     }
///     fn instance_name(&self) -> &str { &self.name }
/// }
/// impl Visualize for Arc<Visualizer> { fn name(&self) -> &str { &self.name } }
///
/// let first = VISUALIZERS.build(&json!({"type": "Visualizer", "name": "vis"})).unwrap();
/// assert_eq!(first.name(), "vis");
/// VISUALIZERS.build(&json!({"type": "Visualizer", "name": "vis"})).unwrap();
/// assert_eq!(Visualizer::manager().instance_names(), ["vis"]); // one instance, shared
/// ```
///
/// A struct that does not implement the registry's trait is rejected where it is written:
///
/// ```compile_fail
/// use registry_core::{registry, register_module, Registry};
/// pub trait Loss: Send + Sync {}
/// registry! { pub static LOSSES: Registry<dyn Loss> = Registry::new("loss"); }
///
/// #[register_module(registry = LOSSES)]
/// #[derive(serde::Deserialize)]
/// struct NotALoss {}
/// ```
pub use registry_macros::register_module;

/// The README's Rust examples, compiled and run as doc tests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
