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
//!
//! The types are here; each representation, read and written, is in its own module: `json`
//! (raw members, each embedded resource decoded from its own bytes) and `xml` (one streaming
//! read, what does not decode skipped in place).

mod json;
mod xml;

use serde_json::Value;

use crate::xml::{ResourceStart, XmlReader};
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

    /// Encodes the batch in `format` (what a server sends). Undecoded resources and unreadable
    /// events are written back as they came in the representation they came in; in the other,
    /// an undecoded resource is written as any resource the schema does not describe, and an
    /// unreadable event (which has no type or link to write it by) fails the write
    /// ([`crate::EncodeError::is_source_only`]): a batch is never written shorter than it was
    /// read.
    ///
    /// XML refuses the few characters XML 1.0 cannot carry ([`crate::EncodeError`]).
    pub fn encode(&self, format: Format) -> Result<Vec<u8>, crate::EncodeError> {
        match format {
            Format::Json => Ok(crate::json::to_vec(&self.to_json()?)),
            Format::Xml => self.to_xml(),
        }
    }
}
