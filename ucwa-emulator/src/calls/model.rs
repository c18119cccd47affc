//! Phone-audio calls and their transitions, on the emulator's clock and without HTTP.
//!
//! A call via work rings the user's own phone first; once that picks up (after
//! [`Legs::ring_delay`]) the far end is dialled, and after [`Legs::connect_delay`] its
//! [`LegOutcome`] decides: the call connects, or it fails with the reason a server gives.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use ucwa::ErrorBody;
use ucwa::enumerations::{CallState, Importance, InvitationState};

use crate::legs::{LegOutcome, Legs};

use super::incoming::Answerer;

/// Where a call is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Phase {
    /// The user's own phone is ringing.
    RingingUser,
    /// The far end is ringing.
    RingingRemote,
    /// Both ends are talking.
    Connected,
    /// Connected, on hold.
    Held,
    /// Over: stopped by the user (`None`), or failed with a reason.
    Ended(Option<Box<ErrorBody>>),
}

/// One call via work.
#[derive(Clone, Debug)]
pub(super) struct PhoneCall {
    /// The called number or SIP URI.
    pub to: String,
    /// The user's phone, rung first.
    pub phone_number: Option<String>,
    pub subject: Option<String>,
    pub importance: Importance,
    pub operation_id: Option<String>,
    pub thread_id: String,
    /// What the far end will do.
    pub outcome: LegOutcome,
    /// When, on the emulator's clock, the user's phone picks up and the far end answers.
    pub user_answers_at: Duration,
    pub remote_decides_at: Duration,
    pub phase: Phase,
    /// Whether its invitation completed (it does once, when the far end decides or the user
    /// stops the call first).
    pub invitation_done: bool,
    /// An incoming call: who calls, and the ring that decides it ([`super::incoming`]).
    pub incoming: Option<Incoming>,
    /// An outgoing call to a user of the directory: their address, and the ring once they
    /// are rung (the ring decides, not the legs).
    pub to_user: Option<String>,
    pub ring: Option<u64>,
    /// Who answered, once someone did.
    pub answered_by: Option<Answerer>,
}

/// What an incoming call knows of its caller.
#[derive(Clone, Debug)]
pub(super) struct Incoming {
    pub ring: u64,
    pub from: String,
    pub from_name: Option<String>,
}

/// What a step of a call changed, for the routes to announce.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Change {
    /// The far end is being dialled (the phoneAudio is updated, still connecting).
    Dialling,
    /// The call connected: the invitation completed with success.
    Connected,
    /// The call failed before connecting, with this reason.
    Failed(Box<ErrorBody>),
    /// Put on hold, or taken off it.
    Held,
    Resumed,
    /// Stopped by the user; `true` when it had not connected yet (the invitation completes
    /// with a failure).
    Stopped {
        before_connecting: bool,
    },
}

/// Why a request on a call cannot be done now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NotNow {
    /// Hold or resume on a call that is not connected (or already held, or not held).
    NotConnected,
    /// The call is over.
    Ended,
}

impl PhoneCall {
    /// The modality's state, as phoneAudio shows it.
    pub(super) fn state(&self) -> CallState {
        match self.phase {
            Phase::RingingUser | Phase::RingingRemote => CallState::Connecting,
            Phase::Connected | Phase::Held => CallState::Connected,
            Phase::Ended(_) => CallState::Disconnected,
        }
    }

    /// The invitation's state.
    pub(super) fn invitation_state(&self) -> InvitationState {
        match &self.phase {
            Phase::RingingUser | Phase::RingingRemote => InvitationState::Connecting,
            Phase::Connected | Phase::Held => InvitationState::Connected,
            Phase::Ended(None) if !self.invitation_done => InvitationState::Connecting,
            Phase::Ended(None) => InvitationState::Connected,
            Phase::Ended(Some(reason)) => match reason.subcode.as_deref() {
                Some("Declined") => InvitationState::Declined,
                _ => InvitationState::Failed,
            },
        }
    }

    pub(super) fn is_live(&self) -> bool {
        !matches!(self.phase, Phase::Ended(_))
    }

    /// Moves the call on to `now`: what it passed, in order.
    pub(super) fn step(&mut self, now: Duration) -> Vec<Change> {
        let mut changes = Vec::new();
        if self.incoming.is_some() {
            // Its ring decides.
            return changes;
        }
        if self.phase == Phase::RingingUser && now >= self.user_answers_at {
            self.phase = Phase::RingingRemote;
            changes.push(Change::Dialling);
        }
        if self.phase == Phase::RingingRemote
            && self.to_user.is_none()
            && now >= self.remote_decides_at
        {
            self.invitation_done = true;
            match failure(self.outcome) {
                None => {
                    self.phase = Phase::Connected;
                    changes.push(Change::Connected);
                }
                Some(reason) => {
                    self.phase = Phase::Ended(Some(reason.clone()));
                    changes.push(Change::Failed(reason));
                }
            }
        }
        changes
    }

    /// What the ring of a call to (or from) a user decided for this side: connected (to
    /// whom), or over with a reason.
    pub(super) fn settle(&mut self, result: Result<Answerer, Box<ErrorBody>>) -> Option<Change> {
        if !self.is_live() || self.invitation_done {
            return None;
        }
        self.invitation_done = true;
        Some(match result {
            Ok(answerer) => {
                self.answered_by = Some(answerer);
                self.phase = Phase::Connected;
                Change::Connected
            }
            Err(reason) => {
                self.phase = Phase::Ended(Some(reason.clone()));
                Change::Failed(reason)
            }
        })
    }

    /// holdPhoneAudio: only a connected call that is not held already.
    pub(super) fn hold(&mut self) -> Result<Change, NotNow> {
        match self.phase {
            Phase::Connected => {
                self.phase = Phase::Held;
                Ok(Change::Held)
            }
            Phase::Ended(_) => Err(NotNow::Ended),
            _ => Err(NotNow::NotConnected),
        }
    }

    /// resumePhoneAudio: only a held call.
    pub(super) fn resume(&mut self) -> Result<Change, NotNow> {
        match self.phase {
            Phase::Held => {
                self.phase = Phase::Connected;
                Ok(Change::Resumed)
            }
            Phase::Ended(_) => Err(NotNow::Ended),
            _ => Err(NotNow::NotConnected),
        }
    }

    /// stopPhoneAudio: ends a live call, ringing or connected.
    pub(super) fn stop(&mut self) -> Result<Change, NotNow> {
        if !self.is_live() {
            return Err(NotNow::Ended);
        }
        let before_connecting = !self.invitation_done;
        self.invitation_done = true;
        self.phase = Phase::Ended(None);
        Ok(Change::Stopped { before_connecting })
    }
}

/// The reason a call whose far end does `outcome` fails, as servers give it in the invitation's
/// `completed` event (`None`: it connects). The reference lists `Busy`, `Declined` and
/// `Timeout` among the subcodes; a call nobody answers is reported as the time-out it is.
pub(super) fn failure(outcome: LegOutcome) -> Option<Box<ErrorBody>> {
    let (code, subcode, message) = match outcome {
        LegOutcome::Answers => return None,
        LegOutcome::Busy => ("RemoteFailure", "Busy", "The called party is busy."),
        LegOutcome::Declines => ("RemoteFailure", "Declined", "The call was declined."),
        LegOutcome::NoAnswer => ("Timeout", "Timeout", "The call was not answered."),
    };
    Some(Box::new(ErrorBody {
        code: code.into(),
        subcode: Some(subcode.into()),
        message: Some(message.into()),
        ..ErrorBody::default()
    }))
}

/// What a call is placed with.
pub(super) struct Placing {
    pub to: String,
    pub phone_number: Option<String>,
    pub subject: Option<String>,
    pub importance: Option<Importance>,
    pub operation_id: Option<String>,
    pub thread_id: Option<String>,
    /// The callee's address, when the call is to a user of the directory who is rung.
    pub to_user: Option<String>,
}

/// An application's calls (in its slots), by number; a call's number is also its
/// conversation's and its invitation's.
#[derive(Default)]
pub(super) struct PhoneCalls {
    pub calls: BTreeMap<u64, PhoneCall>,
    operation_ids: HashSet<String>,
    next: u64,
}

/// Why a call cannot be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PlaceError {
    /// An earlier call used this `operationId`.
    SameOperation,
    /// The application has this many calls already.
    TooMany(usize),
}

impl PhoneCalls {
    /// Places a call at `now`, with `legs` deciding its far end; its number.
    pub(super) fn place(
        &mut self,
        placing: Placing,
        legs: &Legs,
        now: Duration,
        max: usize,
    ) -> Result<u64, PlaceError> {
        if let Some(id) = &placing.operation_id
            && self.operation_ids.contains(id)
        {
            return Err(PlaceError::SameOperation);
        }
        if self.calls.len() >= max {
            return Err(PlaceError::TooMany(max));
        }
        if let Some(id) = &placing.operation_id {
            self.operation_ids.insert(id.clone());
        }
        self.next += 1;
        let number = self.next;
        // Saturating: a delay set from a test may be as long as it likes.
        let user_answers_at = now.saturating_add(legs.ring_delay);
        let call = PhoneCall {
            outcome: legs.outcome_for(&placing.to),
            to: placing.to,
            phone_number: placing.phone_number,
            subject: placing.subject,
            importance: placing.importance.unwrap_or(Importance::Normal),
            operation_id: placing.operation_id,
            thread_id: placing
                .thread_id
                .unwrap_or_else(|| format!("{:032x}", 0x9_0000 + number)),
            user_answers_at,
            remote_decides_at: user_answers_at.saturating_add(legs.connect_delay),
            phase: Phase::RingingUser,
            invitation_done: false,
            incoming: None,
            to_user: placing.to_user,
            ring: None,
            answered_by: None,
        };
        self.calls.insert(number, call);
        Ok(number)
    }

    /// An incoming call from `incoming`'s caller, ringing this application's phone
    /// `phone_number` until its ring decides; its number, or `None` at `max` calls.
    pub(super) fn receive(
        &mut self,
        incoming: Incoming,
        to: String,
        phone_number: Option<String>,
        max: usize,
    ) -> Option<u64> {
        if self.calls.len() >= max {
            return None;
        }
        self.next += 1;
        let number = self.next;
        let call = PhoneCall {
            to,
            phone_number,
            subject: None,
            importance: Importance::Normal,
            operation_id: None,
            thread_id: format!("{:032x}", 0xa_0000 + incoming.ring),
            outcome: LegOutcome::Answers,
            user_answers_at: Duration::MAX,
            remote_decides_at: Duration::MAX,
            phase: Phase::RingingUser,
            invitation_done: false,
            incoming: Some(incoming),
            to_user: None,
            ring: None,
            answered_by: None,
        };
        self.calls.insert(number, call);
        Some(number)
    }

    /// addPhoneAudio on call `number`'s conversation: dials the same party again once the
    /// earlier call is over; a conversation has one phone-audio call at a time, so a live one
    /// refuses it (`None` then).
    pub(super) fn redial(
        &mut self,
        number: u64,
        legs: &Legs,
        now: Duration,
        phone_number: Option<String>,
    ) -> Option<()> {
        let call = self.calls.get_mut(&number)?;
        if call.is_live() {
            return None;
        }
        if let Some(incoming) = call.incoming.take() {
            // Calling back whoever called.
            call.to = incoming.from;
        }
        call.ring = None;
        call.answered_by = None;
        call.outcome = legs.outcome_for(&call.to);
        call.user_answers_at = now.saturating_add(legs.ring_delay);
        call.remote_decides_at = call.user_answers_at.saturating_add(legs.connect_delay);
        call.phase = Phase::RingingUser;
        call.invitation_done = false;
        if phone_number.is_some() {
            call.phone_number = phone_number;
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placing(to: &str) -> Placing {
        Placing {
            to: to.into(),
            phone_number: Some("tel:+14255550100".into()),
            subject: None,
            importance: None,
            operation_id: Some("op".into()),
            thread_id: None,
            to_user: None,
        }
    }

    fn legs() -> Legs {
        let mut legs = Legs {
            ring_delay: Duration::from_secs(2),
            connect_delay: Duration::from_secs(3),
            ..Legs::default()
        };
        legs.set("tel:+15550001", LegOutcome::Busy);
        legs
    }

    #[test]
    fn a_call_rings_the_user_then_connects_holds_resumes_and_stops() {
        let mut calls = PhoneCalls::default();
        let n = calls
            .place(placing("tel:+15550002"), &legs(), Duration::ZERO, 10)
            .unwrap();
        let call = calls.calls.get_mut(&n).unwrap();
        assert_eq!(call.state(), CallState::Connecting);
        assert!(call.step(Duration::from_secs(1)).is_empty());
        assert_eq!(call.step(Duration::from_secs(2)), [Change::Dialling]);
        assert!(call.step(Duration::from_secs(4)).is_empty());
        assert_eq!(call.step(Duration::from_secs(5)), [Change::Connected]);
        assert_eq!(call.invitation_state(), InvitationState::Connected);
        assert_eq!(call.resume(), Err(NotNow::NotConnected));
        assert_eq!(call.hold(), Ok(Change::Held));
        assert_eq!(call.hold(), Err(NotNow::NotConnected));
        assert_eq!(call.state(), CallState::Connected);
        assert_eq!(call.resume(), Ok(Change::Resumed));
        assert_eq!(
            call.stop(),
            Ok(Change::Stopped {
                before_connecting: false
            })
        );
        assert_eq!(call.state(), CallState::Disconnected);
        assert_eq!(call.stop(), Err(NotNow::Ended));
        assert_eq!(call.hold(), Err(NotNow::Ended));
    }

    #[test]
    fn each_outcome_fails_with_its_reason_all_at_once_when_time_jumps() {
        let mut calls = PhoneCalls::default();
        let n = calls
            .place(placing("tel:+1 555 0001"), &legs(), Duration::ZERO, 10)
            .unwrap();
        let call = calls.calls.get_mut(&n).unwrap();
        let changes = call.step(Duration::from_secs(60));
        assert_eq!(changes.len(), 2);
        let Change::Failed(reason) = &changes[1] else {
            panic!("{changes:?}")
        };
        assert_eq!(reason.subcode.as_deref(), Some("Busy"));
        assert_eq!(call.invitation_state(), InvitationState::Failed);
        let declined = failure(LegOutcome::Declines).unwrap();
        assert_eq!(
            (declined.code.as_str(), declined.subcode.as_deref()),
            ("RemoteFailure", Some("Declined"))
        );
        let timeout = failure(LegOutcome::NoAnswer).unwrap();
        assert_eq!(timeout.code, "Timeout");
        assert!(failure(LegOutcome::Answers).is_none());
    }

    #[test]
    fn operation_ids_and_the_limit_are_kept_and_a_live_call_is_not_dialled_twice() {
        let mut calls = PhoneCalls::default();
        let n = calls
            .place(placing("tel:+15550002"), &legs(), Duration::ZERO, 2)
            .unwrap();
        assert_eq!(
            calls.place(placing("tel:+15550003"), &legs(), Duration::ZERO, 2),
            Err(PlaceError::SameOperation)
        );
        let mut other = placing("tel:+15550003");
        other.operation_id = None;
        calls.place(other, &legs(), Duration::ZERO, 2).unwrap();
        let mut third = placing("tel:+15550004");
        third.operation_id = None;
        assert_eq!(
            calls.place(third, &legs(), Duration::ZERO, 2),
            Err(PlaceError::TooMany(2))
        );
        assert_eq!(calls.redial(n, &legs(), Duration::ZERO, None), None);
        calls.calls.get_mut(&n).unwrap().stop().unwrap();
        assert_eq!(
            calls.redial(n, &legs(), Duration::from_secs(10), None),
            Some(())
        );
        let call = &calls.calls[&n];
        assert_eq!(call.phase, Phase::RingingUser);
        assert_eq!(call.remote_decides_at, Duration::from_secs(15));
    }
}
