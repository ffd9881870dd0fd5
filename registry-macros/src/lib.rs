//! Implementation detail of `registry-core`: the `#[register_module]` attribute. Depend on
//! `registry-core`, which re-exports it; this crate's output refers to
//! `::registry_core::__private`.

mod ast;
mod attr;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;

/// Registers a struct or a function in a registry. Documented in `registry_core`, which
/// re-exports it.
#[proc_macro_attribute]
pub fn register_module(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    let input = proc_macro2::TokenStream::from(input);
    expand_or_fallback(args, input).into()
}

/// Parse, check, expand; on any error emit the item unchanged plus every error found, so
/// one mistake does not bring follow-on errors about a missing item.
fn expand_or_fallback(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let parsed_args = attr::parse(args);
    let parsed_item = ast::Item::parse(input.clone());
    match (parsed_args, parsed_item) {
        (Ok(args), Ok(item)) => match valid::check(&args, &item) {
            Ok(()) => expand::registration(&args, &item),
            Err(error) => fallback::item_with_errors(input, error),
        },
        (Err(mut error), Err(item_error)) => {
            error.combine(item_error);
            fallback::item_with_errors(input, error)
        }
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => fallback::item_with_errors(input, error),
    }
}
