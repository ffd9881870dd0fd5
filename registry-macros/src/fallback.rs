//! What is emitted when the attribute or the item is wrong: the item unchanged and the errors.

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn item_with_errors(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote! {
        #item
        #errors
    }
}
