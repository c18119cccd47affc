//! A signed-in user's application, kept alive and recovered in the background ([`Session`],
//! made by [`SignIn::start`]), what its owner reports ([`Status`]), and why it could not start
//! ([`SessionError`]). The owner task itself is in `lifecycle.rs`.
//!
//! The session holds the client and the application in use; the owner replaces them when the
//! application is gone. Its task handles (`me()`, `people()`, `online_meetings()`,
//! `messaging()`, `batch()`) read them anew at each call, so a handle made before a recovery
//! works on the new application after it.

use std::sync::Arc;

use tokio::sync::{broadcast, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;
use ucwa::Href;
use ucwa::events::Event;
use ucwa::operations::MakeMeAvailablePostError;
use ucwa::resources::{AnyResource, Application};

use crate::link::MissingLink;
use crate::source::{Current, Source};
use crate::{Client, ClientError, SignIn, SignInError, lifecycle};

/// What the application's owner reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// The user is available for incoming communications.
    Available,
    /// The application was gone and a new one replaced it.
    Recovered {
        /// The old application's `self` link, if it had one.
        previous: Option<Href>,
        /// The new one's.
        application: Option<Href>,
        /// Why the old one was gone (status and subcode).
        reason: String,
    },
    /// Replacing a gone application failed; it is tried again at the next keep-alive.
    RecoveryFailed {
        /// Why.
        reason: String,
    },
    /// A keep-alive failed for a reason other than the application being gone.
    KeepAliveFailed {
        /// Why.
        reason: String,
    },
    /// A pending GET failed, or its batch had no `next` link; the reader asks again after a
    /// pause, which doubles with each failure in a row (from the retry delay up to 60 s).
    EventChannelFailed {
        /// Why.
        reason: String,
    },
    /// Another pending GET on the same channel replaced this one (409 `PGetReplaced`): some
    /// other client reads this application's events. Terminal for the event channel: the
    /// session stops reading events (asking again would replace the other client's pending
    /// GET, which would replace this one's, in a loop) and no more events come, while the
    /// keep-alive goes on. A recovered application gets a new channel.
    PGetReplaced,
    /// The server told the client to drop cached transient state (`resync` or `resume`).
    Resynchronized,
    /// The owner stopped for good (a panic, or the credentials refused: `invalid_grant` or a
    /// fresh token refused, where retrying would risk locking the account out): nothing keeps
    /// the application alive or reads its events any more, and it may be left undeleted on
    /// the server (until it expires). The session must be started again.
    Stopped {
        /// Why.
        reason: String,
    },
}

/// A signed-in user's application, kept alive and recovered in the background.
#[derive(Debug)]
pub struct Session {
    pub(crate) current: watch::Receiver<Current>,
    pub(crate) events: crate::queue::Sender<Event<AnyResource>>,
    pub(crate) status: broadcast::Sender<Status>,
    /// `true`: stop and delete the application; `false`: stop and keep it.
    pub(crate) stop: Option<oneshot::Sender<bool>>,
    pub(crate) task: Option<JoinHandle<()>>,
    pub(crate) resumption: crate::resume::Resumption,
}

/// Why the session could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Discovery or the client failed.
    #[error(transparent)]
    SignIn(#[from] SignInError),
    /// Creating the application failed.
    #[error("creating the application: {0}")]
    Create(ClientError<ucwa::operations::ApplicationsPostError>),
    /// makeMeAvailable failed.
    #[error("makeMeAvailable: {0}")]
    MakeMeAvailable(ClientError<MakeMeAvailablePostError>),
    /// The application has no link that the lifecycle needs.
    #[error("the `{resource}` resource has no `{rel}` link")]
    MissingLink {
        /// The resource read.
        resource: &'static str,
        /// The rel of the link it lacks.
        rel: &'static str,
    },
}

impl From<MissingLink> for SessionError {
    fn from(missing: MissingLink) -> Self {
        SessionError::MissingLink {
            resource: missing.resource,
            rel: missing.rel,
        }
    }
}

impl SessionError {
    /// Whether a request got no answer in time (discovery, the token endpoint, creating the
    /// application, makeMeAvailable).
    pub fn is_timeout(&self) -> bool {
        match self {
            SessionError::SignIn(error) => error.is_timeout(),
            SessionError::Create(error) => error.is_timeout(),
            SessionError::MakeMeAvailable(error) => error.is_timeout(),
            SessionError::MissingLink { .. } => false,
        }
    }

    /// Whether no connection could be made for a request (as [`SessionError::is_timeout`]
    /// lists them).
    pub fn is_connect(&self) -> bool {
        match self {
            SessionError::SignIn(error) => error.is_connect(),
            SessionError::Create(error) => error.is_connect(),
            SessionError::MakeMeAvailable(error) => error.is_connect(),
            SessionError::MissingLink { .. } => false,
        }
    }

    /// Whether the credentials or the token were refused, in discovery or by the
    /// applications host ([`crate::AuthError::is_refused_grant`]): a wrong password, an expired
    /// token its provider cannot renew.
    pub fn is_refused_grant(&self) -> bool {
        match self {
            SessionError::SignIn(error) => error.is_refused_grant(),
            SessionError::Create(error) => error.is_refused_grant(),
            SessionError::MakeMeAvailable(error) => error.is_refused_grant(),
            SessionError::MissingLink { .. } => false,
        }
    }

    /// Whether the proxy refused its credentials (a wrong proxy password: not worth retrying
    /// with the same settings).
    pub fn is_proxy_auth(&self) -> bool {
        match self {
            SessionError::SignIn(error) => error.is_proxy_auth(),
            SessionError::Create(error) => error.is_proxy_auth(),
            SessionError::MakeMeAvailable(error) => error.is_proxy_auth(),
            SessionError::MissingLink { .. } => false,
        }
    }
}

impl Session {
    /// The client of the applications host.
    pub fn client(&self) -> Client {
        self.current.borrow().client.clone()
    }

    /// The application in use now (read again after the user was made available, so its
    /// embedded `me` has the links of what the user publishes).
    pub fn application(&self) -> Arc<Application> {
        self.current.borrow().application.clone()
    }

    /// Where the task handles find the client and application: what the session holds at
    /// each call.
    pub(crate) fn source(&self) -> Source {
        Source::Session(self.current.clone())
    }

    /// Every event from now on. The queue is bounded ([`SignIn::event_queue`]) and holds only
    /// what some receiver has not read yet: a receiver that falls behind gets
    /// `RecvError::Lagged(n)` with the number of events it missed, then the oldest still held.
    pub fn events(&self) -> crate::EventReceiver {
        self.events.subscribe()
    }

    /// What the owner reports from now on (bounded like [`Session::events`]).
    pub fn status(&self) -> broadcast::Receiver<Status> {
        self.status.subscribe()
    }

    /// What this session found of the one saved before it
    /// ([`SignIn::resume_with`](crate::SignIn::resume_with)): nothing, the application taken
    /// up again, or one that was gone and replaced (what reached it while down is lost).
    pub fn resumption(&self) -> &crate::resume::Resumption {
        &self.resumption
    }

    /// Stops the keep-alive and the event channel *without* deleting the application, whose
    /// state the store has (its position saved after each batch): the next process started
    /// with the same store takes it up, if the server still has it then (it deletes an
    /// application after some minutes without requests: 15 by default on the emulator).
    pub async fn suspend(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(false);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops the keep-alive and the event channel and deletes the application (and forgets
    /// the state saved for it).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The owner deletes the application on its own once told; it cannot be awaited here.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

impl SignIn {
    /// Signs in and starts the application's lifecycle: discovery, the application, the user
    /// made available, the keep-alive and the event channel.
    pub async fn start(self) -> Result<Session, SessionError> {
        let span = tracing::info_span!("sign_in", domain = %self.address.domain());
        lifecycle::start(self, span.clone()).instrument(span).await
    }
}
