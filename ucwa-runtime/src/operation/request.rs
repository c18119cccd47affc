//! Building a request: checked query parameters, the body, `Accept`.

use http::{HeaderValue, Method, Request, header};
use url::Url;

use crate::Format;

/// Why a request could not be built. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The server origin given to the client is not an http(s) URL.
    #[error("invalid server origin `{origin}`: {reason}")]
    InvalidOrigin {
        /// What was given.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The link's href cannot be resolved.
    #[error("invalid href `{href}`: {reason}")]
    InvalidHref {
        /// The href.
        href: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The link points at another origin; following it would send the request (and its token)
    /// elsewhere.
    #[error("refusing to follow `{href}`: it is not on the server's origin {origin}")]
    CrossOrigin {
        /// The href.
        href: String,
        /// The server's origin.
        origin: String,
    },
    /// A required query parameter is empty.
    #[error("the query parameter `{name}` is required and must not be empty")]
    MissingParameter {
        /// The parameter.
        name: &'static str,
    },
    /// A query parameter is longer than the server accepts.
    #[error("the query parameter `{name}` is {found} characters long; the limit is {max}")]
    ParameterTooLong {
        /// The parameter.
        name: &'static str,
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        found: usize,
    },
    /// A header value cannot be sent.
    #[error("invalid `{name}` header: {reason}")]
    InvalidHeader {
        /// The header.
        name: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The link is not a usable HTTP target.
    #[error("cannot build the request: {0}")]
    Http(String),
}

/// Checks a query parameter against its schema: present when required, within its length.
pub fn check_parameter(
    name: &'static str,
    value: &str,
    required: bool,
    max_length: Option<usize>,
) -> Result<(), RequestError> {
    if required && value.is_empty() {
        return Err(RequestError::MissingParameter { name });
    }
    if let Some(max) = max_length {
        let found = value.chars().count();
        if found > max {
            return Err(RequestError::ParameterTooLong { name, max, found });
        }
    }
    Ok(())
}

/// The body of a request and its media type.
pub struct Body {
    /// The `Content-Type`.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Builds a request for `method` on `url` with `query` pairs (percent-encoded by `url`), an
/// `Accept` for `accept` and an optional body.
pub fn build_request(
    method: Method,
    mut url: Url,
    query: &[(&str, &str)],
    accept: Format,
    body: Option<Body>,
) -> Result<Request<Vec<u8>>, RequestError> {
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    let mut builder = Request::builder()
        .method(method)
        .uri(url.as_str())
        .header(header::ACCEPT, accept.media_type());
    let bytes = match body {
        Some(body) => {
            let media_type = HeaderValue::from_str(&body.media_type)
                .map_err(|e| RequestError::Http(e.to_string()))?;
            builder = builder.header(header::CONTENT_TYPE, media_type);
            body.bytes
        }
        None => Vec::new(),
    };
    builder
        .body(bytes)
        .map_err(|e| RequestError::Http(e.to_string()))
}
