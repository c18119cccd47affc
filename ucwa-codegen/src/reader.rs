//! Reading schema JSON with a JSON path for every value, collecting every problem instead of
//! stopping at the first (serde's derive stops at the first and knows no path).

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Location};

/// Parses a file's text as JSON, refusing duplicate object keys (serde_json would silently keep
/// the last one). Syntax errors come back with their line and column.
pub fn parse_json(file: &Path, text: &[u8]) -> Result<Value, Diagnostic> {
    serde_json::from_slice::<StrictValue>(text)
        .map(|v| v.0)
        .map_err(|e| {
            // serde_json appends the position to its message; it is shown as a location instead.
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&suffix).unwrap_or(&message);
            Diagnostic::new(
                file,
                Location::LineColumn(e.line(), e.column()),
                format!("invalid JSON: {message}"),
            )
        })
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{key}` in an object"
                )));
            }
            let StrictValue(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A short description of a JSON value, for "found ..." in messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// A JSON object and its path.
#[derive(Clone, Copy)]
pub struct Obj<'v> {
    pub map: &'v Map<String, Value>,
    pub path: &'v str,
}

/// Reads one file's values, recording problems against that file.
pub struct Reader<'a> {
    file: &'a Path,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Reader { file, diagnostics }
    }

    pub fn error(&mut self, path: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(
            self.file,
            Location::Path(path.to_owned()),
            message,
        ));
    }

    /// `value` as an object whose keys are all in `allowed`.
    pub fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &'v str,
        allowed: &[&str],
    ) -> Option<Obj<'v>> {
        let Value::Object(map) = value else {
            self.error(
                path,
                format!("expected an object, found {}", describe(value)),
            );
            return None;
        };
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let expected = allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.error(
                    &child(path, key),
                    format!("unknown field `{key}`; expected one of {expected}"),
                );
            }
        }
        Some(Obj { map, path })
    }

    fn expect<T>(
        &mut self,
        obj: Obj<'_>,
        key: &str,
        what: &str,
        get: impl FnOnce(&Value) -> Option<T>,
    ) -> Option<T> {
        let value = obj.map.get(key)?;
        let got = get(value);
        if got.is_none() {
            self.error(
                &child(obj.path, key),
                format!("expected {what}, found {}", describe(value)),
            );
        }
        got
    }

    fn missing(&mut self, obj: Obj<'_>, key: &str, what: &str) {
        self.error(obj.path, format!("missing field `{key}` (expected {what})"));
    }

    pub fn opt_str(&mut self, obj: Obj<'_>, key: &str) -> Option<String> {
        self.expect(obj, key, "a string", |v| v.as_str().map(str::to_owned))
    }

    pub fn req_str(&mut self, obj: Obj<'_>, key: &str) -> Option<String> {
        if !obj.map.contains_key(key) {
            self.missing(obj, key, "a string");
            return None;
        }
        self.opt_str(obj, key)
    }

    /// A required string with text in it: names and descriptions.
    pub fn req_text(&mut self, obj: Obj<'_>, key: &str) -> Option<String> {
        let text = self.req_str(obj, key)?;
        if text.trim().is_empty() {
            self.error(
                &child(obj.path, key),
                format!("`{key}` is empty; expected some text"),
            );
            return None;
        }
        Some(text)
    }

    /// A string or `null` (`Some(None)`), or absent (`None`).
    pub fn opt_nullable_str(&mut self, obj: Obj<'_>, key: &str) -> Option<Option<String>> {
        self.expect(obj, key, "a string or null", |v| match v {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            _ => None,
        })
    }

    pub fn opt_bool(&mut self, obj: Obj<'_>, key: &str) -> Option<bool> {
        self.expect(obj, key, "`true` or `false`", Value::as_bool)
    }

    pub fn opt_u64(&mut self, obj: Obj<'_>, key: &str) -> Option<u64> {
        self.expect(obj, key, "a non-negative integer", Value::as_u64)
    }

    /// A required integer in `range`.
    pub fn req_int_in(
        &mut self,
        obj: Obj<'_>,
        key: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Option<u16> {
        let what = format!("an integer from {} to {}", range.start(), range.end());
        if !obj.map.contains_key(key) {
            self.missing(obj, key, &what);
            return None;
        }
        self.expect(obj, key, &what, |v| {
            v.as_u64()
                .filter(|n| range.contains(n))
                .and_then(|n| u16::try_from(n).ok())
        })
    }

    /// The items of an array member with their paths; absent is empty.
    pub fn array<'v>(&mut self, obj: Obj<'v>, key: &str) -> Vec<(String, &'v Value)> {
        let path = child(obj.path, key);
        match obj.map.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}[{i}]"), item))
                .collect(),
            Some(other) => {
                self.error(
                    &path,
                    format!("expected an array, found {}", describe(other)),
                );
                Vec::new()
            }
        }
    }

    pub fn str_array(&mut self, obj: Obj<'_>, key: &str) -> Vec<String> {
        let mut strings = Vec::new();
        for (path, item) in self.array(obj, key) {
            match item.as_str() {
                Some(s) => strings.push(s.to_owned()),
                None => self.error(
                    &path,
                    format!("expected a string, found {}", describe(item)),
                ),
            }
        }
        strings
    }

    /// One of `choices`, as a required string.
    pub fn req_choice(&mut self, obj: Obj<'_>, key: &str, choices: &[&str]) -> Option<String> {
        let expected = choices
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        if !obj.map.contains_key(key) {
            self.missing(obj, key, &format!("one of {expected}"));
            return None;
        }
        let value = self.opt_str(obj, key)?;
        if choices.contains(&value.as_str()) {
            return Some(value);
        }
        self.error(
            &child(obj.path, key),
            format!("unknown {key} {value:?}; expected one of {expected}"),
        );
        None
    }
}

/// The path of member `key` of the object at `path`.
pub fn child(path: &str, key: &str) -> String {
    let simple = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.is_empty();
    if simple {
        format!("{path}.{key}")
    } else {
        format!("{path}[{key:?}]")
    }
}
