//! The resources the emulator serves, and the URLs they live at.
//!
//! Every application is in the same scripted call (conversation 1, with one remote
//! participant), so its resources are canned: only the application's id, what the client sent
//! and the SDP offer vary. Building them in one place keeps each link pointing where the router
//! serves it, and lets the handlers deal in HTTP only.

use ucwa::enumerations::{Direction, Importance, InvitationState, Role, SourceNetwork};
use ucwa::events::{Event, EventType};
use ucwa::resources::{AnyResource, Application, AudioVideo, AudioVideoInvitation, Participant};
use ucwa::{DataUri, Link, Uri};

use crate::APPLICATIONS_PATH;
use crate::state::App;

/// The conversation every application's call is in.
pub(crate) const CONVERSATION: u64 = 1;
/// The remote participant of that call.
pub(crate) const PARTICIPANT: u64 = 1;

pub(crate) fn app_path(app: u64) -> String {
    format!("{APPLICATIONS_PATH}/{app}")
}

/// Where the application's event channel is.
pub(crate) fn events_path(app: u64) -> String {
    format!("{}/events", app_path(app))
}

/// The sender of invitation events.
pub(crate) fn communication_path(app: u64) -> String {
    format!("{}/communication", app_path(app))
}

/// The sender of the call's events.
pub(crate) fn conversation_path(app: u64) -> String {
    format!("{}/conversations/{CONVERSATION}", communication_path(app))
}

fn audio_video_path(app: u64) -> String {
    format!("{}/audioVideo", conversation_path(app))
}

pub(crate) fn me_path(app: u64) -> String {
    format!("{}/me", app_path(app))
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
    application.links.self_ = Some(Link::to(app_path(app.id)));
    application.links.events = Some(app.channel.first_link().cast());
    application.links.policies = Some(Link::to(format!("{}/policies", app_path(app.id))));
    application.links.batch = Some(Link::to(format!("{}/batch", app_path(app.id))));
    application.embedded.me = Some(Box::new(crate::me::me(app)));
    application.embedded.communication = Some(Box::new(crate::messaging::communication(app.id)));
    application.embedded.people = Some(Box::new(crate::people::people(app.id)));
    crate::meetings::embed(&mut application, app.id);
    application
}

pub(crate) fn audio_video(app: u64) -> AudioVideo {
    let base = audio_video_path(app);
    let mut audio_video = AudioVideo {
        state: Some("Connected".into()),
        ..AudioVideo::default()
    };
    audio_video.links.self_ = Some(Link::to(base.clone()));
    audio_video.links.conversation = Some(Link::to(conversation_path(app)));
    audio_video.links.escalate_audio_video = Some(Link::to(format!("{base}/escalateAudioVideo")));
    audio_video.links.stop_audio_video = Some(Link::to(format!("{base}/stopAudioVideo")));
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
    participant.links.self_ = Some(Link::to(format!(
        "{}/participants/{PARTICIPANT}",
        conversation_path(app)
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
    let base = format!("{}/invitations/{number}", communication_path(app.id));
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
    links.cancel = Some(Link::to(format!("{base}/cancel")));
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

/// An event with its resource embedded, as the server sends them, so that a client need not
/// fetch it.
fn event(
    event_type: EventType,
    rel: &str,
    link: Link,
    resource: AnyResource,
) -> Event<AnyResource> {
    Event {
        resource: Some(resource),
        ..Event::new(event_type, rel, link)
    }
}
