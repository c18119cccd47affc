//! The scripted call every application is in: conversation [`CALL_CONVERSATION`] with one
//! remote participant, its `audioVideo`, and `escalateAudioVideo`, which answers 201 with an
//! audioVideoInvitation carrying the SDP offer as `mediaOffer` and announces it `started`.
//!
//! Its resources are canned: only the application's id, what the client sent and the SDP
//! offer vary. The far end answers every offer at once with [`SDP_ANSWER`]: an `updated`
//! audioVideoNegotiation (sender: the invitation) whose `mediaAnswer` carries it, also
//! readable at the invitation's `audioVideoNegotiation`; the call then connects (audioVideo
//! `updated`, the invitation `completed` as `Connected`), and `stopAudioVideo` ends it
//! (audioVideo `Disconnected`; 404 with none established). An escalation is checked as the server checks it: `operationId` and
//! `sessionContext` present and at most 50 characters (400 `ParameterValidationFailure`), one
//! escalation per `operationId` (409 `AlreadyExists`), an `application/sdp` body (415), at
//! most `limits.max_escalations` per application (403 `LimitExceeded`); an error injected with
//! `fail_next_escalation` is answered after those checks.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::{
    ConversationState, Direction, Importance, InvitationState, Role, SourceNetwork,
};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::resources::{
    AnyResource, AudioVideo, AudioVideoInvitation, AudioVideoNegotiation, Participant,
};
use ucwa::{DataUri, Enumeration, Link, Uri};

use crate::channel::{Queued, with_resource as event};
use crate::handler::{Answer, Shared, application_at};
use crate::lock::lock;
use crate::paths::{self, CALL_CONVERSATION, CALL_PARTICIPANT, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, check, invalid_parameters, limit_exceeded, not_found,
    payload, sdp_offer,
};
use crate::state::{App, State};

/// The invitations made on an application's call (in its slots), and the state of its
/// audio/video session once an escalation is answered.
#[derive(Default)]
pub(super) struct Calls {
    invitations: HashMap<u64, AudioVideoInvitation>,
    operation_ids: HashSet<String>,
    next_invitation: u64,
    /// Whether an escalation was answered and not stopped since.
    pub(super) established: bool,
    /// Whether the last established escalation was stopped (the audioVideo `Disconnected`).
    pub(super) stopped: bool,
    /// Whether the user put the session on hold (a renegotiation with a hold offer).
    pub(super) held: bool,
    /// Whether the last offer carried video.
    pub(super) video: bool,
    /// Whether the user muted their audio (participantAudio's `audioMuted`).
    pub(super) muted: bool,
    /// The session's context: the answered escalation's.
    pub(super) session_context: Option<String>,
    /// The session's last renegotiations, oldest first, by number.
    pub(super) renegotiations: Vec<(u64, ucwa::resources::AudioVideoRenegotiation)>,
    /// The number of the last renegotiation.
    pub(super) next_renegotiation: u64,
}

impl Calls {
    fn next_invitation_id(&mut self) -> u64 {
        self.next_invitation += 1;
        self.next_invitation
    }
}

pub(super) fn calls(app: &App) -> MutexGuard<'_, Calls> {
    lock(app.data.get::<Calls>())
}

/// The routes of the call.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::AUDIO_VIDEO, get(get_audio_video))
        .route(route::ESCALATE_AUDIO_VIDEO, post(escalate))
        .route(route::STOP_AUDIO_VIDEO, post(stop))
        .merge(super::av_session::routes())
        .route(route::CALL_INVITATION, get(get_invitation))
        .route(route::CALL_NEGOTIATION, get(get_negotiation))
}

/// A new application is already in the call: it hears so as it would of a real incoming call.
pub(crate) fn announce(app: &App) {
    app.channel.push(Arc::new(Queued::new(
        "conversation",
        &conversation_path(app.id),
        call_added(app.id),
    )));
}

/// The call's participant `participant`: the remote one by its number, the local user by
/// their address (`None` for any other).
pub(crate) fn participant_of(app: &App, participant: &str) -> Option<Participant> {
    if participant == CALL_PARTICIPANT.to_string() {
        return Some(remote(app.id));
    }
    let mut local = app.user.is(participant).then(|| local(app))?;
    if calls(app).established {
        local.links.participant_audio = local
            .links
            .self_
            .as_ref()
            .map(|l| Link::to(format!("{}/participantAudio", l.href.as_str())));
    }
    Some(local)
}

/// How many escalations an application keeps (for [`crate::Stats`]).
pub(crate) fn count(app: &App) -> usize {
    calls(app).invitations.len()
}

/// The sender of the call's events.
pub(super) fn conversation_path(app: u64) -> String {
    paths::conversation(app, CALL_CONVERSATION)
}

pub(super) fn audio_video_path(app: u64) -> String {
    paths::audio_video(app, CALL_CONVERSATION)
}

/// The call's audioVideo: `Connected` (the scripted call every application is in), until an
/// established escalation is stopped (`Disconnected`, until the next one connects).
fn audio_video(app: u64, calls: &Calls) -> AudioVideo {
    let state = if calls.stopped {
        ConversationState::Disconnected
    } else {
        ConversationState::Connected
    };
    let mut audio_video = AudioVideo {
        state: Some(state.as_str().into()),
        ..AudioVideo::default()
    };
    let op = |rel| paths::in_audio_video(app, CALL_CONVERSATION, rel);
    audio_video.links.self_ = Some(Link::to(audio_video_path(app)));
    audio_video.links.conversation = Some(Link::to(conversation_path(app)));
    audio_video.links.escalate_audio_video = Some(Link::to(op("escalateAudioVideo")));
    audio_video.links.stop_audio_video = Some(Link::to(op("stopAudioVideo")));
    if calls.established {
        audio_video.links.audio_video_session = Some(Link::to(op("audioVideoSession")));
        audio_video.links.stop_video = Some(Link::to(op("stopVideo")));
    }
    audio_video.links.replace_with_phone_audio = Some(Link::to(op("replaceWithPhoneAudio")));
    audio_video
}

fn remote(app: u64) -> Participant {
    let mut participant = Participant {
        name: Some("Ann Remote".into()),
        uri: Some(Uri::new("sip:ann@contoso.com")),
        role: Some(Role::Attendee),
        source_network: Some(SourceNetwork::SameEnterprise),
        anonymous: Some(false),
        local: Some(false),
        ..Participant::default()
    };
    participant.links.self_ = Some(Link::to(paths::participant(
        app,
        CALL_CONVERSATION,
        &CALL_PARTICIPANT.to_string(),
    )));
    participant.links.conversation = Some(Link::to(conversation_path(app)));
    participant
}

/// The user of application `app`, as the call's local participant.
fn local(app: &App) -> Participant {
    let mut participant = Participant {
        name: Some(app.user.name.clone()),
        uri: Some(Uri::new(app.user.sip_uri())),
        role: Some(Role::Attendee),
        source_network: Some(SourceNetwork::SameEnterprise),
        anonymous: Some(false),
        local: Some(true),
        ..Participant::default()
    };
    participant.links.self_ = Some(Link::to(paths::participant(
        app.id,
        CALL_CONVERSATION,
        &app.user.address,
    )));
    participant.links.conversation = Some(Link::to(conversation_path(app.id)));
    participant
}

/// The invitation an escalation makes, `Connecting` until the far end's answer is out: the
/// client needs the offer back (`mediaOffer`) and the ids it sent.
/// Outgoing, it is as a server names it: `from` the local user (`from`, embedded), `to` the
/// remote participant.
fn invitation(
    app: &App,
    number: u64,
    operation_id: String,
    session_context: String,
    sdp: &[u8],
    from: &Participant,
) -> AudioVideoInvitation {
    let base = paths::call_invitation(app.id, number);
    let mut invitation = AudioVideoInvitation {
        direction: Some(Direction::Outgoing),
        importance: Some(Importance::Normal),
        operation_id: Some(operation_id),
        session_context: Some(session_context),
        state: Some(InvitationState::Connecting),
        subject: Some("Escalated call".into()),
        thread_id: Some(format!("{:032x}", app.id * 1000 + number)),
        to: Some(Uri::new("sip:ann@contoso.com")),
        join_audio_muted: Some(false),
        join_video_muted: Some(false),
        private_line: Some(false),
        ..AudioVideoInvitation::default()
    };
    let links = &mut invitation.links;
    links.self_ = Some(Link::to(base.clone()));
    links.media_offer =
        Some(DataUri::from_bytes("application/sdp", sdp).expect("a valid media type"));
    links.audio_video = Some(Link::to(audio_video_path(app.id)));
    links.conversation = Some(Link::to(conversation_path(app.id)));
    links.cancel = Some(Link::to(paths::in_call_invitation(
        app.id, number, "cancel",
    )));
    links.from = from.links.self_.clone().map(Link::cast);
    invitation.embedded.from = Some(Box::new(from.clone()));
    invitation
}

/// The `added` event for the call a new application is already in, so that a client learns
/// of it the way it would of a real incoming call.
fn call_added(app: u64) -> Event<AnyResource> {
    event(
        EventType::Added,
        "audioVideo",
        Link::new(audio_video_path(app)),
        AnyResource::AudioVideo(Box::new(audio_video(app, &Calls::default()))),
    )
}

/// The `updated` event of the call's audioVideo, sent by its conversation.
pub(super) fn audio_video_updated(app: &App) {
    let audio_video = audio_video(app.id, &calls(app));
    app.channel.push(Arc::new(Queued::new(
        "conversation",
        &conversation_path(app.id),
        event(
            EventType::Updated,
            "audioVideo",
            Link::new(audio_video_path(app.id)),
            AnyResource::AudioVideo(Box::new(audio_video)),
        ),
    )));
}

/// The `started` event for the invitation an escalation made.
fn invitation_started(invitation: &AudioVideoInvitation) -> Event<AnyResource> {
    event(
        EventType::Started,
        "audioVideoInvitation",
        invitation.links.self_.clone().unwrap_or_default(),
        AnyResource::AudioVideoInvitation(Box::new(invitation.clone())),
    )
}

/// The application `id`, when `conversation` is its call; the application is looked up first,
/// so that a client whose application is gone hears so whatever else it asked for.
fn in_conversation(state: &State, id: u64, conversation: u64) -> Result<Arc<App>, Refusal> {
    let app = application_at(state, id)?;
    if conversation != CALL_CONVERSATION {
        return Err(not_found());
    }
    Ok(app)
}

async fn get_audio_video(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = in_conversation(&state, id, conversation)?;
    let audio_video = audio_video(id, &calls(&app));
    Ok(payload(format, StatusCode::OK, &audio_video))
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = calls(&app).invitations.get(&invitation).cloned();
    let invitation = found.ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &invitation))
}

/// The SDP answer the emulator's far end gives every offer: canned, for signalling only (its
/// addresses and ports carry no media).
pub(crate) const SDP_ANSWER: &str = "v=0\r\n\
o=- 0 1 IN IP4 127.0.0.1\r\n\
s=ucwa-emulator\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 51010 RTP/AVP 0 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=sendrecv\r\n\
m=video 51020 RTP/AVP 96\r\n\
a=rtpmap:96 H264/90000\r\n\
a=sendrecv\r\n";

/// The negotiation of the invitation at `invitation`: the far end's answer (`mediaAnswer`),
/// as `audioVideoNegotiation` gives an outgoing call its answer.
pub(super) fn negotiation(
    invitation: &str,
    session_context: Option<String>,
) -> AudioVideoNegotiation {
    let mut negotiation = AudioVideoNegotiation {
        session_context,
        ..AudioVideoNegotiation::default()
    };
    let links = &mut negotiation.links;
    links.self_ = Some(Link::to(format!("{invitation}/audioVideoNegotiation")));
    links.audio_video_invitation = Some(Link::to(invitation));
    links.media_answer = Some(
        DataUri::from_bytes("application/sdp", SDP_ANSWER.as_bytes()).expect("a valid media type"),
    );
    negotiation
}

/// The `updated` event of `negotiation`, sent by its invitation.
pub(super) fn negotiation_updated(app: &App, negotiation: AudioVideoNegotiation) {
    let invitation = negotiation
        .links
        .audio_video_invitation
        .clone()
        .unwrap_or_default();
    app.channel.push(Arc::new(Queued::new(
        "audioVideoInvitation",
        invitation.href.as_str(),
        event(
            EventType::Updated,
            "audioVideoNegotiation",
            negotiation.links.self_.clone().unwrap_or_default(),
            AnyResource::AudioVideoNegotiation(Box::new(negotiation)),
        ),
    )));
}

async fn get_negotiation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let context = calls(&app)
        .invitations
        .get(&number)
        .map(|i| i.session_context.clone())
        .ok_or_else(not_found)?;
    let invitation = paths::call_invitation(id, number);
    Ok(payload(
        format,
        StatusCode::OK,
        &negotiation(&invitation, context),
    ))
}

async fn escalate(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = in_conversation(&state, id, conversation)?;
    let operation_id = crate::protocol::query_parameter(&query, "operationId");
    let session_context = crate::protocol::query_parameter(&query, "sessionContext");
    let mut problems = Vec::new();
    check(&mut problems, "operationId", operation_id, 50);
    check(&mut problems, "sessionContext", session_context, 50);
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let sdp = sdp_offer(&headers, &body)?;
    // An injected fault stands for what the server would find wrong with a valid request, so
    // it comes after the checks and before anything is changed.
    if let Some((status, body)) = state.injections.take_escalation_fault() {
        return Err(Refusal::new(status, body));
    }
    let operation_id = operation_id.unwrap_or_default().to_owned();
    let session_context = session_context.unwrap_or_default().to_owned();
    let invitation = {
        let mut calls = calls(&app);
        if calls.operation_ids.contains(&operation_id) {
            return Err(already_exists(
                "An escalation with this operationId already exists.",
            ));
        }
        let max = state.config.limits.max_escalations;
        if calls.invitations.len() >= max {
            return Err(limit_exceeded(&format!(
                "This application has {max} escalations already (`limits.max_escalations`)."
            )));
        }
        calls.operation_ids.insert(operation_id.clone());
        let number = calls.next_invitation_id();
        let invitation = invitation(
            &app,
            number,
            operation_id,
            session_context,
            sdp,
            &local(&app),
        );
        calls.invitations.insert(number, invitation.clone());
        invitation
    };
    app.channel.push(Arc::new(Queued::new(
        "communication",
        &paths::communication(id),
        invitation_started(&invitation),
    )));
    // The far end answers the offer: the negotiation `updated`, from the invitation.
    let href = invitation.links.self_.clone().unwrap_or_default();
    negotiation_updated(
        &app,
        negotiation(href.href.as_str(), invitation.session_context.clone()),
    );
    // With the answer given, the call connects: the audioVideo `updated` (Connected) and the
    // invitation `completed` (Connected, no reason), the order of the reference's samples of
    // an answered call (https://learn.microsoft.com/en-us/skype-sdk/ucwa/audiovideo_ref,
    // https://learn.microsoft.com/en-us/skype-sdk/ucwa/audiovideoinvitation_ref).
    let (connected, newly) = {
        let mut calls = calls(&app);
        let newly = !calls.established;
        calls.established = true;
        calls.stopped = false;
        calls.held = false;
        if newly {
            calls.muted = false;
        }
        calls.video = super::av_session::has_video(sdp);
        calls.session_context = invitation.session_context.clone();
        calls.renegotiations.clear();
        let number = invitation_number(&invitation);
        let stored = number.and_then(|n| calls.invitations.get_mut(&n));
        let connected = stored.map(|stored| {
            stored.state = Some(InvitationState::Connected);
            stored.clone()
        });
        (connected, newly)
    };
    // The modality and the user's audio change only when no call was established yet (a new
    // escalation of an established call replaces its offer and answer, nothing else).
    if newly {
        audio_video_updated(&app);
        super::av_session::participant_audio_event(&app, EventType::Added);
    }
    if let Some(connected) = connected {
        app.channel.push(Arc::new(Queued::new(
            "communication",
            &paths::communication(id),
            event(
                EventType::Completed,
                "audioVideoInvitation",
                connected.links.self_.clone().unwrap_or_default(),
                AnyResource::AudioVideoInvitation(Box::new(connected)),
            ),
        )));
    }
    Ok(payload(format, StatusCode::CREATED, &invitation))
}

/// The number of an invitation the call made, from its `self` link.
fn invitation_number(invitation: &AudioVideoInvitation) -> Option<u64> {
    let href = invitation.links.self_.as_ref()?.href.as_str();
    href.rsplit('/').next()?.parse().ok()
}

/// stopAudioVideo: ends the established audio/video call, the audioVideo `updated` to
/// `Disconnected`; with none established, 404 `NotFound` as the reference's table gives it
/// (https://learn.microsoft.com/en-us/skype-sdk/ucwa/stopaudiovideo_ref).
async fn stop(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
) -> Answer {
    let app = in_conversation(&state, id, conversation)?;
    {
        let mut calls = calls(&app);
        if !calls.established {
            return Err(Refusal::with(
                StatusCode::NOT_FOUND,
                "NotFound",
                None,
                "No audio/video call is established here.",
            ));
        }
        calls.established = false;
        calls.stopped = true;
        calls.held = false;
        calls.video = false;
        calls.muted = false;
    }
    audio_video_updated(&app);
    super::av_session::participant_audio_event(&app, EventType::Deleted);
    Ok(crate::protocol::no_content())
}
