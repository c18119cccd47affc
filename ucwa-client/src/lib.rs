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
//! let application = client.send(request).await?;
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
//! [`SignIn::start`] keeps an application alive in the background ([`Session`]). Both builders
//! take the same [`Settings`].
//!
//! The tasks are handles made the same way from a session — `session.me()`, `people()`,
//! `online_meetings()`, `messaging()`, `batch()` — at once, without a request or an error. Each
//! method is one request, whose links are found when it is called in the application the
//! session holds then: a handle made before the application was replaced
//! ([`Status::Recovered`]) works on the new one, and a link the application lacks is that
//! call's [`ClientError::MissingLink`]. `client.me(&application)` and the like give the same
//! handles over an application of one's own.
//!
//! A request that got no answer is a [`TransportError`], which keeps the HTTP client's error as
//! its source; [`ClientError::is_timeout`] and [`ClientError::is_connect`] tell them apart.
#![deny(missing_docs)]

pub mod auth;
pub mod batch;
mod body;
#[cfg(feature = "communication")]
pub mod calls;
#[cfg(feature = "communication")]
pub mod conversations;
pub mod diagnostics;
pub mod discovery;
mod error;
mod events;
#[cfg(feature = "me")]
pub mod forwarding;
#[cfg(feature = "online-meetings")]
pub mod guest;
mod header_value;
#[cfg(feature = "communication")]
pub mod history;
mod lifecycle;
mod link;
#[cfg(feature = "me")]
pub mod me;
#[cfg(feature = "online-meetings")]
pub mod meetings;
#[cfg(feature = "communication")]
pub mod messaging;
pub mod outcome;
#[cfg(feature = "people")]
pub mod people;
#[cfg(feature = "me")]
pub mod phones;
mod pool;
pub mod queue;
pub mod resume;
mod retry;
#[cfg(feature = "communication")]
pub mod roster;
mod session;
pub mod settings;
mod signin;
mod source;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use ucwa::http;
use ucwa::operation::{Operation, OperationError, Success, UcwaError};
use ucwa::{Format, Origin, RequestError};

pub use auth::{AuthError, Token, TokenProvider};
pub use body::DEFAULT_LIMIT as DEFAULT_MAX_BODY_SIZE;
pub use error::{BuildError, ClientError, TransportError};
pub use events::EventChannel;
pub use header_value::HeaderSyntaxError;
pub use pool::SessionPool;
pub use retry::RetryPolicy;
pub use session::{Session, SessionError, Status};
pub use settings::{SettingError, Settings};
pub use signin::{SignIn, SignInError};

/// What [`Session::events`] gives: the session's events from the moment it was called.
pub type EventReceiver = queue::Receiver<ucwa::events::Event<ucwa::resources::AnyResource>>;

use auth::hosts::Hosts;

/// Builds a [`Client`]: the server's origin, the credentials, and the [`Settings`] (which its
/// setters of the same names set).
#[derive(Debug)]
pub struct ClientBuilder {
    origin: String,
    credentials: Credentials,
    settings: Settings,
}

#[derive(Debug)]
enum Credentials {
    Token(Token),
    Provider(Arc<dyn TokenProvider>),
}

impl ClientBuilder {
    /// All the settings at once, replacing those set so far.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// [`Settings::http_client`]: send requests with this client instead of one made here.
    /// With a token provider, a host that links elsewhere is challenged separately and gets
    /// its own token; a `Client` itself only ever sends requests to its own origin.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings = self.settings.http_client(http);
        self
    }

    /// [`Settings::format`]: ask for and send `format` (JSON by default).
    pub fn format(mut self, format: Format) -> Self {
        self.settings = self.settings.format(format);
        self
    }

    /// [`Settings::connect_timeout`]: how long to wait for a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.connect_timeout(timeout);
        self
    }

    /// [`Settings::request_timeout`]: how long to wait for the answer to a request (30 s by
    /// default).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.request_timeout(timeout);
        self
    }

    /// [`Settings::long_poll`]: how long the server may hold a pending GET on the event
    /// channel (180 s by default).
    pub fn long_poll(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.long_poll(timeout);
        self
    }

    /// [`Settings::max_body_size`]: the most bytes of an answer the client reads (8 MiB by
    /// default).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.settings = self.settings.max_body_size(bytes);
        self
    }

    /// [`Settings::retry_policy`]: when a request that failed for a passing reason is sent
    /// again.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings = self.settings.retry_policy(policy);
        self
    }

    /// The client; a setting out of its range is refused, naming it ([`Settings::check`]).
    pub fn build(self) -> Result<Client, BuildError> {
        self.settings.check()?;
        let origin = Origin::parse(&self.origin)?;
        let http = self.settings.http()?;
        let timeout = self.settings.request_timeout;
        let hosts = match self.credentials {
            Credentials::Token(token) => {
                let hosts = Hosts::new(None, http.clone(), timeout);
                hosts.preset(origin.as_url(), token);
                hosts
            }
            Credentials::Provider(provider) => Hosts::new(Some(provider), http.clone(), timeout),
        };
        Ok(Client::from_parts(
            http,
            origin,
            Arc::new(hosts),
            &self.settings,
        ))
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
            settings: Settings::default(),
        }
    }

    /// A client of `origin` with checked `settings` (the HTTP client and the tokens made
    /// already).
    pub(crate) fn from_parts(
        http: reqwest::Client,
        origin: Origin,
        hosts: Arc<Hosts>,
        settings: &Settings,
    ) -> Self {
        Client {
            http,
            origin,
            hosts,
            format: settings.format,
            request_timeout: settings.request_timeout,
            long_poll: settings.long_poll,
            max_body: settings.max_body_size,
            retry: settings.retry.clone(),
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

    /// Builds a request with this client's origin and format (`|origin, format|
    /// X::request(origin, &link, .., format)`) and sends it, the operation inferred from the
    /// request: what each method of the task handles does.
    pub(crate) async fn call<O: Operation>(
        &self,
        build: impl FnOnce(&Origin, Format) -> Result<ucwa::operation::Request<O>, RequestError>,
    ) -> Result<O::Output, ClientError<O::Error>> {
        let request = build(&self.origin, self.format)?;
        self.send(request).await
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
