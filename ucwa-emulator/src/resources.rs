//! The resources the emulator serves, and the URLs they live at.
//!
//! Every application is in the same scripted call (conversation 1, with one remote
//! participant), so its resources are canned: only the application's id, what the client sent
//! and the SDP offer vary. Building them in one place keeps each link pointing where the router
//! serves it, and lets the handlers deal in HTTP only.

use ucwa::enumerations::{
    ConversationState, Direction, Importance, InvitationState, Role, SourceNetwork,
};
use ucwa::events::{Event, EventType};
use ucwa::resources::{AnyResource, Application, AudioVideo, AudioVideoInvitation, Participant};
use ucwa::{DataUri, Enumeration, Link, Uri};

use crate::channel::with_resource as event;
use crate::paths::{self, CALL_CONVERSATION, CALL_PARTICIPANT};
use crate::state::App;

/// The sender of the call's events.
pub(crate) fn conversation_path(app: u64) -> String {
    paths::conversation(app, CALL_CONVERSATION)
}

fn audio_video_path(app: u64) -> String {
    paths::audio_video(app, CALL_CONVERSATION)
}

pub(crate) fn application(app: &App) -> Application {
    let mut application = Application {
        r#type: Some("Browser".into()),
        culture: Some(app.culture.clone()),
        endpoint_id: Some(app.endpoint_id.clone()),
        id: Some(format!("{:032x}", app.id)),
        instance_id: app.instance_id.clone(),
        user_agent: Some(app.user_agent.clone()),
        ..Application::default()
    };
    application.links.self_ = Some(Link::to(paths::app(app.id)));
    application.links.events = Some(app.channel.first_link().cast());
    application.links.policies = Some(Link::to(paths::in_app(app.id, "policies")));
    application.links.batch = Some(Link::to(paths::in_app(app.id, "batch")));
    application.embedded.me = Some(Box::new(crate::me::me(app)));
    application.embedded.communication = Some(Box::new(crate::messaging::communication(app.id)));
    application.embedded.people = Some(Box::new(crate::people::people(app.id)));
    crate::meetings::embed(&mut application, app.id);
    application
}

pub(crate) fn audio_video(app: u64) -> AudioVideo {
    let mut audio_video = AudioVideo {
        state: Some(ConversationState::Connected.as_str().into()),
        ..AudioVideo::default()
    };
    let op = |rel| paths::in_audio_video(app, CALL_CONVERSATION, rel);
    audio_video.links.self_ = Some(Link::to(audio_video_path(app)));
    audio_video.links.conversation = Some(Link::to(conversation_path(app)));
    audio_video.links.escalate_audio_video = Some(Link::to(op("escalateAudioVideo")));
    audio_video.links.stop_audio_video = Some(Link::to(op("stopAudioVideo")));
    audio_video
}

pub(crate) fn participant(app: u64) -> Participant {
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

/// The invitation an escalation makes, still `Connecting`: the emulator has no far end to
/// answer it, and the client only needs the offer back (`mediaOffer`) and the ids it sent.
pub(crate) fn invitation(
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
pub(crate) fn call_added(app: u64) -> Event<AnyResource> {
    event(
        EventType::Added,
        "audioVideo",
        Link::new(audio_video_path(app)),
        AnyResource::AudioVideo(Box::new(audio_video(app))),
    )
}

/// The `started` event for the invitation an escalation made.
pub(crate) fn invitation_started(invitation: &AudioVideoInvitation) -> Event<AnyResource> {
    event(
        EventType::Started,
        "audioVideoInvitation",
        invitation.links.self_.clone().unwrap_or_default(),
        AnyResource::AudioVideoInvitation(Box::new(invitation.clone())),
    )
}
