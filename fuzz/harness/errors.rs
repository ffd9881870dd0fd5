//! What both harnesses do with an error: display it as a user would see it (its `Display`
//! does real work: suggestions, paths) and check what can be checked of it.
//!
//! Declared as `mod errors` at the root of each fuzz target and of the replay test; the
//! harnesses use it as `crate::errors`.

use std::hint::black_box;

use registry_core::{BuildError, UnknownScope};

/// Displays `error` and its parts; panics if a suggestion is malformed.
pub fn show(error: &BuildError) -> usize {
    let mut size = error.to_string().len() + format!("{error:?}").len();
    size += error.path().map_or(0, str::len);
    match error.innermost() {
        BuildError::NotFound(details) => size += details.suggestions().len(),
        BuildError::UnknownScope(details) => check_scope_suggestion(details),
        _ => {}
    }
    black_box(size)
}

/// The outcome of a build as text: the description or the (shown) error message.
pub fn outcome<T: ?Sized>(
    result: Result<Box<T>, BuildError>,
    describe: impl Fn(&T) -> String,
) -> String {
    match result {
        Ok(built) => describe(&built),
        Err(error) => {
            show(&error);
            error.to_string()
        }
    }
}

/// The value of `result`, or `None` once its error is shown.
pub fn ok_or_show<T>(result: Result<T, BuildError>) -> Option<T> {
    result.map_err(|error| show(&error)).ok()
}

/// An unknown scope's suggestion is the key with that scope, written as one of its
/// `.`-separated parts, replaced by a scope of the tree.
fn check_scope_suggestion(details: &UnknownScope) {
    let Some(suggestion) = &details.suggestion else {
        return;
    };
    let (key, scope) = (details.key.as_str(), details.scope.as_str());
    let well_formed = key.match_indices(scope).any(|(start, _)| {
        let end = start + scope.len();
        let whole_part = (start == 0 || key[..start].ends_with('.')) && key[end..].starts_with('.');
        whole_part
            && details
                .scopes
                .iter()
                .any(|close| *suggestion == format!("{}{close}{}", &key[..start], &key[end..]))
    });
    assert!(
        well_formed,
        "the suggestion `{suggestion}` for the unknown scope \"{scope}\" of `{key}` is not \
         the key with that scope replaced by one of the tree's"
    );
}
