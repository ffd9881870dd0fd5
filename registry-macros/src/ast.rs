//! A typed model of the item under the attribute.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{GenericArgument, Ident, PathArguments, ReturnType, Type};

pub(crate) enum Item {
    Struct(syn::ItemStruct),
    Function(syn::ItemFn),
    /// Any other item: its tokens (for the error's span) and what it is.
    Unsupported(TokenStream, &'static str),
}

impl Item {
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Item> {
        Ok(match syn::parse2::<syn::Item>(tokens)? {
            syn::Item::Struct(item) => Item::Struct(item),
            syn::Item::Fn(item) => Item::Function(item),
            syn::Item::Enum(item) => {
                Item::Unsupported(span_of(&item.enum_token, &item.ident), "an enum")
            }
            syn::Item::Union(item) => {
                Item::Unsupported(span_of(&item.union_token, &item.ident), "a union")
            }
            syn::Item::Trait(item) => {
                Item::Unsupported(span_of(&item.trait_token, &item.ident), "a trait")
            }
            syn::Item::Impl(item) => {
                Item::Unsupported(item.impl_token.to_token_stream(), "an impl block")
            }
            syn::Item::Mod(item) => {
                Item::Unsupported(span_of(&item.mod_token, &item.ident), "a module")
            }
            syn::Item::Type(item) => {
                Item::Unsupported(span_of(&item.type_token, &item.ident), "a type alias")
            }
            syn::Item::Const(item) => {
                Item::Unsupported(span_of(&item.const_token, &item.ident), "a const")
            }
            syn::Item::Static(item) => {
                Item::Unsupported(span_of(&item.static_token, &item.ident), "a static")
            }
            other => Item::Unsupported(other.to_token_stream(), "this kind of item"),
        })
    }

    /// The item's name as written, without `r#`.
    pub(crate) fn ident(&self) -> Option<&Ident> {
        match self {
            Item::Struct(item) => Some(&item.ident),
            Item::Function(item) => Some(&item.sig.ident),
            Item::Unsupported(..) => None,
        }
    }

    pub(crate) fn default_name(&self) -> Option<String> {
        self.ident().map(|ident| ident.unraw().to_string())
    }
}

fn span_of(keyword: &impl ToTokens, ident: &Ident) -> TokenStream {
    let mut tokens = keyword.to_token_stream();
    ident.to_tokens(&mut tokens);
    tokens
}

/// What a registered function returns, read from its signature.
pub(crate) enum Output {
    /// An implementor of the registry's trait: boxed by the generated code.
    Plain,
    /// A `Box<...>`: passed on.
    Boxed,
    /// A `Result<X, E>` whose `X` is one of the above.
    Fallible(Box<Output>),
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
            return Output::Plain;
        };
        let Some(last) = path.path.segments.last() else {
            return Output::Plain;
        };
        if last.ident == "Box" {
            return Output::Boxed;
        }
        if last.ident == "Result" {
            if let PathArguments::AngleBracketed(args) = &last.arguments {
                if let Some(GenericArgument::Type(ok)) = args.args.first() {
                    return Output::Fallible(Box::new(Output::of_type(ok)));
                }
            }
        }
        Output::Plain
    }
}
