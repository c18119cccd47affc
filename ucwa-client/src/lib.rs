//! An async client for UCWA 2.0 over the generated, sans-IO operations of [`ucwa`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
//! use ucwa_client::Client;
//!
//! let client = Client::builder("https://fe1.contoso.com", "cwt=...").build()?;
//! let body = ApplicationsPostBody {
//!     culture: Some("en-US".into()),
//!     endpoint_id: Some("a917c6f4-976c-4cf3-847d-cdfffa28ccdf".into()),
//!     user_agent: Some("ContosoBot/1.0".into()),
//!     ..Default::default()
//! };
//! let link = ucwa::Link::to("/ucwa/oauth/v1/applications");
//! let request = ApplicationsPost::request(client.origin(), &link, &body, client.format())?;
//! let application = client.send::<ApplicationsPost>(request).await?;
//! let mut events = client.events(application.links.events.as_ref().ok_or("no event channel")?);
//! while let Some(event) = events.next_event().await? {
//!     println!("{:?} {}", event.event_type, event.rel);
//! }
//! # Ok(()) }
//! ```
//!
//! The bearer token goes on every request, and only to the server's origin: a request for any
//! other scheme, host or port is refused before a connection is made, and redirects are not
//! followed. The token never appears in `Debug` output.
//!
//! A `GET`, `PUT` or `DELETE` that fails for a passing reason (503, 504, a connection refused,
//! reset or closed before the answer) is sent again as the [`RetryPolicy`] says: 3 attempts by
//! default, with a growing wait; a `POST` is sent once.
//!
//! Most users start from a sign-in address instead of a token: [`SignIn`] runs autodiscovery
//! ([`discovery`]), gets a token for each host from a [`TokenProvider`] ([`auth`]), and
//! [`SignIn::start`] keeps an application alive in the background ([`Session`]).
#![deny(missing_docs)]

pub mod auth;
pub mod batch;
mod body;
pub mod diagnostics;
pub mod discovery;
mod events;
mod header_value;
mod lifecycle;
#[cfg(feature = "me")]
pub mod me;
#[cfg(feature = "online-meetings")]
pub mod meetings;
#[cfg(feature = "communication")]
pub mod messaging;
pub mod outcome;
#[cfg(feature = "people")]
pub mod people;
mod retry;
pub mod settings;
mod signin;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use ucwa::http;
use ucwa::operation::{Operation, OperationError, Success, UcwaError};
use ucwa::{Format, Origin, RequestError, ResponseError};

pub use auth::{AuthError, Token, TokenProvider};
pub use body::DEFAULT_LIMIT as DEFAULT_MAX_BODY_SIZE;
pub use events::EventChannel;
pub use lifecycle::{Session, SessionError, Status};
pub use retry::RetryPolicy;
pub use settings::SettingError;
pub use signin::{SignIn, SignInError};

use auth::hosts::Hosts;
pub use header_value::SyntaxError;

/// Why a [`Client`] could not be built.
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
pub enum ClientError<E: std::error::Error + 'static = UcwaError> {
    /// The request was not sent: it could not be built, or it was for another origin.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The connection failed or timed out.
    #[error("{method} {url}: {reason}")]
    Transport {
        /// The method.
        method: String,
        /// The URL (no token in it).
        url: String,
        /// What happened.
        reason: String,
    },
    /// The server answered, with an error or something that is not UCWA.
    #[error(transparent)]
    Response(ResponseError<E>),
    /// No token could be had for the server, or the server refused a fresh one.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A request cannot join the batch, or the batch's answer is malformed ([`batch`]).
    #[error(transparent)]
    Batch(#[from] ucwa::operation::BatchError),
    /// The resource has no link for what was asked: the server does not offer it now (the
    /// links of what the user publishes come with makeMeAvailable, for instance) or at all.
    #[error("the `{resource}` resource has no `{rel}` link: the server does not offer it now")]
    MissingLink {
        /// The resource read.
        resource: &'static str,
        /// The rel of the link it lacks.
        rel: &'static str,
    },
}

impl<E: std::error::Error + 'static> From<transport::SendError> for ClientError<E> {
    fn from(error: transport::SendError) -> Self {
        match error {
            transport::SendError::Request(e) => ClientError::Request(e),
            transport::SendError::Transport {
                method,
                url,
                reason,
            } => ClientError::Transport {
                method,
                url,
                reason,
            },
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

impl<E: ucwa::operation::OperationError> ClientError<E> {
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

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    origin: String,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    format: Format,
    connect_timeout: Duration,
    request_timeout: Duration,
    long_poll: Duration,
    max_body: usize,
    retry: RetryPolicy,
}

#[derive(Debug)]
enum Credentials {
    Token(Token),
    Provider(Arc<dyn TokenProvider>),
}

impl ClientBuilder {
    /// Send requests with this client instead of one made here (for proxies, extra root
    /// certificates, its own timeouts). Give it `redirect::Policy::none()`: UCWA answers are
    /// never redirects, and reqwest drops the token only on redirects to another host.
    ///
    /// An `http://` origin sends the token (and a token provider's credentials, such as a
    /// password grant's password) in clear text: for test servers only. With a token provider,
    /// a host that links elsewhere (Skype for Business Online's applications on the user's
    /// pool) is challenged separately and gets its own token; a `Client` itself only ever
    /// sends requests to its own origin.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Ask for and send `format` (JSON by default).
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// How long to wait for a connection (10 s by default; more than 0 and at most 10 min,
    /// checked by [`ClientBuilder::build`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait for the answer to a request (30 s by default; more than 0 and at most
    /// 10 min, checked by [`ClientBuilder::build`]); the event channel waits for its long poll
    /// instead.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long the server may hold a pending GET on the event channel before answering with no
    /// events (sent as its `timeout` parameter; 180 s by default, the server's own default).
    /// [`ClientBuilder::build`] refuses less than 1 s or more than 15 min
    /// ([`settings::MAX_LONG_POLL`]).
    pub fn long_poll(mut self, timeout: Duration) -> Self {
        self.long_poll = timeout;
        self
    }

    /// The most bytes of an answer the client reads ([`DEFAULT_MAX_BODY_SIZE`], 8 MiB, by
    /// default): a longer answer is an error naming the limit, not an allocation. From 1 KiB to
    /// 1 GiB ([`settings::BODY_SIZE`]), checked by [`ClientBuilder::build`].
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// When a request that failed for a passing reason (503, 504, a connection error) is sent
    /// again ([`RetryPolicy::default`]: `GET`, `PUT` and `DELETE` up to 3 times, never a
    /// `POST`); [`RetryPolicy::none`] sends every request once. Checked by
    /// [`ClientBuilder::build`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, BuildError> {
        let long_poll = settings::long_poll(self.long_poll)?;
        let max_body = settings::body_size(self.max_body)?;
        let retry = self.retry.checked()?;
        settings::timeout("connect_timeout", self.connect_timeout)?;
        settings::timeout("request_timeout", self.request_timeout)?;
        let origin = Origin::parse(&self.origin)?;
        let http = match self.http {
            Some(http) => http,
            None => default_http(self.connect_timeout)?,
        };
        let hosts = match self.credentials {
            Credentials::Token(token) => {
                let hosts = Hosts::new(None, http.clone(), self.request_timeout);
                hosts.preset(origin.as_url(), token);
                hosts
            }
            Credentials::Provider(provider) => {
                Hosts::new(Some(provider), http.clone(), self.request_timeout)
            }
        };
        let mut client = Client::from_parts(
            http,
            origin,
            Arc::new(hosts),
            self.format,
            self.request_timeout,
            long_poll,
            retry,
        );
        client.max_body = max_body;
        Ok(client)
    }
}

/// A client of one UCWA server.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    origin: Origin,
    /// Shared with the sign-in that made this client, so that discovery's tokens and this
    /// client's are renewed in one place.
    hosts: Arc<Hosts>,
    format: Format,
    request_timeout: Duration,
    long_poll: Duration,
    /// The most bytes of an answer read.
    max_body: usize,
    /// When a request is sent again.
    retry: RetryPolicy,
}

impl Client {
    /// A client of the server at `origin` (e.g. `https://fe1.contoso.com`) with a bearer token.
    pub fn builder(origin: impl Into<String>, token: impl Into<String>) -> ClientBuilder {
        Self::builder_with(origin, Credentials::Token(Token::new(token)))
    }

    /// A client of the server at `origin` that gets its token from `provider` when the server
    /// challenges, and a fresh one when the token is about to expire or is refused.
    pub fn with_provider(
        origin: impl Into<String>,
        provider: Arc<dyn TokenProvider>,
    ) -> ClientBuilder {
        Self::builder_with(origin, Credentials::Provider(provider))
    }

    fn builder_with(origin: impl Into<String>, credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            origin: origin.into(),
            credentials,
            http: None,
            format: Format::Json,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            long_poll: Duration::from_secs(180),
            max_body: body::DEFAULT_LIMIT,
            retry: RetryPolicy::default(),
        }
    }

    pub(crate) fn from_parts(
        http: reqwest::Client,
        origin: Origin,
        hosts: Arc<Hosts>,
        format: Format,
        request_timeout: Duration,
        long_poll: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Client {
            http,
            origin,
            hosts,
            format,
            request_timeout,
            long_poll,
            max_body: body::DEFAULT_LIMIT,
            retry,
        }
    }

    /// The server's origin, to build requests with.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The representation this client asks for and sends.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Sends a request built by an operation's `request(..)` and reads the answer with that
    /// operation's reader; a `GET`, `PUT` or `DELETE` that fails for a passing reason is sent
    /// again as the [`RetryPolicy`] says.
    pub async fn send<O: Operation>(
        &self,
        request: ucwa::operation::Request<O>,
    ) -> Result<O::Output, ClientError<O::Error>> {
        let response = self
            .execute(request.into_http(), self.request_timeout)
            .await?;
        Ok(O::response(&response)?)
    }

    /// GETs the resource behind `link`, typed by where the link leads (`Link<Participant>` gives
    /// a `Participant`); an untyped link is typed with `link.to_cast::<R>()`.
    pub async fn get<R: ucwa::Resource>(&self, link: &ucwa::Link<R>) -> Result<R, ClientError> {
        let url = self.origin.resolve(&link.href)?;
        let request =
            ucwa::operation::build_request(http::Method::GET, url, &[], self.format, None)?;
        let response = self.execute(request, self.request_timeout).await?;
        Ok(ucwa::operation::parse_response::<_, R, UcwaError>(
            &response,
            |format, body| <R as Success>::from_success(format, response.headers(), body),
        )?)
    }

    /// The event channel that starts at `link` (the application's `events` link).
    pub fn events(&self, link: &ucwa::Link<ucwa::resources::Events>) -> EventChannel {
        EventChannel::new(self.clone(), link.clone(), self.long_poll)
    }

    /// Sends a request after checking its target is on the server's origin, with the token.
    pub(crate) async fn execute<E: OperationError>(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, ClientError<E>> {
        let (parts, body) = request.into_parts();
        let url =
            url::Url::parse(&parts.uri.to_string()).map_err(|e| RequestError::InvalidHref {
                href: parts.uri.to_string(),
                reason: e.to_string(),
            })?;
        // The generated requests are already resolved against the origin; this also covers
        // requests built by hand.
        if url.origin() != self.origin.as_url().origin() {
            return Err(RequestError::CrossOrigin {
                href: url.to_string(),
                origin: self.origin.to_string(),
            }
            .into());
        }
        let request = http::Request::from_parts(parts, body);
        let sender = transport::Sender {
            http: &self.http,
            hosts: &self.hosts,
            timeout,
            max_body: self.max_body,
            retry: &self.retry,
        };
        Ok(sender.send(request, &url).await?)
    }
}

/// The client made when the user gives none: no redirects, since one could lead the request,
/// and its token, to another origin.
pub(crate) fn default_http(connect_timeout: Duration) -> Result<reqwest::Client, RequestError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| RequestError::Http(e.to_string()))
}

/// A reqwest error with its causes, which hold the useful part ("connection refused").
fn describe(error: &reqwest::Error) -> String {
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
