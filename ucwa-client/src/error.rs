//! The errors of a request: [`ClientError`] (what went wrong, with the operation's typed error
//! for an error answer), [`TransportError`] (no answer: the connection, its timeout, the
//! answer's body), and [`BuildError`].

use ucwa::operation::UcwaError;
use ucwa::{RequestError, ResponseError, http};

use crate::auth::AuthError;
use crate::body::{BodyTooLong, ReadError};
use crate::link::MissingLink;
use crate::settings::SettingError;
use crate::{diagnostics, transport};

/// Why a [`Client`](crate::Client) could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The origin is not a server's, or the HTTP client could not be made.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// A setting is out of its range.
    #[error(transparent)]
    Setting(#[from] SettingError),
}

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError<E: std::error::Error + 'static = UcwaError> {
    /// The request was not sent: it could not be built, or it was for another origin.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// No answer: the connection failed or timed out, or the answer could not be read
    /// ([`ClientError::is_timeout`], [`ClientError::is_connect`] tell which).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The server answered, with an error or something that is not UCWA.
    #[error(transparent)]
    Response(ResponseError<E>),
    /// No token could be had for the server, or the server refused a fresh one.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A request cannot join the batch, or the batch's answer is malformed ([`crate::batch`]).
    #[error(transparent)]
    Batch(#[from] ucwa::operation::BatchError),
    /// The resource has no link for what was asked: the server does not offer it now (the links
    /// of what the user publishes come with makeMeAvailable, for instance) or at all.
    #[error("the `{resource}` resource has no `{rel}` link: the server does not offer it now")]
    MissingLink {
        /// The resource read.
        resource: &'static str,
        /// The rel of the link it lacks.
        rel: &'static str,
    },
}

impl<E: std::error::Error + 'static> ClientError<E> {
    /// The same error with the operation's error turned into another type by `f` (a task
    /// module reporting several operations as one error type); the rest is kept as it is.
    pub fn map_operation<F: std::error::Error + 'static>(
        self,
        f: impl FnOnce(E) -> F,
    ) -> ClientError<F> {
        match self {
            ClientError::Request(e) => ClientError::Request(e),
            ClientError::Transport(e) => ClientError::Transport(e),
            ClientError::Response(e) => ClientError::Response(e.map_ucwa(f)),
            ClientError::Auth(e) => ClientError::Auth(e),
            ClientError::Batch(e) => ClientError::Batch(e),
            ClientError::MissingLink { resource, rel } => {
                ClientError::MissingLink { resource, rel }
            }
        }
    }
}

impl<E: std::error::Error + 'static> From<MissingLink> for ClientError<E> {
    fn from(missing: MissingLink) -> Self {
        ClientError::MissingLink {
            resource: missing.resource,
            rel: missing.rel,
        }
    }
}

impl<E: std::error::Error + 'static> From<transport::SendError> for ClientError<E> {
    fn from(error: transport::SendError) -> Self {
        match error {
            transport::SendError::Request(e) => ClientError::Request(e),
            transport::SendError::Transport(e) => ClientError::Transport(e),
            transport::SendError::Auth(e) => ClientError::Auth(e),
        }
    }
}

impl<E: std::error::Error + 'static> From<ucwa::operation::AnswerError<E>> for ClientError<E> {
    fn from(error: ucwa::operation::AnswerError<E>) -> Self {
        match error {
            ucwa::operation::AnswerError::Response(e) => ClientError::Response(e),
            ucwa::operation::AnswerError::Batch(e) => ClientError::Batch(e),
        }
    }
}

impl<E: std::error::Error + 'static> From<ResponseError<E>> for ClientError<E> {
    fn from(error: ResponseError<E>) -> Self {
        ClientError::Response(error)
    }
}

impl<E: std::error::Error + 'static> ClientError<E> {
    /// Whether no answer came in time: the request's timeout, or a connection's (the token
    /// endpoint's included).
    pub fn is_timeout(&self) -> bool {
        self.transport().is_some_and(TransportError::is_timeout)
    }

    /// Whether no connection could be made (refused, unreachable, a name that does not
    /// resolve, a failed TLS handshake), the token endpoint's included.
    pub fn is_connect(&self) -> bool {
        self.transport().is_some_and(TransportError::is_connect)
    }

    /// Whether the proxy refused its credentials ([`TransportError::is_proxy_auth`]).
    pub fn is_proxy_auth(&self) -> bool {
        self.transport().is_some_and(TransportError::is_proxy_auth)
    }

    /// Whether the credentials or the token were refused ([`AuthError::is_refused_grant`]).
    pub fn is_refused_grant(&self) -> bool {
        matches!(self, ClientError::Auth(error) if error.is_refused_grant())
    }

    /// The transport failure this error is, or holds.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            ClientError::Transport(error) => Some(error),
            ClientError::Auth(error) => error.transport(),
            _ => None,
        }
    }
}

impl<E: ucwa::operation::OperationError> ClientError<E> {
    /// The HTTP status of the server's answer this error is about: an error answer (typed by
    /// the operation's table or not UCWA at all) or a success that does not decode. `None`
    /// when no answer came (or the request was not sent).
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            ClientError::Response(ResponseError::Ucwa(error)) => {
                http::StatusCode::from_u16(error.status()).ok()
            }
            ClientError::Response(ResponseError::NotUcwa(answer)) => Some(answer.status),
            ClientError::Response(ResponseError::Decode { status, .. }) => Some(*status),
            _ => None,
        }
    }

    /// Whether the server answered 404: no such resource (any more).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(http::StatusCode::NOT_FOUND)
    }

    /// The server's `X-Ms-Diagnostics` on the answer this error is about (an error status, or
    /// an answer that is not UCWA), parsed; empty when it sent none or the header does not
    /// parse (its text is still in the error body's `diagnostics`).
    pub fn diagnostics(&self) -> Vec<diagnostics::Diagnostic> {
        let raw = match self {
            ClientError::Response(ResponseError::Ucwa(error)) => {
                error.body().diagnostics.as_deref()
            }
            ClientError::Response(ResponseError::NotUcwa(answer)) => answer.diagnostics.as_deref(),
            _ => None,
        };
        raw.and_then(|raw| diagnostics::parse(raw).ok())
            .unwrap_or_default()
    }
}

/// A request that got no answer: the connection could not be made, failed or timed out, or the
/// answer's body could not be read (cut, or longer than the client reads). Its
/// [`source`](std::error::Error::source) is the HTTP client's error; its message holds the
/// chain of causes, which hold the useful part ("connection refused").
#[derive(Debug)]
pub struct TransportError(Box<Failure>);

/// What a [`TransportError`] holds, boxed: every `Result` of the client carries one.
#[derive(Debug)]
struct Failure {
    method: http::Method,
    url: url::Url,
    attempts: u32,
    cause: Cause,
}

/// What failed.
#[derive(Debug)]
enum Cause {
    Http(reqwest::Error),
    TooLong(BodyTooLong),
}

impl TransportError {
    fn new(method: &http::Method, url: &url::Url, cause: Cause) -> Self {
        TransportError(Box::new(Failure {
            method: method.clone(),
            url: url.clone(),
            attempts: 1,
            cause,
        }))
    }

    pub(crate) fn http(method: &http::Method, url: &url::Url, error: reqwest::Error) -> Self {
        Self::new(method, url, Cause::Http(error))
    }

    pub(crate) fn too_long(method: &http::Method, url: &url::Url, error: BodyTooLong) -> Self {
        Self::new(method, url, Cause::TooLong(error))
    }

    /// A body that could not be read, as the error of a request that got no answer.
    pub(crate) fn unread(method: &http::Method, url: &url::Url, error: ReadError) -> Self {
        match error {
            ReadError::TooLong(error) => Self::too_long(method, url, error),
            ReadError::Failed(error) => Self::http(method, url, error),
        }
    }

    pub(crate) fn after(mut self, attempts: u32) -> Self {
        self.0.attempts = attempts;
        self
    }

    /// The request's method.
    pub fn method(&self) -> &http::Method {
        &self.0.method
    }

    /// Where it went (no token in it).
    pub fn url(&self) -> &url::Url {
        &self.0.url
    }

    /// How many times it was sent (the retry policy's attempts).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// What happened, with its causes: "timed out", "error sending request …: connection
    /// refused", "the answer is longer than …".
    pub fn reason(&self) -> String {
        let mut text = match &self.0.cause {
            Cause::Http(error) => describe(error),
            Cause::TooLong(error) => error.to_string(),
        };
        if self.0.attempts > 1 {
            text.push_str(&format!(" (after {} attempts)", self.0.attempts));
        }
        text
    }

    /// Whether no answer came in time (the request's timeout, or the connection's).
    pub fn is_timeout(&self) -> bool {
        matches!(&self.0.cause, Cause::Http(error) if error.is_timeout())
    }

    /// Whether no connection could be made (refused, unreachable, a name that does not
    /// resolve, a failed TLS handshake).
    pub fn is_connect(&self) -> bool {
        matches!(&self.0.cause, Cause::Http(error) if error.is_connect())
    }

    /// Whether the proxy refused its credentials (407 to the `CONNECT`): a wrong or missing
    /// proxy user name or password. reqwest (hyper-util) gives this as its tunnel error's text
    /// only, so that text is what is looked for, through the chain of causes.
    pub fn is_proxy_auth(&self) -> bool {
        matches!(&self.0.cause, Cause::Http(error) if error.is_connect())
            && self.reason().contains(PROXY_AUTH_REQUIRED)
    }

    /// Whether it is a failure the retry policy sends a request again after.
    pub(crate) fn is_passing(&self) -> bool {
        matches!(&self.0.cause, Cause::Http(error) if crate::retry::passing_error(error))
    }
}

/// hyper-util's text for a proxy's 407 to a `CONNECT` (its `TunnelError::ProxyAuthRequired`).
const PROXY_AUTH_REQUIRED: &str = "proxy authorization required";

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.0.method, self.0.url, self.reason())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.cause {
            Cause::Http(error) => Some(error),
            Cause::TooLong(error) => Some(error),
        }
    }
}

/// A reqwest error with its causes, which hold the useful part ("connection refused").
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
