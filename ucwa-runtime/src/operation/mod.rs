//! Invoking operations without doing I/O: building an `http::Request` from a link and checked
//! parameters, and reading an `http::Response` into a typed value or a typed error. Any HTTP
//! client can carry them.
//!
//! - [`origin`](Origin): which hrefs may be requested at all;
//! - `request`: query parameters checked against their limits, the body, `Accept`;
//! - `typed`: [`Request<O>`], what a generated `request(..)` gives: the `http::Request` typed
//!   by the operation that reads its answer;
//! - `response`: a success into the operation's [`Success`] output, an error status into its
//!   [`OperationError`], anything else into [`NotUcwa`];
//! - `media`: [`MediaBody`], the success of an operation answering raw content (a photo) in
//!   the media types it declares ([`Operation::MEDIA_TYPES`]);
//! - `headers`: [`ETag`] (`If-Match` on every PUT) and [`ResourceVersion`]
//!   (`X-MS-RequiresMinResourceVersion`);
//! - `errors`: what every operation shares: [`GenericError`] and the common [`UcwaError`];
//! - [`batch`]: several requests in one `multipart/batching` round trip, each answer typed,
//!   over [`multipart`], the wire format (RFC 2046 parts holding HTTP messages).

pub mod batch;
mod errors;
mod headers;
mod media;
pub mod multipart;
mod origin;
mod request;
mod response;
mod typed;

use http::{Method, Response, StatusCode};

pub use batch::{AnswerError, Answers, Batch, BatchError, Ticket};
pub use errors::{GenericError, UcwaError, describe};
pub use headers::{ETag, REQUIRES_MIN_RESOURCE_VERSION, ResourceVersion};
pub use media::{MediaBody, check_media_type, media_type_matches};
pub use origin::Origin;
pub use request::{
    Accept, Body, RequestError, build_request, check_body_media_type, check_field_length,
    check_numeric_parameter, check_parameter, check_range,
};
pub use response::{NotUcwa, ResponseError, Success, parse_response};
pub use typed::Request;

use crate::ErrorBody;

/// An operation of the schema: generated for each, with an inherent `request(..)` that builds
/// the request from a link and checked parameters (its signature depends on the operation's
/// query parameters and body) as a [`Request<Self>`](Request).
pub trait Operation {
    /// The HTTP method.
    const METHOD: Method;
    /// The rel of the link (and resource) the operation is invoked on.
    const REL: &'static str;
    /// What a success gives: a resource, `()`, the `Link` a `201` created, or raw content
    /// ([`MediaBody`]).
    type Output: Success;
    /// The operation's typed errors.
    type Error: OperationError;
    /// The media types of a success that is raw content rather than a UCWA representation
    /// (`["image/*"]` for a photo): asked for in `Accept`, and a success in any other type is
    /// [`NotUcwa`]. Empty (the default) for every other operation.
    const MEDIA_TYPES: &'static [&'static str] = &[];

    /// Reads the answer to the request: the output, a typed error from the operation's table
    /// (or the common error), or [`NotUcwa`].
    fn response<B: AsRef<[u8]>>(
        response: &Response<B>,
    ) -> Result<Self::Output, ResponseError<Self::Error>> {
        if !Self::MEDIA_TYPES.is_empty() {
            check_media_type(response, Self::MEDIA_TYPES).map_err(ResponseError::NotUcwa)?;
        }
        parse_response(response, |format, body| {
            Self::Output::from_success(format, response.headers(), body)
        })
    }
}

/// The typed error of one operation, built from an error status and body. Derived with
/// `#[derive(OperationError)]` on an enum with one variant per row of the operation's error
/// table and a `#[ucwa(common)]` variant holding a [`UcwaError`].
pub trait OperationError: std::error::Error + Sized + 'static {
    /// Classifies an error answer by its status and subcode.
    fn classify(status: StatusCode, body: ErrorBody) -> Self;
    /// The HTTP status of the answer.
    fn status(&self) -> u16;
    /// The error body: code, subcode, message, parameters, debug information.
    fn body(&self) -> &ErrorBody;
}
