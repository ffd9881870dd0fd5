//! Registered entries and the `Module` handle `get` returns.

use std::fmt;

use serde_json::Value;

use crate::config::Args;
use crate::error::{json_kind, BoxError, BuildError, Origin};
use crate::scope::ScopeOverride;

/// The builder the `#[register_module]` attribute generates: arguments in, object out.
pub type BuildFn<T> = fn(Args<'_>) -> Result<Box<T>, EntryError>;

/// A builder registered at run time: the merged arguments as a JSON object in, object out.
pub type DynBuildFn<T> = dyn Fn(&Value) -> Result<Box<T>, BoxError> + Send + Sync;

/// How a generated builder failed; the build adds the name and registry to it.
#[derive(Debug)]
#[doc(hidden)]
pub enum EntryError {
    /// The arguments do not deserialize into the registered type or parameters.
    Args(serde_json::Error),
    /// The registered function returned an error.
    Failed(BoxError),
}

impl From<serde_json::Error> for EntryError {
    fn from(error: serde_json::Error) -> Self {
        EntryError::Args(error)
    }
}

impl EntryError {
    /// Wraps a registered function's error.
    pub fn failed(error: impl Into<BoxError>) -> Self {
        EntryError::Failed(error.into())
    }
}

pub(crate) enum Builder<T: ?Sized + 'static> {
    Static(BuildFn<T>),
    Dynamic(Box<DynBuildFn<T>>),
}

/// One registration: a builder and where it came from. Entries live for the whole program
/// (static ones are assembled once; runtime ones are leaked on registration), so handles to
/// them are plain references.
pub(crate) struct Entry<T: ?Sized + 'static> {
    pub(crate) type_name: &'static str,
    pub(crate) module_path: &'static str,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) force: bool,
    pub(crate) builder: Builder<T>,
}

impl<T: ?Sized + 'static> Entry<T> {
    pub(crate) fn origin(&self) -> Origin {
        Origin {
            type_name: self.type_name.to_owned(),
            file: self.file.to_owned(),
            line: self.line,
        }
    }

    fn invoke(&self, args: Args<'_>) -> Result<Box<T>, EntryError> {
        match &self.builder {
            Builder::Static(build) => build(args),
            Builder::Dynamic(build) => build(&args.to_value()).map_err(EntryError::Failed),
        }
    }
}

/// A file and line in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceLocation {
    /// The file, as `file!()` gives it.
    pub file: &'static str,
    /// The line, as `line!()` gives it.
    pub line: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A handle to a registered module, returned by [`Registry::get`](crate::Registry::get):
/// what MMEngine's `get` returns (the class or function), as a value you can inspect and
/// build from. It is `Copy` and valid for the whole program.
///
/// ```
/// use registry_core::{registry, register_module, Registry};
/// use serde_json::json;
///
/// pub trait Greeter: Send + Sync { fn greet(&self) -> String; }
/// registry! { pub static GREETERS: Registry<dyn Greeter> = Registry::new("greeter"); }
///
/// struct Hello(String);
/// impl Greeter for Hello { fn greet(&self) -> String { format!("hello {}", self.0) } }
///
/// #[register_module(registry = GREETERS, name = "hello")]
/// fn hello(who: String) -> Hello { Hello(who) }
///
/// let module = GREETERS.get("hello").unwrap();
/// assert_eq!(module.name(), "hello");
/// assert!(module.type_name().ends_with("::hello"));
/// let greeter = module.build(&json!({"who": "world"})).unwrap();
/// assert_eq!(greeter.greet(), "hello world");
/// ```
pub struct Module<T: ?Sized + 'static> {
    entry: &'static Entry<T>,
    name: &'static str,
    scope: &'static str,
    registry: &'static str,
}

impl<T: ?Sized + 'static> Clone for Module<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized + 'static> Copy for Module<T> {}

impl<T: ?Sized + 'static> Module<T> {
    pub(crate) fn new(
        entry: &'static Entry<T>,
        name: &'static str,
        scope: &'static str,
        registry: &'static str,
    ) -> Self {
        Module {
            entry,
            name,
            scope,
            registry,
        }
    }

    /// The name it was found under (one of its aliases).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The scope of the registry that holds it.
    pub fn scope(&self) -> &'static str {
        self.scope
    }

    /// The name of the registry that holds it.
    pub fn registry_name(&self) -> &'static str {
        self.registry
    }

    /// The Rust path of the registered item (`mmalpha::models::LogSoftmax`); for a closure
    /// registered at run time, its compiler-given type name.
    pub fn type_name(&self) -> &'static str {
        self.entry.type_name
    }

    /// The module the registered item is defined in.
    pub fn module_path(&self) -> &'static str {
        self.entry.module_path
    }

    /// Where it was registered.
    pub fn location(&self) -> SourceLocation {
        SourceLocation {
            file: self.entry.file,
            line: self.entry.line,
        }
    }

    /// True when it was registered with `force`.
    pub fn is_forced(&self) -> bool {
        self.entry.force
    }

    /// True when both handles refer to the same registration (under any alias).
    pub fn same_entry(&self, other: &Module<T>) -> bool {
        std::ptr::eq(self.entry, other.entry)
    }

    /// Builds it from `args`, a JSON object of its arguments (a `type` key is ignored; a
    /// `_scope_` key is the default scope while it is built), like calling the class in
    /// MMEngine. `null` means no arguments.
    ///
    /// # Errors
    /// [`BuildError::ConfigNotObject`] when `args` is not an object or null, and the errors of
    /// the registered builder.
    pub fn build(&self, args: &Value) -> Result<Box<T>, BuildError> {
        self.build_inner(args, None)
    }

    /// Builds it from `args`, with `default_args` filling in the keys `args` does not set.
    ///
    /// # Errors
    /// As [`build`](Self::build); also [`BuildError::DefaultArgsNotObject`].
    pub fn build_with(&self, args: &Value, default_args: &Value) -> Result<Box<T>, BuildError> {
        self.build_inner(args, Some(default_args))
    }

    fn build_inner(
        &self,
        args: &Value,
        default_args: Option<&Value>,
    ) -> Result<Box<T>, BuildError> {
        static NO_ARGS: std::sync::OnceLock<serde_json::Map<String, Value>> =
            std::sync::OnceLock::new();
        let cfg = match args {
            Value::Object(map) => map,
            Value::Null => NO_ARGS.get_or_init(serde_json::Map::new),
            other => {
                return Err(BuildError::ConfigNotObject {
                    found: json_kind(other),
                })
            }
        };
        let defaults = crate::build::defaults_map(default_args)?;
        let args = Args::new(cfg, defaults);
        let scope = crate::build::scope_of(&args)?;
        let _scope = ScopeOverride::push(scope);
        self.invoke(args)
    }

    /// Runs the builder and names the module and registry in its error.
    pub(crate) fn invoke(&self, args: Args<'_>) -> Result<Box<T>, BuildError> {
        self.entry.invoke(args).map_err(|error| match error {
            EntryError::Args(cause) => BuildError::InvalidArguments {
                name: self.name.to_owned(),
                registry: format!("{}::{}", self.scope, self.registry),
                cause,
            },
            EntryError::Failed(cause) => BuildError::Builder {
                name: self.name.to_owned(),
                registry: format!("{}::{}", self.scope, self.registry),
                cause,
            },
        })
    }
}

impl<T: ?Sized + 'static> fmt::Debug for Module<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name)
            .field(
                "registry",
                &format_args!("{}::{}", self.scope, self.registry),
            )
            .field("type_name", &self.entry.type_name)
            .field("location", &format_args!("{}", self.location()))
            .finish()
    }
}
