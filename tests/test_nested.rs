//! Nested configs as typed fields (`Built`, `Lazy`): built through the registry tree of the
//! field's product type, with the default scope in force, wherever `type` is, with paths in
//! errors and a bounded depth.

use std::collections::BTreeMap;

use registry_core::{
    register_module, registry, BuildError, Built, Choose, DefaultScope, Lazy, Registry,
};
use serde::Deserialize;
use serde_json::{json, Value};

pub trait Backbone: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Neck: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Detector: Send + Sync {
    fn describe(&self) -> String;
}

pub trait Dog: Send + Sync {
    fn describe(&self) -> String;
}

/// Two roots build `dyn Head`: a field must pick one.
pub trait Head: Send + Sync {
    fn describe(&self) -> String;
}

/// Built by nobody.
pub trait Orphan: Send + Sync {}

registry! {
    static BACKBONES: Registry<dyn Backbone> = Registry::new("backbone").with_scope("mmdet");
    static ALPHA_BACKBONES: Registry<dyn Backbone> =
        Registry::new("backbone").with_parent(&BACKBONES).with_scope("mmalpha");
    static NECKS: Registry<dyn Neck> = Registry::new("neck").with_scope("mmdet");
    static DETECTORS: Registry<dyn Detector> = Registry::new("detector").with_scope("mmdet");
    static HEADS: Registry<dyn Head> = Registry::new("head").with_scope("mmdet");
    static OTHER_HEADS: Registry<dyn Head> = Registry::new("head").with_scope("other");
    //          DOGS
    //     ______|______
    //    |             |
    // HOUNDS (hound)  SAMOYEDS (samoyed)
    static DOGS: Registry<dyn Dog> = Registry::new("dogs");
    static HOUNDS: Registry<dyn Dog> = Registry::new("hounds").with_parent(&DOGS).with_scope("hound");
    static SAMOYEDS: Registry<dyn Dog> =
        Registry::new("samoyeds").with_parent(&DOGS).with_scope("samoyed");
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stage {
    depth: u32,
}

#[register_module(registry = BACKBONES)]
#[derive(Deserialize)]
struct ResNet {
    depth: u32,
    #[serde(default)]
    stages: Vec<Stage>,
}

impl Backbone for ResNet {
    fn describe(&self) -> String {
        let stages: Vec<String> = self.stages.iter().map(|s| s.depth.to_string()).collect();
        format!("ResNet{}[{}]", self.depth, stages.join(","))
    }
}

#[register_module(registry = ALPHA_BACKBONES)]
#[derive(Deserialize)]
struct AlphaNet {}

impl Backbone for AlphaNet {
    fn describe(&self) -> String {
        "AlphaNet".to_owned()
    }
}

#[allow(clippy::upper_case_acronyms)]
#[register_module(registry = NECKS)]
#[derive(Deserialize)]
struct FPN {
    channels: u32,
}

impl Neck for FPN {
    fn describe(&self) -> String {
        format!("FPN{}", self.channels)
    }
}

#[register_module(registry = HEADS)]
#[derive(Deserialize)]
struct RPNHead {}

impl Head for RPNHead {
    fn describe(&self) -> String {
        "RPNHead".to_owned()
    }
}

/// Picks `HEADS` although two roots build `dyn Head`.
struct FromHeads;

impl Choose<dyn Head> for FromHeads {
    fn registry() -> Result<&'static Registry<dyn Head>, BuildError> {
        Ok(&HEADS)
    }
}

#[register_module(registry = DETECTORS)]
#[derive(Deserialize)]
struct FasterRCNN {
    backbone: Built<dyn Backbone>,
    #[serde(default)]
    necks: Vec<Built<dyn Neck>>,
    head: Option<Built<dyn Head, FromHeads>>,
    #[serde(default)]
    extra: BTreeMap<String, Built<dyn Backbone>>,
}

impl Detector for FasterRCNN {
    fn describe(&self) -> String {
        let necks: Vec<String> = self.necks.iter().map(|neck| neck.describe()).collect();
        let extra: Vec<String> = self
            .extra
            .iter()
            .map(|(key, backbone)| format!("{key}={}", backbone.describe()))
            .collect();
        format!(
            "{} + [{}] + {} + {{{}}}",
            self.backbone.describe(),
            necks.join(", "),
            self.head
                .as_ref()
                .map_or("-".to_owned(), |head| head.describe()),
            extra.join(", ")
        )
    }
}

/// A detector whose head uses the default choice although two roots build `dyn Head`.
#[register_module(registry = DETECTORS)]
#[derive(Deserialize)]
struct AmbiguousDetector {
    #[allow(dead_code)]
    head: Built<dyn Head>,
}

impl Detector for AmbiguousDetector {
    fn describe(&self) -> String {
        "ambiguous".to_owned()
    }
}

/// A detector that nests itself, to test the depth limit.
#[register_module(registry = DETECTORS)]
#[derive(Deserialize)]
struct Cascade {
    inner: Option<Built<dyn Detector>>,
}

impl Detector for Cascade {
    fn describe(&self) -> String {
        match &self.inner {
            Some(inner) => format!("Cascade({})", inner.describe()),
            None => "Cascade".to_owned(),
        }
    }
}

/// A function can take nested fields too.
#[register_module(registry = DETECTORS, name = "two_stage")]
fn two_stage(backbone: Built<dyn Backbone>, neck: Option<Built<dyn Neck>>) -> Cascade {
    let _ = (backbone.describe(), neck.map(|neck| neck.describe()));
    Cascade { inner: None }
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Orphaned {
    thing: Built<dyn Orphan>,
}

#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct MySamoyed {
    friend: Built<dyn Dog>,
}

impl Dog for MySamoyed {
    fn describe(&self) -> String {
        format!("MySamoyed({})", self.friend.describe())
    }
}

#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct YourSamoyed {}

impl Dog for YourSamoyed {
    fn describe(&self) -> String {
        "YourSamoyed".to_owned()
    }
}

#[register_module(registry = HOUNDS)]
#[derive(Deserialize)]
struct BloodHound {}

impl Dog for BloodHound {
    fn describe(&self) -> String {
        "BloodHound".to_owned()
    }
}

/// Keeps its friend's config to build later.
#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct LazySamoyed {
    friend: Lazy<dyn Dog>,
}

impl Dog for LazySamoyed {
    fn describe(&self) -> String {
        match self.friend.build() {
            Ok(friend) => format!("LazySamoyed({})", friend.describe()),
            Err(error) => format!("LazySamoyed(error: {error})"),
        }
    }
}

/// Nested configs inside enum variants: a newtype, a struct and a unit variant.
#[derive(Deserialize)]
enum Attachment {
    One(Built<dyn Backbone>),
    Pair {
        left: Built<dyn Backbone>,
        right: u32,
    },
    Nothing,
}

#[register_module(registry = DETECTORS)]
#[derive(Deserialize)]
struct Hybrid {
    attachments: Vec<Attachment>,
}

impl Detector for Hybrid {
    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .attachments
            .iter()
            .map(|attachment| match attachment {
                Attachment::One(one) => one.describe(),
                Attachment::Pair { left, right } => format!("{}+{right}", left.describe()),
                Attachment::Nothing => "nothing".to_owned(),
            })
            .collect();
        format!("Hybrid[{}]", parts.join(", "))
    }
}

fn describe(cfg: &Value) -> String {
    match DETECTORS.build(cfg) {
        Ok(detector) => detector.describe(),
        Err(error) => panic!("{error}"),
    }
}

fn error_text(cfg: &Value) -> String {
    match DETECTORS.build(cfg) {
        Ok(_) => panic!("expected an error for {cfg}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn nested_fields_are_built_through_their_product_types_registry() {
    let cfg = json!({
        "type": "FasterRCNN",
        "backbone": {"type": "ResNet", "depth": 50, "stages": [{"depth": 3}, {"depth": 4}]},
        "necks": [{"type": "FPN", "channels": 256}, {"channels": 128, "type": "FPN"}],
        "head": {"type": "RPNHead"},
        "extra": {"b": {"type": "ResNet", "depth": 18}, "a": {"type": "mmalpha.AlphaNet"}},
    });
    assert_eq!(
        describe(&cfg),
        "ResNet50[3,4] + [FPN256, FPN128] + RPNHead + {a=AlphaNet, b=ResNet18[]}"
    );
}

#[test]
fn type_may_come_first_or_last() {
    let last = json!({
        "backbone": {"depth": 101, "type": "ResNet"},
        "head": null,
        "type": "FasterRCNN",
    });
    assert_eq!(describe(&last), "ResNet101[] + [] + - + {}");
}

#[test]
fn a_function_takes_nested_fields() {
    let cfg = json!({"type": "two_stage", "backbone": {"type": "ResNet", "depth": 18}});
    assert_eq!(describe(&cfg), "Cascade");
    let error = error_text(&json!({"type": "two_stage", "backbone": {"type": "ResNet"}}));
    assert_eq!(
        error,
        "backbone: missing field `depth`\n  while building `ResNet` from the mmdet::backbone registry"
    );
}

#[test]
fn the_outer_scope_is_in_force_while_the_nested_config_is_built() {
    // MMEngine's test: MySamoyed (scope samoyed) builds its friend through DOGS while the
    // outer `_scope_` is in force, so `YourSamoyed` is found in SAMOYEDS.
    let cfg = json!({"_scope_": "samoyed", "type": "MySamoyed", "friend": {"type": "YourSamoyed"}});
    assert_eq!(
        DOGS.build(&cfg).unwrap().describe(),
        "MySamoyed(YourSamoyed)"
    );
    let cfg =
        json!({"_scope_": "samoyed", "type": "MySamoyed", "friend": {"type": "hound.BloodHound"}});
    assert_eq!(
        DOGS.build(&cfg).unwrap().describe(),
        "MySamoyed(BloodHound)"
    );
    // The nested config's own `_scope_` wins for itself.
    let cfg = json!({
        "type": "samoyed.MySamoyed",
        "friend": {"type": "BloodHound", "_scope_": "hound"},
    });
    assert_eq!(
        DOGS.build(&cfg).unwrap().describe(),
        "MySamoyed(BloodHound)"
    );
    // Without a scope the friend is looked up from the root, where it is not.
    let cfg = json!({"type": "samoyed.MySamoyed", "friend": {"type": "YourSamoyed"}});
    let error = DOGS.build(&cfg).err().unwrap().to_string();
    assert!(
        error.starts_with("friend: YourSamoyed is not in the test_nested::dogs registry. "),
        "{error}"
    );
    assert!(DefaultScope::get_current_instance().is_none());
}

#[test]
fn a_wrong_type_three_levels_deep_names_its_path() {
    let cfg = json!({
        "backbone": {
            "stages": [{"depth": 1}, {"depth": 2}, {"depth": "fifty"}],
            "depth": 50,
            "type": "ResNet",
        },
        "type": "FasterRCNN",
    });
    let error = DETECTORS.build(&cfg).err().unwrap();
    assert_eq!(error.path(), Some("backbone.stages[2].depth"));
    assert_eq!(
        error.to_string(),
        "backbone.stages[2].depth: invalid type: string \"fifty\", expected u32\n  \
         while building `ResNet` from the mmdet::backbone registry"
    );
    assert!(matches!(
        error.innermost(),
        BuildError::InvalidArguments { name, .. } if name == "ResNet"
    ));
}

#[test]
fn errors_in_lists_and_maps_name_their_element() {
    let cfg = json!({
        "type": "FasterRCNN",
        "backbone": {"type": "ResNet", "depth": 50},
        "necks": [{"type": "FPN", "channels": 1}, {"type": "FPN", "chanels": 2}],
    });
    assert_eq!(
        error_text(&cfg),
        "necks[1]: unknown field `chanels`, expected `channels`\n  \
         while building `FPN` from the mmdet::neck registry"
    );
    let cfg = json!({
        "type": "FasterRCNN",
        "backbone": {"type": "ResNet", "depth": 50, "stages": [{"detph": 3}]},
    });
    assert_eq!(
        error_text(&cfg),
        "backbone.stages[0]: unknown field `detph`, expected `depth`\n  \
         while building `ResNet` from the mmdet::backbone registry"
    );
    let cfg = json!({
        "type": "FasterRCNN",
        "backbone": {"type": "ResNet", "depth": 50},
        "extra": {"x": {"type": "VGG"}},
    });
    let error = error_text(&cfg);
    assert!(
        error.starts_with("extra.x: VGG is not in the mmdet::backbone registry. "),
        "{error}"
    );
}

#[test]
fn enum_variants_are_read_like_any_value() {
    let cfg = json!({"type": "Hybrid", "attachments": [
        {"One": {"type": "ResNet", "depth": 18}},
        {"Pair": {"left": {"type": "mmalpha.AlphaNet"}, "right": 2}},
        "Nothing",
        {"Nothing": null},
    ]});
    assert_eq!(
        describe(&cfg),
        "Hybrid[ResNet18[], AlphaNet+2, nothing, nothing]"
    );
    // Paths run through the variant, and a struct variant rejects unknown keys.
    let cfg = json!({"type": "Hybrid", "attachments": [
        {"One": {"type": "ResNet", "depth": "deep"}},
    ]});
    assert_eq!(
        error_text(&cfg),
        "attachments[0].One.depth: invalid type: string \"deep\", expected u32\n  \
         while building `ResNet` from the mmdet::backbone registry"
    );
    let cfg = json!({"type": "Hybrid", "attachments": [
        {"Pair": {"left": {"type": "mmalpha.AlphaNet"}, "rigth": 2}},
    ]});
    assert_eq!(
        error_text(&cfg),
        "attachments[0].Pair: unknown field `rigth`, expected `left` or `right`; did you mean \
         `right`?\n  while building `Hybrid` from the mmdet::detector registry"
    );
    let cfg = json!({"type": "Hybrid", "attachments": [{"Many": 1}]});
    assert_eq!(
        error_text(&cfg),
        "attachments[0]: unknown variant `Many`, expected one of `One`, `Pair`, `Nothing`\n  \
         while building `Hybrid` from the mmdet::detector registry"
    );
}

#[test]
fn an_ambiguous_or_missing_registry_is_a_clear_error() {
    let error = error_text(&json!({"type": "AmbiguousDetector", "head": {"type": "RPNHead"}}));
    assert_eq!(
        error,
        "head: several root registries build `dyn test_nested::Head` (HEADS (mmdet::head), \
         OTHER_HEADS (other::head)); pick one with a `Choose` marker: \
         `Built<dyn test_nested::Head, YourMarker>`"
    );
    let error = serde_json::from_value::<Orphaned>(json!({"thing": {"type": "X"}}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "no registry builds `dyn test_nested::Orphan`: declare one with `registry!`, or pick \
         one with a `Choose` marker"
    );
}

#[test]
fn built_works_outside_a_registry_build_by_copying() {
    #[derive(Deserialize)]
    struct Plain {
        backbone: Built<dyn Backbone>,
    }
    let plain: Plain =
        serde_json::from_value(json!({"backbone": {"type": "ResNet", "depth": 34}})).unwrap();
    assert_eq!(plain.backbone.describe(), "ResNet34[]");
    let plain: Plain =
        serde_json::from_str(r#"{"backbone": {"depth": 18, "type": "ResNet"}}"#).unwrap();
    assert_eq!(plain.backbone.into_inner().describe(), "ResNet18[]");
}

#[test]
fn depth_is_bounded() {
    let mut cfg = json!({"type": "Cascade", "inner": null});
    for _ in 0..200 {
        cfg = json!({"type": "Cascade", "inner": cfg});
    }
    let error = DETECTORS.build(&cfg).err().unwrap();
    let text = error.to_string();
    assert!(
        text.contains("the config is nested more than 128 levels deep"),
        "{text}"
    );
    assert!(text.starts_with("inner.inner.inner."), "{text}");
    // Within the limit it builds.
    let mut cfg = json!({"type": "Cascade", "inner": null});
    for _ in 0..20 {
        cfg = json!({"type": "Cascade", "inner": cfg});
    }
    assert!(describe(&cfg).starts_with("Cascade(Cascade("));
}

#[test]
fn deep_plain_values_are_bounded_too() {
    // A struct field holding raw JSON: 1,000 nested arrays are refused, not recursed into.
    #[register_module(registry = NECKS, name = "Raw")]
    fn raw(value: Value) -> FPN {
        FPN {
            channels: u32::from(value.is_array()),
        }
    }
    let mut value = json!(1);
    for _ in 0..1000 {
        value = Value::Array(vec![value]);
    }
    let error = NECKS
        .build(&json!({"type": "Raw", "value": value}))
        .err()
        .unwrap();
    assert!(
        error
            .to_string()
            .contains("the config is nested more than 128 levels deep"),
        "{error}"
    );
    assert_eq!(
        NECKS
            .build(&json!({"type": "Raw", "value": [[1]]}))
            .unwrap()
            .describe(),
        "FPN1"
    );
}

#[test]
fn lazy_keeps_the_config_and_the_scope() {
    // Read under `_scope_` samoyed: the friend is built later, with that scope again.
    let cfg =
        json!({"_scope_": "samoyed", "type": "LazySamoyed", "friend": {"type": "YourSamoyed"}});
    let dog = DOGS.build(&cfg).unwrap();
    assert!(DefaultScope::get_current_instance().is_none());
    assert_eq!(dog.describe(), "LazySamoyed(YourSamoyed)");

    let lazy: Lazy<dyn Backbone> =
        serde_json::from_value(json!({"type": "ResNet", "stages": []})).unwrap();
    assert_eq!(lazy.type_name(), Some("ResNet"));
    assert!(lazy.build().is_err());
    let built = lazy.build_with(&json!({"depth": 152})).unwrap();
    assert_eq!(built.describe(), "ResNet152[]");
    let error = serde_json::from_value::<Lazy<dyn Backbone>>(json!({"depth": 1}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "a lazy config must have a string \"type\""
    );
}
