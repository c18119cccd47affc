//! Request bodies, read before any handler sees them: at most `max_request_body` bytes (413
//! `EntityTooLarge`, at once when `Content-Length` announces more) within `body_read_timeout`
//! (408 `ClientTimeout`), both answered in the format the client asked for and with the
//! connection closed, since the rest of the body is not read.

use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State as Extract};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use ucwa::http::{HeaderValue, StatusCode, header};

use crate::limits::Limits;
use crate::protocol::{Refusal, negotiated};

/// Reads the body up to the limits, then passes the request on with the body in memory.
pub(crate) async fn read(
    Extract(limits): Extract<Arc<Limits>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let format = negotiated(&parts.headers);
    let max = limits.max_request_body;
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > max as u64) {
        return too_large(format, max);
    }
    let deadline = tokio::time::Instant::now() + limits.body_read_timeout;
    let mut read = Vec::with_capacity(announced.map_or(0, |l| l as usize));
    let mut chunks = body.into_data_stream();
    loop {
        match tokio::time::timeout_at(deadline, chunks.next()).await {
            Err(_) => {
                return refuse(
                    format,
                    StatusCode::REQUEST_TIMEOUT,
                    "ClientTimeout",
                    format!(
                        "The request body did not arrive within {:?}.",
                        limits.body_read_timeout
                    ),
                );
            }
            Ok(None) => break,
            Ok(Some(Err(_))) => {
                return refuse(
                    format,
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "The request body could not be read.".to_owned(),
                );
            }
            Ok(Some(Ok(chunk))) => {
                if read.len() + chunk.len() > max {
                    return too_large(format, max);
                }
                read.extend_from_slice(&chunk);
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(read))).await
}

fn too_large(format: ucwa::Format, max: usize) -> Response {
    refuse(
        format,
        StatusCode::PAYLOAD_TOO_LARGE,
        "EntityTooLarge",
        format!("The request body is longer than {max} bytes."),
    )
}

/// An error answer after which the connection is closed: what is left of the body is never
/// read.
fn refuse(format: ucwa::Format, status: StatusCode, code: &str, message: String) -> Response {
    let mut response = Refusal::with(status, code, None, &message).encode(format);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
