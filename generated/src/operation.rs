//! Invoking operations without doing I/O: building an `http::Request` from a link and checked
//! parameters, and reading an `http::Response` into a typed value or a typed error. Any HTTP
//! client can carry them.

use std::fmt;

use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use url::Url;

use crate::{DecodeError, ErrorBody, Format, Href};

/// The scheme, host and port of a UCWA server: every href is resolved against it, and nothing
/// is sent anywhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Url);

impl Origin {
    /// Parses an origin such as `https://fe1.contoso.com` (a path, if any, is ignored).
    pub fn parse(origin: &str) -> Result<Self, RequestError> {
        let url = Url::parse(origin).map_err(|e| RequestError::InvalidOrigin {
            origin: origin.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(RequestError::InvalidOrigin {
                origin: origin.to_owned(),
                reason: "expected an http or https URL with a host".to_owned(),
            });
        }
        let mut root = url;
        root.set_path("/");
        root.set_query(None);
        root.set_fragment(None);
        Ok(Origin(root))
    }

    /// The origin as a URL (with path `/`).
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// Resolves `href` against the origin; an href naming another scheme, host or port, or one
    /// that is not a URL at all (such as a `data:` URI), is refused.
    pub fn resolve(&self, href: &Href) -> Result<Url, RequestError> {
        let url = self
            .0
            .join(href.as_str())
            .map_err(|e| RequestError::InvalidHref {
                href: href.as_str().to_owned(),
                reason: e.to_string(),
            })?;
        if url.origin() != self.0.origin() {
            return Err(RequestError::CrossOrigin {
                href: href.as_str().to_owned(),
                origin: self.0.origin().ascii_serialization(),
            });
        }
        Ok(url)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.origin().ascii_serialization())
    }
}

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

/// The errors every UCWA operation can answer with (`GenericSynchronousErrors.md`), matched by
/// the code or the subcode of the error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GenericError {
    /// The application resource does not exist (any more): create it again.
    ApplicationNotFound,
    /// The request as a whole is malformed.
    BadRequest,
    /// The request body could not be deserialized.
    DeserializationFailure,
    /// The request is too large.
    EntityTooLarge,
    /// Exchange could not be reached.
    ExchangeServiceFailure,
    /// An inactive application expired.
    InactiveApplicationExpired,
    /// The method is not supported on this resource.
    MethodNotAllowed,
    /// The user may no longer use mobile applications.
    MobileApplicationNoLongerAllowed,
    /// A parameter is not valid; the body's `parameters` says which.
    ParameterValidationFailure,
    /// An `If-Match` precondition was not met.
    PreconditionFailed,
    /// The operation needs an `If-Match` precondition.
    PreconditionRequired,
    /// The resource does not exist.
    ResourceNotFound,
    /// Internal server error.
    ServiceFailure,
    /// Internal server error: a remote timed out.
    ServiceTimeout,
    /// The user has too many applications.
    TooManyApplications,
    /// The request's content type is not supported.
    UnsupportedMediaType,
    /// The requested version is not supported.
    VersionNotSupported,
}

impl GenericError {
    const ALL: [(GenericError, &'static str); 17] = [
        (GenericError::ApplicationNotFound, "ApplicationNotFound"),
        (GenericError::BadRequest, "BadRequest"),
        (
            GenericError::DeserializationFailure,
            "DeserializationFailure",
        ),
        (GenericError::EntityTooLarge, "EntityTooLarge"),
        (
            GenericError::ExchangeServiceFailure,
            "ExchangeServiceFailure",
        ),
        (
            GenericError::InactiveApplicationExpired,
            "InactiveApplicationExpired",
        ),
        (GenericError::MethodNotAllowed, "MethodNotAllowed"),
        (
            GenericError::MobileApplicationNoLongerAllowed,
            "MobileApplicationNoLongerAllowed",
        ),
        (
            GenericError::ParameterValidationFailure,
            "ParameterValidationFailure",
        ),
        (GenericError::PreconditionFailed, "PreconditionFailed"),
        (GenericError::PreconditionRequired, "PreconditionRequired"),
        (GenericError::ResourceNotFound, "ResourceNotFound"),
        (GenericError::ServiceFailure, "ServiceFailure"),
        (GenericError::ServiceTimeout, "ServiceTimeout"),
        (GenericError::TooManyApplications, "TooManyApplications"),
        (GenericError::UnsupportedMediaType, "UnsupportedMediaType"),
        (GenericError::VersionNotSupported, "VersionNotSupported"),
    ];

    /// The name, as UCWA writes it.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("", |(_, name)| name)
    }

    fn named(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(kind, _)| *kind)
    }

    /// The generic error an error body reports: its subcode if that is one (the more
    /// specific), else its code.
    pub fn classify(body: &ErrorBody) -> Option<Self> {
        body.subcode
            .as_deref()
            .and_then(Self::named)
            .or_else(|| Self::named(&body.code))
    }
}

impl fmt::Display for GenericError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response that is not from UCWA: an HTML page from a proxy, an empty body, a body in
/// another media type, or an error body that does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotUcwa {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The start of the body, lossily decoded, at most [`NotUcwa::EXCERPT`] characters.
    pub excerpt: String,
    /// Why it is not a UCWA answer.
    pub reason: String,
}

impl NotUcwa {
    /// The longest excerpt kept, in characters.
    pub const EXCERPT: usize = 200;

    fn new<B: AsRef<[u8]>>(response: &Response<B>, reason: impl Into<String>) -> Self {
        let body = response.body().as_ref();
        let text = String::from_utf8_lossy(&body[..body.len().min(Self::EXCERPT * 4)]);
        let mut excerpt: String = text.chars().take(Self::EXCERPT).collect();
        if text.chars().count() > Self::EXCERPT {
            excerpt.push('…');
        }
        NotUcwa {
            status: response.status(),
            content_type: content_type(response).map(str::to_owned),
            excerpt,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for NotUcwa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the server's answer is not a UCWA payload ({}): status {}, Content-Type {}",
            self.reason,
            self.status,
            self.content_type.as_deref().unwrap_or("(none)")
        )?;
        if !self.excerpt.is_empty() {
            write!(f, ", body starts {:?}", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for NotUcwa {}

/// Why an operation did not give its result.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError<E: std::error::Error + 'static> {
    /// UCWA answered with an error, typed by the operation's error table.
    #[error(transparent)]
    Ucwa(E),
    /// The answer is not from UCWA.
    #[error(transparent)]
    NotUcwa(NotUcwa),
    /// A success whose body does not decode into the documented resource.
    #[error("the {status} answer does not decode: {error}")]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// What is wrong with the body.
        error: DecodeError,
    },
}

/// An operation of the schema: generated for each, with an inherent `request(..)` that builds
/// the request from a link and checked parameters.
pub trait Operation {
    /// The HTTP method.
    const METHOD: Method;
    /// The rel of the link (and resource) the operation is invoked on.
    const REL: &'static str;
    /// What a success gives: a resource, or `()`.
    type Output;
    /// The operation's typed errors.
    type Error: OperationError;

    /// Reads the answer to the request.
    fn parse_response<B: AsRef<[u8]>>(
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError<Self::Error>>;
}

/// A typed error of one operation, built from an error status and body.
pub trait OperationError: std::error::Error + Sized + 'static {
    /// Classifies an error answer by its status and subcode.
    fn classify(status: StatusCode, body: ErrorBody) -> Self;
}

/// The errors of a request that is not one of the schema's operations (following a link, the
/// event channel): one of the generic errors, or any other, kept whole.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum UcwaError {
    /// One of the errors every operation can answer with.
    Generic {
        /// The HTTP status.
        status: u16,
        /// Which one.
        kind: GenericError,
        /// The error body.
        body: Box<ErrorBody>,
    },
    /// Any other error, kept whole.
    Other {
        /// The HTTP status.
        status: u16,
        /// The error body.
        body: Box<ErrorBody>,
    },
}

impl UcwaError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            UcwaError::Generic { status, .. } | UcwaError::Other { status, .. } => *status,
        }
    }

    /// The error body.
    pub fn body(&self) -> &ErrorBody {
        match self {
            UcwaError::Generic { body, .. } | UcwaError::Other { body, .. } => body,
        }
    }
}

impl OperationError for UcwaError {
    fn classify(status: StatusCode, body: ErrorBody) -> Self {
        let status = status.as_u16();
        match GenericError::classify(&body) {
            Some(kind) => UcwaError::Generic {
                status,
                kind,
                body: Box::new(body),
            },
            None => UcwaError::Other {
                status,
                body: Box::new(body),
            },
        }
    }
}

impl fmt::Display for UcwaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(f, self.status(), self.body())
    }
}

impl std::error::Error for UcwaError {}

fn content_type<B>(response: &Response<B>) -> Option<&str> {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// Reads an answer: a success is decoded by `success` (given the representation and the body),
/// an error status becomes `E`, anything not from UCWA becomes [`NotUcwa`].
pub fn parse_response<B, T, E>(
    response: &Response<B>,
    success: impl FnOnce(Format, &[u8]) -> Result<T, DecodeError>,
) -> Result<T, ResponseError<E>>
where
    B: AsRef<[u8]>,
    E: OperationError,
{
    let status = response.status();
    let body = response.body().as_ref();
    let format = content_type(response).and_then(Format::from_content_type);
    if status.is_success() {
        return success(format.unwrap_or(Format::Json), body).map_err(|error| {
            if format.is_none() && !body.is_empty() {
                ResponseError::NotUcwa(NotUcwa::new(
                    response,
                    "a success in an unexpected media type",
                ))
            } else {
                ResponseError::Decode { status, error }
            }
        });
    }
    let Some(format) = format else {
        let reason = if body.is_empty() {
            "an error status without a body"
        } else {
            "an error status with a body in another media type"
        };
        return Err(ResponseError::NotUcwa(NotUcwa::new(response, reason)));
    };
    match crate::codec::decode_as::<ErrorBody>(format, body) {
        Ok(error) => Err(ResponseError::Ucwa(E::classify(status, error))),
        Err(e) => Err(ResponseError::NotUcwa(NotUcwa::new(
            response,
            format!(
                "an error status whose body is not a UCWA error: {}",
                e.message()
            ),
        ))),
    }
}

/// For an operation whose success has no body: accepts any body and returns `()`.
pub fn no_content(_: Format, _: &[u8]) -> Result<(), DecodeError> {
    Ok(())
}

/// For an operation whose success is a resource: decodes it in the answer's representation;
/// an empty body is an error.
pub fn resource<T: crate::Payload>(format: Format, body: &[u8]) -> Result<T, DecodeError> {
    crate::codec::decode_as(format, body)
}

/// Formats an error of an operation: status, code, subcode and message.
pub fn describe(f: &mut fmt::Formatter<'_>, status: u16, body: &ErrorBody) -> fmt::Result {
    write!(f, "{status} {}", body.code)?;
    if let Some(subcode) = &body.subcode {
        write!(f, " ({subcode})")?;
    }
    if let Some(message) = &body.message {
        write!(f, ": {message}")?;
    }
    Ok(())
}
