//! A crate that is only linked (`use mmbeta as _;`) contributes its registry and entries:
//! nothing else in this file names `mmbeta`.

use mmbeta as _;
use serde_json::json;

#[test]
fn a_linked_crate_adds_its_registry_to_the_tree() {
    let scopes: Vec<&str> = mmengine::MODELS
        .children()
        .iter()
        .map(|child| child.scope())
        .collect();
    assert_eq!(scopes, ["mmbeta"]);
}

#[test]
fn a_linked_crate_contributes_its_entries() {
    let swish = mmengine::MODELS
        .get("mmbeta.Swish")
        .expect("mmbeta's Swish");
    assert_eq!(swish.scope(), "mmbeta");
    assert_eq!(swish.type_name(), "mmbeta::Swish");
    // Registered from the root's side with `scope = "mmbeta"`: it lands in mmbeta's node.
    let quick_gelu = mmengine::MODELS.get("mmbeta.QuickGELU").expect("QuickGELU");
    assert_eq!(quick_gelu.scope(), "mmbeta");
    assert!(mmengine::MODELS.get("QuickGELU").is_none());

    let model = mmengine::MODELS
        .build(&json!({"type": "Swish", "_scope_": "mmbeta", "beta": 0.0}))
        .unwrap();
    assert_eq!(model.forward(&[2.0, -2.0]), [1.0, -1.0]);
}
