//! Event batches in JSON: read as raw members, each embedded resource decoded from its own
//! bytes; written as one `serde_json::Value`.

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Event, EventBatch, EventType, ResourceSet, Sender, Source, Undecoded, Unreadable};
use crate::{DecodeError, Href, Link, Unknown};

impl<R: ResourceSet> EventBatch<R> {
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

    pub(super) fn to_json(&self) -> Result<Value, crate::EncodeError> {
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
        let mut senders: Vec<Value> = Vec::with_capacity(self.senders.len());
        for sender in &self.senders {
            let mut events: Vec<Value> = Vec::with_capacity(sender.events.len());
            for event in &sender.events {
                events.push(event_to_json(event)?);
            }
            // What was kept as JSON source goes back as it came; an unreadable XML event has
            // no JSON form (no type, no link to read it by), so the write fails rather than
            // leave it out.
            for (i, unreadable) in sender.unreadable.iter().enumerate() {
                match &unreadable.source {
                    Source::Json(value) => events.push(value.clone()),
                    Source::Xml(_) => {
                        return Err(crate::EncodeError::source_only(
                            format!(
                                "unreadable event {i} of sender `{}` ({})",
                                sender.rel, sender.href
                            ),
                            crate::Format::Json,
                            unreadable.error.to_string(),
                        ));
                    }
                }
            }
            senders.push({
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
            });
        }
        let mut object = Map::new();
        object.insert("_links".to_owned(), Value::Object(links));
        // The sender list is part of a batch's shape: written even when empty, so that a
        // client reading `sender` as an array finds one in a batch that timed out empty
        // (https://learn.microsoft.com/en-us/skype-sdk/ucwa/eventsinucwa).
        object.insert("sender".to_owned(), Value::Array(senders));
        for (key, value) in self.unknown.iter() {
            object.insert(key.clone(), value.clone());
        }
        Ok(Value::Object(object))
    }
}

fn event_to_json<R: ResourceSet>(event: &Event<R>) -> Result<Value, crate::EncodeError> {
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
    if let Some(Undecoded { rel, source, error }) = &event.undecoded {
        let value = match source {
            Source::Json(value) => value.clone(),
            // Kept as XML: read by the one rule for what the schema does not describe, into
            // the JSON shape any unknown resource has.
            Source::Xml(xml) => undecoded_xml_to_json(xml).map_err(|e| {
                crate::EncodeError::source_only(
                    format!("the `{rel}` resource of an event about {}", event.link.href),
                    crate::Format::Json,
                    format!("{error}; read generically: {e}"),
                )
            })?,
        };
        let mut embedded = Map::new();
        embedded.insert(rel.clone(), value);
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
    Ok(Value::Object(object))
}

/// The JSON value of a `<resource>` element kept as its source.
fn undecoded_xml_to_json(xml: &str) -> Result<Value, DecodeError> {
    let mut reader = crate::xml::XmlReader::new(xml.as_bytes())?;
    let start = reader.root_resource()?;
    let value = crate::xml::__generic::read_resource(&mut reader, start)?;
    reader.finish()?;
    Ok(value)
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
