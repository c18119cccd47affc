//! The `_links` and `_embedded` of resources that have nothing else there: most UCWA
//! resources embed nothing, and the operation resources link only to themselves. One type for
//! each, here, instead of one generated (and derived, and compiled) per resource.

use crate::{Link, Unknown};

/// The `_links` of a resource whose only link the schema knows is `self`; any other link is
/// kept in `unknown` and written back.
#[derive(Clone, Debug, Default, PartialEq, crate::Links)]
pub struct SelfLinkOnly {
    /// The link to the resource itself, which identifies it.
    #[ucwa(rel = "self")]
    pub self_: Option<Link>,
    /// Links the schema does not describe, kept so they are written back.
    #[ucwa(unknown)]
    pub unknown: Unknown,
}

/// The `_embedded` of a resource the schema gives no embedded resources; whatever arrives is
/// kept in `unknown` and written back.
#[derive(Clone, Debug, Default, PartialEq, crate::Embedded)]
pub struct NoEmbedded {
    /// Embedded resources the schema does not describe, kept so they are written back.
    #[ucwa(unknown)]
    pub unknown: Unknown,
}

/// The rel of a [`Bare`] resource, as a type: a zero-sized marker the generated code declares
/// for each such resource (`AcceptRel` for `accept`), so that `Bare<AcceptRel>` is a type of its
/// own with its rel known at compile time.
pub trait BareRel: Copy + Default + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The rel, e.g. `accept`.
    const REL: &'static str;
}

/// A resource with no properties, links or embedded resources of its own: most operation
/// resources (`accept`, `addAudio`, `cancel`, …) are only a rel and a `self` link to POST to.
///
/// One generic type with its codecs written once, here, instead of one derived struct per
/// resource: a hundred of them would otherwise each compile their own visitors. The generated
/// bindings name each one (`pub type Accept = Bare<AcceptRel>`), so a value still has its own
/// type and [`Resource::REL`](crate::Resource::REL). What a payload carries beyond the self
/// link is kept (`links.unknown`, `embedded.unknown`, `unknown`) and written back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bare<R: BareRel> {
    /// Its rel: the marker type, which has one value.
    pub rel: R,
    /// Links to related resources and operations.
    pub links: SelfLinkOnly,
    /// Resources embedded in this one.
    pub embedded: NoEmbedded,
    /// Properties no schema describes, kept so they are written back.
    pub unknown: Unknown,
}

impl<R: BareRel> crate::RelItem for Bare<R> {
    type Wire = Self;

    fn from_wire(wire: Self) -> Self {
        wire
    }
}

impl<R: BareRel> crate::Resource for Bare<R> {
    const REL: &'static str = R::REL;

    fn self_link(&self) -> Option<&Link> {
        crate::Links::self_link(&self.links)
    }
}

// The codecs below take the rel as a value and do their work in functions that are not generic
// over the marker, so that the hundred bare resources share one copy of each (per serde
// format) instead of compiling one each.

impl<R: BareRel> serde::Serialize for Bare<R> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_bare(
            R::REL,
            &self.links,
            &self.embedded,
            &self.unknown,
            serializer,
        )
    }
}

fn serialize_bare<S: serde::Serializer>(
    rel: &str,
    links: &SelfLinkOnly,
    embedded: &NoEmbedded,
    unknown: &Unknown,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("rel", rel)?;
    if !crate::Links::is_empty(links) {
        map.serialize_entry("_links", links)?;
    }
    if !crate::Embedded::is_empty(embedded) {
        map.serialize_entry("_embedded", embedded)?;
    }
    for (key, value) in unknown.iter() {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// What a bare resource holds but its marker.
#[derive(Default)]
struct Parts {
    links: SelfLinkOnly,
    embedded: NoEmbedded,
    unknown: Unknown,
}

impl<R: BareRel> Bare<R> {
    fn from_parts(parts: Parts) -> Self {
        Bare {
            rel: R::default(),
            links: parts.links,
            embedded: parts.embedded,
            unknown: parts.unknown,
        }
    }
}

impl<'de, R: BareRel> serde::Deserialize<'de> for Bare<R> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(PartsVisitor { rel: R::REL })
            .map(Bare::from_parts)
    }
}

struct PartsVisitor {
    rel: &'static str,
}

impl<'de> serde::de::Visitor<'de> for PartsVisitor {
    type Value = Parts;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a `{}` resource (a JSON object)", self.rel)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Parts, A::Error> {
        use crate::__private::{Key, wrong_rel};

        let mut links = None;
        let mut embedded = None;
        let mut unknown = Unknown::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "rel" => {
                    // `null` is no rel, as for any member.
                    if let Some(rel) = map.next_value::<Option<Key<'de>>>()?
                        && rel.as_str() != self.rel
                    {
                        return Err(wrong_rel(self.rel, rel.as_str()));
                    }
                }
                "_links" => crate::__private::json_read_nullable(&mut map, &mut links, "_links")?,
                "_embedded" => {
                    crate::__private::json_read_nullable(&mut map, &mut embedded, "_embedded")?
                }
                _ => {
                    crate::__private::keep_unknown(
                        &mut unknown,
                        "a bare resource",
                        key.into_string(),
                        map.next_value()?,
                    );
                }
            }
        }
        Ok(Parts {
            links: links.unwrap_or_default(),
            embedded: embedded.unwrap_or_default(),
            unknown,
        })
    }
}

impl<R: BareRel> crate::xml::XmlResource for Bare<R> {
    fn read_xml(
        reader: &mut crate::xml::XmlReader<'_>,
        start: crate::xml::ResourceStart,
    ) -> Result<Self, crate::DecodeError> {
        read_xml_parts(R::REL, reader, start).map(Bare::from_parts)
    }

    fn write_xml(&self, writer: &mut crate::xml::XmlWriter, rel: &str) {
        write_xml_parts(
            rel,
            R::REL,
            &self.links,
            &self.embedded,
            &self.unknown,
            writer,
        );
    }
}

fn read_xml_parts(
    own_rel: &str,
    reader: &mut crate::xml::XmlReader<'_>,
    mut start: crate::xml::ResourceStart,
) -> Result<Parts, crate::DecodeError> {
    use crate::__private::xml_error;
    use crate::xml::{__generic as generic, Item, XmlEmbedded, XmlLinks, XmlValue};

    let mut parts = Parts::default();
    crate::__private::xml_keep_attributes(&mut parts.unknown, "a bare resource", &start);
    if let Some(link) = crate::__private::self_link(&mut start) {
        parts
            .links
            .push_xml_link("self".into(), link)
            .map_err(|m| xml_error(start.offset, m))?;
    }
    while let Some(item) = reader.next_item()? {
        match item {
            Item::Property {
                name,
                value,
                offset,
            } => {
                if &*name == "rel" {
                    if value != XmlValue::Text(own_rel.into()) {
                        return Err(xml_error(
                            offset,
                            format!("expected a `{own_rel}` resource, found rel {value}"),
                        ));
                    }
                } else {
                    crate::__private::keep_unknown(
                        &mut parts.unknown,
                        "a bare resource",
                        name.into_owned(),
                        generic::value_from_xml(value),
                    );
                }
            }
            Item::Link { rel, link } => parts
                .links
                .push_xml_link(rel, link)
                .map_err(|m| reader.error(m))?,
            Item::Resource(nested) => parts.embedded.read_xml_embedded(reader, nested)?,
        }
    }
    Ok(parts)
}

fn write_xml_parts(
    rel: &str,
    own_rel: &str,
    links: &SelfLinkOnly,
    embedded: &NoEmbedded,
    unknown: &Unknown,
    writer: &mut crate::xml::XmlWriter,
) {
    use crate::xml::{XmlEmbedded, XmlLinks};
    crate::__private::xml_start_resource(writer, rel, crate::Links::self_link(links), unknown);
    links.write_xml_links(writer);
    writer.property("rel", own_rel);
    crate::__private::write_unknown_members(writer, unknown);
    embedded.write_xml_embedded(writer);
    writer.end_resource();
}
