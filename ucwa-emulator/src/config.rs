//! The emulator's configuration ([`Config`], checked against its ranges when it starts) and
//! what it reports holding ([`Stats`]).

use std::net::SocketAddr;
use std::time::Duration;

use crate::directory::{self, DistributionList, Person};
use crate::legs::Legs;
use crate::limits::{ConfigError, Limits, MAX_DAY, MAX_TOKEN_LIFETIME, duration};

/// How the emulator behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The bearer token every request must carry.
    pub token: String,
    /// The address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// How long a pending GET on the event channel is held when the client does not say
    /// (`timeout`), and the longest it may ask for.
    pub long_poll: Duration,
    /// The user the token endpoint knows, by sign-in address (matched without case).
    pub user: String,
    /// That user's password.
    pub password: String,
    /// The other people who may sign in (with the `password` grant, or
    /// [`crate::Emulator::token_for`]); every contact list starts with everyone else in it.
    /// Two by default: `ann@contoso.com` (Online) and `john@contoso.com` (Away), password
    /// `pass@word1`.
    pub people: Vec<Person>,
    /// The distribution groups users find by search and expand: `sales@contoso.com` (Ann and
    /// John) and `everyone@contoso.com` (Lene and the sales group) by default.
    pub distribution_groups: Vec<DistributionList>,
    /// The meeting anonymous users may join (`urn:microsoft.rtc:anonmeeting`): its URI.
    pub meeting_uri: String,
    /// That meeting's key.
    pub meeting_key: String,
    /// How long a user's token lives on the emulator's [`crate::Clock`] (8 hours by default).
    pub token_lifetime: Duration,
    /// How long an anonymous attendee's token lives (1 hour by default).
    pub anonymous_token_lifetime: Duration,
    /// Serve the applications on a second origin (its own listener, on the same address
    /// with another port), which accepts only tokens from its own token endpoint.
    pub applications_on_second_origin: bool,
    /// The host name the user resource gives for that second origin (map it to the
    /// emulator's address in the client's resolver).
    pub applications_host: String,
    /// Send the `Bearer` and `MsRtcOAuth` challenges merged into one `WWW-Authenticate`
    /// value, as some proxies do, instead of one header each.
    pub merge_challenges: bool,
    /// Answer the entry point at `lyncdiscoverinternal.*` (by `Host`); when false it answers
    /// 404, as a network with no internal entry point does.
    pub internal_discovery: bool,
    /// How long an application may go without a request before the emulator deletes it
    /// (15 minutes by default), on its [`crate::Clock`].
    pub application_expiry: Duration,
    /// Create applications whose user is already available, so that makeMeAvailable answers
    /// 409 `AlreadyExists` (as when another application of the same endpoint made it so).
    pub applications_start_available: bool,
    /// Serve HTTPS, with a certificate made at start for these names (and `localhost`,
    /// `127.0.0.1`); clients trust [`crate::Emulator::certificate_pem`]. `None`: plain HTTP.
    pub tls_names: Option<Vec<String>>,
    /// Add `authorization_uri` with this value to the `Bearer` challenge, as Skype for
    /// Business Online does to send clients to Azure AD (`None`: left out, as on premises).
    pub authorization_uri: Option<String>,
    /// The bounds of what the emulator holds and how long it waits for clients.
    pub limits: Limits,
    /// The simulated far ends of phone calls: who answers, and how long ringing takes.
    pub legs: Legs,
    /// The grants the `MsRtcOAuth` challenge offers and the token endpoint takes, in the
    /// challenge's order ([`GRANTS`]: all three by default). A server without the password
    /// grant leaves `password` out; any other grant is refused with `unsupported_grant_type`.
    pub grants: Vec<String>,
}

/// The grants a real server offers: integrated Windows authentication, anonymous meeting join
/// and the password grant.
pub const GRANTS: [&str; 3] = [
    "urn:microsoft.rtc:windows",
    "urn:microsoft.rtc:anonmeeting",
    "password",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            token: "emulator-token".to_owned(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            long_poll: Duration::from_secs(180),
            user: "lene@contoso.com".to_owned(),
            password: "pass@word1".to_owned(),
            people: directory::default_people(),
            distribution_groups: directory::default_distribution_groups(),
            meeting_uri: "sip:john@contoso.com;gruu;opaque=app:conf:focus:id:5LB7MRBC".to_owned(),
            meeting_key: "5LB7MRBC".to_owned(),
            token_lifetime: USER_TOKEN_LIFETIME,
            anonymous_token_lifetime: ANONYMOUS_TOKEN_LIFETIME,
            applications_on_second_origin: false,
            applications_host: "127.0.0.1".to_owned(),
            merge_challenges: false,
            internal_discovery: true,
            application_expiry: Duration::from_secs(15 * 60),
            applications_start_available: false,
            tls_names: None,
            authorization_uri: None,
            limits: Limits::default(),
            legs: Legs::default(),
            grants: GRANTS.iter().map(|g| (*g).to_owned()).collect(),
        }
    }
}

/// What the emulator holds now ([`crate::Observed::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Live applications.
    pub applications: usize,
    /// Events held by their channels, not yet sent or not yet acknowledged.
    pub events_held: usize,
    /// How many times a channel's backlog overflowed (each answered with `resync`), in the
    /// live applications.
    pub event_overflows: u64,
    /// The events those overflows dropped.
    pub events_dropped: u64,
    /// Escalations (audioVideoInvitations) kept.
    pub escalations: usize,
    /// Instant messaging conversations, each side counted (a conversation between two users
    /// of the emulator is two).
    pub conversations: usize,
    /// Tokens issued and kept (expired ones are forgotten when the bound is reached).
    pub tokens: usize,
}

impl Config {
    /// Checks the durations and [`Limits`] against their ranges, as [`crate::Emulator::start`]
    /// does; the error names the first setting out of range.
    pub fn check(&self) -> Result<(), ConfigError> {
        duration(
            "long_poll",
            self.long_poll,
            Duration::ZERO,
            MAX_DAY,
            "at most 24 h",
        )?;
        duration(
            "application_expiry",
            self.application_expiry,
            Duration::from_millis(1),
            MAX_DAY,
            "between 1 ms and 24 h",
        )?;
        for (parameter, value) in [
            ("token_lifetime", self.token_lifetime),
            ("anonymous_token_lifetime", self.anonymous_token_lifetime),
        ] {
            duration(
                parameter,
                value,
                Duration::from_secs(1),
                MAX_TOKEN_LIFETIME,
                "between 1 s and 30 days",
            )?;
        }
        for (parameter, value) in [
            ("legs.ring_delay", self.legs.ring_delay),
            ("legs.connect_delay", self.legs.connect_delay),
        ] {
            duration(parameter, value, Duration::ZERO, MAX_DAY, "at most 24 h")?;
        }
        self.limits.check()
    }
}

/// How long a token lives when the configuration does not say: eight hours for users, one for
/// anonymous meeting attendees, as the reference gives.
pub(crate) const USER_TOKEN_LIFETIME: Duration = Duration::from_secs(8 * 3600);
pub(crate) const ANONYMOUS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_in_range() {
        assert_eq!(Config::default().check(), Ok(()));
    }

    #[test]
    fn a_bound_out_of_range_names_the_parameter_and_the_range() {
        let limits = |limits: Limits| {
            Config {
                limits,
                ..Config::default()
            }
            .check()
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            limits(Limits {
                event_backlog: 0,
                ..Limits::default()
            }),
            "`limits.event_backlog` is 0; it must be between 1 and 1000000"
        );
        assert_eq!(
            limits(Limits {
                event_backlog: 10,
                event_batch: 11,
                ..Limits::default()
            }),
            "`limits.event_batch` is 11; it must be between 1 and 10 (`limits.event_backlog`)"
        );
        assert_eq!(
            limits(Limits {
                max_meetings_per_user: 0,
                ..Limits::default()
            }),
            "`limits.max_meetings_per_user` is 0; it must be between 1 and 10000"
        );
        assert_eq!(
            limits(Limits {
                max_meeting_joins: 100_001,
                ..Limits::default()
            }),
            "`limits.max_meeting_joins` is 100001; it must be between 1 and 100000"
        );
        assert_eq!(
            limits(Limits {
                header_read_timeout: Duration::ZERO,
                ..Limits::default()
            }),
            "`limits.header_read_timeout` is 0ns; it must be between 1 ms and 10 min"
        );
        assert_eq!(
            limits(Limits {
                max_request_body: usize::MAX,
                ..Limits::default()
            }),
            format!(
                "`limits.max_request_body` is {}; it must be between 1024 and 67108864",
                usize::MAX
            )
        );
        assert_eq!(
            limits(Limits {
                max_batch_parts: 1001,
                ..Limits::default()
            }),
            "`limits.max_batch_parts` is 1001; it must be between 1 and 1000"
        );
        assert_eq!(
            limits(Limits {
                max_presence_subscriptions: 0,
                ..Limits::default()
            }),
            "`limits.max_presence_subscriptions` is 0; it must be between 1 and 10000"
        );
        assert_eq!(
            limits(Limits {
                max_contacts_per_user: 10_001,
                ..Limits::default()
            }),
            "`limits.max_contacts_per_user` is 10001; it must be between 1 and 10000"
        );
        assert_eq!(
            limits(Limits {
                max_groups_per_user: 0,
                ..Limits::default()
            }),
            "`limits.max_groups_per_user` is 0; it must be between 1 and 1000"
        );
        assert_eq!(
            limits(Limits {
                max_expanded_members: 0,
                ..Limits::default()
            }),
            "`limits.max_expanded_members` is 0; it must be between 1 and 10000"
        );
        let config = Config {
            token_lifetime: Duration::MAX,
            ..Config::default()
        };
        assert_eq!(config.check().unwrap_err().parameter, "token_lifetime");
        let mut config = Config::default();
        config.legs.connect_delay = MAX_DAY + Duration::from_secs(1);
        assert_eq!(config.check().unwrap_err().parameter, "legs.connect_delay");
    }
}
