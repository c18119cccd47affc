//! What the handlers of the list's and subscriptions' changes are sent past the path: the
//! query, the headers and the body, taken together.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::response::{IntoResponse, Response};
use ucwa::Payload;
use ucwa::http::HeaderMap;

use crate::protocol::{Refusal, decode_or_default, query_parameter, unknown_member};

/// A change's query, headers and body, as sent. Nothing is decoded here: each handler decodes
/// the body after checking the application, so that the first failing check is still the one
/// answered. A malformed query or an unreadable body is refused as the separate extractors
/// refuse it (in that order).
pub(super) struct Posted {
    pub(super) query: HashMap<String, String>,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            query,
            headers,
            body,
        })
    }
}

impl Posted {
    /// The body as `T`, an empty one as `T`'s default (every field optional, the query
    /// carrying them instead).
    pub(super) fn input<T: Payload + Default>(&self) -> Result<T, Refusal> {
        decode_or_default(&self.headers, &self.body)
    }

    /// A text the client sends in the query or the body (`name` in any case), trimmed: the
    /// query first, then the body's typed field `typed`, then a member the type does not
    /// know.
    pub(super) fn text(
        &self,
        name: &str,
        typed: Option<String>,
        unknown: &ucwa::Unknown,
    ) -> Option<String> {
        query_parameter(&self.query, name)
            .map(str::to_owned)
            .or(typed)
            .or_else(|| unknown_member(unknown, name).and_then(|v| v.as_str().map(str::to_owned)))
            .map(|t| t.trim().to_owned())
    }
}
