//! The attribute's arguments.
//!
//! Accepted forms:
//! ```text
//! #[register_module(registry = PATH)]
//! #[register_module(registry = PATH, name = "Name")]
//! #[register_module(registry = PATH, name = ["Name", "Alias"])]
//! #[register_module(registry = PATH, scope = "mmalpha", force = true)]
//! #[register_module(registry = PATH, name = "StepLR", constructor = "build_iter_from_epoch")]
//! #[register_module(registry = PATH, managed)]
//! ```
//! Every argument is checked, so several mistakes are reported at once.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprArray, ExprLit, ExprPath, Lit, LitStr, Path, Token};

use crate::fallback::Errors;

/// Each argument with the form shown when its value is missing or wrong.
const KEYS: [(&str, &str); 6] = [
    ("registry", "`registry = MODELS`"),
    ("name", "`name = \"ReLU\"` or `name = [\"ReLU\", \"relu\"]`"),
    ("scope", "`scope = \"mmalpha\"`"),
    ("force", "`force = true` or `force = false`"),
    ("constructor", "`constructor = \"build_iter_from_epoch\"`"),
    ("managed", "`managed` or `managed = true`"),
];

pub(crate) struct Args {
    /// The registry static to register into; `None` when missing or malformed (reported).
    pub(crate) registry: Option<Path>,
    /// Explicit names; `None` means the item's own name.
    pub(crate) names: Option<Vec<LitStr>>,
    pub(crate) scope: Option<LitStr>,
    pub(crate) force: bool,
    /// On a function: the alternate constructor of entry `name` it is.
    pub(crate) constructor: Option<LitStr>,
    /// On a struct: built through its `Managed` instance manager; the span of the flag.
    pub(crate) managed: Option<Span>,
}

pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args {
        registry: None,
        names: None,
        scope: None,
        force: false,
        constructor: None,
        managed: None,
    };
    let mut given: Vec<&str> = Vec::new();
    let mut misspelled_registry = false;
    let whole = tokens.clone();
    let parser = |input: ParseStream| -> syn::Result<()> {
        while !input.is_empty() {
            if input.peek(Lit) {
                // `name = "relu", "ReLU"`
                let literal: Lit = input.parse()?;
                errors.push(
                    literal,
                    "expected `key = value`, found a literal: several names go in brackets, \
                     `name = [\"ReLU\", \"relu\"]`",
                );
                skip_argument(input)?;
            } else {
                let path = input.call(Path::parse_mod_style)?;
                let known = KEYS.iter().find(|(key, _)| path.is_ident(key));
                if let Some(&(key, form)) = known {
                    let duplicate = given.contains(&key);
                    if duplicate {
                        errors.push(&path, format_args!("`{key}` is given twice; keep one"));
                    }
                    given.push(key);
                    // `managed` is a flag: `managed` alone means `managed = true`.
                    if key == "managed" && !input.peek(Token![=]) {
                        if !duplicate {
                            args.managed = Some(path.segments[0].ident.span());
                        }
                    } else {
                        match value(&path, input, key, form, errors)? {
                            Some(value) if !duplicate => match key {
                                "registry" => args.registry = registry(&value, errors),
                                "name" => args.names = names(&value, errors),
                                "scope" => args.scope = string(&value, key, form, errors),
                                "constructor" => {
                                    args.constructor = string(&value, key, form, errors);
                                }
                                "managed" => {
                                    if boolean(&value, key, errors) {
                                        args.managed = Some(path.segments[0].ident.span());
                                    }
                                }
                                _ => args.force = boolean(&value, key, errors),
                            },
                            _ => {}
                        }
                    }
                } else {
                    let (message, meant) = unknown_key(&path);
                    // `registy = ...` is reported once, here, not again as a missing `registry`.
                    misspelled_registry |= meant == Some("registry");
                    errors.push(&path, message);
                    skip_argument(input)?;
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(())
    };
    if let Err(error) = parser.parse2(tokens) {
        errors.add(error);
    } else if !given.contains(&"registry") && !misspelled_registry {
        let message = "missing `registry = ...`: add the registry static to register into, \
                       e.g. `registry = MODELS`";
        if whole.is_empty() {
            errors.add(syn::Error::new(Span::call_site(), message));
        } else {
            errors.push(whole, message);
        }
    }
    args
}

/// The value after `key =`; `None` when it is missing or not an expression (reported, and
/// skipped so the following arguments are still read).
fn value(
    path: &Path,
    input: ParseStream,
    key: &str,
    form: &str,
    errors: &mut Errors,
) -> syn::Result<Option<Expr>> {
    if !input.peek(Token![=]) {
        errors.push(path, format_args!("`{key}` needs a value: {form}"));
        skip_argument(input)?;
        return Ok(None);
    }
    input.parse::<Token![=]>()?;
    match input.parse::<Expr>() {
        Ok(expr) => Ok(Some(expr)),
        Err(error) => {
            errors.add(error);
            skip_argument(input)?;
            Ok(None)
        }
    }
}

/// Skips what is left of one argument: up to the next top-level `,`.
fn skip_argument(input: ParseStream) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((token, next)) = rest.token_tree() {
            if matches!(&token, TokenTree::Punct(punct) if punct.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

/// The error for an unknown key, and the key it is probably a misspelling of.
fn unknown_key(path: &Path) -> (String, Option<&'static str>) {
    let key = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    if key == "alias" || key == "aliases" {
        let message = format!(
            "unknown argument `{key}`: give every name, aliases included, as \
             `name = [\"ReLU\", \"relu\"]`"
        );
        return (message, None);
    }
    match KEYS
        .iter()
        .find(|(known, _)| edit_distance(&key, known) <= 2)
    {
        Some((known, _)) => (
            format!("unknown argument `{key}`: did you mean `{known}`?"),
            Some(known),
        ),
        None => (
            format!(
                "unknown argument `{key}`: expected `registry`, `name`, `scope`, `force`, \
                 `constructor` or `managed`"
            ),
            None,
        ),
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

fn registry(value: &Expr, errors: &mut Errors) -> Option<Path> {
    match value {
        Expr::Path(ExprPath {
            attrs,
            qself: None,
            path,
            ..
        }) if attrs.is_empty() => Some(path.clone()),
        // `registry = "MODELS"`: the user meant the path.
        Expr::Lit(ExprLit {
            lit: Lit::Str(string),
            ..
        }) if string.parse::<Path>().is_ok() => {
            errors.push(
                string,
                format_args!(
                    "registry must be a path, not a string: write `registry = {}`",
                    string.value().trim()
                ),
            );
            None
        }
        // `registry = &MODELS`: the reference is taken by the generated code.
        Expr::Reference(reference) if matches!(&*reference.expr, Expr::Path(_)) => {
            let path = &reference.expr;
            errors.push(
                value,
                format_args!(
                    "registry must be the path of the static itself, without `&`: write \
                     `registry = {}`",
                    path.to_token_stream().to_string().replace(' ', "")
                ),
            );
            None
        }
        other => {
            errors.push(
                other,
                "registry must be the path of a registry static declared with `registry!`, \
                 e.g. `registry = MODELS` or `registry = crate::models::MODELS`",
            );
            None
        }
    }
}

/// `"name"` or `["name", "alias"]`; each wrong element is reported.
fn names(value: &Expr, errors: &mut Errors) -> Option<Vec<LitStr>> {
    let Expr::Array(ExprArray { elems, .. }) = value else {
        return string(value, "name", KEYS[1].1, errors).map(|name| vec![name]);
    };
    if elems.is_empty() {
        errors.push(
            value,
            "`name = []` registers nothing: give at least one name, or leave `name` out to \
             use the item's own name",
        );
        return None;
    }
    let mut names = Some(Vec::new());
    for elem in elems {
        match (string(elem, "name", KEYS[1].1, errors), &mut names) {
            (Some(name), Some(names)) => names.push(name),
            _ => names = None,
        }
    }
    names
}

fn string(value: &Expr, key: &str, form: &str, errors: &mut Errors) -> Option<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(string),
            ..
        }) => Some(string.clone()),
        // `name = ReLU`: the user meant the string.
        Expr::Path(ExprPath { path, .. }) if path.get_ident().is_some() => {
            let ident = path.get_ident().map(ToString::to_string);
            errors.push(
                value,
                format_args!(
                    "{key} must be a string literal: write `\"{}\"`",
                    ident.unwrap_or_default()
                ),
            );
            None
        }
        other => {
            errors.push(
                other,
                format_args!("{key} must be a string literal: {form}"),
            );
            None
        }
    }
}

fn boolean(value: &Expr, key: &str, errors: &mut Errors) -> bool {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(value),
            ..
        }) => value.value,
        other => {
            errors.push(
                other,
                format_args!("{key} must be a boolean: `{key} = true` or `{key} = false`"),
            );
            false
        }
    }
}
