//! The rules the attribute and item must follow, each broken rule a spanned error on the
//! user's tokens that says the fix.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

use crate::ast::{self, Item};
use crate::attr::Args;
use crate::fallback::Errors;

/// Config keys that steer the build and never reach a builder (registry-core's
/// `RESERVED_KEYS`), with what they do.
const RESERVED_KEYS: [(&str, &str); 2] = [
    ("type", "names the module to build"),
    ("_scope_", "sets the default scope of the build"),
];

/// Checks the arguments, and the item when it is one the attribute supports.
pub(crate) fn check(args: &Args, item: Option<&Item>, errors: &mut Errors) {
    check_names(args, errors);
    check_scope(args, errors);
    check_kind_flags(args, item, errors);
    match item {
        Some(Item::Struct(item)) if !item.generics.params.is_empty() => errors.push(
            &item.generics,
            format_args!(
                "a generic struct cannot be registered: a config cannot choose its generic \
                 parameters; register a non-generic function that returns a concrete `{}<...>` \
                 instead",
                item.ident.unraw()
            ),
        ),
        Some(Item::Function(item)) => check_function(item, errors),
        Some(Item::Struct(_)) | None => {}
    }
}

/// `constructor` belongs on a function and names one entry; `managed` belongs on a struct.
fn check_kind_flags(args: &Args, item: Option<&Item>, errors: &mut Errors) {
    if let Some(constructor) = &args.constructor {
        let value = constructor.value();
        if !matches!(item, Some(Item::Function(_)) | None) {
            errors.push(
                constructor,
                "`constructor` goes on a function: register a function that builds the struct \
                 the alternate way, with `name` set to the struct's registered name",
            );
        } else if args.names.as_ref().is_none_or(|names| names.len() != 1) {
            errors.push(
                constructor,
                "an alternate constructor needs `name` = the registered name of the module it \
                 builds, e.g. `name = \"StepLR\", constructor = \"build_iter_from_epoch\"`",
            );
        }
        if value.is_empty() || !value.chars().all(|c| c.is_alphanumeric() || c == '_') {
            errors.push(
                constructor,
                "a constructor name must be a non-empty identifier, e.g. `build_iter_from_epoch`",
            );
        }
    }
    if let Some(span) = args.managed {
        if matches!(item, Some(Item::Function(_))) {
            errors.add(syn::Error::new(
                span,
                "`managed` goes on a struct that implements `registry_core::Managed`: a \
                 function's result cannot be shared by name",
            ));
        }
        if args.constructor.is_some() {
            errors.add(syn::Error::new(
                span,
                "`managed` and `constructor` cannot be combined",
            ));
        }
    }
}

fn check_names(args: &Args, errors: &mut Errors) {
    let Some(names) = &args.names else {
        return;
    };
    for (index, name) in names.iter().enumerate() {
        let value = name.value();
        if value.is_empty() {
            errors.push(
                name,
                "a registered name must not be empty: give the name configs use in `type`, or \
                 leave `name` out to use the item's own name",
            );
        } else if value.contains('.') {
            errors.push(name, dotted_name(&value));
        } else if names[..index]
            .iter()
            .any(|earlier| earlier.value() == value)
        {
            errors.push(name, format_args!("`{value}` is listed twice; remove one"));
        }
    }
}

fn dotted_name(value: &str) -> String {
    let problem = "a registered name must not contain `.`: lookups read `a.b` as name `b` in \
                   scope `a`, so this name could never be found";
    match value.split_once('.') {
        Some((scope, name)) if !scope.is_empty() && !name.is_empty() && !name.contains('.') => {
            format!(
                "{problem}; to register `{name}` in scope `{scope}`, write \
                 `scope = \"{scope}\", name = \"{name}\"`"
            )
        }
        _ => format!("{problem}; remove the `.`"),
    }
}

fn check_scope(args: &Args, errors: &mut Errors) {
    let Some(scope) = &args.scope else {
        return;
    };
    let value = scope.value();
    if value.is_empty() {
        errors.push(
            scope,
            "scope must not be empty: name a scope, e.g. `scope = \"mmalpha\"`, or leave \
             `scope` out to register in the registry itself",
        );
    } else if value.contains('.') {
        errors.push(
            scope,
            "scope must not contain `.`: lookups read `a.b` as name `b` in scope `a`; give a \
             single scope name, e.g. `scope = \"mmalpha\"`",
        );
    }
}

fn check_function(item: &syn::ItemFn, errors: &mut Errors) {
    let sig = &item.sig;
    if !sig.generics.params.is_empty() {
        errors.push(
            &sig.generics,
            "a generic function cannot be registered: a config cannot choose its generic \
             parameters; register a non-generic wrapper that calls it with concrete types",
        );
    }
    if let Some(asyncness) = &sig.asyncness {
        errors.push(
            asyncness,
            "an async function cannot be registered: builds are synchronous; remove `async`, \
             or register a synchronous function that blocks on it",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(
            unsafety,
            "an unsafe function cannot be registered: a config could call it without upholding \
             its safety contract; register a safe wrapper that does",
        );
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(
                receiver,
                "a registered function cannot take `self`: register a free function, outside \
                 any impl block, whose parameters are the config's keys",
            ),
            FnArg::Typed(arg) => {
                if !matches!(&*arg.pat, Pat::Ident(ident) if ident.subpat.is_none() && ident.by_ref.is_none())
                {
                    errors.push(
                        &arg.pat,
                        "a parameter must be a plain identifier, its name being the config key \
                         it is read from: write `name: Type` and destructure in the body",
                    );
                }
                check_param_type(&arg.ty, errors);
                check_self_type(&arg.ty, errors);
            }
        }
    }
    for (ident, _) in ast::params(item) {
        let name = ident.unraw().to_string();
        if let Some((key, role)) = RESERVED_KEYS.iter().find(|(key, _)| *key == name) {
            errors.push(
                ident,
                format_args!(
                    "a parameter cannot be named `{key}`: the config's `{key}` key {role} and \
                     is never passed on; rename the parameter"
                ),
            );
        }
    }
    match &sig.output {
        ReturnType::Type(_, ty) => check_self_type(ty, errors),
        ReturnType::Default => errors.push(
            sig,
            "a registered function must return what it builds: add `-> T` where `T` \
             implements the registry's trait, or `-> Box<T>`, or a `Result` of either",
        ),
    }
}

/// A parameter is deserialized from the config, so it must be an owned, concrete type.
fn check_param_type(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::ImplTrait(_) => errors.push(
            ty,
            "an `impl Trait` parameter cannot be built from a config: take a concrete type \
             that implements `Deserialize`",
        ),
        Type::Reference(_) => errors.push(
            ty,
            "a reference parameter cannot be built from a config: take an owned type (`String` \
             for `&str`, `Vec<T>` for `&[T]`)",
        ),
        Type::Array(array) => check_param_type(&array.elem, errors),
        Type::Slice(slice) => check_param_type(&slice.elem, errors),
        Type::Group(group) => check_param_type(&group.elem, errors),
        Type::Paren(paren) => check_param_type(&paren.elem, errors),
        Type::Tuple(tuple) => {
            for elem in &tuple.elems {
                check_param_type(elem, errors);
            }
        }
        Type::Path(path) => {
            for segment in &path.path.segments {
                let PathArguments::AngleBracketed(args) = &segment.arguments else {
                    continue;
                };
                for arg in &args.args {
                    match arg {
                        GenericArgument::Type(ty) => check_param_type(ty, errors),
                        GenericArgument::Lifetime(lifetime) if lifetime.ident != "static" => {
                            errors.push(
                                lifetime,
                                "a parameter cannot borrow: it is built from a config that \
                                 does not outlive the build; take an owned type (or \
                                 `'static`)",
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}

/// `Self` means the function is in an impl block, where the registration cannot be put.
fn check_self_type(ty: &Type, errors: &mut Errors) {
    fn walk(tokens: TokenStream, errors: &mut Errors) {
        for token in tokens {
            match token {
                TokenTree::Ident(ident) if ident == "Self" => errors.push(
                    ident,
                    "a registered function must be a free function, outside any impl block: \
                     move it out and name the type instead of `Self`",
                ),
                TokenTree::Group(group) => walk(group.stream(), errors),
                _ => {}
            }
        }
    }
    walk(ty.to_token_stream(), errors);
}
