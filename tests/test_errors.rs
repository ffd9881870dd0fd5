//! Errors that say exactly what is wrong, asserted word for word: an unknown type with close
//! matches, an unknown scope, an unknown key with the closest one, a duplicate registration
//! across two crates. (A wrong type deep in a nested config is in `test_nested.rs`.)

use mmengine::Module;
use registry_core::{duplicate_registrations, register_module, registry, BuildError, Registry};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::NOT_FOUND_HELP;

pub trait Backbone: Send + Sync {}

registry! {
    static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone").with_scope("mmdet");
    static CLS_BACKBONES: Registry<dyn Backbone> =
        Registry::new("backbone").with_parent(&BACKBONES).with_scope("mmcls");
}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize)]
struct ResNet {
    #[allow(dead_code)]
    depth: u32,
    #[serde(default)]
    #[allow(dead_code)]
    stages: u32,
}

impl Backbone for ResNet {}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize)]
struct ResNeXt {}

impl Backbone for ResNeXt {}

#[register_module(registry = CLS_BACKBONES)]
#[derive(Deserialize)]
struct VisionTransformer {}

impl Backbone for VisionTransformer {}

/// Registered here and in the `mmengine` crate, neither with `force`.
#[register_module(registry = mmengine::MODELS)]
#[derive(Deserialize)]
struct RReLU {}

impl Module for RReLU {
    fn forward(&self, input: &[f32]) -> Vec<f32> {
        input.to_vec()
    }
}

fn error_text(cfg: serde_json::Value) -> String {
    match BACKBONES.build(&cfg) {
        Ok(_) => panic!("expected an error for {cfg}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn unknown_type_suggests_close_names_and_other_scopes() {
    assert_eq!(
        error_text(json!({"type": "ResNte", "depth": 50})),
        format!(
            "ResNte is not in the mmdet::backbone registry. Please check whether the value of \
             `ResNte` is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  did you mean one of `ResNet`, `ResNeXt`?\
             \n  searched: mmdet::backbone\
             \n  default scope in force: none"
        )
    );
    // The exact name exists, in a child: say which key reaches it.
    assert_eq!(
        error_text(json!({"type": "VisionTransformer"})),
        format!(
            "VisionTransformer is not in the mmdet::backbone registry. Please check whether the \
             value of `VisionTransformer` is correct or it was registered as expected. \
             {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `mmcls.VisionTransformer`\
             \n  searched: mmdet::backbone\
             \n  default scope in force: none"
        )
    );
}

#[test]
fn unknown_scope_is_not_an_unknown_name() {
    let error = BACKBONES
        .build(&json!({"type": "mmcsl.VisionTransformer"}))
        .err()
        .unwrap();
    assert!(matches!(error, BuildError::UnknownScope(_)));
    assert_eq!(
        error.to_string(),
        "mmcsl.VisionTransformer is not in the mmdet::backbone registry: no registry in its \
         tree has the scope \"mmcsl\"\
         \n  the scopes are: mmcls, mmdet\
         \n  did you mean `mmcls.VisionTransformer`?"
    );
}

#[test]
fn unknown_key_names_the_accepted_keys_and_the_closest() {
    assert_eq!(
        error_text(json!({"type": "ResNet", "detph": 50})),
        "failed to build `ResNet` from the mmdet::backbone registry: unknown field `detph`, \
         expected `depth` or `stages`; did you mean `depth`?"
    );
    // Nothing close: only the accepted keys.
    assert_eq!(
        error_text(json!({"type": "ResNet", "depth": 50, "zzz": 1})),
        "failed to build `ResNet` from the mmdet::backbone registry: unknown field `zzz`, \
         expected `depth` or `stages`"
    );
    // A struct without fields accepts no key.
    assert_eq!(
        error_text(json!({"type": "ResNeXt", "depth": 50})),
        "failed to build `ResNeXt` from the mmdet::backbone registry: unknown field `depth`, \
         there are no fields"
    );
}

#[test]
fn duplicate_registration_across_two_crates_names_both() {
    let duplicates: Vec<_> = duplicate_registrations()
        .into_iter()
        .filter(|duplicate| duplicate.registry == "mmengine::model")
        .collect();
    assert_eq!(duplicates.len(), 1, "{duplicates:?}");
    let duplicate = &duplicates[0];
    assert_eq!(duplicate.name, "RReLU");
    let paths: Vec<&str> = duplicate
        .origins
        .iter()
        .map(|origin| origin.type_name.as_str())
        .collect();
    assert!(
        paths[0].starts_with("mmengine::") && paths[0].ends_with("::RReLU"),
        "{paths:?}"
    );
    assert_eq!(paths[1], "test_errors::RReLU");
    assert!(duplicate.origins[0]
        .file
        .starts_with("examples/crates/mmengine/src/"));
    assert_eq!(duplicate.origins[1].file, "tests/test_errors.rs");
    assert_eq!(duplicate.origins[1].line, 48);

    let error = mmengine::MODELS
        .build(&json!({"type": "RReLU"}))
        .err()
        .unwrap();
    let first = &duplicate.origins[0];
    assert_eq!(
        error.to_string(),
        format!(
            "RReLU is already registered in mmengine::model at {} ({}:{}); registered again at \
             test_errors::RReLU (tests/test_errors.rs:48); rename one, or mark the one that \
             should win with `force = true`",
            first.type_name, first.file, first.line
        )
    );
    assert!(mmengine::MODELS.get("RReLU").is_none());
}
