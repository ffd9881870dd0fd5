//! A typed model of the item under the attribute.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType, Type};

pub(crate) enum Item {
    Struct(syn::ItemStruct),
    Function(syn::ItemFn),
}

impl Item {
    /// The item, or an error on its kind and name when it is neither a struct nor a function.
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Item> {
        let (tokens, kind, fix) = match syn::parse2::<syn::Item>(tokens)? {
            syn::Item::Struct(item) => return Ok(Item::Struct(item)),
            syn::Item::Fn(item) => return Ok(Item::Function(item)),
            syn::Item::Enum(item) => (head(&item.enum_token, &item.ident), "an enum", RETURN_IT),
            syn::Item::Union(item) => (head(&item.union_token, &item.ident), "a union", RETURN_IT),
            syn::Item::Trait(item) => (
                head(&item.trait_token, &item.ident),
                "a trait",
                "register each struct that implements it",
            ),
            syn::Item::Impl(item) => {
                let mut tokens = item.impl_token.to_token_stream();
                item.self_ty.to_tokens(&mut tokens);
                (
                    tokens,
                    "an impl block",
                    "put the attribute on the struct itself, or on a free function",
                )
            }
            syn::Item::Const(item) => (head(&item.const_token, &item.ident), "a const", RETURN_IT),
            syn::Item::Static(item) => {
                (head(&item.static_token, &item.ident), "a static", RETURN_IT)
            }
            syn::Item::Type(item) => (
                head(&item.type_token, &item.ident),
                "a type alias",
                "put the attribute on the struct it names",
            ),
            syn::Item::Mod(item) => (
                head(&item.mod_token, &item.ident),
                "a module",
                "put the attribute on each struct or function in it",
            ),
            other => (
                other.to_token_stream(),
                "this kind of item",
                "put it on a struct or a function",
            ),
        };
        Err(syn::Error::new_spanned(
            tokens,
            format!(
                "#[register_module] cannot be applied to {kind}, only to a struct (built by \
                 deserializing the config) or a function (called with the config's keys as \
                 arguments): {fix}"
            ),
        ))
    }

    /// The item's name as written (maybe `r#...`).
    pub(crate) fn ident(&self) -> &Ident {
        match self {
            Item::Struct(item) => &item.ident,
            Item::Function(item) => &item.sig.ident,
        }
    }
}

const RETURN_IT: &str = "register a function that returns it";

/// `enum Name`: the tokens an error on the item's kind spans.
fn head(keyword: &impl ToTokens, ident: &Ident) -> TokenStream {
    let mut tokens = keyword.to_token_stream();
    ident.to_tokens(&mut tokens);
    tokens
}

/// A registered function's parameters that are a plain `name: Type` (the others are
/// reported by `valid`).
pub(crate) fn params(function: &syn::ItemFn) -> Vec<(&Ident, &Type)> {
    function
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(arg) => match &*arg.pat {
                Pat::Ident(pat) => Some((&pat.ident, &*arg.ty)),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

/// What a registered function returns, read from its signature, with the span of each part
/// a type error can be about.
pub(crate) enum Output {
    /// An implementor of the registry's trait: boxed by the generated code.
    Plain(Span),
    /// A `Box<...>`: passed on. The span is the boxed type's.
    Boxed(Span),
    /// A `Result<X, E>` whose `X` is one of the above; the span is `E`'s.
    Fallible(Box<Output>, Span),
}

impl Output {
    pub(crate) fn of(output: &ReturnType) -> Option<Output> {
        match output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some(Output::of_type(ty)),
        }
    }

    fn of_type(ty: &Type) -> Output {
        let Type::Path(path) = ty else {
            return Output::Plain(ty.span());
        };
        let Some(last) = path.path.segments.last() else {
            return Output::Plain(ty.span());
        };
        let mut args = match &last.arguments {
            PathArguments::AngleBracketed(args) => args
                .args
                .iter()
                .filter_map(|arg| match arg {
                    GenericArgument::Type(ty) => Some(ty),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
        .into_iter();
        if last.ident == "Box" {
            return Output::Boxed(args.next().map_or(ty.span(), Spanned::span));
        }
        if last.ident == "Result" {
            if let Some(ok) = args.next() {
                // `io::Result<T>`-style aliases name no error type: blame `Result`.
                let error = args.next().map_or(last.ident.span(), Spanned::span);
                return Output::Fallible(Box::new(Output::of_type(ok)), error);
            }
        }
        Output::Plain(ty.span())
    }
}
