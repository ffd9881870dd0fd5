//! A borrowed view of a config's arguments: the config object minus `type` and `_scope_`,
//! with `default_args` filling in what the config leaves out.
//!
//! Builders deserialize straight from this view, so a build never clones the config to strip
//! its reserved keys or to merge the defaults. Each value is read through
//! [`Tracked`](crate::tracked), which knows its path and catches keys a struct does not accept
//! (serde's derive silently skips them).

use serde::de::{self, Deserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};

use crate::nested::current_depth;
use crate::tracked::{ArgsError, Path, TrackedMap};

/// `type` and `_scope_` steer the build and never reach the built type, nor do the keys a
/// build function consumed. Runs for every key of every build: lengths before bytes.
#[inline]
fn is_reserved(key: &str, hidden: &[&str]) -> bool {
    let reserved = match key.len() {
        4 => key == "type",
        7 => key == "_scope_",
        _ => false,
    };
    reserved || (!hidden.is_empty() && hidden.contains(&key))
}

/// Up to this many keys, one pass finds both `type` and `_scope_` faster than two searches.
const SCAN_LIMIT: usize = 16;

/// The arguments of one build: the config's keys (except `type` and `_scope_`), then each key
/// of `default_args` the config does not set (MMEngine's `setdefault` merge).
///
/// It is a serde [`Deserializer`], so a registered struct is deserialized from it directly.
/// A key the target type does not accept is an error (`unknown field ...`), as an unexpected
/// keyword argument is for a Python constructor.
#[derive(Clone, Copy, Debug)]
pub struct Args<'a> {
    cfg: &'a Map<String, Value>,
    defaults: Option<&'a Map<String, Value>>,
    /// Keys a build function consumed itself (`convert_to_iter_based`, `epoch_length`).
    hidden: &'static [&'static str],
}

impl<'a> Args<'a> {
    /// A view of `cfg` with `defaults` filling in the keys it does not set.
    #[inline]
    pub fn new(cfg: &'a Map<String, Value>, defaults: Option<&'a Map<String, Value>>) -> Self {
        Args {
            cfg,
            defaults,
            hidden: &[],
        }
    }

    /// The same arguments without `keys`, which the caller has consumed (MMEngine pops them).
    #[must_use]
    pub(crate) fn hiding(self, keys: &'static [&'static str]) -> Self {
        Args {
            hidden: keys,
            ..self
        }
    }

    /// The value of `key`, from the config or else the defaults; `None` for `type`/`_scope_`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if is_reserved(key, self.hidden) {
            return None;
        }
        self.raw_get(key)
    }

    /// The values of `type` and `_scope_` (config first, then defaults), found together.
    #[inline]
    pub(crate) fn steering(&self) -> (Option<&'a Value>, Option<&'a Value>) {
        let (mut kind, mut scope) = if self.cfg.len() <= SCAN_LIMIT {
            let (mut kind, mut scope) = (None, None);
            for (key, value) in self.cfg {
                match key.len() {
                    4 if key == "type" => kind = Some(value),
                    7 if key == "_scope_" => scope = Some(value),
                    _ => {}
                }
            }
            (kind, scope)
        } else {
            (self.cfg.get("type"), self.cfg.get("_scope_"))
        };
        if let Some(defaults) = self.defaults {
            kind = kind.or_else(|| defaults.get("type"));
            scope = scope.or_else(|| defaults.get("_scope_"));
        }
        (kind, scope)
    }

    /// The value of `key` including the reserved keys, config first.
    pub(crate) fn raw_get(&self, key: &str) -> Option<&'a Value> {
        self.cfg
            .get(key)
            .or_else(|| self.defaults.and_then(|defaults| defaults.get(key)))
    }

    /// Every argument, config keys first (in the config's order), then the defaults it lacks.
    #[inline]
    pub fn iter(&self) -> ArgsIter<'a> {
        ArgsIter {
            cfg: self.cfg,
            hidden: self.hidden,
            own: self.cfg.iter(),
            defaults: self.defaults.map(Map::iter),
        }
    }

    /// The merged arguments as an owned JSON object (what a runtime-registered closure gets).
    /// Copied through the tracked deserializer, not `Value::clone` (which recurses as deep as
    /// the config goes), so the depth limit applies.
    ///
    /// # Errors
    /// A config nested deeper than [`depth_limit`](crate::depth_limit), with its path.
    pub fn to_value(&self) -> Result<Value, ArgsError> {
        self.deserialize()
    }

    /// Deserializes `D` from the arguments.
    ///
    /// # Errors
    /// Where and why an argument does not fit: a wrong type, a missing or unknown key, a
    /// nested build that failed.
    pub fn deserialize<D: serde::Deserialize<'a>>(self) -> Result<D, ArgsError> {
        D::deserialize(self)
    }

    #[inline]
    fn map_access(
        self,
        fields: Option<&'static [&'static str]>,
    ) -> TrackedMap<'a, 'static, ArgsIter<'a>> {
        TrackedMap::new(self.iter(), fields, &Path::Root, current_depth())
    }
}

impl<'de> Deserializer<'de> for Args<'de> {
    type Error = ArgsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(self.map_access(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(self.map_access(Some(fields)))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        // A unit struct (`struct Sigmoid;`) takes no arguments: any key is unexpected.
        match self.iter().next() {
            None => visitor.visit_unit(),
            Some((key, _)) => Err(de::Error::unknown_field(key, &[])),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf seq tuple tuple_struct map enum identifier
    }
}

/// The iterator of [`Args::iter`]: no allocation, so a build stays allocation-free.
#[derive(Clone, Debug)]
pub struct ArgsIter<'a> {
    cfg: &'a Map<String, Value>,
    hidden: &'static [&'static str],
    own: serde_json::map::Iter<'a>,
    defaults: Option<serde_json::map::Iter<'a>>,
}

impl<'a> Iterator for ArgsIter<'a> {
    type Item = (&'a str, &'a Value);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        for (key, value) in self.own.by_ref() {
            if !is_reserved(key, self.hidden) {
                return Some((key, value));
            }
        }
        let (cfg, hidden) = (self.cfg, self.hidden);
        self.defaults
            .as_mut()?
            .find(|(key, _)| !is_reserved(key, hidden) && !cfg.contains_key(key.as_str()))
            .map(|(key, value)| (key.as_str(), value))
    }
}
