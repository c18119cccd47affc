//! UCWA's XML representation (`application/xml`, `application/vnd.microsoft.com.ucwa+xml`):
//! `<resource rel href>` with `<link>`, `<property>`, `<propertyList>` and nested
//! `<resource>` children, in the namespace [`NAMESPACE`].
//!
//! Decoding streams over the input with quick-xml (no tree is built), refuses DTDs and unknown
//! entities, bounds nesting at [`MAX_DEPTH`], and reports errors with their byte offset.

#[doc(hidden)]
pub mod generic;
mod reader;
mod value;
mod writer;

pub use reader::{Element, Item, MAX_DEPTH, Mark, ResourceStart, SimpleChild, XmlReader, XmlValue};
pub use value::{XmlLinkItem, XmlProperty, XmlScalar, scalar_from_xml, scalar_write_xml};
pub use writer::XmlWriter;

#[doc(hidden)]
pub use generic as __generic;

use crate::{DecodeError, Resource};

/// The namespace of UCWA's XML.
pub const NAMESPACE: &str = "http://schemas.microsoft.com/rtc/2012/03/ucwa";

/// Whether `name` can be the name of an XML element or attribute without a prefix (an XML 1.0
/// `Name` without `:`). The reader refuses attributes named otherwise, and the writer leaves out
/// what it would have to name otherwise (a member of a JSON link or error body named `a b`),
/// which XML cannot carry.
pub(crate) fn is_name(name: &str) -> bool {
    // Names on the wire are ASCII words (`rel`, `href`, `xmlns`): decided byte by byte, without
    // decoding characters; any other name takes the full rule below.
    if let [first, rest @ ..] = name.as_bytes()
        && (first.is_ascii_alphabetic() || *first == b'_')
        && rest
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return true;
    }
    fn start(c: char) -> bool {
        matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
            | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
            | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
            | '\u{10000}'..='\u{EFFFF}')
    }
    let mut chars = name.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| {
            start(c)
                || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}'
                    | '\u{203F}'..='\u{2040}')
        })
}

/// A resource in XML. Implemented by `#[derive(ucwa_runtime::Resource)]`.
pub trait XmlResource: Sized {
    /// The root element of a document holding it: `resource`, or `input` for the body of an
    /// operation.
    const ROOT: &'static str = "resource";

    /// Reads the content of a `<resource>` whose start tag was read, up to its end tag.
    fn read_xml(reader: &mut XmlReader<'_>, start: ResourceStart) -> Result<Self, DecodeError>;

    /// Writes the resource as `<resource rel="{rel}" href="{self link}">`.
    fn write_xml(&self, writer: &mut XmlWriter, rel: &str);
}

impl<T: XmlResource> XmlResource for Box<T> {
    fn read_xml(reader: &mut XmlReader<'_>, start: ResourceStart) -> Result<Self, DecodeError> {
        T::read_xml(reader, start).map(Box::new)
    }

    fn write_xml(&self, writer: &mut XmlWriter, rel: &str) {
        (**self).write_xml(writer, rel)
    }
}

/// The `<link>` children of a resource. Implemented by `#[derive(ucwa_runtime::Links)]`.
pub trait XmlLinks: Default {
    /// Takes one `<link>` (the self link arrives as `self`, from the resource's `href`).
    fn push_xml_link(
        &mut self,
        rel: std::borrow::Cow<'_, str>,
        link: crate::Link,
    ) -> Result<(), String>;

    /// Writes every link but `self`, which is the `href` of the resource.
    fn write_xml_links(&self, writer: &mut XmlWriter);
}

/// The nested `<resource>` children of a resource. Implemented by `#[derive(ucwa_runtime::Embedded)]`.
pub trait XmlEmbedded: Default {
    /// Reads one nested resource, whose `rel` attribute is its rel in `_embedded`.
    fn read_xml_embedded(
        &mut self,
        reader: &mut XmlReader<'_>,
        start: ResourceStart,
    ) -> Result<(), DecodeError>;

    /// Writes every embedded resource.
    fn write_xml_embedded(&self, writer: &mut XmlWriter);
}

/// Decodes an XML payload into a resource.
///
/// ```
/// #[derive(Debug, ucwa_runtime::Resource)]
/// #[ucwa(rel = "participant")]
/// struct Participant {
///     name: Option<String>,
///     in_lobby: Option<bool>,
///     #[ucwa(links)]
///     links: ParticipantLinks,
/// }
/// #[derive(Debug, Default, ucwa_runtime::Links)]
/// struct ParticipantLinks {
///     #[ucwa(rel = "self")]
///     self_: Option<ucwa_runtime::Link>,
/// }
///
/// let xml = br#"<resource rel="participant" href="/p/1" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
///   <property name="name">Joe Smith</property>
///   <property name="inLobby">True</property>
/// </resource>"#;
/// let participant: Participant = ucwa_runtime::xml::from_slice(xml).unwrap();
/// assert_eq!(participant.links.self_.unwrap().href.as_str(), "/p/1");
/// assert_eq!(participant.name.as_deref(), Some("Joe Smith"));
/// assert_eq!(participant.in_lobby, Some(true));
/// ```
pub fn from_slice<T: Resource>(payload: &[u8]) -> Result<T, DecodeError> {
    let mut reader = XmlReader::new(payload)?;
    if T::ROOT != "resource" {
        let start = reader.root_input(T::ROOT, T::REL)?;
        let input = T::read_xml(&mut reader, start)?;
        reader.finish()?;
        return Ok(input);
    }
    let start = reader.root_resource_of(Some(T::REL))?;
    if !T::accepts_rel(&start.rel) {
        return Err(DecodeError::xml(
            start.offset,
            format!(
                "expected {}, found rel `{}`",
                crate::__private::expected_rels(T::RELS),
                start.rel
            ),
        ));
    }
    let resource = T::read_xml(&mut reader, start)?;
    reader.finish()?;
    Ok(resource)
}

/// Decodes an XML payload held in a string.
pub fn from_str<T: Resource>(payload: &str) -> Result<T, DecodeError> {
    from_slice(payload.as_bytes())
}

/// Encodes a resource as an XML payload.
pub fn to_vec<T: Resource>(resource: &T) -> Result<Vec<u8>, crate::EncodeError> {
    let mut writer = XmlWriter::new();
    resource.write_xml(&mut writer, resource.rel());
    writer.finish()
}

/// Encodes a resource as an XML payload in a string.
pub fn to_string<T: Resource>(resource: &T) -> Result<String, crate::EncodeError> {
    // The writer writes only `str`s.
    to_vec(resource).map(|bytes| String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_names_take_the_short_way_and_agree_with_the_rule() {
        for name in ["rel", "href", "a-b.c_d9", "_x", "xmlns", "Z"] {
            assert!(super::is_name(name), "{name}");
        }
        for name in ["", "9a", "-a", ".a", "a b", "a:b", "a&b", "a/"] {
            assert!(!super::is_name(name), "{name}");
        }
        // Beyond ASCII, the full rule decides.
        assert!(super::is_name("émile"));
        assert!(super::is_name("a\u{B7}b"));
        assert!(!super::is_name("\u{B7}b"));
    }
}
