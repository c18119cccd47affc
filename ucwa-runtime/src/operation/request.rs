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
    /// A field of the request body is longer than the server accepts.
    #[error("the field `{name}` is {found} characters long; the limit is {max}")]
    FieldTooLong {
        /// The field.
        name: &'static str,
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        found: usize,
    },
    /// A numeric parameter or field is not a whole number.
    #[error("`{name}` must be a whole number, found {found:?}")]
    NotANumber {
        /// The parameter or field.
        name: &'static str,
        /// What was given.
        found: String,
    },
    /// A numeric parameter or field is outside the range the server accepts.
    #[error("`{name}` is {found}; it must be {}", describe_range(*.min, *.max))]
    OutOfRange {
        /// The parameter or field.
        name: &'static str,
        /// The least value accepted, if any.
        min: Option<u64>,
        /// The greatest value accepted, if any.
        max: Option<u64>,
        /// The value given.
        found: i64,
    },
    /// A header value cannot be sent.
    #[error("invalid `{name}` header: {reason}")]
    InvalidHeader {
        /// The header.
        name: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The body cannot be sent in the format asked for (a character XML cannot carry).
    #[error("cannot send the body: {0}")]
    Body(#[from] crate::EncodeError),
    /// The link is not a usable HTTP target.
    #[error("cannot build the request: {0}")]
    Http(String),
    /// The body's media type is not one the operation takes.
    #[error("the body's media type `{found}` is not one this request takes: {}", accepted.join(", "))]
    MediaType {
        /// The media type given.
        found: String,
        /// Those the operation takes.
        accepted: &'static [&'static str],
    },
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

fn describe_range(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "a number".to_owned(),
    }
}

/// Checks that a request body's media type is one of `accepted` (the same match as answers get:
/// [`super::media_type_matches`], without parameters or case).
pub fn check_body_media_type(
    body: &Body,
    accepted: &'static [&'static str],
) -> Result<(), RequestError> {
    if super::media_type_matches(&body.media_type, accepted) {
        return Ok(());
    }
    Err(RequestError::MediaType {
        found: body.media_type.clone(),
        accepted,
    })
}

/// Checks a field of a request body against its length limit.
pub fn check_field_length(name: &'static str, value: &str, max: usize) -> Result<(), RequestError> {
    let found = value.chars().count();
    if found > max {
        return Err(RequestError::FieldTooLong { name, max, found });
    }
    Ok(())
}

/// Checks a number against its schema range.
pub fn check_range(
    name: &'static str,
    value: i64,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), RequestError> {
    let below = min.is_some_and(|min| value < 0 || (value as u64) < min);
    let above = max.is_some_and(|max| value >= 0 && (value as u64) > max);
    if below || above {
        return Err(RequestError::OutOfRange {
            name,
            min,
            max,
            found: value,
        });
    }
    Ok(())
}

/// Checks a query parameter that is a number: a whole number, within its range. An empty
/// optional parameter is not checked (it is not sent).
pub fn check_numeric_parameter(
    name: &'static str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), RequestError> {
    if value.is_empty() {
        return Ok(());
    }
    let number = value
        .trim()
        .parse::<i64>()
        .map_err(|_| RequestError::NotANumber {
            name,
            found: value.chars().take(40).collect(),
        })?;
    check_range(name, number, min, max)
}

/// The body of a request and its media type.
pub struct Body {
    /// The `Content-Type`.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What a request asks for in `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept<'a> {
    /// A UCWA representation (every operation answering a resource, or nothing).
    Format(Format),
    /// Raw content in one of these media types (a photo: `image/*`), whatever the
    /// representation the client otherwise uses.
    MediaTypes(&'a [&'a str]),
}

impl From<Format> for Accept<'static> {
    fn from(format: Format) -> Self {
        Accept::Format(format)
    }
}

impl Accept<'_> {
    fn header(self) -> Result<HeaderValue, RequestError> {
        match self {
            Accept::Format(format) => Ok(HeaderValue::from_static(format.media_type())),
            Accept::MediaTypes(types) => {
                HeaderValue::from_str(&types.join(", ")).map_err(|e| RequestError::InvalidHeader {
                    name: "Accept",
                    reason: e.to_string(),
                })
            }
        }
    }
}

/// Builds a request for `method` on `url` with `query` pairs (percent-encoded by `url`), an
/// `Accept` for `accept` (a [`Format`], or the media types of raw content) and an optional
/// body.
pub fn build_request<'a>(
    method: Method,
    mut url: Url,
    query: &[(&str, &str)],
    accept: impl Into<Accept<'a>>,
    body: Option<Body>,
) -> Result<Request<Vec<u8>>, RequestError> {
    let accept = accept.into().header()?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    let mut builder = Request::builder()
        .method(method)
        .uri(url.as_str())
        .header(header::ACCEPT, accept);
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

#[cfg(test)]
mod media_type_tests {
    use super::*;

    #[test]
    fn a_body_s_media_type_is_checked_without_parameters_or_case() {
        let accepted: &'static [&'static str] = &["text/plain", "text/html"];
        let body = |t: &str| Body {
            media_type: t.to_owned(),
            bytes: Vec::new(),
        };
        assert!(check_body_media_type(&body("text/plain"), accepted).is_ok());
        assert!(check_body_media_type(&body("Text/HTML; charset=utf-8"), accepted).is_ok());
        let error = check_body_media_type(&body("application/json"), accepted).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the body's media type `application/json` is not one this request takes: text/plain, text/html"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept_of(accept: Accept<'_>) -> Result<String, RequestError> {
        let url = Url::parse("https://fe1.contoso.com/ucwa/v1/applications/192/photo").unwrap();
        let request = build_request(Method::GET, url, &[("size", "HR64X64")], accept, None)?;
        assert_eq!(
            request.uri(),
            "https://fe1.contoso.com/ucwa/v1/applications/192/photo?size=HR64X64"
        );
        Ok(request.headers()[header::ACCEPT]
            .to_str()
            .unwrap()
            .to_owned())
    }

    #[test]
    fn accept_is_the_format_or_the_media_types() {
        assert_eq!(accept_of(Format::Json.into()).unwrap(), "application/json");
        assert_eq!(accept_of(Format::Xml.into()).unwrap(), "application/xml");
        assert_eq!(
            accept_of(Accept::MediaTypes(&["image/*"])).unwrap(),
            "image/*"
        );
        assert_eq!(
            accept_of(Accept::MediaTypes(&["image/png", "image/jpeg"])).unwrap(),
            "image/png, image/jpeg"
        );
        assert_eq!(
            accept_of(Accept::MediaTypes(&["image/\u{7f}"])),
            Err(RequestError::InvalidHeader {
                name: "Accept",
                reason: "failed to parse header value".to_owned()
            })
        );
    }
}
