//! The bounds of what the emulator holds and how long it waits: one field per bound, each with
//! its default and its range, checked when the emulator starts.
//!
//! The emulator is run in CI and under load, by clients that may be slow, stalled or gone: every
//! map and queue it keeps has a most, every wait a longest, and a bound that is hit is answered
//! the way UCWA answers it (a `resync` on the event channel, 409 `TooManyApplications`, 413
//! `EntityTooLarge`, …), never by growing.

use std::fmt;
use std::time::Duration;

/// The bounds of the emulator (a field of [`crate::Config`]).
///
/// In the worst case the emulator holds `max_applications × event_backlog` events, and
/// `max_applications × max_escalations` invitations: with the defaults, about 256 MB if every
/// event embeds a resource of 1 KB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most applications at once (1000; 1 to 100 000). Creating one more answers 409
    /// `TooManyApplications`, after the idle ones are deleted.
    pub max_applications: usize,
    /// The most events an application's event channel holds: those not yet sent in a batch and
    /// those sent but not acknowledged (256; 1 to 1 000 000). When one more arrives, the channel
    /// drops what it holds and answers the next pending GET with only a `resync` link, as UCWA
    /// does when a client has missed events: the client drops its cached state and follows it.
    pub event_backlog: usize,
    /// The most events in one batch (64; 1 to `event_backlog`); more wait for the next pending
    /// GET, so that a client that was away gets its events in batches of bounded size.
    pub event_batch: usize,
    /// The most escalations (audioVideoInvitations) an application keeps (256; 1 to 100 000);
    /// one more answers 403 `LimitExceeded`. Also the most renegotiations its audio/video
    /// session keeps (the oldest forgotten beyond).
    pub max_escalations: usize,
    /// The most instant messaging conversations an application holds (64; 1 to 10 000), its
    /// own and those it was invited to: startMessaging beyond answers 403 `LimitExceeded`, and
    /// an invitation to an application at its bound fails (`TemporarilyUnavailable`).
    pub max_conversations: usize,
    /// The most messages a conversation keeps (200; 1 to 100 000), for the history built on it;
    /// the oldest goes first.
    pub max_messages: usize,
    /// The most online meetings a user has scheduled (100; 1 to 10 000); one more answers 409
    /// `TooManyOnlineMeetings`.
    pub max_meetings_per_user: usize,
    /// The most meetings in progress at once across the emulator — met now, or scheduled and
    /// joined by URI (256; 1 to 100 000); one more answers 403 `LimitExceeded`, and a meeting
    /// whose conversation everyone left no longer counts.
    pub max_meeting_joins: usize,
    /// The most people waiting in one meeting's lobby (250; 1 to 10 000); one more is not let
    /// wait: their join fails (`Forbidden`, subcode `LobbyFull`).
    pub max_lobby: usize,
    /// The most live tokens the token endpoint has issued (10 000; 1 to 1 000 000); expired
    /// ones are forgotten first, and a grant beyond answers 503 `temporarily_unavailable` with a
    /// `Retry-After`.
    pub max_tokens: usize,
    /// The most bytes a request body may hold (1 MiB; 1 KiB to 64 MiB); a longer body is
    /// answered 413 `EntityTooLarge` (before it is read, when its `Content-Length` says so).
    pub max_request_body: usize,
    /// How long a client may take to send a request's headers, and to finish the TLS
    /// handshake (30 s; 1 ms to 10 min). The same timer closes a kept-alive connection that
    /// sends no new request.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body (30 s; 1 ms to 10 min): 408
    /// `ClientTimeout`, and the connection is closed.
    pub body_read_timeout: Duration,
    /// The most connections served at once (1024; 1 to 65 536); more wait in the listener's
    /// backlog until one closes.
    pub max_connections: usize,
    /// The most faults, garbled batches or refused grants waiting to be used, each (256; 1 to
    /// 65 536): injecting one more is an error ([`LimitReached`]).
    pub max_injected: usize,
    /// The most requests in one batch (100, the reference's server limit; 1 to 1000); a batch
    /// with more is answered 429 `TooManyRequests` and none of its requests runs. Each part is
    /// at most `max_request_body` bytes, and so is each part's answer.
    pub max_batch_parts: usize,
    /// The most live presence subscriptions an application holds (64; 1 to 10 000); one more
    /// answers 403 `LimitExceeded`. Each holds at most everyone in the directory once.
    pub max_presence_subscriptions: usize,
    /// The most conversation logs a user's history keeps (100; 1 to 10 000): a conversation
    /// that ends writes one for each user who took part or missed it, and the oldest log goes
    /// first.
    pub max_conversation_logs: usize,
    /// The most transcripts a conversation log keeps (200; 1 to 100 000): the messages of its
    /// conversation, the latest kept.
    pub max_log_transcripts: usize,
    /// How many transcripts one page of a log holds (20; 1 to 1000): the rest are reached
    /// through `nextConversationLogTranscripts`.
    pub transcripts_per_page: usize,
    /// The most contacts on one user's contact list (250; 1 to 10 000): adding one more answers
    /// 409 `LimitExceeded`.
    pub max_contacts_per_user: usize,
    /// The most personal groups one user makes (64; 1 to 1000), and the most distribution
    /// groups they put on their list: one more answers 409 `TooManyGroups`.
    pub max_groups_per_user: usize,
    /// The most members a distribution group is expanded to (100; 1 to 10 000), nested
    /// groups counted once each: expanding a larger one answers 403 `TooManyContacts`.
    pub max_expanded_members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_applications: 1000,
            event_backlog: 256,
            event_batch: 64,
            max_escalations: 256,
            max_conversations: 64,
            max_messages: 200,
            max_meetings_per_user: 100,
            max_meeting_joins: 256,
            max_lobby: 250,
            max_tokens: 10_000,
            max_request_body: 1024 * 1024,
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_injected: 256,
            max_batch_parts: 100,
            max_presence_subscriptions: 64,
            max_conversation_logs: 100,
            max_log_transcripts: 200,
            transcripts_per_page: 20,
            max_contacts_per_user: 250,
            max_groups_per_user: 64,
            max_expanded_members: 100,
        }
    }
}

/// A setting of [`crate::Config`] out of its range: [`crate::Emulator::start`] refuses it (as an
/// `std::io::Error` of kind `InvalidInput` carrying this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, as the field is named (`limits.event_backlog`).
    pub parameter: &'static str,
    /// The value given.
    pub given: String,
    /// The range it must be in.
    pub allowed: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is {}; it must be {}",
            self.parameter, self.given, self.allowed
        )
    }
}

impl std::error::Error for ConfigError {}

/// A bound of [`Limits`] that an injection would pass: nothing was injected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitReached {
    /// The field of [`Limits`].
    pub limit: &'static str,
    /// Its value.
    pub value: usize,
}

impl fmt::Display for LimitReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`limits.{}` ({}) reached: nothing more is queued until some is used",
            self.limit, self.value
        )
    }
}

impl std::error::Error for LimitReached {}

fn count(parameter: &'static str, value: usize, min: usize, max: usize) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    Err(ConfigError {
        parameter,
        given: value.to_string(),
        allowed: format!("between {min} and {max}"),
    })
}

pub(crate) fn duration(
    parameter: &'static str,
    value: Duration,
    min: Duration,
    max: Duration,
    allowed: &str,
) -> Result<(), ConfigError> {
    if value >= min && value <= max {
        return Ok(());
    }
    Err(ConfigError {
        parameter,
        given: format!("{value:?}"),
        allowed: allowed.to_owned(),
    })
}

/// The longest timeout of [`Limits`]: longer lets a stalled client hold a connection for good.
const MAX_READ_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// The longest a token may live: a month, far past UCWA's eight hours, and far from the
/// overflow of the clock.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// The longest an application may stay idle, and a pending GET be held.
pub(crate) const MAX_DAY: Duration = Duration::from_secs(24 * 3600);

impl Limits {
    /// Checks every bound against its range; the error names the first out of range.
    pub fn check(&self) -> Result<(), ConfigError> {
        count("limits.max_applications", self.max_applications, 1, 100_000)?;
        count("limits.event_backlog", self.event_backlog, 1, 1_000_000)?;
        count(
            "limits.event_batch",
            self.event_batch,
            1,
            self.event_backlog,
        )
        .map_err(|e| ConfigError {
            allowed: format!("{} (`limits.event_backlog`)", e.allowed),
            ..e
        })?;
        count("limits.max_escalations", self.max_escalations, 1, 100_000)?;
        count(
            "limits.max_conversations",
            self.max_conversations,
            1,
            10_000,
        )?;
        count("limits.max_messages", self.max_messages, 1, 100_000)?;
        count(
            "limits.max_meetings_per_user",
            self.max_meetings_per_user,
            1,
            10_000,
        )?;
        count("limits.max_lobby", self.max_lobby, 1, 10_000)?;
        count(
            "limits.max_meeting_joins",
            self.max_meeting_joins,
            1,
            100_000,
        )?;
        count("limits.max_tokens", self.max_tokens, 1, 1_000_000)?;
        count(
            "limits.max_request_body",
            self.max_request_body,
            1024,
            64 * 1024 * 1024,
        )?;
        let allowed = "between 1 ms and 10 min";
        duration(
            "limits.header_read_timeout",
            self.header_read_timeout,
            Duration::from_millis(1),
            MAX_READ_TIMEOUT,
            allowed,
        )?;
        duration(
            "limits.body_read_timeout",
            self.body_read_timeout,
            Duration::from_millis(1),
            MAX_READ_TIMEOUT,
            allowed,
        )?;
        count("limits.max_connections", self.max_connections, 1, 65_536)?;
        count("limits.max_injected", self.max_injected, 1, 65_536)?;
        count("limits.max_batch_parts", self.max_batch_parts, 1, 1000)?;
        count(
            "limits.max_presence_subscriptions",
            self.max_presence_subscriptions,
            1,
            10_000,
        )?;
        count(
            "limits.max_conversation_logs",
            self.max_conversation_logs,
            1,
            10_000,
        )?;
        count(
            "limits.max_log_transcripts",
            self.max_log_transcripts,
            1,
            100_000,
        )?;
        count(
            "limits.transcripts_per_page",
            self.transcripts_per_page,
            1,
            1000,
        )?;
        count(
            "limits.max_contacts_per_user",
            self.max_contacts_per_user,
            1,
            10_000,
        )?;
        count(
            "limits.max_groups_per_user",
            self.max_groups_per_user,
            1,
            1000,
        )?;
        count(
            "limits.max_expanded_members",
            self.max_expanded_members,
            1,
            10_000,
        )?;
        Ok(())
    }
}
