//! The counterpart of `test_linking.rs`: `mmbeta` is a dependency but nothing here refers to
//! it, so the linker drops it with its registrations, and `locations` report it.

use mmengine::Module;
use registry_core::{registry, Registry};
use serde_json::json;

registry! {
    /// Expects its entries from `mmbeta`, which this test binary does not link.
    static BETA_PLUGINS: Registry<dyn Module> = Registry::new("model")
        .with_parent(&mmengine::MODELS)
        .with_scope("beta_plugins")
        .with_locations(&["mmbeta"]);
}

#[test]
fn an_unlinked_crate_contributes_nothing() {
    let scopes: Vec<&str> = mmengine::MODELS
        .children()
        .iter()
        .map(|child| child.scope())
        .collect();
    assert_eq!(scopes, ["beta_plugins"]);
    assert!(mmengine::MODELS.get("mmbeta.Swish").is_none());
}

#[test]
fn a_location_that_contributed_nothing_is_reported() {
    assert_eq!(BETA_PLUGINS.import_from_location(), ["mmbeta"]);
    let error = BETA_PLUGINS.build(&json!({"type": "Swish"})).err().unwrap();
    assert_eq!(
        error.to_string(),
        "Swish is not in the beta_plugins::model registry. Please check whether the value of \
         `Swish` is correct or it was registered as expected. More details can be found at \
         https://mmengine.readthedocs.io/en/latest/advanced_tutorials/config.html#import-the-custom-module\n  \
         searched: beta_plugins::model -> mmengine::model\n  \
         default scope in force: none\n  \
         location `mmbeta` contributed no entries: if it is in another crate, make sure that \
         crate is linked (add `use mmbeta as _;`)"
    );
}

#[test]
fn an_unknown_scope_lists_the_scopes_of_the_tree() {
    let error = mmengine::MODELS
        .build(&json!({"type": "mmbeta.Swish"}))
        .err()
        .unwrap();
    let message = error.to_string();
    assert_eq!(
        message,
        "mmbeta.Swish is not in the mmengine::model registry: no registry in its tree has the \
         scope \"mmbeta\"\n  the scopes are: beta_plugins, mmengine"
    );
}
