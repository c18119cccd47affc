//! What the fuzz targets share: decoding and encoding any resource of the schema by the rel its
//! document names, through the generated `AnyResource` (what the event channel uses), in both
//! representations; a few resource types decoded directly; event batches; answers read by
//! operations.
//!
//! The generic code is instantiated here, once, rather than in each target: it is most of what
//! building the targets costs.

use std::fmt::Debug;

use ucwa::events::ResourceSet;
use ucwa::operation::Operation;
use ucwa::operations::{AudioVideoInvitationGet, EscalateAudioVideoPost};
use ucwa::resources::{AnyResource, EventBatch};
use ucwa::serde_json::Value;
use ucwa::xml::{XmlReader, XmlWriter};
use ucwa::{DecodeError, Format, Resource};

/// A JSON document decoded into the type of its `rel` (or kept as `Other` for a rel the schema
/// does not know, or none).
pub fn any_from_json(data: &[u8]) -> Result<AnyResource, String> {
    let value: Value = ucwa::json::from_slice(data).map_err(|e| e.to_string())?;
    let rel = value
        .get("rel")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    AnyResource::from_json(&rel, data)
}

/// An XML document `<resource rel=..>` decoded into the type of its `rel`.
pub fn any_from_xml(data: &[u8]) -> Result<AnyResource, String> {
    let read = || -> Result<AnyResource, DecodeError> {
        let mut reader = XmlReader::new(data)?;
        let start = reader.root_resource()?;
        let resource = AnyResource::read_xml(&mut reader, start)?;
        reader.finish()?;
        Ok(resource)
    };
    read().map_err(|e| e.to_string())
}

/// Decodes in `format`.
pub fn any_decode(format: Format, data: &[u8]) -> Result<AnyResource, String> {
    match format {
        Format::Json => any_from_json(data),
        Format::Xml => any_from_xml(data),
    }
}

/// Encodes in `format`.
pub fn any_encode(format: Format, resource: &AnyResource) -> Result<Vec<u8>, ucwa::EncodeError> {
    match format {
        Format::Json => Ok(ucwa::json::to_vec(&resource.to_json())),
        Format::Xml => {
            let mut writer = XmlWriter::new();
            resource.write_xml(&mut writer);
            writer.finish()
        }
    }
}

/// An event batch in the representation `content_type` names.
pub fn batch_decode(content_type: &str, data: &[u8]) -> Result<EventBatch, DecodeError> {
    EventBatch::decode(content_type, data)
}

/// An event batch in `format`.
pub fn batch_encode(batch: &EventBatch, format: Format) -> Result<Vec<u8>, ucwa::EncodeError> {
    batch.encode(format)
}

/// An answer read by two operations (one whose success is a resource and whose error table has
/// rows of its own, one whose success is the `Location` of a `201`), each result displayed.
pub fn read_answer(response: &ucwa::http::Response<&[u8]>) {
    if let Err(e) = AudioVideoInvitationGet::response(response) {
        let _ = e.to_string();
    }
    if let Err(e) = EscalateAudioVideoPost::response(response) {
        let _ = e.to_string();
    }
}

/// Shows a payload in a failure message: as text when it is UTF-8.
pub fn show(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("{bytes:?}"),
    }
}

/// Calls `$m!(.., Type)` for a few representative resource types: the three core resources, a
/// bare operation resource, the application and event channel, and resources with
/// enumerations, timestamps, `data:` links and embedded collections.
macro_rules! for_each_typed {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*; ucwa::resources::Participant);
        $m!($($args)*; ucwa::resources::AudioVideoInvitation);
        $m!($($args)*; ucwa::resources::EscalateAudioVideo);
        $m!($($args)*; ucwa::resources::AudioVideo);
        $m!($($args)*; ucwa::resources::Accept);
        $m!($($args)*; ucwa::resources::Application);
        $m!($($args)*; ucwa::resources::Events);
        $m!($($args)*; ucwa::resources::Me);
        $m!($($args)*; ucwa::resources::Conversation);
        $m!($($args)*; ucwa::resources::OnlineMeeting);
        $m!($($args)*; ucwa::resources::Message);
        $m!($($args)*; ucwa::resources::Contact);
    };
}

/// Decodes `data` in `format` into each of the representative types directly (JSON through
/// the borrowing decoder, not through a `Value`), and encodes what decodes in both formats.
pub fn typed_decode(format: Format, data: &[u8]) {
    fn one<T: Resource>(format: Format, data: &[u8]) {
        if let Ok(resource) = ucwa::codec::decode_as::<T>(format, data) {
            let _ = ucwa::codec::encode(Format::Json, &resource);
            let _ = ucwa::codec::encode(Format::Xml, &resource);
        }
    }
    macro_rules! call {
        ($format:expr, $data:expr; $ty:ty) => {
            one::<$ty>($format, $data)
        };
    }
    for_each_typed!(call!(format, data));
}

/// JSON → XML → equal value, for each representative type that `data` decodes into from JSON
/// with nothing unknown (unknown members read from XML are strings and arrays: only typed
/// members survive a change of format).
pub fn typed_across(data: &[u8]) {
    fn one<T: Resource + PartialEq + Debug>(data: &[u8]) {
        let (decoded, unknown) = ucwa::audit::unknown_members(|| ucwa::json::from_slice::<T>(data));
        let (Ok(from_json), true) = (decoded, unknown.is_empty()) else {
            return;
        };
        let Ok(xml) = ucwa::xml::to_vec(&from_json) else {
            return;
        };
        let from_xml: T = ucwa::xml::from_slice(&xml).unwrap_or_else(|e| {
            panic!("{} as XML {} does not decode: {e}", show(data), show(&xml))
        });
        assert_eq!(
            from_json,
            from_xml,
            "{} as XML {} decodes to another value",
            show(data),
            show(&xml)
        );
    }
    macro_rules! call {
        ($data:expr; $ty:ty) => {
            one::<$ty>($data)
        };
    }
    for_each_typed!(call!(data));
}
