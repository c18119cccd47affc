//! Writes UCWA's XML representation, indented like the server's samples.
//!
//! Every text is checked for characters XML 1.0 cannot carry; the first one found, with its
//! place, is what [`XmlWriter::finish`] returns instead of an ill-formed document.

use quick_xml::escape::{escape, partial_escape};

use crate::Link;
use crate::encode_error::{EncodeError, check};

use super::NAMESPACE;

/// The members of a link beyond `href` and `title` that XML carries as attributes of `<link>`.
/// A member XML cannot carry as another attribute (named `rel`, or not an XML name) stays in
/// JSON only.
fn carried_attributes(
    unknown: &crate::Unknown,
) -> impl Iterator<Item = (&String, &serde_json::Value)> {
    unknown
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "rel" | "href" | "title"))
        .filter(|(name, _)| super::is_name(name))
}

/// Builds one XML document.
pub struct XmlWriter {
    out: String,
    depth: usize,
    /// The first text that cannot be written.
    error: Option<EncodeError>,
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter::new()
    }
}

impl XmlWriter {
    /// A document with its XML declaration.
    pub fn new() -> Self {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        XmlWriter {
            out,
            depth: 0,
            error: None,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// Keeps the first failed check.
    fn checked(&mut self, text: &str, place: impl FnOnce() -> String) {
        if self.error.is_none() {
            self.error = check(text, place).err();
        }
    }

    fn attribute(&mut self, name: &str, value: &str) {
        self.checked(value, || format!("attribute `{name}`"));
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.out.push_str(&escape(value));
        self.out.push('"');
    }

    /// Opens `<resource rel href title>` from the resource's rel and self link; the root also
    /// declares the UCWA namespace.
    pub fn start_resource(&mut self, rel: &str, self_link: Option<&Link>) {
        self.start_resource_with(rel, self_link, std::iter::empty());
    }

    /// Opens `<resource rel href title>` with more attributes, names already checked.
    pub fn start_resource_with<'a>(
        &mut self,
        rel: &str,
        self_link: Option<&Link>,
        attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        self.indent();
        self.out.push_str("<resource");
        self.attribute("rel", rel);
        // The attributes of `<resource>` beyond `href` and `title` are the resource's own
        // (`@name` members), so a self link with more attributes than those is written as a
        // `<link rel="self">` child instead, which every reader takes as the self link.
        let self_child =
            self_link.filter(|link| carried_attributes(&link.unknown).next().is_some());
        if let Some(link) = self_link.filter(|_| self_child.is_none()) {
            self.attribute("href", link.href.as_str());
            if let Some(title) = &link.title {
                self.attribute("title", title);
            }
        }
        for (name, value) in attributes {
            self.attribute(name, value);
        }
        if self.depth == 0 {
            self.attribute("xmlns", NAMESPACE);
        }
        self.out.push_str(">\n");
        self.depth += 1;
        if let Some(link) = self_child {
            self.link("self", link);
        }
    }

    /// Closes the innermost `<resource>`.
    pub fn end_resource(&mut self) {
        self.end_element("resource");
    }

    /// `<link rel href title .../>`.
    pub fn link<T: ?Sized>(&mut self, rel: &str, link: &Link<T>) {
        self.link_parts(
            rel,
            link.href.as_str(),
            link.title.as_deref(),
            &link.unknown,
        );
    }

    // Not generic over the link's target, so that it is compiled once.
    fn link_parts(&mut self, rel: &str, href: &str, title: Option<&str>, unknown: &crate::Unknown) {
        self.indent();
        self.out.push_str("<link");
        self.attribute("rel", rel);
        self.attribute("href", href);
        if let Some(title) = title {
            self.attribute("title", title);
        }
        for (name, value) in carried_attributes(unknown) {
            match value {
                serde_json::Value::String(s) => self.attribute(name, s),
                other => self.attribute(name, &other.to_string()),
            }
        }
        self.out.push_str(" />\n");
    }

    /// `<property name="..">text</property>`.
    pub fn property(&mut self, name: &str, text: &str) {
        self.checked(text, || format!("property `{name}`"));
        self.indent();
        self.out.push_str("<property");
        self.attribute("name", name);
        self.out.push('>');
        self.out.push_str(&partial_escape(text));
        self.out.push_str("</property>\n");
    }

    /// `<propertyList name=".."><item>..</item>..</propertyList>`.
    pub fn property_list<S: AsRef<str>>(&mut self, name: &str, items: impl IntoIterator<Item = S>) {
        self.indent();
        self.out.push_str("<propertyList");
        self.attribute("name", name);
        self.out.push_str(">\n");
        self.depth += 1;
        for item in items {
            let item = item.as_ref();
            self.checked(item, || format!("an item of property `{name}`"));
            self.text_element("item", item);
        }
        self.end_element("propertyList");
    }

    /// Opens `<name>` (with the UCWA namespace at the root); `end_element` closes it.
    pub fn start_element(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        if self.depth == 0 {
            self.attribute("xmlns", NAMESPACE);
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Opens `<name attr=..>`, leaving out attributes whose value is `None`.
    pub fn start_element_with(&mut self, name: &str, attributes: &[(&str, Option<&str>)]) {
        self.open(name, attributes);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// Writes `<name attr=.. />`, leaving out attributes whose value is `None`.
    pub fn empty_element_with(&mut self, name: &str, attributes: &[(&str, Option<&str>)]) {
        self.open(name, attributes);
        self.out.push_str(" />\n");
    }

    fn open(&mut self, name: &str, attributes: &[(&str, Option<&str>)]) {
        // Element names come from the code but for an event's type, which a server chooses.
        if self.error.is_none() && !super::is_name(name) {
            self.error = Some(EncodeError::not_a_name(format!("`{name}`")));
        }
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in attributes {
            if let Some(value) = value {
                self.attribute(attribute, value);
            }
        }
        if self.depth == 0 {
            self.attribute("xmlns", NAMESPACE);
        }
    }

    /// Closes `</name>`.
    pub fn end_element(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name>text</name>`.
    pub fn text_element(&mut self, name: &str, text: &str) {
        self.checked(text, || format!("<{name}>"));
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&partial_escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element kept as its source (read from another document), indented as a unit.
    pub fn raw_element(&mut self, source: &str) {
        self.indent();
        self.out.push_str(source.trim());
        self.out.push('\n');
    }

    /// The document, or the first text in it that XML 1.0 cannot carry.
    pub fn finish(self) -> Result<Vec<u8>, EncodeError> {
        match self.error {
            None => Ok(self.out.into_bytes()),
            Some(error) => Err(error),
        }
    }
}
