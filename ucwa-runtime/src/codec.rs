//! One entry point for both representations, chosen by media type.
//!
//! # What JSON and XML accept alike
//!
//! A payload decodes the same way whichever representation carries it:
//!
//! - one UTF-8 byte-order mark before the payload is skipped (a second is an error);
//! - `rel` may be left out where the type being decoded says which resource it is (the top of
//!   a payload decoded into a given type: `{"name": ..}`, `<resource>` without `rel`); it is
//!   required where it chooses the type (embedded resources, whose rel is their key in JSON
//!   and their `rel` attribute in XML, and so `AnyResource` and event batches);
//! - a member that is `null` in JSON is a member left out, whatever it is: a property, `rel`,
//!   `_links` or `_embedded` (XML has no `null`; an empty `<property/>` is the empty text);
//! - a member twice is an error in both;
//! - members the type does not know are kept (see [`crate::Unknown`]): in XML, attributes of
//!   `<resource>` are kept as `@name` members, which JSON carries as any other member.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{DecodeError, ErrorBody, Resource};

/// The representation a payload was in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`, `application/vnd.microsoft.com.ucwa+json`.
    Json,
    /// `application/xml`, `application/vnd.microsoft.com.ucwa+xml`.
    Xml,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Xml => "XML",
        })
    }
}

impl Format {
    /// The media type to send in `Accept` and `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "application/xml",
        }
    }

    /// The representation a `Content-Type` names: `application/json`, `application/xml` or
    /// their `application/vnd.microsoft.com.ucwa+json` / `+xml` forms, parameters (such as
    /// `charset`) and case ignored.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        let is = |media_type: &str| essence.eq_ignore_ascii_case(media_type);
        if is("application/json") || is("application/vnd.microsoft.com.ucwa+json") {
            Some(Format::Json)
        } else if is("application/xml") || is("application/vnd.microsoft.com.ucwa+xml") {
            Some(Format::Xml)
        } else {
            None
        }
    }
}

/// A value that travels in both representations: every resource, and the error body.
pub trait Payload: Serialize + DeserializeOwned {
    /// Decodes the XML representation.
    fn from_xml(payload: &[u8]) -> Result<Self, DecodeError>;
    /// Encodes the XML representation (see [`crate::EncodeError`] for what it refuses).
    fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError>;
}

impl<T: Resource> Payload for T {
    fn from_xml(payload: &[u8]) -> Result<Self, DecodeError> {
        crate::xml::from_slice(payload)
    }

    fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError> {
        crate::xml::to_vec(self)
    }
}

impl Payload for ErrorBody {
    fn from_xml(payload: &[u8]) -> Result<Self, DecodeError> {
        ErrorBody::from_xml(payload)
    }

    fn to_xml(&self) -> Result<Vec<u8>, crate::EncodeError> {
        ErrorBody::to_xml(self)
    }
}

/// Decodes a payload in the representation its `Content-Type` names.
///
/// ```
/// #[derive(Debug, PartialEq, ucwa_runtime::Resource)]
/// #[ucwa(rel = "participant")]
/// struct Participant {
///     name: Option<String>,
/// }
///
/// let json: Participant = ucwa_runtime::codec::decode("application/json; charset=utf-8", br#"{"name": "Ann"}"#)?;
/// let xml: Participant = ucwa_runtime::codec::decode(
///     "application/vnd.microsoft.com.ucwa+xml",
///     br#"<resource rel="participant"><property name="name">Ann</property></resource>"#,
/// )?;
/// assert_eq!(json, xml);
/// assert!(ucwa_runtime::codec::decode::<Participant>("text/html", b"<html/>").is_err());
/// # Ok::<(), ucwa_runtime::DecodeError>(())
/// ```
pub fn decode<T: Payload>(content_type: &str, payload: &[u8]) -> Result<T, DecodeError> {
    match Format::from_content_type(content_type) {
        Some(format) => decode_as(format, payload),
        None => Err(DecodeError::media_type(content_type)),
    }
}

/// Decodes a payload known to be in `format`.
pub fn decode_as<T: Payload>(format: Format, payload: &[u8]) -> Result<T, DecodeError> {
    match format {
        Format::Json => crate::json::from_slice(payload),
        Format::Xml => T::from_xml(payload),
    }
}

/// Encodes a value in `format`; send it with `format.media_type()` as its `Content-Type`.
///
/// JSON carries every value; XML refuses the few characters XML 1.0 cannot carry
/// ([`crate::EncodeError`] names where).
pub fn encode<T: Payload>(format: Format, value: &T) -> Result<Vec<u8>, crate::EncodeError> {
    match format {
        Format::Json => Ok(crate::json::to_vec(value)),
        Format::Xml => value.to_xml(),
    }
}
