//! News one task gives the others, through one notifier: a task tells what happened
//! ([`News`]), and the listeners registered when the emulator starts hear it, so that no task
//! imports another.

use crate::directory::User;

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

/// What a task tells the others.
#[derive(Clone, Copy, Debug)]
pub(crate) enum News<'a> {
    /// `user` published a new `what` (their subscribers hear it).
    Published { user: &'a User, what: Publication },
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
