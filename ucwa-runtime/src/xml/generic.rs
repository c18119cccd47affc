//! Members the schema does not describe, read from XML into the same JSON shape the JSON
//! decoder keeps them in, and written back from it.
//!
//! XML cannot tell a single link or embedded resource from a one-element array, so an unknown
//! rel read from XML is always kept as an array; `self` is always a single link.
//!
//! One rule maps the unknown members of a resource to XML and back (`unknown_key`):
//! - `_links` and `_embedded` holding an object: the unknown links and embedded resources;
//! - `@name` holding a string, `name` being an XML name: the attribute `name` of `<resource>`;
//! - anything else, `_links` or `@..` included when they hold something else: a property.

use serde_json::{Map, Value};

use super::reader::{Item, ResourceStart, XmlReader, XmlValue};
use super::writer::XmlWriter;
use crate::{DecodeError, Link, Unknown};

/// The JSON value of a property read from XML: a string, or an array of strings.
pub fn value_from_xml(value: XmlValue<'_>) -> Value {
    match value {
        XmlValue::Text(text) => Value::String(text.into_owned()),
        XmlValue::List(items) => Value::Array(
            items
                .into_iter()
                .map(|item| Value::String(item.into_owned()))
                .collect(),
        ),
    }
}

/// A link as the JSON value `{"href": .., "title": ..}`.
pub fn link_value(link: Link) -> Value {
    serde_json::to_value(link).unwrap_or(Value::Null)
}

/// What an unknown member of a resource is in XML (see the module's rule).
pub enum UnknownKey<'a> {
    /// Unknown links (`_links`) or embedded resources (`_embedded`).
    Nested(Under),
    /// An attribute of `<resource>`, by name.
    Attribute(&'a str),
    /// A property.
    Property,
}

/// Where the unknown member `key` holding `value` goes in XML.
pub fn unknown_key<'a>(key: &'a str, value: &Value) -> UnknownKey<'a> {
    match (key, value) {
        ("_links", Value::Object(_)) => UnknownKey::Nested(Under::Links),
        ("_embedded", Value::Object(_)) => UnknownKey::Nested(Under::Embedded),
        (_, Value::String(_)) => match key.strip_prefix('@') {
            // Not the names `<resource>` writes itself (a second `rel` would be malformed).
            Some(name) if is_xml_name(name) && !matches!(name, "rel" | "href" | "title") => {
                UnknownKey::Attribute(name)
            }
            _ => UnknownKey::Property,
        },
        _ => UnknownKey::Property,
    }
}

/// The unknown member that keeps the attribute `name` of a `<resource>`.
pub fn attribute_key(name: &str) -> String {
    format!("@{name}")
}

/// An XML name as attributes need one, in ASCII (what the writer may emit unescaped).
fn is_xml_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.to_ascii_lowercase().starts_with("xml")
}

/// The attributes to write on `<resource>` from its unknown members.
pub fn unknown_attributes(unknown: &Map<String, Value>) -> impl Iterator<Item = (&str, &str)> {
    unknown
        .iter()
        .filter_map(|(key, value)| match unknown_key(key, value) {
            UnknownKey::Attribute(name) => value.as_str().map(|text| (name, text)),
            _ => None,
        })
}

/// Where a rel the schema does not know is kept: under `_links` or `_embedded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Under {
    /// `_links`: most rels hold one link, and JSON writes it alone.
    Links,
    /// `_embedded`: most rels hold a collection, and JSON writes an array.
    Embedded,
}

impl Under {
    /// `_links` or `_embedded`.
    pub const fn key(self) -> &'static str {
        match self {
            Under::Links => "_links",
            Under::Embedded => "_embedded",
        }
    }
}

/// Keeps one more item under `rel`. XML cannot tell one item from a list of one, so the first
/// takes the shape JSON mostly gives that kind of rel (a link alone, embedded resources in an
/// array); from the second on, the items are an array.
pub fn push(unknown: &mut Map<String, Value>, under: Under, rel: String, item: Value) {
    match unknown.entry(rel) {
        serde_json::map::Entry::Vacant(entry) => {
            entry.insert(match under {
                Under::Links => item,
                Under::Embedded => Value::Array(vec![item]),
            });
        }
        serde_json::map::Entry::Occupied(mut entry) => match entry.get_mut() {
            Value::Array(items) => items.push(item),
            other => {
                let first = std::mem::take(other);
                *other = Value::Array(vec![first, item]);
            }
        },
    }
}

/// Reads a resource the schema does not describe, to its end, as a JSON value:
/// `{"rel": .., properties.., "_links": {..}, "_embedded": {..}}`.
pub fn read_resource(
    reader: &mut XmlReader<'_>,
    start: ResourceStart,
) -> Result<Value, DecodeError> {
    let mut object = Map::new();
    let mut links = Map::new();
    let mut embedded = Map::new();
    for (name, value) in start.attributes {
        object.insert(attribute_key(&name), Value::String(value));
    }
    if let Some(href) = start.href {
        let mut link = Link::new(href);
        link.title = start.title;
        links.insert("self".to_owned(), link_value(link));
    }
    while let Some(item) = reader.next_item()? {
        match item {
            Item::Property { name, value, .. } => {
                object.insert(name.into_owned(), value_from_xml(value));
            }
            Item::Link { rel, link } => {
                push(&mut links, Under::Links, rel.into_owned(), link_value(link))
            }
            Item::Resource(start) => {
                let rel = start.rel.clone();
                let value = read_resource(reader, start)?;
                push(&mut embedded, Under::Embedded, rel, value);
            }
        }
    }
    if !links.is_empty() {
        object.insert("_links".to_owned(), Value::Object(links));
    }
    if !embedded.is_empty() {
        object.insert("_embedded".to_owned(), Value::Object(embedded));
    }
    Ok(Value::Object(object))
}

/// Writes a JSON-shaped resource as `<resource rel=..>`.
pub fn write_resource(writer: &mut XmlWriter, rel: &str, value: &Value) {
    let Value::Object(object) = value else {
        // Not a resource: keep the value as the text of a property of an empty resource.
        writer.start_resource(rel, None);
        write_property(writer, "value", value);
        writer.end_resource();
        return;
    };
    let links = object.get("_links").and_then(Value::as_object);
    let self_link: Option<Link> = links
        .and_then(|l| l.get("self"))
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    writer.start_resource_with(rel, self_link.as_ref(), unknown_attributes(object));
    if let Some(links) = links {
        for (rel, value) in links.iter().filter(|(rel, _)| rel.as_str() != "self") {
            write_links(writer, rel, value);
        }
    }
    if let Some(rel) = object.get("rel") {
        write_property(writer, "rel", rel);
    }
    for (name, value) in object {
        if name != "rel" && matches!(unknown_key(name, value), UnknownKey::Property) {
            write_property(writer, name, value);
        }
    }
    if let Some(embedded) = object.get("_embedded").and_then(Value::as_object) {
        write_embedded(writer, &Unknown::from(embedded.clone()));
    }
    writer.end_resource();
}

/// Writes the links of one rel: an object or an array of objects.
pub fn write_links(writer: &mut XmlWriter, rel: &str, value: &Value) {
    let one = |writer: &mut XmlWriter, value: &Value| {
        let link: Link = serde_json::from_value(value.clone()).unwrap_or_else(|_| {
            Link::new(
                value
                    .get("href")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            )
        });
        writer.link(rel, &link);
    };
    match value {
        Value::Array(items) => items.iter().for_each(|item| one(writer, item)),
        other => one(writer, other),
    }
}

/// Writes every unknown link.
pub fn write_unknown_links(writer: &mut XmlWriter, unknown: &Unknown) {
    for (rel, value) in unknown.iter() {
        write_links(writer, rel, value);
    }
}

/// Writes every unknown embedded resource.
pub fn write_embedded(writer: &mut XmlWriter, unknown: &Unknown) {
    for (rel, value) in unknown.iter() {
        match value {
            Value::Array(items) => items
                .iter()
                .for_each(|item| write_resource(writer, rel, item)),
            other => write_resource(writer, rel, other),
        }
    }
}

/// Writes a JSON value as a property: strings as text, booleans as `True`/`False`, arrays as a
/// `<propertyList>`, objects (which XML properties cannot hold) as their JSON text.
pub fn write_property(writer: &mut XmlWriter, name: &str, value: &Value) {
    match value {
        Value::Array(items) => writer.property_list(name, items.iter().map(scalar_text)),
        other => writer.property(name, &scalar_text(other)),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
