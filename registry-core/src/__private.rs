//! Not public API, used by generated code: what `registry!` and `#[register_module]` expand
//! to refers only to `::registry_core::__private::...`, so users need no direct dependency
//! on inventory or serde_json.

pub use inventory;
pub use serde;
pub use serde_json;
pub use std::boxed::Box;

pub use crate::config::Args;
pub use crate::keys::accepted_keys;
pub use crate::module::{BuildFn, EntryError};
pub use crate::tracked::ArgsError;
pub use crate::tree::{Attach, Declaration, ErasedRegistry, Registration, Typed};

/// Builds a `Managed` type through its manager: the `name` argument is the instance name.
pub fn build_managed<M>(args: Args<'_>) -> Result<std::sync::Arc<M>, EntryError>
where
    M: crate::manager::Managed + serde::de::DeserializeOwned,
{
    let name = match args.get("name") {
        Some(serde_json::Value::String(name)) => name.as_str(),
        _ => {
            return Err(EntryError::Args(<ArgsError as serde::de::Error>::custom(
                "a managed type is built through its instance manager and needs a string \
                 `name` key: the instance name",
            )))
        }
    };
    M::manager()
        .get_instance_from(name, args)
        .map_err(EntryError::Args)
}
