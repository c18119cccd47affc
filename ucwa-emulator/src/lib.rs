//! A UCWA 2.0 server on loopback, built on the generated types of [`ucwa`], so that clients can
//! be run end to end without Skype for Business Server.
//!
//! It serves the escalation of an audio/video call: creating an application (which already has
//! a two-party call, announced on the event channel as an `added` audioVideo), the audioVideo
//! resource, `escalateAudioVideo` (which answers 201 with an audioVideoInvitation carrying the
//! SDP offer as `mediaOffer`, and announces it with a `started` event), the invitation and the
//! participant by GET, and the event channel as long-polled pending GETs.
//!
//! It enforces what the server does: a bearer token (401 without), `operationId` and
//! `sessionContext` present and at most 50 characters (400 `ParameterValidationFailure` with
//! `parameters`), one escalation per `operationId` (409 `AlreadyExists`), an `application/sdp`
//! body (415), and answers in JSON or XML by `Accept`. Errors a healthy server does not produce
//! on its own can be injected with [`Emulator::fail_next_escalation`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let emulator = ucwa_emulator::Emulator::start(ucwa_emulator::Config::default()).await?;
//! println!("UCWA at {} (token {})", emulator.origin(), emulator.token());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod channel;
mod protocol;
mod resources;
mod routes;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use ucwa::ErrorBody;
use ucwa::http::StatusCode;

use state::State;

/// Where a client starts: the `applications` resource.
pub const APPLICATIONS_PATH: &str = "/ucwa/oauth/v1/applications";

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: "emulator-token".to_owned(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            long_poll: Duration::from_secs(180),
        }
    }
}

/// A running emulator; it stops when dropped or shut down.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts serving in the background.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::new(config));
        let app = routes::router(state.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = served.await {
                eprintln!("ucwa-emulator: {error}");
            }
        });
        Ok(Emulator {
            addr,
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The origin to give clients, e.g. `http://127.0.0.1:40123`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
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
    /// parameters are checked), for the errors a healthy server does not produce on its own.
    pub fn fail_next_escalation(&self, status: StatusCode, body: ErrorBody) {
        self.state.inject_fault(status, body);
    }

    /// Queues `event`, as sent by the resource `sender_rel` at `sender_href`, on the event
    /// channel of every application: with [`ucwa::events::Event::undecoded`] set, it carries a
    /// resource that does not decode into its type (written as its source), for testing how a
    /// client survives what a newer server sends.
    pub fn push_event(
        &self,
        sender_rel: &str,
        sender_href: &str,
        event: ucwa::events::Event<ucwa::resources::AnyResource>,
    ) {
        for app in self.state.apps() {
            app.channel.push(sender_rel, sender_href, event.clone());
        }
    }

    /// Answers the next pending GET of an event channel with `body` as `content_type` instead
    /// of its batch (which is formed as usual and kept, as a real server keeps it): what a
    /// client sees when a proxy or a cut connection mangles an answer.
    pub fn garble_next_event_batch(&self, content_type: &str, body: Vec<u8>) {
        self.state.garble_next_batch(content_type.to_owned(), body);
    }

    /// Stops serving and waits until it has.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop(&mut self) {
        self.state.close();
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}
