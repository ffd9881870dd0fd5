//! The generated registration: an `inventory` entry holding a typed builder.
//!
//! The builder is a non-capturing closure placed in a `Typed { registry: &REG, build }`, so
//! its return type `Result<Box<T>, _>` is inferred from the registry and `Box<Item>` coerces
//! to `Box<T>` right there. Each place a type error can arise is spanned on the user's token
//! it is about (`quote_spanned!`), and names a trait only as `<X as Trait>` so the error has
//! no notes pointing into this crate's internals:
//! - "`X: Deserialize` is not satisfied" on the struct's name or the parameter's type;
//! - "`X: Trait` is not satisfied" on the struct's name or the type the function builds;
//! - a function's error type that is not an error, on that type;
//! - a `registry` that is not a registry, on its path.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Path};

use crate::ast::{self, Item, Output};
use crate::attr::Args;

pub(crate) fn registration(registry: &Path, args: &Args, item: &Item) -> TokenStream {
    let ident = item.ident();
    let own_name = LitStr::new(&ident.unraw().to_string(), ident.span());
    let names = match &args.names {
        Some(names) => names.clone(),
        None => vec![own_name.clone()],
    };
    let (item_tokens, helpers, build) = match item {
        Item::Struct(item) => (
            item.to_token_stream(),
            TokenStream::new(),
            struct_builder(&item.ident, args.managed.is_some()),
        ),
        Item::Function(item) => {
            let (helpers, build) = function_builder(item);
            // Parameters must be owned (they are deserialized), so clippy's advice to borrow
            // one the body does not consume cannot be followed.
            let item = quote! {
                #[allow(clippy::needless_pass_by_value)]
                #item
            };
            (item, helpers, build)
        }
    };
    let scope = option(args.scope.as_ref());
    let force = args.force;
    let keyed = match item {
        Item::Struct(item) => {
            let ident = &item.ident;
            quote!(#ident)
        }
        Item::Function(_) => quote!(__Params),
    };
    let keys = quote!(::registry_core::__private::accepted_keys::<#keyed>);
    let constructor = option(args.constructor.as_ref());
    // "expected `&Registry<_>`, found `&i32`" lands on the path.
    let registry = quote_spanned!(registry.span()=> &#registry);
    // `line!()` spanned on the item's name gives the line of the name, not of the attribute.
    let line = quote_spanned!(ident.span()=> ::core::line!());
    quote! {
        #item_tokens

        #[doc(hidden)]
        const _: () = {
            #helpers
            ::registry_core::__private::inventory::submit! {
                ::registry_core::__private::Registration {
                    target: &::registry_core::__private::Typed {
                        registry: #registry,
                        build: #build,
                    },
                    names: &[#(#names),*],
                    scope: #scope,
                    force: #force,
                    constructor: #constructor,
                    keys: #keys,
                    type_name: ::core::concat!(::core::module_path!(), "::", #own_name),
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
                }
            }
        };
    }
}

fn deserialize_trait() -> TokenStream {
    quote!(::registry_core::__private::serde::Deserialize)
}

/// `Some(lit)` or `None`, as tokens.
fn option(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    }
}

/// Deserializes the struct from the arguments and boxes it; a `managed` one is built through
/// its instance manager (the config's `name` is the instance name; the shared `Arc` is what
/// the registry hands out).
fn struct_builder(ident: &Ident, managed: bool) -> TokenStream {
    let args = quote!(__args);
    let built = if managed {
        quote_spanned! {ident.span()=>
            ::registry_core::__private::build_managed::<#ident>(#args)?
        }
    } else {
        let deserialize = deserialize_trait();
        quote_spanned! {ident.span()=> <#ident as #deserialize<'_>>::deserialize(#args)?}
    };
    let boxed = quote_spanned! {ident.span()=> ::registry_core::__private::Box::new(#built)};
    quote! {
        |#args| ::core::result::Result::Ok(#boxed)
    }
}

/// Reads each parameter from the config key of its name (through a private `Deserialize`
/// struct, so `Option` parameters may be absent and unknown keys are errors), calls the
/// function, and adapts what it returns.
///
/// Each parameter's type is wrapped in a private newtype with a `Deserialize` impl of its
/// own, so a type that is not `Deserialize` is one error on that type (the derive alone
/// would report it three times, once on the attribute, with notes inside serde).
fn function_builder(item: &syn::ItemFn) -> (TokenStream, TokenStream) {
    let deserialize = deserialize_trait();
    let mut helpers = TokenStream::new();
    let mut fields = Vec::new();
    let mut values = Vec::new();
    for (index, (name, ty)) in ast::params(item).into_iter().enumerate() {
        let alias = format_ident!("__Type{}", index);
        let wrapper = format_ident!("__Param{}", index);
        let read = {
            let alias = format_ident!("__Type{}", index, span = ty.span());
            quote_spanned!(ty.span()=> <#alias as #deserialize<'de>>::deserialize)
        };
        helpers.extend(quote! {
            type #alias = #ty;
            struct #wrapper(#alias);
            #[automatically_derived]
            impl<'de> #deserialize<'de> for #wrapper {
                fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
                where
                    __D: ::registry_core::__private::serde::Deserializer<'de>,
                {
                    ::core::result::Result::map(#read(__deserializer), #wrapper)
                }
            }
        });
        let mut name = name.clone();
        name.set_span(Span::call_site());
        fields.push(quote!(#name: #wrapper));
        values.push(quote!(__params.#name.0));
    }
    helpers.extend(quote! {
        #[derive(#deserialize)]
        #[serde(crate = "::registry_core::__private::serde")]
        #[allow(non_snake_case)]
        struct __Params {
            #(#fields,)*
        }
    });
    let function = &item.sig.ident;
    let output = Output::of(&item.sig.output).unwrap_or(Output::Plain(Span::call_site()));
    let finish = adapt(&output);
    let build = quote! {
        |__args| {
            let __params = <__Params as #deserialize<'_>>::deserialize(__args)?;
            let __built = #function(#(#values),*);
            #finish
        }
    };
    (helpers, build)
}

/// Turns `__built` into `Ok(Box<T>)`. The expression a type error is about (the value
/// coerced to `Box<T>`, the error converted to a boxed error) is spanned on the user's type.
fn adapt(output: &Output) -> TokenStream {
    match output {
        Output::Plain(span) => quote_spanned! {*span=>
            ::core::result::Result::Ok(::registry_core::__private::Box::new(__built))
        },
        Output::Boxed(span) => quote_spanned! {*span=>
            ::core::result::Result::Ok(__built)
        },
        Output::Fallible(inner, span) => {
            let inner = adapt(inner);
            let failed = quote_spanned! {*span=>
                ::registry_core::__private::EntryError::Failed(::core::convert::Into::into(__error))
            };
            quote! {
                let __built = match __built {
                    ::core::result::Result::Ok(__built) => __built,
                    ::core::result::Result::Err(__error) => {
                        return ::core::result::Result::Err(#failed);
                    }
                };
                #inner
            }
        }
    }
}
