//! What is emitted when the attribute or the item is wrong: the item unchanged and every
//! error found, so one mistake does not bring follow-on errors about a missing item.

use std::fmt::Display;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

/// The errors found so far, in every phase; reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// An error spanning `tokens`, the user's offending tokens.
    pub(crate) fn push(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.add(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn into_compile_error(self) -> TokenStream {
        self.0
            .map(syn::Error::into_compile_error)
            .unwrap_or_default()
    }
}

pub(crate) fn item_with_errors(item: TokenStream, errors: Errors) -> TokenStream {
    let errors = errors.into_compile_error();
    quote! {
        #item
        #errors
    }
}
