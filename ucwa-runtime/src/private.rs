//! Items used by the code that `ucwa-derive` expands to. Not a public API.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::relation::{OneOrMany, RelField};

pub use serde;

/// A map key or string value, borrowed from the payload when it holds no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes the value under one rel into a [`RelField`], naming the rel in any error.
pub struct RelSeed<F> {
    rel: &'static str,
    field: PhantomData<F>,
}

impl<F> RelSeed<F> {
    /// A seed for the rel `rel`.
    pub fn new(rel: &'static str) -> Self {
        RelSeed {
            rel,
            field: PhantomData,
        }
    }
}

impl<'de, F: RelField> DeserializeSeed<'de> for RelSeed<F> {
    type Value = F;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<F, D::Error> {
        let items = OneOrMany::<crate::relation::Wire<F::Item>>::deserialize(deserializer)?;
        F::from_items(items)
            .map_err(|reason| serde::de::Error::custom(format_args!("`{}`: {reason}", self.rel)))
    }
}

/// Serializes a [`RelField`] in the shape its type declares.
pub struct RelSer<'a, F>(pub &'a F);

impl<F: RelField> Serialize for RelSer<'_, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_items(serializer)
    }
}

/// The error for a payload whose `rel` names another resource than the one being decoded.
pub fn wrong_rel<E: serde::de::Error>(expected: &str, found: &str) -> E {
    E::custom(format_args!(
        "expected a `{expected}` resource, found rel `{found}`"
    ))
}

/// What a shared shape accepts, for messages: its own rel first, then those sharing its type.
pub fn expected_rels(members: &[&str]) -> String {
    match members.split_first() {
        Some((own, [])) => format!("a `{own}` resource"),
        Some((own, others)) => {
            let others: Vec<String> = others.iter().map(|r| format!("`{r}`")).collect();
            format!(
                "a `{own}` resource (or {}, which share its type)",
                others.join(", ")
            )
        }
        None => "a resource".to_owned(),
    }
}

/// The error for a payload whose `rel` is none of those a shared shape accepts.
pub fn wrong_rels<E: serde::de::Error>(expected: &[&str], found: &str) -> E {
    E::custom(format_args!(
        "expected {}, found rel `{found}`",
        expected_rels(expected)
    ))
}

/// The error for a member that the type does not know and has no `#[ucwa(unknown)]` field for.
pub fn unknown_member<E: serde::de::Error>(container: &str, key: &str) -> E {
    E::custom(format_args!(
        "unknown member `{key}` in `{container}` (add an `#[ucwa(unknown)]` field to keep it)"
    ))
}

/// An XML decoding error at a byte offset.
pub fn xml_error(offset: u64, message: impl Into<String>) -> crate::DecodeError {
    crate::DecodeError::xml(offset, message.into())
}

/// Writes the unknown members of a resource in XML: properties, then what a resource without
/// a links or embedded field keeps under `_links` / `_embedded`.
pub fn write_unknown_members(writer: &mut crate::xml::XmlWriter, unknown: &crate::Unknown) {
    use crate::xml::__generic as generic;
    for (name, value) in unknown.iter() {
        match name.as_str() {
            "_links" => {
                if let Some(links) = value.as_object() {
                    for (rel, value) in links {
                        generic::write_links(writer, rel, value);
                    }
                }
            }
            "_embedded" => {}
            _ => generic::write_property(writer, name, value),
        }
    }
    if let Some(embedded) = unknown.get("_embedded").and_then(|e| e.as_object()) {
        generic::write_embedded(writer, &crate::Unknown::from(embedded.clone()));
    }
}

/// Keeps a member the type does not know (and notes it for an audit).
pub fn keep_unknown(
    unknown: &mut crate::Unknown,
    within: &'static str,
    name: String,
    value: serde_json::Value,
) {
    crate::audit::record(within, &name);
    unknown.insert(name, value);
}

/// Keeps one more item (a link, an embedded resource) under a rel the type does not know, in
/// the type's own `unknown` field (and notes it for an audit).
pub fn keep_unknown_rel(
    unknown: &mut crate::Unknown,
    within: &'static str,
    under: crate::xml::__generic::Under,
    rel: String,
    item: serde_json::Value,
) {
    crate::audit::record(within, &rel);
    crate::xml::__generic::push(unknown, under, rel, item);
}

/// Keeps one more item under `unknown[_links|_embedded][rel]`, for a resource without a links
/// (or embedded) field (and notes it for an audit).
pub fn push_nested_unknown(
    unknown: &mut crate::Unknown,
    under: crate::xml::__generic::Under,
    rel: String,
    item: serde_json::Value,
) {
    crate::audit::record(under.key(), &rel);
    let nested = unknown
        .entry(under.key().to_owned())
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let serde_json::Value::Object(map) = nested {
        crate::xml::__generic::push(map, under, rel, item);
    }
}

/// The self link of a resource from its `href` and `title` attributes.
pub fn self_link(start: &crate::xml::ResourceStart) -> Option<crate::Link> {
    let mut link = crate::Link::new(start.href.clone()?);
    link.title = start.title.clone();
    Some(link)
}

/// Keeps the self link of a resource without a links field as `unknown._links.self`.
pub fn set_unknown_self(unknown: &mut crate::Unknown, link: crate::Link) {
    crate::audit::record("_links", "self");
    let nested = unknown
        .entry("_links".to_owned())
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let serde_json::Value::Object(map) = nested {
        map.insert("self".to_owned(), crate::xml::__generic::link_value(link));
    }
}
