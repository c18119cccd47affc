//! The schema files as text: JSON with members in a fixed order (serde_json's map sorts them),
//! one line per list item, as the hand-written files were, so that a diff of `schema/` reads
//! item by item.

/// A JSON value whose objects keep the order they were built in.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// As written, so that no number is rounded on its way through.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn object() -> Json {
        Json::Object(Vec::new())
    }

    /// Adds a member (objects only).
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Json {
        if let Json::Object(members) = &mut self {
            members.push((key.to_owned(), value.into()));
        }
        self
    }

    /// Adds a member unless `value` is `None`.
    pub fn with_opt(self, key: &str, value: Option<impl Into<Json>>) -> Json {
        match value {
            Some(value) => self.with(key, value),
            None => self,
        }
    }

    /// Adds a list member unless it is empty.
    pub fn with_list(self, key: &str, items: Vec<Json>) -> Json {
        if items.is_empty() {
            self
        } else {
            self.with(key, Json::Array(items))
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets the member `key` of an object, in place if it is there, else at the end; `Null`
    /// removes it.
    pub fn set(&mut self, key: &str, value: Json) {
        let Json::Object(members) = self else {
            return;
        };
        match (members.iter().position(|(k, _)| k == key), value) {
            (Some(at), Json::Null) => {
                members.remove(at);
            }
            (None, Json::Null) => {}
            (Some(at), value) => members[at].1 = value,
            (None, value) => members.push((key.to_owned(), value)),
        }
    }

    /// As [`Json::set`], but an object set on an object is merged into it member by member
    /// (as a JSON merge patch does), so that an override restates only what it changes.
    pub fn merge(&mut self, key: &str, value: Json) {
        if let (Some(existing @ Json::Object(_)), Json::Object(patch)) = (self.get_mut(key), &value)
        {
            for (k, v) in patch.clone() {
                existing.merge(&k, v);
            }
            return;
        }
        self.set(key, value);
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(members) => members.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// From a parsed value (object members in the parser's order).
    pub fn from_value(value: &serde_json::Value) -> Json {
        use serde_json::Value;
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.to_string()),
            Value::String(s) => Json::String(s.clone()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// The text of a file: two-space indentation; an object or array whose members are all
    /// scalars (or small objects) stays on one line.
    pub fn to_file(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn is_flat(&self) -> bool {
        match self {
            // A list of objects is one item per line; a list of scalars stays on one.
            Json::Array(items) => items
                .iter()
                .all(|i| !matches!(i, Json::Array(_) | Json::Object(_))),
            Json::Object(members) => members
                .iter()
                .all(|(_, v)| !matches!(v, Json::Array(_) | Json::Object(_)) || v.is_flat()),
            _ => true,
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            value if indent > 0 && value.is_flat() => value.write_inline(out),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Object(members) => {
                out.push_str("{\n");
                for (i, (key, value)) in members.iter().enumerate() {
                    pad(out, indent + 1);
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    value.write(out, indent + 1);
                    out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }

    fn write_inline(&self, out: &mut String) {
        match self {
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_inline(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push_str("{ ");
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    value.write_inline(out);
                }
                out.push_str(" }");
            }
            scalar => scalar.write(out, 0),
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}

impl From<&String> for Json {
    fn from(s: &String) -> Json {
        Json::String(s.clone())
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Json {
        Json::Number(n.to_string())
    }
}

impl From<i64> for Json {
    fn from(n: i64) -> Json {
        Json::Number(n.to_string())
    }
}

impl From<u16> for Json {
    fn from(n: u16) -> Json {
        Json::Number(n.to_string())
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Json {
        Json::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_keep_member_order_and_one_line_per_item() {
        let file = Json::object()
            .with("name", "participant")
            .with(
                "properties",
                vec![
                    Json::object()
                        .with("name", "role")
                        .with("type", "enumeration"),
                    Json::object().with("name", "a\"b").with("maxLength", 50u64),
                ],
            )
            .to_file();
        assert_eq!(
            file,
            "{\n  \"name\": \"participant\",\n  \"properties\": [\n    { \"name\": \"role\", \"type\": \"enumeration\" },\n    { \"name\": \"a\\\"b\", \"maxLength\": 50 }\n  ]\n}\n"
        );
    }
}
