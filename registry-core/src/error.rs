//! The errors a build or a registration can end in.
//!
//! Messages start with MMEngine's wording where MMEngine has one, so users can search for
//! them, and then add what MMEngine leaves out: the registries searched, the default scope in
//! force, the source location of each duplicate.

use std::fmt;

/// The error type a builder may return: any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// MMEngine's pointer for "not in the registry" errors, kept so users can search for it.
const NOT_FOUND_HELP: &str = "More details can be found at \
    https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html#import-the-custom-module";

/// Why [`Registry::build`](crate::Registry::build) (or any build function) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The config is not a JSON object.
    #[error(
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got {found}"
    )]
    ConfigNotObject {
        /// The JSON kind that was given, such as `a string`.
        found: &'static str,
    },
    /// `default_args` is neither a JSON object nor absent.
    #[error("default_args should be a JSON object or None, but got {found}")]
    DefaultArgsNotObject {
        /// The JSON kind that was given.
        found: &'static str,
    },
    /// Neither the config nor the default arguments name a `type`.
    #[error(
        "`cfg` or `default_args` must contain the key \"type\", but got {cfg}\n{default_args}"
    )]
    MissingType {
        /// The config, rendered as JSON (cut after 8 levels and about 512 bytes).
        cfg: String,
        /// The default arguments, rendered as JSON and cut the same way (`None` when absent).
        default_args: String,
    },
    /// `type` is present but is not a string.
    #[error("type must be a str or valid type, but got {found}")]
    TypeNotString {
        /// The JSON kind that was given.
        found: &'static str,
    },
    /// `type` is the empty string.
    #[error("type must be a non-empty string naming a registered module, but got \"\"")]
    EmptyType,
    /// `_scope_` is present but is neither a string nor null.
    #[error("_scope_ must be a string or null, but got {found}")]
    ScopeNotString {
        /// The JSON kind that was given.
        found: &'static str,
    },
    /// The `type` (or a key given to [`Registry::get`](crate::Registry::get)) names nothing
    /// reachable from the registry.
    #[error(transparent)]
    NotFound(Box<NotFound>),
    /// A scope names more than one registry in the tree, so it cannot choose one.
    #[error(
        "scope \"{scope}\" is ambiguous in the registry tree of {root}: it is the scope of both \
         {first} and {second}; give one of them another scope"
    )]
    AmbiguousScope {
        /// The scope that was looked up.
        scope: String,
        /// The root registry of the tree, as `scope::name`.
        root: String,
        /// The first registry with that scope, as `scope::name`.
        first: String,
        /// The second registry with that scope, as `scope::name`.
        second: String,
    },
    /// The name was registered more than once in one registry without `force`.
    #[error(transparent)]
    Duplicate(Box<Duplicate>),
    /// The config's arguments do not fit the registered module (a wrong type, an unknown key,
    /// a missing field).
    #[error("failed to build `{name}` from the {registry} registry: {message}")]
    InvalidArguments {
        /// The registered name that was built.
        name: String,
        /// The registry that holds it, as `scope::name`.
        registry: String,
        /// What was wrong, as serde reported it (plus the closest key for an unknown one).
        message: String,
    },
    /// The registered builder ran and returned an error.
    #[error("failed to build `{name}` from the {registry} registry: {cause}")]
    Builder {
        /// The registered name that was built.
        name: String,
        /// The registry that holds it, as `scope::name`.
        registry: String,
        /// The builder's own error.
        cause: BoxError,
    },
    /// The module has no alternate constructor of that name.
    #[error(
        "`{name}` in the {registry} registry has no alternate constructor `{constructor}` \
         (it has: [{available}]); register one with \
         #[register_module(registry = .., name = \"{name}\", constructor = \"{constructor}\")] on a function"
    )]
    NoConstructor {
        /// The registered name.
        name: String,
        /// The registry that holds it, as `scope::name`.
        registry: String,
        /// The constructor asked for.
        constructor: String,
        /// The constructors it has, comma-separated.
        available: String,
    },
    /// A failure inside a part of the config (an element of a list config), with the path
    /// of that part from the top.
    #[error("{}", at_message(path, error))]
    At {
        /// Where in the config, such as `[1]`.
        path: String,
        /// What went wrong there.
        error: Box<BuildError>,
    },
    /// The config nests deeper than [`depth_limit`](crate::depth_limit).
    #[error(
        "the config is nested more than {limit} levels deep (see `registry_core::set_depth_limit`)"
    )]
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A key's scope prefix names no registry of the tree: distinct from an unknown name.
    #[error(transparent)]
    UnknownScope(Box<UnknownScope>),
    /// A nested field's product type has no root registry.
    #[error("no registry builds `{product}`: declare one with `registry!`, or pick one with a `Choose` marker")]
    NoRegistryFor {
        /// The product type.
        product: &'static str,
    },
    /// A nested field's product type has several root registries.
    #[error(
        "several root registries build `{product}` ({}); pick one with a `Choose` marker: \
         `Built<{product}, YourMarker>`",
        candidates.join(", ")
    )]
    AmbiguousRegistry {
        /// The product type.
        product: &'static str,
        /// The candidates, as `STATIC (scope::name)`.
        candidates: Vec<String>,
    },
    /// A build function's precondition on the config does not hold (MMEngine asserts these).
    #[error("{0}")]
    Precondition(String),
    /// A custom build function failed for a reason of its own.
    #[error("{0}")]
    Custom(String),
}

impl BuildError {
    /// A free-form error, for custom build functions.
    pub fn custom(message: impl fmt::Display) -> Self {
        BuildError::Custom(message.to_string())
    }

    /// This error, placed at `path` of the config (paths of nested errors are joined).
    #[must_use]
    pub fn at_path(self, path: &str) -> Self {
        match self {
            BuildError::At { path: inner, error } => BuildError::At {
                path: crate::tracked::join(path, &inner),
                error,
            },
            error => BuildError::At {
                path: path.to_owned(),
                error: Box::new(error),
            },
        }
    }

    /// The innermost error, below any path.
    pub fn innermost(&self) -> &BuildError {
        match self {
            BuildError::At { error, .. } => error.innermost(),
            error => error,
        }
    }

    /// The path in the config where it happened, if inside a nested part.
    pub fn path(&self) -> Option<&str> {
        match self {
            BuildError::At { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// `path: what went wrong`, then which module it was building: a wrong argument reads
/// `backbone.stages[2].depth: invalid type: string "fifty", expected u32`.
fn at_message(path: &str, error: &BuildError) -> String {
    match error {
        BuildError::InvalidArguments {
            name,
            registry,
            message,
        } => format!("{path}: {message}\n  while building `{name}` from the {registry} registry"),
        other => format!("{path}: {other}"),
    }
}

/// The details of a [`BuildError::NotFound`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotFound {
    /// The key that was looked up, as written (`mmalpha.LogSoftmax`).
    pub key: String,
    /// The registry the lookup ran in, as `scope::name` (after any default-scope redirect).
    pub registry: String,
    /// The registries whose own tables were searched, in order, as `scope::name`.
    pub searched: Vec<String>,
    /// The default scope in force during the lookup, if any.
    pub default_scope: Option<String>,
    /// Locations declared by the searched registries that contributed no entry.
    pub empty_locations: Vec<String>,
    /// The names visible from where the lookup ran; close matches are computed from them
    /// only when the error is displayed.
    pub(crate) visible: Vec<&'static str>,
    /// Keys that do find this exact name elsewhere in the tree (`hound.BloodHound`).
    pub found_elsewhere: Vec<String>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{key} is not in the {registry} registry. Please check whether the value of `{key}` \
             is correct or it was registered as expected. {NOT_FOUND_HELP}",
            key = self.key,
            registry = self.registry,
        )?;
        match self.suggestions().as_slice() {
            [] => {}
            [only] => write!(f, "\n  did you mean `{only}`?")?,
            several => write!(f, "\n  did you mean one of `{}`?", several.join("`, `"))?,
        }
        match self.found_elsewhere.as_slice() {
            [] => {}
            [only] => write!(f, "\n  it is registered under another scope: use `{only}`")?,
            several => write!(
                f,
                "\n  it is registered under other scopes: use one of `{}`",
                several.join("`, `")
            )?,
        }
        if !self.searched.is_empty() {
            write!(f, "\n  searched: {}", self.searched.join(" -> "))?;
        }
        match &self.default_scope {
            Some(scope) => write!(f, "\n  default scope in force: {scope}")?,
            None => write!(f, "\n  default scope in force: none")?,
        }
        for location in &self.empty_locations {
            let krate = crate::registry::crate_of(location);
            write!(
                f,
                "\n  location `{location}` contributed no entries: if it is in another crate, \
                 make sure that crate is linked (add `use {krate} as _;`)"
            )?;
        }
        Ok(())
    }
}

impl NotFound {
    /// Up to three registered names close to the key, best first, written as keys
    /// (`hound.BloodHound`). Computed on demand, so a miss costs nothing until reported.
    pub fn suggestions(&self) -> Vec<String> {
        crate::lookup::suggestions(&self.key, &self.visible)
    }
}

impl std::error::Error for NotFound {}

/// The details of a [`BuildError::UnknownScope`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownScope {
    /// The key, as written (`samoyedddd.PedigreeSamoyed`).
    pub key: String,
    /// The registry the lookup ran in, as `scope::name`.
    pub registry: String,
    /// The scope no registry has.
    pub scope: String,
    /// The scopes of the tree, sorted.
    pub scopes: Vec<String>,
    /// The key with the closest existing scope, if one is close.
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not in the {} registry: no registry in its tree has the scope \"{}\"\n  \
             the scopes are: {}",
            self.key,
            self.registry,
            self.scope,
            self.scopes.join(", ")
        )?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "\n  did you mean `{suggestion}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownScope {}

/// Where a registered module was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The Rust path of the registered item (`mmalpha::models::LogSoftmax`).
    pub type_name: String,
    /// The source file of the registration.
    pub file: String,
    /// The source line of the registration.
    pub line: u32,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}:{})", self.type_name, self.file, self.line)
    }
}

/// A name registered more than once in one registry by static registrations, none of them
/// winning by `force = true`. Listed by [`duplicate_registrations`](crate::duplicate_registrations)
/// and returned when the name is built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Duplicate {
    /// The name registered twice.
    pub name: String,
    /// The registry, as `scope::name`.
    pub registry: String,
    /// Every registration of that name, in source order.
    pub origins: Vec<Origin>,
}

impl fmt::Display for Duplicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut origins = self.origins.iter();
        write!(
            f,
            "{} is already registered in {}",
            self.name, self.registry
        )?;
        if let Some(first) = origins.next() {
            write!(f, " at {first}")?;
        }
        for other in origins {
            write!(f, "; registered again at {other}")?;
        }
        write!(
            f,
            "; rename one, or mark the one that should win with `force = true`"
        )
    }
}

impl std::error::Error for Duplicate {}

/// Why a runtime [`Registry::register_module`](crate::Registry::register_module) call was
/// refused. Nothing is registered when it fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// No name was given.
    #[error("name must be a non-empty string or a non-empty sequence of str, but got no names")]
    NoNames,
    /// One of the names is the empty string.
    #[error("a registered name must not be empty")]
    EmptyName,
    /// One of the names contains a `.`, which lookups read as a scope separator.
    #[error(
        "registered name \"{name}\" contains a `.`, which `get` reads as a scope separator, so \
         it could never be found; use another name"
    )]
    DottedName {
        /// The offending name.
        name: String,
    },
    /// The name exists and `force` is false.
    #[error("{name} is already registered in {registry} at {existing}")]
    AlreadyRegistered {
        /// The name.
        name: String,
        /// The registry's name (MMEngine prints the bare name here).
        registry: String,
        /// Where the existing entry comes from.
        existing: Origin,
    },
    /// The same name appears twice in one call.
    #[error("{name} appears twice in the names given to register_module")]
    RepeatedName {
        /// The name.
        name: String,
    },
}

/// The JSON kind of a value, for messages ("got a string").
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
