//! UCWA's JSON representation: `rel`, properties, `_links` and `_embedded`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::DecodeError;

/// Decodes a JSON payload into a resource (or any other UCWA type).
///
/// ```
/// #[derive(ucwa_runtime::Resource)]
/// #[ucwa(rel = "participant")]
/// struct Participant {
///     name: Option<String>,
/// }
///
/// let participant: Participant =
///     ucwa_runtime::json::from_slice(br#"{"rel": "participant", "name": "Joe Smith"}"#).unwrap();
/// assert_eq!(participant.name.as_deref(), Some("Joe Smith"));
/// ```
pub fn from_slice<T: DeserializeOwned>(payload: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(without_bom(payload)).map_err(|e| DecodeError::from_json(&e))
}

/// The payload without a UTF-8 byte-order mark: accepted before JSON as before XML (see
/// [`crate::codec`] for what both representations accept alike).
pub(crate) fn without_bom(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(payload)
}

/// Decodes a JSON payload held in a string.
pub fn from_str<T: DeserializeOwned>(payload: &str) -> Result<T, DecodeError> {
    from_slice(payload.as_bytes())
}

/// Encodes a value as a compact JSON payload.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    // The derived and runtime `Serialize` impls never fail and only write string keys, which
    // is all serde_json can reject, so an error here is a bug in this crate.
    serde_json::to_vec(value).expect("UCWA values always serialize to JSON")
}

/// Encodes a value as a JSON payload indented for reading.
pub fn to_string_pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("UCWA values always serialize to JSON")
}
