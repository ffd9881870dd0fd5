//! Assembling the registry trees from the `inventory` entries, once, on first use.
//!
//! `registry!` submits a [`Declaration`] for each registry and `#[register_module]` a
//! [`Registration`] for each module. Both are type-erased (inventory collects one concrete
//! type); the typed work happens in [`Registry::install_plan`], reached through
//! [`ErasedRegistry`].

use std::any::{Any, TypeId};
use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::error::{BuildError, Duplicate};
use crate::module::{Alternate, BuildFn, Builder, Entry};
use crate::registry::{Registry, ScopeHit, Slot, State, Table};

/// A registry declared with `registry!`. Not public API, used by generated code.
#[doc(hidden)]
pub struct Declaration {
    pub registry: &'static dyn ErasedRegistry,
}

/// A module registered with `#[register_module]`. Not public API, used by generated code.
#[doc(hidden)]
pub struct Registration {
    /// The registry named in the attribute and the typed builder.
    pub target: &'static dyn Attach,
    pub names: &'static [&'static str],
    /// The attribute's `scope`: the node of that scope in the registry's subtree.
    pub scope: Option<&'static str>,
    pub force: bool,
    /// Set on a function registered as the named alternate constructor of the entry
    /// `names[0]` (MMEngine's `build_iter_from_epoch` and the like).
    pub constructor: Option<&'static str>,
    /// The config keys the item accepts, read from its `Deserialize` impl.
    pub keys: fn() -> Option<&'static [&'static str]>,
    pub type_name: &'static str,
    pub module_path: &'static str,
    pub file: &'static str,
    pub line: u32,
}

inventory::collect!(Declaration);
inventory::collect!(Registration);

/// A registry's typed builder, checked against the registry's `T` where it is written.
/// Not public API, used by generated code.
#[doc(hidden)]
pub struct Typed<T: ?Sized + 'static> {
    pub registry: &'static Registry<T>,
    pub build: BuildFn<T>,
}

/// The typed half of a registration, behind a trait object. Not public API.
#[doc(hidden)]
pub trait Attach: Any + Sync {
    /// The registry named in the attribute.
    fn registry(&self) -> &'static dyn ErasedRegistry;
    /// Makes a child of that registry with `scope`, for an attribute scope no declared
    /// registry has.
    fn new_child(&self, scope: &'static str) -> &'static dyn ErasedRegistry;
}

impl<T: ?Sized + 'static> Attach for Typed<T> {
    fn registry(&self) -> &'static dyn ErasedRegistry {
        self.registry
    }

    fn new_child(&self, scope: &'static str) -> &'static dyn ErasedRegistry {
        let child = Registry::new(self.registry.name())
            .with_parent(self.registry)
            .with_scope(scope);
        Box::leak(Box::new(child))
    }
}

/// A registry of any `T`. Not public API.
#[doc(hidden)]
pub trait ErasedRegistry: Any + Sync {
    fn name(&self) -> &'static str;
    fn scope(&self) -> &'static str;
    fn static_name(&self) -> Option<&'static str>;
    fn declared_in(&self) -> Option<&'static str>;
    fn parent_node(&self) -> Option<&'static dyn ErasedRegistry>;
    /// Installs the node's children, entries and (on a root) scope index; returns the names
    /// registered twice without a winner and any warnings.
    fn install_plan(&self, plan: &NodePlan) -> (Vec<Duplicate>, Vec<String>);
    /// `traverse_registry_tree` of this registry's tree.
    fn traverse(&self, verbose: bool) -> Vec<serde_json::Value>;
    /// `describe_registry` of this registry's tree.
    fn describe(&self) -> Vec<serde_json::Value>;

    /// `scope::name`, as `Registry::label` prints it.
    fn label(&self) -> String {
        format!("{}::{}", self.scope(), self.name())
    }
}

/// What the assembly hands one node. Not public API.
#[doc(hidden)]
pub struct NodePlan {
    children: Vec<&'static dyn ErasedRegistry>,
    registrations: Vec<&'static Registration>,
    /// On a root: every node of its tree in depth-first order.
    tree: Option<Vec<&'static dyn ErasedRegistry>>,
}

impl<T: ?Sized + 'static> ErasedRegistry for Registry<T> {
    fn name(&self) -> &'static str {
        Registry::name(self)
    }

    fn scope(&self) -> &'static str {
        Registry::scope(self)
    }

    fn static_name(&self) -> Option<&'static str> {
        Registry::static_name(self)
    }

    fn declared_in(&self) -> Option<&'static str> {
        self.declared().map(|declared| declared.module_path)
    }

    fn parent_node(&self) -> Option<&'static dyn ErasedRegistry> {
        self.parent()
            .map(|parent| parent as &'static dyn ErasedRegistry)
    }

    fn install_plan(&self, plan: &NodePlan) -> (Vec<Duplicate>, Vec<String>) {
        let children: Vec<&'static Registry<T>> = plan
            .children
            .iter()
            .filter_map(|child| downcast(*child))
            .collect();
        let typed = |registration: &&'static Registration| {
            let any: &'static dyn Any = registration.target;
            any.downcast_ref::<Typed<T>>()
                .map(|typed| (*registration, typed.build))
        };
        let (mut alternates, primaries): (Vec<_>, Vec<_>) = plan
            .registrations
            .iter()
            .filter_map(typed)
            .partition(|(registration, _)| registration.constructor.is_some());
        let mut entries: Vec<(&'static Registration, Entry<T>)> = primaries
            .into_iter()
            .map(|(registration, build)| (registration, entry_of(registration, build)))
            .collect();
        // The first of two alternates with one name wins: sort so "first" is stable.
        alternates.sort_by_key(|(registration, _)| (registration.file, registration.line));
        let warnings = attach_alternates(self, &mut entries, alternates);
        let entries: &'static [(&'static Registration, Entry<T>)] = Vec::leak(entries);
        let (table, duplicates) = table_of(self, entries);
        let scope_index = plan
            .tree
            .as_ref()
            .map(|nodes| scope_index_of::<T>(nodes))
            .unwrap_or_default();
        self.install(State::new(table, children, scope_index));
        (duplicates, warnings)
    }

    fn traverse(&self, verbose: bool) -> Vec<serde_json::Value> {
        crate::inspect::traverse_registry_tree(self, verbose)
    }

    fn describe(&self) -> Vec<serde_json::Value> {
        crate::inspect::describe_registry(self)
    }
}

fn downcast<T: ?Sized + 'static>(
    node: &'static dyn ErasedRegistry,
) -> Option<&'static Registry<T>> {
    let any: &'static dyn Any = node;
    any.downcast_ref::<Registry<T>>()
}

fn entry_of<T: ?Sized + 'static>(registration: &Registration, build: BuildFn<T>) -> Entry<T> {
    Entry {
        type_name: registration.type_name,
        module_path: registration.module_path,
        file: registration.file,
        line: registration.line,
        force: registration.force,
        builder: Builder::Static(build),
        keys: Some(registration.keys),
        alternates: Vec::new(),
    }
}

/// Gives each entry the alternate constructors registered for one of its names; returns a
/// warning for each alternate that has no entry, or repeats a constructor name.
fn attach_alternates<T: ?Sized + 'static>(
    registry: &Registry<T>,
    entries: &mut [(&'static Registration, Entry<T>)],
    alternates: Vec<(&'static Registration, BuildFn<T>)>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (registration, build) in alternates {
        let (Some(constructor), Some(target)) =
            (registration.constructor, registration.names.first())
        else {
            continue;
        };
        let origin = format!("{}:{}", registration.file, registration.line);
        let mut attached = false;
        for (primary, entry) in entries.iter_mut() {
            if !primary.names.contains(target) {
                continue;
            }
            attached = true;
            if entry
                .alternates
                .iter()
                .any(|alternate| alternate.name == constructor)
            {
                warnings.push(format!(
                    "{} ({origin}) is a second `{constructor}` constructor of {target} in the \
                     {} registry; the first one is used",
                    registration.type_name,
                    registry.label(),
                ));
                continue;
            }
            entry.alternates.push(Alternate {
                name: constructor,
                type_name: registration.type_name,
                keys: registration.keys,
                build,
            });
        }
        if !attached {
            warnings.push(format!(
                "{} ({origin}) is registered as the `{constructor}` constructor of {target}, but \
                 the {} registry has no {target}",
                registration.type_name,
                registry.label(),
            ));
        }
    }
    warnings
}

/// Name → slot for one node. A name with one forced registration goes to it; a name with
/// several registrations and no single forced one is a conflict.
fn table_of<T: ?Sized + 'static>(
    registry: &Registry<T>,
    entries: &'static [(&'static Registration, Entry<T>)],
) -> (Table<T>, Vec<Duplicate>) {
    let names: usize = entries
        .iter()
        .map(|(registration, _)| registration.names.len())
        .sum();
    let mut table = Table::with_capacity(names);
    // One pass; a name registered more than once is set aside and settled below.
    let mut contested: HashMap<&'static str, Vec<&'static Entry<T>>> = HashMap::new();
    for (registration, entry) in entries {
        for name in registration.names {
            match table.map.entry(name) {
                MapEntry::Vacant(vacant) => {
                    vacant.insert(Slot::One(entry));
                }
                MapEntry::Occupied(occupied) => {
                    let candidates = contested
                        .entry(name)
                        .or_insert_with(|| occupied.get().entries().to_vec());
                    if !candidates.iter().any(|c| std::ptr::eq(*c, entry)) {
                        candidates.push(entry);
                    }
                }
            }
        }
    }
    let mut duplicates = Vec::new();
    for (name, mut candidates) in contested {
        if candidates.len() < 2 {
            continue;
        }
        // Inventory's order depends on the linker: sort so the winner and messages are stable.
        candidates.sort_by_key(|entry| (entry.file, entry.line, entry.type_name));
        let forced: Vec<&'static Entry<T>> =
            candidates.iter().copied().filter(|e| e.force).collect();
        let winners = if forced.is_empty() {
            candidates
        } else {
            forced
        };
        let slot = if let [only] = winners.as_slice() {
            Slot::One(only)
        } else {
            duplicates.push(Duplicate {
                name: name.to_owned(),
                registry: registry.label(),
                origins: winners.iter().map(|entry| entry.origin()).collect(),
            });
            Slot::Conflict(Vec::leak(winners))
        };
        table.map.insert(name, slot);
    }
    (table, duplicates)
}

fn scope_index_of<T: ?Sized + 'static>(
    nodes: &[&'static dyn ErasedRegistry],
) -> HashMap<&'static str, ScopeHit<T>, foldhash::fast::RandomState> {
    let mut index: HashMap<&'static str, ScopeHit<T>, foldhash::fast::RandomState> =
        HashMap::default();
    for node in nodes.iter().filter_map(|node| downcast::<T>(*node)) {
        let hit = ScopeHit::with(index.get(node.scope()).copied(), node);
        index.insert(node.scope(), hit);
    }
    index
}

/// The assembled program-wide view.
pub(crate) struct Tree {
    /// Root registries with the key `count_registered_modules` files them under.
    pub(crate) roots: Vec<(String, &'static dyn ErasedRegistry)>,
    /// The roots by the `TypeId` of their `Registry<T>`, for nested fields of product `T`.
    roots_by_type: HashMap<TypeId, Vec<&'static dyn ErasedRegistry>, foldhash::fast::RandomState>,
    /// Every scope of every tree, to share scope names without allocating.
    scopes: HashSet<&'static str, foldhash::fast::RandomState>,
    pub(crate) duplicates: Vec<Duplicate>,
    /// Emitted after assembly, outside the initializer, in case a log subscriber reenters.
    warnings: Vec<String>,
}

static TREE: OnceLock<Tree> = OnceLock::new();
/// Set by the first caller to log the assembly's warnings. A flag, not a `Once`: a log
/// subscriber that panics would poison a `Once`, and every later use of any registry with it.
static WARNED: AtomicBool = AtomicBool::new(false);

/// The assembled tree; the first call anywhere assembles it.
pub(crate) fn tree() -> &'static Tree {
    let tree = TREE.get_or_init(assemble);
    if !WARNED.load(Ordering::Acquire) && !WARNED.swap(true, Ordering::AcqRel) {
        for warning in &tree.warnings {
            crate::warn::warn_once(warning.clone());
        }
    }
    tree
}

pub(crate) fn ensure_assembled() {
    tree();
}

/// The root registry of `Registry<T>`: the only one declared, else an error.
pub(crate) fn root_of<T: ?Sized + 'static>() -> Result<&'static Registry<T>, BuildError> {
    let roots: &[&'static dyn ErasedRegistry] = tree()
        .roots_by_type
        .get(&TypeId::of::<Registry<T>>())
        .map_or(&[], Vec::as_slice);
    // Keyed by the `TypeId` of `Registry<T>`: every root listed is a `Registry<T>`.
    match roots {
        [] => Err(no_registry_for::<T>()),
        [only] => downcast::<T>(*only).ok_or_else(no_registry_for::<T>),
        several => Err(BuildError::AmbiguousRegistry {
            product: std::any::type_name::<T>(),
            candidates: several
                .iter()
                .map(|root| {
                    let name = root.static_name().unwrap_or(root.name());
                    format!("{name} ({})", root.label())
                })
                .collect(),
        }),
    }
}

fn no_registry_for<T: ?Sized + 'static>() -> BuildError {
    BuildError::NoRegistryFor {
        product: std::any::type_name::<T>(),
    }
}

/// `scope` as a `&'static str` when some registry has it.
pub(crate) fn known_scope(scope: &str) -> Option<&'static str> {
    tree().scopes.get(scope).copied()
}

fn address(node: &dyn ErasedRegistry) -> usize {
    (node as *const dyn ErasedRegistry).cast::<()>() as usize
}

fn sort_key(node: &&'static dyn ErasedRegistry) -> (&'static str, &'static str, &'static str) {
    (node.scope(), node.name(), node.static_name().unwrap_or(""))
}

fn assemble() -> Tree {
    let mut warnings = Vec::new();
    let mut nodes: Vec<&'static dyn ErasedRegistry> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut add = |mut node: &'static dyn ErasedRegistry, nodes: &mut Vec<_>| loop {
        if !seen.insert(address(node)) {
            return;
        }
        nodes.push(node);
        match node.parent_node() {
            Some(parent) => node = parent,
            None => return,
        }
    };
    for declaration in inventory::iter::<Declaration> {
        add(declaration.registry, &mut nodes);
    }
    // In inventory's order, which depends on the linker: whatever the output shows is
    // sorted where it is made (tables, children, duplicates).
    let registrations: Vec<&'static Registration> =
        inventory::iter::<Registration>.into_iter().collect();
    for registration in &registrations {
        add(registration.target.registry(), &mut nodes);
    }

    let mut children: HashMap<usize, Vec<&'static dyn ErasedRegistry>> = HashMap::new();
    for node in &nodes {
        if let Some(parent) = node.parent_node() {
            children.entry(address(parent)).or_default().push(*node);
        }
    }
    for list in children.values_mut() {
        list.sort_by_key(sort_key);
    }

    let mut placed: HashMap<usize, Vec<&'static Registration>> = HashMap::new();
    for registration in registrations {
        let base = registration.target.registry();
        let node = match registration.scope {
            None => base,
            Some(scope) => {
                let mut found = Vec::new();
                depth_first(base, &children, &mut found);
                found.retain(|node| node.scope() == scope);
                match found.as_slice() {
                    // Made once: the next registration into this scope finds it.
                    [] => {
                        let child = registration.target.new_child(scope);
                        let list = children.entry(address(base)).or_default();
                        list.push(child);
                        list.sort_by_key(sort_key);
                        nodes.push(child);
                        child
                    }
                    [only] => *only,
                    [first, second, ..] => {
                        warnings.push(format!(
                            "{} registers into scope \"{scope}\" below the {} registry, \
                             which both {} and {} have; it went to the first",
                            registration.type_name,
                            base.label(),
                            first.label(),
                            second.label()
                        ));
                        *first
                    }
                }
            }
        };
        placed.entry(address(node)).or_default().push(registration);
    }

    let mut duplicates = Vec::new();
    let mut roots = Vec::new();
    for node in &nodes {
        let tree = if node.parent_node().is_none() {
            let mut members = Vec::new();
            depth_first(*node, &children, &mut members);
            roots.push(*node);
            Some(members)
        } else {
            None
        };
        let plan = NodePlan {
            children: children.get(&address(*node)).cloned().unwrap_or_default(),
            registrations: placed.remove(&address(*node)).unwrap_or_default(),
            tree,
        };
        let (node_duplicates, node_warnings) = node.install_plan(&plan);
        duplicates.extend(node_duplicates);
        warnings.extend(node_warnings);
    }
    duplicates.sort_by(|a, b| (&a.registry, &a.name).cmp(&(&b.registry, &b.name)));

    let mut roots_by_type: HashMap<
        TypeId,
        Vec<&'static dyn ErasedRegistry>,
        foldhash::fast::RandomState,
    > = HashMap::default();
    for root in &roots {
        let any: &'static dyn Any = *root;
        roots_by_type.entry(any.type_id()).or_default().push(*root);
    }
    for list in roots_by_type.values_mut() {
        list.sort_by_key(sort_key);
    }
    Tree {
        roots: root_keys(roots),
        roots_by_type,
        scopes: nodes.iter().map(|node| node.scope()).collect(),
        duplicates,
        warnings,
    }
}

/// Keys for `count_registered_modules`: the static's name, qualified by its module where
/// two roots share a name; a root made without `registry!` goes by its registry name.
fn root_keys(
    mut roots: Vec<&'static dyn ErasedRegistry>,
) -> Vec<(String, &'static dyn ErasedRegistry)> {
    let short = |node: &&'static dyn ErasedRegistry| node.static_name().unwrap_or(node.name());
    roots.sort_by_key(|node| (short(node), node.declared_in().unwrap_or("")));
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for node in &roots {
        *counts.entry(short(node)).or_default() += 1;
    }
    roots
        .iter()
        .map(|node| {
            let name = short(node);
            let key = match (counts[name], node.declared_in()) {
                (1, _) | (_, None) => name.to_owned(),
                (_, Some(module)) => format!("{module}::{name}"),
            };
            (key, *node)
        })
        .collect()
}

fn depth_first(
    node: &'static dyn ErasedRegistry,
    children: &HashMap<usize, Vec<&'static dyn ErasedRegistry>>,
    out: &mut Vec<&'static dyn ErasedRegistry>,
) {
    out.push(node);
    for child in children.get(&address(node)).into_iter().flatten() {
        depth_first(*child, children, out);
    }
}
