//! A hierarchical, scope-aware registry that builds typed objects from JSON configs.
//! (Full crate docs follow once the API settles.)

#![warn(missing_docs)]

extern crate self as registry_core;

mod build;
mod config;
mod declare;
mod display;
mod error;
mod inspect;
mod lookup;
mod module;
mod register;
mod registry;
mod scope;
mod tree;
mod warn;

#[doc(hidden)]
pub mod __private;

pub use crate::build::build_from_cfg;
pub use crate::error::{BoxError, BuildError, Duplicate, NotFound, Origin, RegistrationError};
pub use crate::inspect::{
    count_registered_modules, duplicate_registrations, traverse_registry_tree, STATISTICS_FILE,
};
pub use crate::lookup::split_scope_key;
pub use crate::module::{Module, SourceLocation};
pub use crate::register::IntoNames;
pub use crate::registry::{BuildFunc, Registry};
pub use crate::scope::{init_default_scope, DefaultScope, ScopeOverride, SwitchGuard};
pub use registry_macros::register_module;
