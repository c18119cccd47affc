//! Sending one request with the token of the host it goes to: the host's token when it has
//! one, none when it has not (the 401 brings the challenge), then at most one fresh token and
//! one retry. Shared by [`crate::Client`] (one origin) and discovery (a few hosts).

use std::time::Duration;

use ucwa::RequestError;
use ucwa::http::{self, StatusCode, header};

use crate::auth::AuthError;
use crate::auth::hosts::Hosts;
use crate::{body, describe, diagnostics};

/// Why a request got no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    Request(RequestError),
    Transport {
        method: String,
        url: String,
        reason: String,
    },
    Auth(AuthError),
}

impl From<AuthError> for SendError {
    fn from(error: AuthError) -> Self {
        SendError::Auth(error)
    }
}

impl From<RequestError> for SendError {
    fn from(error: RequestError) -> Self {
        SendError::Request(error)
    }
}

/// Where an answer came from, in its extensions: not the URL asked when the user's own
/// `reqwest::Client` followed redirects, which discovery must check and resolve links against.
#[derive(Clone, Debug)]
pub(crate) struct FinalUrl(pub url::Url);

/// Sends `request` to `url` (already checked by the caller to be where it may go).
pub(crate) async fn send(
    http: &reqwest::Client,
    hosts: &Hosts,
    request: http::Request<Vec<u8>>,
    url: &url::Url,
    timeout: Duration,
    max_body: usize,
) -> Result<http::Response<Vec<u8>>, SendError> {
    let (parts, body) = request.into_parts();
    let transport = |reason: String| SendError::Transport {
        method: parts.method.to_string(),
        url: url.to_string(),
        reason,
    };
    let mut token = hosts.for_request(url).await?;
    let mut renewed = false;
    loop {
        let mut headers = parts.headers.clone();
        if let Some(token) = &token {
            headers.insert(header::AUTHORIZATION, token.header()?);
        }
        let response = http
            .request(parts.method.clone(), url.clone())
            .headers(headers)
            .timeout(timeout)
            .body(body.clone())
            .send()
            .await
            .map_err(|e| transport(describe(&e)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let final_url = FinalUrl(response.url().clone());
        if status == StatusCode::UNAUTHORIZED && hosts.can_renew() {
            if renewed {
                // One fresh token per request: a server that refuses it would refuse the next
                // one too.
                return Err(AuthError::Rejected {
                    resource: url.origin().ascii_serialization(),
                    diagnostics: diagnostics::from_headers(&headers),
                }
                .into());
            }
            token = hosts
                .after_unauthorized(url, &headers, token.as_ref())
                .await?;
            renewed = true;
            continue;
        }
        if status.is_client_error() || status.is_server_error() {
            // The server's own reason, for the logs: the reference advises against acting on it.
            let diagnostics = diagnostics::from_headers(&headers);
            tracing::warn!(%status, %url, ?diagnostics, "error answer");
        }
        let bytes = body::read(response, max_body).await.map_err(transport)?;
        let mut answer = http::Response::new(bytes);
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        answer.extensions_mut().insert(final_url);
        return Ok(answer);
    }
}
