//! Implementation detail of `registry-core`: the `#[register_module]` attribute. Depend on
//! `registry-core`, which re-exports it; this crate's output refers to
//! `::registry_core::__private`.

mod ast;
mod attr;
mod expand;
mod fallback;
mod valid;

use proc_macro::TokenStream;

use crate::fallback::Errors;

/// Registers a struct or a function in a registry. Documented in `registry_core`, which
/// re-exports it.
#[proc_macro_attribute]
pub fn register_module(args: TokenStream, input: TokenStream) -> TokenStream {
    expand_or_fallback(args.into(), input.into()).into()
}

/// Parse, check, expand; on any error emit the item unchanged plus every error found in the
/// attribute and the item, so all mistakes show at once and none brings follow-on errors.
fn expand_or_fallback(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut errors = Errors::default();
    let args = attr::parse(args, &mut errors);
    let item = ast::Item::parse(input.clone())
        .map_err(|error| errors.add(error))
        .ok();
    valid::check(&args, item.as_ref(), &mut errors);
    match (&args.registry, &item) {
        (Some(registry), Some(item)) if errors.is_empty() => {
            expand::registration(registry, &args, item)
        }
        _ => fallback::item_with_errors(input, errors),
    }
}
