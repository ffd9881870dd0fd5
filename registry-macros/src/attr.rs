//! The attribute's arguments.
//!
//! Accepted forms:
//! ```text
//! #[register_module(registry = PATH)]
//! #[register_module(registry = PATH, name = "Name")]
//! #[register_module(registry = PATH, name = ["Name", "Alias"])]
//! #[register_module(registry = PATH, scope = "mmalpha", force = true)]
//! ```

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Expr, ExprArray, ExprLit, Lit, LitBool, LitStr, Path};

const ACCEPTED: &str = "`registry`, `name`, `scope` or `force`";

pub(crate) struct Args {
    /// The registry static to register into.
    pub(crate) registry: Path,
    /// Explicit names; `None` means the item's own name.
    pub(crate) names: Option<Vec<LitStr>>,
    pub(crate) scope: Option<LitStr>,
    pub(crate) force: bool,
}

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let mut registry: Option<Path> = None;
    let mut names: Option<Vec<LitStr>> = None;
    let mut scope: Option<LitStr> = None;
    let mut force: Option<bool> = None;
    let mut errors: Option<syn::Error> = None;
    let parser = syn::meta::parser(|meta| {
        let key = meta.path.clone();
        let duplicate = || syn::Error::new_spanned(&key, "this argument is given twice; keep one");
        if key.is_ident("registry") {
            if registry.is_some() {
                return Err(duplicate());
            }
            registry = Some(meta.value()?.parse()?);
        } else if key.is_ident("name") {
            if names.is_some() {
                return Err(duplicate());
            }
            names = Some(parse_names(&meta.value()?.parse()?)?);
        } else if key.is_ident("scope") {
            if scope.is_some() {
                return Err(duplicate());
            }
            scope = Some(meta.value()?.parse().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "scope must be a string literal: `scope = \"mmalpha\"`",
                )
            })?);
        } else if key.is_ident("force") {
            if force.is_some() {
                return Err(duplicate());
            }
            let value: Expr = meta.value()?.parse()?;
            force = Some(parse_bool(&value)?);
        } else {
            let error = syn::Error::new_spanned(
                &key,
                format!(
                    "unknown argument `{}`: expected {ACCEPTED}",
                    path_text(&key)
                ),
            );
            // Skip the value so the remaining arguments are still checked.
            if meta.input.peek(syn::Token![=]) {
                let _: Expr = meta.value()?.parse()?;
            }
            match &mut errors {
                Some(existing) => existing.combine(error),
                None => errors = Some(error),
            }
        }
        Ok(())
    });
    parser.parse2(tokens)?;
    if let Some(error) = errors {
        return Err(error);
    }
    let Some(registry) = registry else {
        return Err(syn::Error::new(
            Span::call_site(),
            "missing `registry = ...`: name the registry to register into, \
             e.g. #[register_module(registry = MODELS)]",
        ));
    };
    Ok(Args {
        registry,
        names,
        scope,
        force: force.unwrap_or(false),
    })
}

/// `"name"` or `["name", "alias"]`.
fn parse_names(value: &Expr) -> syn::Result<Vec<LitStr>> {
    let wrong = |span: Span| {
        syn::Error::new(
            span,
            "name must be a string literal or an array of them: `name = \"ReLU\"` or \
             `name = [\"relu\", \"ReLU\"]`",
        )
    };
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(name),
            ..
        }) => Ok(vec![name.clone()]),
        Expr::Array(ExprArray { elems, .. }) => elems
            .iter()
            .map(|elem| match elem {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(name),
                    ..
                }) => Ok(name.clone()),
                other => Err(wrong(other.span())),
            })
            .collect(),
        other => Err(wrong(other.span())),
    }
}

fn parse_bool(value: &Expr) -> syn::Result<bool> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(LitBool { value, .. }),
            ..
        }) => Ok(*value),
        other => Err(syn::Error::new(
            other.span(),
            "force must be a boolean: `force = true` or `force = false`",
        )),
    }
}

fn path_text(path: &Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
