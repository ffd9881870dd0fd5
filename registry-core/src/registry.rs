//! The `Registry` type: what is fixed at compile time (name, scope, parent, locations, build
//! function) and the per-node state the tree assembly installs on first use.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use serde_json::Value;

use crate::build::build_from_cfg;
use crate::error::BuildError;
use crate::module::{Entry, Module};
use crate::tree;

/// A build function: how a registry turns a config into an object. MMEngine's `build_func`.
///
/// It receives the config, the registry `build` was called on, and the `default_args`.
/// [`build_from_cfg`] is the default; a registry without one inherits its parent's.
pub type BuildFunc<T> = fn(&Value, &Registry<T>, Option<&Value>) -> Result<Box<T>, BuildError>;

/// A registry: a table from names to builders of `Box<T>`, placed in a tree of registries by
/// scope. Declare registries as statics with [`registry!`](crate::registry!).
///
/// `T` is what the registry builds, usually a trait object (`dyn Backbone`), or
/// `dyn Any + Send + Sync` for an untyped registry like MMEngine's.
///
/// ```
/// use registry_core::{registry, register_module, Registry};
/// use serde::Deserialize;
/// use serde_json::json;
///
/// pub trait Shape: Send + Sync { fn area(&self) -> f64; }
///
/// registry! {
///     pub static SHAPES: Registry<dyn Shape> = Registry::new("shape").with_scope("geo");
/// }
///
/// #[register_module(registry = SHAPES)]
/// #[derive(Deserialize)]
/// struct Square { side: f64 }
/// impl Shape for Square { fn area(&self) -> f64 { self.side * self.side } }
///
/// let square = SHAPES.build(&json!({"type": "Square", "side": 3.0})).unwrap();
/// assert_eq!(square.area(), 9.0);
/// assert_eq!(SHAPES.scope(), "geo");
/// assert!(SHAPES.contains("geo.Square"));
/// ```
pub struct Registry<T: ?Sized + 'static> {
    name: &'static str,
    scope: Option<&'static str>,
    parent: Option<&'static Registry<T>>,
    locations: &'static [&'static str],
    build_func: Option<BuildFunc<T>>,
    declared: Option<Declared>,
    state: OnceLock<State<T>>,
}

/// Where `registry!` declared a registry: the static's name and module.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Declared {
    pub(crate) static_name: &'static str,
    pub(crate) module_path: &'static str,
}

/// What the tree assembly installs in each registry.
pub(crate) struct State<T: ?Sized + 'static> {
    /// Name → entry for the static registrations: fixed at assembly, read with no atomics.
    statics: Table<T>,
    /// Runtime registrations, which shadow the static ones; swapped whole on each one, so
    /// reads take no lock. Only looked at once `has_runtime` is set.
    runtime: ArcSwapOption<Table<T>>,
    has_runtime: AtomicBool,
    /// Serializes runtime registrations (readers never take it).
    pub(crate) writer: Mutex<()>,
    /// Child registries known at assembly, sorted by scope then name.
    children: Vec<&'static Registry<T>>,
    /// On a root: every scope of the tree at assembly → its registry. Empty elsewhere.
    scope_index: HashMap<&'static str, ScopeHit<T>, foldhash::fast::RandomState>,
    /// Once a child is linked at run time ([`Registry::into_static`]): every child, sorted
    /// like `children`. Looked at only once `has_runtime_children` is set.
    runtime_children: ArcSwapOption<Vec<&'static Registry<T>>>,
    has_runtime_children: AtomicBool,
    /// On a root: the scopes registries linked at run time add to the tree. Looked at only
    /// once `has_runtime_scopes` is set.
    runtime_scopes: ArcSwapOption<ScopeIndex<T>>,
    has_runtime_scopes: AtomicBool,
    /// Set by the first `import_from_location`: the locations that contributed nothing.
    pub(crate) empty_locations: OnceLock<Vec<&'static str>>,
}

/// Scope → registry, for a tree.
pub(crate) type ScopeIndex<T> = HashMap<&'static str, ScopeHit<T>, foldhash::fast::RandomState>;

/// Serializes changes to the shape of trees at run time (readers never take it).
static TREE_WRITER: Mutex<()> = Mutex::new(());

/// A registry's name table.
pub(crate) struct Table<T: ?Sized + 'static> {
    pub(crate) map: HashMap<&'static str, Slot<T>, foldhash::fast::RandomState>,
}

impl<T: ?Sized + 'static> Clone for Table<T> {
    fn clone(&self) -> Self {
        Table {
            map: self.map.clone(),
        }
    }
}

/// What a name maps to: one entry, or several static registrations none of which wins.
pub(crate) enum Slot<T: ?Sized + 'static> {
    One(&'static Entry<T>),
    Conflict(&'static [&'static Entry<T>]),
}

impl<T: ?Sized + 'static> Clone for Slot<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized + 'static> Copy for Slot<T> {}

impl<T: ?Sized + 'static> Slot<T> {
    /// The entries registered under the name: one, or the conflicting ones.
    pub(crate) fn entries(&self) -> &[&'static Entry<T>] {
        match self {
            Slot::One(entry) => std::slice::from_ref(entry),
            Slot::Conflict(entries) => entries,
        }
    }
}

/// Which registry of a tree has a scope.
pub(crate) enum ScopeHit<T: ?Sized + 'static> {
    Unique(&'static Registry<T>),
    Ambiguous(&'static Registry<T>, &'static Registry<T>),
}

impl<T: ?Sized + 'static> ScopeHit<T> {
    /// The hit once `node` also has the scope: a second holder makes it ambiguous.
    pub(crate) fn with(hit: Option<Self>, node: &'static Registry<T>) -> Self {
        match hit {
            None => ScopeHit::Unique(node),
            Some(ScopeHit::Unique(first)) => ScopeHit::Ambiguous(first, node),
            Some(ambiguous) => ambiguous,
        }
    }
}

impl<T: ?Sized + 'static> Registry<T> {
    /// A root registry named `name`. Its scope is the declaring crate's name when declared
    /// with [`registry!`](crate::registry!) (MMEngine's `infer_scope`), unless
    /// [`with_scope`](Self::with_scope) sets one.
    #[must_use]
    pub const fn new(name: &'static str) -> Self {
        Registry {
            name,
            scope: None,
            parent: None,
            locations: &[],
            build_func: None,
            declared: None,
            state: OnceLock::new(),
        }
    }

    /// Sets the scope: the key children are found by and the prefix of scoped keys
    /// (`"mmalpha.LogSoftmax"`).
    #[must_use]
    pub const fn with_scope(mut self, scope: &'static str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// Makes this registry a child of `parent`: lookups that miss here continue there, and
    /// the parent reaches this registry through its scope.
    #[must_use]
    pub const fn with_parent(mut self, parent: &'static Registry<T>) -> Self {
        self.parent = Some(parent);
        self
    }

    /// Declares the module paths this registry expects entries from (MMEngine's lazy-import
    /// `locations`). See [`import_from_location`](Self::import_from_location).
    #[must_use]
    pub const fn with_locations(mut self, locations: &'static [&'static str]) -> Self {
        self.locations = locations;
        self
    }

    /// Sets the build function; children without their own inherit it.
    #[must_use]
    pub const fn with_build_func(mut self, build_func: BuildFunc<T>) -> Self {
        self.build_func = Some(build_func);
        self
    }

    /// Records the static's name and module; called by `registry!`.
    #[doc(hidden)]
    #[must_use]
    pub const fn __declare(mut self, static_name: &'static str, module_path: &'static str) -> Self {
        self.declared = Some(Declared {
            static_name,
            module_path,
        });
        // MMEngine's `infer_scope`, done once at compile time.
        if self.scope.is_none() {
            self.scope = Some(crate_of(module_path));
        }
        self
    }

    /// The registry's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The registry's scope: the explicit one, else the declaring crate's name, else (a
    /// registry made without `registry!` or `with_scope`) its name.
    pub fn scope(&self) -> &'static str {
        match self.scope {
            Some(scope) => scope,
            None => self.name,
        }
    }

    /// `scope::name`, as MMEngine's messages print a registry.
    pub(crate) fn label(&self) -> String {
        format!("{}::{}", self.scope(), self.name)
    }

    /// The static's name when declared with `registry!`.
    pub fn static_name(&self) -> Option<&'static str> {
        self.declared.map(|declared| declared.static_name)
    }

    pub(crate) fn declared(&self) -> Option<Declared> {
        self.declared
    }

    /// The parent registry, if any.
    pub fn parent(&self) -> Option<&'static Registry<T>> {
        self.parent
    }

    /// The child registries, sorted by scope (then name) so the order is the same on every
    /// build of the program.
    pub fn children(&self) -> Vec<&'static Registry<T>> {
        self.state().children().into_owned()
    }

    /// The root of this registry's tree (itself when it has no parent).
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// type Any = dyn std::any::Any + Send + Sync;
    /// registry! {
    ///     pub static DOGS: Registry<Any> = Registry::new("dogs");
    ///     pub static HOUNDS: Registry<Any> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    ///     pub static BEAGLES: Registry<Any> = Registry::new("beagles").with_parent(&HOUNDS).with_scope("beagle");
    /// }
    /// assert!(std::ptr::eq(BEAGLES.root(), &DOGS));
    /// assert!(std::ptr::eq(BEAGLES.parent().unwrap(), &HOUNDS));
    /// assert_eq!(DOGS.children().len(), 1);
    /// assert_eq!(HOUNDS.children()[0].name(), "beagles");
    /// ```
    pub fn root(&self) -> &Registry<T> {
        let mut node = self;
        while let Some(parent) = node.parent {
            node = parent;
        }
        node
    }

    /// The declared `locations`.
    pub fn locations(&self) -> &'static [&'static str] {
        self.locations
    }

    /// The build function `build` calls: this registry's own, else the nearest ancestor's,
    /// else [`build_from_cfg`].
    pub fn build_func(&self) -> BuildFunc<T> {
        let mut node = self;
        loop {
            if let Some(build_func) = node.build_func {
                return build_func;
            }
            match node.parent {
                Some(parent) => node = parent,
                None => return build_from_cfg::<T>,
            }
        }
    }

    /// Number of names in this registry's own table (aliases count; parents and children do
    /// not), like `len()` of MMEngine's registry.
    pub fn len(&self) -> usize {
        self.state().snapshot().map.len()
    }

    /// True when this registry's own table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when [`get`](Self::get) finds `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// This registry's own entries by name, sorted by name. Names registered twice without
    /// `force` are left out (see [`duplicate_registrations`](crate::duplicate_registrations)).
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// registry! { pub static CATS: Registry<dyn std::any::Any + Send + Sync> = Registry::new("cat"); }
    /// CATS.register_module(["Siamese", "Siamese2"], false, |_| Ok(Box::new(()))).unwrap();
    /// CATS.register_module("Munchkin", false, |_| Ok(Box::new(()))).unwrap();
    /// let names: Vec<&str> = CATS.module_dict().into_keys().collect();
    /// assert_eq!(names, ["Munchkin", "Siamese", "Siamese2"]);
    /// assert_eq!(CATS.len(), 3);
    /// assert!(CATS.contains("Siamese2") && !CATS.is_empty());
    /// ```
    pub fn module_dict(&self) -> std::collections::BTreeMap<&'static str, Module<T>> {
        let table = self.state().snapshot();
        table
            .map
            .iter()
            .filter_map(|(name, slot)| match slot {
                Slot::One(entry) => Some((*name, self.module(name, entry))),
                Slot::Conflict(_) => None,
            })
            .collect()
    }

    pub(crate) fn module(&self, name: &'static str, entry: &'static Entry<T>) -> Module<T> {
        Module::new(entry, name, self.scope(), self.name)
    }

    /// Leaks this registry and links it into its parent's tree, so the parent and the rest
    /// of the tree reach it by its scope: MMEngine links a registry when it is constructed.
    /// Registries declared with [`registry!`](crate::registry!) are linked when the tree is
    /// assembled; use this for registries made at run time (plugins, tests).
    ///
    /// A scope that is already in the tree becomes ambiguous there (lookups through it are
    /// errors), as for declared registries.
    ///
    /// ```
    /// use registry_core::{registry, Registry};
    /// type Any = dyn std::any::Any + Send + Sync;
    /// registry! { pub static DOGS: Registry<Any> = Registry::new("dogs").with_scope("dog"); }
    ///
    /// let hounds = Registry::new("hounds").with_parent(&DOGS).with_scope("hound").into_static();
    /// hounds.register_module("Beagle", false, |_| Ok(Box::new(()))).unwrap();
    /// assert!(DOGS.get("hound.Beagle").is_some());
    /// assert_eq!(DOGS.children()[0].name(), "hounds");
    /// ```
    pub fn into_static(self) -> &'static Registry<T> {
        let this: &'static Registry<T> = Box::leak(Box::new(self));
        if let Some(parent) = this.parent {
            let _writer = TREE_WRITER.lock().unwrap_or_else(PoisonError::into_inner);
            parent.state().add_child(this);
            let root = this.root();
            root.state().add_scope(root, this);
        }
        this
    }

    /// The installed state; the first call anywhere assembles the whole tree.
    pub(crate) fn state(&self) -> &State<T> {
        if let Some(state) = self.state.get() {
            return state;
        }
        tree::ensure_assembled();
        // A registry the assembly did not see (made without `registry!`, no static entries)
        // stands alone: no children, runtime registrations only.
        self.state.get_or_init(State::empty)
    }

    /// Installs the state computed by the tree assembly. Returns false if it was already set.
    pub(crate) fn install(&self, state: State<T>) -> bool {
        self.state.set(state).is_ok()
    }
}

impl<T: ?Sized + 'static> State<T> {
    /// The slot of `name` and the table's `&'static` copy of the name, runtime
    /// registrations first.
    pub(crate) fn lookup(&self, name: &str) -> Option<(&'static str, Slot<T>)> {
        if self.has_runtime.load(Ordering::Acquire) {
            let runtime = self.runtime.load();
            if let Some((stored, slot)) = runtime.as_ref().and_then(|t| t.map.get_key_value(name)) {
                return Some((*stored, *slot));
            }
        }
        self.statics
            .map
            .get_key_value(name)
            .map(|(stored, slot)| (*stored, *slot))
    }

    /// The children, sorted by scope then name (those linked at run time included).
    pub(crate) fn children(&self) -> Cow<'_, [&'static Registry<T>]> {
        if !self.has_runtime_children.load(Ordering::Acquire) {
            return Cow::Borrowed(&self.children);
        }
        match self.runtime_children.load().as_deref() {
            Some(all) => Cow::Owned(all.clone()),
            None => Cow::Borrowed(&self.children),
        }
    }

    /// On a root: the registry of `scope` in the tree.
    pub(crate) fn scope_hit(&self, scope: &str) -> Option<ScopeHit<T>> {
        if self.has_runtime_scopes.load(Ordering::Acquire) {
            if let Some(hit) = self
                .runtime_scopes
                .load()
                .as_ref()
                .and_then(|index| index.get(scope).copied())
            {
                return Some(hit);
            }
        }
        self.scope_index.get(scope).copied()
    }

    /// The whole table, runtime registrations laid over the static ones (for inspection).
    pub(crate) fn snapshot(&self) -> Cow<'_, Table<T>> {
        if !self.has_runtime.load(Ordering::Acquire) {
            return Cow::Borrowed(&self.statics);
        }
        let mut merged = self.statics.clone();
        if let Some(runtime) = self.runtime.load_full() {
            merged
                .map
                .extend(runtime.map.iter().map(|(name, slot)| (*name, *slot)));
        }
        Cow::Owned(merged)
    }

    /// Links a child made at run time (the caller holds `TREE_WRITER`).
    fn add_child(&self, child: &'static Registry<T>) {
        let mut children = self.children().into_owned();
        children.push(child);
        children.sort_by_key(|child| (child.scope(), child.name()));
        self.runtime_children.store(Some(Arc::new(children)));
        self.has_runtime_children.store(true, Ordering::Release);
    }

    /// On the root `root`: adds the scope of `node`, linked at run time (the caller holds
    /// `TREE_WRITER`). A scope already in the tree becomes ambiguous.
    fn add_scope(&self, root: &'static Registry<T>, node: &'static Registry<T>) {
        let mut index = self
            .runtime_scopes
            .load_full()
            .map(|index| (*index).clone())
            .unwrap_or_default();
        // A root made at run time is in no index yet: put it in, so its scope is seen.
        if !index.contains_key(root.scope()) && !self.scope_index.contains_key(root.scope()) {
            index.insert(root.scope(), ScopeHit::Unique(root));
        }
        let known = index
            .get(node.scope())
            .copied()
            .or_else(|| self.scope_index.get(node.scope()).copied());
        let hit = ScopeHit::with(known, node);
        index.insert(node.scope(), hit);
        self.runtime_scopes.store(Some(Arc::new(index)));
        self.has_runtime_scopes.store(true, Ordering::Release);
    }

    /// Adds runtime registrations (the caller holds `writer` and has checked them).
    pub(crate) fn add_runtime(&self, names: Vec<&'static str>, slot: Slot<T>) {
        let mut overlay = self
            .runtime
            .load_full()
            .map(|table| (*table).clone())
            .unwrap_or_default();
        for name in names {
            overlay.map.insert(name, slot);
        }
        self.runtime.store(Some(Arc::new(overlay)));
        self.has_runtime.store(true, Ordering::Release);
    }

    pub(crate) fn empty() -> Self {
        State::new(Table::default(), Vec::new(), HashMap::default())
    }

    pub(crate) fn new(
        table: Table<T>,
        children: Vec<&'static Registry<T>>,
        scope_index: HashMap<&'static str, ScopeHit<T>, foldhash::fast::RandomState>,
    ) -> Self {
        State {
            runtime_children: ArcSwapOption::const_empty(),
            runtime_scopes: ArcSwapOption::const_empty(),
            has_runtime_children: AtomicBool::new(false),
            has_runtime_scopes: AtomicBool::new(false),
            statics: table,
            runtime: ArcSwapOption::const_empty(),
            has_runtime: AtomicBool::new(false),
            writer: Mutex::new(()),
            children,
            scope_index,
            empty_locations: OnceLock::new(),
        }
    }
}

impl<T: ?Sized + 'static> Table<T> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Table {
            map: HashMap::with_capacity_and_hasher(
                capacity,
                foldhash::fast::RandomState::default(),
            ),
        }
    }
}

impl<T: ?Sized + 'static> Default for Table<T> {
    fn default() -> Self {
        Table {
            map: HashMap::default(),
        }
    }
}

/// The crate name at the start of a module path (`mmdet::models` → `mmdet`); `const` so
/// `registry!` infers a scope at compile time.
pub(crate) const fn crate_of(module_path: &str) -> &str {
    let bytes = module_path.as_bytes();
    let mut end = 0;
    while end + 1 < bytes.len() {
        if bytes[end] == b':' && bytes[end + 1] == b':' {
            let (head, _) = bytes.split_at(end);
            return match std::str::from_utf8(head) {
                Ok(head) => head,
                Err(_) => module_path,
            };
        }
        end += 1;
    }
    module_path
}

impl<T: ?Sized + 'static> fmt::Debug for Registry<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("name", &self.name)
            .field("scope", &self.scope())
            .field("parent", &self.parent.map(|parent| parent.label()))
            .field("locations", &self.locations)
            .finish_non_exhaustive()
    }
}
