//! The generated registration: an `inventory` entry holding a typed builder.
//!
//! The builder is a non-capturing closure placed in a `Typed { registry: &REG, build }`, so
//! its return type `Result<Box<T>, _>` is inferred from the registry and `Box<Item>` coerces
//! to `Box<T>` right there. The coercion is spanned on the user's struct name or return type,
//! so "the trait bound `X: Trait` is not satisfied" points at the user's code.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, LitStr, Pat};

use crate::ast::{Item, Output};
use crate::attr::Args;

pub(crate) fn registration(args: &Args, item: &Item) -> TokenStream {
    let (item_tokens, ident, build, params) = match item {
        Item::Struct(item) => (
            quote!(#item),
            &item.ident,
            struct_builder(&item.ident),
            None,
        ),
        Item::Function(item) => {
            let (build, params) = function_builder(item);
            (quote!(#item), &item.sig.ident, build, Some(params))
        }
        Item::Unsupported(..) => unreachable!("rejected by valid::check"),
    };
    let registry = &args.registry;
    let names: Vec<LitStr> = match &args.names {
        Some(names) => names.clone(),
        None => vec![LitStr::new(
            &item.default_name().unwrap_or_default(),
            ident.span(),
        )],
    };
    let scope = match &args.scope {
        Some(scope) => quote!(::core::option::Option::Some(#scope)),
        None => quote!(::core::option::Option::None),
    };
    let force = args.force;
    let type_name = LitStr::new(&item.default_name().unwrap_or_default(), ident.span());
    // `line!()` spanned on the item's name gives the line of the name, not of the attribute.
    let line = quote_spanned!(ident.span()=> ::core::line!());
    quote! {
        #item_tokens

        #[doc(hidden)]
        const _: () = {
            #params
            ::registry_core::__private::inventory::submit! {
                ::registry_core::__private::Registration {
                    target: &::registry_core::__private::Typed {
                        registry: &#registry,
                        build: #build,
                    },
                    names: &[#(#names),*],
                    scope: #scope,
                    force: #force,
                    type_name: ::core::concat!(::core::module_path!(), "::", #type_name),
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
                }
            }
        };
    }
}

/// Deserializes the struct from the arguments and boxes it.
fn struct_builder(ident: &Ident) -> TokenStream {
    let boxed = quote_spanned! {ident.span()=>
        ::registry_core::__private::Box::new(
            ::registry_core::__private::Args::deserialize::<#ident>(__args)?
        )
    };
    quote! {
        |__args| ::core::result::Result::Ok(#boxed)
    }
}

/// Reads each parameter from the config key of its name (through a private `Deserialize`
/// struct, so `Option` parameters may be absent and unknown keys are errors), calls the
/// function, and adapts what it returns.
fn function_builder(item: &syn::ItemFn) -> (TokenStream, TokenStream) {
    let function = &item.sig.ident;
    let (names, types): (Vec<Ident>, Vec<&syn::Type>) = item
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(arg) => match &*arg.pat {
                Pat::Ident(pat) => Some((
                    Ident::new(&pat.ident.to_string(), pat.ident.span()),
                    &*arg.ty,
                )),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .unzip();
    let params = quote! {
        #[derive(::registry_core::__private::serde::Deserialize)]
        #[serde(crate = "::registry_core::__private::serde")]
        struct __Params {
            #(#names: #types,)*
        }
    };
    let output_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => Span::call_site(),
    };
    let output = Output::of(&item.sig.output).unwrap_or(Output::Plain);
    let finish = adapt(&output, output_span);
    let build = quote! {
        |__args| {
            let __Params { #(#names,)* } =
                ::registry_core::__private::Args::deserialize::<__Params>(__args)?;
            let __built = #function(#(#names),*);
            #finish
        }
    };
    (build, params)
}

/// Turns `__built` into `Ok(Box<T>)`.
fn adapt(output: &Output, span: Span) -> TokenStream {
    match output {
        Output::Plain => quote_spanned! {span=>
            ::core::result::Result::Ok(::registry_core::__private::Box::new(__built))
        },
        Output::Boxed => quote_spanned! {span=>
            ::core::result::Result::Ok(__built)
        },
        Output::Fallible(inner) => {
            let inner = adapt(inner, span);
            quote_spanned! {span=>
                {
                    let __built = __built.map_err(::registry_core::__private::EntryError::failed)?;
                    #inner
                }
            }
        }
    }
}
