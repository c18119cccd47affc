//! Meetings as conversations, without HTTP: each conversation that is a meeting (met now, or a
//! scheduled meeting someone joined by URI) has a focus here, beside its roster in
//! [`super::model::Threads`]: the meeting as booked (who organizes, leads, is invited), the
//! roles changed since (promoted, demoted), and the lobby of those waiting to be let in.
//! One lock of its own, taken before the roster's ([`super::model::threads`]) or an
//! application's when both are needed, never after either.

use std::collections::{BTreeSet, HashMap};
use std::sync::MutexGuard;

use crate::directory::User;
use crate::focus::Booked;
use crate::lock::lock;
use crate::state::State;

use super::model::Member;

/// Someone in a lobby: their place in the roster-to-be and their meeting invitation.
#[derive(Clone, Debug)]
pub(super) struct Waiting {
    pub(super) member: Member,
    pub(super) invitation: u64,
}

/// The focus of one meeting.
#[derive(Debug)]
pub(super) struct Focus {
    pub(super) booked: Booked,
    /// Addresses (lower case) promoted to leader since the meeting began.
    promoted: BTreeSet<String>,
    /// Addresses (lower case) demoted to attendee since the meeting began.
    demoted: BTreeSet<String>,
    pub(super) lobby: Vec<Waiting>,
    /// Whether attendees may send messages (`audienceMessaging`; leaders always may).
    pub(super) audience_messaging: bool,
    /// Whether attendees are held muted (`audienceMute`, the mute lock).
    pub(super) audience_mute_lock: bool,
}

impl Focus {
    /// Whether `user` leads the meeting now.
    pub(super) fn leads(&self, user: &User) -> bool {
        let address = user.address.to_ascii_lowercase();
        !self.demoted.contains(&address)
            && (self.promoted.contains(&address) || self.booked.leads(user))
    }

    /// Whether `user` enters without waiting in the lobby.
    pub(super) fn enters(&self, user: &User) -> bool {
        self.leads(user) || self.booked.enters(user)
    }

    /// Makes `user` a leader (`true`) or an attendee; whether that changed their role. The
    /// organizer stays a leader.
    pub(super) fn set_leader(&mut self, user: &User, leader: bool) -> bool {
        if self.leads(user) == leader || (!leader && user.is(&self.booked.organizer.address)) {
            return false;
        }
        let address = user.address.to_ascii_lowercase();
        if leader {
            self.demoted.remove(&address);
            self.promoted.insert(address);
        } else {
            self.promoted.remove(&address);
            self.demoted.insert(address);
        }
        true
    }

    /// The one waiting in the lobby with address `address`.
    pub(super) fn waiting(&self, address: &str) -> Option<&Waiting> {
        self.lobby.iter().find(|w| w.member.user.is(address))
    }
}

/// Every meeting in progress: its focus by conversation (thread), and the thread of each URI.
#[derive(Debug, Default)]
pub(super) struct Conferences {
    by_thread: HashMap<u64, Focus>,
    by_uri: HashMap<String, u64>,
    /// Numbers meet-now meetings.
    next: u64,
}

/// Why a meeting could not begin.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Full;

impl Conferences {
    /// The number of the next meet-now meeting.
    pub(super) fn next_number(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// The meeting at `uri` in progress: its thread.
    pub(super) fn at(&self, uri: &str) -> Option<u64> {
        self.by_uri.get(&uri.to_ascii_lowercase()).copied()
    }

    /// Begins meeting `booked` in conversation `thread`; refused when `max` are in progress.
    pub(super) fn begin(&mut self, thread: u64, booked: Booked, max: usize) -> Result<(), Full> {
        if self.by_thread.len() >= max {
            return Err(Full);
        }
        self.by_uri.insert(booked.uri.to_ascii_lowercase(), thread);
        self.by_thread.insert(
            thread,
            Focus {
                booked,
                promoted: BTreeSet::new(),
                demoted: BTreeSet::new(),
                lobby: Vec::new(),
                audience_messaging: true,
                audience_mute_lock: false,
            },
        );
        Ok(())
    }

    /// The focus of conversation `thread`, when it is a meeting.
    pub(super) fn focus(&self, thread: u64) -> Option<&Focus> {
        self.by_thread.get(&thread)
    }

    pub(super) fn focus_mut(&mut self, thread: u64) -> Option<&mut Focus> {
        self.by_thread.get_mut(&thread)
    }

    /// The threads of every meeting in progress.
    pub(super) fn threads(&self) -> Vec<u64> {
        self.by_thread.keys().copied().collect()
    }

    /// Ends the meeting of `thread` (no one is in it any more).
    pub(super) fn end(&mut self, thread: u64) {
        if let Some(focus) = self.by_thread.remove(&thread) {
            self.by_uri.remove(&focus.booked.uri.to_ascii_lowercase());
        }
    }

    /// Puts `waiting` in the lobby of `thread`; `false` when the lobby holds `max` already or
    /// the meeting is gone.
    pub(super) fn wait(&mut self, thread: u64, waiting: Waiting, max: usize) -> bool {
        match self.by_thread.get_mut(&thread) {
            Some(focus) if focus.lobby.len() < max => {
                focus.lobby.push(waiting);
                true
            }
            _ => false,
        }
    }

    /// Takes the one waiting with address `address` out of the lobby of `thread` (admitted or
    /// rejected).
    pub(super) fn leave_lobby(&mut self, thread: u64, address: &str) -> Option<Waiting> {
        let focus = self.by_thread.get_mut(&thread)?;
        let at = focus.lobby.iter().position(|w| w.member.user.is(address))?;
        Some(focus.lobby.remove(at))
    }
}

/// The meetings in progress (in the emulator's slots).
pub(super) fn conferences(state: &State) -> MutexGuard<'_, Conferences> {
    lock(state.data.get::<Conferences>())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ucwa::resources::OnlineMeeting;

    use super::*;
    use crate::focus::{Admission, AutoLeaders};
    use crate::messaging::model::Side;

    fn user(address: &str) -> Arc<User> {
        Arc::new(User::stranger(address))
    }

    fn booked(admission: Admission) -> Booked {
        Booked {
            uri: "sip:lene@contoso.com;gruu;opaque=app:conf:focus:id:X".into(),
            organizer: user("lene@contoso.com"),
            subject: None,
            leaders: vec!["sip:tosh@contoso.com".into()],
            attendees: vec!["sip:ann@contoso.com".into()],
            admission,
            auto_leaders: AutoLeaders::Disabled,
            meeting: OnlineMeeting::default(),
            scheduled: true,
        }
    }

    fn waiting(address: &str) -> Waiting {
        Waiting {
            member: Member {
                user: user(address),
                side: Side {
                    app: 9,
                    conversation: 2,
                },
            },
            invitation: 3,
        }
    }

    #[test]
    fn who_enters_and_who_waits() {
        let mut all = Conferences::default();
        all.begin(1, booked(Admission::Invited), 5).unwrap();
        let focus = all.focus(1).unwrap();
        assert!(focus.enters(&user("lene@contoso.com")));
        assert!(focus.enters(&user("TOSH@contoso.com")));
        assert!(focus.enters(&user("ann@contoso.com")));
        assert!(!focus.enters(&user("bob@contoso.com")));
        assert!(focus.leads(&user("tosh@contoso.com")));
        assert!(!focus.leads(&user("ann@contoso.com")));
        assert_eq!(
            all.at("SIP:lene@contoso.com;gruu;opaque=app:conf:focus:id:x"),
            Some(1)
        );

        all.begin(2, booked(Admission::Locked), 5).unwrap();
        let locked = all.focus(2).unwrap();
        assert!(!locked.enters(&user("ann@contoso.com")));
        assert!(locked.enters(&user("lene@contoso.com")));
        all.end(2);
        assert!(all.focus(2).is_none());
        assert_eq!(all.begin(3, booked(Admission::Everyone), 1), Err(Full));
    }

    #[test]
    fn the_lobby_lets_in_or_out() {
        let mut all = Conferences::default();
        all.begin(1, booked(Admission::Locked), 5).unwrap();
        assert!(all.wait(1, waiting("bob@contoso.com"), 1));
        // Full at one.
        assert!(!all.wait(1, waiting("eve@contoso.com"), 1));
        assert!(
            all.focus(1)
                .unwrap()
                .waiting("sip:bob@contoso.com")
                .is_some()
        );
        assert!(all.leave_lobby(1, "ann@contoso.com").is_none());
        let out = all.leave_lobby(1, "bob@contoso.com").unwrap();
        assert!(out.member.user.is("bob@contoso.com"));
        assert!(all.focus(1).unwrap().lobby.is_empty());
        assert!(!all.wait(7, waiting("bob@contoso.com"), 5));
    }

    #[test]
    fn roles_change_but_the_organizer_leads() {
        let mut all = Conferences::default();
        all.begin(1, booked(Admission::Everyone), 5).unwrap();
        let focus = all.focus_mut(1).unwrap();
        let ann = user("ann@contoso.com");
        assert!(focus.set_leader(&ann, true));
        assert!(focus.leads(&ann));
        assert!(!focus.set_leader(&ann, true));
        assert!(focus.set_leader(&ann, false));
        assert!(!focus.leads(&ann));
        let tosh = user("tosh@contoso.com");
        assert!(focus.set_leader(&tosh, false));
        assert!(!focus.leads(&tosh));
        let lene = user("lene@contoso.com");
        assert!(!focus.set_leader(&lene, false));
        assert!(focus.leads(&lene));
    }

    #[test]
    fn a_meeting_begins_with_audience_messaging_on_and_no_mute_lock() {
        let mut all = Conferences::default();
        all.begin(1, booked(Admission::Everyone), 5).unwrap();
        let focus = all.focus(1).unwrap();
        assert!(focus.audience_messaging);
        assert!(!focus.audience_mute_lock);
    }
}
