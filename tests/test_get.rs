//! `Registry::get` across the whole tree (MMEngine's `test_get`): own table, parents,
//! children, descendants, siblings, uncles, cousins, nephews and misses, plus the branches
//! verified against MMEngine in the reference (§1.3), our documented improvement (a scope
//! anywhere in the tree is found) and a scope that appears twice.

use std::any::Any;

use registry_core::{register_module, registry, BuildError, DefaultScope, Registry};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::NOT_FOUND_HELP;

type Object = dyn Any + Send + Sync;

// DOGS, HOUNDS, LITTLE_HOUNDS, MID_HOUNDS, SAMOYEDS, LITTLE_SAMOYEDS: see support.
support::dogs_tree!();

registry! {
    // Shadowing: a child may register a name its parent has.
    static FELINES: Registry<Object> = Registry::new("felines").with_scope("feline");
    static BIG_CATS: Registry<Object> =
        Registry::new("big cats").with_parent(&FELINES).with_scope("big_cat");
    static LIONS: Registry<Object> = Registry::new("lions").with_parent(&BIG_CATS).with_scope("lion");

    // The scope "cat" appears twice in one tree, in two different subtrees (MMEngine allows
    // this: scopes are only unique per parent):
    //                    PETS (pet)
    //          ______________|______________
    //         |              |              |
    //    BIRDS (bird)    HOUSE_CATS (cat)   FISH (fish)
    //         |
    //    WILD_CATS (cat)
    static PETS: Registry<Object> = Registry::new("pets").with_scope("pet");
    static BIRDS: Registry<Object> = Registry::new("birds").with_parent(&PETS).with_scope("bird");
    static HOUSE_CATS: Registry<Object> =
        Registry::new("house cats").with_parent(&PETS).with_scope("cat");
    static WILD_CATS: Registry<Object> =
        Registry::new("wild cats").with_parent(&BIRDS).with_scope("cat");
    static FISH: Registry<Object> = Registry::new("fish").with_parent(&PETS).with_scope("fish");

    // Two children of one parent with the same scope (MMEngine: AssertionError
    // "scope twin exists in zoo registry").
    static ZOO: Registry<Object> = Registry::new("zoo").with_scope("zoo");
    static TWIN_A: Registry<Object> = Registry::new("twin a").with_parent(&ZOO).with_scope("twin");
    static TWIN_B: Registry<Object> = Registry::new("twin b").with_parent(&ZOO).with_scope("twin");
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

#[register_module(registry = SAMOYEDS)]
#[derive(Deserialize)]
struct PedigreeSamoyed {}

#[register_module(registry = LITTLE_SAMOYEDS)]
#[derive(Deserialize)]
struct LittlePedigreeSamoyed {}

mod felines {
    use serde::Deserialize;

    #[registry_core::register_module(registry = crate::FELINES, name = "Cat")]
    #[derive(Deserialize)]
    pub struct FelineCat {}

    #[registry_core::register_module(registry = crate::BIG_CATS, name = "Cat")]
    #[derive(Deserialize)]
    pub struct BigCat {}

    #[registry_core::register_module(registry = crate::FELINES)]
    #[derive(Deserialize)]
    pub struct Whiskers {}
}

#[register_module(registry = HOUSE_CATS)]
#[derive(Deserialize)]
struct Tabby {}

#[register_module(registry = WILD_CATS)]
#[derive(Deserialize)]
struct Tabby2 {}

#[register_module(registry = TWIN_A)]
#[derive(Deserialize)]
struct Twin {}

/// The Rust path of what `registry.get(key)` finds, for "is" comparisons.
fn found(registry: &Registry<Object>, key: &str) -> Option<&'static str> {
    registry.get(key).map(|module| module.type_name())
}

/// `registry.get(key)` finds the module at the path `test_get::$path`.
macro_rules! assert_found {
    ($registry:expr, $key:expr, $path:literal) => {
        assert_eq!(found(&$registry, $key), Some(concat!("test_get::", $path)))
    };
}

#[test]
fn get_from_the_registry_itself() {
    assert_eq!(DOGS.len(), 1);
    assert_found!(DOGS, "GoldenRetriever", "GoldenRetriever");
    assert_eq!(HOUNDS.len(), 1);
    assert_found!(HOUNDS, "BloodHound", "BloodHound");
    assert_eq!(LITTLE_HOUNDS.len(), 1);
    assert_found!(LITTLE_HOUNDS, "Dachshund", "Dachshund");
    assert_eq!(SAMOYEDS.len(), 1);
    assert_eq!(MID_HOUNDS.len(), 1);
    assert_eq!(LITTLE_SAMOYEDS.len(), 1);
    let module = HOUNDS.get("BloodHound").unwrap();
    assert_eq!(module.name(), "BloodHound");
    assert_eq!(module.scope(), "hound");
    assert_eq!(module.registry_name(), "hounds");
}

#[test]
fn get_with_the_own_scope() {
    // MMEngine: `HOUNDS.get('hound.BloodHound') is BloodHound`.
    assert_found!(HOUNDS, "hound.BloodHound", "BloodHound");
    assert_found!(DOGS, "test_get.GoldenRetriever", "GoldenRetriever");
}

#[test]
fn get_from_children_and_descendants() {
    // MMEngine: `DOGS.get('hound.BloodHound') is BloodHound`.
    assert_found!(DOGS, "hound.BloodHound", "BloodHound");
    // `HOUNDS.get('little_hound.Dachshund') is Dachshund`.
    assert_found!(HOUNDS, "little_hound.Dachshund", "Dachshund");
    // `DOGS.get('hound.little_hound.Dachshund') is Dachshund`.
    assert_found!(DOGS, "hound.little_hound.Dachshund", "Dachshund");
}

#[test]
fn get_walks_up_to_the_parents() {
    // MMEngine: `HOUNDS.get('GoldenRetriever') is GoldenRetriever`.
    assert_found!(HOUNDS, "GoldenRetriever", "GoldenRetriever");
    // `LITTLE_HOUNDS.get('BloodHound')`, `LITTLE_HOUNDS.get('GoldenRetriever')`.
    assert_found!(LITTLE_HOUNDS, "BloodHound", "BloodHound");
    assert_found!(LITTLE_HOUNDS, "GoldenRetriever", "GoldenRetriever");
    // The handle says where it was found.
    assert_eq!(
        LITTLE_HOUNDS.get("GoldenRetriever").unwrap().scope(),
        "test_get"
    );
}

#[test]
fn get_from_the_parent_by_its_scope() {
    // MMEngine: `LITTLE_HOUNDS.get('hound.BloodHound') is BloodHound`.
    assert_found!(LITTLE_HOUNDS, "hound.BloodHound", "BloodHound");
}

#[test]
fn get_from_siblings_uncles_cousins_and_nephews() {
    // Sibling: `LITTLE_HOUNDS.get('hound.mid_hound.Beagle') is Beagle`.
    assert_found!(LITTLE_HOUNDS, "hound.mid_hound.Beagle", "Beagle");
    // Uncle: `LITTLE_HOUNDS.get('samoyed.PedigreeSamoyed') is PedigreeSamoyed`.
    assert_found!(LITTLE_HOUNDS, "samoyed.PedigreeSamoyed", "PedigreeSamoyed");
    // Cousin: `LITTLE_HOUNDS.get('samoyed.little_samoyed.LittlePedigreeSamoyed')`.
    assert_found!(
        LITTLE_HOUNDS,
        "samoyed.little_samoyed.LittlePedigreeSamoyed",
        "LittlePedigreeSamoyed"
    );
    // Nephew: `HOUNDS.get('samoyed.little_samoyed.LittlePedigreeSamoyed')`.
    assert_found!(
        HOUNDS,
        "samoyed.little_samoyed.LittlePedigreeSamoyed",
        "LittlePedigreeSamoyed"
    );
}

#[test]
fn get_misses() {
    // MMEngine's invalid keys.
    assert_eq!(found(&LITTLE_HOUNDS, "GoldenRetrieverererer"), None);
    assert_eq!(found(&DOGS, "samoyedddd.PedigreeSamoyed"), None);
    assert_eq!(found(&DOGS, "samoyed.LittlePedigreeSamoyed"), None);
    assert_eq!(
        found(&LITTLE_HOUNDS, "mid_hound.PedigreeSamoyedddddd"),
        None
    );
    // Lookups never go down without a scope.
    assert_eq!(found(&DOGS, "BloodHound"), None);
    assert_eq!(found(&HOUNDS, "Dachshund"), None);
}

#[test]
fn contains_needs_the_scope_to_go_down() {
    // Verified in MMEngine: `'BloodHound' in DOGS` is False, `'hound.BloodHound' in DOGS` is
    // True.
    assert!(!DOGS.contains("BloodHound"));
    assert!(DOGS.contains("hound.BloodHound"));
}

#[test]
fn own_scope_prefix_disables_the_parent_walk() {
    // Verified in MMEngine: `HOUNDS.get('hound.GoldenRetriever')` is None although DOGS has
    // it, and a dotted remainder after the own scope is not interpreted.
    assert_eq!(found(&HOUNDS, "hound.GoldenRetriever"), None);
    assert_eq!(found(&HOUNDS, "hound.little_hound.Dachshund"), None);
    assert_eq!(found(&LITTLE_HOUNDS, "little_hound.BloodHound"), None);
    assert_found!(LITTLE_HOUNDS, "little_hound.Dachshund", "Dachshund");
}

#[test]
fn bare_remainder_walks_up_from_the_child() {
    // Verified in MMEngine: `DOGS.get('samoyed.GoldenRetriever')` finds DOGS' own
    // GoldenRetriever (SAMOYEDS.get('GoldenRetriever') walks up to DOGS).
    assert_found!(DOGS, "samoyed.GoldenRetriever", "GoldenRetriever");
    assert_found!(DOGS, "hound.little_hound.BloodHound", "BloodHound");
    assert_found!(HOUNDS, "little_hound.GoldenRetriever", "GoldenRetriever");
}

#[test]
fn root_scope_prefix_looks_only_in_the_root_table() {
    // Verified in MMEngine: `'<rootscope>.X'` looks only in the root's own dict.
    assert_found!(LITTLE_HOUNDS, "test_get.GoldenRetriever", "GoldenRetriever");
    assert_found!(SAMOYEDS, "test_get.GoldenRetriever", "GoldenRetriever");
    assert_eq!(found(&DOGS, "test_get.BloodHound"), None);
    assert_eq!(found(&LITTLE_HOUNDS, "test_get.BloodHound"), None);
    // `'<rootscope>.hound.BloodHound'` is None too: the remainder is not interpreted.
    assert_eq!(found(&DOGS, "test_get.hound.BloodHound"), None);
    assert_eq!(found(&LITTLE_HOUNDS, "test_get.hound.BloodHound"), None);
}

#[test]
fn scope_anywhere_in_the_tree_is_found() {
    // DIFFERENCE FROM MMENGINE (documented improvement): a scope that is neither the
    // registry's own nor a direct child's is looked up anywhere in the tree. MMEngine only
    // reaches the root's direct children this way, so it returns None for all of these
    // (verified: `LITTLE_HOUNDS.get('mid_hound.Beagle')` is None there).
    assert_found!(LITTLE_HOUNDS, "mid_hound.Beagle", "Beagle");
    assert_found!(
        LITTLE_HOUNDS,
        "little_samoyed.LittlePedigreeSamoyed",
        "LittlePedigreeSamoyed"
    );
    assert_found!(DOGS, "little_hound.Dachshund", "Dachshund");
    assert_found!(LITTLE_SAMOYEDS, "mid_hound.Beagle", "Beagle");
    // As for a direct child, a bare remainder then walks up from the registry found.
    assert_found!(LITTLE_SAMOYEDS, "mid_hound.BloodHound", "BloodHound");
    // ... and a scoped remainder continues from there.
    assert_found!(LITTLE_SAMOYEDS, "hound.mid_hound.Beagle", "Beagle");
    // Still a miss when the registry found does not have it.
    assert_eq!(found(&LITTLE_HOUNDS, "mid_hound.PedigreeSamoyed"), None);
}

#[test]
fn odd_keys_find_nothing() {
    // MMEngine's Python import fallback raises "Failed to get " for '' and a TypeError for
    // '.X'; here they are plain misses.
    assert_eq!(found(&DOGS, ""), None);
    assert_eq!(found(&DOGS, ".GoldenRetriever"), None);
    assert_eq!(found(&DOGS, "GoldenRetriever."), None);
    assert_eq!(found(&DOGS, "hound."), None);
    assert_eq!(found(&DOGS, "test_get."), None);
    assert_eq!(found(&DOGS, "."), None);
    // No Python-style import fallback: `'json' in REG` is False here.
    assert!(!DOGS.contains("json"));
    assert!(!DOGS.contains("std.collections"));
}

#[test]
fn a_child_shadows_its_parent() {
    assert_found!(FELINES, "Cat", "felines::FelineCat");
    assert_found!(BIG_CATS, "Cat", "felines::BigCat");
    // The nearest ancestor wins.
    assert_found!(LIONS, "Cat", "felines::BigCat");
    assert_found!(LIONS, "feline.Cat", "felines::FelineCat");
    assert_found!(FELINES, "big_cat.Cat", "felines::BigCat");
    assert_found!(LIONS, "Whiskers", "felines::Whiskers");
    assert_eq!(LIONS.len(), 0);
}

#[test]
fn build_error_for_a_miss_lists_the_registries_searched() {
    // A name close to nothing registered, so the message has no suggestion in it.
    let error = LITTLE_HOUNDS
        .build(&json!({"type": "Xoloitzcuintli"}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "Xoloitzcuintli is not in the little_hound::little hounds registry. Please check \
             whether the value of `Xoloitzcuintli` is correct or it was registered as expected. \
             {NOT_FOUND_HELP}\
             \n  searched: little_hound::little hounds -> hound::hounds -> test_get::dogs\
             \n  default scope in force: none"
        )
    );
    let BuildError::NotFound(details) = error else {
        panic!("expected NotFound, got {error:?}");
    };
    assert_eq!(details.key, "Xoloitzcuintli");
    assert_eq!(details.registry, "little_hound::little hounds");
    assert_eq!(
        details.searched,
        [
            "little_hound::little hounds",
            "hound::hounds",
            "test_get::dogs"
        ]
    );
    assert_eq!(details.default_scope, None);
    assert!(details.found_elsewhere.is_empty());
}

#[test]
fn build_error_for_a_misspelled_name_suggests_close_matches() {
    // MMEngine's own invalid key. The reference's pain point 1 (and STYLE.md, "Errors the user
    // sees") asks the not-found error to name close matches after MMEngine's sentence; the
    // names reachable from LITTLE_HOUNDS include GoldenRetriever.
    let error = LITTLE_HOUNDS
        .build(&json!({"type": "GoldenRetrieverererer"}))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with(
            "GoldenRetrieverererer is not in the little_hound::little hounds registry. "
        ),
        "{error}"
    );
    assert!(
        error
            .lines()
            .skip(1)
            .any(|line| line.contains("GoldenRetriever")),
        "no close match suggested:\n{error}"
    );
    let error = DOGS
        .build(&json!({"type": "hound.BlodHound"}))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error
            .lines()
            .skip(1)
            .any(|line| line.contains("BloodHound")),
        "no close match suggested:\n{error}"
    );
}

#[test]
fn build_error_for_a_miss_in_a_child() {
    // `samoyed.LittlePedigreeSamoyed`: SAMOYEDS then DOGS were searched.
    let error = DOGS
        .build(&json!({"type": "samoyed.LittlePedigreeSamoyed"}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "samoyed.LittlePedigreeSamoyed is not in the test_get::dogs registry. Please check \
             whether the value of `samoyed.LittlePedigreeSamoyed` is correct or it was \
             registered as expected. {NOT_FOUND_HELP}\
             \n  did you mean `samoyed.PedigreeSamoyed`?\
             \n  it is registered under another scope: use \
             `little_samoyed.LittlePedigreeSamoyed`\
             \n  searched: samoyed::samoyeds -> test_get::dogs\
             \n  default scope in force: none"
        )
    );
    // An own-scope key searches only the own table.
    let error = HOUNDS
        .build(&json!({"type": "hound.GoldenRetriever"}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "hound.GoldenRetriever is not in the hound::hounds registry. Please check whether \
             the value of `hound.GoldenRetriever` is correct or it was registered as expected. \
             {NOT_FOUND_HELP}\
             \n  it is registered under another scope: use `test_get.GoldenRetriever`\
             \n  searched: hound::hounds\
             \n  default scope in force: none"
        )
    );
}

#[test]
fn build_error_for_an_unknown_scope_lists_the_scopes() {
    let error = DOGS
        .build(&json!({"type": "samoyedddd.PedigreeSamoyed"}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "samoyedddd.PedigreeSamoyed is not in the test_get::dogs registry: no registry in its \
         tree has the scope \"samoyedddd\"\
         \n  the scopes are: hound, little_hound, little_samoyed, mid_hound, samoyed, test_get\
         \n  did you mean `samoyed.PedigreeSamoyed`?"
    );
}

/// Found by the `get` fuzz target: the suggestion was spliced at the length of the unknown
/// scope from the start of the key, which is wrong (and a panic inside a multi-byte
/// character) when a known scope comes first.
#[test]
fn unknown_scope_after_a_known_one_is_suggested_in_place() {
    let error = DOGS
        .build(&json!({"type": "hound.litle_hound.Dachshund"}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "hound.litle_hound.Dachshund is not in the test_get::dogs registry: no registry in its \
         tree has the scope \"litle_hound\"\
         \n  the scopes are: hound, little_hound, little_samoyed, mid_hound, samoyed, test_get\
         \n  did you mean `hound.little_hound.Dachshund`?"
    );
    // The fuzzer's input: a multi-byte character right after the known scope.
    let error = DOGS
        .build(&json!({"type": "hound.\u{fffd}twin.X"}))
        .err()
        .unwrap();
    assert!(matches!(
        &error,
        BuildError::UnknownScope(details)
            if details.scope == "\u{fffd}twin" && details.suggestion.is_none()
    ));
}

#[test]
fn scope_in_two_subtrees_is_ambiguous() {
    // DIFFERENCE FROM MMENGINE: FISH.get('cat.Tabby') finds HOUSE_CATS' Tabby there (the
    // root's direct child wins silently); here the scope names two registries, so get finds
    // nothing and build says which two.
    assert_eq!(found(&FISH, "cat.Tabby"), None);
    assert_eq!(found(&FISH, "cat.Tabby2"), None);
    assert_eq!(found(&WILD_CATS, "pet.bird.cat.Tabby2"), None);
    let ambiguous = "scope \"cat\" is ambiguous in the registry tree of pet::pets: it is the \
                     scope of both cat::wild cats and cat::house cats; give one of them another \
                     scope";
    let error = FISH.build(&json!({"type": "cat.Tabby"})).err().unwrap();
    assert_eq!(error.to_string(), ambiguous);
    assert!(matches!(
        &error,
        BuildError::AmbiguousScope { scope, root, first, second }
            if scope == "cat"
                && root == "pet::pets"
                && first == "cat::wild cats"
                && second == "cat::house cats"
    ));
    // `_scope_` naming the ambiguous scope is the same error.
    let error = FISH
        .build(&json!({"type": "Tabby", "_scope_": "cat"}))
        .err()
        .unwrap();
    assert_eq!(error.to_string(), ambiguous);
    // The failed switch left no scope behind.
    assert!(DefaultScope::get_current_instance().is_none());
    // A default scope naming it makes every build of that tree fail the same way.
    let _guard = DefaultScope::overwrite_default_scope(Some("cat"));
    let error = PETS.build(&json!({"type": "Tabby"})).err().unwrap();
    assert_eq!(error.to_string(), ambiguous);
    assert!(PETS.switch_scope_and_registry(None).is_err());
}

#[test]
fn scope_of_a_direct_child_is_not_ambiguous() {
    // A direct child's scope is MMEngine's `children[scope]` branch: it names one registry
    // relative to the caller, even though another subtree reuses the scope.
    assert_found!(PETS, "cat.Tabby", "Tabby");
    assert_found!(BIRDS, "cat.Tabby2", "Tabby2");
    assert_found!(PETS, "bird.cat.Tabby2", "Tabby2");
    // Bare names are unaffected.
    assert_found!(WILD_CATS, "Tabby2", "Tabby2");
    assert_found!(HOUSE_CATS, "Tabby", "Tabby");
}

#[test]
fn two_children_with_one_scope_are_ambiguous() {
    // MMEngine refuses to construct the second child ("scope twin exists in zoo registry");
    // here both exist and any lookup through that scope is an error naming both.
    assert_eq!(ZOO.children().len(), 2);
    assert_eq!(found(&ZOO, "twin.Twin"), None);
    assert_eq!(found(&TWIN_B, "twin.Twin"), None);
    assert_found!(TWIN_A, "Twin", "Twin");
    let error = ZOO.build(&json!({"type": "twin.Twin"})).err().unwrap();
    assert_eq!(
        error.to_string(),
        "scope \"twin\" is ambiguous in the registry tree of zoo::zoo: it is the scope of both \
         twin::twin a and twin::twin b; give one of them another scope"
    );
}
