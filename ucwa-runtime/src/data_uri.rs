//! `data:` URIs (RFC 2397), which UCWA uses for content carried inside a link, such as the
//! SDP offer of an audio/video invitation (`mediaOffer`).

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Link;

/// A `data:` URI, kept exactly as received so that it is written back unchanged.
///
/// In a payload it travels as a link whose `href` is the URI; [`DataUri::decode`] returns the
/// content it carries.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DataUri {
    raw: String,
    /// Byte offset of the `,` that separates the header from the data.
    comma: usize,
}

/// Why a string is not a usable `data:` URI, or its content cannot be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataUriError {
    /// The string does not start with `data:`.
    NotDataUri {
        /// The start of the offending string (at most 40 characters).
        found: String,
    },
    /// There is no `,` separating the media type from the data.
    MissingComma,
    /// The data is marked `;base64` but is not valid base64.
    Base64 {
        /// What the base64 decoder reported.
        reason: String,
    },
    /// A media type given to [`DataUri::from_bytes`] that a `data:` URI cannot carry
    /// unchanged.
    MediaType {
        /// The media type given.
        media_type: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for DataUriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataUriError::NotDataUri { found } => {
                write!(f, "expected a `data:` URI, found `{found}`")
            }
            DataUriError::MissingComma => f.write_str(
                "a `data:` URI needs a `,` between its media type and its data (RFC 2397)",
            ),
            DataUriError::Base64 { reason } => {
                write!(
                    f,
                    "the `data:` URI is marked `;base64` but its data is not base64: {reason}"
                )
            }
            DataUriError::MediaType { media_type, reason } => write!(
                f,
                "`{media_type}` cannot be the media type of a `data:` URI: {reason} \
                 (expected `type/subtype`, then `;name=value` parameters, with letters, digits \
                 and `!#$&-_.+` only)"
            ),
        }
    }
}

impl std::error::Error for DataUriError {}

/// Standard and URL-safe alphabets, padding optional, non-zero trailing bits discarded: servers
/// are not consistent, and this is what WHATWG's forgiving-base64 (browsers' `atob`) accepts.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

impl DataUri {
    /// Parses a `data:` URI.
    pub fn parse(uri: impl Into<String>) -> Result<Self, DataUriError> {
        let raw = uri.into();
        let is_data = raw
            .get(..5)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("data:"));
        if !is_data {
            return Err(DataUriError::NotDataUri {
                found: raw.chars().take(40).collect(),
            });
        }
        let comma = raw.find(',').ok_or(DataUriError::MissingComma)?;
        Ok(DataUri { raw, comma })
    }

    /// Builds a base64 `data:` URI carrying `bytes` of the given media type, e.g.
    /// `application/sdp` or `text/plain;charset=utf-8`.
    ///
    /// The media type is refused, rather than written into a URI that would read back
    /// differently, unless it is `type/subtype` followed by `;name=value` parameters made of
    /// letters, digits and `!#$&-_.+` (which covers registered media types): a `,` would end
    /// the header early, a `;base64` parameter would be taken for the encoding, and other
    /// characters would need escaping that readers of `data:` URIs do not undo.
    ///
    /// ```
    /// # use ucwa_runtime::DataUri;
    /// let uri = DataUri::from_bytes("text/plain;charset=utf-8", b"hi")?;
    /// assert_eq!(uri.as_str(), "data:text/plain;charset=utf-8;base64,aGk=");
    /// assert_eq!(uri.media_type(), "text/plain");
    /// assert_eq!(uri.parameters().collect::<Vec<_>>(), [("charset", "utf-8")]);
    /// assert!(DataUri::from_bytes("text/plain,evil", b"hi").is_err());
    /// # Ok::<(), ucwa_runtime::DataUriError>(())
    /// ```
    pub fn from_bytes(media_type: &str, bytes: &[u8]) -> Result<Self, DataUriError> {
        check_media_type(media_type).map_err(|reason| DataUriError::MediaType {
            media_type: media_type.chars().take(80).collect(),
            reason,
        })?;
        let mut raw = format!("data:{media_type};base64,");
        let comma = raw.len() - 1;
        base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut raw);
        Ok(DataUri { raw, comma })
    }

    /// The parameters of the media type (`charset=utf-8`), as name and value, without the
    /// `base64` marker.
    pub fn parameters(&self) -> impl Iterator<Item = (&str, &str)> {
        self.header()
            .split(';')
            .skip(1)
            .filter_map(|parameter| parameter.split_once('='))
    }

    /// The URI as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The part between `data:` and `,`, e.g. `application/sdp;base64`.
    fn header(&self) -> &str {
        &self.raw[5..self.comma]
    }

    /// The media type, e.g. `application/sdp`; `text/plain` when the URI names none (RFC 2397).
    pub fn media_type(&self) -> &str {
        let media_type = self.header().split(';').next().unwrap_or_default();
        if media_type.is_empty() {
            "text/plain"
        } else {
            media_type
        }
    }

    /// Whether the data is base64-encoded (`;base64`) rather than percent-encoded.
    pub fn is_base64(&self) -> bool {
        self.header()
            .rsplit(';')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case("base64"))
    }

    /// The encoded data after the `,`.
    pub fn data(&self) -> &str {
        &self.raw[self.comma + 1..]
    }

    /// Decodes the content: base64 (standard or URL-safe alphabet, padding optional) or, without
    /// `;base64`, URL encoding (`+` for space, `%XX` escapes) as UCWA writes it.
    pub fn decode(&self) -> Result<Vec<u8>, DataUriError> {
        let data = self.data();
        if self.is_base64() {
            STANDARD
                .decode(data)
                .or_else(|_| URL_SAFE.decode(data))
                .map_err(|e| DataUriError::Base64 {
                    reason: e.to_string(),
                })
        } else {
            let spaced = data.replace('+', " ");
            Ok(percent_encoding::percent_decode_str(&spaced).collect())
        }
    }
}

/// Whether a `data:` URI carries `media_type` unchanged (see [`DataUri::from_bytes`]).
fn check_media_type(media_type: &str) -> Result<(), &'static str> {
    // RFC 6838's restricted names, without `^` (not a URI character).
    fn is_name(part: &str) -> bool {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-_.+".contains(&b))
    }
    let mut parts = media_type.split(';');
    let essence = parts.next().unwrap_or_default();
    match essence.split_once('/') {
        Some((kind, subtype)) if is_name(kind) && is_name(subtype) => {}
        _ => return Err("its type is not `type/subtype`"),
    }
    for parameter in parts {
        match parameter.split_once('=') {
            Some((name, value)) if is_name(name) && is_name(value) => {}
            _ => return Err("a parameter is not `name=value`"),
        }
    }
    Ok(())
}

impl fmt::Debug for DataUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DataUri").field(&self.raw).finish()
    }
}

impl fmt::Display for DataUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl std::str::FromStr for DataUri {
    type Err = DataUriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataUri::parse(s)
    }
}

/// In a payload a data URI is a link object whose `href` is the URI.
impl Serialize for DataUri {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("href", &self.raw)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for DataUri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let link: Link = Link::deserialize(deserializer)?;
        if link.title.is_some() || !link.unknown.is_empty() {
            // A DataUri has nowhere to keep them; refusing beats dropping them.
            return Err(D::Error::custom(
                "a `data:` link carries only an `href`; declare the link as a resource link to keep its other attributes",
            ));
        }
        DataUri::parse(link.href.as_str().to_owned()).map_err(D::Error::custom)
    }
}
