//! Registering at run time: MMEngine's `register_module(name, force, module)` function form.

use std::panic::Location;
use std::sync::PoisonError;

use serde_json::Value;

use crate::error::{BoxError, RegistrationError};
use crate::module::{Builder, Entry};
use crate::registry::{Registry, Slot};

/// The names to register under: one name or several (`"relu"`, `["relu", "ReLU"]`,
/// a `Vec<String>`, ...).
pub trait IntoNames {
    /// The names, in order.
    fn into_names(self) -> Vec<String>;
}

impl IntoNames for &str {
    fn into_names(self) -> Vec<String> {
        vec![self.to_owned()]
    }
}

impl IntoNames for String {
    fn into_names(self) -> Vec<String> {
        vec![self]
    }
}

impl<S: AsRef<str>> IntoNames for &[S] {
    fn into_names(self) -> Vec<String> {
        self.iter().map(|name| name.as_ref().to_owned()).collect()
    }
}

impl<S: AsRef<str>, const N: usize> IntoNames for [S; N] {
    fn into_names(self) -> Vec<String> {
        self.as_slice().into_names()
    }
}

impl<S: AsRef<str>> IntoNames for Vec<S> {
    fn into_names(self) -> Vec<String> {
        self.as_slice().into_names()
    }
}

impl<T: ?Sized + 'static> Registry<T> {
    /// Registers `builder` under `names` at run time, MMEngine's
    /// `register_module(name, force, module)`. A closure stands in for Python's partials and
    /// lambdas: it gets the build's arguments (the config minus `type` and `_scope_`, merged
    /// with the defaults) as a JSON object.
    ///
    /// All or nothing: if any name is refused, none is registered. Registrations live for
    /// the rest of the program (a forced re-registration shadows the old builder; it is not
    /// freed).
    ///
    /// # Errors
    /// [`RegistrationError`] for no names, an empty name, a name containing `.`, a name
    /// given twice, or a name already registered here when `force` is false.
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// use serde_json::json;
    ///
    /// pub trait Scale: Send + Sync { fn apply(&self, x: f64) -> f64; }
    /// struct Times(f64);
    /// impl Scale for Times { fn apply(&self, x: f64) -> f64 { x * self.0 } }
    ///
    /// registry! { pub static SCALES: Registry<dyn Scale> = Registry::new("scale"); }
    ///
    /// SCALES.register_module(["double", "twice"], false, |_args| Ok(Box::new(Times(2.0)))).unwrap();
    /// assert_eq!(SCALES.build(&json!({"type": "twice"})).unwrap().apply(4.0), 8.0);
    ///
    /// let error = SCALES.register_module("double", false, |_| Ok(Box::new(Times(3.0)))).unwrap_err();
    /// assert!(error.to_string().starts_with("double is already registered in scale at "));
    /// SCALES.register_module("double", true, |_| Ok(Box::new(Times(3.0)))).unwrap();
    /// assert_eq!(SCALES.build(&json!({"type": "double"})).unwrap().apply(4.0), 12.0);
    /// ```
    #[track_caller]
    pub fn register_module<F>(
        &self,
        names: impl IntoNames,
        force: bool,
        builder: F,
    ) -> Result<(), RegistrationError>
    where
        F: Fn(&Value) -> Result<Box<T>, BoxError> + Send + Sync + 'static,
    {
        let names = names.into_names();
        check_names(&names)?;
        let caller = Location::caller();
        let state = self.state();
        let _writer = state.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if !force {
            for name in &names {
                let existing = state
                    .lookup(name)
                    .and_then(|(_, slot)| slot.entries().first().copied());
                if let Some(existing) = existing {
                    return Err(RegistrationError::AlreadyRegistered {
                        name: name.clone(),
                        registry: self.name().to_owned(),
                        existing: existing.origin(),
                    });
                }
            }
        }
        let type_name = std::any::type_name::<F>();
        let entry: &'static Entry<T> = Box::leak(Box::new(Entry {
            type_name,
            module_path: module_path_of(type_name),
            file: caller.file(),
            line: caller.line(),
            force,
            builder: Builder::Dynamic(Box::new(builder)),
            keys: None,
            alternates: Vec::new(),
        }));
        let names = names
            .into_iter()
            .map(|name| -> &'static str { Box::leak(name.into_boxed_str()) })
            .collect();
        state.add_runtime(names, Slot::One(entry));
        Ok(())
    }
}

/// Every name non-empty, without `.`, and given once.
fn check_names(names: &[String]) -> Result<(), RegistrationError> {
    if names.is_empty() {
        return Err(RegistrationError::NoNames);
    }
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(RegistrationError::EmptyName);
        }
        if name.contains('.') {
            return Err(RegistrationError::DottedName { name: name.clone() });
        }
        if names[..index].contains(name) {
            return Err(RegistrationError::RepeatedName { name: name.clone() });
        }
    }
    Ok(())
}

/// The module a type is defined in, from its type name: closures (`{{closure}}`) and the
/// function holding them are dropped (`app::setup::{{closure}}` → `app`).
fn module_path_of(type_name: &'static str) -> &'static str {
    let mut path = type_name.split('<').next().unwrap_or(type_name);
    while let Some((head, last)) = path.rsplit_once("::") {
        path = head;
        if !last.starts_with("{{") {
            break;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::module_path_of;

    #[test]
    fn module_path_drops_closures_and_the_item() {
        assert_eq!(module_path_of("app::setup::{{closure}}"), "app");
        assert_eq!(module_path_of("app::nn::relu"), "app::nn");
        assert_eq!(module_path_of("relu"), "relu");
        assert_eq!(module_path_of("app::f::{{closure}}::{{closure}}"), "app");
    }
}
