//! Finding a name: `get` with every branch of MMEngine's, `search_child`, and the checks of
//! `locations`.
//!
//! Differences from MMEngine (documented in the README): a scope prefix that is neither this
//! registry's nor a direct child's is found anywhere in the tree (MMEngine only reaches the
//! root's direct children), and a scope held by two registries of the tree is an error
//! rather than a silent first match.

use crate::error::{BuildError, Duplicate, NotFound, UnknownScope};
use crate::module::Module;
use crate::registry::{Registry, ScopeHit, Slot};
use crate::scope::current_scope;
use crate::suggest::similarity;
use crate::warn;

/// Splits a key at its first `.` into a scope and the rest: `"a.b.c"` → `(Some("a"), "b.c")`,
/// `"abc"` → `(None, "abc")`. MMEngine's `Registry.split_scope_key`.
///
/// ```
/// use registry_core::split_scope_key;
/// assert_eq!(split_scope_key("hound.BloodHound"), (Some("hound"), "BloodHound"));
/// assert_eq!(split_scope_key("hound.little_hound.Dachshund"), (Some("hound"), "little_hound.Dachshund"));
/// assert_eq!(split_scope_key("BloodHound"), (None, "BloodHound"));
/// assert_eq!(split_scope_key(".x"), (Some(""), "x"));
/// ```
#[inline]
pub fn split_scope_key(key: &str) -> (Option<&str>, &str) {
    // A byte search: `.` is ASCII, so the split points are char boundaries.
    match key.bytes().position(|byte| byte == b'.') {
        Some(dot) => (Some(&key[..dot]), &key[dot + 1..]),
        None => (None, key),
    }
}

/// Why a lookup found nothing. Cheap to make: the error text is only built by `build`.
pub(crate) enum Miss<'a, T: ?Sized + 'static> {
    /// `name` is in none of the tables searched, starting at `from` (and its ancestors when
    /// `walked_up`).
    NotFound {
        from: &'a Registry<T>,
        walked_up: bool,
    },
    /// `scope` names no registry in the tree. `name` is what follows it: both are slices of
    /// the key looked up, which may hold scopes before `scope` (`hound.samoyd.Mutt`).
    UnknownScope { scope: &'a str, name: &'a str },
    /// `scope` names two registries.
    Ambiguous {
        scope: &'a str,
        first: &'a Registry<T>,
        second: &'a Registry<T>,
    },
    /// The name was registered twice in `holder` without `force`.
    Duplicate {
        holder: &'a Registry<T>,
        name: &'a str,
    },
}

/// What one registry makes of a key in [`Registry::resolve`].
enum Step<'a, T: ?Sized + 'static> {
    Found(Module<T>),
    /// `name`, the key after a scope prefix, is to be resolved by `registry`.
    Next(&'a Registry<T>, &'a str),
}

impl<T: ?Sized + 'static> Registry<T> {
    /// Finds `key` as MMEngine's `get` does:
    /// - `"Name"`: this registry, then its parent, grandparent, ...; the first hit wins;
    /// - `"<own scope>.Name"`: this registry's own table only;
    /// - `"<child scope>.Rest"`: the child's `get("Rest")` (so `Rest` may carry more scopes,
    ///   and a bare `Rest` walks up from the child);
    /// - `"<other scope>.Rest"`: the registry with that scope anywhere in the tree, then as
    ///   above (the root's own table only when it is the root's scope).
    ///
    /// Returns `None` when nothing matches; [`Registry::build`] says why in its error.
    ///
    /// ```
    /// use registry_core::{registry, register_module, Registry};
    /// use std::any::Any;
    ///
    /// registry! {
    ///     pub static DOGS: Registry<dyn Any + Send + Sync> = Registry::new("dogs").with_scope("dog");
    ///     pub static HOUNDS: Registry<dyn Any + Send + Sync> =
    ///         Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    /// }
    /// #[register_module(registry = DOGS)]
    /// #[derive(serde::Deserialize)]
    /// struct GoldenRetriever {}
    /// #[register_module(registry = HOUNDS)]
    /// #[derive(serde::Deserialize)]
    /// struct BloodHound {}
    ///
    /// assert_eq!(HOUNDS.get("GoldenRetriever").unwrap().scope(), "dog"); // from the parent
    /// assert!(DOGS.get("hound.BloodHound").is_some());                    // from a child
    /// assert!(HOUNDS.get("hound.GoldenRetriever").is_none());             // own table only
    /// assert!(DOGS.get("BloodHound").is_none());                          // never downwards
    /// ```
    pub fn get(&self, key: &str) -> Option<Module<T>> {
        self.resolve(key).ok()
    }

    /// [`get`](Self::get), with the reason for a miss: the error `build` would report (MMEngine's
    /// "X is not in the scope::name registry" with what was searched, or an ambiguous scope,
    /// or a duplicate registration). For custom build functions.
    ///
    /// # Errors
    /// [`BuildError::NotFound`], [`BuildError::AmbiguousScope`] or [`BuildError::Duplicate`].
    pub fn try_get(&self, key: &str) -> Result<Module<T>, BuildError> {
        self.resolve(key).map_err(|miss| self.miss_error(key, miss))
    }

    pub(crate) fn resolve<'a>(&'a self, key: &'a str) -> Result<Module<T>, Miss<'a, T>> {
        // Each scope prefix hands the rest of the key to another registry, as MMEngine's
        // recursive `get` does; a loop, so a key of a million `a.b.` hops cannot overflow.
        let (mut node, mut key) = (self, key);
        loop {
            (node, key) = match node.resolve_step(key)? {
                Step::Found(module) => return Ok(module),
                Step::Next(next, rest) => (next, rest),
            };
        }
    }

    /// One hop of `resolve`: the module, or the registry that must look up the rest.
    fn resolve_step<'a>(&'a self, key: &'a str) -> Result<Step<'a, T>, Miss<'a, T>> {
        self.import_from_location();
        let (scope, name) = match split_scope_key(key) {
            (None, name) => return self.find_own(name, true).map(Step::Found),
            (Some(scope), name) => (scope, name),
        };
        if scope == self.scope() {
            return self.find_own(name, false).map(Step::Found);
        }
        let all_children = self.state().children();
        let mut children = all_children.iter().filter(|child| child.scope() == scope);
        match (children.next(), children.next()) {
            (Some(child), None) => return Ok(Step::Next(child, name)),
            (Some(first), Some(second)) => {
                return Err(Miss::Ambiguous {
                    scope,
                    first,
                    second,
                })
            }
            (None, _) => {}
        }
        let root = self.root();
        match root.scope_node(scope) {
            Some(ScopeHit::Unique(node)) if std::ptr::eq(node, root) => {
                root.find_own(name, false).map(Step::Found)
            }
            Some(ScopeHit::Unique(node)) => Ok(Step::Next(node, name)),
            Some(ScopeHit::Ambiguous(first, second)) => Err(Miss::Ambiguous {
                scope,
                first,
                second,
            }),
            None if root.scope() == scope => root.find_own(name, false).map(Step::Found),
            None => Err(Miss::UnknownScope { scope, name }),
        }
    }

    /// This registry's own table, then (when `walk_up`) each ancestor's.
    fn find_own<'a>(&'a self, name: &'a str, walk_up: bool) -> Result<Module<T>, Miss<'a, T>> {
        let mut node = self;
        loop {
            let found = node.state().lookup(name);
            match found {
                Some((stored, Slot::One(entry))) => return Ok(node.module(stored, entry)),
                Some((_, Slot::Conflict(_))) => return Err(Miss::Duplicate { holder: node, name }),
                None => {}
            }
            match node.parent() {
                Some(parent) if walk_up => node = parent,
                _ => {
                    return Err(Miss::NotFound {
                        from: self,
                        walked_up: walk_up,
                    })
                }
            }
        }
    }

    /// The registry of `scope` in this (root's) tree, from the index built at assembly.
    pub(crate) fn scope_node(&self, scope: &str) -> Option<ScopeHit<T>> {
        self.state().scope_hit(scope)
    }

    /// The registry with scope `scope` in this registry's subtree (itself included),
    /// MMEngine's `_search_child`. `None` when there is none, or when two registries of the
    /// subtree have it (a warning names them).
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// type Any = dyn std::any::Any + Send + Sync;
    /// registry! {
    ///     pub static DOGS: Registry<Any> = Registry::new("dogs").with_scope("dog");
    ///     pub static HOUNDS: Registry<Any> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    ///     pub static LITTLE: Registry<Any> = Registry::new("little hounds").with_parent(&HOUNDS).with_scope("little_hound");
    /// }
    /// assert_eq!(DOGS.search_child("little_hound").unwrap().name(), "little hounds");
    /// assert!(LITTLE.search_child("hound").is_none()); // only downwards
    /// ```
    pub fn search_child(&self, scope: &str) -> Option<&Registry<T>> {
        let mut found: Vec<&Registry<T>> = Vec::new();
        self.walk(&mut |node| {
            if node.scope() == scope {
                found.push(node);
            }
        });
        match found.as_slice() {
            [only] => Some(only),
            [] => None,
            [first, second, ..] => {
                warn::warn_once(format!(
                    "scope \"{scope}\" is ambiguous below the {} registry: both {} and {} have it",
                    self.label(),
                    first.label(),
                    second.label()
                ));
                None
            }
        }
    }

    /// Visits this registry and its subtree, depth first, each node before its children.
    pub(crate) fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Registry<T>)) {
        visit(self);
        for child in self.state().children().iter() {
            child.walk(visit);
        }
    }

    /// MMEngine imports `locations` on the first `get`. Rust cannot import at run time, and
    /// the linker drops a crate nothing refers to (its registrations with it), so this checks,
    /// once, that each location contributed at least one entry to this registry, warns with
    /// the fix for each that did not, and returns those locations.
    ///
    /// ```
    /// use registry_core::{registry, register_module, Registry};
    /// registry! {
    ///     pub static HOOKS: Registry<dyn std::any::Any + Send + Sync> = Registry::new("hook")
    ///         .with_locations(&["rust_out::hooks", "some_plugin::hooks"]);
    /// }
    /// mod hooks {
    ///     #[registry_core::register_module(registry = crate::HOOKS)]
    ///     #[derive(serde::Deserialize)]
    ///     pub struct CheckpointHook {}
    /// }
    ///
    /// fn main() {
    ///     assert_eq!(HOOKS.import_from_location(), ["some_plugin::hooks"]);
    /// }
    /// ```
    pub fn import_from_location(&self) -> &[&'static str] {
        self.state().empty_locations.get_or_init(|| {
            let table = self.state().snapshot();
            let empty: Vec<&'static str> = self
                .locations()
                .iter()
                .copied()
                .filter(|location| {
                    !table.map.values().any(|slot| {
                        slot.entries()
                            .iter()
                            .any(|entry| in_location(entry.module_path, location))
                    })
                })
                .collect();
            for location in &empty {
                let krate = crate::registry::crate_of(location);
                warn::warn_once(format!(
                    "location `{location}` of the {} registry contributed no registered \
                     modules; if it is in another crate, make sure that crate is linked (add \
                     `use {krate} as _;`)",
                    self.label()
                ));
            }
            empty
        })
    }

    /// The detailed error for a failed lookup of `key`.
    pub(crate) fn miss_error(&self, key: &str, miss: Miss<'_, T>) -> BuildError {
        match miss {
            Miss::Ambiguous {
                scope,
                first,
                second,
            } => self.ambiguous_scope(scope, first, second),
            Miss::Duplicate { holder, name } => {
                BuildError::Duplicate(Box::new(holder.duplicate_of(name)))
            }
            Miss::NotFound { from, walked_up } => {
                let mut searched = Vec::new();
                let mut empty_locations = Vec::new();
                let mut visible: Vec<&'static str> = Vec::new();
                let mut node = Some(from);
                while let Some(registry) = node {
                    searched.push(registry.label());
                    visible.extend(registry.state().snapshot().map.keys().copied());
                    empty_locations.extend(
                        registry
                            .import_from_location()
                            .iter()
                            .map(|l| (*l).to_owned()),
                    );
                    node = if walked_up { registry.parent() } else { None };
                }
                BuildError::NotFound(Box::new(NotFound {
                    key: key.to_owned(),
                    registry: self.label(),
                    searched,
                    default_scope: current_scope().map(|scope| scope.as_str().to_owned()),
                    empty_locations,
                    visible,
                    found_elsewhere: self.root().keys_for_name(name_of(key)),
                }))
            }
            Miss::UnknownScope { scope, name } => {
                let scopes = self.root().tree_scopes();
                let candidates: Vec<&str> = scopes.iter().map(String::as_str).collect();
                // The key up to `scope`: `name` is the key's tail, after `scope` and a `.`.
                let before = &key[..key.len() - name.len() - 1 - scope.len()];
                let suggestion = suggestions(scope, &candidates)
                    .into_iter()
                    .next()
                    .map(|close| format!("{before}{close}.{name}"));
                BuildError::UnknownScope(Box::new(UnknownScope {
                    key: key.to_owned(),
                    registry: self.label(),
                    scope: scope.to_owned(),
                    scopes,
                    suggestion,
                }))
            }
        }
    }

    /// `scope` names both `first` and `second` in this registry's tree.
    pub(crate) fn ambiguous_scope(
        &self,
        scope: &str,
        first: &Registry<T>,
        second: &Registry<T>,
    ) -> BuildError {
        BuildError::AmbiguousScope {
            scope: scope.to_owned(),
            root: self.root().label(),
            first: first.label(),
            second: second.label(),
        }
    }

    /// The duplicate registrations of `name` in this registry's table.
    fn duplicate_of(&self, name: &str) -> Duplicate {
        let origins = self.state().lookup(name).map_or(Vec::new(), |(_, slot)| {
            slot.entries().iter().map(|entry| entry.origin()).collect()
        });
        Duplicate {
            name: name.to_owned(),
            registry: self.label(),
            origins,
        }
    }

    /// The keys that reach `name` in this (root's) tree through a scope: one per registry
    /// whose own table has it, written `scope.name` (`root` itself is written bare).
    fn keys_for_name(&self, name: &str) -> Vec<String> {
        let mut keys = Vec::new();
        self.walk(&mut |node| {
            if node.state().lookup(name).is_some() {
                keys.push(format!("{}.{name}", node.scope()));
            }
        });
        keys
    }

    /// Every scope in this registry's subtree, sorted.
    pub(crate) fn tree_scopes(&self) -> Vec<String> {
        let mut scopes = Vec::new();
        self.walk(&mut |node| scopes.push(node.scope().to_owned()));
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

/// Up to three of `names` close to the name part of `key`, best first, each written with
/// the key's scope prefix.
pub(crate) fn suggestions(key: &str, names: &[&str]) -> Vec<String> {
    /// Below this similarity a name is not worth suggesting.
    const THRESHOLD: f64 = 0.6;
    let (prefix, name) = match key.rsplit_once('.') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let mut scored: Vec<(f64, &str)> = names
        .iter()
        .filter_map(|candidate| Some((similarity(name, candidate)?, *candidate)))
        .filter(|(score, candidate)| *score >= THRESHOLD && *candidate != name)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| match prefix {
            Some(prefix) => format!("{prefix}.{candidate}"),
            None => candidate.to_owned(),
        })
        .collect()
}

/// The name part of a key: what follows its last `.`.
fn name_of(key: &str) -> &str {
    key.rsplit_once('.').map_or(key, |(_, name)| name)
}

/// True when `module_path` is `location` or inside it.
fn in_location(module_path: &str, location: &str) -> bool {
    module_path
        .strip_prefix(location)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

impl<T: ?Sized + 'static> Clone for ScopeHit<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized + 'static> Copy for ScopeHit<T> {}
