//! A user's call forwarding settings and the operations that change them, checked against the
//! reference's ranges, without HTTP.

pub(super) use crate::routing::{Forward, Routing as Settings, Unanswered};

/// The longest target the reference allows.
pub(super) const MAX_TARGET: usize = 80;
/// The unanswered-call delay's range, in seconds.
pub(super) const UNANSWERED_DELAY: (i64, i64) = (5, 60);
/// The delay before delegates or the team ring too, in seconds.
pub(super) const SIMULTANEOUS_DELAY: (i64, i64) = (0, 55);
use crate::routing::DEFAULT_UNANSWERED_DELAY;

/// What an operation was given.
#[derive(Clone, Debug, Default)]
pub(super) struct Given {
    pub target: Option<String>,
    pub ring_delay: Option<i64>,
}

/// What is wrong with what an operation was given: (parameter, what it must be).
pub(super) type Problems = Vec<(&'static str, String)>;

fn target(given: &Given, problems: &mut Problems) -> String {
    match given.target.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push(("target", "required".to_owned()));
            String::new()
        }
        Some(t) if t.chars().count() > MAX_TARGET => {
            problems.push(("target", format!("at most {MAX_TARGET} characters")));
            String::new()
        }
        Some(t) => t.to_owned(),
    }
}

fn delay(given: &Given, (min, max): (i64, i64), default: i64, problems: &mut Problems) -> i64 {
    match given.ring_delay {
        None => default,
        Some(d) if (min..=max).contains(&d) => d,
        Some(_) => {
            problems.push(("ringDelay", format!("from {min} to {max} seconds")));
            default
        }
    }
}

impl Settings {
    /// Carries out operation `operation` of part `part` with `given`; `Ok(false)` when there is
    /// no such operation, the problems when what was given is out of range (nothing changes).
    pub(super) fn apply(
        &mut self,
        part: &str,
        operation: &str,
        given: &Given,
    ) -> Result<bool, Problems> {
        let mut problems = Problems::new();
        let mut next = self.clone();
        match (part, operation) {
            ("immediateForwardSettings", "immediateForwardToContact") => {
                next.forward = Forward::ToContact(target(given, &mut problems));
            }
            ("immediateForwardSettings", "immediateForwardToDelegates") => {
                next.forward = Forward::ToDelegates;
            }
            ("immediateForwardSettings", "immediateForwardToVoicemail") => {
                next.forward = Forward::ToVoicemail;
            }
            ("simultaneousRingSettings", "simultaneousRingToContact") => {
                next.forward = Forward::RingContact(target(given, &mut problems));
            }
            ("simultaneousRingSettings", "simultaneousRingToDelegates") => {
                next.forward =
                    Forward::RingDelegates(delay(given, SIMULTANEOUS_DELAY, 0, &mut problems));
            }
            ("simultaneousRingSettings", "simultaneousRingToTeam") => {
                next.forward =
                    Forward::RingTeam(delay(given, SIMULTANEOUS_DELAY, 0, &mut problems));
            }
            ("unansweredCallSettings", "unansweredCallToVoicemail") => {
                next.unanswered = Unanswered::Voicemail(delay(
                    given,
                    UNANSWERED_DELAY,
                    DEFAULT_UNANSWERED_DELAY,
                    &mut problems,
                ));
            }
            ("unansweredCallSettings", "unansweredCallToContact") => {
                let target = target(given, &mut problems);
                let delay = delay(
                    given,
                    UNANSWERED_DELAY,
                    DEFAULT_UNANSWERED_DELAY,
                    &mut problems,
                );
                next.unanswered = Unanswered::Contact(target, delay);
            }
            ("unansweredCallSettings", "resetUnansweredCallSettings") => {
                next.unanswered = Unanswered::Default;
            }
            _ => return Ok(false),
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        *self = next;
        Ok(true)
    }

    /// turnOffCallForwarding: calls ring the user only (unanswered-call handling is kept).
    pub(super) fn turn_off(&mut self) {
        self.forward = Forward::Off;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(target: Option<&str>, ring_delay: Option<i64>) -> Given {
        Given {
            target: target.map(Into::into),
            ring_delay,
        }
    }

    #[test]
    fn each_mode_is_set_and_forwarding_turned_off() {
        let mut settings = Settings::default();
        let contact = given(Some("sip:ann@contoso.com"), None);
        let cases = [
            (
                "immediateForwardSettings",
                "immediateForwardToContact",
                Forward::ToContact("sip:ann@contoso.com".into()),
            ),
            (
                "immediateForwardSettings",
                "immediateForwardToDelegates",
                Forward::ToDelegates,
            ),
            (
                "immediateForwardSettings",
                "immediateForwardToVoicemail",
                Forward::ToVoicemail,
            ),
            (
                "simultaneousRingSettings",
                "simultaneousRingToContact",
                Forward::RingContact("sip:ann@contoso.com".into()),
            ),
            (
                "simultaneousRingSettings",
                "simultaneousRingToDelegates",
                Forward::RingDelegates(0),
            ),
            (
                "simultaneousRingSettings",
                "simultaneousRingToTeam",
                Forward::RingTeam(0),
            ),
        ];
        for (part, operation, expected) in cases {
            assert_eq!(settings.apply(part, operation, &contact), Ok(true));
            assert_eq!(settings.forward, expected);
        }
        settings.turn_off();
        assert_eq!(settings.forward, Forward::Off);
        assert_eq!(
            settings.apply(
                "unansweredCallSettings",
                "unansweredCallToContact",
                &given(Some("tel:+1555"), Some(30))
            ),
            Ok(true)
        );
        assert_eq!(
            settings.unanswered,
            Unanswered::Contact("tel:+1555".into(), 30)
        );
        assert_eq!(
            settings.apply(
                "unansweredCallSettings",
                "resetUnansweredCallSettings",
                &Given::default()
            ),
            Ok(true)
        );
        assert_eq!(settings.unanswered, Unanswered::Default);
        assert_eq!(
            settings.apply("unansweredCallSettings", "nothing", &Given::default()),
            Ok(false)
        );
    }

    #[test]
    fn ranges_are_checked_and_nothing_changes_when_out_of_them() {
        let mut settings = Settings::default();
        let problems = settings
            .apply(
                "unansweredCallSettings",
                "unansweredCallToVoicemail",
                &given(None, Some(4)),
            )
            .unwrap_err();
        assert_eq!(problems, [("ringDelay", "from 5 to 60 seconds".to_owned())]);
        let problems = settings
            .apply(
                "simultaneousRingSettings",
                "simultaneousRingToTeam",
                &given(None, Some(56)),
            )
            .unwrap_err();
        assert_eq!(problems[0].0, "ringDelay");
        let long = "x".repeat(81);
        let problems = settings
            .apply(
                "immediateForwardSettings",
                "immediateForwardToContact",
                &given(Some(&long), None),
            )
            .unwrap_err();
        assert_eq!(problems, [("target", "at most 80 characters".to_owned())]);
        assert!(
            settings
                .apply(
                    "simultaneousRingSettings",
                    "simultaneousRingToContact",
                    &given(None, None)
                )
                .is_err()
        );
        assert_eq!(settings, Settings::default());
    }
}
