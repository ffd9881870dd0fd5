//! The deserializer every config value goes through: a view of a borrowed `&Value` that
//! records where it is (`backbone.stages[2].depth`), rejects keys a struct does not accept at
//! every level, bounds the nesting depth, and builds [`Built`](crate::Built) fields in place
//! from the borrowed value (no copy of the nested config).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::BuildError;
use crate::nested;
use crate::suggest::similarity;

/// Where a value sits in the config, as a chain of frames on the stack (no allocation until
/// an error renders it).
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key { parent: &'p Path<'p>, key: &'p str },
    Index { parent: &'p Path<'p>, index: usize },
}

impl Path<'_> {
    /// `backbone.stages[2].depth`; the root is empty.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key { parent, key } => {
                parent.render_into(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index { parent, index } => {
                parent.render_into(out);
                out.push_str(&format!("[{index}]"));
            }
        }
    }

    /// The path of the struct holding this key (for "unknown field" errors).
    fn parent(&self) -> &Path<'_> {
        match self {
            Path::Root => self,
            Path::Key { parent, .. } | Path::Index { parent, .. } => parent,
        }
    }
}

/// Joins two rendered paths: `backbone` + `stages[2]` → `backbone.stages[2]`.
pub(crate) fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_owned(),
        (_, true) => outer.to_owned(),
        _ if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
    }
}

/// Why the arguments did not deserialize, and where. Not public API: builds turn it into a
/// [`BuildError`].
#[derive(Debug)]
#[doc(hidden)]
pub struct ArgsError {
    path: Option<String>,
    kind: ArgsErrorKind,
}

#[derive(Debug)]
enum ArgsErrorKind {
    /// serde's message (wrong type, missing or unknown field, ...).
    Message(String),
    /// A nested build (a `Built` field) failed.
    Nested(Box<BuildError>),
}

impl ArgsError {
    pub(crate) fn nested(error: BuildError) -> Self {
        ArgsError {
            path: None,
            kind: ArgsErrorKind::Nested(Box::new(error)),
        }
    }

    /// Records `path` unless a deeper level already did.
    fn at(mut self, path: &Path<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.render());
        }
        self
    }

    fn from_json(error: &serde_json::Error, path: &Path<'_>) -> Self {
        <ArgsError as de::Error>::custom(error).at(path)
    }

    /// The build error: the module and registry name a wrong argument; a nested build's
    /// error is passed on; either is placed at its path.
    pub(crate) fn into_build_error(self, name: &str, registry: String) -> BuildError {
        let error = match self.kind {
            ArgsErrorKind::Message(message) => BuildError::InvalidArguments {
                name: name.to_owned(),
                registry,
                message,
            },
            ArgsErrorKind::Nested(error) => *error,
        };
        match self.path {
            Some(path) if !path.is_empty() => error.at_path(&path),
            _ => error,
        }
    }
}

impl fmt::Display for ArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = self.path.as_deref().filter(|path| !path.is_empty()) {
            write!(f, "{path}: ")?;
        }
        match &self.kind {
            ArgsErrorKind::Message(message) => f.write_str(message),
            ArgsErrorKind::Nested(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ArgsError {}

impl de::Error for ArgsError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ArgsError {
            path: None,
            kind: ArgsErrorKind::Message(message.to_string()),
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(unknown_field_message(field, expected))
    }
}

/// serde's "unknown field" message plus the closest accepted key.
pub(crate) fn unknown_field_message(field: &str, expected: &[&str]) -> String {
    let accepted = match expected {
        [] => "there are no fields".to_owned(),
        [only] => format!("expected `{only}`"),
        [first, second] => format!("expected `{first}` or `{second}`"),
        several => format!("expected one of `{}`", several.join("`, `")),
    };
    // With one accepted key, "expected `x`" already says it.
    let closest = (expected.len() > 1)
        .then_some(expected)
        .into_iter()
        .flatten()
        .filter_map(|candidate| Some((similarity(field, candidate)?, candidate)))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, candidate)) => {
            format!("unknown field `{field}`, {accepted}; did you mean `{candidate}`?")
        }
        None => format!("unknown field `{field}`, {accepted}"),
    }
}

/// A value of the config under deserialization.
pub(crate) struct Tracked<'de, 'p> {
    pub(crate) value: &'de Value,
    pub(crate) path: Path<'p>,
    /// Containers and nested builds above this value, bounded by the depth limit.
    pub(crate) depth: usize,
    /// The fields of the struct this value's key belongs to: if the struct ignores the value
    /// and the key is not one of them, the key is unknown (an alias or a catch-all may still
    /// take a key outside them). Checked only then, off the hot path.
    pub(crate) fields: Option<&'static [&'static str]>,
}

impl<'de, 'p> Tracked<'de, 'p> {
    pub(crate) fn new(value: &'de Value, path: Path<'p>, depth: usize) -> Self {
        Tracked {
            value,
            path,
            depth,
            fields: None,
        }
    }

    fn enter(&self) -> Result<usize, ArgsError> {
        let depth = self.depth + 1;
        let limit = nested::depth_limit();
        if depth > limit {
            return Err(<ArgsError as de::Error>::custom(format_args!(
                "the config is nested more than {limit} levels deep (see `registry_core::set_depth_limit`)"
            ))
            .at(&self.path));
        }
        Ok(depth)
    }

    fn visit_array<V: Visitor<'de>>(
        self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        let depth = self.enter()?;
        let mut seq = TrackedSeq {
            items: items.iter().enumerate(),
            parent: &self.path,
            depth,
        };
        let value = visitor.visit_seq(&mut seq).map_err(|e| e.at(&self.path))?;
        match seq.items.len() {
            0 => Ok(value),
            _ => Err(<ArgsError as de::Error>::invalid_length(
                items.len(),
                &"fewer elements in array",
            )
            .at(&self.path)),
        }
    }

    fn visit_object<V: Visitor<'de>>(
        self,
        map: &'de serde_json::Map<String, Value>,
        fields: Option<&'static [&'static str]>,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        let depth = self.enter()?;
        let entries = map.iter().map(|(key, value)| (key.as_str(), value));
        let access = TrackedMap::new(entries, fields, &self.path, depth);
        visitor.visit_map(access).map_err(|e| e.at(&self.path))
    }

    /// Leaves (numbers, strings, ...) go to serde_json's own deserializer.
    fn leaf<V: Visitor<'de>>(
        self,
        visit: impl FnOnce(&'de Value, V) -> Result<V::Value, serde_json::Error>,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        visit(self.value, visitor).map_err(|e| ArgsError::from_json(&e, &self.path))
    }
}

/// Forwards `deserialize_*` methods of leaf types to serde_json.
macro_rules! leaves {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.leaf(|value, visitor| value.$method(visitor), visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Tracked<'de, '_> {
    type Error = ArgsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, None, visitor),
            _ => self.leaf(|value, visitor| value.deserialize_any(visitor), visitor),
        }
    }

    leaves! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        self.leaf(
            |value, visitor| value.deserialize_unit_struct(name, visitor),
            visitor,
        )
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        if name == nested::BUILT_TOKEN {
            return self.build_nested(visitor);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            _ => self.leaf(|value, visitor| value.deserialize_seq(visitor), visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        match self.value {
            Value::Object(map) => self.visit_object(map, None, visitor),
            _ => self.leaf(|value, visitor| value.deserialize_map(visitor), visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        match self.value {
            Value::Object(map) => self.visit_object(map, Some(fields), visitor),
            Value::Array(items) => self.visit_array(items, visitor),
            _ => self.leaf(
                |value, visitor| value.deserialize_struct(name, fields, visitor),
                visitor,
            ),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        match self.value {
            // `{"Variant": content}`: the content is tracked like any value (path, depth,
            // unknown keys of a struct variant, `Built` fields built in place).
            Value::Object(map) if map.len() == 1 => {
                let depth = self.enter()?;
                let Some((variant, content)) = map.iter().next() else {
                    unreachable!("a map of one entry")
                };
                let access = TrackedEnum {
                    variant,
                    content,
                    parent: &self.path,
                    depth,
                };
                visitor.visit_enum(access).map_err(|e| e.at(&self.path))
            }
            // A unit variant as a string, or no enum at all: serde_json's own answer.
            _ => self.leaf(
                |value, visitor| value.deserialize_enum(name, variants, visitor),
                visitor,
            ),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        if let (Some(fields), Path::Key { key, .. }) = (self.fields, self.path) {
            if !fields.contains(&key) {
                return Err(
                    <ArgsError as de::Error>::unknown_field(key, fields).at(self.path.parent())
                );
            }
        }
        visitor.visit_unit()
    }
}

impl<'de> Tracked<'de, '_> {
    /// A `Built` field: build it from the borrowed value through its registry.
    fn build_nested<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ArgsError> {
        let depth = self.enter()?;
        match nested::build_requested(self.value, depth) {
            Some(Ok(())) => visitor.visit_unit(),
            Some(Err(error)) => Err(ArgsError::nested(error).at(&self.path)),
            // No request pending: an ordinary newtype named like ours.
            None => visitor.visit_newtype_struct(self),
        }
    }
}

/// An externally tagged enum, `{"Variant": content}`.
struct TrackedEnum<'de, 'p> {
    variant: &'de str,
    content: &'de Value,
    parent: &'p Path<'p>,
    depth: usize,
}

impl<'de: 'p, 'p> TrackedEnum<'de, 'p> {
    /// The content, at `parent.Variant`.
    fn content(&self) -> Tracked<'de, 'p> {
        let path = Path::Key {
            parent: self.parent,
            key: self.variant,
        };
        Tracked::new(self.content, path, self.depth)
    }
}

impl<'de> de::EnumAccess<'de> for TrackedEnum<'de, '_> {
    type Error = ArgsError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), ArgsError> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::new(self.variant))?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for TrackedEnum<'de, '_> {
    type Error = ArgsError;

    /// `{"Variant": null}`, as serde_json accepts it.
    fn unit_variant(self) -> Result<(), ArgsError> {
        de::Deserialize::deserialize(self.content())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, ArgsError> {
        let content = self.content();
        let path = content.path;
        seed.deserialize(content).map_err(|e| e.at(&path))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, ArgsError> {
        self.content().deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ArgsError> {
        // The name only reaches serde_json's messages for a content that is not an object.
        self.content()
            .deserialize_struct("struct variant", fields, visitor)
    }
}

struct TrackedSeq<'de, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    parent: &'p Path<'p>,
    depth: usize,
}

impl<'de> SeqAccess<'de> for &mut TrackedSeq<'de, '_> {
    type Error = ArgsError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ArgsError> {
        let Some((index, value)) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Index {
            parent: self.parent,
            index,
        };
        seed.deserialize(Tracked::new(value, path, self.depth))
            .map(Some)
            .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Walks `(key, value)` entries as a map; each value is tracked at `parent.key`.
pub(crate) struct TrackedMap<'de, 'p, I> {
    entries: I,
    pending: Option<(&'de str, &'de Value)>,
    /// The target struct's fields, to catch keys it does not accept.
    fields: Option<&'static [&'static str]>,
    parent: &'p Path<'p>,
    depth: usize,
}

impl<'de, 'p, I: Iterator<Item = (&'de str, &'de Value)>> TrackedMap<'de, 'p, I> {
    pub(crate) fn new(
        entries: I,
        fields: Option<&'static [&'static str]>,
        parent: &'p Path<'p>,
        depth: usize,
    ) -> Self {
        TrackedMap {
            entries,
            pending: None,
            fields,
            parent,
            depth,
        }
    }
}

impl<'de, I: Iterator<Item = (&'de str, &'de Value)>> MapAccess<'de> for TrackedMap<'de, '_, I> {
    type Error = ArgsError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ArgsError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ArgsError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("value requested before its key"));
        };
        let path = Path::Key {
            parent: self.parent,
            key,
        };
        let mut tracked = Tracked::new(value, path, self.depth);
        tracked.fields = self.fields;
        seed.deserialize(tracked).map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        match self.entries.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        }
    }
}
