//! The resources of a phone-audio call and the events that announce what happens to it.

use std::sync::Arc;

use ucwa::enumerations::{ConversationState, Direction, InvitationState, ModalityType};
use ucwa::events::{Event, EventType};
use ucwa::resources::{AnyResource, Conversation, Participant, PhoneAudio, PhoneAudioInvitation};
use ucwa::{Enumeration, ErrorBody, Link, Uri};

use crate::channel::{Queued, with_resource};
use crate::paths;
use crate::state::App;

use super::model::{Phase, PhoneCall};

/// A party as a URI: a SIP address stays one, anything else is a number (`tel:`).
fn uri(party: &str) -> Uri {
    if party.contains(':') {
        Uri::new(party)
    } else if party.contains('@') {
        Uri::new(format!("sip:{party}"))
    } else {
        Uri::new(format!("tel:{party}"))
    }
}

/// The invitation that placed call `number`: outgoing, from the user (via their phone) to the
/// called party.
pub(super) fn invitation(app: u64, number: u64, call: &PhoneCall) -> PhoneAudioInvitation {
    let mut invitation = PhoneAudioInvitation {
        direction: Some(Direction::Outgoing),
        importance: Some(call.importance.clone()),
        operation_id: call.operation_id.clone(),
        phone_number: call.phone_number.as_deref().map(uri),
        state: Some(call.invitation_state()),
        subject: call.subject.clone(),
        thread_id: Some(call.thread_id.clone()),
        to: Some(uri(&call.to)),
        join_audio_muted: Some(false),
        private_line: Some(false),
        ..PhoneAudioInvitation::default()
    };
    let links = &mut invitation.links;
    links.self_ = Some(Link::to(paths::phone_invitation(app, number)));
    links.conversation = Some(Link::to(paths::phone_call(app, number)));
    links.phone_audio = Some(Link::to(paths::phone_audio(app, number)));
    if let Some(incoming) = &call.incoming {
        // An incoming call is from its caller, to the user; it is accepted by answering the
        // phone, and declined through the API while it rings.
        invitation.direction = Some(Direction::Incoming);
        let from = party(
            app,
            number,
            &incoming.from,
            incoming.from_name.as_deref(),
            "from",
        );
        invitation.links.from = from.links.self_.clone().map(Link::cast);
        invitation.embedded.from = Some(Box::new(from));
        if call.invitation_state() == InvitationState::Connecting {
            invitation.links.decline =
                Some(Link::to(paths::in_phone_invitation(app, number, "decline")));
        }
    }
    if let Some(answerer) = &call.answered_by {
        invitation.embedded.accepted_by_participant = vec![party(
            app,
            number,
            &answerer.uri,
            Some(&answerer.name),
            "acceptedByParticipant",
        )];
    }
    invitation
}

/// A remote party of call `number` as a participant (`which` names it among the call's
/// participants).
fn party(app: u64, number: u64, who: &str, name: Option<&str>, which: &str) -> Participant {
    let mut participant = Participant {
        name: Some(name.unwrap_or(who).to_owned()),
        uri: Some(uri(who)),
        anonymous: Some(false),
        local: Some(false),
        ..Participant::default()
    };
    participant.links.self_ = Some(Link::to(format!(
        "{}/participants/{which}",
        paths::phone_call(app, number)
    )));
    participant.links.conversation = Some(Link::to(paths::phone_call(app, number)));
    participant
}

/// Call `number`'s phoneAudio: its state, and the operations that state allows (hold while
/// connected, resume while held, stop while live, add once over).
pub(super) fn phone_audio(app: u64, number: u64, call: &PhoneCall) -> PhoneAudio {
    let mut phone_audio = PhoneAudio {
        state: Some(call.state().as_str().to_owned()),
        ..PhoneAudio::default()
    };
    let op = |rel| paths::in_phone_audio(app, number, rel);
    let links = &mut phone_audio.links;
    links.self_ = Some(Link::to(paths::phone_audio(app, number)));
    links.conversation = Some(Link::to(paths::phone_call(app, number)));
    match call.phase {
        Phase::Connected => links.hold_phone_audio = Some(Link::to(op("holdPhoneAudio"))),
        Phase::Held => links.resume_phone_audio = Some(Link::to(op("resumePhoneAudio"))),
        _ => {}
    }
    if call.is_live() {
        links.stop_phone_audio = Some(Link::to(op("stopPhoneAudio")));
    } else {
        links.add_phone_audio = Some(Link::to(op("addPhoneAudio")));
    }
    phone_audio
}

/// Call `number`'s conversation.
pub(super) fn conversation(app: u64, number: u64, call: &PhoneCall) -> Conversation {
    let state = match call.phase {
        Phase::RingingUser | Phase::RingingRemote => ConversationState::Connecting,
        Phase::Connected | Phase::Held => ConversationState::Connected,
        Phase::Ended(_) => ConversationState::Disconnected,
    };
    let mut conversation = Conversation {
        state: Some(state),
        subject: call.subject.clone(),
        thread_id: Some(call.thread_id.clone()),
        importance: Some(call.importance.clone()),
        active_modalities: Some(if call.is_live() {
            vec![ModalityType::PhoneAudio.as_str().to_owned()]
        } else {
            Vec::new()
        }),
        participant_count: Some(2),
        ..Conversation::default()
    };
    let links = &mut conversation.links;
    links.self_ = Some(Link::to(paths::phone_call(app, number)));
    links.phone_audio = Some(Link::to(paths::phone_audio(app, number)));
    conversation
}

// ---- events -----------------------------------------------------------------------------

/// Pushes `event` from sender `rel` at `href` onto the application's channel.
fn push(app: &App, rel: &str, href: &str, event: Event<AnyResource>) {
    app.channel.push(Arc::new(Queued::new(rel, href, event)));
}

fn communication(app: &App, event: Event<AnyResource>) {
    push(app, "communication", &paths::communication(app.id), event);
}

fn in_conversation(app: &App, number: u64, event: Event<AnyResource>) {
    push(
        app,
        "conversation",
        &paths::phone_call(app.id, number),
        event,
    );
}

fn invitation_event(
    app: u64,
    number: u64,
    call: &PhoneCall,
    kind: EventType,
) -> Event<AnyResource> {
    with_resource(
        kind,
        "phoneAudioInvitation",
        Link::new(paths::phone_invitation(app, number)),
        AnyResource::PhoneAudioInvitation(Box::new(invitation(app, number, call))),
    )
}

fn phone_audio_event(
    app: u64,
    number: u64,
    call: &PhoneCall,
    kind: EventType,
) -> Event<AnyResource> {
    with_resource(
        kind,
        "phoneAudio",
        Link::new(paths::phone_audio(app, number)),
        AnyResource::PhoneAudio(Box::new(phone_audio(app, number, call))),
    )
}

fn conversation_event(
    app: u64,
    number: u64,
    call: &PhoneCall,
    kind: EventType,
) -> Event<AnyResource> {
    with_resource(
        kind,
        "conversation",
        Link::new(paths::phone_call(app, number)),
        AnyResource::Conversation(Box::new(conversation(app, number, call))),
    )
}

/// A call was placed: its invitation `started`, its conversation `added`, its phoneAudio
/// `added` (connecting), in that order, as a server announces a new outgoing modality.
pub(super) fn placed(app: &App, number: u64, call: &PhoneCall) {
    communication(
        app,
        invitation_event(app.id, number, call, EventType::Started),
    );
    communication(
        app,
        conversation_event(app.id, number, call, EventType::Added),
    );
    in_conversation(
        app,
        number,
        phone_audio_event(app.id, number, call, EventType::Added),
    );
}

/// The phoneAudio changed (dialling, hold, resume): `updated`.
pub(super) fn phone_audio_updated(app: &App, number: u64, call: &PhoneCall) {
    in_conversation(
        app,
        number,
        phone_audio_event(app.id, number, call, EventType::Updated),
    );
}

/// The invitation is over: `completed`, with `Success` or `Failure` and the reason; then the
/// phoneAudio and the conversation are updated to what the call became.
pub(super) fn completed(app: &App, number: u64, call: &PhoneCall, reason: Option<Box<ErrorBody>>) {
    let mut event = invitation_event(app.id, number, call, EventType::Completed);
    event.status = Some(
        if reason.is_some() {
            "Failure"
        } else {
            "Success"
        }
        .to_owned(),
    );
    event.reason = reason.map(|r| *r);
    communication(app, event);
    phone_audio_updated(app, number, call);
    communication(
        app,
        conversation_event(app.id, number, call, EventType::Updated),
    );
}

/// The call ended after connecting: the phoneAudio and the conversation are updated.
pub(super) fn ended(app: &App, number: u64, call: &PhoneCall) {
    phone_audio_updated(app, number, call);
    communication(
        app,
        conversation_event(app.id, number, call, EventType::Updated),
    );
}

/// The reason given when the user stops a call before it connected.
pub(super) fn cancelled() -> Box<ErrorBody> {
    Box::new(ErrorBody {
        code: "LocalFailure".into(),
        message: Some("The call was stopped before it connected.".into()),
        ..ErrorBody::default()
    })
}
