//! A streaming reader of UCWA's XML representation over quick-xml: it yields the items of one
//! `<resource>` at a time (links, properties, property lists, nested resources), never builds a
//! tree, refuses DTDs (so no entity is ever expanded) and bounds the nesting of resources.
//!
//! Here the core: the reader, its position (`mark`, `recover`), the root and the end of a
//! document, texts; `items` reads a resource's children, `elements` any other element one by
//! one, and `scanners` what is looked at byte by byte (attributes, references, names).

mod elements;
mod items;
mod scanners;

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

pub use elements::{Element, SimpleChild};
pub use items::{Item, XmlValue};
use scanners::{Plain, append, for_each_attribute, is_blank, local, push_reference};

use crate::DecodeError;

/// How deeply resources may nest inside each other. UCWA nests one or two levels; the limit
/// keeps hostile input from exhausting the stack of the recursive decoders.
pub const MAX_DEPTH: usize = 32;

/// The start tag of a `<resource>`: its `rel` and `href` attributes.
#[derive(Debug)]
pub struct ResourceStart {
    /// The `rel` attribute: the resource's rel at the top level, the embedded rel inside
    /// another resource.
    pub rel: String,
    /// The `href` attribute: the self link.
    pub href: Option<String>,
    /// The `title` attribute: the title of the self link.
    pub title: Option<String>,
    /// Its other attributes (namespace declarations aside), by name, which the schema does not
    /// describe: a resource keeps them among its unknown members as `@name`.
    pub attributes: Vec<(String, String)>,
    /// Byte offset of the start tag, for errors.
    pub offset: u64,
}

/// Reads one XML document.
pub struct XmlReader<'a> {
    input: &'a str,
    reader: Reader<&'a [u8]>,
    /// Resources open around the reading position.
    depth: usize,
    /// Set when the resource just handed out was an empty element `<resource/>`: its content
    /// is already over.
    pending_empty: bool,
    /// Elements open around the reading position, all kinds (for [`XmlReader::recover`]).
    open: usize,
    /// Set once quick-xml reported malformed XML: nothing after it can be trusted.
    broken: bool,
    /// What the whole payload lacks, looked at once in [`XmlReader::new`] (one vector search)
    /// so that each tag and text need not be.
    plain: Plain,
}

/// Where an element started, to come back to its end after a part of it did not decode
/// ([`XmlReader::mark`], [`XmlReader::recover`]).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    offset: u64,
    open: usize,
    depth: usize,
}

impl<'a> XmlReader<'a> {
    /// A reader over a payload; fails if the payload is not UTF-8.
    pub fn new(payload: &'a [u8]) -> Result<Self, DecodeError> {
        let text = std::str::from_utf8(payload).map_err(|e| {
            DecodeError::xml(
                e.valid_up_to() as u64,
                "the payload is not UTF-8".to_owned(),
            )
        })?;
        // quick-xml skips a byte order mark without counting it in the positions that index
        // `input` (`recover`): leave it out of both.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // quick-xml would skip a second one too, and its positions would no longer index
        // `input`; it is not XML anyway (nothing but white space may precede the root).
        if text.starts_with('\u{feff}') {
            return Err(DecodeError::xml(
                (payload.len() - text.len()) as u64,
                "a second byte order mark: at most one may begin the payload".to_owned(),
            ));
        }
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(XmlReader {
            input: text,
            plain: Plain::of(text),
            reader,
            depth: 0,
            pending_empty: false,
            open: 0,
            broken: false,
        })
    }

    /// An error at the current position.
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::xml(self.reader.buffer_position(), message.into())
    }

    // Inlined into each loop over events, so that the event is not moved through a return slot.
    #[inline(always)]
    fn next_event(&mut self) -> Result<Event<'a>, DecodeError> {
        match self.reader.read_event() {
            Ok(event) => {
                match &event {
                    Event::Start(_) => self.open += 1,
                    Event::End(_) => self.open = self.open.saturating_sub(1),
                    _ => {}
                }
                Ok(event)
            }
            Err(e) => {
                self.broken = true;
                Err(DecodeError::xml(
                    self.reader.error_position(),
                    format!("malformed XML: {e}"),
                ))
            }
        }
    }

    /// Marks an element [`XmlReader::next_element`] just returned (before
    /// [`XmlReader::begin_resource`], for a resource), so that if a part of it does not decode,
    /// [`XmlReader::recover`] can skip to its end and give its source: one reading of the
    /// document, not one to find each part and another to decode it.
    pub fn mark(&self, element: &Element<'_>) -> Mark {
        Mark {
            offset: element.offset,
            open: self.open.saturating_sub(usize::from(!element.empty)),
            depth: self.depth,
        }
    }

    /// After a part of the marked element did not decode: reads on to its end tag and returns
    /// its source, start tag to end tag, the reader being ready for what follows it. Fails if
    /// the XML itself is malformed (then nothing after the fault can be read).
    pub fn recover(&mut self, mark: Mark) -> Result<&'a str, DecodeError> {
        if self.broken {
            return Err(self.error("cannot read on after malformed XML"));
        }
        while self.open > mark.open {
            if let Event::Eof = self.next_event()? {
                return Err(self.error("the document ends inside an element"));
            }
        }
        self.depth = mark.depth;
        self.pending_empty = false;
        let end = self.reader.buffer_position() as usize;
        Ok(&self.input[mark.offset as usize..end])
    }

    /// Reads up to the root element, which must be `<root_name>`; returns its start tag and
    /// whether it was an empty element.
    pub fn root(&mut self, root_name: &str) -> Result<(BytesStart<'a>, bool), DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if is_blank(&t) => {}
                Event::DocType(_) => {
                    return Err(DecodeError::xml(
                        offset,
                        "a document type declaration (DTD) is not accepted in a UCWA payload"
                            .to_owned(),
                    ));
                }
                Event::Start(e) | Event::Empty(e) if local(&e) != root_name => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("expected a <{root_name}> element, found <{}>", local(&e)),
                    ));
                }
                Event::Start(e) => return Ok((e, false)),
                Event::Empty(e) => return Ok((e, true)),
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("expected a <{root_name}> element, found the end of the document"),
                    ));
                }
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("expected a <{root_name}> element"),
                    ));
                }
            }
        }
    }

    /// Reads the root `<resource>` element, which must have a `rel`.
    pub fn root_resource(&mut self) -> Result<ResourceStart, DecodeError> {
        self.root_resource_of(None)
    }

    /// Reads the root `<resource>` element of a document decoded into a given type: without a
    /// `rel` attribute, its rel is `rel` (the type says which resource it is, as a JSON
    /// payload without a `rel` member).
    pub fn root_resource_of(&mut self, rel: Option<&str>) -> Result<ResourceStart, DecodeError> {
        let offset = self.reader.buffer_position();
        let (start, empty) = self.root("resource")?;
        let start = self.resource_start(&start, offset, rel)?;
        self.enter(empty, offset)?;
        Ok(start)
    }

    /// Reads the root of an operation's body, `<input>` (`name`), whose properties follow.
    pub fn root_input(&mut self, name: &str, rel: &str) -> Result<ResourceStart, DecodeError> {
        let offset = self.reader.buffer_position();
        let (_, empty) = self.root(name)?;
        self.enter(empty, offset)?;
        Ok(ResourceStart {
            rel: rel.to_owned(),
            href: None,
            title: None,
            attributes: Vec::new(),
            offset,
        })
    }

    /// After the root resource: only whitespace, comments and processing instructions.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if is_blank(&t) => {}
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        "unexpected content after the root element".to_owned(),
                    ));
                }
            }
        }
    }

    fn enter(&mut self, empty: bool, offset: u64) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::xml(
                offset,
                format!("resources nest more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.depth += 1;
        self.pending_empty = empty;
        Ok(())
    }

    fn resource_start(
        &self,
        e: &BytesStart<'_>,
        offset: u64,
        default_rel: Option<&str>,
    ) -> Result<ResourceStart, DecodeError> {
        let mut rel = None;
        let mut href = None;
        let mut title = None;
        let mut attributes = Vec::new();
        for_each_attribute(
            self.input,
            self.plain,
            e,
            offset,
            |name, value| match &*name {
                "rel" => rel = Some(value.into_owned()),
                "href" => href = Some(value.into_owned()),
                "title" => title = Some(value.into_owned()),
                _ => attributes.push((name.into_owned(), value.into_owned())),
            },
        )?;
        let rel = rel
            .or_else(|| default_rel.map(str::to_owned))
            .ok_or_else(|| {
                DecodeError::xml(
                    offset,
                    "a <resource> element needs a `rel` attribute".to_owned(),
                )
            })?;
        Ok(ResourceStart {
            rel,
            href,
            title,
            attributes,
            offset,
        })
    }

    /// The text of an element up to its end tag, with references resolved; borrowed from the
    /// payload when it is one run of text (the common case).
    fn text_until_end(&mut self, element: &str) -> Result<Cow<'a, str>, DecodeError> {
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                // Without a `\r` in the payload, normalizing line ends would change nothing.
                Event::Text(t) if self.plain.no_cr => append(&mut text, t.into_inner()),
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(c) => append(&mut text, c.xml10_content()),
                Event::GeneralRef(r) => push_reference(text.to_mut(), &r, offset)?,
                Event::Comment(_) => {}
                Event::End(_) => return Ok(text),
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("the document ends inside a <{element}>"),
                    ));
                }
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("a <{element}> element holds only text"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first property's text and the resource's `href`, as read.
    fn text_and_href(xml: &str) -> (String, Option<String>) {
        let mut reader = XmlReader::new(xml.as_bytes()).unwrap();
        let start = reader.root_resource_of(None).unwrap();
        match reader.next_item().unwrap() {
            Some(Item::Property {
                value: XmlValue::Text(text),
                ..
            }) => (text.into_owned(), start.href),
            other => panic!("expected a property, found {other:?}"),
        }
    }

    #[test]
    fn line_ends_are_normalized_whatever_else_the_payload_holds() {
        // A payload without `\r`, `&` or tab anywhere takes the shortcut; a line feed inside a tag
        // still becomes a space.
        let plain =
            "<resource rel=\"x\" href=\"/a\nb\">\n<property name=\"p\">1\n2</property></resource>";
        assert_eq!(
            text_and_href(plain),
            ("1\n2".to_owned(), Some("/a b".to_owned()))
        );
        // `\r\n` and `\r` in a text are line feeds, in an attribute spaces.
        let crlf = "<resource rel=\"x\" href=\"/a\r\nb\">\r\n<property name=\"p\">1\r\n2\r3</property></resource>";
        assert_eq!(
            text_and_href(crlf),
            ("1\n2\n3".to_owned(), Some("/a b".to_owned()))
        );
        // A tab elsewhere in the payload: tags are looked at one by one.
        let tab = "<resource rel=\"x\" href=\"/a\nb\">\t<property name=\"p\">1&amp;2</property></resource>";
        assert_eq!(
            text_and_href(tab),
            ("1&2".to_owned(), Some("/a b".to_owned()))
        );
    }

    #[test]
    fn references_and_line_ends_in_attributes_are_still_normalized() {
        // One value of the tag needs work: the tag as a whole is not plain, and each value is
        // looked at on its own.
        let xml = "<resource rel=\"a&amp;b\" href=\"/x\ty\" title=\"t\" xmlns=\"http://schemas.microsoft.com/rtc/2012/03/ucwa\"/>";
        let mut reader = XmlReader::new(xml.as_bytes()).unwrap();
        let start = reader.root_resource_of(None).unwrap();
        assert_eq!(start.rel, "a&b");
        assert_eq!(start.href.as_deref(), Some("/x y"));
        assert_eq!(start.title.as_deref(), Some("t"));
    }
}
