//! Sending one request with the token of the host it goes to: the host's token when it has
//! one, none when it has not (the 401 brings the challenge), then at most one fresh token and
//! one retry; and sending it again, as the [`RetryPolicy`] says, after a failure that passes.
//! Shared by [`crate::Client`] (one origin) and discovery (a few hosts).

use std::time::Duration;

use ucwa::RequestError;
use ucwa::http::{self, StatusCode, header};

use crate::auth::AuthError;
use crate::auth::hosts::Hosts;
use crate::retry::{self, RetryPolicy};
use crate::{TransportError, body, diagnostics};

/// Why a request got no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    Request(RequestError),
    Transport(TransportError),
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

/// What one attempt brought.
enum Attempt {
    Answer(http::Response<Vec<u8>>),
    /// The connection failed, for a reason that passes or not.
    Failed(TransportError),
    Error(SendError),
}

/// How to send a request: the HTTP client, the tokens, the limits and the retry policy.
pub(crate) struct Sender<'a> {
    pub http: &'a reqwest::Client,
    pub hosts: &'a Hosts,
    pub timeout: Duration,
    pub max_body: usize,
    pub retry: &'a RetryPolicy,
}

impl Sender<'_> {
    /// Sends `request` to `url` (already checked by the caller to be where it may go), again
    /// after a failure that passes when the policy allows.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        url: &url::Url,
    ) -> Result<http::Response<Vec<u8>>, SendError> {
        let (parts, body) = request.into_parts();
        let repeats = self.retry.repeats(&parts.method);
        let mut attempt = 1;
        loop {
            let outcome = self.once(&parts, &body, url).await;
            let (reason, retry_after) = match &outcome {
                Attempt::Answer(answer) if retry::passing_status(answer.status()) => (
                    answer.status().to_string(),
                    retry::retry_after(answer.headers()),
                ),
                Attempt::Failed(error) if error.is_passing() => (error.reason(), None),
                _ => return finish(outcome, attempt),
            };
            let wait = if repeats {
                self.retry.wait(attempt, retry_after)
            } else {
                None
            };
            let Some(wait) = wait else {
                if repeats && retry_after.is_some() && attempt < self.retry.max_attempts {
                    tracing::info!(
                        target: "ucwa_client::retry",
                        method = %parts.method,
                        %url,
                        ?retry_after,
                        max_backoff = ?self.retry.max_backoff,
                        "not retried: the server asks for a longer wait than the policy's longest"
                    );
                }
                return finish(outcome, attempt);
            };
            tracing::info!(
                target: "ucwa_client::retry",
                method = %parts.method,
                %url,
                attempt,
                wait_ms = wait.as_millis() as u64,
                %reason,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt, with the 401 handling: at most one fresh token and one retry.
    async fn once(&self, parts: &http::request::Parts, body: &[u8], url: &url::Url) -> Attempt {
        let hosts = self.hosts;
        let mut token = match hosts.for_request(url).await {
            Ok(token) => token,
            Err(error) => return Attempt::Error(error.into()),
        };
        let mut renewed = false;
        loop {
            let mut headers = parts.headers.clone();
            if let Some(token) = &token {
                match token.header() {
                    Ok(value) => headers.insert(header::AUTHORIZATION, value),
                    Err(error) => return Attempt::Error(error.into()),
                };
            }
            let sent = self
                .http
                .request(parts.method.clone(), url.clone())
                .headers(headers)
                .timeout(self.timeout)
                .body(body.to_vec())
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    return Attempt::Failed(TransportError::http(&parts.method, url, error));
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            let final_url = FinalUrl(response.url().clone());
            if status == StatusCode::UNAUTHORIZED && hosts.can_renew() {
                if renewed {
                    // One fresh token per request: a server that refuses it would refuse the
                    // next one too.
                    return Attempt::Error(
                        AuthError::Rejected {
                            resource: url.origin().ascii_serialization(),
                            diagnostics: diagnostics::from_headers(&headers),
                        }
                        .into(),
                    );
                }
                token = match hosts
                    .after_unauthorized(url, &headers, token.as_ref())
                    .await
                {
                    Ok(token) => token,
                    Err(error) => return Attempt::Error(error.into()),
                };
                renewed = true;
                continue;
            }
            if status.is_client_error() || status.is_server_error() {
                // The server's own reason, for the logs: the reference advises against acting
                // on it.
                let diagnostics = diagnostics::from_headers(&headers);
                tracing::warn!(%status, %url, ?diagnostics, "error answer");
            }
            let bytes = match body::read(response, self.max_body).await {
                Ok(bytes) => bytes,
                Err(error) => {
                    return Attempt::Failed(TransportError::unread(&parts.method, url, error));
                }
            };
            let mut answer = http::Response::new(bytes);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            answer.extensions_mut().insert(final_url);
            return Attempt::Answer(answer);
        }
    }
}

/// The result of the last attempt, `attempts` in all.
fn finish(outcome: Attempt, attempts: u32) -> Result<http::Response<Vec<u8>>, SendError> {
    match outcome {
        Attempt::Answer(answer) => Ok(answer),
        Attempt::Error(error) => Err(error),
        Attempt::Failed(error) => Err(SendError::Transport(error.after(attempts))),
    }
}
