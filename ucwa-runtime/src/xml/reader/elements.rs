//! Elements read one by one, for what is not a resource (the event channel's batches, the
//! error body): [`Element`], its text, its simple content, or the resource it starts.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use super::scanners::{
    Plain, append, for_each_attribute, is_blank, local, name_attribute, push_reference, reborrow,
};
use super::{MAX_DEPTH, ResourceStart, XmlReader};
use crate::DecodeError;

impl<'a> XmlReader<'a> {
    fn element(
        &self,
        e: &BytesStart<'_>,
        empty: bool,
        offset: u64,
    ) -> Result<Element<'a>, DecodeError> {
        let mut attributes = Vec::new();
        for_each_attribute(self.input, self.plain, e, offset, |name, value| {
            attributes.push((name, value));
        })?;
        let name = local(e);
        Ok(Element {
            name: reborrow(self.input, &name)
                .map_or_else(|| Cow::Owned(name.into_owned()), Cow::Borrowed),
            attributes,
            empty,
            offset,
        })
    }

    /// Reads up to the root element, which must be `<root_name>`.
    pub fn root_element(&mut self, root_name: &str) -> Result<Element<'a>, DecodeError> {
        let offset = self.reader.buffer_position();
        let (start, empty) = self.root(root_name)?;
        self.element(&start, empty, offset)
    }

    /// The next child element of the element being read (text between elements must be
    /// whitespace), or `None` at its end tag. A child that is not empty must be read to its
    /// end before the next call.
    pub fn next_element(&mut self) -> Result<Option<Element<'a>>, DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Start(e) => return self.element(&e, false, offset).map(Some),
                Event::Empty(e) => return self.element(&e, true, offset).map(Some),
                Event::End(_) => return Ok(None),
                Event::Text(t) if is_blank(&t) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        "the document ends inside an element".to_owned(),
                    ));
                }
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        "unexpected text; expected an element".to_owned(),
                    ));
                }
            }
        }
    }

    /// Reads the rest of an element started by [`XmlReader::next_element`], discarding it.
    pub fn skip_element(&mut self, element: &Element<'_>) -> Result<(), DecodeError> {
        if element.empty {
            return Ok(());
        }
        let mut depth = 1usize;
        while depth > 0 {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("the document ends inside <{}>", element.name),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The text of an element started by [`XmlReader::next_element`], up to its end tag.
    pub fn element_text(&mut self, element: &Element<'_>) -> Result<String, DecodeError> {
        if element.empty {
            return Ok(String::new());
        }
        self.text_until_end(&element.name).map(Cow::into_owned)
    }

    /// Turns a `<resource>` element found by [`XmlReader::next_element`] into the start of a
    /// resource, to be read with a resource decoder.
    pub fn begin_resource(&mut self, element: &Element<'_>) -> Result<ResourceStart, DecodeError> {
        let rel = element.attribute("rel").ok_or_else(|| {
            DecodeError::xml(
                element.offset,
                "a <resource> element needs a `rel` attribute".to_owned(),
            )
        })?;
        let start = ResourceStart {
            rel: rel.to_owned(),
            href: element.attribute("href").map(str::to_owned),
            title: element.attribute("title").map(str::to_owned),
            attributes: element
                .attributes
                .iter()
                .filter(|(name, _)| !matches!(&**name, "rel" | "href" | "title"))
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            offset: element.offset,
        };
        self.enter(element.empty, element.offset)?;
        Ok(start)
    }

    /// The content of a child of a simple element such as `<reason>`, started by
    /// [`XmlReader::next_element`], up to its end tag: its text, or nested `<name>text</name>`
    /// pairs and `<property name="..">` entries (`<debugInfo>..</debugInfo>`). Used by the
    /// error body, which reads its children one by one with [`XmlReader::next_element`].
    pub fn simple_element(&mut self, element: &Element<'_>) -> Result<SimpleChild, DecodeError> {
        if element.empty {
            return Ok(SimpleChild::Empty);
        }
        self.simple_content(&element.name, 2)
    }

    fn simple_content(&mut self, element: &str, level: usize) -> Result<SimpleChild, DecodeError> {
        // Borrowed until a second run of text (or a reference): the white space between
        // children costs nothing, a leaf's text is copied once.
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let mut bag = Vec::new();
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Text(t) if self.plain.no_cr => append(&mut text, t.into_inner()),
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(c) => append(&mut text, c.xml10_content()),
                Event::GeneralRef(r) => push_reference(text.to_mut(), &r, offset)?,
                Event::Start(_) | Event::Empty(_) if level >= MAX_DEPTH => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("elements nest more than {MAX_DEPTH} levels deep"),
                    ));
                }
                Event::Start(e) => {
                    let name = child_name(self.input, self.plain, &e, offset)?;
                    let child = self.simple_content(&local(&e), level + 1)?;
                    bag.push((name, child));
                }
                Event::Empty(e) => bag.push((
                    child_name(self.input, self.plain, &e, offset)?,
                    SimpleChild::Empty,
                )),
                Event::Comment(_) | Event::PI(_) => {}
                Event::End(_) => {
                    if bag.is_empty() {
                        return Ok(SimpleChild::Text(text.into_owned()));
                    }
                    if !text.trim().is_empty() {
                        return Err(DecodeError::xml(
                            offset,
                            format!("<{element}> mixes text and elements"),
                        ));
                    }
                    return Ok(SimpleChild::Bag(bag));
                }
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("the document ends inside <{element}>"),
                    ));
                }
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("unexpected content in <{element}>"),
                    ));
                }
            }
        }
    }
}

/// A child element read by [`XmlReader::next_element`], borrowed from the payload where it
/// can be (names always, values without references).
#[derive(Debug)]
pub struct Element<'a> {
    /// The local name.
    pub name: Cow<'a, str>,
    /// The attributes, unescaped, by local name (namespace declarations left out).
    pub attributes: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Whether it was an empty element `<name/>` (it then has no children to read).
    pub empty: bool,
    /// Byte offset of its start tag, for errors.
    pub offset: u64,
}

impl Element<'_> {
    /// The value of attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &**v)
    }
}

/// The content of a child of a simple element.
#[derive(Debug, PartialEq)]
pub enum SimpleChild {
    /// `<name/>`.
    Empty,
    /// `<name>text</name>`.
    Text(String),
    /// `<name><child>..</child>..</name>`, children by name (a `<property>`'s `name`).
    Bag(Vec<(String, SimpleChild)>),
}

impl Element<'_> {
    /// Its key as a child of a simple element: a `<property>`'s `name`, else its name.
    pub fn simple_key(&self) -> Result<&str, DecodeError> {
        if self.name != "property" {
            return Ok(&self.name);
        }
        self.attribute("name").ok_or_else(|| {
            DecodeError::xml(
                self.offset,
                "a <property> element needs a `name` attribute".to_owned(),
            )
        })
    }
}

/// The key of a child of a simple element: a `<property>`'s `name`, else the element's name.
fn child_name(
    input: &str,
    plain: Plain,
    e: &BytesStart<'_>,
    offset: u64,
) -> Result<String, DecodeError> {
    if local(e) == "property" {
        name_attribute(input, plain, e, offset).map(Cow::into_owned)
    } else {
        Ok(local(e).into_owned())
    }
}
