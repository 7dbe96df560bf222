//! Decodes bundled CBOR data without formatting the errors serde discards.
//!
//! citationberg's locale types use untagged enums (a locale term may be a variable, a locator
//! or another term). serde decodes an untagged enum by trying each variant in turn, and every
//! failed try builds an "unknown variant `x`, expected one of ..." message listing up to a
//! hundred names, which is thrown away at once. Through ciborium that formatting was about
//! 80% of the cost of loading the en-US locale, paid by every `appeal` process.
//!
//! This deserializer walks an already-decoded [`ciborium::Value`] the way ciborium's own
//! deserializer does, but its error type keeps no message, so the failed tries cost nothing.
//! It is only for data bundled with the program, where a decoding error is a build defect (the
//! caller falls back to hayagriva's own archive), never for user input.

use std::fmt;

use ciborium::Value;
use serde::de::value::{MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// Decodes `bytes` (CBOR) as a `T`.
pub(super) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Quiet> {
    let value: Value = ciborium::de::from_reader(bytes).map_err(|_| Quiet)?;
    T::deserialize(De(&value))
}

/// The bundled data did not have the expected shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quiet;

impl fmt::Display for Quiet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bundled CBOR data does not have the expected shape")
    }
}

impl std::error::Error for Quiet {}

impl de::Error for Quiet {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Quiet
    }
}

/// A deserializer over one decoded value.
#[derive(Clone, Copy)]
struct De<'a>(&'a Value);

impl<'de> IntoDeserializer<'de, Quiet> for De<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> De<'de> {
    /// The value under any CBOR tags.
    fn untagged(self) -> &'de Value {
        let mut value = self.0;
        while let Value::Tag(_, inner) = value {
            value = inner;
        }
        value
    }
}

fn visit_seq<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value, Quiet> {
    let mut seq = SeqDeserializer::new(items.iter().map(De));
    let value = visitor.visit_seq(&mut seq)?;
    seq.end()?;
    Ok(value)
}

fn visit_map<'de, V: Visitor<'de>>(entries: &'de [(Value, Value)], visitor: V) -> Result<V::Value, Quiet> {
    let mut map = MapDeserializer::new(entries.iter().map(|(k, v)| (De(k), De(v))));
    let value = visitor.visit_map(&mut map)?;
    map.end()?;
    Ok(value)
}

impl<'de> de::Deserializer<'de> for De<'de> {
    type Error = Quiet;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Quiet> {
        match self.untagged() {
            Value::Integer(n) => {
                let n = i128::from(*n);
                if let Ok(u) = u64::try_from(n) {
                    visitor.visit_u64(u)
                } else if let Ok(i) = i64::try_from(n) {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_i128(n)
                }
            }
            Value::Bytes(b) => visitor.visit_bytes(b),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Text(s) => visitor.visit_str(s),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Null => visitor.visit_none(),
            Value::Array(items) => visit_seq(items, visitor),
            Value::Map(entries) => visit_map(entries, visitor),
            _ => Err(Quiet),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Quiet> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Quiet> {
        match self.untagged() {
            Value::Null => visitor.visit_unit(),
            _ => Err(Quiet),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Quiet> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Quiet> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Quiet> {
        match self.untagged() {
            // A unit variant is its name; any other variant is a one-entry map from its name.
            Value::Text(s) => visitor.visit_enum(StrDeserializer::<Quiet>::new(s)),
            Value::Map(entries) if entries.len() == 1 => visitor.visit_enum(Variant(&entries[0])),
            _ => Err(Quiet),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An enum variant written as a one-entry map: name → content.
struct Variant<'a>(&'a (Value, Value));

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = Quiet;
    type Variant = De<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, De<'de>), Quiet> {
        let (name, content) = self.0;
        Ok((seed.deserialize(De(name))?, De(content)))
    }
}

impl<'de> de::VariantAccess<'de> for De<'de> {
    type Error = Quiet;

    fn unit_variant(self) -> Result<(), Quiet> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Quiet> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Quiet> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Quiet> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

#[cfg(test)]
mod tests {
    use hayagriva::citationberg::Locale;

    use super::*;

    #[test]
    fn bundled_locale_decodes_exactly_as_through_ciborium() {
        let quiet: Locale = from_slice(super::super::EN_US_LOCALE).unwrap();
        let direct: Locale = ciborium::de::from_reader(super::super::EN_US_LOCALE).unwrap();
        assert_eq!(quiet, direct);
        assert!(quiet.terms.as_ref().is_some_and(|t| t.terms.len() > 100));
    }

    #[test]
    fn every_archived_locale_decodes_exactly_as_through_ciborium() {
        // hayagriva's archive holds the same encoding for every language; each must agree.
        for locale in hayagriva::archive::locales() {
            let mut bytes = Vec::new();
            ciborium::ser::into_writer(&locale, &mut bytes).unwrap();
            let quiet: Locale = from_slice(&bytes).unwrap();
            assert_eq!(quiet, locale);
        }
    }

    #[test]
    fn mismatched_data_is_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&vec![1, 2, 3], &mut bytes).unwrap();
        assert_eq!(from_slice::<Locale>(&bytes).unwrap_err(), Quiet);
        assert_eq!(from_slice::<Locale>(b"\xff\x00garbage").unwrap_err(), Quiet);
        let text: Result<String, _> = from_slice(&bytes);
        assert!(text.is_err());
    }
}
