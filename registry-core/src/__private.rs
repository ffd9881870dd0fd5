//! Not public API, used by generated code: what `registry!` and `#[register_module]` expand
//! to refers only to `::registry_core::__private::...`, so users need no direct dependency
//! on inventory or serde_json.

pub use inventory;
pub use serde;
pub use serde_json;
pub use std::boxed::Box;

pub use crate::config::Args;
pub use crate::module::{BuildFn, EntryError};
pub use crate::tree::{Attach, Declaration, ErasedRegistry, Registration, Typed};
