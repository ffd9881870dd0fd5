//! Constructing registries: `Registry::new`, name, scope inference and explicit scopes,
//! parent / children / root, locations and build-function inheritance (MMEngine's
//! `test_init` and `test__get_root_registry`).

use std::any::Any;

use registry_core::{build_from_cfg, register_module, registry, BuildError, BuildFunc, Registry};
use serde_json::{json, Value};

mod support;
use support::logs_of;

type Object = dyn Any + Send + Sync;

// DOGS, HOUNDS, LITTLE_HOUNDS, MID_HOUNDS, SAMOYEDS, LITTLE_SAMOYEDS: see support.
support::dogs_tree!();

registry! {
    /// No scope given: the scope is this test crate's name, as pytest's `test_registry`.
    static CATS: Registry<Object> = Registry::new("cat");
    static SCOPED_CATS: Registry<Object> = Registry::new("cat").with_scope("cat");
    static LITTLE_CATS: Registry<Object> =
        Registry::new("little_cat").with_parent(&CATS).with_scope("little_cat");

    // build_func inheritance:
    //   CUSTOM (custom_build)
    //   ├── CUSTOM_CHILD (inherits custom_build)
    //   │   └── CUSTOM_GRANDCHILD (inherits custom_build, transitively)
    //   └── OWN_CHILD (other_build, explicit)
    //       └── OWN_GRANDCHILD (inherits other_build)
    static CUSTOM: Registry<Object> =
        Registry::new("custom").with_scope("custom").with_build_func(custom_build);
    static CUSTOM_CHILD: Registry<Object> =
        Registry::new("custom child").with_parent(&CUSTOM).with_scope("custom_child");
    static CUSTOM_GRANDCHILD: Registry<Object> = Registry::new("custom grandchild")
        .with_parent(&CUSTOM_CHILD)
        .with_scope("custom_grandchild");
    static OWN_CHILD: Registry<Object> = Registry::new("own child")
        .with_parent(&CUSTOM)
        .with_scope("own_child")
        .with_build_func(other_build);
    static OWN_GRANDCHILD: Registry<Object> =
        Registry::new("own grandchild").with_parent(&OWN_CHILD).with_scope("own_grandchild");

    // MMEngine's test_build_model_from_cfg: a build function that also takes a list.
    static BACKBONES: Registry<Object> =
        Registry::new("backbone").with_scope("backbone").with_build_func(build_model_from_cfg);
    static NEW_MODELS: Registry<Object> =
        Registry::new("models").with_parent(&BACKBONES).with_scope("new");

    static FAILING: Registry<Object> =
        Registry::new("failing").with_scope("failing").with_build_func(failing_build);

    static LOCATED: Registry<Object> = Registry::new("located")
        .with_scope("located")
        .with_locations(&["test_construction::felines", "missing_crate::cats"]);
}

mod felines {
    #[registry_core::register_module(registry = crate::LOCATED)]
    #[derive(serde::Deserialize)]
    pub struct Tabby {}
}

#[register_module(registry = CATS)]
#[derive(serde::Deserialize)]
struct BritishShorthair {}

fn four() -> u32 {
    4
}

#[register_module(registry = BACKBONES)]
#[derive(serde::Deserialize, Debug, PartialEq)]
struct ResNet {
    depth: u32,
    #[serde(default = "four")]
    stages: u32,
}

#[register_module(registry = BACKBONES)]
#[derive(serde::Deserialize, Debug, PartialEq)]
struct ResNeXt {
    depth: u32,
    #[serde(default = "four")]
    stages: u32,
}

/// MMEngine's `Sequential` of built modules.
struct Sequential(Vec<Box<Object>>);

/// MMEngine's `build_model_from_cfg`: a list builds each element and wraps them.
fn build_model_from_cfg(
    cfg: &Value,
    registry: &Registry<Object>,
    default_args: Option<&Value>,
) -> Result<Box<Object>, BuildError> {
    match cfg {
        Value::Array(items) => {
            let modules = items
                .iter()
                .map(|item| build_from_cfg(item, registry, default_args))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Box::new(Sequential(modules)))
        }
        _ => build_from_cfg(cfg, registry, default_args),
    }
}

fn custom_build(
    cfg: &Value,
    registry: &Registry<Object>,
    default_args: Option<&Value>,
) -> Result<Box<Object>, BuildError> {
    Ok(Box::new(format!(
        "custom_build({}, {}, {:?})",
        cfg["type"],
        registry.name(),
        default_args
    )))
}

fn other_build(
    cfg: &Value,
    registry: &Registry<Object>,
    _default_args: Option<&Value>,
) -> Result<Box<Object>, BuildError> {
    Ok(Box::new(format!(
        "other_build({}, {})",
        cfg["type"],
        registry.name()
    )))
}

fn failing_build(
    cfg: &Value,
    registry: &Registry<Object>,
    _default_args: Option<&Value>,
) -> Result<Box<Object>, BuildError> {
    Err(BuildError::custom(format!(
        "{} refuses to build {}",
        registry.name(),
        cfg["type"]
    )))
}

fn default_build() -> BuildFunc<Object> {
    build_from_cfg::<Object>
}

fn built_string(built: Box<Object>) -> String {
    *built.downcast::<String>().expect("a String")
}

#[test]
fn new_registry_has_its_name_and_is_empty() {
    assert_eq!(DOGS.name(), "dogs");
    assert_eq!(DOGS.len(), 0);
    assert!(DOGS.is_empty());
    assert!(DOGS.module_dict().is_empty());
    assert_eq!(DOGS.static_name(), Some("DOGS"));
    assert_eq!(LITTLE_HOUNDS.name(), "little hounds");
    assert_eq!(LITTLE_HOUNDS.static_name(), Some("LITTLE_HOUNDS"));
}

#[test]
fn scope_is_inferred_from_the_declaring_crate() {
    // MMEngine: `Registry('cat').scope == 'test_registry'` under pytest.
    assert_eq!(CATS.scope(), "test_construction");
    assert_eq!(DOGS.scope(), "test_construction");
}

#[test]
fn explicit_scope_wins_over_inference() {
    assert_eq!(SCOPED_CATS.scope(), "cat");
    assert_eq!(SCOPED_CATS.name(), "cat");
    assert_eq!(LITTLE_CATS.scope(), "little_cat");
}

#[test]
fn registry_made_without_the_macro_takes_its_name_as_scope() {
    // Documented fallback of `Registry::scope`; MMEngine falls back to "mmengine" when it
    // cannot infer the caller's module.
    let loose: Registry<Object> = Registry::new("loose");
    assert_eq!(loose.scope(), "loose");
    assert_eq!(loose.static_name(), None);
    assert!(loose.parent().is_none());
    assert!(loose.children().is_empty());
    assert!(loose.is_empty());
    loose
        .register_module("Stray", false, |_| Ok(Box::new(1_u8)))
        .unwrap();
    assert_eq!(loose.len(), 1);
    assert_eq!(loose.get("Stray").unwrap().scope(), "loose");
    assert_eq!(loose.get("loose.Stray").unwrap().name(), "Stray");
}

#[test]
fn parent_and_children() {
    // MMEngine: `LITTLECATS.parent is CATS` and `CATS._children.get('little_cat') is LITTLECATS`.
    assert!(std::ptr::eq(LITTLE_CATS.parent().unwrap(), &CATS));
    assert_eq!(CATS.children().len(), 1);
    assert!(std::ptr::eq(CATS.children()[0], &LITTLE_CATS));
    assert!(CATS.parent().is_none());
    assert!(LITTLE_CATS.children().is_empty());
}

#[test]
fn children_are_ordered_by_scope() {
    let scopes: Vec<&str> = DOGS.children().iter().map(|c| c.scope()).collect();
    assert_eq!(scopes, ["hound", "samoyed"]);
    let scopes: Vec<&str> = HOUNDS.children().iter().map(|c| c.scope()).collect();
    assert_eq!(scopes, ["little_hound", "mid_hound"]);
    assert!(std::ptr::eq(HOUNDS.children()[0], &LITTLE_HOUNDS));
    assert!(std::ptr::eq(HOUNDS.children()[1], &MID_HOUNDS));
    assert!(std::ptr::eq(SAMOYEDS.children()[0], &LITTLE_SAMOYEDS));
    assert!(std::ptr::eq(HOUNDS.parent().unwrap(), &DOGS));
    assert!(std::ptr::eq(MID_HOUNDS.parent().unwrap(), &HOUNDS));
}

#[test]
fn root_of_every_node_is_the_top_registry() {
    // MMEngine's test__get_root_registry.
    assert!(std::ptr::eq(DOGS.root(), &DOGS));
    assert!(std::ptr::eq(HOUNDS.root(), &DOGS));
    assert!(std::ptr::eq(LITTLE_HOUNDS.root(), &DOGS));
    assert!(std::ptr::eq(MID_HOUNDS.root(), &DOGS));
    assert!(std::ptr::eq(SAMOYEDS.root(), &DOGS));
    assert!(std::ptr::eq(LITTLE_SAMOYEDS.root(), &DOGS));
    assert!(std::ptr::eq(CATS.root(), &CATS));
    assert!(std::ptr::eq(LITTLE_CATS.root(), &CATS));
}

#[test]
fn locations_are_kept_and_checked_once() {
    // The only test that touches LOCATED, so its one-time warning is logged on this thread.
    assert_eq!(
        LOCATED.locations(),
        ["test_construction::felines", "missing_crate::cats"]
    );
    assert!(DOGS.locations().is_empty());
    // The first location contributed `Tabby`; the second contributed nothing.
    let (empty, logs) = logs_of(|| LOCATED.import_from_location().to_vec());
    assert_eq!(empty, ["missing_crate::cats"]);
    assert_eq!(
        logs.trim_end(),
        "location `missing_crate::cats` of the located::located registry contributed no \
         registered modules; if it is in another crate, make sure that crate is linked (add \
         `use missing_crate as _;`)"
    );
    // Runs once: the same answer again, and no second warning.
    let (empty, logs) = logs_of(|| LOCATED.import_from_location().to_vec());
    assert_eq!(empty, ["missing_crate::cats"]);
    assert_eq!(logs, "");
    assert!(DOGS.import_from_location().is_empty());
    assert_eq!(LOCATED.get("Tabby").unwrap().scope(), "located");

    // A name that is not found mentions the location that contributed nothing.
    let (error, logs) = logs_of(|| LOCATED.build(&json!({"type": "Lion"})).err().unwrap());
    assert_eq!(logs, "");
    assert_eq!(
        error.to_string(),
        "Lion is not in the located::located registry. Please check whether the value of \
         `Lion` is correct or it was registered as expected. More details can be found at \
         https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html#import-the-custom-module\
         \n  searched: located::located\
         \n  default scope in force: none\
         \n  location `missing_crate::cats` contributed no entries: if it is in another crate, \
         make sure that crate is linked (add `use missing_crate as _;`)"
    );
}

#[test]
fn default_build_func_is_build_from_cfg() {
    // MMEngine: `CATS.build_func is build_from_cfg`.
    assert!(std::ptr::fn_addr_eq(CATS.build_func(), default_build()));
    assert!(std::ptr::fn_addr_eq(DOGS.build_func(), default_build()));
    // A child of a registry without one gets the default too.
    assert!(std::ptr::fn_addr_eq(
        LITTLE_SAMOYEDS.build_func(),
        default_build()
    ));
    let cat = CATS.build(&json!({"type": "BritishShorthair"})).unwrap();
    assert!(cat.downcast_ref::<BritishShorthair>().is_some());
}

#[test]
fn explicit_build_func_is_used() {
    // MMEngine: `Registry('cat', build_func=build_func).build_func is build_func`.
    let own: BuildFunc<Object> = custom_build;
    assert!(std::ptr::fn_addr_eq(CUSTOM.build_func(), own));
    assert!(!std::ptr::fn_addr_eq(CUSTOM.build_func(), default_build()));
    let built = CUSTOM.build(&json!({"type": "Anything"})).unwrap();
    assert_eq!(
        built_string(built),
        "custom_build(\"Anything\", custom, None)"
    );
    let built = CUSTOM
        .build_with(&json!({"type": "Anything"}), &json!({"a": 1}))
        .unwrap();
    assert_eq!(
        built_string(built),
        "custom_build(\"Anything\", custom, Some(Object {\"a\": Number(1)}))"
    );
}

#[test]
fn build_func_is_inherited_from_the_parent_transitively() {
    // MMEngine: `Registry('models', parent=BACKBONES, scope='new').build_func is
    // build_model_from_cfg`, and it propagates to grandchildren.
    let inherited: BuildFunc<Object> = custom_build;
    assert!(std::ptr::fn_addr_eq(CUSTOM_CHILD.build_func(), inherited));
    assert!(std::ptr::fn_addr_eq(
        CUSTOM_GRANDCHILD.build_func(),
        inherited
    ));
    // `build` calls it with the registry it was called on.
    let built = CUSTOM_GRANDCHILD.build(&json!({"type": "X"})).unwrap();
    assert_eq!(
        built_string(built),
        "custom_build(\"X\", custom grandchild, None)"
    );
}

#[test]
fn explicit_build_func_wins_over_the_parents() {
    // MMEngine: `Registry('models', parent=BACKBONES, build_func=pseudo_build).build_func is
    // pseudo_build`.
    let own: BuildFunc<Object> = other_build;
    assert!(std::ptr::fn_addr_eq(OWN_CHILD.build_func(), own));
    assert!(std::ptr::fn_addr_eq(OWN_GRANDCHILD.build_func(), own));
    let built = OWN_GRANDCHILD.build(&json!({"type": "Y"})).unwrap();
    assert_eq!(built_string(built), "other_build(\"Y\", own grandchild)");
    let built = OWN_CHILD.build(&json!({"type": "Z"})).unwrap();
    assert_eq!(built_string(built), "other_build(\"Z\", own child)");
}

#[test]
fn build_func_errors_are_returned() {
    let error = FAILING.build(&json!({"type": "Anything"})).err().unwrap();
    assert!(
        matches!(&error, BuildError::Custom(message) if message == "failing refuses to build \"Anything\"")
    );
    assert_eq!(error.to_string(), "failing refuses to build \"Anything\"");
}

#[test]
fn build_model_from_cfg_port() {
    let model = BACKBONES
        .build(&json!({"type": "ResNet", "depth": 50}))
        .unwrap();
    assert_eq!(
        model.downcast_ref::<ResNet>(),
        Some(&ResNet {
            depth: 50,
            stages: 4
        })
    );
    let model = BACKBONES
        .build(&json!({"type": "ResNeXt", "depth": 50, "stages": 3}))
        .unwrap();
    assert_eq!(
        model.downcast_ref::<ResNeXt>(),
        Some(&ResNeXt {
            depth: 50,
            stages: 3
        })
    );
    let model = BACKBONES
        .build(&json!([
            {"type": "ResNet", "depth": 50},
            {"type": "ResNeXt", "depth": 50, "stages": 3},
        ]))
        .unwrap();
    let Sequential(modules) = *model.downcast::<Sequential>().ok().unwrap();
    assert_eq!(modules.len(), 2);
    assert_eq!(
        modules[0].downcast_ref::<ResNet>(),
        Some(&ResNet {
            depth: 50,
            stages: 4
        })
    );
    assert_eq!(
        modules[1].downcast_ref::<ResNeXt>(),
        Some(&ResNeXt {
            depth: 50,
            stages: 3
        })
    );
    // Inherited by a child: `NEW_MODELS.build_func is build_model_from_cfg`.
    let inherited: BuildFunc<Object> = build_model_from_cfg;
    assert!(std::ptr::fn_addr_eq(NEW_MODELS.build_func(), inherited));
    let model = NEW_MODELS
        .build(&json!([{"type": "ResNet", "depth": 18}]))
        .unwrap();
    assert_eq!(model.downcast_ref::<Sequential>().unwrap().0.len(), 1);
}
