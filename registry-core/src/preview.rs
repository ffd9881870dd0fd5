//! Bounded renderings of a config for messages. `Value`'s own `Display` recurses as
//! deep as the value goes and copies all of it, so a hostile config (100,000 nested arrays,
//! a megabyte string) would overflow the stack or fill the message; this stops at a depth
//! and a length.

use std::borrow::Cow;
use std::fmt::Write;

use serde_json::Value;

/// Levels rendered before a container is shown as `[…]` or `{…}`.
const MAX_DEPTH: usize = 8;

/// Bytes rendered before the rest is cut to `…`.
const MAX_LEN: usize = 512;

/// `value` as compact JSON, cut at `MAX_DEPTH` levels and about `MAX_LEN` bytes.
pub(crate) fn preview(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    if out.len() > MAX_LEN {
        out.truncate(prefix(&out, MAX_LEN).len());
        out.push('…');
    }
    out
}

/// Writes `value`, stopping early once `out` is past `MAX_LEN` (the caller cuts it).
fn write_value(out: &mut String, value: &Value, depth: usize) {
    if out.len() > MAX_LEN {
        return;
    }
    match value {
        Value::Array(items) if depth >= MAX_DEPTH && !items.is_empty() => out.push_str("[…]"),
        Value::Object(map) if depth >= MAX_DEPTH && !map.is_empty() => out.push_str("{…}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if out.len() > MAX_LEN {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if out.len() > MAX_LEN {
                    break;
                }
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item, depth + 1);
            }
            out.push('}');
        }
        Value::String(text) => write_string(out, text),
        // Numbers, booleans and null are short.
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// A JSON string literal, its content cut near `MAX_LEN` so a long one is not copied whole.
fn write_string(out: &mut String, text: &str) {
    let _ = write!(out, "{}", Value::from(prefix(text, MAX_LEN)));
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Bytes of a config's string quoted in a warning before it is cut.
const QUOTED_LEN: usize = 128;

/// `text` for quoting in a message: cut to 128 bytes and marked `…` when longer, so a
/// megabyte `_scope_` does not make a megabyte log line.
pub(crate) fn clip(text: &str) -> Cow<'_, str> {
    if text.len() <= QUOTED_LEN {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{}…", prefix(text, QUOTED_LEN)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_values_render_as_compact_json() {
        let value = json!({"depth": 50, "name": "a\"b", "list": [1, null, true]});
        assert_eq!(preview(&value), value.to_string());
    }

    #[test]
    fn deep_values_stop_at_the_depth() {
        let mut value = json!(1);
        for _ in 0..100_000 {
            value = Value::Array(vec![value]);
        }
        let text = preview(&value);
        // `Value`'s drop recurses too: take it apart before anything can fail.
        let mut pending = vec![value];
        while let Some(value) = pending.pop() {
            if let Value::Array(items) = value {
                pending.extend(items);
            }
        }
        assert_eq!(text, format!("{}[…]{}", "[".repeat(8), "]".repeat(8)));
    }

    #[test]
    fn long_values_are_cut() {
        let value = json!({"a": "é".repeat(1_000_000), "b": 1});
        let text = preview(&value);
        assert!(text.starts_with("{\"a\":\"éé"), "{text:.20}");
        assert!(text.ends_with('…'), "{text:.20}");
        assert!(text.len() <= MAX_LEN + '…'.len_utf8());
        assert_eq!(clip("short"), "short");
        assert_eq!(clip(&"é".repeat(100)), format!("{}…", "é".repeat(64)));
        assert_eq!(clip(&"x".repeat(129)), format!("{}…", "x".repeat(128)));
        let value = Value::Array((0..100_000).map(Value::from).collect());
        let text = preview(&value);
        assert!(text.starts_with("[0,1,2,"));
        assert!(text.ends_with('…'));
    }
}
