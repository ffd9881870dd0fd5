//! Registering modules (MMEngine's `test_register_module`): the `#[register_module]`
//! attribute (default name, `name = "x"`, aliases, `force`, `scope`, functions) and the
//! runtime form `Registry::register_module(names, force, builder)`.

use std::any::Any;

use registry_core::{register_module, registry, BoxError, RegistrationError, Registry};
use serde::Deserialize;
use serde_json::json;

mod support;
use support::line_of;

const SOURCE: &str = include_str!("test_register.rs");

type Object = dyn Any + Send + Sync;

registry! {
    static CATS: Registry<Object> = Registry::new("cat");
    static KITTENS: Registry<Object> = Registry::new("kitten").with_parent(&CATS).with_scope("kitten");
    static TINY_KITTENS: Registry<Object> =
        Registry::new("tiny kitten").with_parent(&KITTENS).with_scope("tiny");
    // Each runtime test gets its own registry: tests run in parallel and registrations last.
    static RUNTIME_CATS: Registry<Object> = Registry::new("cat").with_scope("runtime");
    static ERROR_CATS: Registry<Object> = Registry::new("cat").with_scope("errors");
    static ATOMIC_CATS: Registry<Object> = Registry::new("cat").with_scope("atomic");
    static FORCED_CATS: Registry<Object> = Registry::new("cat").with_scope("forced");
    static NAME_FORMS: Registry<Object> = Registry::new("cat").with_scope("name_forms");
    static SORTED: Registry<Object> = Registry::new("sorted").with_scope("sorted");
    static ECHO_CATS: Registry<Object> = Registry::new("cat").with_scope("echo");
    static CONCURRENT: Registry<Object> = Registry::new("cat").with_scope("concurrent");
}

// ---- the attribute form -------------------------------------------------------------

/// Registered under its own name.
#[register_module(registry = CATS)]
#[derive(Deserialize)]
struct BritishShorthair {}

/// Registered under an explicit name.
#[register_module(registry = CATS, name = "Munchkin")]
#[derive(Deserialize)]
struct MunchkinCat {}

/// Registered under two names.
#[register_module(registry = CATS, name = ["Siamese", "Siamese2"])]
#[derive(Deserialize)]
struct SiameseCat {}

/// A name registered twice in CATS, once with `force = true`: the forced one wins.
#[register_module(registry = CATS, name = "Persian")]
#[derive(Deserialize)]
struct PlainPersian {}

#[register_module(registry = CATS, name = "Persian", force = true)]
#[derive(Deserialize)]
struct ForcedPersian {}

/// `scope = "kitten"` puts it in the declared child with that scope.
#[register_module(registry = CATS, scope = "kitten")]
#[derive(Deserialize)]
struct Ragdoll {}

/// `scope` naming the registry's own scope: the registry itself.
#[register_module(registry = CATS, scope = "test_register")]
#[derive(Deserialize)]
struct Abyssinian {}

/// `scope` naming a grandchild: found anywhere in the registry's subtree.
#[register_module(registry = CATS, scope = "tiny")]
#[derive(Deserialize)]
struct Singapura {}

/// A unit struct takes no arguments.
#[register_module(registry = CATS)]
#[derive(Deserialize)]
struct Sphynx;

/// `scope = "wildcat"`: no declared registry has it, so the core makes the child node.
#[register_module(registry = CATS, scope = "wildcat")]
#[derive(Deserialize)]
struct Lynx {}

#[register_module(registry = CATS, scope = "wildcat", name = "Ocelot")]
#[derive(Deserialize)]
struct OcelotCat {
    spots: u32,
}

/// A function with an `Option` parameter (MMEngine: `def meow(times=1)`).
#[register_module(registry = CATS)]
fn meow(times: Option<usize>) -> String {
    vec!["meow"; times.unwrap_or(1)].join(" ")
}

/// A function with a required and an optional parameter.
#[register_module(registry = CATS)]
fn purr(volume: u8, note: Option<String>) -> String {
    format!("purr {volume} {}", note.unwrap_or_default())
}

/// A function returning `Box<T>`.
#[register_module(registry = CATS)]
fn boxed_cat() -> Box<Object> {
    Box::new(BritishShorthair {})
}

/// A function returning `Result<T, E>`.
#[register_module(registry = CATS)]
fn fallible_cat(ok: bool) -> Result<MunchkinCat, String> {
    if ok {
        Ok(MunchkinCat {})
    } else {
        Err("this cat refuses to be built".to_owned())
    }
}

/// A function returning `Result<Box<T>, E>`.
#[register_module(registry = CATS)]
fn fallible_boxed_cat(ok: bool) -> Result<Box<Object>, std::io::Error> {
    if ok {
        Ok(Box::new(SiameseCat {}))
    } else {
        Err(std::io::Error::other("no box for this cat"))
    }
}

/// A function taking no arguments.
#[register_module(registry = CATS, name = ["nap", "Nap"])]
fn nap() -> u32 {
    16
}

fn is<C: Any>(built: &Object) -> bool {
    built.downcast_ref::<C>().is_some()
}

#[test]
fn attribute_registers_under_the_item_name() {
    let module = CATS.get("BritishShorthair").unwrap();
    assert_eq!(module.name(), "BritishShorthair");
    assert_eq!(module.type_name(), "test_register::BritishShorthair");
    assert_eq!(module.scope(), "test_register");
    assert_eq!(module.registry_name(), "cat");
    assert_eq!(module.module_path(), "test_register");
    assert_eq!(module.location().file, "tests/test_register.rs");
    assert_eq!(
        module.location().line,
        line_of(SOURCE, "struct BritishShorthair")
    );
    assert!(!module.is_forced());
    assert!(CATS.contains("BritishShorthair"));
    let built = CATS.build(&json!({"type": "BritishShorthair"})).unwrap();
    assert!(is::<BritishShorthair>(&*built));
}

#[test]
fn attribute_registers_under_an_explicit_name() {
    let module = CATS.get("Munchkin").unwrap();
    assert_eq!(module.type_name(), "test_register::MunchkinCat");
    assert!(CATS.get("MunchkinCat").is_none());
    assert!(CATS.contains("Munchkin"));
    assert!(!CATS.contains("MunchkinCat"));
    let built = CATS.build(&json!({"type": "Munchkin"})).unwrap();
    assert!(is::<MunchkinCat>(&*built));
}

#[test]
fn attribute_aliases_are_one_entry() {
    let first = CATS.get("Siamese").unwrap();
    let second = CATS.get("Siamese2").unwrap();
    assert!(first.same_entry(&second));
    assert_eq!(first.name(), "Siamese");
    assert_eq!(second.name(), "Siamese2");
    assert_eq!(second.type_name(), "test_register::SiameseCat");
    assert!(!first.same_entry(&CATS.get("Munchkin").unwrap()));
    assert!(CATS.get("SiameseCat").is_none());
    for name in ["Siamese", "Siamese2"] {
        let built = CATS.build(&json!({ "type": name })).unwrap();
        assert!(is::<SiameseCat>(&*built));
    }
}

#[test]
fn attribute_force_wins_over_an_unforced_registration() {
    let module = CATS.get("Persian").unwrap();
    assert_eq!(module.type_name(), "test_register::ForcedPersian");
    assert!(module.is_forced());
    assert_eq!(
        module.location().line,
        line_of(SOURCE, "struct ForcedPersian")
    );
    let built = CATS.build(&json!({"type": "Persian"})).unwrap();
    assert!(is::<ForcedPersian>(&*built));
    assert!(!is::<PlainPersian>(&*built));
}

#[test]
fn attribute_counts_aliases_separately() {
    // BritishShorthair, Munchkin, Siamese, Siamese2, Persian, Abyssinian, Sphynx, meow, purr,
    // boxed_cat, fallible_cat, fallible_boxed_cat, nap, Nap. Children's entries are not
    // counted.
    assert_eq!(CATS.len(), 14);
    let names: Vec<&str> = CATS.module_dict().into_keys().collect();
    assert_eq!(
        names,
        [
            "Abyssinian",
            "BritishShorthair",
            "Munchkin",
            "Nap",
            "Persian",
            "Siamese",
            "Siamese2",
            "Sphynx",
            "boxed_cat",
            "fallible_boxed_cat",
            "fallible_cat",
            "meow",
            "nap",
            "purr",
        ]
    );
}

#[test]
fn attribute_scope_goes_to_the_declared_child() {
    assert_eq!(KITTENS.len(), 1);
    let module = KITTENS.get("Ragdoll").unwrap();
    assert_eq!(module.scope(), "kitten");
    assert_eq!(module.registry_name(), "kitten");
    assert!(CATS.get("Ragdoll").is_none());
    assert!(CATS.get("kitten.Ragdoll").unwrap().same_entry(&module));
    let built = CATS.build(&json!({"type": "kitten.Ragdoll"})).unwrap();
    assert!(is::<Ragdoll>(&*built));
}

#[test]
fn attribute_scope_of_the_registry_itself() {
    let module = CATS.get("Abyssinian").unwrap();
    assert_eq!(module.scope(), "test_register");
    assert_eq!(module.registry_name(), "cat");
}

#[test]
fn attribute_scope_goes_to_a_descendant() {
    assert_eq!(TINY_KITTENS.len(), 1);
    let module = TINY_KITTENS.get("Singapura").unwrap();
    assert_eq!(module.scope(), "tiny");
    assert!(CATS.get("Singapura").is_none());
    assert!(KITTENS.get("Singapura").is_none());
    assert!(CATS
        .get("kitten.tiny.Singapura")
        .unwrap()
        .same_entry(&module));
    // No node was made for it: the declared one was used.
    assert_eq!(KITTENS.children().len(), 1);
    assert!(std::ptr::eq(KITTENS.children()[0], &TINY_KITTENS));
}

#[test]
fn attribute_unit_struct() {
    let built = CATS.build(&json!({"type": "Sphynx"})).unwrap();
    assert!(is::<Sphynx>(&*built));
    let error = CATS
        .build(&json!({"type": "Sphynx", "hair": 0}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `Sphynx` from the test_register::cat registry: unknown field `hair`, \
         there are no fields"
    );
}

#[test]
fn attribute_scope_without_a_declared_registry_makes_the_child() {
    let scopes: Vec<&str> = CATS.children().iter().map(|c| c.scope()).collect();
    assert_eq!(scopes, ["kitten", "wildcat"]);
    let wildcat = CATS.search_child("wildcat").unwrap();
    assert!(std::ptr::eq(wildcat, CATS.children()[1]));
    // The made node has the parent's name and the attribute's scope.
    assert_eq!(wildcat.name(), "cat");
    assert_eq!(wildcat.scope(), "wildcat");
    assert!(std::ptr::eq(wildcat.parent().unwrap(), &CATS));
    assert!(std::ptr::eq(wildcat.root(), &CATS));
    assert_eq!(wildcat.len(), 2);
    assert_eq!(wildcat.static_name(), None);
    // Both attributes with that scope went to the same node.
    let names: Vec<&str> = wildcat.module_dict().into_keys().collect();
    assert_eq!(names, ["Lynx", "Ocelot"]);
    assert!(CATS.get("Lynx").is_none());
    assert_eq!(CATS.get("wildcat.Lynx").unwrap().scope(), "wildcat");
    // Misses there walk up to CATS like any child.
    assert_eq!(
        wildcat.get("BritishShorthair").unwrap().scope(),
        "test_register"
    );
    let built = CATS
        .build(&json!({"type": "wildcat.Ocelot", "spots": 12}))
        .unwrap();
    assert_eq!(built.downcast_ref::<OcelotCat>().unwrap().spots, 12);
}

#[test]
fn attribute_function_with_option_parameter() {
    let built = CATS.build(&json!({"type": "meow"})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "meow");
    let built = CATS.build(&json!({"type": "meow", "times": 3})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "meow meow meow");
    let built = CATS.build(&json!({"type": "meow", "times": null})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "meow");
    assert_eq!(CATS.get("meow").unwrap().type_name(), "test_register::meow");
}

#[test]
fn attribute_function_required_parameter() {
    let built = CATS
        .build(&json!({"type": "purr", "volume": 3, "note": "la"}))
        .unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "purr 3 la");
    let built = CATS.build(&json!({"type": "purr", "volume": 1})).unwrap();
    assert_eq!(built.downcast_ref::<String>().unwrap(), "purr 1 ");
    let error = CATS.build(&json!({"type": "purr"})).err().unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `purr` from the test_register::cat registry: missing field `volume`"
    );
    let error = CATS
        .build(&json!({"type": "purr", "volume": 1, "pitch": 2}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `purr` from the test_register::cat registry: unknown field `pitch`, \
         expected `volume` or `note`"
    );
}

#[test]
fn attribute_function_returning_box() {
    let built = CATS.build(&json!({"type": "boxed_cat"})).unwrap();
    assert!(is::<BritishShorthair>(&*built));
}

#[test]
fn attribute_function_returning_result() {
    let built = CATS
        .build(&json!({"type": "fallible_cat", "ok": true}))
        .unwrap();
    assert!(is::<MunchkinCat>(&*built));
    let error = CATS
        .build(&json!({"type": "fallible_cat", "ok": false}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `fallible_cat` from the test_register::cat registry: this cat refuses \
         to be built"
    );
}

#[test]
fn attribute_function_returning_result_of_box() {
    let built = CATS
        .build(&json!({"type": "fallible_boxed_cat", "ok": true}))
        .unwrap();
    assert!(is::<SiameseCat>(&*built));
    let error = CATS
        .build(&json!({"type": "fallible_boxed_cat", "ok": false}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `fallible_boxed_cat` from the test_register::cat registry: no box for \
         this cat"
    );
}

#[test]
fn attribute_function_without_parameters_and_aliases() {
    let built = CATS.build(&json!({"type": "Nap"})).unwrap();
    assert_eq!(*built.downcast_ref::<u32>().unwrap(), 16);
    assert!(CATS
        .get("nap")
        .unwrap()
        .same_entry(&CATS.get("Nap").unwrap()));
    let error = CATS
        .build(&json!({"type": "nap", "hours": 2}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `nap` from the test_register::cat registry: unknown field `hours`, \
         there are no fields"
    );
}

// ---- the runtime form ---------------------------------------------------------------

struct RuntimeSphynx(u32);

fn sphynx(_: &serde_json::Value) -> Result<Box<Object>, BoxError> {
    Ok(Box::new(RuntimeSphynx(1)))
}

/// MMEngine's test_register_module, step by step, with closures for classes.
#[test]
fn runtime_registration_follows_mmengine() {
    let reg = &RUNTIME_CATS;
    assert_eq!(reg.len(), 0);

    reg.register_module("muchkin", false, |_| Ok(Box::new("muchkin")))
        .unwrap();
    assert!(reg.get("muchkin").is_some());
    assert!(reg.contains("muchkin"));
    assert_eq!(reg.len(), 1);

    reg.register_module("BritishShorthair", false, |_| {
        Ok(Box::new(BritishShorthair {}))
    })
    .unwrap();
    assert_eq!(reg.len(), 2);

    reg.register_module("Munchkin", false, |_| Ok(Box::new(MunchkinCat {})))
        .unwrap();
    assert_eq!(reg.len(), 3);
    assert!(reg.contains("Munchkin"));

    reg.register_module(["Siamese", "Siamese2"], false, |_| {
        Ok(Box::new(SiameseCat {}))
    })
    .unwrap();
    let siamese = reg.get("Siamese").unwrap();
    assert!(siamese.same_entry(&reg.get("Siamese2").unwrap()));
    assert_eq!(reg.len(), 5);

    // force = false: a duplicate is refused with MMEngine's wording, and where the existing
    // entry comes from.
    let existing = reg.get("BritishShorthair").unwrap();
    assert_eq!(existing.location().file, "tests/test_register.rs");
    assert_eq!(
        existing.location().line,
        line_of(
            SOURCE,
            "reg.register_module(\"BritishShorthair\", false, |_| {"
        )
    );
    assert!(existing
        .type_name()
        .starts_with("test_register::runtime_registration_follows_mmengine::{{closure}}"));
    let error = reg
        .register_module("BritishShorthair", false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "BritishShorthair is already registered in cat at {} ({})",
            existing.type_name(),
            existing.location()
        )
    );
    assert!(matches!(
        &error,
        RegistrationError::AlreadyRegistered { name, registry, existing: origin }
            if name == "BritishShorthair"
                && registry == "cat"
                && origin.file == "tests/test_register.rs"
                && origin.line == existing.location().line
    ));
    assert_eq!(reg.len(), 5);
    assert!(reg.get("BritishShorthair").unwrap().same_entry(&existing));

    // force = true overwrites.
    reg.register_module("BritishShorthair", true, |_| Ok(Box::new(7_u8)))
        .unwrap();
    assert_eq!(reg.len(), 5);
    let replaced = reg.get("BritishShorthair").unwrap();
    assert!(!replaced.same_entry(&existing));
    assert!(replaced.is_forced());
    let built = reg.build(&json!({"type": "BritishShorthair"})).unwrap();
    assert_eq!(*built.downcast_ref::<u8>().unwrap(), 7);

    // A plain function registered under one name, another name, then two more.
    reg.register_module("SphynxCat", false, sphynx).unwrap();
    assert_eq!(reg.len(), 6);
    reg.register_module("Sphynx1", false, sphynx).unwrap();
    assert_eq!(reg.len(), 7);
    reg.register_module(["Sphynx2", "Sphynx3"], false, sphynx)
        .unwrap();
    assert_eq!(reg.len(), 9);
    assert!(reg
        .get("Sphynx2")
        .unwrap()
        .same_entry(&reg.get("Sphynx3").unwrap()));
    let built = reg.build(&json!({"type": "Sphynx3"})).unwrap();
    assert_eq!(built.downcast_ref::<RuntimeSphynx>().unwrap().0, 1);
}

#[test]
fn runtime_duplicate_of_a_static_entry_names_its_source() {
    // CATS holds the attribute-registered BritishShorthair.
    let line = line_of(SOURCE, "struct BritishShorthair");
    let error = CATS
        .register_module("BritishShorthair", false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "BritishShorthair is already registered in cat at test_register::BritishShorthair \
             (tests/test_register.rs:{line})"
        )
    );
    assert_eq!(
        CATS.get("BritishShorthair").unwrap().type_name(),
        "test_register::BritishShorthair"
    );
}

#[test]
fn runtime_name_errors() {
    let reg = &ERROR_CATS;
    let before = reg.len();

    let error = reg
        .register_module("", false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(error, RegistrationError::EmptyName);
    assert_eq!(error.to_string(), "a registered name must not be empty");

    let error = reg
        .register_module("errors.Tabby", false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "registered name \"errors.Tabby\" contains a `.`, which `get` reads as a scope \
         separator, so it could never be found; use another name"
    );

    let error = reg
        .register_module(Vec::<String>::new(), false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(error, RegistrationError::NoNames);
    assert_eq!(
        error.to_string(),
        "name must be a non-empty string or a non-empty sequence of str, but got no names"
    );

    let error = reg
        .register_module(["Tabby", "Tabby"], false, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Tabby appears twice in the names given to register_module"
    );

    // `force` does not excuse a bad name.
    let error = reg
        .register_module("", true, |_| Ok(Box::new(0_u8)))
        .unwrap_err();
    assert_eq!(error, RegistrationError::EmptyName);

    assert_eq!(reg.len(), before);
    assert!(!reg.contains("Tabby"));
    assert!(reg.get("errors.Tabby").is_none());
}

#[test]
fn runtime_registration_is_all_or_nothing() {
    let reg = &ATOMIC_CATS;
    reg.register_module("taken", false, |_| Ok(Box::new(1_u8)))
        .unwrap();
    let taken = reg.get("taken").unwrap();
    assert_eq!(reg.len(), 1);

    // The second name is a duplicate: the first is not registered either (MMEngine keeps it).
    let error = reg
        .register_module(["fresh", "taken"], false, |_| Ok(Box::new(2_u8)))
        .unwrap_err();
    assert!(error
        .to_string()
        .starts_with("taken is already registered in cat at "));
    assert!(!reg.contains("fresh"));
    assert_eq!(reg.len(), 1);
    assert!(reg.get("taken").unwrap().same_entry(&taken));

    // A bad name after a good one.
    let error = reg
        .register_module(["good", "bad.name"], false, |_| Ok(Box::new(3_u8)))
        .unwrap_err();
    assert_eq!(
        error,
        RegistrationError::DottedName {
            name: "bad.name".to_owned()
        }
    );
    assert!(!reg.contains("good"));

    // An empty name after a good one.
    let error = reg
        .register_module(["good", ""], false, |_| Ok(Box::new(3_u8)))
        .unwrap_err();
    assert_eq!(error, RegistrationError::EmptyName);
    assert!(!reg.contains("good"));

    // A repeated name after a good one (MMEngine inserts the first copy, then fails).
    let error = reg
        .register_module(["good", "twice", "twice"], false, |_| Ok(Box::new(3_u8)))
        .unwrap_err();
    assert_eq!(
        error,
        RegistrationError::RepeatedName {
            name: "twice".to_owned()
        }
    );
    assert!(!reg.contains("good"));
    assert!(!reg.contains("twice"));
    assert_eq!(reg.len(), 1);

    // With force, the same list replaces `taken` and adds `fresh`, as one entry.
    reg.register_module(["fresh", "taken"], true, |_| Ok(Box::new(4_u8)))
        .unwrap();
    assert_eq!(reg.len(), 2);
    assert!(reg
        .get("fresh")
        .unwrap()
        .same_entry(&reg.get("taken").unwrap()));
    let built = reg.build(&json!({"type": "taken"})).unwrap();
    assert_eq!(*built.downcast_ref::<u8>().unwrap(), 4);
}

#[test]
fn runtime_force_overwrites_and_builds_the_new_one() {
    let reg = &FORCED_CATS;
    reg.register_module("cat", false, |_| Ok(Box::new("old")))
        .unwrap();
    reg.register_module("cat", true, |_| Ok(Box::new("new")))
        .unwrap();
    assert_eq!(reg.len(), 1);
    let built = reg.build(&json!({"type": "cat"})).unwrap();
    assert_eq!(*built.downcast_ref::<&str>().unwrap(), "new");
    // force on a fresh name simply registers it.
    reg.register_module("other", true, |_| Ok(Box::new("other")))
        .unwrap();
    assert_eq!(reg.len(), 2);
}

#[test]
fn runtime_names_in_every_form() {
    let reg = &NAME_FORMS;
    reg.register_module("a", false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    reg.register_module(String::from("b"), false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    reg.register_module(vec![String::from("c"), String::from("d")], false, |_| {
        Ok(Box::new(0_u8))
    })
    .unwrap();
    let names: &[&str] = &["e", "f"];
    reg.register_module(names, false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    reg.register_module(vec!["g"], false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    let keys: Vec<&str> = reg.module_dict().into_keys().collect();
    assert_eq!(keys, ["a", "b", "c", "d", "e", "f", "g"]);
    // Any non-empty, dot-free string is a name, spaces and all (as in MMEngine).
    reg.register_module("with space", false, |_| Ok(Box::new(0_u8)))
        .unwrap();
    assert!(reg.contains("with space"));
}

#[test]
fn runtime_builder_gets_the_arguments_and_its_error_is_reported() {
    let reg = &ECHO_CATS;
    reg.register_module("echo", false, |args| Ok(Box::new(args.clone())))
        .unwrap();
    let built = reg
        .build_with(
            &json!({"type": "echo", "_scope_": null, "a": 1}),
            &json!({"a": 5, "b": 2}),
        )
        .unwrap();
    assert_eq!(
        *built.downcast_ref::<serde_json::Value>().unwrap(),
        json!({"a": 1, "b": 2})
    );

    reg.register_module("grumpy", false, |args| {
        Err(format!("grumpy cat got {args}").into())
    })
    .unwrap();
    let error = reg
        .build(&json!({"type": "grumpy", "x": true}))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "failed to build `grumpy` from the echo::cat registry: grumpy cat got {\"x\":true}"
    );
}

#[test]
fn contains_follows_get() {
    // `key in reg` is `reg.get(key) is not None`: parents and scoped keys count.
    assert!(CATS.contains("meow"));
    assert!(KITTENS.contains("meow"));
    assert!(KITTENS.contains("Ragdoll"));
    assert!(KITTENS.contains("kitten.Ragdoll"));
    assert!(CATS.contains("kitten.Ragdoll"));
    assert!(!CATS.contains("Ragdoll"));
    assert!(!CATS.contains("Tiger"));
    assert!(!CATS.contains(""));
}

#[test]
fn module_dict_is_sorted_by_name() {
    let reg = &SORTED;
    for name in ["zeta", "Alpha", "beta", "_under", "Zulu", "alpha", "9lives"] {
        reg.register_module(name, false, |_| Ok(Box::new(0_u8)))
            .unwrap();
    }
    let dict = reg.module_dict();
    let names: Vec<&str> = dict.keys().copied().collect();
    // Codepoint order, as MMEngine's sorted table.
    assert_eq!(
        names,
        ["9lives", "Alpha", "Zulu", "_under", "alpha", "beta", "zeta"]
    );
    for (name, module) in &dict {
        assert_eq!(module.name(), *name);
        assert_eq!(module.scope(), "sorted");
        assert!(module.same_entry(&reg.get(name).unwrap()));
    }
    assert_eq!(reg.len(), 7);
}

#[test]
fn runtime_registration_while_other_threads_read() {
    let reg = &CONCURRENT;
    reg.register_module("base", false, |_| Ok(Box::new(0_u32)))
        .unwrap();
    let base = reg.get("base").unwrap();
    std::thread::scope(|s| {
        s.spawn(|| {
            for index in 0..500_u32 {
                reg.register_module(format!("n{index}"), false, move |_| Ok(Box::new(index)))
                    .unwrap();
            }
        });
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..2_000 {
                    assert!(reg.get("base").unwrap().same_entry(&base));
                    let built = reg.build(&json!({"type": "base"})).unwrap();
                    assert_eq!(*built.downcast_ref::<u32>().unwrap(), 0);
                }
            });
        }
    });
    assert_eq!(reg.len(), 501);
    let built = reg.build(&json!({"type": "n499"})).unwrap();
    assert_eq!(*built.downcast_ref::<u32>().unwrap(), 499);
}
