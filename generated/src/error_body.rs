//! The body of a UCWA error response.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Link, Unknown};

/// What UCWA sends with a 4xx or 5xx status: `{code, subcode, message, parameters, debugInfo}`.
///
/// Only `code` is required; new subcodes appear over time, so both are kept as strings.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The error, e.g. `Conflict`; for synchronous errors it matches the HTTP status.
    pub code: String,
    /// A finer classification, e.g. `AlreadyExists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcode: Option<String>,
    /// A reason in the user's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where to learn more about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    /// For 400 Bad Request: the request parameters that were not valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Troubleshooting data whose shape may change; worth logging, not parsing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debug_info: Option<Value>,
    /// Members not listed above.
    #[serde(flatten)]
    pub unknown: Unknown,
}
