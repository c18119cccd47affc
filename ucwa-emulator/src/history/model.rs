//! Each user's conversation history without HTTP: the logs written as conversations end (the
//! latest [`crate::Limits::max_conversation_logs`]), each with its transcripts (the latest
//! [`crate::Limits::max_log_transcripts`]), read or not, missed or not, and the counts of
//! missed items made from them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, MutexGuard};

use ucwa::enumerations::{Direction, Importance};
use ucwa::{DataUri, Timestamp};

use crate::directory::User;
use crate::lock::lock;
use crate::state::{Ended, State};

/// One thing said in a logged conversation.
#[derive(Clone, Debug)]
pub(super) struct Transcript {
    pub(super) from: Arc<User>,
    pub(super) text: DataUri,
}

/// One conversation as a user's history keeps it.
#[derive(Clone, Debug)]
pub(super) struct Log {
    pub(super) id: u64,
    pub(super) thread_id: String,
    pub(super) subject: String,
    pub(super) importance: Importance,
    pub(super) direction: Direction,
    pub(super) missed: bool,
    pub(super) read: bool,
    pub(super) at: Option<Timestamp>,
    /// Who else took part (for a missed conversation: who invited).
    pub(super) others: Vec<Arc<User>>,
    /// What was said, oldest first (the latest `max_log_transcripts`).
    pub(super) transcripts: Vec<Transcript>,
}

/// The counts of a user's missed items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) logs: usize,
    pub(super) missed: usize,
    pub(super) unread_missed: usize,
}

/// One user's logs, oldest first.
#[derive(Debug, Default)]
pub(super) struct Logs {
    logs: VecDeque<Log>,
}

/// Every user's history (in the emulator's slots), by the user's index in the directory.
#[derive(Debug, Default)]
pub(super) struct History {
    next: u64,
    users: HashMap<usize, Logs>,
}

/// What writing a log changed.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Written {
    /// A new log, and how many older ones were dropped to make room.
    New { id: u64, dropped: usize },
    /// The user has a log of this conversation already (another of their applications was
    /// rung too): nothing changed.
    Known,
}

impl History {
    /// Writes the log of `ended` for its user, the oldest beyond `max_logs` dropped and the
    /// transcripts cut to the latest `max_transcripts`.
    pub(super) fn write(
        &mut self,
        ended: &Ended,
        at: Option<Timestamp>,
        max_logs: usize,
        max_transcripts: usize,
    ) -> Written {
        let logs = self.users.entry(ended.user.index).or_default();
        if logs.logs.iter().any(|l| l.thread_id == ended.thread_id) {
            return Written::Known;
        }
        self.next += 1;
        let id = self.next;
        let skip = ended.messages.len().saturating_sub(max_transcripts.max(1));
        let transcripts = ended.messages[skip..]
            .iter()
            .map(|(from, text)| Transcript {
                from: from.clone(),
                text: text.clone(),
            })
            .collect();
        logs.logs.push_back(Log {
            id,
            thread_id: ended.thread_id.clone(),
            subject: ended.subject.clone(),
            importance: ended.importance.clone(),
            direction: ended.direction.clone(),
            missed: ended.missed,
            read: false,
            at,
            others: ended.others.clone(),
            transcripts,
        });
        let mut dropped = 0;
        while logs.logs.len() > max_logs.max(1) {
            logs.logs.pop_front();
            dropped += 1;
        }
        Written::New { id, dropped }
    }

    /// The logs of `user`, newest first, at most `limit`.
    pub(super) fn list(&self, user: &User, limit: usize) -> Vec<Log> {
        self.users
            .get(&user.index)
            .map(|logs| logs.logs.iter().rev().take(limit).cloned().collect())
            .unwrap_or_default()
    }

    /// Log `id` of `user`.
    pub(super) fn get(&self, user: &User, id: u64) -> Option<&Log> {
        self.users
            .get(&user.index)?
            .logs
            .iter()
            .find(|l| l.id == id)
    }

    /// Marks log `id` of `user` read; whether it exists.
    pub(super) fn mark_read(&mut self, user: &User, id: u64) -> bool {
        let log = self
            .users
            .get_mut(&user.index)
            .and_then(|logs| logs.logs.iter_mut().find(|l| l.id == id));
        match log {
            Some(log) => {
                log.read = true;
                true
            }
            None => false,
        }
    }

    /// Deletes log `id` of `user`; whether it existed.
    pub(super) fn delete(&mut self, user: &User, id: u64) -> bool {
        let Some(logs) = self.users.get_mut(&user.index) else {
            return false;
        };
        let before = logs.logs.len();
        logs.logs.retain(|l| l.id != id);
        logs.logs.len() != before
    }

    /// The counts of `user`'s missed items.
    pub(super) fn counts(&self, user: &User) -> Counts {
        let Some(logs) = self.users.get(&user.index) else {
            return Counts::default();
        };
        Counts {
            logs: logs.logs.len(),
            missed: logs.logs.iter().filter(|l| l.missed).count(),
            unread_missed: logs.logs.iter().filter(|l| l.missed && !l.read).count(),
        }
    }
}

impl Log {
    /// The page of transcripts starting at `from` (at most `size`), and where the next page
    /// starts when there is one.
    pub(super) fn page(&self, from: usize, size: usize) -> (&[Transcript], Option<usize>) {
        let from = from.min(self.transcripts.len());
        let end = from.saturating_add(size.max(1)).min(self.transcripts.len());
        let next = (end < self.transcripts.len()).then_some(end);
        (&self.transcripts[from..end], next)
    }
}

/// The history (in the emulator's slots).
pub(super) fn history(state: &State) -> MutexGuard<'_, History> {
    lock(state.data.get::<History>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(address: &str, index: usize) -> Arc<User> {
        let mut user = User::stranger(address);
        user.index = index;
        Arc::new(user)
    }

    fn ended(thread: &str, missed: bool, said: usize) -> Ended {
        let lene = user("lene@contoso.com", 0);
        let ann = user("ann@contoso.com", 1);
        Ended {
            user: lene.clone(),
            thread_id: thread.into(),
            subject: "s".into(),
            importance: Importance::Normal,
            direction: Direction::Incoming,
            missed,
            others: vec![ann.clone()],
            messages: (0..said)
                .map(|i| {
                    let text = DataUri::from_bytes("text/plain", format!("m{i}").as_bytes());
                    (ann.clone(), text.unwrap())
                })
                .collect(),
        }
    }

    #[test]
    fn logs_are_written_once_per_conversation_within_their_bound() {
        let mut history = History::default();
        let lene = user("lene@contoso.com", 0);
        assert_eq!(
            history.write(&ended("a", false, 1), None, 2, 10),
            Written::New { id: 1, dropped: 0 }
        );
        // Another application of the same user logging the same conversation changes nothing.
        assert_eq!(
            history.write(&ended("a", false, 1), None, 2, 10),
            Written::Known
        );
        history.write(&ended("b", true, 0), None, 2, 10);
        assert_eq!(
            history.write(&ended("c", true, 0), None, 2, 10),
            Written::New { id: 3, dropped: 1 }
        );
        let ids: Vec<u64> = history.list(&lene, 10).iter().map(|l| l.id).collect();
        assert_eq!(ids, [3, 2]);
        assert_eq!(history.list(&lene, 1).len(), 1);
        assert!(history.get(&lene, 1).is_none());
        // Someone else's history is their own.
        assert!(history.list(&user("ann@contoso.com", 1), 10).is_empty());
    }

    #[test]
    fn missed_items_count_what_was_missed_and_not_read() {
        let mut history = History::default();
        let lene = user("lene@contoso.com", 0);
        history.write(&ended("a", false, 1), None, 10, 10);
        history.write(&ended("b", true, 0), None, 10, 10);
        history.write(&ended("c", true, 0), None, 10, 10);
        let counts = history.counts(&lene);
        assert_eq!(
            counts,
            Counts {
                logs: 3,
                missed: 2,
                unread_missed: 2
            }
        );
        assert!(history.mark_read(&lene, 2));
        assert_eq!(history.counts(&lene).unread_missed, 1);
        assert!(history.delete(&lene, 3));
        assert!(!history.delete(&lene, 3));
        assert!(!history.mark_read(&lene, 3));
        assert_eq!(
            history.counts(&lene),
            Counts {
                logs: 2,
                missed: 1,
                unread_missed: 0
            }
        );
    }

    #[test]
    fn transcripts_are_kept_within_their_bound_and_paged() {
        let mut history = History::default();
        let lene = user("lene@contoso.com", 0);
        history.write(&ended("a", false, 7), None, 10, 5);
        let log = history.get(&lene, 1).unwrap();
        assert_eq!(log.transcripts.len(), 5);
        assert_eq!(log.transcripts[0].text.decode().unwrap(), b"m2");
        let (first, next) = log.page(0, 2);
        assert_eq!(first.len(), 2);
        assert_eq!(next, Some(2));
        let (last, next) = log.page(4, 2);
        assert_eq!(last.len(), 1);
        assert_eq!(next, None);
        let (past, next) = log.page(99, 2);
        assert!(past.is_empty() && next.is_none());
    }
}
