//! The event channel: what a pending GET on the `events` resource returns, in JSON or XML.
//!
//! A batch has `self` and `next` links (or `resync`, or `resume`), and senders, each with the
//! events it sent in order. An event has a type, a link to the resource it is about, maybe an
//! `in` link, the resource itself when the server embeds it, and for operations a status and a
//! reason. Embedded resources decode into the generated type of their rel through
//! [`ResourceSet`], which the generated `resources::AnyResource` implements.
//!
//! A batch decodes event by event, so that the channel never sticks on one event: an embedded
//! resource that does not decode into its type (a server newer than the schema, a value of an
//! unexpected type) is delivered as [`Undecoded`] beside its event, and an event that cannot be
//! read at all is kept in its sender's [`Sender::unreadable`]; the other events are typed as
//! usual. Only a batch that is not an event batch at all is an error.

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::xml::{Element, ResourceStart, XmlReader};
use crate::{DecodeError, ErrorBody, Format, Href, Link, Resource, Unknown};

/// Resources decodable by rel, when the type is known only at run time.
pub trait ResourceSet: Sized {
    /// Decodes the JSON source of a resource whose rel is `rel`.
    fn from_json(rel: &str, json: &[u8]) -> Result<Self, String>;
    /// Reads a `<resource>` whose start tag was read.
    fn read_xml(reader: &mut XmlReader<'_>, start: ResourceStart) -> Result<Self, DecodeError>;
    /// The resource's rel.
    fn rel(&self) -> &str;
    /// The resource as a JSON value.
    fn to_json(&self) -> Value;
    /// Writes the resource as `<resource rel=..>`.
    fn write_xml(&self, writer: &mut crate::xml::XmlWriter);
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, crate::Enumeration)]
#[non_exhaustive]
pub enum EventType {
    /// A resource was added.
    #[ucwa(name = "added")]
    Added,
    /// A resource or operation changed.
    #[ucwa(name = "updated")]
    Updated,
    /// A resource was deleted.
    #[ucwa(name = "deleted")]
    Deleted,
    /// An operation started.
    #[ucwa(name = "started")]
    Started,
    /// An operation completed (see [`Event::status`] and [`Event::reason`]).
    #[ucwa(name = "completed")]
    Completed,
    /// A type this version does not know, kept as received.
    #[ucwa(other)]
    Other(String),
}

/// One event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<R> {
    /// What happened.
    pub event_type: EventType,
    /// The rel of the resource the event is about, e.g. `audioVideoInvitation`.
    pub rel: String,
    /// The link to that resource.
    pub link: Link,
    /// The collection it was added to or removed from, when the server says (`in`).
    pub in_link: Option<Link>,
    /// The rel of that collection, when given.
    pub in_rel: Option<String>,
    /// The resource itself, when the server embedded it and it decoded into its type.
    pub resource: Option<R>,
    /// The resource the server embedded, when it did not decode into its type: kept as
    /// received, with why. At most one of `resource` and `undecoded` is set.
    pub undecoded: Option<Undecoded>,
    /// For operations: `Success` or `Failure`.
    pub status: Option<String>,
    /// For failed operations and server-initiated changes: why.
    pub reason: Option<ErrorBody>,
    /// Members this version does not know.
    pub unknown: Unknown,
}

impl<R> Event<R> {
    /// An event of `event_type` about the resource `rel` at `link`, with nothing else yet.
    pub fn new(event_type: EventType, rel: impl Into<String>, link: Link) -> Self {
        Event {
            event_type,
            rel: rel.into(),
            link,
            in_link: None,
            in_rel: None,
            resource: None,
            undecoded: None,
            status: None,
            reason: None,
            unknown: Unknown::default(),
        }
    }

    /// Whether the event is about a resource of type `T`.
    ///
    /// ```
    /// # #[derive(ucwa_runtime::Resource)]
    /// # #[ucwa(rel = "audioVideoInvitation")]
    /// # struct AudioVideoInvitation {}
    /// # fn f<R>(event: &ucwa_runtime::events::Event<R>) {
    /// if event.names::<AudioVideoInvitation>() {
    ///     // fetch `event.link`, or use `event.resource`
    /// }
    /// # }
    /// ```
    pub fn names<T: Resource>(&self) -> bool {
        self.rel == T::REL
    }
}

/// An embedded resource that did not decode into the type of its rel.
#[derive(Clone, Debug, PartialEq)]
pub struct Undecoded {
    /// Its rel.
    pub rel: String,
    /// Its source as received (a JSON value or an XML `<resource>` element), written back as
    /// is when the batch is encoded in the same representation.
    pub source: Source,
    /// Why it did not decode.
    pub error: DecodeError,
}

/// Part of a payload, kept as received.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A JSON value.
    Json(Value),
    /// An XML element, start tag to end tag.
    Xml(String),
}

/// An event that could not be read at all (no link, no type, a malformed child).
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    /// The event as received.
    pub source: Source,
    /// Why it could not be read.
    pub error: DecodeError,
}

/// The resource that sent events, and those events in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Sender<R> {
    /// The sender's rel, e.g. `communication`.
    pub rel: String,
    /// The sender's href.
    pub href: Href,
    /// Its events, in order.
    pub events: Vec<Event<R>>,
    /// Its events that could not be read, in order.
    pub unreadable: Vec<Unreadable>,
    /// Members (JSON) or attributes (XML) this version does not know, written back.
    pub unknown: Unknown,
}

impl<R> Sender<R> {
    /// A sender with no events yet.
    pub fn new(rel: impl Into<String>, href: Href) -> Self {
        Sender {
            rel: rel.into(),
            href,
            events: Vec::new(),
            unreadable: Vec::new(),
            unknown: Unknown::default(),
        }
    }
}

/// One answer of the event channel.
#[derive(Clone, Debug, PartialEq)]
pub struct EventBatch<R> {
    /// The link this batch was fetched from.
    pub self_link: Option<Link>,
    /// Where to send the next pending GET.
    pub next: Option<Link>,
    /// Present when the client lost its place: follow it, and drop cached transient state.
    pub resync: Option<Link>,
    /// Like `next`, after a long inactivity that reset transient state (resend any query
    /// parameters such as `timeout`).
    pub resume: Option<Link>,
    /// The senders, in order (a sender may appear more than once).
    pub senders: Vec<Sender<R>>,
    /// Links of the batch this version does not know.
    pub unknown_links: Unknown,
    /// Other members (JSON) or attributes (XML) this version does not know, written back.
    pub unknown: Unknown,
}

impl<R> Default for EventBatch<R> {
    fn default() -> Self {
        EventBatch {
            self_link: None,
            next: None,
            resync: None,
            resume: None,
            senders: Vec::new(),
            unknown_links: Unknown::default(),
            unknown: Unknown::default(),
        }
    }
}

impl<R: ResourceSet> EventBatch<R> {
    /// Every event with its sender, in order.
    pub fn events(&self) -> impl Iterator<Item = (&Sender<R>, &Event<R>)> {
        self.senders
            .iter()
            .flat_map(|sender| sender.events.iter().map(move |event| (sender, event)))
    }

    /// The link to follow for the next pending GET: `resync`, else `resume`, else `next`.
    pub fn follow(&self) -> Option<&Link> {
        self.resync
            .as_ref()
            .or(self.resume.as_ref())
            .or(self.next.as_ref())
    }

    /// Decodes a batch in the representation its `Content-Type` names.
    pub fn decode(content_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        match Format::from_content_type(content_type) {
            Some(Format::Json) => Self::from_json(payload),
            Some(Format::Xml) => Self::from_xml(payload),
            None => Err(DecodeError::media_type(content_type)),
        }
    }

    /// Decodes a JSON batch.
    ///
    /// The batch is read as raw members first; each embedded resource is decoded into its type
    /// straight from its own bytes, so that a batch costs about its typed size, not a generic
    /// tree of it as well.
    pub fn from_json(payload: &[u8]) -> Result<Self, DecodeError> {
        let root = At::Root;
        let payload = crate::json::without_bom(payload);
        let object: RawMembers<'_> = serde_json::from_slice(payload).map_err(|e| {
            if e.is_data() {
                nested(&root, &e)
            } else {
                DecodeError::from_json(&e)
            }
        })?;
        let mut batch = EventBatch::default();
        if let Some(links) = object.get("_links") {
            let at = At::Member(&root, "_links");
            for (rel, link) in RawMembers::of(links, &at)?.0 {
                let slot = match &*rel {
                    "self" => &mut batch.self_link,
                    "next" => &mut batch.next,
                    "resync" => &mut batch.resync,
                    "resume" => &mut batch.resume,
                    _ => {
                        let value = value(link, &At::Member(&at, &rel))?;
                        batch.unknown_links.insert(rel.into_owned(), value);
                        continue;
                    }
                };
                *slot = Some(link_from_json(link, &At::Member(&at, &rel))?);
            }
        }
        if let Some(senders) = object.get("sender") {
            let at = At::Member(&root, "sender");
            for (i, sender) in raw_one_or_many(senders, &at)?.into_iter().enumerate() {
                let sender = sender_from_json(sender, &At::Index(&at, i))?;
                batch.senders.push(sender);
            }
        }
        keep_unknown_members(
            &mut batch.unknown,
            "an event batch",
            object,
            &["_links", "sender"],
            &root,
        )?;
        Ok(batch)
    }

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
                        let (rel, link) = link_from_xml(&child)?;
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
}

impl<R: ResourceSet> EventBatch<R> {
    /// Encodes the batch in `format` (what a server sends). Undecoded resources and unreadable
    /// events are written back as they came, in the representation they came in (and left out
    /// of the other).
    ///
    /// XML refuses the few characters XML 1.0 cannot carry ([`crate::EncodeError`]).
    pub fn encode(&self, format: Format) -> Result<Vec<u8>, crate::EncodeError> {
        match format {
            Format::Json => Ok(crate::json::to_vec(&self.to_json())),
            Format::Xml => self.to_xml(),
        }
    }

    fn to_json(&self) -> Value {
        let mut links = Map::new();
        for (rel, link) in [
            ("self", &self.self_link),
            ("next", &self.next),
            ("resync", &self.resync),
            ("resume", &self.resume),
        ] {
            if let Some(link) = link {
                links.insert(
                    rel.to_owned(),
                    crate::xml::__generic::link_value(link.clone()),
                );
            }
        }
        for (rel, value) in self.unknown_links.iter() {
            links.insert(rel.clone(), value.clone());
        }
        let senders: Vec<Value> = self
            .senders
            .iter()
            .map(|sender| {
                // What was kept as JSON source goes back as it came.
                let unreadable = sender.unreadable.iter().filter_map(|u| match &u.source {
                    Source::Json(value) => Some(value.clone()),
                    Source::Xml(_) => None,
                });
                let events: Vec<Value> = sender
                    .events
                    .iter()
                    .map(event_to_json)
                    .chain(unreadable)
                    .collect();
                let mut object = Map::new();
                object.insert("rel".to_owned(), Value::String(sender.rel.clone()));
                object.insert(
                    "href".to_owned(),
                    Value::String(sender.href.as_str().to_owned()),
                );
                object.insert("events".to_owned(), Value::Array(events));
                for (key, value) in sender.unknown.iter() {
                    object.insert(key.clone(), value.clone());
                }
                Value::Object(object)
            })
            .collect();
        let mut object = Map::new();
        object.insert("_links".to_owned(), Value::Object(links));
        if !senders.is_empty() {
            object.insert("sender".to_owned(), Value::Array(senders));
        }
        for (key, value) in self.unknown.iter() {
            object.insert(key.clone(), value.clone());
        }
        Value::Object(object)
    }

    fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError> {
        let mut writer = crate::xml::XmlWriter::new();
        let href = self.self_link.as_ref().map(|l| l.href.as_str());
        let mut attributes = vec![("href", href.map(Cow::Borrowed))];
        attributes.extend(unknown_attributes(&self.unknown));
        writer.start_element_with("events", &borrowed(&attributes));
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
                let undecoded = event.undecoded.as_ref().and_then(|u| match &u.source {
                    Source::Xml(source) => Some(source),
                    Source::Json(_) => None,
                });
                let empty = event.resource.is_none()
                    && undecoded.is_none()
                    && event.in_link.is_none()
                    && event.reason.is_none();
                if empty {
                    writer.empty_element_with(&name, &attributes);
                    continue;
                }
                writer.start_element_with(&name, &attributes);
                if let Some(link) = &event.in_link {
                    writer.empty_element_with(
                        "in",
                        &[
                            ("rel", event.in_rel.as_deref()),
                            ("href", Some(link.href.as_str())),
                            ("title", link.title.as_deref()),
                        ],
                    );
                }
                if let Some(resource) = &event.resource {
                    resource.write_xml(&mut writer);
                }
                if let Some(source) = undecoded {
                    writer.raw_element(source);
                }
                if let Some(reason) = &event.reason {
                    reason.write_xml(&mut writer);
                }
                writer.end_element(&name);
            }
            for unreadable in &sender.unreadable {
                if let Source::Xml(source) = &unreadable.source {
                    writer.raw_element(source);
                }
            }
            writer.end_element("sender");
        }
        writer.end_element("events");
        writer.finish()
    }
}

fn event_to_json<R: ResourceSet>(event: &Event<R>) -> Value {
    let mut link = Map::new();
    link.insert("rel".to_owned(), Value::String(event.rel.clone()));
    if let Value::Object(rest) = crate::xml::__generic::link_value(event.link.clone()) {
        link.extend(rest);
    }
    let mut object = Map::new();
    object.insert("link".to_owned(), Value::Object(link));
    if let Some(in_link) = &event.in_link {
        let mut value = crate::xml::__generic::link_value(in_link.clone());
        if let (Value::Object(map), Some(rel)) = (&mut value, &event.in_rel) {
            map.insert("rel".to_owned(), Value::String(rel.clone()));
        }
        object.insert("in".to_owned(), value);
    }
    if let Some(resource) = &event.resource {
        let mut embedded = Map::new();
        embedded.insert(resource.rel().to_owned(), resource.to_json());
        object.insert("_embedded".to_owned(), Value::Object(embedded));
    }
    if let Some(Undecoded {
        rel,
        source: Source::Json(value),
        ..
    }) = &event.undecoded
    {
        let mut embedded = Map::new();
        embedded.insert(rel.clone(), value.clone());
        object.insert("_embedded".to_owned(), Value::Object(embedded));
    }
    if let Some(status) = &event.status {
        object.insert("status".to_owned(), Value::String(status.clone()));
    }
    if let Some(reason) = &event.reason {
        object.insert(
            "reason".to_owned(),
            serde_json::to_value(reason).unwrap_or(Value::Null),
        );
    }
    for (key, value) in event.unknown.iter() {
        object.insert(key.clone(), value.clone());
    }
    object.insert(
        "type".to_owned(),
        Value::String(crate::Enumeration::as_str(&event.event_type).to_owned()),
    );
    Value::Object(object)
}

/// Where in a JSON batch something is, written out only for an error message.
#[derive(Clone, Copy)]
enum At<'p> {
    Root,
    Member(&'p At<'p>, &'p str),
    Index(&'p At<'p>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root => f.write_str("$"),
            At::Member(parent, key) => write!(f, "{parent}.{key}"),
            At::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn error(at: &At<'_>, message: impl std::fmt::Display) -> DecodeError {
    DecodeError::json_semantic(format!("at {at}: {message}"))
}

/// A part of the batch that did not decode: where, by its path in the batch (serde_json's
/// line and column would count from the start of the part, not of the batch).
fn nested(at: &At<'_>, e: &serde_json::Error) -> DecodeError {
    error(at, DecodeError::from_json(e).message())
}

/// The members of a JSON object as their source, in order, keys borrowed where they hold no
/// escape: reading them costs a few words per member, whatever their size.
struct RawMembers<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> RawMembers<'a> {
    /// The members of `raw`, which must be an object without duplicate keys.
    fn of(raw: &'a RawValue, at: &At<'_>) -> Result<Self, DecodeError> {
        serde_json::from_str(raw.get()).map_err(|e| nested(at, &e))
    }

    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, raw)| *raw)
    }

    /// The string under `key`.
    fn string(&self, key: &str, at: &At<'_>) -> Result<String, DecodeError> {
        self.get(key)
            .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
            .ok_or_else(|| error(at, format!("expected a string `{key}`")))
    }
}

impl<'de> serde::Deserialize<'de> for RawMembers<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;

        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = RawMembers<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawMembers<'de>, A::Error> {
                let mut members: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
                while let Some(key) = map.next_key::<crate::__private::Key<'de>>()? {
                    let key = key.into_cow();
                    if members.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate member `{key}`"
                        )));
                    }
                    members.push((key, map.next_value()?));
                }
                Ok(RawMembers(members))
            }
        }

        deserializer.deserialize_map(Members)
    }
}

/// Keeps the members of `members` not in `known`, as values (and notes them for an audit).
fn keep_unknown_members(
    unknown: &mut Unknown,
    within: &'static str,
    members: RawMembers<'_>,
    known: &[&str],
    at: &At<'_>,
) -> Result<(), DecodeError> {
    for (key, raw) in members.0 {
        if !known.contains(&&*key) {
            let value = value(raw, &At::Member(at, &key))?;
            crate::audit::record(within, &key);
            unknown.insert(key.into_owned(), value);
        }
    }
    Ok(())
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

/// The items of a member that holds one item or an array of them (`null`: none).
fn raw_one_or_many<'a>(raw: &'a RawValue, at: &At<'_>) -> Result<Vec<&'a RawValue>, DecodeError> {
    match raw.get().as_bytes().first() {
        Some(b'[') => serde_json::from_str(raw.get()).map_err(|e| nested(at, &e)),
        _ if raw.get() == "null" => Ok(Vec::new()),
        _ => Ok(vec![raw]),
    }
}

/// A member's value, for the parts of a batch kept generically.
fn value(raw: &RawValue, at: &At<'_>) -> Result<Value, DecodeError> {
    serde_json::from_str(raw.get()).map_err(|e| nested(at, &e))
}

fn link_from_json(raw: &RawValue, at: &At<'_>) -> Result<Link, DecodeError> {
    serde_json::from_str(raw.get()).map_err(|e| nested(at, &e))
}

/// A link object that also names its rel: `{"rel": .., "href": .., "title": ..}`.
fn rel_link_from_json(raw: &RawValue, at: &At<'_>) -> Result<(Option<String>, Link), DecodeError> {
    #[derive(serde::Deserialize)]
    struct RelLink {
        rel: Option<String>,
        #[serde(flatten)]
        link: Link,
    }
    let RelLink { rel, link } = serde_json::from_str(raw.get()).map_err(|e| nested(at, &e))?;
    Ok((rel, link))
}

fn sender_from_json<R: ResourceSet>(raw: &RawValue, at: &At<'_>) -> Result<Sender<R>, DecodeError> {
    let members = RawMembers::of(raw, at)?;
    let mut sender = Sender::new(
        members.string("rel", at)?,
        Href::new(members.string("href", at)?),
    );
    if let Some(events) = members.get("events") {
        let at = At::Member(at, "events");
        for (i, event) in raw_one_or_many(events, &at)?.into_iter().enumerate() {
            match event_from_json(event, &At::Index(&at, i)) {
                Ok(event) => sender.events.push(event),
                Err(error) => sender.unreadable.push(Unreadable {
                    source: Source::Json(serde_json::from_str(event.get()).unwrap_or(Value::Null)),
                    error,
                }),
            }
        }
    }
    keep_unknown_members(
        &mut sender.unknown,
        "a sender",
        members,
        &["rel", "href", "events"],
        at,
    )?;
    Ok(sender)
}

fn event_from_json<R: ResourceSet>(raw: &RawValue, at: &At<'_>) -> Result<Event<R>, DecodeError> {
    let members = RawMembers::of(raw, at)?;
    let (rel, link) = match members.get("link") {
        Some(link) => {
            let at = At::Member(at, "link");
            match rel_link_from_json(link, &at)? {
                (Some(rel), link) => (rel, link),
                (None, _) => return Err(error(&at, "expected a string `rel`")),
            }
        }
        None => return Err(error(at, "an event needs a `link`")),
    };
    let event_type = members.string("type", at)?;
    let event_type = <EventType as crate::Enumeration>::from_wire(&event_type)
        .unwrap_or(EventType::Other(event_type));
    let mut event = Event::new(event_type, rel, link);
    for (key, raw) in members.0 {
        let at = At::Member(at, &key);
        match &*key {
            "link" | "type" => {}
            "_embedded" => {
                let mut entries = RawMembers::of(raw, &at)?.0.into_iter();
                if let Some((rel, raw)) = entries.next() {
                    match R::from_json(&rel, raw.get().as_bytes()) {
                        Ok(resource) => event.resource = Some(resource),
                        Err(e) => {
                            event.undecoded = Some(Undecoded {
                                source: Source::Json(value(raw, &at)?),
                                error: error(&At::Member(&at, &rel), e),
                                rel: rel.into_owned(),
                            })
                        }
                    }
                }
                let rest = entries
                    .map(|(key, raw)| Ok((key.into_owned(), value(raw, &at)?)))
                    .collect::<Result<Map<String, Value>, DecodeError>>()?;
                if !rest.is_empty() {
                    event
                        .unknown
                        .insert("_embedded".to_owned(), Value::Object(rest));
                }
            }
            "in" => {
                let (rel, link) = rel_link_from_json(raw, &at)?;
                event.in_rel = rel;
                event.in_link = Some(link);
            }
            "status" => event.status = value(raw, &at)?.as_str().map(str::to_owned),
            "reason" => {
                event.reason = Some(serde_json::from_str(raw.get()).map_err(|e| nested(&at, &e))?);
            }
            _ => {
                crate::audit::record("an event", &key);
                let value = value(raw, &at)?;
                event.unknown.insert(key.into_owned(), value);
            }
        }
    }
    Ok(event)
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
                let (rel, link) = link_from_xml(&child)?;
                reader.skip_element(&child)?;
                event.in_rel = Some(rel);
                event.in_link = Some(link);
            }
            "link" if child.attribute("rel") == Some("in") => {
                let (_, link) = link_from_xml(&child)?;
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
