//! A JSON value that borrows its strings from the text it was read from, for the hot path of
//! the batch simulator: reading a case into a `serde_json::Value` allocates every string and
//! a tree node per object, which cost more than deciding the case. Objects keep what
//! `serde_json::Map` keeps (keys in sorted order, the last value of a repeated key), so code
//! written against this type reads a document exactly as it would read the `Value`.

use std::borrow::Cow;
use std::fmt;
use std::io::Write as _;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Sorted by key, each key once.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Reads JSON text; the errors are serde_json's, as for a `Value`.
    pub fn parse(text: &'a str) -> Result<Json<'a>, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A view of a `Value`, borrowing its strings.
    pub fn from_value(value: &'a Value) -> Json<'a> {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// An object's value for `key`.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        let Json::Object(entries) = self else {
            return None;
        };
        let at = entries
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()?;
        entries.get(at).map(|(_, v)| v)
    }

    /// An object's entries; none for anything else.
    pub fn entries(&self) -> &[(Cow<'a, str>, Json<'a>)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    /// Takes `key` out of an object.
    pub fn take(&mut self, key: &str) -> Option<Json<'a>> {
        let Json::Object(entries) = self else {
            return None;
        };
        let at = entries
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()?;
        Some(entries.remove(at).1)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    /// "a string", "an array", ...: what a JSON value is, for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The compact JSON text of the value, keys in sorted order: what printing the equivalent
    /// `Value` gives, so two values print alike exactly when every text read from them is the
    /// same (numbers keep their spelling: `1`, `1.0` and `-0.0` differ).
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        match self {
            Json::Null => out.extend_from_slice(b"null"),
            Json::Bool(true) => out.extend_from_slice(b"true"),
            Json::Bool(false) => out.extend_from_slice(b"false"),
            Json::Number(n) => {
                // Writing into a Vec cannot fail.
                let _ = write!(out, "{n}");
            }
            Json::String(s) => write_string(out, s),
            Json::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_canonical(out);
                }
                out.push(b']');
            }
            Json::Object(entries) => {
                out.push(b'{');
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, key);
                    out.push(b':');
                    item.write_canonical(out);
                }
                out.push(b'}');
            }
        }
    }
}

/// A JSON string: quoted, and escaped as serde_json escapes.
pub(crate) fn write_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape_into(out, text);
    out.push(b'"');
}

/// Escapes text for the inside of a JSON string as serde_json does: `"` and `\`, and control
/// characters (short forms where JSON has them, else `\u00XX`); everything else as is.
pub(crate) fn escape_into(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    while let Some(at) = first_to_escape(rest) {
        out.extend_from_slice(&rest[..at]);
        let b = rest[at];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
}

/// The position of the first byte JSON needs escaped (a control character, `"` or `\`).
/// Output is mostly ARNs and names with none, so eight bytes are checked at a time.
fn first_to_escape(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `word` is below `n` (n <= 0x80), or is zero.
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGHS != 0;
    let mut at = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        if below(word, 0x20)
            || below(word ^ (ONES * u64::from(b'"')), 1)
            || below(word ^ (ONES * u64::from(b'\\')), 1)
        {
            break;
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map(|i| at + i)
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(value).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(value.to_string())))
    }

    fn visit_string<E>(self, value: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(value)))
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        // Policy and request objects rarely have more keys than this: one allocation each.
        let mut entries: Vec<(Cow<'de, str>, Json<'de>)> = Vec::with_capacity(8);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        // As a map keeps them: sorted, and a repeated key keeps its last value (the stable
        // sort leaves repeats in input order; each later one is swapped into the kept slot).
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        entries.dedup_by(|later, kept| {
            let repeat = later.0 == kept.0;
            if repeat {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            repeat
        });
        Ok(Json::Object(entries))
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(value))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_a_value_does() {
        let texts = [
            r#"{"b": 1, "a": [true, null, -2, 1.5e3, "x\"y"], "b": {"z": {}, "\u0061": []}}"#,
            r#"[1, 1.0, -0.0, 18446744073709551615, -9223372036854775808, "\ud83d\ude00"]"#,
            r#""text""#,
            "3",
        ];
        for text in texts {
            let value: Value = serde_json::from_str(text).unwrap();
            let json = Json::parse(text).unwrap();
            assert_eq!(json.to_value(), value, "{text}");
            assert_eq!(Json::from_value(&value), json, "{text}");
        }
        for bad in ["{", "[1,]", "{\"a\" 1}", "1 2", "\"\\ud800\""] {
            let value_error = serde_json::from_str::<Value>(bad).unwrap_err().to_string();
            assert_eq!(
                Json::parse(bad).unwrap_err().to_string(),
                value_error,
                "{bad}"
            );
        }
    }

    #[test]
    fn canonical_text_is_what_a_value_prints() {
        let texts = [
            r#"{"b": 1, "a": [true, null, -2, 1.5e3, "x\"y\u0001\u001f\t/é"], "b": {"z": {}, "\u0061": []}}"#,
            r#"[1, 1.0, -0.0, 0.1, 1e300, 18446744073709551615, -9223372036854775808]"#,
            r#""text \\ with \b\f\n\r escapes""#,
        ];
        for text in texts {
            let value: Value = serde_json::from_str(text).unwrap();
            let mut out = Vec::new();
            Json::parse(text).unwrap().write_canonical(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string(), "{text}");
        }
    }

    #[test]
    fn escapes_as_serde_json_does() {
        let mut texts: Vec<String> = (0u8..=0x7f).map(|b| char::from(b).to_string()).collect();
        texts.extend([
            String::new(),
            "plain ascii text, long enough for several words".into(),
            "arn:aws:s3:::bucket/\"quoted\"/back\\slash/tab\there".into(),
            "é ü 日本 \u{1f600} \u{7f}\u{80}\u{9f} end".into(),
            "12345678\u{1}2345678\n".into(),
        ]);
        for text in texts {
            let mut out = Vec::new();
            write_string(&mut out, &text);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn canonical_text_tells_apart_numbers_written_differently() {
        let text = |json: &str| {
            let mut out = Vec::new();
            Json::parse(json).unwrap().write_canonical(&mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text("1"), text(" 1 "));
        assert_ne!(text("1"), text("1.0"));
        assert_ne!(text("0.0"), text("-0.0"));
        assert_eq!(
            text(r#"{"a": [1, "x"], "b": 2}"#),
            text(r#"{"b":2,"a":[1,"x"]}"#)
        );
        assert_ne!(text(r#"{"a": 1}"#), text(r#"{"b": 1}"#));
        assert_ne!(text(r#""{}""#), text("{}"));
    }

    #[test]
    fn objects_keep_sorted_keys_and_the_last_repeat() {
        let mut json = Json::parse(r#"{"c": 1, "a": 2, "c": 3}"#).unwrap();
        assert_eq!(json.get("c"), Some(&Json::Number(3.into())));
        assert_eq!(json.take("a"), Some(Json::Number(2.into())));
        assert_eq!(json.get("a"), None);
        assert_eq!(json.take("zz"), None);
    }
}
