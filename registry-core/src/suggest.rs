//! "Did you mean": how close two names are, bounded so a hostile key cannot make it costly.

/// Names longer than this are never compared: the edit distance takes time and memory in
/// the product of the two lengths, and no registered name is this long.
const LONGEST_COMPARED: usize = 128;

/// How alike `a` and `b` are, from 0 to 1 (case-insensitive, Damerau-Levenshtein); `None`
/// when either is too long to compare.
pub(crate) fn similarity(a: &str, b: &str) -> Option<f64> {
    if a.len() > LONGEST_COMPARED || b.len() > LONGEST_COMPARED {
        return None;
    }
    Some(strsim::normalized_damerau_levenshtein(
        &a.to_lowercase(),
        &b.to_lowercase(),
    ))
}

#[cfg(test)]
mod tests {
    use super::similarity;

    #[test]
    fn close_names_score_high_and_long_ones_are_skipped() {
        assert_eq!(similarity("relu", "ReLU"), Some(1.0));
        assert!(similarity("ResNte", "ResNet").unwrap() > 0.6);
        assert!(similarity("VGG", "ResNet").unwrap() < 0.3);
        assert_eq!(similarity(&"x".repeat(1_000_000), "ResNet"), None);
    }
}
