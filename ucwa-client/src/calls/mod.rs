//! Phone audio ("call via work"): the server rings the user's own phone, then the called
//! party, and joins them; the application places and controls the call with no media of its
//! own. Place a call ([`CallsHandle::place`]), follow it to connected or to its typed failure
//! ([`PhoneCall::outcome`]), then hold, resume and stop it ([`PhoneAudioHandle`]).
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use ucwa_client::calls::{CallOutcome, PlaceCall};
//!
//! let calls = session.calls();
//! let mut events = session.events(); // before placing: the outcome comes as events
//! let mut call = calls
//!     .place(PlaceCall::to("tel:+14255550123").ring_first("tel:+14255550100"))
//!     .await?;
//! match call.outcome(&mut events, Duration::from_secs(90)).await? {
//!     CallOutcome::Connected => {}
//!     CallOutcome::Failed(why) => return Err(format!("no call: {why}").into()),
//! }
//! let phone_audio = call.phone_audio().await?;
//! phone_audio.hold().await?;
//! call.phone_audio().await?.resume().await?;
//! call.phone_audio().await?.stop().await?;
//! # Ok(()) }
//! ```
//!
//! Audio/video signalling — SDP offers and answers, with the media left to a stack you bring —
//! is in [`Sdp`], [`AudioVideoHandle`] and [`OutgoingAudioVideo`] (see [`audio_video`]'s
//! docs, re-exported here).
//!
//! The session advertises phone audio, with the number the server rings, when signed in with
//! [`crate::SignIn::phone_audio`]. [`CallsHandle`] finds `startPhoneAudio` in the application
//! in use when it is called; a [`PhoneCall`] belongs to the application it was placed on.

pub mod audio_video;

pub use audio_video::{
    AudioVideoHandle, AudioVideoOutcome, Escalation, IncomingAudioVideo, IncomingRenegotiation,
    OutgoingAudioVideo, OutgoingRenegotiation, ParticipantAudioHandle, RenegotiateError, Sdp,
    StartAudioVideoError,
};

use std::fmt;
use std::time::Duration;

use ucwa::enumerations::{CallDeclineReason, CallState, Direction, Importance};
use ucwa::events::{Event, EventType};
use ucwa::operations::{
    DeclinePost, DeclinePostBody, DeclinePostError, HoldPhoneAudioPost, HoldPhoneAudioPostError,
    PhoneAudioGet, PhoneAudioGetError, PhoneAudioInvitationGet, PhoneAudioInvitationGetError,
    StartPhoneAudioPost, StartPhoneAudioPostBody, StartPhoneAudioPostError,
    StartPhoneAudioPostQuery, StopPhoneAudioPost, StopPhoneAudioPostError,
};
use ucwa::resources::{AnyResource, Application, Participant, PhoneAudio, PhoneAudioInvitation};
use ucwa::{Enumeration, ErrorBody, Link};

use crate::link::required;
use crate::outcome::{EventSource, FollowError, OperationOutcome, follow};
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// A party as startPhoneAudio takes it: a SIP URI stays one, a sign-in address gains `sip:`,
/// anything else is a phone number (`tel:`, without the separators people write).
fn party(party: &str) -> String {
    let party = party.trim();
    if party.starts_with("sip:") || party.starts_with("tel:") {
        party.to_owned()
    } else if party.contains('@') {
        format!("sip:{party}")
    } else {
        let digits: String = party
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

/// What to place a call with: whom to call, and optionally which of the user's phones rings
/// first (else the number given to makeMeAvailable), a subject, an importance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaceCall {
    to: String,
    phone_number: Option<String>,
    subject: Option<String>,
    importance: Option<Importance>,
    operation_id: Option<String>,
}

impl PlaceCall {
    /// To `to`: a number (`tel:+14255550123`, `+1 425 555 0123`), a SIP URI or a sign-in
    /// address (a contact).
    pub fn to(to: impl AsRef<str>) -> Self {
        PlaceCall {
            to: party(to.as_ref()),
            ..PlaceCall::default()
        }
    }

    /// The user's phone the server rings first (`tel:+14255550100` or its digits).
    pub fn ring_first(mut self, phone: impl AsRef<str>) -> Self {
        self.phone_number = Some(party(phone.as_ref()));
        self
    }

    /// The subject (at most 250 characters: a longer one is refused before sending).
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The importance (`Normal` unless said).
    pub fn importance(mut self, importance: Importance) -> Self {
        self.importance = Some(importance);
        self
    }

    /// An identifier of the application's choosing, echoed by the invitation (at most 50
    /// characters); the server refuses a second call with the same one.
    pub fn operation_id(mut self, id: impl Into<String>) -> Self {
        self.operation_id = Some(id.into());
        self
    }
}

/// Phone audio from an application. Cheap to make and to clone; it reads the application in
/// use at each call.
#[derive(Clone, Debug)]
pub struct CallsHandle {
    source: Source,
}

impl Client {
    /// Phone audio from `application` (its embedded `communication`).
    pub fn calls(&self, application: &Application) -> CallsHandle {
        CallsHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// Phone audio from the application the session holds at each call ([`crate::calls`]).
    pub fn calls(&self) -> CallsHandle {
        CallsHandle {
            source: self.source(),
        }
    }
}

impl CallsHandle {
    /// Places a call via work (startPhoneAudio): answered at once with the invitation, whose
    /// outcome comes on the event channel ([`PhoneCall::outcome`]).
    pub async fn place(
        &self,
        place: PlaceCall,
    ) -> Result<PhoneCall, ClientError<StartPhoneAudioPostError>> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.start_phone_audio.as_ref()),
            "communication",
            "startPhoneAudio",
        )?;
        let body = StartPhoneAudioPostBody {
            to: Some(place.to),
            phone_number: place.phone_number,
            subject: place.subject,
            importance: place.importance,
            operation_id: place.operation_id,
            ..StartPhoneAudioPostBody::default()
        };
        let query = StartPhoneAudioPostQuery::default();
        let invitation = current
            .client
            .call(|origin, format| {
                StartPhoneAudioPost::request(origin, &link, &query, &body, format)
            })
            .await?;
        Ok(PhoneCall {
            client: current.client,
            invitation,
            phone_audio: None,
            accepted_by: None,
        })
    }
}

/// Why a call did not connect, from the invitation's `completed` event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CallFailure {
    /// The called party declined (`Declined`).
    Declined(Box<ErrorBody>),
    /// The called party is busy (`Busy`).
    Busy(Box<ErrorBody>),
    /// Nobody answered (`Timeout`).
    NoAnswer(Box<ErrorBody>),
    /// Another reason the server gave (the user stopped it first: `LocalFailure`; an unknown
    /// number: `NotFound`; ...).
    Other(Box<ErrorBody>),
}

impl CallFailure {
    /// The failure a server's reason stands for: by subcode, then by code.
    pub fn from_reason(reason: Box<ErrorBody>) -> Self {
        match (reason.code.as_str(), reason.subcode.as_deref()) {
            (_, Some("Declined")) => CallFailure::Declined(reason),
            (_, Some("Busy")) => CallFailure::Busy(reason),
            (_, Some("Timeout")) | ("Timeout", _) => CallFailure::NoAnswer(reason),
            _ => CallFailure::Other(reason),
        }
    }

    /// The reason as the server gave it.
    pub fn reason(&self) -> &ErrorBody {
        match self {
            CallFailure::Declined(r)
            | CallFailure::Busy(r)
            | CallFailure::NoAnswer(r)
            | CallFailure::Other(r) => r,
        }
    }
}

impl fmt::Display for CallFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            CallFailure::Declined(_) => "declined",
            CallFailure::Busy(_) => "busy",
            CallFailure::NoAnswer(_) => "not answered",
            CallFailure::Other(_) => "failed",
        };
        let reason = self.reason();
        write!(f, "{what} ({}", reason.code)?;
        if let Some(subcode) = &reason.subcode {
            write!(f, "/{subcode}")?;
        }
        f.write_str(")")?;
        if let Some(message) = &reason.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// How a call's invitation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum CallOutcome {
    /// Both ends are connected.
    Connected,
    /// It did not connect, and why.
    Failed(CallFailure),
}

/// A call placed via work (or an incoming one, [`IncomingPhoneCall::call`]): its invitation,
/// as the server created it, and, once connected, its phoneAudio.
#[derive(Clone, Debug)]
pub struct PhoneCall {
    client: Client,
    /// The phoneAudioInvitation.
    pub invitation: Link<PhoneAudioInvitation>,
    phone_audio: Option<Link<PhoneAudio>>,
    accepted_by: Option<Participant>,
}

impl PhoneCall {
    /// Waits on `events` for the invitation's `completed` event, for at most `within` (the
    /// user's phone and the called party both ring in that time): connected, or failed with
    /// its typed reason. Remembers the call's phoneAudio for [`Self::phone_audio`].
    pub async fn outcome<S: EventSource + Send>(
        &mut self,
        events: &mut S,
        within: Duration,
    ) -> Result<CallOutcome, FollowError> {
        let event = follow(events, self.invitation.href.as_str(), within, |_| {}).await?;
        let outcome = OperationOutcome::of(event, |resource| match resource {
            AnyResource::PhoneAudioInvitation(invitation) => Some(*invitation),
            _ => None,
        });
        Ok(match outcome {
            OperationOutcome::Succeeded(invitation) => {
                if let Some(mut invitation) = invitation {
                    if let Some(link) = invitation.links.phone_audio.take() {
                        self.phone_audio = Some(link);
                    }
                    if !invitation.embedded.accepted_by_participant.is_empty() {
                        self.accepted_by =
                            Some(invitation.embedded.accepted_by_participant.swap_remove(0));
                    }
                }
                CallOutcome::Connected
            }
            OperationOutcome::Failed(reason) => {
                CallOutcome::Failed(CallFailure::from_reason(reason))
            }
        })
    }

    /// Who answered, once the call connected ([`Self::outcome`]) and the server named them
    /// (`acceptedByParticipant`): the party called, or whoever their forwarding handed the call
    /// to (a contact, a delegate, their voicemail).
    pub fn accepted_by(&self) -> Option<&Participant> {
        self.accepted_by.as_ref()
    }

    /// The invitation, read now; remembers the call's phoneAudio it names, so that a call
    /// still ringing can be stopped ([`Self::phone_audio`]).
    pub async fn invitation(
        &mut self,
    ) -> Result<PhoneAudioInvitation, ClientError<PhoneAudioInvitationGetError>> {
        let invitation = self
            .client
            .call(|origin, format| {
                PhoneAudioInvitationGet::request(origin, &self.invitation, format)
            })
            .await?;
        if let Some(link) = &invitation.links.phone_audio {
            self.phone_audio = Some(link.clone());
        }
        Ok(invitation)
    }

    /// The call's phoneAudio, read now, with the operations its state allows. Its link is
    /// known once the outcome is ([`Self::outcome`]) or the invitation was read
    /// ([`Self::invitation`]); before, this is a missing link.
    pub async fn phone_audio(&self) -> Result<PhoneAudioHandle, ClientError<PhoneAudioGetError>> {
        let link = required(
            self.phone_audio.as_ref(),
            "phoneAudioInvitation",
            "phoneAudio",
        )?;
        PhoneAudioHandle::read(self.client.clone(), &link).await
    }
}

/// A call's phoneAudio as read, with the requests on it.
#[derive(Clone, Debug)]
pub struct PhoneAudioHandle {
    client: Client,
    resource: PhoneAudio,
}

impl PhoneAudioHandle {
    async fn read(
        client: Client,
        link: &Link<PhoneAudio>,
    ) -> Result<PhoneAudioHandle, ClientError<PhoneAudioGetError>> {
        let resource = client
            .call(|origin, format| PhoneAudioGet::request(origin, link, format))
            .await?;
        Ok(PhoneAudioHandle { client, resource })
    }

    /// The phoneAudio as read.
    pub fn resource(&self) -> &PhoneAudio {
        &self.resource
    }

    /// Its state (`None` when the server gave none this client knows).
    pub fn state(&self) -> Option<CallState> {
        PhoneAudioState::of(&self.resource).state
    }

    /// Whether the call is on hold (it offers `resumePhoneAudio`).
    pub fn is_held(&self) -> bool {
        PhoneAudioState::of(&self.resource).held
    }

    /// Puts the call on hold (holdPhoneAudio; only a connected call offers it).
    pub async fn hold(&self) -> Result<(), ClientError<HoldPhoneAudioPostError>> {
        let link = required(
            self.resource.links.hold_phone_audio.as_ref(),
            "phoneAudio",
            "holdPhoneAudio",
        )?;
        self.client
            .call(|origin, format| HoldPhoneAudioPost::request(origin, &link, format))
            .await
    }

    /// Takes the call off hold (resumePhoneAudio; only a held call offers it).
    pub async fn resume(&self) -> Result<(), ClientError<HoldPhoneAudioPostError>> {
        let link = required(
            self.resource.links.resume_phone_audio.as_ref(),
            "phoneAudio",
            "resumePhoneAudio",
        )?;
        // The schema names no operation for this link; it is shaped as holdPhoneAudio is (a
        // POST with no body, 204, the same errors), so it is sent as one.
        let link = link.clone().cast();
        self.client
            .call(|origin, format| HoldPhoneAudioPost::request(origin, &link, format))
            .await
    }

    /// Ends the call, ringing or connected (stopPhoneAudio).
    pub async fn stop(&self) -> Result<(), ClientError<StopPhoneAudioPostError>> {
        let link = required(
            self.resource.links.stop_phone_audio.as_ref(),
            "phoneAudio",
            "stopPhoneAudio",
        )?;
        self.client
            .call(|origin, format| StopPhoneAudioPost::request(origin, &link, format))
            .await
    }
}

/// A phone call arriving for the user: the `started` phoneAudioInvitation whose direction is
/// `Incoming` ([`CallsHandle::incoming`]).
///
/// UCWA has no operation that answers it: the call is accepted when the user's phone (the
/// one advertised with [`crate::SignIn::phone_audio`]) is picked up, which the invitation's
/// `completed` event tells ([`IncomingPhoneCall::outcome`]). While it rings it can be declined
/// ([`IncomingPhoneCall::decline`]). See
/// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/phoneaudioinvitation_ref>.
#[derive(Clone, Debug)]
pub struct IncomingPhoneCall {
    call: PhoneCall,
    resource: PhoneAudioInvitation,
}

/// Whether a declined call stops ringing on this application only or on every device of the
/// user (`CallDeclineReason`'s `Local` and `Global`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeclineScope {
    /// Only here; the user's other devices keep ringing.
    #[default]
    Here,
    /// On every device of the user: the caller hears the call was declined.
    Everywhere,
}

impl CallsHandle {
    /// The incoming phone call `event` announces, if it announces one (a `started`
    /// phoneAudioInvitation with direction `Incoming`).
    pub fn incoming(&self, event: &Event<AnyResource>) -> Option<IncomingPhoneCall> {
        if event.event_type != EventType::Started {
            return None;
        }
        let Some(AnyResource::PhoneAudioInvitation(invitation)) = &event.resource else {
            return None;
        };
        if invitation.direction != Some(Direction::Incoming) {
            return None;
        }
        let link = invitation
            .links
            .self_
            .clone()
            .unwrap_or_else(|| event.link.clone())
            .cast();
        Some(IncomingPhoneCall {
            call: PhoneCall {
                client: self.source.current().client,
                invitation: link,
                phone_audio: invitation.links.phone_audio.clone(),
                accepted_by: None,
            },
            resource: (**invitation).clone(),
        })
    }
}

impl IncomingPhoneCall {
    /// Who calls: the embedded `from` participant.
    pub fn from(&self) -> Option<&Participant> {
        self.resource.embedded.from.as_deref()
    }

    /// The caller's URI (`sip:` or `tel:`), when the server gave one.
    pub fn from_uri(&self) -> Option<&str> {
        self.from()?.uri.as_ref().map(|u| u.as_str())
    }

    /// The user's phone the call rings (`phoneNumber`), when the server says.
    pub fn phone_number(&self) -> Option<&str> {
        self.resource.phone_number.as_ref().map(|u| u.as_str())
    }

    /// The invitation as the event carried it.
    pub fn resource(&self) -> &PhoneAudioInvitation {
        &self.resource
    }

    /// Declines it while it rings: here only, or on every device of the user (then the caller
    /// hears it declined). Its `completed` event follows with `Declined`.
    pub async fn decline(&self, scope: DeclineScope) -> Result<(), ClientError<DeclinePostError>> {
        let link = required(
            self.resource.links.decline.as_ref(),
            "phoneAudioInvitation",
            "decline",
        )?;
        let body = DeclinePostBody {
            reason: Some(match scope {
                DeclineScope::Here => CallDeclineReason::Local,
                DeclineScope::Everywhere => CallDeclineReason::Global,
            }),
            ..DeclinePostBody::default()
        };
        self.call
            .client
            .call(|origin, format| DeclinePost::request(origin, &link, &body, format))
            .await
    }

    /// Waits on `events` for how the call ended here, for at most `within`: connected (the
    /// user's phone picked up), or failed — declined, answered on another device
    /// (`ConnectedElsewhere`), missed and handled by forwarding (`Missed`), answered by a
    /// party rung at the same time (`Redirected`), or the caller hung up (`Canceled`).
    pub async fn outcome<S: EventSource + Send>(
        &mut self,
        events: &mut S,
        within: Duration,
    ) -> Result<CallOutcome, FollowError> {
        self.call.outcome(events, within).await
    }

    /// The call, to hold, resume or stop once connected ([`PhoneCall::phone_audio`]).
    pub fn call(&self) -> &PhoneCall {
        &self.call
    }
}

/// A phoneAudio's state as an event or a read gives it: the typed state and whether it is
/// held.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneAudioState {
    /// Where the phoneAudio's `self` points (empty when it has none).
    pub href: String,
    /// The modality's state.
    pub state: Option<CallState>,
    /// On hold.
    pub held: bool,
}

impl PhoneAudioState {
    fn of(phone_audio: &PhoneAudio) -> Self {
        PhoneAudioState {
            href: phone_audio
                .links
                .self_
                .as_ref()
                .map(|l| l.href.as_str().to_owned())
                .unwrap_or_default(),
            state: phone_audio.state.as_deref().and_then(CallState::from_wire),
            held: phone_audio.links.resume_phone_audio.is_some(),
        }
    }

    /// The phoneAudio an `added` or `updated` event carries, if it is one.
    pub fn from_event(event: &Event<AnyResource>) -> Option<Self> {
        match event.resource.as_ref()? {
            AnyResource::PhoneAudio(phone_audio) => Some(Self::of(phone_audio)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties_are_written_as_the_server_takes_them() {
        assert_eq!(PlaceCall::to("+1 (425) 555-0123").to, "tel:+14255550123");
        assert_eq!(PlaceCall::to("ann@contoso.com").to, "sip:ann@contoso.com");
        assert_eq!(PlaceCall::to("tel:+1555").to, "tel:+1555");
        assert_eq!(
            PlaceCall::to("x")
                .ring_first("425 555 0100")
                .phone_number
                .as_deref(),
            Some("tel:4255550100")
        );
    }

    #[test]
    fn reasons_become_typed_failures() {
        let reason = |code: &str, subcode: Option<&str>| {
            Box::new(ErrorBody {
                code: code.into(),
                subcode: subcode.map(Into::into),
                ..ErrorBody::default()
            })
        };
        assert!(matches!(
            CallFailure::from_reason(reason("RemoteFailure", Some("Busy"))),
            CallFailure::Busy(_)
        ));
        assert!(matches!(
            CallFailure::from_reason(reason("RemoteFailure", Some("Declined"))),
            CallFailure::Declined(_)
        ));
        assert!(matches!(
            CallFailure::from_reason(reason("Timeout", None)),
            CallFailure::NoAnswer(_)
        ));
        let other = CallFailure::from_reason(reason("LocalFailure", None));
        assert_eq!(other.to_string(), "failed (LocalFailure)");
    }
}
