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
//! (`communication`: startMessaging, invitations, conversations). Phone audio (call via work:
//! startPhoneAudio, hold, resume, stop) reaches simulated far ends that answer, are busy,
//! decline or let it ring ([`Config::legs`], [`Faults::leg_outcome`], [`Faults::leg_delays`]).
//!
//! It enforces what the server does: a bearer token (401 without), `operationId` and
//! `sessionContext` present and at most 50 characters (400 `ParameterValidationFailure` with
//! `parameters`), one escalation per `operationId` (409 `AlreadyExists`), an `application/sdp`
//! body (415), and answers in JSON or XML by `Accept`. Errors a healthy server does not produce
//! on its own can be injected through [`Emulator::faults`] ([`Faults::fail_next_escalation`],
//! and in front of any resource [`Faults::inject`]: 503, 504, a connection closed without an
//! answer); what it saw is read through [`Emulator::observed`].
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
//!
//! # How it is built
//!
//! The modules form layers, each importing only from those before it:
//!
//! 1. Leaves: `paths` (every URL: each route template and the href builder that fills it in),
//!    `protocol` (content negotiation, the checks on what a request sends, and `Refusal`, an
//!    error answer as a status and an error body), `directory` (who may sign in, what each
//!    publishes), `channel` (an application's event channel), `clock`, `limits`, `config`,
//!    `faults` (the injectable [`Fault`]), `legs` (the simulated far ends of phone calls),
//!    `routing` (each user's forwarding rules, which `forwarding` writes and `calls` applies),
//!    `lock` (the one way a lock is taken), `ntlm` (the Windows grant's NTLM server side, per
//!    connection; `windows-auth` feature).
//! 2. `state`: the registry of applications, the token table, what tests inject, what was
//!    observed, the data tasks keep (by type, in slots) and the notifier through which tasks
//!    tell each other news. It knows no task.
//! 3. What handlers share: `handler` (the application a request addresses, the caller),
//!    `auth` (the bearer check, the token endpoint), `body` (bodies read under the limits).
//! 4. The tasks, none importing another, one folder each: `calls` (the scripted audio/video
//!    call and its escalation, and phone audio), `forwarding`, `history`, `me`, `messaging`,
//!    `people`, `phones` and `meetings`, each with its `model` (data and transitions, tested without HTTP), its
//!    `render` (resources and events) and its `routes` (handlers).
//! 5. What assembles them: `application` (the application resource, which embeds each
//!    task's part, and its event channel), `discovery`, `batch`, `routes` (each origin's
//!    router and the layers in front of every route: injected faults, body limits, and the
//!    encoding of refusals in the negotiated format), and `api` ([`Faults`], [`Observed`]).
//!
//! `tests/layers.rs` reads the imports and fails on a cycle or a task importing another.
#![deny(missing_docs)]

// The modules, in the layers of the crate's documentation: each imports only from the layers
// above it in this list.
//
// Leaves: what the rest is written with.
mod channel;
mod clock;
mod config;
mod directory;
mod faults;
mod focus;
mod legs;
mod limits;
mod lock;
#[cfg(feature = "windows-auth")]
mod ntlm;
mod paths;
mod protocol;
mod routing;
mod serve;
mod tls;
// What the emulator holds.
mod state;
// What every handler shares, and what stands in front of them.
mod auth;
mod body;
mod handler;
// The tasks, each in its own folder; none imports another.
mod calls;
mod forwarding;
mod history;
mod me;
mod meetings;
mod messaging;
mod people;
mod phones;
// What assembles the tasks: the application resource, discovery, batches, the router, and
// the API tests use.
mod api;
mod application;
mod batch;
mod discovery;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use api::{Faults, IncomingCallError, Observed};
pub use clock::Clock;
pub use config::{Config, GRANTS, Stats};
pub use directory::{DistributionList, Person};
pub use faults::Fault;
pub use legs::{LegOutcome, LegParseError, LegRule, Legs};
pub use limits::{ConfigError, LimitReached, Limits};
pub use me::PHOTO_PNG;
pub use paths::{APPLICATIONS_PATH, ROOT_PATH, TOKEN_PATH, USER_PATH};
pub use protocol::DIAGNOSTIC_ID;

use state::State;

/// How often idle applications are looked for.
const SWEEP_PERIOD: Duration = Duration::from_secs(1);

/// A running emulator; it stops when dropped or shut down.
///
/// Besides the few accessors of what a client needs (its [`origin`](Self::origin), the
/// [`user`](Self::user) and a [`token`](Self::token), the [`clock`](Self::clock)), it offers
/// tests two groups: [`faults`](Self::faults), what a test makes happen that a healthy server
/// would not do on its own, and [`observed`](Self::observed), what the emulator saw and holds.
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
        // The tasks' listeners: news one task gives reaches the others through them.
        let hear: Vec<state::Listener> = vec![people::hear, messaging::hear, history::hear];
        let state = Arc::new(State::new(config, Clock::new(), sites.clone(), hear));
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
                    Some(state) => state.apps.sweep(),
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

    /// What a test makes happen that a healthy server would not do on its own: errors in place
    /// of answers, redirects, events, a password change, a restart.
    pub fn faults(&self) -> Faults<'_> {
        Faults::new(&self.state)
    }

    /// What the emulator saw and holds: requests, tokens, event queries, counters,
    /// applications.
    pub fn observed(&self) -> Observed<'_> {
        Observed::new(&self.state)
    }

    /// The origin to give clients, e.g. `http://127.0.0.1:40123` (`https` with TLS).
    pub fn origin(&self) -> String {
        format!("{}://{}", self.state.scheme(), self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
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

    /// The bearer token it expects.
    pub fn token(&self) -> &str {
        &self.state.config.token
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

    /// The emulator's clock, to move past expiries.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// The certificate to trust (PEM), when serving HTTPS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
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
        self.state.apps.close();
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
