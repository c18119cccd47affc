//! HTTP as UCWA speaks it, for every handler alike: the representation chosen
//! by `Accept`, the checks on what a request sends, and the answers, error bodies included.
//!
//! The handlers only decide which answer to give. How an answer looks on the wire lives here,
//! once, so that every resource fails the way a real server does (the same codes, subcodes and
//! `parameters`) and answers in the format the client asked for, whichever handler it reached.
//! A refusal ([`Refusal`]) is a status and an error body and nothing else: checks and handlers
//! make one without knowing the format, and [`encode_refusals`], the layer in front of every
//! route, writes it in the format the request negotiated.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use ucwa::http::request::Parts;
use ucwa::http::{HeaderMap, HeaderValue, StatusCode, header};
use ucwa::{ErrorBody, Format, Payload};

/// The representation the client asked for by `Accept`; JSON when it did not say. Every answer,
/// error answers included, is in it.
pub(crate) struct Negotiated(pub(crate) Format);

impl<S: Sync> FromRequestParts<S> for Negotiated {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Negotiated(negotiated(&parts.headers)))
    }
}

/// The representation `headers` ask for by `Accept`; JSON when they do not say.
pub(crate) fn negotiated(headers: &HeaderMap) -> Format {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| {
            accept
                .split(',')
                .find_map(|part| Format::from_content_type(part.trim()))
        })
        .unwrap_or(Format::Json)
}

fn answer(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A body already encoded in `format`.
pub(crate) fn respond(format: Format, status: StatusCode, body: Vec<u8>) -> Response {
    answer(status, format.media_type(), body)
}

/// An answer in any media type (for injected faults); a Content-Type that is not a valid
/// header value is sent as `application/octet-stream`.
pub(crate) fn respond_as(content_type: &str, status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = answer(status, "application/octet-stream", body);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

pub(crate) fn payload<T: Payload>(format: Format, status: StatusCode, value: &T) -> Response {
    encoded(format, status, ucwa::codec::encode(format, value))
}

/// A body encoded in `format`, or, when the representation cannot carry it (a character XML
/// 1.0 cannot hold, sent by a JSON client), a 500 `ServiceFailure` that says so.
pub(crate) fn encoded(
    format: Format,
    status: StatusCode,
    body: Result<Vec<u8>, ucwa::EncodeError>,
) -> Response {
    match body {
        Ok(body) => respond(format, status, body),
        Err(e) => Refusal::with(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceFailure",
            None,
            &e.to_string(),
        )
        .encode(format),
    }
}

/// An error answer: a status and a UCWA error body. Handlers and checks only say which; the
/// format the client negotiated is applied in one place, [`encode_refusals`], the layer in
/// front of every route (or [`Refusal::encode`], where an answer is made outside the routes).
/// Handlers pass it up through `?` from each check they make.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    // Boxed: a refusal is the `Err` of every handler's `Result`, and an error body is large.
    body: Box<ErrorBody>,
}

impl Refusal {
    /// A refusal with `status` and `body`.
    pub(crate) fn new(status: StatusCode, body: ErrorBody) -> Refusal {
        Refusal {
            status,
            body: Box::new(body),
        }
    }

    /// A refusal with `code`, `subcode` and `message`, the body's other members left out.
    pub(crate) fn with(
        status: StatusCode,
        code: &str,
        subcode: Option<&str>,
        message: &str,
    ) -> Refusal {
        Refusal::new(
            status,
            ErrorBody {
                code: code.to_owned(),
                subcode: subcode.map(str::to_owned),
                message: Some(message.to_owned()),
                ..ErrorBody::default()
            },
        )
    }

    /// The answer in `format`, with the `X-Ms-Diagnostics` a server adds to each error answer
    /// (a number, and where the answer comes from).
    pub(crate) fn encode(self, format: Format) -> Response {
        let mut response = payload(format, self.status, &*self.body);
        let diagnostics = format!(
            "{};reason=\"{}\";source=\"ucwa-emulator\"",
            DIAGNOSTIC_ID,
            self.body
                .subcode
                .as_deref()
                .unwrap_or(&self.body.code)
                .replace('"', "'")
        );
        if let Ok(value) = HeaderValue::from_str(&diagnostics) {
            response.headers_mut().insert("x-ms-diagnostics", value);
        }
        response
    }
}

/// The refusal travels in the answer's extensions, its body empty, to [`encode_refusals`],
/// which knows the negotiated format.
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response.extensions_mut().insert(self);
        response
    }
}

/// The layer that encodes every [`Refusal`] a route answers, in the format the request
/// negotiated by `Accept`: the one place where a refusal meets a format.
pub(crate) async fn encode_refusals(request: Request, next: Next) -> Response {
    let format = negotiated(request.headers());
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<Refusal>() {
        Some(refusal) => refusal.encode(format),
        None => response,
    }
}

/// The diagnostic number of the emulator's error answers (UCWA's are server specific).
pub const DIAGNOSTIC_ID: u32 = 1000;

pub(crate) fn not_found() -> Refusal {
    Refusal::with(
        StatusCode::NOT_FOUND,
        "NotFound",
        Some("ResourceNotFound"),
        "The resource does not exist.",
    )
}

/// Unlike [`not_found`], tells the client its application is gone, so that it makes a new one.
pub(crate) fn no_application() -> Refusal {
    Refusal::with(
        StatusCode::NOT_FOUND,
        "NotFound",
        Some("ApplicationNotFound"),
        "The application does not exist.",
    )
}

/// 410 `InactiveApplicationExpired`: the application was idle too long and is gone.
pub(crate) fn application_expired() -> Refusal {
    Refusal::with(
        StatusCode::GONE,
        "Gone",
        Some("InactiveApplicationExpired"),
        "The application expired.",
    )
}

/// 409 `TooManyApplications`: `limits.max_applications` are live. (The reference gives no
/// status for it; its other "too many" subcodes come with 409.)
pub(crate) fn too_many_applications(max: usize) -> Refusal {
    conflict(
        "TooManyApplications",
        &format!("There are {max} applications already (`limits.max_applications`)."),
    )
}

/// 403 `LimitExceeded`, UCWA's answer when a server-defined limit is exceeded.
pub(crate) fn limit_exceeded(message: &str) -> Refusal {
    Refusal::with(
        StatusCode::FORBIDDEN,
        "Forbidden",
        Some("LimitExceeded"),
        message,
    )
}

/// 403 `Forbidden` without a subcode: the request is understood and not allowed (a group the
/// server keeps cannot be renamed or deleted).
pub(crate) fn forbidden(message: &str) -> Refusal {
    Refusal::with(StatusCode::FORBIDDEN, "Forbidden", None, message)
}

/// 409 with `subcode`.
pub(crate) fn conflict(subcode: &str, message: &str) -> Refusal {
    Refusal::with(StatusCode::CONFLICT, "Conflict", Some(subcode), message)
}

/// 405 `MethodNotAllowed`: the resource is there, not for this method (a UCWA error body, not
/// the router's empty answer).
pub(crate) fn method_not_allowed() -> Refusal {
    Refusal::with(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        None,
        "This resource does not take this method.",
    )
}

/// 201, no body, with the `Location` of what was made (a path of this origin, always a valid
/// header value; one that is not is left out rather than failing the answer).
pub(crate) fn created_at(location: &str) -> Response {
    let mut response = no_content();
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 204, no body.
pub(crate) fn no_content() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// 409 `AlreadyExists`: the request repeats one that was already carried out.
pub(crate) fn already_exists(message: &str) -> Refusal {
    Refusal::with(
        StatusCode::CONFLICT,
        "Conflict",
        Some("AlreadyExists"),
        message,
    )
}

/// 400 `ParameterValidationFailure` naming each invalid parameter and why.
pub(crate) fn invalid_parameters(problems: &[(&str, String)]) -> Refusal {
    let parameters: serde_json::Map<String, serde_json::Value> = problems
        .iter()
        .map(|(name, reason)| ((*name).to_owned(), json!(reason)))
        .collect();
    let names: Vec<&str> = problems.iter().map(|(name, _)| *name).collect();
    Refusal::new(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: "BadRequest".into(),
            subcode: Some("ParameterValidationFailure".into()),
            message: Some(format!("Invalid parameters: {}.", names.join(", "))),
            parameters: Some(serde_json::Value::Object(parameters)),
            ..ErrorBody::default()
        },
    )
}

/// Checks a text parameter: present, not empty, at most `max` characters. Problems are
/// collected rather than answered at once, because the server names every invalid parameter.
pub(crate) fn check(
    problems: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<&str>,
    max: usize,
) {
    match value {
        None | Some("") => problems.push((name, "required".to_owned())),
        Some(value) if value.chars().count() > max => {
            problems.push((
                name,
                format!("{} characters; at most {max}", value.chars().count()),
            ));
        }
        Some(_) => {}
    }
}

pub(crate) fn unsupported_media_type(message: &str) -> Refusal {
    Refusal::with(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
        None,
        message,
    )
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A query parameter by name, in any case (the walkthroughs send `OperationContext`,
/// `groupId`, … as they please; the server takes them so).
pub(crate) fn query_parameter<'a>(
    query: &'a std::collections::HashMap<String, String>,
    name: &str,
) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A member a decoded body kept aside, by name in any case (`UserAgent` for `userAgent`,
/// `Uris` for `uris`: the reference's samples capitalise some).
pub(crate) fn unknown_member<'a>(
    unknown: &'a ucwa::Unknown,
    name: &str,
) -> Option<&'a serde_json::Value> {
    unknown
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// As [`decode`], and the default value for an empty body (a POST that resets what it sets,
/// sent with `Content-Length: 0` and often no `Content-Type`).
pub(crate) fn decode_or_default<T: Payload + Default>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    decode(headers, body)
}

/// The body, decoded from whichever of JSON and XML its `Content-Type` names (which need not be
/// the format of the answer): 415 for anything else, 400 for a body that does not decode.
pub(crate) fn decode<T: Payload>(headers: &HeaderMap, body: &[u8]) -> Result<T, Refusal> {
    let Some(sent) = Format::from_content_type(content_type(headers)) else {
        return Err(unsupported_media_type("Send JSON or XML."));
    };
    ucwa::codec::decode_as(sent, body).map_err(|e| {
        Refusal::with(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            Some("DeserializationFailure"),
            e.message(),
        )
    })
}

/// The SDP offer a body carries: 415 unless sent as `application/sdp`, 400 when empty.
pub(crate) fn sdp_offer<'a>(headers: &HeaderMap, body: &'a [u8]) -> Result<&'a [u8], Refusal> {
    let is_sdp = ucwa::operation::media_type_matches(content_type(headers), &["application/sdp"]);
    if !is_sdp {
        return Err(unsupported_media_type(
            "The SDP offer must be sent as application/sdp.",
        ));
    }
    if body.is_empty() {
        return Err(invalid_parameters(&[("sdp", "required".to_owned())]));
    }
    Ok(body)
}

/// 412 `PreconditionFailed`: the `If-Match` of a PUT is not the resource's entity tag any more.
pub(crate) fn precondition_failed() -> Refusal {
    Refusal::with(
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        None,
        "The resource changed since it was read; read it again.",
    )
}

/// 428 `PreconditionRequired`: a PUT without `If-Match`.
pub(crate) fn precondition_required() -> Refusal {
    Refusal::with(
        StatusCode::PRECONDITION_REQUIRED,
        "PreconditionRequired",
        None,
        "Send the resource's entity tag in If-Match.",
    )
}

/// 404 with `subcode` (`DestinationNotFound`: what the request names is not there), where the
/// operation's table gives one.
pub(crate) fn not_found_as(subcode: &str, message: &str) -> Refusal {
    Refusal::with(StatusCode::NOT_FOUND, "NotFound", Some(subcode), message)
}
