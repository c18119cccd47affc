//! News one task gives the others, through one notifier: a task tells what happened
//! ([`News`]), and the listeners registered when the emulator starts hear it, so that no task
//! imports another.

use std::sync::{Arc, OnceLock};

use ucwa::DataUri;
use ucwa::enumerations::{Direction, Importance};

use crate::directory::User;
use crate::protocol::Refusal;

use super::State;

/// What a user publishes, as `me` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Publication {
    Presence,
    Note,
    Location,
}

impl Publication {
    /// Its rel under `me` (`presence`, `note`, `location`).
    pub(crate) fn rel(self) -> &'static str {
        match self {
            Publication::Presence => "presence",
            Publication::Note => "note",
            Publication::Location => "location",
        }
    }
}

/// A conversation that ended for one user (messaging tells it; history keeps it as a log).
#[derive(Debug)]
pub(crate) struct Ended {
    /// Whose side ended.
    pub(crate) user: Arc<User>,
    /// The conversation's thread id, the same on every side.
    pub(crate) thread_id: String,
    pub(crate) subject: String,
    pub(crate) importance: Importance,
    /// Which way its invitation went, for this user.
    pub(crate) direction: Direction,
    /// Nobody answered: an invitation to this user that was never accepted.
    pub(crate) missed: bool,
    /// Who else took part (for a missed one: who invited).
    pub(crate) others: Vec<Arc<User>>,
    /// What was said, oldest first: who said it and the text as a `data:` URI.
    pub(crate) messages: Vec<(Arc<User>, DataUri)>,
}

/// continueMessaging: a new conversation with `to` from application `app` of `user`, about
/// `subject` (history asks; messaging starts it and answers the new invitation's href, or why
/// not, in `answer`).
#[derive(Debug)]
pub(crate) struct Continue<'a> {
    pub(crate) app: u64,
    pub(crate) user: &'a Arc<User>,
    pub(crate) to: &'a str,
    pub(crate) subject: &'a str,
    pub(crate) message: Option<DataUri>,
    pub(crate) operation_id: Option<String>,
    pub(crate) answer: OnceLock<Result<String, Refusal>>,
}

/// What a task tells the others.
#[derive(Clone, Copy, Debug)]
pub(crate) enum News<'a> {
    /// `user` published a new `what` (their subscribers hear it).
    Published { user: &'a User, what: Publication },
    /// A conversation ended for a user (their history writes its log).
    ConversationEnded(&'a Ended),
    /// A conversation is continued from its log: the listener that can start one answers.
    ContinueMessaging(&'a Continue<'a>),
}

/// A listener: a task's function that hears every piece of news.
pub(crate) type Listener = fn(&State, News<'_>);

/// The listeners, registered when the emulator starts.
#[derive(Default)]
pub(crate) struct Notifier(Vec<Listener>);

impl Notifier {
    pub(crate) fn new(listeners: Vec<Listener>) -> Self {
        Notifier(listeners)
    }

    /// Tells every listener `news`.
    pub(crate) fn tell(&self, state: &State, news: News<'_>) {
        for listener in &self.0 {
            listener(state, news);
        }
    }
}
