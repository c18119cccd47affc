//! The resources of instant messaging and the events that announce what happens to them.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ucwa::enumerations::{
    ConversationState, Direction, InvitationState, MessageFormat, ModalityType, SourceNetwork,
};
use ucwa::events::{Event, EventType};
use ucwa::operation::media_type_matches;
use ucwa::resources::{
    AnyResource, Communication, Conversation, Conversations, Message, Messaging,
    MessagingInvitation, Participant, ParticipantInvitation,
};
use ucwa::{DataUri, ErrorBody, Link, Timestamp, Uri};

use crate::channel::{Queued, with_resource};
use crate::directory::User;
use crate::paths;
use crate::state::State;

use super::model::{Invitation, ModalityState, Talk};

pub(super) fn participant_path(app: u64, conversation: u64, user: &User) -> String {
    paths::participant(app, conversation, &user.address)
}

// ---- the resources ----------------------------------------------------------------------

/// The application's `communication`, with the operations it serves.
pub(crate) fn communication(app: u64) -> Communication {
    let mut communication = Communication {
        supported_modalities: Some(vec![ModalityType::Messaging]),
        supported_message_formats: Some(vec![MessageFormat::Plain, MessageFormat::Html]),
        ..Communication::default()
    };
    let links = &mut communication.links;
    links.self_ = Some(Link::to(paths::communication(app)));
    links.start_messaging = Some(Link::to(paths::in_communication(app, "startMessaging")));
    links.conversations = Some(Link::to(paths::in_communication(app, "conversations")));
    links.join_online_meeting = Some(Link::to(paths::meeting_joins(app)));
    links.conversation_logs = Some(Link::to(paths::conversation_logs(app)));
    links.missed_items = Some(Link::to(paths::missed_items(app)));
    links.start_online_meeting = Some(Link::to(paths::in_communication(app, "startOnlineMeeting")));
    communication
}

pub(super) fn participant(app: u64, conversation: u64, user: &User, local: bool) -> Participant {
    let mut participant = Participant {
        name: Some(user.name.clone()),
        uri: Some(Uri::new(user.sip_uri())),
        source_network: Some(SourceNetwork::SameEnterprise),
        anonymous: Some(false),
        local: Some(local),
        ..Participant::default()
    };
    let links = &mut participant.links;
    links.self_ = Some(Link::to(participant_path(app, conversation, user)));
    links.conversation = Some(Link::to(paths::conversation(app, conversation)));
    if local {
        links.me = Some(Link::to(paths::me(app)));
    } else {
        links.contact = Some(Link::to(paths::contact(app, user)));
        links.contact_presence = Some(Link::to(paths::in_contact(app, user, "presence")));
        links.contact_photo = Some(Link::to(paths::photo(app, &user.address)));
    }
    participant
}

/// Side `id` of a conversation, with `count` participants in it.
pub(super) fn conversation(app: u64, id: u64, talk: &Talk, count: usize) -> Conversation {
    let base = paths::conversation(app, id);
    let connected = talk.state == ConversationState::Connected;
    let mut conversation = Conversation {
        state: Some(talk.state.clone()),
        thread_id: Some(talk.thread_id.clone()),
        subject: Some(talk.subject.clone()),
        importance: Some(talk.importance.clone()),
        active_modalities: Some(if talk.messaging == ModalityState::Disconnected {
            Vec::new()
        } else {
            vec!["Messaging".into()]
        }),
        // Before it connects, a side counts its own participant only.
        participant_count: Some(
            i64::try_from(if connected { count.max(1) } else { 1 }).unwrap_or(i64::MAX),
        ),
        recording: Some(false),
        ..Conversation::default()
    };
    let links = &mut conversation.links;
    links.self_ = Some(Link::to(base.clone()));
    links.messaging = Some(Link::to(paths::messaging(app, id)));
    links.local_participant = Some(Link::to(participant_path(app, id, &talk.local)));
    links.participants = Some(Link::to(paths::in_conversation(app, id, "participants")));
    if connected {
        links.add_participant = Some(Link::to(paths::participant_invitations_of(app, id)));
    }
    conversation
}

/// The application's conversations (the `conversations` collection).
pub(super) fn conversations(app: u64, ids: impl Iterator<Item = u64>) -> Conversations {
    let mut conversations = Conversations::default();
    conversations.links.self_ = Some(Link::to(paths::in_communication(app, "conversations")));
    conversations.links.conversation = ids
        .map(|id| Link::to(paths::conversation(app, id)))
        .collect();
    conversations
}

/// An outgoing participant invitation (addParticipant), on conversation side `talk`.
pub(super) fn participant_invitation(
    app: u64,
    id: u64,
    invitation: &Invitation,
    talk: &Talk,
) -> ParticipantInvitation {
    let mut resource = ParticipantInvitation {
        direction: Some(invitation.direction.clone()),
        importance: Some(talk.importance.clone()),
        thread_id: Some(talk.thread_id.clone()),
        state: Some(invitation.state.clone()),
        subject: Some(talk.subject.clone()),
        operation_id: invitation.operation_id.clone(),
        to: Some(Uri::new(invitation.to.sip_uri())),
        ..ParticipantInvitation::default()
    };
    let links = &mut resource.links;
    links.self_ = Some(Link::to(paths::participant_invitation(app, id)));
    links.conversation = Some(Link::to(paths::conversation(app, invitation.conversation)));
    let mut from_link = Link::new(participant_path(app, invitation.conversation, &talk.local));
    from_link.title = Some(talk.local.name.clone());
    links.from = Some(from_link.cast());
    resource.embedded.from = Some(Box::new(participant(
        app,
        invitation.conversation,
        &talk.local,
        true,
    )));
    if invitation.state == InvitationState::Connected {
        resource.embedded.accepted_by_participant = vec![participant(
            app,
            invitation.conversation,
            &invitation.to,
            false,
        )];
        links.participant = Some(Link::to(participant_path(
            app,
            invitation.conversation,
            &invitation.to,
        )));
    }
    resource
}

pub(super) fn messaging(app: u64, id: u64, talk: &Talk) -> Messaging {
    let base = paths::messaging(app, id);
    let mut messaging = Messaging {
        state: Some(talk.messaging.as_str().into()),
        ..Messaging::default()
    };
    let links = &mut messaging.links;
    links.self_ = Some(Link::to(base.clone()));
    links.conversation = Some(Link::to(paths::conversation(app, id)));
    match talk.messaging {
        ModalityState::Connected => {
            messaging.negotiated_message_formats =
                Some(vec![MessageFormat::Plain, MessageFormat::Html]);
            links.send_message = Some(Link::to(paths::in_messaging(app, id, "messages")));
            links.set_is_typing = Some(Link::to(paths::in_messaging(app, id, "typing")));
            links.stop_messaging = Some(Link::to(paths::in_messaging(app, id, "terminate")));
            links.typing_participants =
                Some(Link::to(paths::in_messaging(app, id, "typingParticipants")));
        }
        ModalityState::Connecting => {
            links.stop_messaging = Some(Link::to(paths::in_messaging(app, id, "terminate")));
        }
        ModalityState::Disconnected => {}
    }
    messaging
}

pub(super) fn invitation(
    app: u64,
    id: u64,
    invitation: &Invitation,
    talk: &Talk,
) -> MessagingInvitation {
    let base = paths::messaging_invitation(app, id);
    let incoming = invitation.direction == Direction::Incoming;
    let (from, to) = if incoming {
        (&talk.remote, &talk.local)
    } else {
        (&talk.local, &invitation.to)
    };
    let mut resource = MessagingInvitation {
        direction: Some(invitation.direction.clone()),
        importance: Some(talk.importance.clone()),
        thread_id: Some(talk.thread_id.clone()),
        state: Some(invitation.state.clone()),
        subject: Some(talk.subject.clone()),
        operation_id: invitation.operation_id.clone(),
        to: Some(Uri::new(to.sip_uri())),
        ..MessagingInvitation::default()
    };
    let links = &mut resource.links;
    links.self_ = Some(Link::to(base.clone()));
    links.conversation = Some(Link::to(paths::conversation(app, invitation.conversation)));
    links.messaging = Some(Link::to(paths::messaging(app, invitation.conversation)));
    links.to = Some(Link::to(paths::contact(app, to)));
    let mut from_link = Link::to(participant_path(app, invitation.conversation, from));
    from_link.title = Some(from.name.clone());
    links.from = Some(from_link);
    links.message = invitation.message.clone();
    if invitation.state == InvitationState::Connecting {
        if incoming {
            links.accept = Some(Link::to(paths::in_messaging_invitation(app, id, "accept")));
            links.decline = Some(Link::to(paths::in_messaging_invitation(app, id, "decline")));
        } else {
            links.cancel = Some(Link::to(paths::in_messaging(
                app,
                invitation.conversation,
                "terminate",
            )));
        }
    }
    let from_participant = participant(app, invitation.conversation, from, !incoming);
    resource.embedded.from = Some(Box::new(from_participant));
    if !incoming && invitation.state == InvitationState::Connected {
        resource.embedded.accepted_by_participant =
            vec![participant(app, invitation.conversation, to, false)];
    }
    resource
}

// ---- events -----------------------------------------------------------------------------

/// What to announce, to whom: collected while a lock is held, pushed after it is released.
#[derive(Default)]
pub(super) struct Announcements(Vec<(u64, Queued)>);

impl Announcements {
    pub(super) fn to(
        &mut self,
        app: u64,
        sender_rel: &str,
        sender_href: String,
        event: Event<AnyResource>,
    ) {
        self.0
            .push((app, Queued::new(sender_rel, &sender_href, event)));
    }

    pub(super) fn communication(&mut self, app: u64, event: Event<AnyResource>) {
        self.to(app, "communication", paths::communication(app), event);
    }

    pub(super) fn conversation(&mut self, app: u64, conversation: u64, event: Event<AnyResource>) {
        self.to(
            app,
            "conversation",
            paths::conversation(app, conversation),
            event,
        );
    }

    pub(super) fn send(self, state: &State) {
        for (app, queued) in self.0 {
            if let Some(app) = state.apps.get(app) {
                app.channel.push(Arc::new(queued));
            }
        }
    }
}

pub(super) fn invitation_event(
    app: u64,
    id: u64,
    inv: &Invitation,
    talk: &Talk,
    kind: EventType,
) -> Event<AnyResource> {
    with_resource(
        kind,
        "messagingInvitation",
        Link::new(paths::messaging_invitation(app, id)),
        AnyResource::MessagingInvitation(Box::new(invitation(app, id, inv, talk))),
    )
}

pub(super) fn conversation_event(
    app: u64,
    id: u64,
    talk: &Talk,
    count: usize,
    kind: EventType,
) -> Event<AnyResource> {
    with_resource(
        kind,
        "conversation",
        Link::new(paths::conversation(app, id)),
        AnyResource::Conversation(Box::new(conversation(app, id, talk, count))),
    )
}

/// A participant invitation's event (`started`, `completed`), its status and reason as
/// [`completed`] gives them.
pub(super) fn participant_invitation_event(
    app: u64,
    id: u64,
    inv: &Invitation,
    talk: &Talk,
    kind: EventType,
    reason: Option<ErrorBody>,
) -> Event<AnyResource> {
    let mut event = with_resource(
        kind.clone(),
        "participantInvitation",
        Link::new(paths::participant_invitation(app, id)),
        AnyResource::ParticipantInvitation(Box::new(participant_invitation(app, id, inv, talk))),
    );
    if kind == EventType::Completed {
        event.status = Some(
            if reason.is_some() {
                "Failure"
            } else {
                "Success"
            }
            .to_owned(),
        );
        event.reason = reason;
    }
    event
}

/// A participant left the conversation (`deleted`, in `participants`).
pub(super) fn participant_removed(app: u64, id: u64, user: &User) -> Event<AnyResource> {
    let mut event = Event::new(
        EventType::Deleted,
        "participant",
        Link::new(participant_path(app, id, user)),
    );
    event.link.title = Some(user.name.clone());
    event
}

pub(super) fn messaging_event(app: u64, id: u64, talk: &Talk) -> Event<AnyResource> {
    with_resource(
        EventType::Updated,
        "messaging",
        Link::new(paths::messaging(app, id)),
        AnyResource::Messaging(Box::new(messaging(app, id, talk))),
    )
}

pub(super) fn participant_added(app: u64, id: u64, user: &User, local: bool) -> Event<AnyResource> {
    let resource = participant(app, id, user, local);
    let rel = if local {
        "localParticipant"
    } else {
        "participant"
    };
    let mut event = with_resource(
        EventType::Added,
        rel,
        Link::new(participant_path(app, id, user)),
        AnyResource::Participant(Box::new(resource)),
    );
    event.link.title = Some(user.name.clone());
    event
}

/// A `completed` event for invitation `id`: `Success`, or `Failure` with `reason`.
pub(super) fn completed(
    app: u64,
    id: u64,
    inv: &Invitation,
    talk: &Talk,
    reason: Option<ErrorBody>,
) -> Event<AnyResource> {
    let mut event = invitation_event(app, id, inv, talk, EventType::Completed);
    event.status = Some(
        if reason.is_some() {
            "Failure"
        } else {
            "Success"
        }
        .to_owned(),
    );
    event.reason = reason;
    event
}

pub(super) fn reason(code: &str, subcode: &str, message: &str) -> ErrorBody {
    ErrorBody {
        code: code.into(),
        subcode: Some(subcode.into()),
        message: Some(message.into()),
        ..ErrorBody::default()
    }
}

pub(super) fn incoming_message(
    app: u64,
    conversation: u64,
    number: u64,
    from: &User,
    text: DataUri,
) -> Event<AnyResource> {
    let href = paths::message(app, conversation, number);
    let mut message = Message {
        direction: Some(Direction::Incoming),
        time_stamp: now(),
        ..Message::default()
    };
    let links = &mut message.links;
    links.self_ = Some(Link::to(href.clone()));
    links.messaging = Some(Link::to(paths::messaging(app, conversation)));
    links.contact = Some(Link::to(paths::contact(app, from)));
    let mut participant = Link::to(participant_path(app, conversation, from));
    participant.title = Some(from.name.clone());
    links.participant = Some(participant);
    if media_type_matches(text.media_type(), &["text/html"]) {
        links.html_message = Some(text);
    } else {
        links.plain_message = Some(text);
    }
    let mut event = with_resource(
        EventType::Completed,
        "message",
        Link::new(href),
        AnyResource::Message(Box::new(message)),
    );
    event.status = Some("Success".into());
    event
}

pub(super) fn now() -> Option<Timestamp> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis();
    Timestamp::from_unix_millis(i64::try_from(millis).ok()?)
}

pub(super) fn typing_event(
    app: u64,
    conversation: u64,
    who: &User,
    kind: EventType,
) -> Event<AnyResource> {
    let mut event = Event::new(
        kind,
        "participant",
        Link::new(participant_path(app, conversation, who)),
    );
    event.link.title = Some(who.name.clone());
    event.in_rel = Some("typingParticipants".into());
    event.in_link = Some(Link::new(paths::in_messaging(
        app,
        conversation,
        "typingParticipants",
    )));
    event
}
