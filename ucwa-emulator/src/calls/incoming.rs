//! A phone call to a user of the directory ([`Ring`]), on the emulator's clock and without
//! HTTP: the user's forwarding rules ([`Routing`]) applied to it, their applications that
//! advertised phone audio rung ([`Endpoint`]), and who answers in the end.
//!
//! The order of what can happen, from the moment the call arrives (`t0`):
//! - forwarded immediately to voicemail: voicemail answers at `t0`, nothing rings;
//! - forwarded immediately to a contact or the delegates: that party (a simulated leg)
//!   decides after the connect delay, nothing rings;
//! - otherwise each endpoint rings: one whose phone answers picks up after the ring delay
//!   (the first, by application, wins: the others stop with `ConnectedElsewhere`); a phone
//!   that is busy or declines declines; a simultaneous-ring target (contact, delegates,
//!   team) decides after its ring delay and the connect delay; when the unanswered-call delay
//!   passes first, the endpoints stop (`Missed`) and the call goes to voicemail, or to the
//!   unanswered-call contact, who decides after the connect delay. A user with no endpoint
//!   to ring is unanswered at once. Equal times: the user's phone, then the simultaneous
//!   target, then unanswered-call handling.

use std::time::Duration;

use ucwa::ErrorBody;

use crate::legs::{LegOutcome, Legs};
use crate::routing::{Forward, Routing};

use super::model::failure;

/// The voicemail's name, as parties of a call show it.
pub(super) const VOICEMAIL_NAME: &str = "Voice Mail";

/// The voicemail of `address` as a SIP URI (Lync's form: the user's URI with
/// `;opaque=app:voicemail`, as public captures of its traffic show).
pub(super) fn voicemail_uri(address: &str) -> String {
    format!("sip:{address};opaque=app:voicemail")
}

/// One application of the callee rung by the call.
#[derive(Clone, Debug)]
pub(super) struct Endpoint {
    pub app: u64,
    /// The call's number in that application.
    pub number: u64,
    /// What its phone does.
    outcome: LegOutcome,
    /// Declined (by the API or by its phone), or stopped: no longer ringing.
    pub done: bool,
}

/// Who answered a call in the end.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Answerer {
    pub uri: String,
    pub name: String,
}

/// What a step of a ring changed, in order.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum RingChange {
    /// Endpoint `index` picked up: it connects.
    Answered(usize),
    /// The endpoints still ringing stop, with this reason.
    StopRinging(Box<ErrorBody>),
    /// The call is settled for the caller: connected to someone, or failed.
    Settled(Result<Answerer, Box<ErrorBody>>),
}

/// A party the call is handed to, and when and how it decides.
#[derive(Clone, Debug)]
struct Handoff {
    uri: String,
    decides_at: Duration,
    outcome: LegOutcome,
}

/// A call to a user.
#[derive(Clone, Debug)]
pub(super) struct Ring {
    /// The callee's sign-in address and name.
    pub callee: String,
    pub callee_name: String,
    /// The caller's URI, and their name when known.
    pub from: String,
    pub from_name: Option<String>,
    /// The caller's own call (application, number), when a user placed it.
    pub caller: Option<(u64, u64)>,
    pub endpoints: Vec<Endpoint>,
    user_answers_at: Duration,
    simultaneous: Option<Handoff>,
    unanswered_at: Duration,
    /// The unanswered-call contact and what it does.
    unanswered_to: Option<(String, LegOutcome)>,
    connect_delay: Duration,
    /// Where the call went once the user's phones stopped ringing.
    handed_to: Option<Handoff>,
    /// Whether the endpoints still ring.
    ringing: bool,
    pub settled: bool,
}

/// The party a forwarding target names: a number or address as given, and the callee's
/// delegates or team as `sip:delegates@<their domain>` and `sip:team@<their domain>` (what
/// [`Legs`] rules name to decide for them).
fn party(target: &str, callee: &str) -> String {
    match target {
        "delegates" | "team" => {
            let domain = callee.rsplit_once('@').map_or(callee, |(_, d)| d);
            format!("sip:{target}@{domain}")
        }
        other => other.to_owned(),
    }
}

fn secs(seconds: i64) -> Duration {
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// A reason the endpoints stop with.
pub(super) fn reason(code: &str, subcode: &str, message: &str) -> Box<ErrorBody> {
    Box::new(ErrorBody {
        code: code.into(),
        subcode: Some(subcode.into()),
        message: Some(message.into()),
        ..ErrorBody::default()
    })
}

/// Who the call is to and from, as [`Ring::new`] takes it.
pub(super) struct Parties {
    pub callee: String,
    pub callee_name: String,
    pub from: String,
    pub from_name: Option<String>,
    pub caller: Option<(u64, u64)>,
}

impl Ring {
    /// A call arriving at `now` for `parties.callee`, whose rules are `routing`; `phones` are
    /// the callee's endpoints that advertised phone audio, as (application, the call's number
    /// there, the phone rung). With immediate forwarding nothing rings: `phones` is ignored.
    pub(super) fn new(
        parties: Parties,
        routing: &Routing,
        phones: Vec<(u64, u64, String)>,
        legs: &Legs,
        now: Duration,
    ) -> Ring {
        let handoff = |uri: String, after: Duration| Handoff {
            outcome: legs.outcome_for(&uri),
            decides_at: after.saturating_add(legs.connect_delay),
            uri,
        };
        let mut ring = Ring {
            callee: parties.callee,
            callee_name: parties.callee_name,
            from: parties.from,
            from_name: parties.from_name,
            caller: parties.caller,
            endpoints: Vec::new(),
            user_answers_at: now.saturating_add(legs.ring_delay),
            simultaneous: None,
            unanswered_at: now,
            unanswered_to: None,
            connect_delay: legs.connect_delay,
            handed_to: None,
            ringing: false,
            settled: false,
        };
        match &routing.forward {
            Forward::ToVoicemail => {
                ring.unanswered_at = now;
                return ring;
            }
            Forward::ToContact(target) => {
                ring.handed_to = Some(handoff(party(target, &ring.callee), now));
                return ring;
            }
            Forward::ToDelegates => {
                ring.handed_to = Some(handoff(party("delegates", &ring.callee), now));
                return ring;
            }
            Forward::RingContact(target) => {
                ring.simultaneous = Some(handoff(party(target, &ring.callee), now));
            }
            Forward::RingDelegates(delay) => {
                ring.simultaneous = Some(handoff(
                    party("delegates", &ring.callee),
                    now + secs(*delay),
                ));
            }
            Forward::RingTeam(delay) => {
                ring.simultaneous = Some(handoff(party("team", &ring.callee), now + secs(*delay)));
            }
            Forward::Off => {}
        }
        let (delay, target) = routing.unanswered_target();
        ring.unanswered_to = target.map(|t| {
            let uri = party(t, &ring.callee);
            let outcome = legs.outcome_for(&uri);
            (uri, outcome)
        });
        ring.endpoints = phones
            .into_iter()
            .map(|(app, number, phone)| Endpoint {
                app,
                number,
                outcome: legs.outcome_for(&phone),
                done: false,
            })
            .collect();
        ring.ringing = !ring.endpoints.is_empty();
        ring.unanswered_at = if ring.ringing {
            now.saturating_add(secs(delay))
        } else {
            now
        };
        ring
    }

    fn stop_ringing(&mut self, why: Box<ErrorBody>, changes: &mut Vec<RingChange>) {
        if self.ringing {
            self.ringing = false;
            changes.push(RingChange::StopRinging(why));
        }
    }

    fn settle(&mut self, result: Result<Answerer, Box<ErrorBody>>, changes: &mut Vec<RingChange>) {
        self.settled = true;
        changes.push(RingChange::Settled(result));
    }

    /// Moves the call on to `now`: what it passed, in order.
    pub(super) fn step(&mut self, now: Duration) -> Vec<RingChange> {
        let mut changes = Vec::new();
        if self.settled {
            return changes;
        }
        if self.ringing {
            // Phones that are busy or decline stop ringing when they would have answered.
            if now >= self.user_answers_at {
                for endpoint in &mut self.endpoints {
                    if matches!(endpoint.outcome, LegOutcome::Busy | LegOutcome::Declines) {
                        endpoint.done = true;
                    }
                }
            }
            let answering = self
                .endpoints
                .iter()
                .position(|e| !e.done && e.outcome == LegOutcome::Answers);
            let user_at = answering.map(|_| self.user_answers_at);
            let simultaneous_at = self
                .simultaneous
                .as_ref()
                .filter(|s| s.outcome == LegOutcome::Answers)
                .map(|s| s.decides_at);
            let first = [user_at, simultaneous_at, Some(self.unanswered_at)]
                .into_iter()
                .enumerate()
                .filter_map(|(i, at)| at.map(|at| (at, i)))
                .filter(|(at, _)| *at <= now)
                .min();
            match first {
                Some((_, 0)) => {
                    let index = answering.unwrap_or_default();
                    self.ringing = false;
                    for (i, endpoint) in self.endpoints.iter_mut().enumerate() {
                        endpoint.done = true;
                        if i == index {
                            changes.push(RingChange::Answered(i));
                        }
                    }
                    changes.push(RingChange::StopRinging(reason(
                        "Informational",
                        "ConnectedElsewhere",
                        "The call was answered on another device.",
                    )));
                    let answerer = Answerer {
                        uri: format!("sip:{}", self.callee),
                        name: self.callee_name.clone(),
                    };
                    self.settle(Ok(answerer), &mut changes);
                }
                Some((_, 1)) => {
                    let target = self.simultaneous.take().map(|s| s.uri).unwrap_or_default();
                    self.stop_ringing(
                        reason(
                            "Informational",
                            "Redirected",
                            "The call was answered by a party rung at the same time.",
                        ),
                        &mut changes,
                    );
                    self.settle(Ok(answerer(&target)), &mut changes);
                }
                Some((at, _)) => {
                    self.stop_ringing(
                        reason("Informational", "Missed", "The call was not answered."),
                        &mut changes,
                    );
                    self.simultaneous = None;
                    self.unanswered(at, &mut changes);
                }
                None => {}
            }
        } else if self.handed_to.is_none() && now >= self.unanswered_at {
            // Nothing rings: unanswered-call handling at once.
            self.unanswered(self.unanswered_at, &mut changes);
        }
        if !self.settled
            && let Some(handoff) = &self.handed_to
            && now >= handoff.decides_at
        {
            let result = match failure(handoff.outcome) {
                None => Ok(answerer(&handoff.uri)),
                Some(why) => Err(why),
            };
            self.settle(result, &mut changes);
        }
        changes
    }

    /// Unanswered-call handling at `at`: voicemail, or the contact, who decides after the
    /// connect delay.
    fn unanswered(&mut self, at: Duration, changes: &mut Vec<RingChange>) {
        match self.unanswered_to.take() {
            None => self.send_to_voicemail(changes),
            Some((uri, outcome)) => {
                self.handed_to = Some(Handoff {
                    outcome,
                    decides_at: at.saturating_add(self.connect_delay),
                    uri,
                });
            }
        }
    }

    fn send_to_voicemail(&mut self, changes: &mut Vec<RingChange>) {
        let voicemail = Answerer {
            uri: voicemail_uri(&self.callee),
            name: VOICEMAIL_NAME.to_owned(),
        };
        self.settle(Ok(voicemail), changes);
    }

    /// Declines endpoint `index` (every endpoint when `everywhere`): those stop ringing; when
    /// none is left ringing the call is declined. The changes: the endpoints that stopped
    /// (their indexes), and whether the call settled as declined.
    pub(super) fn decline(&mut self, index: usize, everywhere: bool) -> (Vec<usize>, bool) {
        let mut stopped = Vec::new();
        if !self.ringing {
            return (stopped, false);
        }
        for (i, endpoint) in self.endpoints.iter_mut().enumerate() {
            if !endpoint.done && (everywhere || i == index) {
                endpoint.done = true;
                stopped.push(i);
            }
        }
        if self.endpoints.iter().all(|e| e.done) {
            self.ringing = false;
            self.settled = true;
            return (stopped, true);
        }
        (stopped, false)
    }

    /// The caller gave up before anyone answered: the endpoints still ringing stop.
    pub(super) fn cancel(&mut self) -> Vec<RingChange> {
        let mut changes = Vec::new();
        if !self.settled {
            self.stop_ringing(
                reason("RemoteFailure", "Canceled", "The caller hung up."),
                &mut changes,
            );
            self.settled = true;
        }
        changes
    }
}

/// A party the call was handed to, as the caller sees who answered.
fn answerer(uri: &str) -> Answerer {
    Answerer {
        uri: uri.to_owned(),
        name: uri
            .strip_prefix("sip:")
            .or_else(|| uri.strip_prefix("tel:"))
            .unwrap_or(uri)
            .to_owned(),
    }
}

/// The reason a declined call fails with, for the caller and for the endpoints.
pub(super) fn declined() -> Box<ErrorBody> {
    reason("RemoteFailure", "Declined", "The call was declined.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Unanswered;

    fn parties() -> Parties {
        Parties {
            callee: "lene@contoso.com".into(),
            callee_name: "Lene".into(),
            from: "tel:+15550150".into(),
            from_name: None,
            caller: None,
        }
    }

    fn legs(phone: LegOutcome) -> Legs {
        let mut legs = Legs {
            ring_delay: Duration::from_secs(5),
            connect_delay: Duration::from_secs(2),
            ..Legs::default()
        };
        legs.set("tel:+1100", phone);
        legs
    }

    fn settled(changes: &[RingChange]) -> Option<&Result<Answerer, Box<ErrorBody>>> {
        changes.iter().find_map(|c| match c {
            RingChange::Settled(result) => Some(result),
            _ => None,
        })
    }

    #[test]
    fn the_first_phone_that_answers_takes_the_call_and_the_others_stop() {
        let phones = vec![(1, 1, "tel:+1100".into()), (2, 1, "tel:+1200".into())];
        let mut ring = Ring::new(
            parties(),
            &Routing::default(),
            phones,
            &legs(LegOutcome::NoAnswer),
            Duration::ZERO,
        );
        assert!(ring.step(Duration::from_secs(4)).is_empty());
        let changes = ring.step(Duration::from_secs(5));
        assert_eq!(changes[0], RingChange::Answered(1));
        assert!(
            matches!(&changes[1], RingChange::StopRinging(r) if r.subcode.as_deref() == Some("ConnectedElsewhere"))
        );
        assert_eq!(
            settled(&changes).unwrap().as_ref().unwrap().uri,
            "sip:lene@contoso.com"
        );
        assert!(ring.settled && ring.step(Duration::from_secs(60)).is_empty());
    }

    #[test]
    fn unanswered_calls_go_to_the_contact_after_the_delay_and_declines_end_the_call() {
        let routing = Routing {
            unanswered: Unanswered::Contact("tel:+1300".into(), 10),
            ..Routing::default()
        };
        let phones = vec![(1, 1, "tel:+1100".into())];
        let mut ring = Ring::new(
            parties(),
            &routing,
            phones.clone(),
            &legs(LegOutcome::NoAnswer),
            Duration::ZERO,
        );
        assert!(ring.step(Duration::from_secs(9)).is_empty());
        let changes = ring.step(Duration::from_secs(10));
        assert!(
            matches!(&changes[..], [RingChange::StopRinging(r)] if r.subcode.as_deref() == Some("Missed"))
        );
        let changes = ring.step(Duration::from_secs(12));
        assert_eq!(
            settled(&changes).unwrap().as_ref().unwrap().uri,
            "tel:+1300"
        );

        let mut ring = Ring::new(
            parties(),
            &routing,
            phones,
            &legs(LegOutcome::NoAnswer),
            Duration::ZERO,
        );
        assert_eq!(ring.decline(0, false), (vec![0], true));
        assert!(ring.settled);
        assert_eq!(ring.decline(0, false), (Vec::new(), false));
    }

    #[test]
    fn immediate_voicemail_rings_nobody_and_a_user_with_no_phone_gets_voicemail_at_once() {
        let routing = Routing {
            forward: Forward::ToVoicemail,
            ..Routing::default()
        };
        let mut ring = Ring::new(
            parties(),
            &routing,
            vec![(1, 1, "tel:+1100".into())],
            &legs(LegOutcome::Answers),
            Duration::ZERO,
        );
        assert!(ring.endpoints.is_empty());
        let changes = ring.step(Duration::ZERO);
        let answerer = settled(&changes).unwrap().as_ref().unwrap();
        assert_eq!(answerer.uri, "sip:lene@contoso.com;opaque=app:voicemail");
        let mut ring = Ring::new(
            parties(),
            &Routing::default(),
            Vec::new(),
            &legs(LegOutcome::Answers),
            Duration::from_secs(3),
        );
        assert_eq!(
            settled(&ring.step(Duration::from_secs(3)))
                .unwrap()
                .as_ref()
                .unwrap()
                .name,
            VOICEMAIL_NAME
        );
    }
}
