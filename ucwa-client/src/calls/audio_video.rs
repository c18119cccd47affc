//! Audio/video signalling: SDP offers and answers carried between the application and the
//! server, never media.
//!
//! UCWA carries the session descriptions of an audio/video call; the media (RTP, ICE, codecs)
//! flow between endpoints that the application provides. This client is **not a media
//! stack**: it sends the offer your media stack wrote and hands you the answer the far end
//! gave, as opaque text ([`Sdp`]). Bring a media stack that speaks SDP — for example
//! [webrtc-rs](https://crates.io/crates/webrtc), GStreamer's `webrtcbin`, or a SIP/RTP stack
//! such as the PJSIP or Sofia-SIP libraries — and give this module what it produces.
//!
//! The flow the README's first command shows: the session hears an audio/video call
//! ([`super::CallsHandle::audio_video`] on an `added` audioVideo event), escalates it with an
//! offer ([`AudioVideoHandle::escalate`]: `escalateAudioVideo`, answered 201 with the
//! audioVideoInvitation, see
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/escalateaudiovideo_ref>), and receives
//! the far end's answer ([`OutgoingAudioVideo::answer`]: the `audioVideoNegotiation` event
//! whose `mediaAnswer` carries it, see
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/audiovideonegotiation_ref>). The call
//! then connects (the audioVideo `updated`, the invitation `completed`).
//!
//! A call in progress is controlled from the [`AudioVideoHandle`] its `updated` event gives:
//! [`AudioVideoHandle::hold`], [`AudioVideoHandle::resume`], [`AudioVideoHandle::add_video`]
//! and [`AudioVideoHandle::renegotiate`] send a new offer from your media stack (the far
//! end's answer comes as [`OutgoingRenegotiation::answer`]); [`AudioVideoHandle::remove_video`]
//! and [`AudioVideoHandle::stop`] need none. The user's own audio is muted from the
//! participantAudio event ([`ParticipantAudioHandle`]), and a renegotiation the far end starts
//! comes as an [`IncomingRenegotiation`] to answer.

use std::fmt;
use std::time::Duration;

use ucwa::enumerations::{CallDeclineReason, Direction};
use ucwa::events::{Event, EventType};
use ucwa::operations::{
    AcceptWithAnswerPost, AcceptWithAnswerPostError, AcceptWithAnswerPostQuery,
    AcceptWithPhoneAudioPost, AcceptWithPhoneAudioPostError, AudioVideoInvitationGet,
    AudioVideoInvitationGetError, DeclinePost, DeclinePostBody, DeclinePostError,
    EscalateAudioVideoPost, EscalateAudioVideoPostError, EscalateAudioVideoPostQuery,
    ReplaceWithPhoneAudioPost, ReplaceWithPhoneAudioPostBody, ReplaceWithPhoneAudioPostError,
    StartAudioVideoPost, StartAudioVideoPostBody, StartAudioVideoPostError, StopAudioVideoPost,
    StopAudioVideoPostBody, StopAudioVideoPostError, StopAudioVideoPostQuery,
};
use ucwa::operations::{
    AnswerPost, AnswerPostError, AudioVideoSessionGet, AudioVideoSessionGetError, MuteAudioPost,
    MuteAudioPostError, RenegotiationsPost, RenegotiationsPostError, RenegotiationsPostQuery,
    ResumeAudioVideoPost, ResumeAudioVideoPostError, ResumeAudioVideoPostQuery, StopVideoPost,
    StopVideoPostBody, StopVideoPostError, StopVideoPostQuery, UnmuteAudioPost,
    UnmuteAudioPostError,
};
use ucwa::resources::{
    AnyResource, AudioVideo, AudioVideoInvitation, AudioVideoNegotiation, AudioVideoRenegotiation,
    AudioVideoSession, ParticipantAudio,
};
use ucwa::{DataUri, ErrorBody};

use crate::link::required;
use crate::outcome::{EventSource, FollowError, OperationOutcome, follow, path_of};
use crate::{Client, ClientError};

use super::{CallFailure, CallOutcome, CallsHandle, DeclineScope, PhoneCall, PlaceCall};

/// A session description (RFC 8866), carried as the text it is: this client neither parses
/// nor checks it, and never acts on it. Your media stack writes offers and reads answers.
#[derive(Clone, PartialEq, Eq)]
pub struct Sdp(String);

impl Sdp {
    /// The description `text`, as a media stack wrote it.
    pub fn new(text: impl Into<String>) -> Self {
        Sdp(text.into())
    }

    /// Its text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The description a `data:application/sdp` link carries (`None` when it is not SDP, or
    /// not text).
    pub fn from_data_uri(uri: &DataUri) -> Option<Sdp> {
        if !uri.media_type().eq_ignore_ascii_case("application/sdp") {
            return None;
        }
        String::from_utf8(uri.decode().ok()?).ok().map(Sdp)
    }
}

impl fmt::Debug for Sdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sdp({} bytes)", self.0.len())
    }
}

impl fmt::Display for Sdp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CallsHandle {
    /// The audio/video modality `event` announces (`added` or `updated` audioVideo), with
    /// the requests on it.
    pub fn audio_video(&self, event: &Event<AnyResource>) -> Option<AudioVideoHandle> {
        if !matches!(event.event_type, EventType::Added | EventType::Updated) {
            return None;
        }
        let Some(AnyResource::AudioVideo(audio_video)) = &event.resource else {
            return None;
        };
        Some(AudioVideoHandle {
            client: self.source.current().client,
            resource: (**audio_video).clone(),
        })
    }
}

/// Why [`CallsHandle::start_audio_video`] failed: starting it, or reading the invitation the
/// server made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartAudioVideoError {
    /// startAudioVideo was refused, or not sent.
    #[error("starting the audio/video call: {0}")]
    Start(#[from] ClientError<StartAudioVideoPostError>),
    /// The invitation it created could not be read.
    #[error("reading the audio/video invitation: {0}")]
    Read(#[from] ClientError<AudioVideoInvitationGetError>),
}

impl CallsHandle {
    /// Starts an audio/video call to `to` (a SIP URI or sign-in address) with `offer`, your
    /// media stack's offer (startAudioVideo, the offer as the body's `mediaOffer`): the
    /// invitation as the server made it. Subscribe to the events first: the answer comes on
    /// them ([`OutgoingAudioVideo::answer`]). See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/startaudiovideo_ref>.
    pub async fn start_audio_video(
        &self,
        to: &str,
        offer: &Sdp,
    ) -> Result<OutgoingAudioVideo, StartAudioVideoError> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.start_audio_video.as_ref()),
            "communication",
            "startAudioVideo",
        )
        .map_err(|e| StartAudioVideoError::Start(e.into()))?;
        let to = to.trim();
        let to = if to.contains(':') {
            to.to_owned()
        } else {
            format!("sip:{to}")
        };
        let mut body = StartAudioVideoPostBody {
            to: Some(to),
            operation_id: Some(unique_id()),
            session_context: Some(unique_id()),
            ..StartAudioVideoPostBody::default()
        };
        body.links.media_offer = Some(
            DataUri::from_bytes("application/sdp", offer.as_str().as_bytes())
                .expect("application/sdp is a valid media type"),
        );
        let created = current
            .client
            .call(|origin, format| StartAudioVideoPost::request(origin, &link, &body, format))
            .await?;
        let invitation = current
            .client
            .call(|origin, format| AudioVideoInvitationGet::request(origin, &created, format))
            .await?;
        Ok(OutgoingAudioVideo { invitation })
    }

    /// The incoming audio/video call `event` announces, if it announces one (a `started`
    /// audioVideoInvitation with direction `Incoming`).
    pub fn incoming_audio_video(&self, event: &Event<AnyResource>) -> Option<IncomingAudioVideo> {
        if event.event_type != EventType::Started {
            return None;
        }
        let Some(AnyResource::AudioVideoInvitation(invitation)) = &event.resource else {
            return None;
        };
        if invitation.direction != Some(Direction::Incoming) {
            return None;
        }
        Some(IncomingAudioVideo {
            client: self.source.current().client,
            invitation: (**invitation).clone(),
        })
    }
}

/// An audio/video call arriving for the user, with the caller's offer: accept it with your
/// media stack's answer ([`Self::accept`]), on the user's phone ([`Self::accept_on_phone`]:
/// acceptWithPhoneAudio, when the application advertised phone audio), or decline it.
#[derive(Clone, Debug)]
pub struct IncomingAudioVideo {
    client: Client,
    invitation: AudioVideoInvitation,
}

impl IncomingAudioVideo {
    /// The invitation as the event carried it.
    pub fn invitation(&self) -> &AudioVideoInvitation {
        &self.invitation
    }

    /// The caller's URI, when the server gave one.
    pub fn from_uri(&self) -> Option<&str> {
        self.invitation
            .embedded
            .from
            .as_ref()?
            .uri
            .as_ref()
            .map(|u| u.as_str())
    }

    /// The caller's offer (`mediaOffer`): give it to your media stack.
    pub fn offer(&self) -> Option<Sdp> {
        Sdp::from_data_uri(self.invitation.links.media_offer.as_ref()?)
    }

    /// Accepts with `answer`, your media stack's answer to [`Self::offer`] (acceptWithAnswer,
    /// sent as `application/sdp`).
    pub async fn accept(&self, answer: &Sdp) -> Result<(), ClientError<AcceptWithAnswerPostError>> {
        let link = required(
            self.invitation.links.accept_with_answer.as_ref(),
            "audioVideoInvitation",
            "acceptWithAnswer",
        )?;
        let query = AcceptWithAnswerPostQuery {
            // The invitation's own, as the answer belongs to it; a fresh one if it has none.
            session_context: self
                .invitation
                .session_context
                .clone()
                .filter(|c| !c.is_empty())
                .unwrap_or_else(unique_id),
            ..AcceptWithAnswerPostQuery::default()
        };
        let body = answer.as_str().as_bytes().to_vec();
        self.client
            .call(|origin, format| {
                AcceptWithAnswerPost::request(origin, &link, &query, body.clone(), format)
            })
            .await
    }

    /// Accepts on the user's phone, the one advertised with [`crate::SignIn::phone_audio`]
    /// (acceptWithPhoneAudio): no media here at all.
    pub async fn accept_on_phone(&self) -> Result<(), ClientError<AcceptWithPhoneAudioPostError>> {
        let link = required(
            self.invitation.links.accept_with_phone_audio.as_ref(),
            "audioVideoInvitation",
            "acceptWithPhoneAudio",
        )?;
        self.client
            .call(|origin, format| AcceptWithPhoneAudioPost::request(origin, &link, format))
            .await
    }

    /// Declines it, here or on every device of the user.
    pub async fn decline(&self, scope: DeclineScope) -> Result<(), ClientError<DeclinePostError>> {
        let link = required(
            self.invitation.links.decline.as_ref(),
            "audioVideoInvitation",
            "decline",
        )?;
        let body = DeclinePostBody {
            reason: Some(match scope {
                DeclineScope::Here => CallDeclineReason::Local,
                DeclineScope::Everywhere => CallDeclineReason::Global,
            }),
            ..DeclinePostBody::default()
        };
        self.client
            .call(|origin, format| DeclinePost::request(origin, &link, &body, format))
            .await
    }

    /// Waits on `events` for at most `within` for how the invitation ended here: connected, or
    /// failed (declined; answered on another device, `ConnectedElsewhere`; ...).
    pub async fn outcome<S: EventSource + Send>(
        &self,
        events: &mut S,
        within: Duration,
    ) -> Result<CallOutcome, FollowError> {
        let href = self
            .invitation
            .links
            .self_
            .as_ref()
            .map(|l| l.href.as_str().to_owned())
            .unwrap_or_default();
        let event = follow(events, &href, within, |_| {}).await?;
        Ok(match OperationOutcome::of(event, |_| Some(())) {
            OperationOutcome::Succeeded(_) => CallOutcome::Connected,
            OperationOutcome::Failed(reason) => {
                CallOutcome::Failed(CallFailure::from_reason(reason))
            }
        })
    }
}

/// A conversation's audioVideo as an event or a read gave it.
#[derive(Clone, Debug)]
pub struct AudioVideoHandle {
    client: Client,
    resource: AudioVideo,
}

/// Identifiers an escalation is sent with: the application's own `operationId` (which the
/// invitation echoes; the server refuses a second escalation with the same one) and
/// `sessionContext`, each at most 50 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escalation {
    /// `operationId`.
    pub operation_id: String,
    /// `sessionContext`.
    pub session_context: String,
}

impl Escalation {
    /// Fresh identifiers, unique within this process and across processes in practice.
    pub fn unique() -> Self {
        Escalation {
            operation_id: unique_id(),
            session_context: unique_id(),
        }
    }
}

fn unique_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:016x}{:08x}{count:08x}", std::process::id())
}

impl AudioVideoHandle {
    /// The audioVideo as read.
    pub fn resource(&self) -> &AudioVideo {
        &self.resource
    }

    /// Moves the call's audio to a phone (replaceWithPhoneAudio): the server rings the user's
    /// phone (`place`'s `ring_first`, else the one advertised with
    /// [`crate::SignIn::phone_audio`]) and then `place`'s party, a call via work followed as
    /// [`super::CallsHandle::place`]'s is ([`PhoneCall::outcome`]). See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/replacewithphoneaudio_ref>.
    pub async fn replace_with_phone_audio(
        &self,
        place: PlaceCall,
    ) -> Result<PhoneCall, ClientError<ReplaceWithPhoneAudioPostError>> {
        let link = required(
            self.resource.links.replace_with_phone_audio.as_ref(),
            "audioVideo",
            "replaceWithPhoneAudio",
        )?;
        let body = ReplaceWithPhoneAudioPostBody {
            to: Some(place.to),
            phone_number: place.phone_number,
            operation_id: place.operation_id,
            ..ReplaceWithPhoneAudioPostBody::default()
        };
        let invitation = self
            .client
            .call(|origin, format| ReplaceWithPhoneAudioPost::request(origin, &link, &body, format))
            .await?;
        Ok(PhoneCall {
            client: self.client.clone(),
            invitation,
            phone_audio: None,
            accepted_by: None,
        })
    }

    /// The modality's state as the server gave it (`Connected`, `Disconnected`, ...).
    pub fn state(&self) -> Option<&str> {
        self.resource.state.as_deref()
    }

    /// Ends the established audio/video call (stopAudioVideo, reason `UserInitiatedAction`):
    /// the modality's `updated` event then says `Disconnected`. With no call established the
    /// server answers 404, [`StopAudioVideoPostError::NotFound`]. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/stopaudiovideo_ref>.
    pub async fn stop(&self) -> Result<(), ClientError<StopAudioVideoPostError>> {
        let link = required(
            self.resource.links.stop_audio_video.as_ref(),
            "audioVideo",
            "stopAudioVideo",
        )?;
        let body = StopAudioVideoPostBody {
            reason: Some(ucwa::enumerations::CallTerminationReason::UserInitiatedAction),
            ..StopAudioVideoPostBody::default()
        };
        let query = StopAudioVideoPostQuery::default();
        self.client
            .call(|origin, format| {
                StopAudioVideoPost::request(origin, &link, &query, &body, format)
            })
            .await
    }

    /// The call's audioVideoSession, read now (it exists once a call is established).
    pub async fn session(
        &self,
    ) -> Result<AudioVideoSession, ClientError<AudioVideoSessionGetError>> {
        let link = required(
            self.resource.links.audio_video_session.as_ref(),
            "audioVideo",
            "audioVideoSession",
        )?;
        self.client
            .call(|origin, format| AudioVideoSessionGet::request(origin, &link, format))
            .await
    }

    /// Renegotiates the established call with `offer`, a new offer from your media stack
    /// (POST on the session's `renegotiations`, the offer as `application/sdp`): the far end's
    /// answer comes on the event channel ([`OutgoingRenegotiation::answer`]). One at a time:
    /// while another awaits its answer the server answers 409
    /// [`RenegotiationsPostError::AlreadyExists`]. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/renegotiations_ref>.
    pub async fn renegotiate(
        &self,
        offer: &Sdp,
    ) -> Result<OutgoingRenegotiation, RenegotiateError> {
        let session = self.session().await?;
        let link = required(
            session.links.renegotiations.as_ref(),
            "audioVideoSession",
            "renegotiations",
        )
        .map_err(|e| RenegotiateError::Renegotiate(e.into()))?;
        let query = RenegotiationsPostQuery {
            operation_id: unique_id(),
        };
        let body = offer.as_str().as_bytes().to_vec();
        self.client
            .call(|origin, format| {
                RenegotiationsPost::request(origin, &link, &query, body.clone(), format)
            })
            .await?;
        Ok(OutgoingRenegotiation {
            operation_id: query.operation_id,
        })
    }

    /// Puts the call on hold: a renegotiation ([`Self::renegotiate`]) with `offer`, your media
    /// stack's hold offer — every stream `a=sendonly` (or `a=inactive`), as RFC 3264 §8.4 has
    /// it. UCWA has no separate hold operation for audio/video; the far end reads the offer.
    /// On hold, other renegotiations are refused (409 `Conflict`) until [`Self::resume`].
    pub async fn hold(&self, offer: &Sdp) -> Result<OutgoingRenegotiation, RenegotiateError> {
        self.renegotiate(offer).await
    }

    /// Takes the call off hold with `offer`, your media stack's offer that sends again
    /// (resumeAudioVideo on the session, the offer as `application/sdp`); the answer comes as
    /// a renegotiation's does. Not on hold, the server answers 409 `Conflict`. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/resumeaudiovideo_ref>.
    pub async fn resume(&self, offer: &Sdp) -> Result<OutgoingRenegotiation, RenegotiateError> {
        let session = self.session().await?;
        let link = required(
            session.links.resume_audio_video.as_ref(),
            "audioVideoSession",
            "resumeAudioVideo",
        )
        .map_err(|e| RenegotiateError::Resume(e.into()))?;
        let query = ResumeAudioVideoPostQuery {
            operation_id: unique_id(),
        };
        let body = offer.as_str().as_bytes().to_vec();
        self.client
            .call(|origin, format| {
                ResumeAudioVideoPost::request(origin, &link, &query, body.clone(), format)
            })
            .await?;
        Ok(OutgoingRenegotiation {
            operation_id: query.operation_id,
        })
    }

    /// Adds video to the call: a renegotiation ([`Self::renegotiate`]) with `offer`, your
    /// media stack's offer with an `m=video` stream besides the audio. (The reference's
    /// `addVideo` starts a new invitation to a contact; on a call in progress video comes by
    /// renegotiation.) The audioVideo's `updated` event follows.
    pub async fn add_video(&self, offer: &Sdp) -> Result<OutgoingRenegotiation, RenegotiateError> {
        self.renegotiate(offer).await
    }

    /// Removes the call's video (stopVideo), the audio going on; the audioVideo's `updated`
    /// event follows. With no video, the server answers 409 `Conflict`. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/stopvideo_ref>.
    pub async fn remove_video(&self) -> Result<(), ClientError<StopVideoPostError>> {
        let link = required(
            self.resource.links.stop_video.as_ref(),
            "audioVideo",
            "stopVideo",
        )?;
        let body = StopVideoPostBody::default();
        let query = StopVideoPostQuery::default();
        self.client
            .call(|origin, format| StopVideoPost::request(origin, &link, &query, &body, format))
            .await
    }

    /// Escalates the conversation to audio/video with `offer` (escalateAudioVideo, the offer
    /// sent as `application/sdp`): the outgoing invitation as the server created it. The far
    /// end's answer comes on the event channel ([`OutgoingAudioVideo::answer`]).
    pub async fn escalate(
        &self,
        offer: &Sdp,
        ids: Escalation,
    ) -> Result<OutgoingAudioVideo, ClientError<EscalateAudioVideoPostError>> {
        let link = required(
            self.resource.links.escalate_audio_video.as_ref(),
            "audioVideo",
            "escalateAudioVideo",
        )?;
        let query = EscalateAudioVideoPostQuery {
            operation_id: ids.operation_id,
            session_context: ids.session_context,
        };
        let body = offer.as_str().as_bytes().to_vec();
        let invitation = self
            .client
            .call(|origin, format| {
                EscalateAudioVideoPost::request(origin, &link, &query, body.clone(), format)
            })
            .await?;
        Ok(OutgoingAudioVideo { invitation })
    }
}

/// How an outgoing audio/video invitation was answered.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AudioVideoOutcome {
    /// The far end answered with this description: give it to your media stack.
    Answered(Sdp),
    /// The invitation failed before an answer, with the server's reason.
    Failed(Box<ErrorBody>),
}

/// An audio/video invitation this application sent: its offer is out, its answer to come.
#[derive(Clone, Debug)]
pub struct OutgoingAudioVideo {
    invitation: AudioVideoInvitation,
}

impl OutgoingAudioVideo {
    /// The invitation as the server created it.
    pub fn invitation(&self) -> &AudioVideoInvitation {
        &self.invitation
    }

    /// The offer as the server echoed it (`mediaOffer`).
    pub fn offer(&self) -> Option<Sdp> {
        Sdp::from_data_uri(self.invitation.links.media_offer.as_ref()?)
    }

    /// Waits on `events` for at most `within` for the far end's answer: the
    /// `audioVideoNegotiation` sent by this invitation whose `mediaAnswer` carries the
    /// description; or the invitation's `completed` failure, with its reason.
    pub async fn answer<S: EventSource + Send>(
        &self,
        events: &mut S,
        within: Duration,
    ) -> Result<AudioVideoOutcome, FollowError> {
        let own = self
            .invitation
            .links
            .self_
            .as_ref()
            .map(|l| path_of(l.href.as_str()))
            .unwrap_or_default();
        let wait = async {
            loop {
                let Some(event) = events.next_event().await? else {
                    return Err(FollowError::Ended);
                };
                if let Some(AnyResource::AudioVideoNegotiation(negotiation)) = &event.resource
                    && negotiation_of(negotiation, &own)
                    && let Some(answer) = negotiation
                        .links
                        .media_answer
                        .as_ref()
                        .and_then(Sdp::from_data_uri)
                {
                    return Ok(AudioVideoOutcome::Answered(answer));
                }
                if event.event_type == EventType::Completed
                    && path_of(event.link.href.as_str()) == own
                    && let Some(reason) = event.reason
                {
                    return Ok(AudioVideoOutcome::Failed(Box::new(reason)));
                }
            }
        };
        tokio::time::timeout(within, wait)
            .await
            .map_err(|_| FollowError::TimedOut(within))?
    }
}

/// Whether `negotiation` belongs to the invitation at path `own` (by its
/// `audioVideoInvitation` link).
fn negotiation_of(negotiation: &AudioVideoNegotiation, own: &str) -> bool {
    negotiation
        .links
        .audio_video_invitation
        .as_ref()
        .is_some_and(|link| path_of(link.href.as_str()) == own)
}

/// Why a renegotiation (hold, resume, video added) was not sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenegotiateError {
    /// The call's audioVideoSession could not be read (no call established: 404).
    #[error("reading the audio/video session: {0}")]
    Session(#[from] ClientError<AudioVideoSessionGetError>),
    /// The renegotiation was refused (409 while on hold or while another is under way), or
    /// not sent.
    #[error("renegotiating: {0}")]
    Renegotiate(#[from] ClientError<RenegotiationsPostError>),
    /// resumeAudioVideo was refused (409 when not on hold), or not sent.
    #[error("resuming: {0}")]
    Resume(#[from] ClientError<ResumeAudioVideoPostError>),
}

/// A renegotiation this application started: its offer is out, the far end's answer to come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingRenegotiation {
    operation_id: String,
}

impl OutgoingRenegotiation {
    /// The `operationId` it was sent with (the renegotiation's events carry it).
    pub fn operation_id(&self) -> &str {
        &self.operation_id
    }

    /// Waits on `events` for at most `within` for the far end's answer: the
    /// audioVideoRenegotiation with this `operationId` whose `mediaAnswer` carries it.
    pub async fn answer<S: EventSource + Send>(
        &self,
        events: &mut S,
        within: Duration,
    ) -> Result<Sdp, FollowError> {
        let wait = async {
            loop {
                let Some(event) = events.next_event().await? else {
                    return Err(FollowError::Ended);
                };
                if let Some(AnyResource::AudioVideoRenegotiation(renegotiation)) = &event.resource
                    && renegotiation.operation_id.as_deref() == Some(self.operation_id.as_str())
                    && let Some(answer) = renegotiation
                        .links
                        .media_answer
                        .as_ref()
                        .and_then(Sdp::from_data_uri)
                {
                    return Ok(answer);
                }
            }
        };
        tokio::time::timeout(within, wait)
            .await
            .map_err(|_| FollowError::TimedOut(within))?
    }
}

impl CallsHandle {
    /// The renegotiation of a call in progress that the far end started, if `event` announces
    /// one (a `started` audioVideoRenegotiation with direction `Incoming`): its offer, to
    /// answer with your media stack's answer.
    pub fn incoming_renegotiation(
        &self,
        event: &Event<AnyResource>,
    ) -> Option<IncomingRenegotiation> {
        if event.event_type != EventType::Started {
            return None;
        }
        let Some(AnyResource::AudioVideoRenegotiation(renegotiation)) = &event.resource else {
            return None;
        };
        if renegotiation.direction != Some(Direction::Incoming) {
            return None;
        }
        Some(IncomingRenegotiation {
            client: self.source.current().client,
            renegotiation: (**renegotiation).clone(),
        })
    }
}

/// A renegotiation the far end started on a call in progress (new media, say video added):
/// give [`Self::offer`] to your media stack and send its answer with [`Self::answer`].
#[derive(Clone, Debug)]
pub struct IncomingRenegotiation {
    client: Client,
    renegotiation: AudioVideoRenegotiation,
}

impl IncomingRenegotiation {
    /// The renegotiation as the event carried it.
    pub fn renegotiation(&self) -> &AudioVideoRenegotiation {
        &self.renegotiation
    }

    /// The far end's offer (`mediaOffer`).
    pub fn offer(&self) -> Option<Sdp> {
        Sdp::from_data_uri(self.renegotiation.links.media_offer.as_ref()?)
    }

    /// Answers with `answer`, your media stack's answer to [`Self::offer`] (POST on the
    /// renegotiation's `answer` link). The reference's page for `answer` lists no body; the
    /// answer is sent as `application/sdp`, as every offer and answer of a renegotiation is
    /// (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/audiovideorenegotiation_ref>).
    /// Answered already, the server answers 409 `Conflict`.
    pub async fn answer(&self, answer: &Sdp) -> Result<(), ClientError<AnswerPostError>> {
        let link = required(
            self.renegotiation.links.answer.as_ref(),
            "audioVideoRenegotiation",
            "answer",
        )?;
        let bytes = answer.as_str().as_bytes().to_vec();
        self.client
            .call(|origin, format| {
                let url = origin.resolve(&link.href)?;
                ucwa::operation::build_request(
                    ucwa::http::Method::POST,
                    url,
                    &[],
                    format,
                    Some(ucwa::operation::Body {
                        media_type: "application/sdp".to_owned(),
                        bytes: bytes.clone(),
                    }),
                )
                .map(ucwa::operation::Request::<AnswerPost>::from_http)
            })
            .await
    }
}

impl CallsHandle {
    /// The user's own audio in a call, as `event` gives it (an `added` or `updated`
    /// participantAudio of the local participant, which the server sends when the call
    /// connects and when the audio is muted or unmuted).
    pub fn participant_audio(&self, event: &Event<AnyResource>) -> Option<ParticipantAudioHandle> {
        if !matches!(event.event_type, EventType::Added | EventType::Updated) {
            return None;
        }
        let Some(AnyResource::ParticipantAudio(audio)) = &event.resource else {
            return None;
        };
        Some(ParticipantAudioHandle {
            client: self.source.current().client,
            resource: (**audio).clone(),
        })
    }
}

/// The user's audio in a call in progress: muted or not, and the requests that change it.
/// Muting is signalling only: the server tells the other parties; your media stack stops
/// sending.
#[derive(Clone, Debug)]
pub struct ParticipantAudioHandle {
    client: Client,
    resource: ParticipantAudio,
}

impl ParticipantAudioHandle {
    /// The participantAudio as the event gave it.
    pub fn resource(&self) -> &ParticipantAudio {
        &self.resource
    }

    /// Whether the audio is muted (`audioMuted`), when the server said.
    pub fn muted(&self) -> Option<bool> {
        self.resource.audio_muted
    }

    /// Mutes the user's audio (muteAudio): participantAudio's `updated` event follows. Muted
    /// already, the server answers 409 `Conflict`. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/muteaudio_ref>.
    pub async fn mute(&self) -> Result<(), ClientError<MuteAudioPostError>> {
        let link = required(
            self.resource.links.mute_audio.as_ref(),
            "participantAudio",
            "muteAudio",
        )?;
        self.client
            .call(|origin, format| MuteAudioPost::request(origin, &link, format))
            .await
    }

    /// Unmutes it (unmuteAudio): participantAudio's `updated` event follows. Not muted, the
    /// server answers 409 `Conflict`. See
    /// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/unmuteaudio_ref>.
    pub async fn unmute(&self) -> Result<(), ClientError<UnmuteAudioPostError>> {
        let link = required(
            self.resource.links.unmute_audio.as_ref(),
            "participantAudio",
            "unmuteAudio",
        )?;
        self.client
            .call(|origin, format| UnmuteAudioPost::request(origin, &link, format))
            .await
    }
}
