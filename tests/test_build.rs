//! Building from configs (MMEngine's `test_build` and `test_build_from_cfg`): through the
//! tree, every error of `build_from_cfg` with its message, `default_args`, `_scope_`, and the
//! caller's config left untouched. Only thread-local scopes are used here.

use std::any::Any;

use registry_core::{
    build_from_cfg, register_module, registry, BuildError, DefaultScope, Registry,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod support;
use support::{current_scope_name, error_text, NOT_FOUND_HELP};

type Object = dyn Any + Send + Sync;

// DOGS, HOUNDS, LITTLE_HOUNDS, MID_HOUNDS, SAMOYEDS, LITTLE_SAMOYEDS: see support.
support::dogs_tree!();

registry! {
    static BACKBONES: Registry<Object> = Registry::new("backbone");
}

// ---- the DOGS tree ------------------------------------------------------------------

/// MMEngine: `def bark(times=1): return ' '.join(['woof'] * times)`.
#[register_module(registry = DOGS)]
fn bark(times: Option<usize>) -> String {
    vec!["woof"; times.unwrap_or(1)].join(" ")
}

#[register_module(registry = DOGS)]
#[derive(Deserialize)]
struct GoldenRetriever {}

#[register_module(registry = HOUNDS)]
#[derive(Deserialize)]
struct BloodHound {}

#[register_module(registry = LITTLE_HOUNDS)]
#[derive(Deserialize)]
struct Dachshund {}

#[register_module(registry = MID_HOUNDS)]
#[derive(Deserialize)]
struct Beagle {}

/// MMEngine's `MySamoyed`, whose constructor builds its friend with `DOGS.build(friend)`.
struct MySamoyed {
    friend: Box<Object>,
}

#[register_module(registry = DOGS, scope = "samoyed", name = "MySamoyed")]
fn my_samoyed(friend: Value) -> Result<MySamoyed, BuildError> {
    Ok(MySamoyed {
        friend: DOGS.build(&friend)?,
    })
}

#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct YourSamoyed {}

#[register_module(registry = LITTLE_SAMOYEDS)]
#[derive(Deserialize)]
struct LittleSamoyed {
    #[serde(default)]
    fluffy: bool,
}

// ---- BACKBONES (test_build_from_cfg) ------------------------------------------------

fn four() -> u32 {
    4
}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize, Debug, PartialEq)]
struct ResNet {
    depth: u32,
    #[serde(default = "four")]
    stages: u32,
}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize, Debug, PartialEq)]
struct ResNeXt {
    depth: u32,
    #[serde(default = "four")]
    stages: u32,
}

/// A builder that fails for some arguments.
#[register_module(registry = BACKBONES)]
fn broken(depth: u32) -> Result<ResNet, String> {
    Err(format!("depth {depth} is not supported"))
}

fn as_resnet(built: &Object) -> &ResNet {
    built.downcast_ref::<ResNet>().expect("a ResNet")
}

#[test]
fn build_a_function() {
    // MMEngine: `DOGS.build(dict(type='bark', times=3)) == 'woof woof woof'`.
    let built = DOGS.build(&json!({"type": "bark", "times": 3})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "woof woof woof");
    let built = DOGS.build(&json!({"type": "bark"})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "woof");
}

#[test]
fn build_through_the_tree() {
    let gr_cfg = json!({"type": "GoldenRetriever"});
    assert!(DOGS.build(&gr_cfg).unwrap().is::<GoldenRetriever>());
    assert!(HOUNDS
        .build(&json!({"type": "BloodHound"}))
        .unwrap()
        .is::<BloodHound>());
    // From the parent.
    assert!(HOUNDS.build(&gr_cfg).unwrap().is::<GoldenRetriever>());
    assert!(LITTLE_HOUNDS
        .build(&gr_cfg)
        .unwrap()
        .is::<GoldenRetriever>());
    assert!(LITTLE_HOUNDS
        .build(&json!({"type": "Dachshund"}))
        .unwrap()
        .is::<Dachshund>());
    assert!(MID_HOUNDS
        .build(&json!({"type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    // Into children by scope.
    assert!(DOGS
        .build(&json!({"type": "hound.little_hound.Dachshund"}))
        .unwrap()
        .is::<Dachshund>());
    let built = DOGS
        .build(&json!({"type": "samoyed.little_samoyed.LittleSamoyed", "fluffy": true}))
        .unwrap();
    assert!(built.downcast_ref::<LittleSamoyed>().unwrap().fluffy);
    // Lookups never go down without a scope.
    let error = error_text(DOGS.build(&json!({"type": "BloodHound"})));
    assert_eq!(
        error,
        format!(
            "BloodHound is not in the test_build::dogs registry. Please check whether the value \
             of `BloodHound` is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `hound.BloodHound`\
             \n  searched: test_build::dogs\
             \n  default scope in force: none"
        )
    );
}

#[test]
fn build_with_scope_applies_to_nested_builds() {
    // MMEngine's `_scope_` test: MySamoyed is in scope samoyed; its friend is built with
    // `DOGS.build(friend)` while the outer `_scope_` is in force, so the friend is looked up
    // in SAMOYEDS.
    assert_eq!(current_scope_name(), None);
    let cfg = json!({
        "_scope_": "samoyed",
        "type": "MySamoyed",
        "friend": {"type": "hound.BloodHound"},
    });
    let dog = DOGS.build(&cfg).unwrap();
    let dog = dog.downcast_ref::<MySamoyed>().unwrap();
    assert!(dog.friend.is::<BloodHound>());
    assert_eq!(current_scope_name(), None);

    let cfg = json!({
        "_scope_": "samoyed",
        "type": "MySamoyed",
        "friend": {"type": "YourSamoyed"},
    });
    let dog = DOGS.build(&cfg).unwrap();
    let dog = dog.downcast_ref::<MySamoyed>().unwrap();
    assert!(dog.friend.is::<YourSamoyed>());
    // After the build the default scope is back to what it was (none on this thread).
    assert_eq!(current_scope_name(), None);
}

#[test]
fn build_with_scope_restores_an_outer_override() {
    let _outer = DefaultScope::overwrite_default_scope(Some("hound"));
    assert_eq!(current_scope_name().as_deref(), Some("hound"));
    let cfg = json!({
        "_scope_": "samoyed",
        "type": "MySamoyed",
        "friend": {"type": "YourSamoyed"},
    });
    let dog = DOGS.build(&cfg).unwrap();
    assert!(dog
        .downcast_ref::<MySamoyed>()
        .unwrap()
        .friend
        .is::<YourSamoyed>());
    assert_eq!(current_scope_name().as_deref(), Some("hound"));
    // A failing build restores it too.
    let error = error_text(DOGS.build(&json!({"_scope_": "samoyed", "type": "Nope"})));
    assert!(error.starts_with("Nope is not in the samoyed::samoyeds registry. "));
    assert!(error.ends_with("\n  default scope in force: samoyed"));
    assert_eq!(current_scope_name().as_deref(), Some("hound"));
}

#[test]
fn without_scope_the_nested_build_runs_in_the_outer_registry() {
    // Without `_scope_`, MySamoyed is only reachable by its scoped key, and its friend's bare
    // name is then looked up in DOGS itself, where it is missing.
    let error = error_text(DOGS.build(&json!({"type": "MySamoyed", "friend": {}})));
    assert!(error.starts_with("MySamoyed is not in the test_build::dogs registry. "));
    let error = error_text(DOGS.build(&json!({
        "type": "samoyed.MySamoyed",
        "friend": {"type": "YourSamoyed"},
    })));
    assert_eq!(
        error,
        format!(
            "failed to build `MySamoyed` from the samoyed::samoyeds registry: YourSamoyed is not \
             in the test_build::dogs registry. Please check whether the value of `YourSamoyed` \
             is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `samoyed.YourSamoyed`\
             \n  searched: test_build::dogs\
             \n  default scope in force: none"
        )
    );
}

#[test]
fn scope_in_the_config_redirects_the_build() {
    // `_scope_` makes DOGS.build run in the registry of that scope.
    assert!(DOGS
        .build(&json!({"_scope_": "hound", "type": "BloodHound"}))
        .unwrap()
        .is::<BloodHound>());
    assert!(DOGS
        .build(&json!({"_scope_": "mid_hound", "type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    // ... from the registry of that scope, the parent walk applies.
    assert!(SAMOYEDS
        .build(&json!({"_scope_": "little_hound", "type": "BloodHound"}))
        .unwrap()
        .is::<BloodHound>());
    // The redirected registry is the one named in the error.
    let error = error_text(DOGS.build(&json!({"_scope_": "hound", "type": "YourSamoyed"})));
    assert_eq!(
        error,
        format!(
            "YourSamoyed is not in the hound::hounds registry. Please check whether the value \
             of `YourSamoyed` is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `samoyed.YourSamoyed`\
             \n  searched: hound::hounds -> test_build::dogs\
             \n  default scope in force: hound"
        )
    );
    // `_scope_: null` is no scope.
    assert!(DOGS
        .build(&json!({"_scope_": null, "type": "GoldenRetriever"}))
        .unwrap()
        .is::<GoldenRetriever>());
    // An unknown `_scope_` falls back to the registry itself (MMEngine warns and does so).
    assert!(MID_HOUNDS
        .build(&json!({"_scope_": "scope-not-found", "type": "Beagle"}))
        .unwrap()
        .is::<Beagle>());
    // `_scope_` may come from default_args.
    let built = DOGS
        .build_with(&json!({"type": "BloodHound"}), &json!({"_scope_": "hound"}))
        .unwrap();
    assert!(built.is::<BloodHound>());
}

// ---- build_from_cfg, after MMEngine's test_build_from_cfg ----------------------------

#[test]
fn cfg_must_be_an_object() {
    let error = error_text(build_from_cfg(&json!("ResNet"), &BACKBONES, None));
    assert_eq!(
        error,
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got a string"
    );
    for (cfg, kind) in [
        (json!(null), "null"),
        (json!(true), "a boolean"),
        (json!(50), "a number"),
        (json!([{"type": "ResNet", "depth": 50}]), "an array"),
    ] {
        let result = BACKBONES.build(&cfg);
        assert!(matches!(
            &result,
            Err(BuildError::ConfigNotObject { found }) if *found == kind
        ));
        assert_eq!(
            error_text(result),
            format!(
                "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got \
                 {kind}"
            )
        );
    }
}

#[test]
fn build_an_object() {
    let model = build_from_cfg(&json!({"type": "ResNet", "depth": 50}), &BACKBONES, None).unwrap();
    assert_eq!(
        as_resnet(&*model),
        &ResNet {
            depth: 50,
            stages: 4
        }
    );
    let model = build_from_cfg(
        &json!({"type": "ResNeXt", "depth": 50, "stages": 3}),
        &BACKBONES,
        None,
    )
    .unwrap();
    assert_eq!(
        model.downcast_ref::<ResNeXt>().unwrap(),
        &ResNeXt {
            depth: 50,
            stages: 3
        }
    );
    // `build` is `build_from_cfg` on this registry.
    let model = BACKBONES
        .build(&json!({"type": "ResNet", "depth": 18}))
        .unwrap();
    assert_eq!(as_resnet(&*model).depth, 18);
}

#[test]
fn cfg_without_type() {
    let error = error_text(build_from_cfg(
        &json!({"depth": 50, "stages": 4}),
        &BACKBONES,
        None,
    ));
    assert_eq!(
        error,
        "`cfg` or `default_args` must contain the key \"type\", but got \
         {\"depth\":50,\"stages\":4}\nNone"
    );
    // Neither in the defaults.
    let error = error_text(build_from_cfg(
        &json!({"depth": 50}),
        &BACKBONES,
        Some(&json!({"stages": 4})),
    ));
    assert_eq!(
        error,
        "`cfg` or `default_args` must contain the key \"type\", but got {\"depth\":50}\n\
         {\"stages\":4}"
    );
}

#[test]
fn type_must_be_a_string() {
    let result = build_from_cfg(&json!({"type": 1000}), &BACKBONES, None);
    assert!(matches!(
        result,
        Err(BuildError::TypeNotString { found: "a number" })
    ));
    assert_eq!(
        error_text(result),
        "type must be a str or valid type, but got a number"
    );
    for (ty, kind) in [
        (json!(null), "null"),
        (json!(["ResNet"]), "an array"),
        (json!({"name": "ResNet"}), "an object"),
    ] {
        assert_eq!(
            error_text(BACKBONES.build(&json!({ "type": ty }))),
            format!("type must be a str or valid type, but got {kind}")
        );
    }
}

#[test]
fn type_must_not_be_empty() {
    let result = BACKBONES.build(&json!({"type": ""}));
    assert!(matches!(result, Err(BuildError::EmptyType)));
    assert_eq!(
        error_text(result),
        "type must be a non-empty string naming a registered module, but got \"\""
    );
}

#[test]
fn unknown_type() {
    // MMEngine: "VGG is not in the backbone registry" (its scope::name form since 0.x).
    let result = build_from_cfg(&json!({"type": "VGG"}), &BACKBONES, None);
    assert_eq!(
        error_text(result),
        format!(
            "VGG is not in the test_build::backbone registry. Please check whether the value of \
             `VGG` is correct or it was registered as expected. {NOT_FOUND_HELP}\
             \n  searched: test_build::backbone\
             \n  default scope in force: none"
        )
    );
    // The full key is named, with its scope.
    let result = BACKBONES.build(&json!({"type": "zz.VGG"}));
    assert_eq!(
        error_text(result),
        "zz.VGG is not in the test_build::backbone registry: no registry in its tree has the \
         scope \"zz\"\n  the scopes are: test_build"
    );
}

#[test]
fn unexpected_argument_is_an_error_naming_the_key() {
    // MMEngine: TypeError from the constructor for `non_existing_arg=50`.
    let result = build_from_cfg(
        &json!({"type": "ResNet", "depth": 50, "non_existing_arg": 50}),
        &BACKBONES,
        None,
    );
    assert!(matches!(result, Err(BuildError::InvalidArguments { .. })));
    assert_eq!(
        error_text(result),
        "failed to build `ResNet` from the test_build::backbone registry: unknown field \
         `non_existing_arg`, expected `depth` or `stages`"
    );
    // An unexpected key from default_args is just as wrong.
    let result = BACKBONES.build_with(
        &json!({"type": "ResNet", "depth": 50}),
        &json!({"width": 2}),
    );
    assert_eq!(
        error_text(result),
        "failed to build `ResNet` from the test_build::backbone registry: unknown field \
         `width`, expected `depth` or `stages`"
    );
}

#[test]
fn missing_or_mistyped_argument() {
    assert_eq!(
        error_text(BACKBONES.build(&json!({"type": "ResNet"}))),
        "failed to build `ResNet` from the test_build::backbone registry: missing field `depth`"
    );
    assert_eq!(
        error_text(BACKBONES.build(&json!({"type": "ResNet", "depth": "fifty"}))),
        "depth: invalid type: string \"fifty\", expected u32\n  \
         while building `ResNet` from the test_build::backbone registry"
    );
    assert_eq!(
        error_text(BACKBONES.build(&json!({"type": "ResNet", "depth": -1}))),
        "depth: invalid value: integer `-1`, expected u32\n  \
         while building `ResNet` from the test_build::backbone registry"
    );
}

#[test]
fn default_args_fill_in_and_cfg_wins() {
    let model = build_from_cfg(
        &json!({"type": "ResNet", "depth": 50}),
        &BACKBONES,
        Some(&json!({"stages": 3})),
    )
    .unwrap();
    assert_eq!(
        as_resnet(&*model),
        &ResNet {
            depth: 50,
            stages: 3
        }
    );
    // The config wins over the defaults, `type` included.
    let model = BACKBONES
        .build_with(
            &json!({"type": "ResNeXt", "depth": 50, "stages": 2}),
            &json!({"type": "ResNet", "depth": 101, "stages": 3}),
        )
        .unwrap();
    assert_eq!(
        model.downcast_ref::<ResNeXt>().unwrap(),
        &ResNeXt {
            depth: 50,
            stages: 2
        }
    );
    // `null` default_args are none.
    let model = build_from_cfg(
        &json!({"type": "ResNet", "depth": 50}),
        &BACKBONES,
        Some(&Value::Null),
    )
    .unwrap();
    assert_eq!(as_resnet(&*model).stages, 4);
}

#[test]
fn type_from_default_args() {
    let model = build_from_cfg(
        &json!({"depth": 50}),
        &BACKBONES,
        Some(&json!({"type": "ResNet"})),
    )
    .unwrap();
    assert_eq!(
        as_resnet(&*model),
        &ResNet {
            depth: 50,
            stages: 4
        }
    );
    // MMEngine's `type=ResNet` (a class): the handle from `get` builds directly.
    let module = BACKBONES.get("ResNet").unwrap();
    let model = module.build(&json!({"depth": 50})).unwrap();
    assert_eq!(as_resnet(&*model).stages, 4);
    let model = module
        .build_with(&json!({"depth": 50}), &json!({"stages": 1}))
        .unwrap();
    assert_eq!(as_resnet(&*model).stages, 1);
}

#[test]
fn default_args_must_be_an_object() {
    let result = build_from_cfg(
        &json!({"type": "ResNet", "depth": 50}),
        &BACKBONES,
        Some(&json!(1)),
    );
    assert!(matches!(
        result,
        Err(BuildError::DefaultArgsNotObject { found: "a number" })
    ));
    assert_eq!(
        error_text(result),
        "default_args should be a JSON object or None, but got a number"
    );
    assert_eq!(
        error_text(BACKBONES.build_with(
            &json!({"type": "ResNet", "depth": 50}),
            &json!(["stages", 3])
        )),
        "default_args should be a JSON object or None, but got an array"
    );
    // Without a type anywhere, bad default_args are still reported as such (MMEngine fails
    // here with Python's "argument of type 'int' is not iterable").
    assert_eq!(
        error_text(build_from_cfg(
            &json!({"depth": 50}),
            &BACKBONES,
            Some(&json!(1))
        )),
        "default_args should be a JSON object or None, but got a number"
    );
    // A cfg that is not an object is reported first.
    assert_eq!(
        error_text(build_from_cfg(
            &json!("ResNet"),
            &BACKBONES,
            Some(&json!(1))
        )),
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got a string"
    );
}

#[test]
fn scope_must_be_a_string() {
    let result = BACKBONES.build(&json!({"type": "ResNet", "depth": 50, "_scope_": 3}));
    assert!(matches!(
        result,
        Err(BuildError::ScopeNotString { found: "a number" })
    ));
    assert_eq!(
        error_text(result),
        "_scope_ must be a string or null, but got a number"
    );
    assert_eq!(
        error_text(BACKBONES.build_with(
            &json!({"type": "ResNet", "depth": 50}),
            &json!({"_scope_": ["a"]})
        )),
        "_scope_ must be a string or null, but got an array"
    );
    // `_scope_` is checked before `type`, as MMEngine switches scope before reading it.
    assert_eq!(
        error_text(BACKBONES.build(&json!({"type": 1000, "_scope_": false}))),
        "_scope_ must be a string or null, but got a boolean"
    );
}

#[test]
fn builder_error_is_reported_with_the_module() {
    let result = BACKBONES.build(&json!({"type": "broken", "depth": 7}));
    assert!(matches!(result, Err(BuildError::Builder { .. })));
    assert_eq!(
        error_text(result),
        "failed to build `broken` from the test_build::backbone registry: depth 7 is not \
         supported"
    );
}

#[test]
fn the_callers_config_is_not_modified() {
    let cfgs = [
        json!({"type": "ResNet", "depth": 50}),
        json!({"type": "ResNet", "depth": 50, "_scope_": "test_build"}),
        json!({"type": "ResNet", "non_existing_arg": 1}),
        json!({"type": "VGG"}),
        json!({"depth": 50}),
        json!({"type": 1000}),
    ];
    let defaults = json!({"stages": 3, "type": "ResNet"});
    for cfg in cfgs {
        let before = cfg.clone();
        let defaults_before = defaults.clone();
        let _ = BACKBONES.build(&cfg);
        let _ = BACKBONES.build_with(&cfg, &defaults);
        let _ = build_from_cfg(&cfg, &BACKBONES, Some(&defaults));
        assert_eq!(cfg, before);
        assert_eq!(defaults, defaults_before);
    }
    let cfg = json!({
        "_scope_": "samoyed",
        "type": "MySamoyed",
        "friend": {"type": "hound.BloodHound"},
    });
    let before = cfg.clone();
    DOGS.build(&cfg).unwrap();
    assert_eq!(cfg, before);
}

#[test]
fn runtime_builder_gets_the_merged_arguments_without_reserved_keys() {
    registry! {
        static ECHOES: Registry<Object> = Registry::new("echo").with_scope("echoes");
    }
    ECHOES
        .register_module("echo", false, |args| Ok(Box::new(args.clone())))
        .unwrap();
    let built = ECHOES
        .build_with(
            &json!({"type": "echo", "_scope_": "echoes", "a": 1, "nested": {"type": "x"}}),
            &json!({"a": 5, "b": 2, "type": "ignored"}),
        )
        .unwrap();
    // Nested configs are passed through, not built (as in MMEngine).
    assert_eq!(
        *built.downcast_ref::<Value>().unwrap(),
        json!({"a": 1, "b": 2, "nested": {"type": "x"}})
    );
}

#[test]
fn module_handle_builds_with_its_own_scope_handling() {
    let module = DOGS.get("samoyed.MySamoyed").unwrap();
    // `_scope_` in the arguments is in force while the module is built.
    let dog = module
        .build(&json!({"_scope_": "samoyed", "friend": {"type": "YourSamoyed"}}))
        .unwrap();
    assert!(dog
        .downcast_ref::<MySamoyed>()
        .unwrap()
        .friend
        .is::<YourSamoyed>());
    assert_eq!(current_scope_name(), None);
    // Without it, the friend's bare name is looked up in DOGS.
    let error = error_text(module.build(&json!({"friend": {"type": "YourSamoyed"}})));
    assert!(
        error.starts_with(
            "failed to build `MySamoyed` from the samoyed::samoyeds registry: YourSamoyed is not \
             in the test_build::dogs registry. "
        ),
        "{error}"
    );
    // A `type` key is ignored; null means no arguments; other values are not arguments.
    let resnet = BACKBONES.get("ResNet").unwrap();
    let model = resnet
        .build(&json!({"type": "Whatever", "depth": 34}))
        .unwrap();
    assert_eq!(as_resnet(&*model).depth, 34);
    let built = DOGS.get("bark").unwrap().build(&Value::Null).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "woof");
    assert_eq!(
        error_text(resnet.build(&json!([1, 2]))),
        "cfg should be a JSON object (MMEngine: a dict, ConfigDict or Config), but got an array"
    );
    assert_eq!(
        error_text(resnet.build_with(&json!({"depth": 1}), &json!("x"))),
        "default_args should be a JSON object or None, but got a string"
    );
}

#[test]
fn odd_type_strings_are_errors_not_panics() {
    for key in [
        ".",
        "..",
        "hound.",
        ".Beagle",
        "hound..Beagle",
        "hound.little_hound.",
        "test_build.",
        "a.b.c.d.e",
        "ünïcödé.名前",
        "Beagle ",
        " Beagle",
    ] {
        let error = error_text(DOGS.build(&json!({ "type": key })));
        assert!(
            error.starts_with(&format!("{key} is not in the ")),
            "{key:?}: {error}"
        );
    }
    let long = "x".repeat(10_000);
    let error = error_text(DOGS.build(&json!({ "type": long })));
    assert!(error.starts_with(&format!("{long} is not in the test_build::dogs registry. ")));
}
