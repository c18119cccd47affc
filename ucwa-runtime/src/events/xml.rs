//! Event batches in XML: read once with the streaming reader, an event or resource that does
//! not decode skipped in place and kept as its source; written with `XmlWriter`.

use std::borrow::Cow;

use serde_json::Value;

use super::{Event, EventBatch, EventType, ResourceSet, Sender, Source, Undecoded, Unreadable};
use crate::xml::{Element, XmlReader};
use crate::{DecodeError, ErrorBody, Link, Unknown};

impl<R: ResourceSet> EventBatch<R> {
    /// Decodes an XML batch: `<events href><link rel="next"/><sender rel href><added rel href>
    /// [<resource>..</resource>]</added>..</sender></events>`.
    pub fn from_xml(payload: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = XmlReader::new(payload)?;
        let root = reader.root_element("events")?;
        let mut batch = EventBatch {
            self_link: root.attribute("href").map(Link::new),
            ..EventBatch::default()
        };
        keep_unknown_attributes(&mut batch.unknown, "an event batch", &root, &["href"]);
        if !root.empty {
            while let Some(child) = reader.next_element()? {
                match &*child.name {
                    "link" => {
                        let (rel, link) = link_with_attributes(&child)?;
                        reader.skip_element(&child)?;
                        match rel.as_str() {
                            "self" => batch.self_link = Some(link),
                            "next" => batch.next = Some(link),
                            "resync" => batch.resync = Some(link),
                            "resume" => batch.resume = Some(link),
                            _ => {
                                crate::audit::record("the links of an event batch", &rel);
                                crate::xml::__generic::push(
                                    &mut batch.unknown_links,
                                    crate::xml::__generic::Under::Links,
                                    rel,
                                    crate::xml::__generic::link_value(link),
                                )
                            }
                        }
                    }
                    "sender" => batch.senders.push(sender_from_xml(&mut reader, &child)?),
                    other => {
                        return Err(reader.error(format!(
                            "unexpected <{other}> in <events>; expected <link> or <sender>"
                        )));
                    }
                }
            }
        }
        reader.finish()?;
        Ok(batch)
    }

    pub(super) fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError> {
        let mut writer = crate::xml::XmlWriter::new();
        let href = self.self_link.as_ref().map(|l| l.href.as_str());
        let mut attributes = vec![("href", href.map(Cow::Borrowed))];
        attributes.extend(unknown_attributes(&self.unknown));
        writer.start_element_with("events", &borrowed(&attributes));
        // `<events href>` carries an href only: a self link with more is also a child.
        if let Some(link) = self
            .self_link
            .as_ref()
            .filter(|l| l.title.is_some() || !l.unknown.is_empty())
        {
            writer.link("self", link);
        }
        for (rel, link) in [
            ("next", &self.next),
            ("resync", &self.resync),
            ("resume", &self.resume),
        ] {
            if let Some(link) = link {
                writer.link(rel, link);
            }
        }
        crate::xml::__generic::write_unknown_links(&mut writer, &self.unknown_links);
        for sender in &self.senders {
            let mut attributes = vec![
                ("rel", Some(Cow::Borrowed(sender.rel.as_str()))),
                ("href", Some(Cow::Borrowed(sender.href.as_str()))),
            ];
            attributes.extend(unknown_attributes(&sender.unknown));
            writer.start_element_with("sender", &borrowed(&attributes));
            for event in &sender.events {
                let name = crate::Enumeration::as_str(&event.event_type).to_owned();
                let mut attributes = vec![
                    ("rel", Some(Cow::Borrowed(event.rel.as_str()))),
                    ("href", Some(Cow::Borrowed(event.link.href.as_str()))),
                    ("title", event.link.title.as_deref().map(Cow::Borrowed)),
                    ("status", event.status.as_deref().map(Cow::Borrowed)),
                ];
                attributes.extend(unknown_attributes(&event.unknown));
                let attributes = borrowed(&attributes);
                let undecoded = event.undecoded.as_ref();
                // The event's element carries its link's `rel`, `href` and `title`; its other
                // attributes are the event's own, so a link with more is also a
                // `<link rel="self">` child.
                let link_child = !event.link.unknown.is_empty();
                let empty = event.resource.is_none()
                    && undecoded.is_none()
                    && event.in_link.is_none()
                    && event.reason.is_none()
                    && !link_child;
                if empty {
                    writer.empty_element_with(&name, &attributes);
                    continue;
                }
                writer.start_element_with(&name, &attributes);
                if link_child {
                    writer.link("self", &event.link);
                }
                if let Some(link) = &event.in_link {
                    let mut attributes = vec![
                        ("rel", event.in_rel.as_deref().map(Cow::Borrowed)),
                        ("href", Some(Cow::Borrowed(link.href.as_str()))),
                        ("title", link.title.as_deref().map(Cow::Borrowed)),
                    ];
                    attributes.extend(
                        unknown_attributes(&link.unknown)
                            .filter(|(name, _)| !matches!(*name, "rel" | "href" | "title"))
                            .filter(|(name, _)| crate::xml::is_name(name)),
                    );
                    writer.empty_element_with("in", &borrowed(&attributes));
                }
                if let Some(resource) = &event.resource {
                    resource.write_xml(&mut writer);
                }
                match undecoded.map(|u| (&u.rel, &u.source)) {
                    Some((_, Source::Xml(source))) => writer.raw_element(source),
                    // Kept as JSON: written by the one rule for what the schema does not
                    // describe, as any unknown resource is.
                    Some((rel, Source::Json(value))) => {
                        crate::xml::__generic::write_resource(&mut writer, rel, value)
                    }
                    None => {}
                }
                if let Some(reason) = &event.reason {
                    reason.write_xml(&mut writer);
                }
                writer.end_element(&name);
            }
            for (i, unreadable) in sender.unreadable.iter().enumerate() {
                match &unreadable.source {
                    Source::Xml(source) => writer.raw_element(source),
                    // No event type, no link: nothing XML could name it by. Refused rather
                    // than left out, so that no batch is written shorter than it was read.
                    Source::Json(_) => {
                        return Err(crate::EncodeError::source_only(
                            format!(
                                "unreadable event {i} of sender `{}` ({})",
                                sender.rel, sender.href
                            ),
                            crate::Format::Xml,
                            unreadable.error.to_string(),
                        ));
                    }
                }
            }
            writer.end_element("sender");
        }
        writer.end_element("events");
        writer.finish()
    }
}

/// Keeps the attributes of an XML element not in `known`, as strings (and notes them for an
/// audit): what JSON carries as members of the same object.
fn keep_unknown_attributes(
    unknown: &mut Unknown,
    within: &'static str,
    element: &Element<'_>,
    known: &[&str],
) {
    for (name, value) in &element.attributes {
        if !known.contains(&&**name) {
            crate::audit::record(within, name);
            unknown.insert(name.to_string(), Value::String(value.to_string()));
        }
    }
}

/// Unknown members written as XML attributes: strings as they are, other values as their JSON.
fn unknown_attributes(unknown: &Unknown) -> impl Iterator<Item = (&str, Option<Cow<'_, str>>)> {
    unknown.iter().map(|(name, value)| {
        let text = match value {
            Value::String(s) => Cow::Borrowed(s.as_str()),
            other => Cow::Owned(other.to_string()),
        };
        (name.as_str(), Some(text))
    })
}

/// The attribute list `XmlWriter` takes.
fn borrowed<'a>(
    attributes: &'a [(&'a str, Option<Cow<'a, str>>)],
) -> Vec<(&'a str, Option<&'a str>)> {
    attributes
        .iter()
        .map(|(name, value)| (*name, value.as_deref()))
        .collect()
}

/// A `<link>` (or `<in>`) element: its attributes beyond `rel`, `href` and `title` are the
/// link's own, kept in its `unknown` as JSON keeps a link's other members.
fn link_with_attributes(element: &Element<'_>) -> Result<(String, Link), DecodeError> {
    let (rel, mut link) = link_from_xml(element)?;
    keep_unknown_attributes(
        &mut link.unknown,
        "a link",
        element,
        &["rel", "href", "title"],
    );
    Ok((rel, link))
}

fn link_from_xml(element: &Element<'_>) -> Result<(String, Link), DecodeError> {
    let missing = |what: &str| {
        DecodeError::xml(
            element.offset,
            format!("a <{}> element needs a `{what}` attribute", element.name),
        )
    };
    let rel = element.attribute("rel").ok_or_else(|| missing("rel"))?;
    let href = element.attribute("href").ok_or_else(|| missing("href"))?;
    let mut link = Link::new(href);
    link.title = element.attribute("title").map(str::to_owned);
    Ok((rel.to_owned(), link))
}

fn sender_from_xml<R: ResourceSet>(
    reader: &mut XmlReader<'_>,
    element: &Element<'_>,
) -> Result<Sender<R>, DecodeError> {
    let (rel, link) = link_from_xml(element)?;
    let mut sender = Sender::new(rel, link.href);
    keep_unknown_attributes(&mut sender.unknown, "a sender", element, &["rel", "href"]);
    if element.empty {
        return Ok(sender);
    }
    while let Some(child) = reader.next_element()? {
        // An event that does not read is kept as its source, the reader going on after it.
        let mark = reader.mark(&child);
        match event_from_xml(reader, &child) {
            Ok(event) => sender.events.push(event),
            Err(error) => {
                let source = reader.recover(mark)?;
                sender.unreadable.push(Unreadable {
                    source: Source::Xml(source.to_owned()),
                    error,
                })
            }
        }
    }
    Ok(sender)
}

/// `<added rel href [status]>` with optional `<resource>`, `<link rel="in">`, `<reason>` and
/// `<property name="status">` children; the element's name is the event type. Offsets in its
/// errors are from the start of the event's source.
fn event_from_xml<R: ResourceSet>(
    reader: &mut XmlReader<'_>,
    element: &Element<'_>,
) -> Result<Event<R>, DecodeError> {
    let (rel, link) = link_from_xml(element)?;
    let event_type = <EventType as crate::Enumeration>::from_wire(&element.name)
        .unwrap_or_else(|| EventType::Other(element.name.to_string()));
    let mut event = Event::new(event_type, rel, link);
    event.status = element.attribute("status").map(str::to_owned);
    keep_unknown_attributes(
        &mut event.unknown,
        "an event",
        element,
        &["rel", "href", "title", "status"],
    );
    if element.empty {
        return Ok(event);
    }
    while let Some(child) = reader.next_element()? {
        match &*child.name {
            "resource" => {
                // A resource that does not decode into its type is kept as its source.
                let mark = reader.mark(&child);
                let decoded = reader
                    .begin_resource(&child)
                    .and_then(|start| R::read_xml(reader, start));
                match decoded {
                    Ok(resource) => event.resource = Some(resource),
                    Err(error) => {
                        let source = reader.recover(mark)?;
                        event.undecoded = Some(Undecoded {
                            rel: child.attribute("rel").unwrap_or_default().to_owned(),
                            source: Source::Xml(source.to_owned()),
                            error,
                        })
                    }
                }
            }
            "in" => {
                let (rel, link) = link_with_attributes(&child)?;
                reader.skip_element(&child)?;
                event.in_rel = Some(rel);
                event.in_link = Some(link);
            }
            "link" if child.attribute("rel") == Some("self") => {
                let (_, link) = link_with_attributes(&child)?;
                reader.skip_element(&child)?;
                event.link = link;
            }
            "link" if child.attribute("rel") == Some("in") => {
                let (_, link) = link_with_attributes(&child)?;
                reader.skip_element(&child)?;
                event.in_link = Some(link);
            }
            "reason" => event.reason = Some(ErrorBody::read_xml(reader, child.empty)?),
            "property" if child.attribute("name") == Some("status") => {
                event.status = Some(reader.element_text(&child)?);
            }
            other => {
                return Err(DecodeError::xml(
                    child.offset,
                    format!(
                        "unexpected <{other}> in an event; expected <resource>, <in>, <reason> or <property name=\"status\">"
                    ),
                ));
            }
        }
    }
    Ok(event)
}
