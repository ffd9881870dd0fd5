//! Registered entries and the `Module` handle `get` returns.

use std::fmt;

use serde_json::Value;

use crate::config::Args;
use crate::error::{json_kind, BoxError, BuildError, Origin};
use crate::scope::ScopeOverride;
use crate::tracked::ArgsError;

/// The builder the `#[register_module]` attribute generates: arguments in, object out.
pub type BuildFn<T> = fn(Args<'_>) -> Result<Box<T>, EntryError>;

/// A builder registered at run time: the merged arguments as a JSON object in, object out.
pub type DynBuildFn<T> = dyn Fn(&Value) -> Result<Box<T>, BoxError> + Send + Sync;

/// How a generated builder failed; the build adds the name and registry to it.
#[derive(Debug)]
#[doc(hidden)]
pub enum EntryError {
    /// The arguments do not deserialize into the registered type or parameters.
    Args(ArgsError),
    /// The registered function returned an error.
    Failed(BoxError),
}

impl From<ArgsError> for EntryError {
    fn from(error: ArgsError) -> Self {
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
    /// The keys it accepts, for the registrations that can tell (not runtime closures).
    pub(crate) keys: Option<fn() -> Option<&'static [&'static str]>>,
    /// Named alternate constructors (`build_iter_from_epoch`), in registration order.
    pub(crate) alternates: Vec<Alternate<T>>,
}

/// A function registered with `constructor = "..."` for an entry.
pub(crate) struct Alternate<T: ?Sized + 'static> {
    pub(crate) name: &'static str,
    pub(crate) type_name: &'static str,
    pub(crate) keys: fn() -> Option<&'static [&'static str]>,
    pub(crate) build: BuildFn<T>,
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
            Builder::Dynamic(build) => build(&args.to_value()?).map_err(EntryError::Failed),
        }
    }
}

/// The empty argument object, for `null` arguments.
fn no_args() -> &'static serde_json::Map<String, Value> {
    static NO_ARGS: std::sync::OnceLock<serde_json::Map<String, Value>> =
        std::sync::OnceLock::new();
    NO_ARGS.get_or_init(serde_json::Map::new)
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

    /// The config keys it accepts (besides `type` and `_scope_`), read from its
    /// `Deserialize` impl: a struct's fields, a function's parameters. `None` when that cannot
    /// be known (`#[serde(flatten)]`, a closure registered at run time).
    pub fn accepted_keys(&self) -> Option<&'static [&'static str]> {
        self.entry.keys.and_then(|keys| keys())
    }

    /// The keys its alternate constructor `constructor` accepts.
    pub fn constructor_keys(&self, constructor: &str) -> Option<&'static [&'static str]> {
        self.alternate(constructor)
            .and_then(|alternate| (alternate.keys)())
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
        self.with_args(args, default_args, |args| self.invoke(args))
    }

    /// Runs `run` on the arguments (`null` is none) under the `_scope_` they name.
    fn with_args(
        &self,
        args: &Value,
        default_args: Option<&Value>,
        run: impl FnOnce(Args<'_>) -> Result<Box<T>, BuildError>,
    ) -> Result<Box<T>, BuildError> {
        let cfg = match args {
            Value::Object(map) => map,
            Value::Null => no_args(),
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
        run(args)
    }

    /// The names of its alternate constructors (functions registered with
    /// `constructor = "..."` and this module's name).
    pub fn constructors(&self) -> Vec<&'static str> {
        self.entry
            .alternates
            .iter()
            .map(|alternate| alternate.name)
            .collect()
    }

    /// The Rust path of the function registered as its alternate constructor `constructor`.
    pub fn constructor_type_name(&self, constructor: &str) -> Option<&'static str> {
        self.alternate(constructor)
            .map(|alternate| alternate.type_name)
    }

    /// Builds it with its alternate constructor `constructor` from `args` (as
    /// [`build`](Self::build) does with the main one), like calling a Python classmethod such
    /// as `build_iter_from_epoch`.
    ///
    /// # Errors
    /// [`BuildError::NoConstructor`] when it has no such constructor, and the errors of
    /// [`build`](Self::build).
    ///
    /// ```
    /// use registry_core::{registry, register_module, Registry};
    /// use serde_json::json;
    ///
    /// pub trait Schedule: Send + Sync { fn end(&self) -> u64; }
    /// registry! { pub static SCHEDULES: Registry<dyn Schedule> = Registry::new("schedule"); }
    ///
    /// #[register_module(registry = SCHEDULES)]
    /// #[derive(serde::Deserialize)]
    /// struct Linear { end: u64 }
    /// impl Schedule for Linear { fn end(&self) -> u64 { self.end } }
    ///
    /// #[register_module(registry = SCHEDULES, name = "Linear", constructor = "from_epochs")]
    /// fn linear_from_epochs(end: u64, epoch_length: u64) -> Linear {
    ///     Linear { end: end * epoch_length }
    /// }
    ///
    /// let linear = SCHEDULES.get("Linear").unwrap();
    /// assert_eq!(linear.constructors(), ["from_epochs"]);
    /// let built = linear.build_alternate("from_epochs", &json!({"end": 3, "epoch_length": 100})).unwrap();
    /// assert_eq!(built.end(), 300);
    /// ```
    pub fn build_alternate(&self, constructor: &str, args: &Value) -> Result<Box<T>, BuildError> {
        self.with_args(args, None, |args| self.invoke_alternate(constructor, args))
    }

    fn alternate(&self, constructor: &str) -> Option<&'static Alternate<T>> {
        self.entry
            .alternates
            .iter()
            .find(|alternate| alternate.name == constructor)
    }

    /// Runs the alternate constructor `constructor` and names the module in its error.
    pub(crate) fn invoke_alternate(
        &self,
        constructor: &str,
        args: Args<'_>,
    ) -> Result<Box<T>, BuildError> {
        let Some(alternate) = self.alternate(constructor) else {
            return Err(BuildError::NoConstructor {
                name: self.name.to_owned(),
                registry: self.registry_label(),
                constructor: constructor.to_owned(),
                available: self.constructors().join(", "),
            });
        };
        let _depth = crate::nested::enter_build()?;
        (alternate.build)(args).map_err(|error| self.entry_error(error))
    }

    /// Runs the builder and names the module and registry in its error.
    pub(crate) fn invoke(&self, args: Args<'_>) -> Result<Box<T>, BuildError> {
        let _depth = crate::nested::enter_build()?;
        self.entry
            .invoke(args)
            .map_err(|error| self.entry_error(error))
    }

    /// `scope::name` of the registry holding the module, as `Registry::label` prints it.
    fn registry_label(&self) -> String {
        format!("{}::{}", self.scope, self.registry)
    }

    fn entry_error(&self, error: EntryError) -> BuildError {
        match error {
            EntryError::Args(error) => error.into_build_error(self.name, self.registry_label()),
            EntryError::Failed(cause) => BuildError::Builder {
                name: self.name.to_owned(),
                registry: self.registry_label(),
                cause,
            },
        }
    }
}

impl<T: ?Sized + 'static> fmt::Debug for Module<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name)
            .field("registry", &format_args!("{}", self.registry_label()))
            .field("type_name", &self.entry.type_name)
            .field("location", &format_args!("{}", self.location()))
            .finish()
    }
}
