//! The rules the attribute and item must follow, each broken rule a spanned error that says
//! the fix. Every error found is reported at once.

use quote::ToTokens;
use syn::{FnArg, Pat, Type};

use crate::ast::{Item, Output};
use crate::attr::Args;

#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        let error = syn::Error::new_spanned(tokens, message);
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn check(args: &Args, item: &Item) -> syn::Result<()> {
    let mut errors = Errors::default();
    check_names(args, &mut errors);
    if let Some(scope) = &args.scope {
        let value = scope.value();
        if value.is_empty() {
            errors.push(scope, "scope must not be empty");
        } else if value.contains('.') {
            errors.push(
                scope,
                "scope must not contain `.`: a `.` separates a scope from a name in keys",
            );
        }
    }
    match item {
        Item::Struct(item) => {
            if !item.generics.params.is_empty() {
                errors.push(
                    &item.generics,
                    "a generic struct cannot be registered: a config cannot choose type \
                     parameters; register a function that returns a concrete instantiation, \
                     e.g. `fn make() -> MyStruct<f32>`",
                );
            }
        }
        Item::Function(item) => check_function(item, &mut errors),
        Item::Unsupported(tokens, kind) => errors.push(
            tokens,
            format!(
                "#[register_module] cannot be applied to {kind}: register a struct (built by \
                 deserializing the config) or a function (called with the config's keys as \
                 arguments)"
            ),
        ),
    }
    errors.finish()
}

fn check_names(args: &Args, errors: &mut Errors) {
    let Some(names) = &args.names else {
        return;
    };
    if names.is_empty() {
        errors.push(
            &args.registry,
            "name = [] registers nothing: give at least one name",
        );
    }
    for (index, name) in names.iter().enumerate() {
        let value = name.value();
        if value.is_empty() {
            errors.push(name, "a registered name must not be empty");
        } else if value.contains('.') {
            errors.push(
                name,
                "a registered name must not contain `.`: `get` reads `a.b` as scope `a`, name `b`, \
                 so this name could never be found",
            );
        } else if names[..index]
            .iter()
            .any(|earlier| earlier.value() == value)
        {
            errors.push(name, "this name is given twice; remove one");
        }
    }
}

fn check_function(item: &syn::ItemFn, errors: &mut Errors) {
    let sig = &item.sig;
    if !sig.generics.params.is_empty() {
        errors.push(
            &sig.generics,
            "a generic function cannot be registered: a config cannot choose type parameters; \
             register a non-generic wrapper that calls it with concrete types",
        );
    }
    if let Some(asyncness) = &sig.asyncness {
        errors.push(
            asyncness,
            "an async function cannot be registered: builds are synchronous",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push(
            unsafety,
            "an unsafe function cannot be registered: a config must not be able to call it",
        );
    }
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(
                receiver,
                "a registered function cannot take `self`: register a free function (or an \
                 associated function without `self`)",
            ),
            FnArg::Typed(arg) => {
                if !matches!(&*arg.pat, Pat::Ident(ident) if ident.subpat.is_none() && ident.by_ref.is_none())
                {
                    errors.push(
                        &arg.pat,
                        "use a plain identifier: a parameter's name is the config key it is read from",
                    );
                }
                check_param_type(&arg.ty, errors);
            }
        }
    }
    if Output::of(&sig.output).is_none() {
        errors.push(
            sig,
            "a registered function must return what it builds: an implementor of the registry's \
             trait, a `Box` of it, or a `Result` of either",
        );
    }
}

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
        _ => {}
    }
}
