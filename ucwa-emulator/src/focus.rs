//! The meetings a user may join by URI, as the meetings task publishes them and the
//! conversations task reads them when someone joins: a leaf both may use without importing
//! each other. A booked meeting carries who organizes and leads it, who is invited, who waits
//! in the lobby, and the `onlineMeeting` resource a joiner sees (without its links, which name
//! the joiner's own conversation).

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use ucwa::resources::OnlineMeeting;

use crate::directory::User;
use crate::lock::lock;
use crate::state::State;

/// Who may enter a meeting without waiting in its lobby (the meeting's `accessLevel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Everyone enters.
    Everyone,
    /// People of the organizer's domain enter; others wait.
    SameEnterprise,
    /// The organizer, leaders and attendees enter; others wait.
    Invited,
    /// Only leaders enter; everyone else waits.
    Locked,
}

impl Admission {
    /// From the wire name of an access level (an unknown one keeps everyone waiting).
    pub(crate) fn from_access_level(level: &str) -> Admission {
        match level {
            "Everyone" => Admission::Everyone,
            "SameEnterprise" => Admission::SameEnterprise,
            "Invited" | "None" => Admission::Invited,
            _ => Admission::Locked,
        }
    }
}

/// Who leads a meeting besides its organizer and the leaders it names (the meeting's
/// `automaticLeaderAssignment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AutoLeaders {
    /// No one else.
    Disabled,
    /// Everyone of the organizer's domain.
    SameEnterprise,
    /// Everyone.
    Everyone,
}

/// A meeting that can be joined by its URI.
#[derive(Clone, Debug)]
pub(crate) struct Booked {
    pub(crate) uri: String,
    pub(crate) organizer: Arc<User>,
    pub(crate) subject: Option<String>,
    /// `sip:` URIs.
    pub(crate) leaders: Vec<String>,
    /// `sip:` URIs.
    pub(crate) attendees: Vec<String>,
    pub(crate) admission: Admission,
    pub(crate) auto_leaders: AutoLeaders,
    /// The `onlineMeeting` a joiner sees, without links.
    pub(crate) meeting: OnlineMeeting,
    /// Scheduled (in the book while its organizer keeps it), or met now (joinable while in
    /// progress).
    pub(crate) scheduled: bool,
}

/// The bookable meetings, by URI (ASCII case ignored).
#[derive(Default)]
pub(crate) struct Book(HashMap<String, Booked>);

impl Book {
    /// Publishes (or replaces) `booked`.
    pub(crate) fn publish(&mut self, booked: Booked) {
        self.0.insert(booked.uri.to_ascii_lowercase(), booked);
    }

    /// Withdraws the meeting at `uri` (deleted).
    pub(crate) fn withdraw(&mut self, uri: &str) {
        self.0.remove(&uri.to_ascii_lowercase());
    }

    /// The meeting at `uri`.
    pub(crate) fn find(&self, uri: &str) -> Option<&Booked> {
        self.0.get(&uri.to_ascii_lowercase())
    }
}

/// The emulator's book of meetings (in its slots).
pub(crate) fn book(state: &State) -> MutexGuard<'_, Book> {
    lock(state.data.get::<Book>())
}

/// The domain of an address or `sip:` URI (`""` without one).
pub(crate) fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or("", |(_, d)| d)
}

impl Booked {
    /// Whether `user` leads the meeting: its organizer, one it names, or one the automatic
    /// assignment promotes.
    pub(crate) fn leads(&self, user: &User) -> bool {
        let named = |list: &[String]| list.iter().any(|uri| user.is(uri));
        user.is(&self.organizer.address)
            || named(&self.leaders)
            || match self.auto_leaders {
                AutoLeaders::Disabled => false,
                AutoLeaders::Everyone => true,
                AutoLeaders::SameEnterprise => {
                    domain(&user.address).eq_ignore_ascii_case(domain(&self.organizer.address))
                }
            }
    }

    /// Whether `user` enters without waiting in the lobby.
    pub(crate) fn enters(&self, user: &User) -> bool {
        if self.leads(user) {
            return true;
        }
        match self.admission {
            Admission::Everyone => true,
            Admission::SameEnterprise => {
                domain(&user.address).eq_ignore_ascii_case(domain(&self.organizer.address))
            }
            Admission::Invited => self.attendees.iter().any(|uri| user.is(uri)),
            Admission::Locked => false,
        }
    }
}
