//! What happens to a call to a user: the forwarding rules they set ([`Routing`]), kept for
//! every user in one table ([`Rules`], in the emulator's slots). The `forwarding` task writes
//! them; the `calls` task applies them to an incoming call. Neither imports the other.

use std::collections::HashMap;

/// Where calls go besides (or instead of) the user's own endpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Forward {
    /// Calls ring the user only.
    #[default]
    Off,
    /// Immediately forwarded to a contact or number; the user is not rung.
    ToContact(String),
    /// Immediately forwarded to the user's delegates.
    ToDelegates,
    /// Immediately to voicemail.
    ToVoicemail,
    /// The user's phones ring, and at the same time a contact or number.
    RingContact(String),
    /// The user's delegates ring too, after this many seconds.
    RingDelegates(i64),
    /// The user's team rings too, after this many seconds.
    RingTeam(i64),
}

impl Forward {
    /// Whether calls go elsewhere without ringing the user.
    pub(crate) fn is_immediate(&self) -> bool {
        matches!(
            self,
            Forward::ToContact(_) | Forward::ToDelegates | Forward::ToVoicemail
        )
    }
}

/// What happens to a call nobody answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Unanswered {
    /// The server's default: voicemail after [`DEFAULT_UNANSWERED_DELAY`] seconds;
    /// unanswered-call handling is `Disabled`.
    #[default]
    Default,
    /// To voicemail after this many seconds.
    Voicemail(i64),
    /// To a contact or number after this many seconds.
    Contact(String, i64),
}

/// The delay, in seconds, before an unanswered call is handled when the user set none (the
/// reference's samples show it).
pub(crate) const DEFAULT_UNANSWERED_DELAY: i64 = 20;

/// One user's forwarding rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Routing {
    pub forward: Forward,
    pub unanswered: Unanswered,
}

impl Routing {
    /// After how many seconds an unanswered call is handled, and where it goes (`None`:
    /// voicemail).
    pub(crate) fn unanswered_target(&self) -> (i64, Option<&str>) {
        match &self.unanswered {
            Unanswered::Default => (DEFAULT_UNANSWERED_DELAY, None),
            Unanswered::Voicemail(delay) => (*delay, None),
            Unanswered::Contact(target, delay) => (*delay, Some(target)),
        }
    }
}

/// Every user's rules, by sign-in address in lower case (in the emulator's slots).
#[derive(Default)]
pub(crate) struct Rules(pub HashMap<String, Routing>);

impl Rules {
    /// `address`'s rules (the defaults when they set none).
    pub(crate) fn of(&self, address: &str) -> Routing {
        self.0
            .get(&address.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }
}
