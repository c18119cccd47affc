//! How the far end of a simulated phone call behaves ([`Legs`]): who answers, who is busy, who
//! declines, who lets it ring, and how long ringing and connecting take on the emulator's
//! [`crate::Clock`]. Set in [`crate::Config::legs`] (the binary's `--leg` and
//! `--ring-delay-ms`/`--connect-delay-ms` flags) and changed while running with
//! [`crate::Faults::leg_outcome`].

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// What the called party does when its phone rings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LegOutcome {
    /// Picks up: the call connects.
    #[default]
    Answers,
    /// Is on another call: the call fails at once (`RemoteFailure`, `Busy`).
    Busy,
    /// Refuses it (`RemoteFailure`, `Declined`).
    Declines,
    /// Lets it ring out (`Timeout`, `Timeout`).
    NoAnswer,
}

impl LegOutcome {
    /// The name the command line takes (`answers`, `busy`, `declines`, `no-answer`).
    pub fn name(self) -> &'static str {
        match self {
            LegOutcome::Answers => "answers",
            LegOutcome::Busy => "busy",
            LegOutcome::Declines => "declines",
            LegOutcome::NoAnswer => "no-answer",
        }
    }
}

impl fmt::Display for LegOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A leg outcome or a `party=outcome` pair that does not parse; says what would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegParseError {
    given: String,
    expected: &'static str,
}

impl fmt::Display for LegParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.given, self.expected)
    }
}

impl std::error::Error for LegParseError {}

impl FromStr for LegOutcome {
    type Err = LegParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "answers" | "answer" => Ok(LegOutcome::Answers),
            "busy" => Ok(LegOutcome::Busy),
            "declines" | "decline" => Ok(LegOutcome::Declines),
            "no-answer" | "noanswer" => Ok(LegOutcome::NoAnswer),
            _ => Err(LegParseError {
                given: s.to_owned(),
                expected: "one of answers, busy, declines, no-answer",
            }),
        }
    }
}

/// One `party=outcome` rule, as the command line gives it (`tel:+15551234=busy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegRule {
    /// The called number or SIP address, compared as [`Legs::outcome_for`] says.
    pub party: String,
    /// What that party does.
    pub outcome: LegOutcome,
}

impl FromStr for LegRule {
    type Err = LegParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (party, outcome) = s.rsplit_once('=').ok_or_else(|| LegParseError {
            given: s.to_owned(),
            expected: "PARTY=OUTCOME, e.g. tel:+15551234=busy",
        })?;
        if party.trim().is_empty() {
            return Err(LegParseError {
                given: s.to_owned(),
                expected: "a party before `=`",
            });
        }
        Ok(LegRule {
            party: party.trim().to_owned(),
            outcome: outcome.parse()?,
        })
    }
}

/// The simulated far ends of phone calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Legs {
    /// What a party with no rule does.
    pub default: LegOutcome,
    /// Per party: a number (`tel:+1555…` or its digits) or a SIP address.
    pub outcomes: HashMap<String, LegOutcome>,
    /// How long the user's own phone rings before it picks up and the far end is dialled.
    pub ring_delay: Duration,
    /// How long the far end takes to answer (or to be found busy, declining, not answering).
    pub connect_delay: Duration,
}

impl Default for Legs {
    fn default() -> Self {
        Legs {
            default: LegOutcome::Answers,
            outcomes: HashMap::new(),
            ring_delay: Duration::ZERO,
            connect_delay: Duration::ZERO,
        }
    }
}

impl Legs {
    /// What `party` does: its rule (parties compare without case, without a `tel:`/`sip:`
    /// scheme, and numbers without separators), else the default.
    pub fn outcome_for(&self, party: &str) -> LegOutcome {
        let key = party_key(party);
        self.outcomes
            .iter()
            .find(|(rule, _)| party_key(rule) == key)
            .map_or(self.default, |(_, outcome)| *outcome)
    }

    /// Adds (or replaces) the rule for `party`.
    pub fn set(&mut self, party: &str, outcome: LegOutcome) {
        let key = party_key(party);
        self.outcomes.retain(|rule, _| party_key(rule) != key);
        self.outcomes.insert(party.to_owned(), outcome);
    }
}

/// How parties are compared: without case, without a `tel:`/`sip:` scheme, and, for numbers,
/// without the separators people write (`tel:+1 (555) 123-4567` is `+15551234567`).
pub(crate) fn party_key(party: &str) -> String {
    let party = party.trim().to_ascii_lowercase();
    if let Some(number) = party.strip_prefix("tel:") {
        return number
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
    }
    let bare = party.strip_prefix("sip:").unwrap_or(&party);
    if bare
        .chars()
        .all(|c| c.is_ascii_digit() || "+-() .".contains(c))
    {
        return bare
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
    }
    bare.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_say_what_is_wrong() {
        let rule: LegRule = "tel:+15551234=busy".parse().unwrap();
        assert_eq!(rule.party, "tel:+15551234");
        assert_eq!(rule.outcome, LegOutcome::Busy);
        assert_eq!(
            "sip:ann@contoso.com=no-answer"
                .parse::<LegRule>()
                .unwrap()
                .outcome,
            LegOutcome::NoAnswer
        );
        let bad = "ann=maybe".parse::<LegRule>().unwrap_err().to_string();
        assert!(bad.contains("answers, busy, declines, no-answer"), "{bad}");
        let bare = "busy".parse::<LegRule>().unwrap_err().to_string();
        assert!(bare.contains("PARTY=OUTCOME"), "{bare}");
    }

    #[test]
    fn parties_match_without_scheme_case_or_separators() {
        let mut legs = Legs::default();
        legs.set("tel:+1 (555) 123-4567", LegOutcome::Declines);
        legs.set("SIP:Ann@Contoso.com", LegOutcome::Busy);
        assert_eq!(legs.outcome_for("tel:+15551234567"), LegOutcome::Declines);
        assert_eq!(legs.outcome_for("+1-555-123-4567"), LegOutcome::Declines);
        assert_eq!(legs.outcome_for("ann@contoso.com"), LegOutcome::Busy);
        assert_eq!(legs.outcome_for("john@contoso.com"), LegOutcome::Answers);
        legs.set("ann@contoso.com", LegOutcome::Answers);
        assert_eq!(legs.outcomes.len(), 2);
        assert_eq!(legs.outcome_for("sip:ann@contoso.com"), LegOutcome::Answers);
    }
}
