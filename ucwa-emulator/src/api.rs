//! What the emulator offers tests besides serving, in two groups: [`Faults`], what a test makes
//! happen, and [`Observed`], what the emulator saw and holds. Both are views on the state,
//! borrowed from the [`crate::Emulator`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ucwa::ErrorBody;
use ucwa::http::{Method, StatusCode};

use crate::channel::Queued;
use crate::config::Stats;
use crate::faults::Fault;
use crate::legs::LegOutcome;
use crate::limits::LimitReached;
use crate::state::State;
use crate::{calls, messaging};

/// What a test makes happen that a healthy server would not do on its own
/// ([`crate::Emulator::faults`]). Queued injections are bounded by `limits.max_injected`: one
/// more is an error, and nothing is queued.
#[derive(Clone, Copy)]
pub struct Faults<'a> {
    state: &'a Arc<State>,
}

impl<'a> Faults<'a> {
    pub(crate) fn new(state: &'a Arc<State>) -> Self {
        Faults { state }
    }

    /// Answers the next requests that match `fault` (method and path) with its error, closes
    /// their connection without an answer, or holds them back a while before serving them
    /// ([`Fault::slow`]), before any handler sees them; an error when
    /// `limits.max_injected` faults are queued. The faults are matched in the order injected.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ucwa_emulator::{Config, Emulator, Fault};
    /// use ucwa::http::Method;
    ///
    /// let emulator = Emulator::start(Config::default()).await?;
    /// // Twice busy, then served.
    /// emulator.faults().inject(Fault::service_failure(Method::GET, "/ucwa/oauth/v1/applications/100").times(2))?;
    /// // The next 50 GETs under any application answered a second late.
    /// let slow = Fault::slow(Method::GET, "/ucwa/oauth/v1/applications/*", Duration::from_secs(1));
    /// emulator.faults().inject(slow.times(50))?;
    /// # Ok(()) }
    /// ```
    pub fn inject(&self, fault: Fault) -> Result<(), LimitReached> {
        self.state.injections.inject(fault)
    }

    /// Makes the next application creation fail with this status and error body (a 403 or 502
    /// tells a client to run discovery again).
    pub fn fail_next_application(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        self.state.injections.fail_next_application(status, body)
    }

    /// Makes the next `escalateAudioVideo` fail with this status and error body (after the
    /// parameters are checked), for the errors a healthy server does not produce on its own.
    pub fn fail_next_escalation(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        self.state.injections.fail_next_escalation(status, body)
    }

    /// Answers the next pending GET of an event channel with `body` as `content_type` instead
    /// of its batch (which is formed as usual and kept, as a real server keeps it): what a
    /// client sees when a proxy or a cut connection mangles an answer.
    pub fn garble_next_event_batch(
        &self,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), LimitReached> {
        self.state
            .injections
            .garble_next_batch(content_type.to_owned(), body)
    }

    /// Makes the token endpoint answer `unsupported_grant_type` (400, with a diagnostic) to
    /// `grant` (such as `password`) from now on, while the 401 challenge still offers it, as a
    /// server whose policy disables a grant does. An error when `limits.max_injected` grants
    /// are refused already.
    pub fn refuse_grant(&self, grant: &str) -> Result<(), LimitReached> {
        self.state.injections.refuse_grant(grant.to_owned())
    }

    /// Adds a member named `name`, whose value is the string `value`, to every answer of a GET
    /// for a resource of `rel` from now on (a property in JSON, a `<property>` in XML), as a
    /// newer server sending what the schema does not know would; the same `rel` and `name`
    /// again replace the value. An error when `limits.max_injected` members are added already.
    pub fn add_member(&self, rel: &str, name: &str, value: &str) -> Result<(), LimitReached> {
        self.state.injections.add_member(crate::state::ExtraMember {
            rel: rel.to_owned(),
            name: name.to_owned(),
            value: value.to_owned(),
        })
    }

    /// Changes the user's password and revokes every token issued, as a password change in
    /// the directory does: the next request gets a 401, and a password grant with the old
    /// password gets `invalid_grant`.
    pub fn change_password(&self, password: &str) {
        self.state.directory.set_password(password.to_owned());
        self.state.tokens.revoke_all();
    }

    /// Makes the entry point (`/`) answer with only a `redirect` link to `href` (`None`: the
    /// root itself again).
    pub fn redirect_root(&self, href: Option<String>) {
        self.state.injections.set_root_redirect(href);
    }

    /// Makes the next GET of the user resource answer with only a `redirect` link to `href`,
    /// as a pool that is not the user's home pool does.
    pub fn redirect_user_once(&self, href: String) {
        self.state.injections.set_user_redirect(Some(href));
    }

    /// Queues `event`, as sent by the resource `sender_rel` at `sender_href`, on the event
    /// channel of every application: with [`ucwa::events::Event::undecoded`] set, it carries a
    /// resource that does not decode into its type (written as its source), for testing how a
    /// client survives what a newer server sends. A channel holding `limits.event_backlog`
    /// events overflows: its next pending GET is answered with `resync`.
    pub fn push_event(
        &self,
        sender_rel: &str,
        sender_href: &str,
        event: ucwa::events::Event<ucwa::resources::AnyResource>,
    ) {
        self.state
            .apps
            .push_to_all(Queued::new(sender_rel, sender_href, event));
    }

    /// Deletes every application (as a server restart does); how many there were.
    pub fn delete_applications(&self) -> usize {
        self.state.apps.remove_all()
    }

    /// Forgets that the users of every application were made available, so that
    /// reportMyActivity answers 409 `MakeMeAvailableRequired`.
    pub fn forget_availability(&self) {
        for app in self.state.apps.all() {
            app.available
                .store(false, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Makes the far end `party` (a number such as `tel:+15551234`, or a SIP address) do
    /// `outcome` when a phone call reaches it, from the next call on; the others keep theirs
    /// ([`crate::Config::legs`]).
    pub fn leg_outcome(&self, party: &str, outcome: LegOutcome) {
        calls::set_leg_outcome(self.state, party, outcome);
    }

    /// Makes a phone call from `from` (a number or SIP URI) arrive for the user `to` (a
    /// sign-in address of the directory), as if someone outside the emulator dialled them:
    /// their forwarding rules apply, and each of their applications that advertised phone
    /// audio hears an incoming phoneAudioInvitation (`started`, from `from`), answered when
    /// that application's phone picks up ([`Self::leg_outcome`] of the phone it advertised, or
    /// of the user's SIP URI, after the ring delay) and declinable through the API. A signed-in
    /// user calling another with startPhoneAudio does the same.
    pub fn incoming_call(&self, to: &str, from: &str) -> Result<(), IncomingCallError> {
        let user = self
            .state
            .directory
            .find(to.strip_prefix("sip:").unwrap_or(to))
            .cloned()
            .ok_or_else(|| IncomingCallError::UnknownUser(to.to_owned()))?;
        let from = from.trim();
        let from = if from.contains(':') {
            from.to_owned()
        } else if from.contains('@') {
            format!("sip:{from}")
        } else {
            let digits: String = from
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("tel:{digits}")
        };
        calls::call_user(self.state, &user, from, None, None)
            .map(|_| ())
            .map_err(|calls::RingError::TooMany(value)| {
                IncomingCallError::Limit(LimitReached {
                    limit: "max_conversations",
                    value,
                })
            })
    }

    /// Makes an audio/video call from `from` (a SIP URI or address) with the caller's SDP
    /// `offer` arrive for the user `to`: each of their available applications hears an
    /// incoming audioVideoInvitation carrying the offer, to accept with an answer, on the
    /// user's phone, or to decline. How many applications heard it (at most
    /// `limits.max_conversations` invitations per application are kept; one more is not
    /// delivered to it).
    pub fn incoming_audio_video(
        &self,
        to: &str,
        from: &str,
        offer: &str,
    ) -> Result<usize, IncomingCallError> {
        let user = self
            .state
            .directory
            .find(to.strip_prefix("sip:").unwrap_or(to))
            .cloned()
            .ok_or_else(|| IncomingCallError::UnknownUser(to.to_owned()))?;
        let from = from.trim();
        let from = if from.contains(':') {
            from.to_owned()
        } else {
            format!("sip:{from}")
        };
        Ok(calls::call_user_with_audio_video(
            self.state,
            &user,
            &from,
            offer.as_bytes(),
            self.state.config.limits.max_conversations,
        ))
    }

    /// The far end of the call `user` escalated renegotiates it with `offer` (new media, say
    /// video added): each of the user's applications with an established audio/video call
    /// hears an audioVideoRenegotiation `started`, with the offer and an `answer` link. How
    /// many applications heard it (none has one awaiting an answer already).
    pub fn far_end_renegotiates(
        &self,
        user: &str,
        offer: &str,
    ) -> Result<usize, IncomingCallError> {
        let user = self
            .state
            .directory
            .find(user.strip_prefix("sip:").unwrap_or(user))
            .cloned()
            .ok_or_else(|| IncomingCallError::UnknownUser(user.to_owned()))?;
        Ok(self
            .state
            .apps
            .of(&user)
            .into_iter()
            .filter(|app| calls::far_end_renegotiates(self.state, app, offer).is_some())
            .count())
    }

    /// Sets how long the user's own phone rings (`ring`) and how long the far end takes to
    /// answer or refuse (`connect`) for the next phone calls, on the emulator's
    /// [`crate::Clock`]: a test advances the clock past them.
    pub fn leg_delays(&self, ring: Duration, connect: Duration) {
        calls::set_leg_delays(self.state, ring, connect);
    }
}

/// Why [`Faults::incoming_call`] could not make a call arrive.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingCallError {
    /// No user of the directory has this address.
    UnknownUser(String),
    /// `limits.max_conversations` calls to users are being decided already.
    Limit(LimitReached),
}

impl fmt::Display for IncomingCallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncomingCallError::UnknownUser(to) => write!(f, "no user {to:?} in the directory"),
            IncomingCallError::Limit(limit) => limit.fmt(f),
        }
    }
}

impl std::error::Error for IncomingCallError {}

/// What the emulator saw and holds ([`crate::Emulator::observed`]). Each record keeps the
/// latest 256 entries, oldest first.
#[derive(Clone, Copy)]
pub struct Observed<'a> {
    state: &'a State,
}

impl<'a> Observed<'a> {
    pub(crate) fn new(state: &'a State) -> Self {
        Observed { state }
    }

    /// The method and path of the latest requests, faults and refusals included.
    pub fn requests(&self) -> Vec<(Method, String)> {
        self.state.observed.requests()
    }

    /// How many of [`Observed::requests`] had `method` and `path`.
    pub fn request_count(&self, method: &Method, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|(m, p)| m == method && p == path)
            .count()
    }

    /// What the emulator holds now: applications, events, escalations, conversations,
    /// tokens (idle applications are deleted first).
    pub fn stats(&self) -> Stats {
        let mut stats = self.state.stats();
        for app in self.state.apps.all() {
            stats.escalations += calls::escalations(&app);
            stats.conversations += messaging::count(&app);
        }
        stats
    }

    /// The bearer tokens origin `site` (0: the first, 1: the applications' own) was sent.
    pub fn tokens_seen(&self, site: usize) -> Vec<String> {
        self.state.observed.tokens_seen(site)
    }

    /// The query parameters of each pending GET on an event channel (`ack`, `timeout`, `low`,
    /// `medium`, `priority`, …), sorted by name.
    pub fn event_queries(&self) -> Vec<Vec<(String, String)>> {
        self.state.observed.event_queries()
    }

    /// How many password grants the token endpoint answered, accepted or not.
    pub fn password_grants(&self) -> u64 {
        self.state.observed.password_grants()
    }

    /// How many Windows-grant NTLM handshakes reached their Authenticate message (accepted or
    /// refused): a client that gives up after a refusal shows one per sign-in.
    pub fn windows_grants(&self) -> u64 {
        self.state.observed.windows_grants()
    }

    /// How many anonymous meeting tokens were renewed with the token they replace.
    pub fn anonymous_renewals(&self) -> u64 {
        self.state.observed.anonymous_renewals()
    }

    /// How many times the discovery entry point (`/`) was asked.
    pub fn entry_point_hits(&self) -> u64 {
        self.state.observed.entry_point_hits()
    }

    /// The ids of the live applications (idle ones are deleted first).
    pub fn application_ids(&self) -> Vec<u64> {
        self.state.apps.sweep();
        let mut ids: Vec<u64> = self.state.apps.all().iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids
    }

    /// Whether application `id` was made available, and how often it reported activity.
    pub fn availability(&self, id: u64) -> Option<(bool, u64)> {
        self.state.apps.get(id).map(|app| {
            (
                app.is_available(),
                app.activity_reports
                    .load(std::sync::atomic::Ordering::SeqCst),
            )
        })
    }

    /// The messages conversation `conversation` of application `app` keeps, oldest first, as
    /// (the sender's address, the text): what the history of a conversation builds on. Every
    /// participant's side reads the same messages. Empty for an unknown conversation.
    pub fn messages(&self, app: u64, conversation: u64) -> Vec<(String, String)> {
        messaging::messages(self.state, app, conversation)
    }
}
