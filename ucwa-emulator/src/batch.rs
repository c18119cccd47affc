//! `POST {app}/batch`: several requests in one `multipart/batching` body, each answered as if
//! it had been sent alone.
//!
//! The body is read with the runtime's strict reader (`ucwa::operation::multipart`); each part
//! is then sent through this origin's own router — the same handlers, checks, injected faults
//! and body limit — with the batch's `Authorization` and `Host`, and its answer (status,
//! headers, body) becomes the part of the `multipart/batching` answer at the same place.
//!
//! Where the reference is silent, the emulator chooses:
//! - parts run one after another, in the order sent (the reference allows any order; one
//!   order makes tests repeatable);
//! - a body that is not `multipart/batching` is answered 415 `UnsupportedMediaType`; a
//!   malformed one 400 `BadRequest`, the message naming the byte offset; more than
//!   `Limits::max_batch_parts` parts 429 `TooManyRequests` (the reference's answer when a batch
//!   passes the server's 100 outstanding requests), and then no part runs;
//! - a part the reference says a batch cannot carry (a batch, the event channel, a photo), or
//!   one addressed to another host, is answered 400 `BadRequest` in its place, the other parts
//!   running as usual;
//! - a part's answer longer than `Limits::max_request_body` is answered 500 `ServiceFailure`
//!   in its place, so that the whole answer stays within `max_batch_parts` of that size.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State as Extract};
use axum::middleware;
use axum::response::Response;
use axum::routing::post;
use hyper_util::service::TowerToHyperService;
use ucwa::Format;
use ucwa::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use ucwa::operation::multipart::{self, Limits, MultipartError, MultipartErrorKind};

use crate::auth::{Site, authorize};
use crate::handler::{Answer, Shared, application_at};
use crate::protocol::{Negotiated, Refusal};

/// What the handler needs: the state, and the router the parts go through.
#[derive(Clone)]
struct Dispatch {
    state: Shared,
    router: Router,
}

/// The batch route of application path `app`, its parts sent through `router` (this origin's,
/// without the batch route: a batch in a batch is refused before it could get there).
pub(crate) fn routes(router: Router, site: Site) -> Router {
    let state = site.state.clone();
    Router::new()
        .route(crate::paths::route::BATCH, post(batch))
        .layer(middleware::from_fn_with_state(site, authorize))
        .with_state(Dispatch { state, router })
}

/// A refusal with `code` and no subcode, as the reference gives a batch's.
fn refuse(status: StatusCode, code: &str, message: String) -> Refusal {
    Refusal::with(status, code, None, &message)
}

async fn batch(
    Extract(dispatch): Extract<Dispatch>,
    Path(app): Path<u64>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let state = &dispatch.state;
    application_at(state, app)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let limits = Limits {
        max_parts: state.config.limits.max_batch_parts,
        max_part_size: state.config.limits.max_request_body,
    };
    let requests = multipart::read_requests(&content_type, &body, &limits).map_err(malformed)?;
    let host = headers.get(header::HOST).cloned();
    let authorization = headers.get(header::AUTHORIZATION).cloned();
    let mut answers = Vec::with_capacity(requests.len());
    for request in requests {
        let answer = match checked(request, host.as_ref()) {
            Ok(mut request) => {
                let headers = request.headers_mut();
                if let Some(authorization) = &authorization {
                    headers.insert(header::AUTHORIZATION, authorization.clone());
                }
                if let Some(host) = &host {
                    headers.insert(header::HOST, host.clone());
                }
                let format = crate::protocol::negotiated(request.headers());
                let service = TowerToHyperService::new(dispatch.router.clone());
                let response = hyper::service::Service::call(&service, request.map(Body::from))
                    .await
                    .unwrap_or_else(|never| match never {});
                collect(response, state.config.limits.max_request_body, format).await
            }
            Err(refusal) => collect(refusal.encode(format), usize::MAX, format).await,
        };
        answers.push(answer);
    }
    let boundary = multipart::choose_boundary(answers.iter().map(|a| a.body().as_slice()));
    let mut response = Response::new(Body::from(multipart::write_responses(&boundary, &answers)));
    if let Ok(value) = HeaderValue::from_str(&multipart::content_type(&boundary)) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}

/// The answer to a batch body that cannot be read.
fn malformed(e: MultipartError) -> Refusal {
    match e.kind {
        MultipartErrorKind::NotMultipart { .. } => refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            e.to_string(),
        ),
        MultipartErrorKind::TooManyParts { max } => refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("A batch may hold at most {max} requests; none was run."),
        ),
        _ => refuse(StatusCode::BAD_REQUEST, "BadRequest", e.to_string()),
    }
}

/// A part as the router takes it: its path and query (an absolute target must name this
/// host), and not one a batch cannot carry.
fn checked(
    request: Request<Vec<u8>>,
    host: Option<&HeaderValue>,
) -> Result<Request<Vec<u8>>, Refusal> {
    let (mut parts, body) = request.into_parts();
    let bad = |message: String| refuse(StatusCode::BAD_REQUEST, "BadRequest", message);
    if let Some(authority) = parts.uri.authority()
        && host.is_none_or(|host| host.as_bytes() != authority.as_str().as_bytes())
    {
        return Err(bad(format!(
            "The part is addressed to {authority}, not this server."
        )));
    }
    let path = parts.uri.path().to_owned();
    if path.ends_with("/batch") || path.ends_with("/events") || path.contains("/photos/") {
        return Err(bad(format!("{path} cannot be requested in a batch.")));
    }
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .map_err(|_| bad("The part's target is not a path.".to_owned()))?;
    Ok(Request::from_parts(parts, body))
}

/// A part's answer in memory, at most `max` bytes of body.
async fn collect(response: Response, max: usize, format: Format) -> ucwa::http::Response<Vec<u8>> {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, max).await {
        Ok(bytes) => ucwa::http::Response::from_parts(parts, bytes.to_vec()),
        Err(_) => {
            let refusal = refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ServiceFailure",
                format!("The answer to this part is longer than {max} bytes."),
            );
            let (parts, body) = refusal.encode(format).into_parts();
            // An error body is a few hundred bytes: it is read whole.
            let bytes = axum::body::to_bytes(body, 64 * 1024)
                .await
                .unwrap_or_default();
            ucwa::http::Response::from_parts(parts, bytes.to_vec())
        }
    }
}
