//! A streaming reader of UCWA's XML representation over quick-xml: it yields the items of one
//! `<resource>` at a time (links, properties, property lists, nested resources), never builds a
//! tree, refuses DTDs (so no entity is ever expanded) and bounds the nesting of resources.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::{DecodeError, Link, Unknown};

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

/// The value of a property, borrowed from the payload where it holds no reference.
#[derive(Debug, PartialEq)]
pub enum XmlValue<'a> {
    /// `<property name="..">text</property>`.
    Text(Cow<'a, str>),
    /// `<propertyList name=".."><item>..</item>..</propertyList>`.
    List(Vec<Cow<'a, str>>),
}

/// As a person reads it in a message: `` `text` ``, or the items of a list.
impl std::fmt::Display for XmlValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlValue::Text(text) => write!(f, "`{text}`"),
            XmlValue::List(items) => {
                f.write_str("a list [")?;
                for (i, item) in items.iter().enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}`{item}`")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// One child of a `<resource>` element.
#[derive(Debug)]
pub enum Item<'a> {
    /// `<link rel href title/>`.
    Link {
        /// The rel.
        rel: Cow<'a, str>,
        /// The link.
        link: Link,
    },
    /// A `<property>` or `<propertyList>`.
    Property {
        /// The `name` attribute.
        name: Cow<'a, str>,
        /// Its value.
        value: XmlValue<'a>,
        /// Byte offset of the element, for errors.
        offset: u64,
    },
    /// A nested `<resource>`; read it to its end (with the decoder of its type, or
    /// [`super::generic::read_resource`]) before asking for the next item.
    Resource(ResourceStart),
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

/// Characters that make a text or an attribute value differ from what is written, absent from
/// a whole payload (UCWA's almost always: no references, no tabs, `\n` line ends).
#[derive(Clone, Copy, Debug)]
struct Plain {
    /// No `\r` anywhere: texts need no line-end normalization.
    no_cr: bool,
    /// No `&`, tab or `\r` anywhere: an attribute value is its own text unless it holds a line
    /// feed (normalization makes it a space).
    no_amp_tab_cr: bool,
}

impl Plain {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let no_cr = memchr::memchr(b'\r', bytes).is_none();
        Plain {
            no_cr,
            no_amp_tab_cr: no_cr && memchr::memchr2(b'&', b'\t', bytes).is_none(),
        }
    }

    /// Whether the raw attributes of a tag are their own values.
    #[inline]
    fn tag(self, attributes: &[u8]) -> bool {
        if self.no_amp_tab_cr {
            !has_line_feed(attributes)
        } else {
            is_plain(attributes)
        }
    }
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

    /// The next item of the resource being read, or `None` at its end tag.
    pub fn next_item(&mut self) -> Result<Option<Item<'a>>, DecodeError> {
        if std::mem::take(&mut self.pending_empty) {
            self.depth -= 1;
            return Ok(None);
        }
        loop {
            let offset = self.reader.buffer_position();
            let (e, empty) = match self.next_event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                Event::Text(t) if is_blank(&t) => continue,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => {
                    return Err(DecodeError::xml(
                        offset,
                        "the document ends inside a <resource>".to_owned(),
                    ));
                }
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        "unexpected text in a <resource>; expected <link>, <property>, <propertyList> or <resource>".to_owned(),
                    ));
                }
            };
            let item = match local(&e).as_ref() {
                "link" => {
                    let item = self.link(&e, offset)?;
                    if !empty {
                        self.expect_end("link")?;
                    }
                    item
                }
                "property" => {
                    let name = name_attribute(self.input, self.plain, &e, offset)?;
                    let text = if empty {
                        Cow::Borrowed("")
                    } else {
                        self.text_until_end("property")?
                    };
                    Item::Property {
                        name,
                        value: XmlValue::Text(text),
                        offset,
                    }
                }
                "propertyList" => {
                    let name = name_attribute(self.input, self.plain, &e, offset)?;
                    let items = if empty { Vec::new() } else { self.items()? };
                    Item::Property {
                        name,
                        value: XmlValue::List(items),
                        offset,
                    }
                }
                "resource" => {
                    let start = self.resource_start(&e, offset, None)?;
                    self.enter(empty, offset)?;
                    Item::Resource(start)
                }
                other => {
                    return Err(DecodeError::xml(
                        offset,
                        format!(
                            "unexpected element <{other}> in a <resource>; expected <link>, <property>, <propertyList> or <resource>"
                        ),
                    ));
                }
            };
            return Ok(Some(item));
        }
    }

    fn link(&self, e: &BytesStart<'a>, offset: u64) -> Result<Item<'a>, DecodeError> {
        let mut rel = None;
        let mut link = Link::default();
        let mut href = None;
        let mut unknown = Unknown::default();
        for_each_attribute(
            self.input,
            self.plain,
            e,
            offset,
            |name, value| match &*name {
                "rel" => rel = Some(value),
                "href" => href = Some(value.into_owned()),
                "title" => link.title = Some(value.into_owned()),
                _ => {
                    crate::audit::record("a link", &name);
                    unknown.insert(
                        name.into_owned(),
                        serde_json::Value::String(value.into_owned()),
                    );
                }
            },
        )?;
        let missing = |what| {
            DecodeError::xml(
                offset,
                format!("a <link> element needs a `{what}` attribute"),
            )
        };
        link.href = href.ok_or_else(|| missing("href"))?.into();
        link.unknown = unknown;
        Ok(Item::Link {
            rel: rel.ok_or_else(|| missing("rel"))?,
            link,
        })
    }

    fn expect_end(&mut self, element: &str) -> Result<(), DecodeError> {
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::End(_) => return Ok(()),
                Event::Text(t) if is_blank(&t) => {}
                Event::Comment(_) => {}
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        format!("a <{element}> element has no content"),
                    ));
                }
            }
        }
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

    /// The `<item>`s of a `<propertyList>`, up to its end tag.
    fn items(&mut self) -> Result<Vec<Cow<'a, str>>, DecodeError> {
        let mut items = Vec::new();
        loop {
            let offset = self.reader.buffer_position();
            match self.next_event()? {
                Event::Start(e) if local(&e) == "item" => items.push(self.text_until_end("item")?),
                Event::Empty(e) if local(&e) == "item" => items.push(Cow::Borrowed("")),
                Event::Text(t) if is_blank(&t) => {}
                Event::Comment(_) => {}
                Event::End(_) => return Ok(items),
                _ => {
                    return Err(DecodeError::xml(
                        offset,
                        "a <propertyList> holds only <item> elements".to_owned(),
                    ));
                }
            }
        }
    }

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

/// Appends what a `&..;` reference stands for: a character, or one of the five predefined
/// entities. Any other entity is refused, never expanded.
fn push_reference(
    text: &mut String,
    r: &quick_xml::events::BytesRef<'_>,
    offset: u64,
) -> Result<(), DecodeError> {
    if r.is_char_ref() {
        match r.resolve_char_ref() {
            Ok(Some(c)) => text.push(c),
            _ => {
                return Err(DecodeError::xml(
                    offset,
                    format!("invalid character reference `&{};`", r.xml10_content()),
                ));
            }
        }
    } else {
        let name = r.xml10_content();
        match resolve_predefined_entity(&name) {
            Some(value) => text.push_str(value),
            None => {
                return Err(DecodeError::xml(
                    offset,
                    format!(
                        "unknown entity `&{name};`: only the five predefined XML entities are accepted"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The name of an element without its prefix. Names are short: a plain loop finds the `:`
/// sooner than a call to a vectorized search would start.
#[inline]
fn local<'e>(e: &'e BytesStart<'_>) -> Cow<'e, str> {
    let name = e.name().into_inner();
    Cow::Borrowed(match name.bytes().position(|b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    })
}

/// Calls `f` with each attribute of an element (local name, unescaped value borrowed from the
/// payload `input` when it holds no reference), skipping namespace declarations.
fn for_each_attribute<'a>(
    input: &'a str,
    plain: Plain,
    e: &BytesStart<'_>,
    offset: u64,
    mut f: impl FnMut(Cow<'a, str>, Cow<'a, str>),
) -> Result<(), DecodeError> {
    // Normalization changes only references and the whitespace characters it replaces; most
    // tags hold neither, and then every value is its raw text. One look at the whole tag
    // instead of one per value (a tag spread over lines is looked at value by value).
    let tag_plain = plain.tag(e.attributes_raw().as_bytes());
    // Attribute names must be unique; quick-xml's own check allocates for every element, and
    // UCWA elements have a handful of attributes, so they are compared here, on the stack.
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    let mut seen: [&str; 8] = [""; 8];
    let mut count = 0;
    let mut more: Vec<&str> = Vec::new();
    for attr in attributes {
        let attr =
            attr.map_err(|err| DecodeError::xml(offset, format!("malformed attribute: {err}")))?;
        let key = attr.key;
        let full = key.into_inner();
        if seen[..count].contains(&full) || more.contains(&full) {
            return Err(DecodeError::xml(
                offset,
                format!("malformed attribute: `{full}` appears twice"),
            ));
        }
        if count < seen.len() {
            seen[count] = full;
            count += 1;
        } else {
            more.push(full);
        }
        if key.as_namespace_binding().is_some() {
            continue;
        }
        // The local name, found as `local` finds an element's (names are short).
        let name = match full.bytes().position(|b| b == b':') {
            Some(colon) => &full[colon + 1..],
            None => full,
        };
        // The names UCWA's elements carry are names; any other is looked at.
        if !matches!(name, "rel" | "href" | "title" | "name") && !super::is_name(name) {
            return Err(DecodeError::xml(
                offset,
                format!("malformed attribute name `{name}`"),
            ));
        }
        let value = if tag_plain || is_plain(attr.value.as_bytes()) {
            attr.value
        } else {
            attr.normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| {
                    DecodeError::xml(offset, format!("malformed value of `{name}`: {err}"))
                })?
        };
        let value = match value {
            Cow::Borrowed(v) => {
                reborrow(input, v).map_or_else(|| Cow::Owned(v.to_owned()), Cow::Borrowed)
            }
            Cow::Owned(v) => Cow::Owned(v),
        };
        let name = reborrow(input, name).map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed);
        f(name, value);
    }
    Ok(())
}

/// Whether attribute text holds no reference (`&`) and no character below space (the tab and
/// line ends that normalization replaces; the others are not XML): then it is its own value.
/// Eight bytes at a time: this runs over every tag of a payload that has a reference or a tab.
fn is_plain(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        let amp = word ^ AMP;
        // A byte below 0x20 (classic "has less than"), or a zero byte of `amp` (an `&`); exact
        // as to whether any byte qualifies, whatever the byte order.
        if ((word.wrapping_sub(SPACE) & !word) | (amp.wrapping_sub(ONES) & !amp)) & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b >= b' ' && b != b'&')
}

/// Whether attribute text holds a line feed: memchr's vector search of one byte, which a tag's
/// hundred bytes of attributes go through in a few steps.
fn has_line_feed(bytes: &[u8]) -> bool {
    memchr::memchr(b'\n', bytes).is_some()
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
const AMP: u64 = u64::from_ne_bytes([b'&'; 8]);
const SPACE: u64 = u64::from_ne_bytes([b' '; 8]);

/// `part`, a slice of `input` that was reached through a shorter borrow, with the lifetime of
/// `input`; `None` if it is not inside `input`. Safe: it slices `input` by the same range.
fn reborrow<'a>(input: &'a str, part: &str) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    input.get(start..start.checked_add(part.len())?)
}

fn name_attribute<'a>(
    input: &'a str,
    plain: Plain,
    e: &BytesStart<'_>,
    offset: u64,
) -> Result<Cow<'a, str>, DecodeError> {
    let mut found = None;
    for_each_attribute(input, plain, e, offset, |name, value| {
        if name == "name" {
            found = Some(value);
        }
    })?;
    found.ok_or_else(|| {
        DecodeError::xml(
            offset,
            format!("a <{}> element needs a `name` attribute", local(e)),
        )
    })
}

/// Whether a text between elements is only XML whitespace (space, tab, line ends), looked at
/// as written: no need to resolve or normalize it to know.
fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Appends to text that is borrowed until a second run makes it owned.
fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time rule `is_plain` must agree with.
    fn plain_slowly(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| b >= b' ' && b != b'&')
    }

    #[test]
    fn plain_agrees_with_the_byte_rule_at_every_position() {
        let base = "/ucwa/oauth/v1/applications/102/é/participants".as_bytes();
        assert!(is_plain(base));
        for len in 0..=base.len() {
            let text = &base[..len];
            assert_eq!(is_plain(text), plain_slowly(text), "{text:?}");
            for at in 0..len {
                for odd in [b'&', b'\t', b'\n', b'\r', 0x00, 0x1f] {
                    let mut changed = text.to_vec();
                    changed[at] = odd;
                    assert!(!is_plain(&changed), "{odd:#x} at {at} of {len}");
                    assert_eq!(has_line_feed(&changed), odd == b'\n', "{odd:#x} at {at}");
                }
                for fine in [b' ', b'%', b'\'', 0x7f, 0x80, 0xff] {
                    let mut changed = text.to_vec();
                    changed[at] = fine;
                    assert_eq!(is_plain(&changed), plain_slowly(&changed));
                    assert!(is_plain(&changed), "{fine:#x} at {at} of {len}");
                    assert!(!has_line_feed(&changed));
                }
            }
        }
    }

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
