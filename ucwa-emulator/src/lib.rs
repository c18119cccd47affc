//! A UCWA 2.0 server on loopback, built on the generated types of [`ucwa`], so that clients can
//! be run end to end without Skype for Business Server.
//!
//! It serves the escalation of an audio/video call: creating an application (which already has
//! a two-party call, announced on the event channel as an `added` audioVideo), the audioVideo
//! resource, `escalateAudioVideo` (which answers 201 with an audioVideoInvitation carrying the
//! SDP offer as `mediaOffer`, and announces it with a `started` event), the invitation and the
//! participant by GET, and the event channel as long-polled pending GETs. Several users may
//! sign in ([`Config::people`], [`Emulator::token_for`]), each reaching only their own
//! applications; they publish their presence, note and location (`me`) and message each other
//! (`communication`: startMessaging, invitations, conversations).
//!
//! It enforces what the server does: a bearer token (401 without), `operationId` and
//! `sessionContext` present and at most 50 characters (400 `ParameterValidationFailure` with
//! `parameters`), one escalation per `operationId` (409 `AlreadyExists`), an `application/sdp`
//! body (415), and answers in JSON or XML by `Accept`. Errors a healthy server does not produce
//! on its own can be injected with [`Emulator::fail_next_escalation`], and in front of any
//! resource with [`Emulator::inject`] (503, 504, a connection closed without an answer).
//!
//! It is meant to run in CI and under load: everything it holds and waits for is bounded by
//! [`Limits`] (applications, each event channel's backlog and batch size, escalations, meetings
//! per user and joins, tokens, request bodies, header and body read timeouts, connections,
//! injections), idle applications expire, and a bound that is hit is answered as UCWA answers
//! it.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let emulator = ucwa_emulator::Emulator::start(ucwa_emulator::Config::default()).await?;
//! println!("UCWA at {} (token {})", emulator.origin(), emulator.token());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod batch;
mod body;
mod channel;
mod clock;
mod directory;
mod discovery;
mod faults;
mod handler;
mod limits;
mod lock;
mod me;
mod meetings;
mod messaging;
mod paths;
mod people;
mod protocol;
mod resources;
mod routes;
mod serve;
mod state;
mod tls;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use ucwa::ErrorBody;
use ucwa::http::{Method, StatusCode};

pub use clock::Clock;
pub use directory::Person;
pub use faults::Fault;
pub use limits::{ConfigError, LimitReached, Limits};
pub use me::PHOTO_PNG;
pub use paths::{APPLICATIONS_PATH, ROOT_PATH, TOKEN_PATH, USER_PATH};
pub use protocol::DIAGNOSTIC_ID;

use state::State;

/// How the emulator behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The bearer token every request must carry.
    pub token: String,
    /// The address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// How long a pending GET on the event channel is held when the client does not say
    /// (`timeout`), and the longest it may ask for.
    pub long_poll: Duration,
    /// The user the token endpoint knows, by sign-in address (matched without case).
    pub user: String,
    /// That user's password.
    pub password: String,
    /// The other people who may sign in (with the `password` grant, or
    /// [`Emulator::token_for`]); everyone is everyone else's contact. Two by default:
    /// `ann@contoso.com` (Online) and `john@contoso.com` (Away), password `pass@word1`.
    pub people: Vec<Person>,
    /// The meeting anonymous users may join (`urn:microsoft.rtc:anonmeeting`): its URI.
    pub meeting_uri: String,
    /// That meeting's key.
    pub meeting_key: String,
    /// How long a user's token lives on the emulator's [`Clock`] (8 hours by default).
    pub token_lifetime: Duration,
    /// How long an anonymous attendee's token lives (1 hour by default).
    pub anonymous_token_lifetime: Duration,
    /// Serve the applications on a second origin (its own listener, on the same address
    /// with another port), which accepts only tokens from its own token endpoint.
    pub applications_on_second_origin: bool,
    /// The host name the user resource gives for that second origin (map it to the
    /// emulator's address in the client's resolver).
    pub applications_host: String,
    /// Send the `Bearer` and `MsRtcOAuth` challenges merged into one `WWW-Authenticate`
    /// value, as some proxies do, instead of one header each.
    pub merge_challenges: bool,
    /// Answer the entry point at `lyncdiscoverinternal.*` (by `Host`); when false it answers
    /// 404, as a network with no internal entry point does.
    pub internal_discovery: bool,
    /// How long an application may go without a request before the emulator deletes it
    /// (15 minutes by default), on its [`Clock`].
    pub application_expiry: Duration,
    /// Create applications whose user is already available, so that makeMeAvailable answers
    /// 409 `AlreadyExists` (as when another application of the same endpoint made it so).
    pub applications_start_available: bool,
    /// Serve HTTPS, with a certificate made at start for these names (and `localhost`,
    /// `127.0.0.1`); clients trust [`Emulator::certificate_pem`]. `None`: plain HTTP.
    pub tls_names: Option<Vec<String>>,
    /// Add `authorization_uri` with this value to the `Bearer` challenge, as Skype for
    /// Business Online does to send clients to Azure AD (`None`: left out, as on premises).
    pub authorization_uri: Option<String>,
    /// The bounds of what the emulator holds and how long it waits for clients.
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: "emulator-token".to_owned(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            long_poll: Duration::from_secs(180),
            user: "lene@contoso.com".to_owned(),
            password: "pass@word1".to_owned(),
            people: directory::default_people(),
            meeting_uri: "sip:john@contoso.com;gruu;opaque=app:conf:focus:id:5LB7MRBC".to_owned(),
            meeting_key: "5LB7MRBC".to_owned(),
            token_lifetime: tokens::USER_TOKEN_LIFETIME,
            anonymous_token_lifetime: tokens::ANONYMOUS_TOKEN_LIFETIME,
            applications_on_second_origin: false,
            applications_host: "127.0.0.1".to_owned(),
            merge_challenges: false,
            internal_discovery: true,
            application_expiry: Duration::from_secs(15 * 60),
            applications_start_available: false,
            tls_names: None,
            authorization_uri: None,
            limits: Limits::default(),
        }
    }
}

/// What the emulator holds now ([`Emulator::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Live applications.
    pub applications: usize,
    /// Events held by their channels, not yet sent or not yet acknowledged.
    pub events_held: usize,
    /// How many times a channel's backlog overflowed (each answered with `resync`), in the
    /// live applications.
    pub event_overflows: u64,
    /// The events those overflows dropped.
    pub events_dropped: u64,
    /// Escalations (audioVideoInvitations) kept.
    pub escalations: usize,
    /// Instant messaging conversations, each side counted (a conversation between two users
    /// of the emulator is two).
    pub conversations: usize,
    /// Tokens issued and kept (expired ones are forgotten when the bound is reached).
    pub tokens: usize,
}

/// How often idle applications are looked for.
const SWEEP_PERIOD: Duration = Duration::from_secs(1);

/// A running emulator; it stops when dropped or shut down.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// Deletes idle applications; it does not end on its own.
    sweeper: Option<JoinHandle<()>>,
    certificate: Option<String>,
}

impl Emulator {
    /// Starts serving in the background. A setting out of its range ([`Config::check`]) is an
    /// error of kind `InvalidInput` naming it.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        config
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let mut listeners = vec![TcpListener::bind(config.listen).await?];
        if config.applications_on_second_origin {
            let second = SocketAddr::new(config.listen.ip(), 0);
            listeners.push(TcpListener::bind(second).await?);
        }
        let sites = listeners
            .iter()
            .map(TcpListener::local_addr)
            .collect::<std::io::Result<Vec<_>>>()?;
        let tls = match &config.tls_names {
            Some(names) => Some(tls::Tls::new(names)?),
            None => None,
        };
        let certificate = tls.as_ref().map(|t| t.pem.clone());
        let limits = config.limits.clone();
        let state = Arc::new(State::new(config, Clock::new(), sites.clone()));
        let (stop, stopped) = watch::channel(false);
        let tasks = listeners
            .into_iter()
            .enumerate()
            .map(|(site, listener)| {
                let app = routes::router(state.clone(), site);
                let acceptor = tls.as_ref().map(tls::Tls::acceptor);
                serve::spawn(listener, app, acceptor, &limits, stopped.clone())
            })
            .collect();
        let sweeping = Arc::downgrade(&state);
        let sweeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_PERIOD);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match sweeping.upgrade() {
                    Some(state) => state.sweep(),
                    None => return,
                }
            }
        });
        Ok(Emulator {
            addr: sites[0],
            state,
            stop,
            tasks,
            sweeper: Some(sweeper),
            certificate,
        })
    }

    /// The origin of the applications: the second origin when configured, else [`Self::origin`].
    pub fn applications_origin(&self) -> String {
        format!("{}://{}", self.state.scheme(), self.applications_addr())
    }

    /// The address the applications are served at.
    pub fn applications_addr(&self) -> SocketAddr {
        self.state.sites.last().copied().unwrap_or(self.addr)
    }

    /// The user the token endpoint knows.
    pub fn user(&self) -> &str {
        &self.state.config.user
    }

    /// A token for user `address` (the configured user or one of [`Config::people`]) on the
    /// applications' origin, as the token endpoint would issue after a password grant; `None`
    /// for someone the emulator does not know, or when `limits.max_tokens` are out.
    pub fn token_for(&self, address: &str) -> Option<String> {
        let user = self.state.directory.find(address)?.clone();
        let site = self.state.sites.len() - 1;
        let lifetime = self.state.config.token_lifetime;
        self.state.issue(site, lifetime, Some(user))
    }

    /// Makes the next application creation fail with this status and error body (a 403 or 502
    /// tells a client to run discovery again); an error when `limits.max_injected` are queued.
    pub fn fail_next_application(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        self.state.inject_create_fault(status, body)
    }

    /// Answers the next requests that match `fault` (method and path) with its error, or closes
    /// their connection without an answer, before any handler sees them; an error when
    /// `limits.max_injected` faults are queued. The faults are matched in the order injected.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator, Fault};
    /// use ucwa::http::Method;
    ///
    /// let emulator = Emulator::start(Config::default()).await?;
    /// // Twice busy, then served.
    /// emulator.inject(Fault::service_failure(Method::GET, "/ucwa/oauth/v1/applications/100").times(2))?;
    /// # Ok(()) }
    /// ```
    pub fn inject(&self, fault: Fault) -> Result<(), LimitReached> {
        self.state.inject(fault)
    }

    /// The method and path of the latest requests, oldest first (at most the last 256),
    /// faults and refusals included.
    pub fn requests(&self) -> Vec<(Method, String)> {
        self.state.requests()
    }

    /// How many of [`Emulator::requests`] had `method` and `path`.
    pub fn request_count(&self, method: &Method, path: &str) -> usize {
        self.state
            .requests()
            .iter()
            .filter(|(m, p)| m == method && p == path)
            .count()
    }

    /// What the emulator holds now: applications, events, tokens.
    pub fn stats(&self) -> Stats {
        self.state.sweep();
        self.state.stats()
    }

    /// How many anonymous meeting tokens were renewed with the token they replace.
    pub fn anonymous_renewals(&self) -> u64 {
        self.state
            .anonymous_renewals
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many times the discovery entry point (`/`) was asked.
    pub fn entry_point_hits(&self) -> u64 {
        self.state
            .entry_point_hits
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Deletes every application (as a server restart does); how many there were.
    pub fn delete_applications(&self) -> usize {
        self.state.remove_all()
    }

    /// The ids of the live applications (idle ones are deleted first).
    pub fn application_ids(&self) -> Vec<u64> {
        self.state.sweep();
        let mut ids: Vec<u64> = self.state.apps().iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Whether application `id` was made available, and how often it reported activity.
    pub fn availability(&self, id: u64) -> Option<(bool, u64)> {
        self.state.app(id).map(|app| {
            (
                app.available.load(std::sync::atomic::Ordering::SeqCst),
                app.activity_reports
                    .load(std::sync::atomic::Ordering::SeqCst),
            )
        })
    }

    /// Forgets that the users of every application were made available, so that
    /// reportMyActivity answers 409 `MakeMeAvailableRequired`.
    pub fn forget_availability(&self) {
        for app in self.state.apps() {
            app.available
                .store(false, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// The emulator's clock, to move past expiries.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// The bearer tokens origin `site` (0: the first, 1: the applications' own) was sent,
    /// oldest first (at most the last 256).
    pub fn tokens_seen(&self, site: usize) -> Vec<String> {
        self.state.tokens_seen(site)
    }

    /// Makes the entry point (`/`) answer with only a `redirect` link to `href` (`None`: the
    /// root itself again).
    pub fn redirect_root(&self, href: Option<String>) {
        self.state.set_root_redirect(href);
    }

    /// Makes the next GET of the user resource answer with only a `redirect` link to `href`,
    /// as a pool that is not the user's home pool does.
    pub fn redirect_user_once(&self, href: String) {
        self.state.set_user_redirect(Some(href));
    }

    /// The origin to give clients, e.g. `http://127.0.0.1:40123` (`https` with TLS).
    pub fn origin(&self) -> String {
        format!("{}://{}", self.state.scheme(), self.addr)
    }

    /// The certificate to trust (PEM), when serving HTTPS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token it expects.
    pub fn token(&self) -> &str {
        &self.state.config.token
    }

    /// Makes the next `escalateAudioVideo` fail with this status and error body (after the
    /// parameters are checked), for the errors a healthy server does not produce on its own; an
    /// error when `limits.max_injected` are queued.
    pub fn fail_next_escalation(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        self.state.inject_fault(status, body)
    }

    /// Queues `event`, as sent by the resource `sender_rel` at `sender_href`, on the event
    /// channel of every application: with [`ucwa::events::Event::undecoded`] set, it carries a
    /// resource that does not decode into its type (written as its source), for testing how a
    /// client survives what a newer server sends. A channel holding `limits.event_backlog`
    /// events overflows: its next pending GET is answered with `resync`.
    pub fn push_event(
        &self,
        sender_rel: &str,
        sender_href: &str,
        event: ucwa::events::Event<ucwa::resources::AnyResource>,
    ) {
        self.state
            .push_event(channel::Queued::new(sender_rel, sender_href, event));
    }

    /// Answers the next pending GET of an event channel with `body` as `content_type` instead
    /// of its batch (which is formed as usual and kept, as a real server keeps it): what a
    /// client sees when a proxy or a cut connection mangles an answer. An error when
    /// `limits.max_injected` are queued.
    pub fn garble_next_event_batch(
        &self,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), LimitReached> {
        self.state.garble_next_batch(content_type.to_owned(), body)
    }

    /// Changes the user's password and revokes every token issued, as a password change in
    /// the directory does: the next request gets a 401, and a password grant with the old
    /// password gets `invalid_grant`.
    pub fn change_password(&self, password: &str) {
        self.state.directory.set_password(password.to_owned());
        self.state.revoke_tokens();
    }

    /// Makes the token endpoint answer `unsupported_grant_type` (400, with a diagnostic) to
    /// `grant` (such as `password`) from now on, while the 401 challenge still offers it, as a
    /// server whose policy disables a grant does. An error when `limits.max_injected` grants
    /// are refused already.
    pub fn refuse_grant(&self, grant: &str) -> Result<(), LimitReached> {
        self.state.refuse_grant(grant.to_owned())
    }

    /// The query parameters of each pending GET on an event channel (`ack`, `timeout`, `low`,
    /// `medium`, `priority`, …), sorted by name, oldest request first (at most the last 256).
    pub fn event_queries(&self) -> Vec<Vec<(String, String)>> {
        self.state.event_queries()
    }

    /// How many password grants the token endpoint answered, accepted or not.
    pub fn password_grants(&self) -> u64 {
        self.state
            .password_grants
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops serving and waits until it has: the listeners close, answers in flight are
    /// sent, pending GETs are answered at once.
    pub async fn shutdown(mut self) {
        self.stop();
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }

    fn stop(&mut self) {
        self.state.close();
        if let Some(sweeper) = self.sweeper.take() {
            sweeper.abort();
        }
        self.stop.send_replace(true);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}
