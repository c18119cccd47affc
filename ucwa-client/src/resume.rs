//! A session that outlives its process: what it needs to pick up where it was ([`SavedSession`]:
//! the application and the event channel's position), kept by a [`StateStore`] (a file with
//! [`FileStore`], or the user's own), and what a restart found ([`Resumption`]).
//!
//! With [`SignIn::resume_with`](crate::SignIn::resume_with), a session reads the store when it
//! starts. An application that is still there is taken up again — no new application, the
//! event channel read from the position saved, so that the events the server kept while the
//! process was down arrive as if it had never stopped; a backlog the server could not keep
//! whole comes as `resync` ([`Status::Resynchronized`](crate::Status::Resynchronized)). An
//! application the server no longer has is replaced, and [`Resumption::Recreated`] says so:
//! what was sent to it while the process was down (invitations, messages) is gone. The session
//! saves its state as it goes (after each batch of events), and
//! [`Session::suspend`](crate::Session::suspend) stops it without deleting the application, for
//! the next process to resume.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use ucwa::Href;

/// What a session saves to be resumed: plain data, written as JSON by [`FileStore`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SavedSession {
    /// The sign-in address it belongs to: a state saved for another user is not used.
    pub address: String,
    /// The application's `self` link.
    pub application: String,
    /// The event channel's position: the `next` link of the last batch handed to
    /// subscribers.
    pub events: String,
    /// When it was saved, in seconds since the Unix epoch.
    pub saved_at: u64,
}

impl SavedSession {
    pub(crate) fn new(address: &str, application: &Href, events: &Href) -> Self {
        SavedSession {
            address: address.to_owned(),
            application: application.as_str().to_owned(),
            events: events.as_str().to_owned(),
            saved_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs(),
        }
    }

    /// How long ago it was saved (zero for a time in the future).
    pub fn age(&self) -> Duration {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        Duration::from_secs(now.saturating_sub(self.saved_at))
    }
}

/// Where a session's state is kept between processes. `save` is called after each batch of
/// events (from the session's event reader: keep it quick), `load` once when a session
/// starts. Failures are the store's own to report (logged by [`FileStore`]): a session goes on
/// without.
pub trait StateStore: Send + Sync + std::fmt::Debug {
    /// The state saved last, if any.
    fn load(&self) -> Option<SavedSession>;
    /// Keeps `state`, replacing what was kept.
    fn save(&self, state: &SavedSession);
    /// Forgets the state (the application was deleted: nothing to resume).
    fn clear(&self);
}

/// A [`StateStore`] in one JSON file, written whole to a temporary file beside it and renamed
/// over it, so that a crash leaves the old state or the new one, never half of one.
#[derive(Clone, Debug)]
pub struct FileStore {
    path: PathBuf,
}

/// The most bytes of a state file read (a state is a few hundred).
const MAX_STATE_FILE: u64 = 64 * 1024;

impl FileStore {
    /// The state in the file at `path` (created when first saved).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore { path: path.into() }
    }
}

impl StateStore for FileStore {
    fn load(&self) -> Option<SavedSession> {
        use std::io::Read;
        let file = std::fs::File::open(&self.path).ok()?;
        let mut text = Vec::new();
        if let Err(error) = file.take(MAX_STATE_FILE).read_to_end(&mut text) {
            tracing::warn!(path = %self.path.display(), %error, "reading the session state");
            return None;
        }
        match serde_json::from_slice(&text) {
            Ok(state) => Some(state),
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "the session state is not readable; ignored");
                None
            }
        }
    }

    fn save(&self, state: &SavedSession) {
        let mut temporary = self.path.clone().into_os_string();
        temporary.push(".tmp");
        let written = serde_json::to_vec_pretty(state)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(&temporary, json))
            .and_then(|()| std::fs::rename(&temporary, &self.path));
        if let Err(error) = written {
            tracing::warn!(path = %self.path.display(), %error, "saving the session state");
        }
    }

    fn clear(&self) {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "removing the session state");
            }
        }
    }
}

/// What a session found of the one before it ([`Session::resumption`](crate::Session::resumption)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resumption {
    /// No state to resume (no store, nothing saved, or saved for another user): a new
    /// application.
    Fresh,
    /// The application saved was still there and is in use again; its events are read from
    /// the position saved, so the events the server kept while down are delivered.
    Resumed {
        /// The application.
        application: String,
        /// Where its event channel was taken up.
        events: String,
        /// How long ago the state was saved.
        down_for: Duration,
    },
    /// The application saved was gone: a new one replaced it, and whatever reached the old one
    /// while the process was down (invitations, messages, events) was lost with it.
    Recreated {
        /// The application saved.
        previous: String,
        /// Why it could not be taken up (`404 ApplicationNotFound`, …).
        reason: String,
        /// How long ago the state was saved.
        down_for: Duration,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_store_keeps_the_last_state_and_forgets_on_clear() {
        let dir = std::env::temp_dir().join(format!("ucwa-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = FileStore::new(dir.join("state.json"));
        assert_eq!(store.load(), None);
        let state = SavedSession::new(
            "lene@contoso.com",
            &Href::new("/ucwa/oauth/v1/applications/7".to_owned()),
            &Href::new("/ucwa/oauth/v1/applications/7/events?ack=3".to_owned()),
        );
        store.save(&state);
        assert_eq!(store.load(), Some(state.clone()));
        assert!(state.age() < Duration::from_secs(5));
        std::fs::write(dir.join("state.json"), b"{ not json").unwrap();
        assert_eq!(store.load(), None);
        store.clear();
        store.clear();
        assert_eq!(store.load(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
