//! The body of a UCWA error response.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::xml::{SimpleChild, XmlReader, XmlWriter};
use crate::{DecodeError, Link, Unknown};

/// What UCWA sends with a 4xx or 5xx status: `{code, subcode, message, parameters, debugInfo}`.
///
/// Only `code` is required; new subcodes appear over time, so both are kept as strings.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The error, e.g. `Conflict`; for synchronous errors it matches the HTTP status.
    pub code: String,
    /// A finer classification, e.g. `AlreadyExists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcode: Option<String>,
    /// A reason in the user's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where to learn more about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// For 400 Bad Request: the request parameters that were not valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Troubleshooting data whose shape may change; worth logging, not parsing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_info: Option<Value>,
    /// Members not listed above.
    #[serde(flatten)]
    pub unknown: Unknown,
    /// The answer's `X-Ms-Diagnostics` header as sent (error ids, the server that answered,
    /// a reason), set by `operation::parse_response`: not a member of the body. `ucwa-client`
    /// reads its fields.
    #[serde(skip)]
    pub diagnostics: Option<String>,
}

impl ErrorBody {
    /// Decodes the XML form, `<reason><code>..</code><subcode>..</subcode>..</reason>`.
    ///
    /// An empty `<parameters/>` or `<debugInfo/>` is `None`, as their absence is in JSON.
    pub fn from_xml(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = XmlReader::new(payload)?;
        let (_, empty) = reader.root("reason")?;
        let body = Self::read_xml(&mut reader, empty)?;
        reader.finish()?;
        Ok(body)
    }

    /// Reads the content of a `<reason>` element whose start tag was read: child by child,
    /// straight into the fields (a member the type names is never held under its name).
    pub fn read_xml(reader: &mut XmlReader<'_>, empty: bool) -> Result<Self, DecodeError> {
        let mut body = ErrorBody::default();
        let mut code = None;
        if !empty {
            while let Some(element) = reader.next_element()? {
                let name = element.simple_key()?;
                let content = reader.simple_element(&element)?;
                let text = |content| match content {
                    SimpleChild::Text(text) => Some(text),
                    _ => None,
                };
                match name {
                    "code" => code = text(content),
                    "subcode" => body.subcode = text(content).filter(|s| !s.is_empty()),
                    "message" => body.message = text(content),
                    "parameters" => body.parameters = bag_value(content),
                    "debugInfo" => body.debug_info = bag_value(content),
                    name => {
                        if let Some(value) = bag_value(content) {
                            crate::audit::record("an error body", name);
                            body.unknown.insert(name.to_owned(), value);
                        }
                    }
                }
            }
        }
        body.code = code.ok_or_else(|| {
            reader.error("an error body needs a <code>: it is the only required member")
        })?;
        Ok(body)
    }

    /// Encodes the XML form (see [`crate::EncodeError`] for what it refuses).
    pub fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError> {
        let mut writer = XmlWriter::new();
        self.write_xml(&mut writer);
        writer.finish()
    }

    /// Writes `<reason>..</reason>` (inside an event, for one).
    pub fn write_xml(&self, writer: &mut XmlWriter) {
        writer.start_element("reason");
        writer.text_element("code", &self.code);
        if let Some(subcode) = &self.subcode {
            writer.text_element("subcode", subcode);
        }
        if let Some(message) = &self.message {
            writer.text_element("message", message);
        }
        for (name, value) in [
            ("parameters", &self.parameters),
            ("debugInfo", &self.debug_info),
        ] {
            if let Some(value) = value {
                write_bag(writer, name, value);
            }
        }
        for (name, value) in self.unknown.iter() {
            write_bag(writer, name, value);
        }
        writer.end_element("reason");
    }
}

/// A child element as a JSON value: text as a string, a bag as an object; empty is `None`.
fn bag_value(child: SimpleChild) -> Option<Value> {
    match child {
        SimpleChild::Empty => None,
        SimpleChild::Text(text) => Some(Value::String(text)),
        SimpleChild::Bag(children) => Some(Value::Object(
            children
                .into_iter()
                .map(|(name, child)| (name, bag_value(child).unwrap_or(Value::Null)))
                .collect(),
        )),
    }
}

/// Writes a member as an element; one whose name cannot be an element's (`a b`) stays in JSON
/// only.
fn write_bag(writer: &mut XmlWriter, name: &str, value: &Value) {
    if !crate::xml::is_name(name) {
        return;
    }
    match value {
        Value::Object(members) => {
            writer.start_element(name);
            for (key, value) in members {
                match value {
                    Value::String(text) => writer.property(key, text),
                    Value::Object(_) => write_bag(writer, key, value),
                    other => writer.property(key, &other.to_string()),
                }
            }
            writer.end_element(name);
        }
        Value::String(text) => writer.text_element(name, text),
        other => writer.text_element(name, &other.to_string()),
    }
}
