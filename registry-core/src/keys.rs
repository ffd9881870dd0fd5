//! The config keys a registered type accepts, read from its `Deserialize` impl: serde's
//! derive names its fields when it asks a deserializer for a struct, so a deserializer that
//! only records that request learns them without any data.

use serde::de::{self, Deserializer, Visitor};
use serde::forward_to_deserialize_any;

/// The keys `T` accepts: its field names for a struct, none for a unit struct, `None` when it
/// cannot tell (a map, `#[serde(flatten)]`, a hand-written impl that asks for something else).
pub fn accepted_keys<T: de::DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut keys = None;
    let _ = T::deserialize(Introspector { keys: &mut keys });
    keys
}

/// Records what the deserialized type asks for, then stops with an error.
struct Introspector<'a> {
    keys: &'a mut Option<&'static [&'static str]>,
}

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("introspection only")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for Introspector<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        *self.keys = Some(fields);
        Err(Stop)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        *self.keys = Some(&[]);
        Err(Stop)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::accepted_keys;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct ResNet {
        depth: u32,
        #[serde(rename = "num_stages")]
        stages: u32,
    }

    #[derive(serde::Deserialize)]
    struct Sigmoid;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Open {
        #[serde(flatten)]
        rest: serde_json::Map<String, serde_json::Value>,
    }

    #[test]
    fn keys_are_the_serde_field_names() {
        assert_eq!(
            accepted_keys::<ResNet>(),
            Some(&["depth", "num_stages"][..])
        );
        assert_eq!(accepted_keys::<Sigmoid>(), Some(&[][..]));
        assert_eq!(accepted_keys::<Open>(), None);
        assert_eq!(accepted_keys::<u32>(), None);
    }
}
