//! Warnings, each logged once through `tracing` (MMEngine's logger drops repeats too).

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

/// How many distinct warnings are remembered; past it (a hostile config naming endless
/// scopes) warnings are still logged but no longer deduplicated, so memory stays bounded.
const REMEMBERED: usize = 1024;

static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

pub(crate) fn warn_once(message: String) {
    let first_time = {
        let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = seen.get_or_insert_with(HashSet::new);
        if seen.contains(&message) {
            false
        } else {
            if seen.len() < REMEMBERED {
                seen.insert(message.clone());
            }
            true
        }
    };
    if first_time {
        tracing::warn!("{message}");
    }
}
