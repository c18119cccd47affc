//! The items of a `<resource>`: links, properties, property lists and nested resources, one
//! at a time.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use super::scanners::{for_each_attribute, is_blank, local, name_attribute};
use super::{ResourceStart, XmlReader};
use crate::{DecodeError, Link, Unknown};

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
    /// [`crate::xml::generic::read_resource`]) before asking for the next item.
    Resource(ResourceStart),
}

impl<'a> XmlReader<'a> {
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
}
