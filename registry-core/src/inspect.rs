//! Inspecting the trees: `traverse_registry_tree`, `count_registered_modules` and
//! `duplicate_registrations`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::error::Duplicate;
use crate::registry::Registry;
use crate::tree::tree;

/// The file `count_registered_modules` writes into `save_path`.
pub const STATISTICS_FILE: &str = "modules_statistic_results.json";

/// One JSON object per registry of `registry`'s tree (from its root, depth first, children
/// sorted by scope): `num_modules`, `scope`, and for each folder the names registered from
/// it, where the folder is the registering item's module path minus its last segment joined
/// by `/` (`mmengine::model::wrappers` → `mmengine/model`; a crate's root module → `""`).
/// The result is the same from any registry of the tree. `verbose` logs one line per node.
///
/// ```
/// use registry_core::{registry, register_module, traverse_registry_tree, Registry};
/// registry! {
///     pub static TOOLS: Registry<dyn std::any::Any + Send + Sync> = Registry::new("tool").with_scope("kit");
/// }
/// #[register_module(registry = TOOLS)]
/// #[derive(serde::Deserialize)]
/// struct Hammer {}
///
/// let nodes = traverse_registry_tree(&TOOLS, false);
/// assert_eq!(nodes[0]["num_modules"], 1);
/// assert_eq!(nodes[0]["scope"], "kit");
/// assert_eq!(nodes[0][""], serde_json::json!(["Hammer"])); // registered from the crate root
/// ```
pub fn traverse_registry_tree<T: ?Sized + 'static>(
    registry: &Registry<T>,
    verbose: bool,
) -> Vec<Value> {
    let mut nodes = Vec::new();
    describe(registry.root(), verbose, &mut nodes);
    nodes
}

fn describe<T: ?Sized + 'static>(registry: &Registry<T>, verbose: bool, out: &mut Vec<Value>) {
    let table = registry.state().snapshot();
    let mut folders: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, slot) in &table.map {
        for entry in slot.entries() {
            folders
                .entry(folder_of(entry.module_path))
                .or_default()
                .push(name);
        }
    }
    let mut node = Map::new();
    node.insert("num_modules".to_owned(), json!(table.map.len()));
    node.insert("scope".to_owned(), json!(registry.scope()));
    for (folder, mut names) in folders {
        names.sort_unstable();
        names.dedup();
        node.insert(folder, json!(names));
    }
    if verbose {
        tracing::info!(
            "Find {} modules in {}'s '{}' registry ",
            table.map.len(),
            registry.scope(),
            registry.name()
        );
    }
    out.push(Value::Object(node));
    for child in registry.children() {
        describe(child, verbose, out);
    }
}

/// `a::b::c` → `a/b`; a single segment → `""`.
fn folder_of(module_path: &str) -> String {
    match module_path.rsplit_once("::") {
        Some((folder, _)) => folder.replace("::", "/"),
        None => String::new(),
    }
}

/// Describes every registry tree linked into the program, MMEngine's
/// `count_registered_modules`: `{"scan_date": "%Y-%m-%d %H:%M:%S" (local time),
/// "registries": {STATIC_NAME: traverse_registry_tree(root)}}`, one key per root registry
/// (its static's name; qualified by module where two roots share one). With `save_path`, also
/// writes it to `save_path/modules_statistic_results.json` (indented by 2).
///
/// # Errors
/// Only when writing the file fails.
///
/// ```
/// use registry_core::{count_registered_modules, registry, Registry};
/// registry! {
///     pub static WIDGETS: Registry<dyn std::any::Any + Send + Sync> = Registry::new("widget");
/// }
/// let stats = count_registered_modules(None, false).unwrap();
/// assert_eq!(stats["registries"]["WIDGETS"][0]["num_modules"], 0);
/// assert_eq!(stats["scan_date"].as_str().unwrap().len(), "2024-01-31 12:00:00".len());
/// ```
pub fn count_registered_modules(save_path: Option<&Path>, verbose: bool) -> io::Result<Value> {
    let registries: Map<String, Value> = tree()
        .roots
        .iter()
        .map(|(key, root)| (key.clone(), Value::Array(root.traverse(verbose))))
        .collect();
    let statistics = json!({
        "scan_date": chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        "registries": registries,
    });
    if let Some(directory) = save_path {
        let path = directory.join(STATISTICS_FILE);
        std::fs::write(&path, serde_json::to_string_pretty(&statistics)?)?;
        if verbose {
            tracing::info!("Result has been saved to {}", path.display());
        }
    }
    Ok(statistics)
}

/// What can be built from `registry`'s tree, for editors and config linters: one object per
/// registry (from the root, depth first) with its `name`, `scope`, `parent` (`scope::name`)
/// and `modules`, each with its `name`, `type_name` (Rust path), `location` (`file:line`),
/// `keys` (the config keys it accepts, or null when that cannot be known), `forced`, and
/// `constructors` (alternate constructor → its keys). Names are sorted; a name registered
/// twice without `force` lists each registration.
///
/// ```
/// use registry_core::{describe_registry, registry, register_module, Registry};
/// registry! {
///     pub static TOOLS: Registry<dyn std::any::Any + Send + Sync> = Registry::new("tool").with_scope("kit");
/// }
/// #[register_module(registry = TOOLS)]
/// #[derive(serde::Deserialize)]
/// struct Hammer { weight: f32, #[serde(default)] handle: String }
///
/// let nodes = describe_registry(&TOOLS);
/// let hammer = &nodes[0]["modules"][0];
/// assert_eq!(hammer["name"], "Hammer");
/// assert_eq!(hammer["keys"], serde_json::json!(["weight", "handle"]));
/// assert!(hammer["type_name"].as_str().unwrap().ends_with("::Hammer"));
/// ```
pub fn describe_registry<T: ?Sized + 'static>(registry: &Registry<T>) -> Vec<Value> {
    let mut nodes = Vec::new();
    describe_node(registry.root(), &mut nodes);
    nodes
}

fn describe_node<T: ?Sized + 'static>(registry: &Registry<T>, out: &mut Vec<Value>) {
    let table = registry.state().snapshot();
    let mut names: Vec<&&'static str> = table.map.keys().collect();
    names.sort_unstable();
    let mut modules = Vec::new();
    for name in names {
        for entry in table.map[*name].entries() {
            let module = registry.module(name, entry);
            let constructors: Map<String, Value> = module
                .constructors()
                .into_iter()
                .map(|constructor| {
                    (
                        constructor.to_owned(),
                        json!(module.constructor_keys(constructor)),
                    )
                })
                .collect();
            modules.push(json!({
                "name": name,
                "type_name": module.type_name(),
                "location": module.location().to_string(),
                "keys": module.accepted_keys(),
                "forced": module.is_forced(),
                "constructors": constructors,
            }));
        }
    }
    out.push(json!({
        "name": registry.name(),
        "scope": registry.scope(),
        "parent": registry.parent().map(|parent| parent.label()),
        "modules": modules,
    }));
    for child in registry.children() {
        describe_node(child, out);
    }
}

/// [`describe_registry`] for every registry tree linked into the program, keyed like
/// [`count_registered_modules`]: `{"registries": {STATIC_NAME: [node, ...]}}`.
pub fn describe_registries() -> Value {
    let registries: Map<String, Value> = tree()
        .roots
        .iter()
        .map(|(key, root)| (key.clone(), Value::Array(root.describe())))
        .collect();
    json!({ "registries": registries })
}

/// Every name that static registrations (`#[register_module]`) put into one registry more
/// than once without a single `force = true` winner, sorted by registry and name. Such a
/// name fails to build with both source locations; assert this is empty in a test to catch
/// it early.
///
/// ```
/// assert!(registry_core::duplicate_registrations().is_empty());
/// ```
pub fn duplicate_registrations() -> Vec<Duplicate> {
    tree().duplicates.clone()
}

#[cfg(test)]
mod tests {
    use super::folder_of;

    #[test]
    fn folder_is_module_path_minus_last_segment() {
        assert_eq!(
            folder_of("mmengine::model::averaged_model"),
            "mmengine/model"
        );
        assert_eq!(folder_of("mmalpha::models"), "mmalpha");
        assert_eq!(folder_of("mmalpha"), "");
    }
}
