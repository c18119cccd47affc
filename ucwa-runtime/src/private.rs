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

impl<'de> Key<'de> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// The key, borrowed where it could be.
    pub fn into_cow(self) -> Cow<'de, str> {
        self.0
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

/// The error for a text that is none of an enumeration's members.
pub fn not_a_member(expecting: &str, members: &[&str], found: &str) -> String {
    let members: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
    format!(
        "expected {expecting}: one of {}, found `{found}`",
        members.join(", ")
    )
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
/// a links or embedded field keeps under `_links` / `_embedded` (attributes went with the start
/// tag: see [`xml_start_resource`]).
pub fn write_unknown_members(writer: &mut crate::xml::XmlWriter, unknown: &crate::Unknown) {
    use crate::xml::__generic::{self as generic, Under, UnknownKey};
    for (name, value) in unknown.iter() {
        match generic::unknown_key(name, value) {
            UnknownKey::Nested(Under::Links) => {
                if let Some(links) = value.as_object() {
                    for (rel, value) in links {
                        generic::write_links(writer, rel, value);
                    }
                }
            }
            UnknownKey::Nested(Under::Embedded) | UnknownKey::Attribute(_) => {}
            UnknownKey::Property => generic::write_property(writer, name, value),
        }
    }
    if let Some(embedded) = unknown.get("_embedded").and_then(|e| e.as_object()) {
        generic::write_embedded(writer, &crate::Unknown::from(embedded.clone()));
    }
}

/// Opens `<resource>` with the attributes kept among the unknown members.
pub fn xml_start_resource(
    writer: &mut crate::xml::XmlWriter,
    rel: &str,
    self_link: Option<&crate::Link>,
    unknown: &crate::Unknown,
) {
    writer.start_resource_with(
        rel,
        self_link,
        crate::xml::__generic::unknown_attributes(unknown),
    );
}

/// Keeps the attributes of `<resource>` the schema does not describe as `@name` members.
pub fn xml_keep_attributes(
    unknown: &mut crate::Unknown,
    within: &'static str,
    start: &crate::xml::ResourceStart,
) {
    for (name, value) in &start.attributes {
        keep_unknown(
            unknown,
            within,
            crate::xml::__generic::attribute_key(name),
            serde_json::Value::String(value.clone()),
        );
    }
}

/// For a type without an `unknown` field: an attribute it cannot keep is an error.
pub fn xml_refuse_attributes(
    start: &crate::xml::ResourceStart,
    within: &str,
) -> Result<(), crate::DecodeError> {
    match start.attributes.first() {
        Some((name, _)) => Err(xml_error(
            start.offset,
            format!(
                "unknown attribute `{name}` on {within} (add an `#[ucwa(unknown)]` field to keep it)"
            ),
        )),
        None => Ok(()),
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

/// The self link of a resource from its `href` and `title` attributes, taken out of the start
/// tag (nothing reads them after this), not copied.
pub fn self_link(start: &mut crate::xml::ResourceStart) -> Option<crate::Link> {
    let mut link = crate::Link::new(start.href.take()?);
    link.title = start.title.take();
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

// The per-field steps of the XML codecs. The derive output calls one of these from each
// property, link or embedded arm instead of spelling the step out: the code is compiled once
// per field *type* (a few dozen) rather than once per field (over two thousand in the
// generated crate), which is most of what the generated crate costs to build.

/// Reads a property into its slot: a second occurrence, and a value its type does not accept,
/// are errors naming the property.
pub fn xml_property<T: crate::xml::XmlProperty>(
    slot: &mut Option<T>,
    name: &str,
    value: crate::xml::XmlValue<'_>,
    offset: u64,
) -> Result<(), crate::DecodeError> {
    if slot.is_some() {
        return Err(xml_error(offset, format!("duplicate property `{name}`")));
    }
    match T::from_xml(value) {
        Ok(value) => {
            *slot = Some(value);
            Ok(())
        }
        Err(reason) => Err(xml_error(offset, format!("property `{name}`: {reason}"))),
    }
}

/// Adds a `<link>` to the field of its rel.
pub fn xml_link<F>(field: &mut F, rel: &str, link: crate::Link) -> Result<(), String>
where
    F: RelField,
    F::Item: crate::xml::XmlLinkItem,
{
    let item = <F::Item as crate::xml::XmlLinkItem>::from_link(link)
        .map_err(|reason| format!("link `{rel}`: {reason}"))?;
    field
        .push_item(item)
        .map_err(|reason| format!("link `{rel}`: {reason}"))
}

/// Reads an embedded `<resource>` into the field of its rel.
pub fn xml_embedded<F>(
    field: &mut F,
    rel: &str,
    reader: &mut crate::xml::XmlReader<'_>,
    start: crate::xml::ResourceStart,
) -> Result<(), crate::DecodeError>
where
    F: RelField,
    F::Item: crate::xml::XmlResource,
{
    let offset = start.offset;
    let item = <F::Item as crate::xml::XmlResource>::read_xml(reader, start)?;
    field
        .push_item(item)
        .map_err(|reason| xml_error(offset, format!("embedded `{rel}`: {reason}")))
}

/// Writes the items of a link field as `<link rel=..>` elements (`self` is the resource's
/// `href`, written with its start tag).
pub fn xml_write_links<F>(field: &F, rel: &str, writer: &mut crate::xml::XmlWriter)
where
    F: RelField,
    F::Item: crate::xml::XmlLinkItem,
{
    for item in field.items() {
        crate::xml::XmlLinkItem::write_link(item, rel, writer);
    }
}

/// Writes the items of an embedded field as `<resource rel=..>` elements.
pub fn xml_write_embedded<F>(field: &F, rel: &str, writer: &mut crate::xml::XmlWriter)
where
    F: RelField,
    F::Item: crate::xml::XmlResource,
{
    for item in field.items() {
        crate::xml::XmlResource::write_xml(item, writer, rel);
    }
}

// The per-field steps of the JSON codecs, for the same reason as those of XML above.

/// Reads the value of a member into its slot; a second occurrence is an error naming it.
pub fn json_read<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    read_once(map, slot, name, PhantomData::<T>)
}

/// Reads `_links` or `_embedded` into its slot, `null` being none (as for any member).
pub fn json_read_nullable<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de> + Default,
{
    read_once(map, slot, name, NullIsDefault(PhantomData))
}

/// Reads the link(s) or resource(s) under a rel into the slot of its field; a second
/// occurrence is an error naming the rel.
pub fn json_read_rel<'de, A, F>(
    map: &mut A,
    slot: &mut Option<F>,
    rel: &'static str,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    F: RelField,
{
    read_once(map, slot, rel, RelSeed::<F>::new(rel))
}

/// The one rule of the three above: a member is read once.
fn read_once<'de, A, S>(
    map: &mut A,
    slot: &mut Option<S::Value>,
    name: &'static str,
    seed: S,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    S: DeserializeSeed<'de>,
{
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(seed)?);
    Ok(())
}

/// A value whose `null` is its default.
struct NullIsDefault<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> DeserializeSeed<'de> for NullIsDefault<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
    }
}

/// Writes a property that has a value.
pub fn json_property<M, T>(
    map: &mut M,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error>
where
    M: serde::ser::SerializeMap,
    T: Serialize,
{
    match value {
        Some(value) => map.serialize_entry(name, value),
        None => Ok(()),
    }
}

/// Writes the items under a rel, in the shape the field's type declares, unless there are none.
pub fn json_rel<M, F>(map: &mut M, rel: &'static str, field: &F) -> Result<(), M::Error>
where
    M: serde::ser::SerializeMap,
    F: RelField,
{
    if field.is_empty() {
        return Ok(());
    }
    map.serialize_entry(rel, &RelSer(field))
}

/// Decodes a resource from its JSON source, for `ResourceSet::from_json`: the message says
/// what is wrong, the caller where the source was.
pub fn json_resource<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, String> {
    serde_json::from_slice(json).map_err(|e| crate::DecodeError::from_json(&e).message().to_owned())
}
