//! Reading an answer: a success into the operation's output, an error status into its typed
//! error, anything else into [`NotUcwa`].

use std::fmt;

use http::{HeaderMap, Response, StatusCode, header};

use super::OperationError;
use crate::{DecodeError, ErrorBody, Format};

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
    /// The answer's `X-Ms-Diagnostics` header, if any: often all a bodiless error says.
    pub diagnostics: Option<String>,
}

impl NotUcwa {
    /// The longest excerpt kept, in characters.
    pub const EXCERPT: usize = 200;

    pub(super) fn new<B: AsRef<[u8]>>(response: &Response<B>, reason: impl Into<String>) -> Self {
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
            diagnostics: diagnostics(response),
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
        if let Some(diagnostics) = &self.diagnostics {
            write!(f, ", X-Ms-Diagnostics {diagnostics:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NotUcwa {}

/// Why an operation did not give its result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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

impl<E: std::error::Error + 'static> ResponseError<E> {
    /// The same failure with the operation's error turned into another type by `f` (to
    /// report several operations' errors as one type); the other failures are kept as they
    /// are.
    pub fn map_ucwa<F: std::error::Error + 'static>(
        self,
        f: impl FnOnce(E) -> F,
    ) -> ResponseError<F> {
        match self {
            ResponseError::Ucwa(error) => ResponseError::Ucwa(f(error)),
            ResponseError::NotUcwa(answer) => ResponseError::NotUcwa(answer),
            ResponseError::Decode { status, error } => ResponseError::Decode { status, error },
        }
    }
}

/// The `X-Ms-Diagnostics` header, as text.
fn diagnostics<B>(response: &Response<B>) -> Option<String> {
    response
        .headers()
        .get("x-ms-diagnostics")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

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
        Ok(mut error) => {
            error.diagnostics = diagnostics(response);
            Err(ResponseError::Ucwa(E::classify(status, error)))
        }
        Err(e) => Err(ResponseError::NotUcwa(NotUcwa::new(
            response,
            format!(
                "an error status whose body is not a UCWA error: {}",
                e.message()
            ),
        ))),
    }
}

/// What a success of an operation gives, read from the answer's representation, headers and
/// body.
///
/// A resource is decoded (an empty body is an error); `()`, for operations whose success has
/// no body, accepts any body; a [`Link`](crate::Link) is the `Location` of what a `201
/// Created` made (an invitation, a message), whose state then arrives on the event channel;
/// a [`MediaBody`](super::MediaBody) is raw content (a photo) with its `Content-Type`.
pub trait Success: Sized {
    /// Reads a success.
    fn from_success(format: Format, headers: &HeaderMap, body: &[u8]) -> Result<Self, DecodeError>;
}

impl Success for () {
    fn from_success(_: Format, _: &HeaderMap, _: &[u8]) -> Result<(), DecodeError> {
        Ok(())
    }
}

impl<T: crate::Resource> Success for T {
    fn from_success(format: Format, _: &HeaderMap, body: &[u8]) -> Result<T, DecodeError> {
        crate::codec::decode_as(format, body)
    }
}

impl<T: ?Sized> Success for crate::Link<T> {
    fn from_success(
        _: Format,
        headers: &HeaderMap,
        _: &[u8],
    ) -> Result<crate::Link<T>, DecodeError> {
        let location = headers
            .get(header::LOCATION)
            .ok_or_else(|| DecodeError::header("a `201 Created` without a `Location` header"))?;
        let location = location
            .to_str()
            .map_err(|_| DecodeError::header("the `Location` header is not ASCII text"))?;
        Ok(crate::Link::to(location))
    }
}
