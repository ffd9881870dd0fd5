//! Warnings, each logged once through `tracing` (MMEngine's logger drops repeats too).

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, PoisonError};

/// How many distinct warnings are remembered; past it (a hostile config naming endless
/// scopes) warnings are still logged but no longer deduplicated.
const REMEMBERED: usize = 1024;

/// The warnings logged so far, as keyed 64-bit hashes: a remembered warning costs 8 bytes
/// however long its message (which may quote a config).
static SEEN: Mutex<Option<(RandomState, HashSet<u64>)>> = Mutex::new(None);

pub(crate) fn warn_once(message: String) {
    let first_time = {
        let mut seen = SEEN.lock().unwrap_or_else(PoisonError::into_inner);
        let (keys, seen) = seen.get_or_insert_with(|| (RandomState::new(), HashSet::new()));
        let hash = keys.hash_one(&message);
        if seen.contains(&hash) {
            false
        } else {
            if seen.len() < REMEMBERED {
                seen.insert(hash);
            }
            true
        }
    };
    if first_time {
        tracing::warn!("{message}");
    }
}
