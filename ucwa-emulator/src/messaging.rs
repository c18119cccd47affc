//! Instant messaging between users of the emulator: `communication` with `startMessaging`,
//! `messagingInvitation` (accept, decline), `conversation`, `messaging` (sendMessage,
//! setIsTyping, stopMessaging), `message` and `participant`, with the events the reference's
//! walkthroughs (SendAnIM, ReceiveAnIM) show, in the order they show them.
//!
//! Each side of a conversation is its own resource in its own application: the inviter's
//! conversation and the invitee's share a `threadId` and know each other's place (`Peer`), and
//! whatever one side does is announced to both. Where the reference is silent:
//! - one application of the invitee receives the invitation: the newest one whose user was
//!   made available;
//! - an invitation fails, as a `completed` event with status `Failure` and a reason, when the
//!   invitee is unknown (`NotFound`, subcode `DestinationNotFound`), has no available
//!   application or is `Offline` (`RemoteFailure`, `TemporarilyUnavailable`), or declines
//!   (`RemoteFailure`, `Declined`);
//! - a message is sent as `text/plain` or `text/html` and arrives as a `completed` message event
//!   carrying it as a `data:` URI (`plainMessage` or `htmlMessage`); messages are not kept;
//! - setIsTyping tells the other side that the participant is typing (`added` in
//!   `typingParticipants`) until their next message (`deleted`);
//! - stopMessaging, or deleting the conversation, ends it on both sides (`messaging` updated to
//!   `Disconnected`, then the conversation `deleted`); sending on an ended or unaccepted
//!   conversation answers 409 `Conflict`;
//! - an application holds at most [`crate::Limits::max_conversations`] conversations (403
//!   `LimitExceeded` past it).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::header::{self, HeaderValue};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::enumerations::{
    ConversationState, Direction, Importance, InvitationState, MessageFormat, ModalityType,
    SourceNetwork,
};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operation::media_type_matches;
use ucwa::operations::{DeclinePostBody, StartMessagingPostBody};
use ucwa::resources::{
    AnyResource, Communication, Conversation, Message, Messaging, MessagingInvitation, Participant,
};
use ucwa::{DataUri, ErrorBody, Link, Timestamp, Uri};

use crate::channel::{Queued, with_resource};
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at, available_at};
use crate::lock::lock;
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, conflict, decode, decode_or_default, invalid_parameters, limit_exceeded,
    no_content, not_found, payload, query_parameter,
};
use crate::state::{App, State};
use crate::tokens::Caller;

/// The longest subject and operationId the reference gives startMessaging.
const MAX_SUBJECT: usize = 250;
const MAX_OPERATION_ID: usize = 50;

/// The messaging of one application: its conversations and messaging invitations.
#[derive(Debug, Default)]
pub struct Conversations {
    next_id: u64,
    conversations: BTreeMap<u64, Talk>,
    invitations: HashMap<u64, Invitation>,
}

/// Where the other side of a conversation or invitation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Peer {
    app: u64,
    id: u64,
}

/// The state of a conversation's messaging modality. (The generated bindings type it as a
/// string: UCWA names no enumeration for it.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ModalityState {
    Connecting,
    Connected,
    Disconnected,
}

impl ModalityState {
    /// The name on the wire.
    fn as_str(self) -> &'static str {
        match self {
            ModalityState::Connecting => "Connecting",
            ModalityState::Connected => "Connected",
            ModalityState::Disconnected => "Disconnected",
        }
    }
}

/// One side of a two-party conversation.
#[derive(Debug)]
struct Talk {
    thread_id: String,
    subject: String,
    importance: Importance,
    state: ConversationState,
    messaging: ModalityState,
    local: Arc<User>,
    remote: Arc<User>,
    peer: Option<Peer>,
    invitation: u64,
    next_message: u64,
}

/// One side of a messaging invitation.
#[derive(Debug)]
struct Invitation {
    direction: Direction,
    state: InvitationState,
    operation_id: Option<String>,
    conversation: u64,
    /// The first message, sent with the invitation.
    message: Option<DataUri>,
    peer: Option<Peer>,
}

impl Conversations {
    fn next_id(&mut self) -> u64 {
        // The ids below are the scripted call's.
        self.next_id = self.next_id.max(paths::FIRST_MESSAGING - 1) + 1;
        self.next_id
    }
}

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::COMMUNICATION, get(get_communication))
        .route(route::START_MESSAGING, post(start_messaging))
        .route(route::MESSAGING_INVITATION, get(get_invitation))
        .route(route::ACCEPT, post(accept))
        .route(route::DECLINE, post(decline))
        .route(
            route::CONVERSATION,
            get(get_conversation).delete(leave_conversation),
        )
        .route(route::MESSAGING, get(get_messaging))
        .route(route::SEND_MESSAGE, post(send_message))
        .route(route::SET_IS_TYPING, post(set_typing))
        .route(route::STOP_MESSAGING, post(stop_messaging))
}

fn participant_path(app: u64, conversation: u64, user: &User) -> String {
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
    communication
}

fn participant(app: u64, conversation: u64, user: &User, local: bool) -> Participant {
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

fn conversation(app: u64, id: u64, talk: &Talk) -> Conversation {
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
        participant_count: Some(if connected { 2 } else { 1 }),
        recording: Some(false),
        ..Conversation::default()
    };
    let links = &mut conversation.links;
    links.self_ = Some(Link::to(base.clone()));
    links.messaging = Some(Link::to(paths::messaging(app, id)));
    links.local_participant = Some(Link::to(participant_path(app, id, &talk.local)));
    links.participants = Some(Link::to(paths::in_conversation(app, id, "participants")));
    conversation
}

fn messaging(app: u64, id: u64, talk: &Talk) -> Messaging {
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

fn invitation(app: u64, id: u64, invitation: &Invitation, talk: &Talk) -> MessagingInvitation {
    let base = paths::messaging_invitation(app, id);
    let incoming = invitation.direction == Direction::Incoming;
    let (from, to) = if incoming {
        (&talk.remote, &talk.local)
    } else {
        (&talk.local, &talk.remote)
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
struct Announcements(Vec<(u64, Queued)>);

impl Announcements {
    fn to(&mut self, app: u64, sender_rel: &str, sender_href: String, event: Event<AnyResource>) {
        self.0
            .push((app, Queued::new(sender_rel, &sender_href, event)));
    }

    fn communication(&mut self, app: u64, event: Event<AnyResource>) {
        self.to(app, "communication", paths::communication(app), event);
    }

    fn conversation(&mut self, app: u64, conversation: u64, event: Event<AnyResource>) {
        self.to(
            app,
            "conversation",
            paths::conversation(app, conversation),
            event,
        );
    }

    fn send(self, state: &State) {
        for (app, queued) in self.0 {
            if let Some(app) = state.app(app) {
                app.channel.push(Arc::new(queued));
            }
        }
    }
}

fn invitation_event(
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

fn conversation_event(app: u64, id: u64, talk: &Talk, kind: EventType) -> Event<AnyResource> {
    with_resource(
        kind,
        "conversation",
        Link::new(paths::conversation(app, id)),
        AnyResource::Conversation(Box::new(conversation(app, id, talk))),
    )
}

fn messaging_event(app: u64, id: u64, talk: &Talk) -> Event<AnyResource> {
    with_resource(
        EventType::Updated,
        "messaging",
        Link::new(paths::messaging(app, id)),
        AnyResource::Messaging(Box::new(messaging(app, id, talk))),
    )
}

fn participant_added(app: u64, id: u64, user: &User, local: bool) -> Event<AnyResource> {
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
fn completed(
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

fn reason(code: &str, subcode: &str, message: &str) -> ErrorBody {
    ErrorBody {
        code: code.into(),
        subcode: Some(subcode.into()),
        message: Some(message.into()),
        ..ErrorBody::default()
    }
}

// ---- handlers ---------------------------------------------------------------------------

async fn get_communication(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &communication(app.id)))
}

/// startMessaging: 201 with the invitation's `Location`, then the invitation runs on the event
/// channel (and the invitee's, when there is one to reach).
async fn start_messaging(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let mut input: StartMessagingPostBody = decode(&headers, &body)?;
    // `to` may come in the query, as the reference's table allows.
    if input.to.is_none() {
        input.to = query.get("to").cloned();
    }
    let mut problems = Vec::new();
    match input.to.as_deref() {
        None | Some("") => problems.push(("to", "required".to_owned())),
        Some(_) => {}
    }
    if let Some(subject) = &input.subject
        && subject.chars().count() > MAX_SUBJECT
    {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if let Some(operation_id) = &input.operation_id
        && operation_id.chars().count() > MAX_OPERATION_ID
    {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let to = input.to.clone().unwrap_or_default();
    let invitee = state.directory.find(&to).cloned();
    // An unknown invitee still gets a conversation and an invitation, which then fails: the
    // server learns it only when it tries to reach them.
    let remote = invitee
        .clone()
        .unwrap_or_else(|| Arc::new(User::stranger(to.strip_prefix("sip:").unwrap_or(&to))));
    let subject = input.subject.clone().unwrap_or_default();
    let importance = input.importance.clone().unwrap_or(Importance::Normal);
    let thread_id = format!("{:032x}", state.next_id());
    let message = input.links.message.clone();

    let mut out = Announcements::default();
    let (conversation_id, invitation_id) = {
        let mut mine = lock(&app.conversations);
        let max = state.config.limits.max_conversations;
        if mine.conversations.len() >= max {
            return Err(limit_exceeded(&format!(
                "This application has {max} conversations already (`limits.max_conversations`)."
            )));
        }
        let conversation_id = mine.next_id();
        let invitation_id = mine.next_id();
        let talk = Talk {
            thread_id: thread_id.clone(),
            subject: subject.clone(),
            importance: importance.clone(),
            state: ConversationState::Connecting,
            messaging: ModalityState::Connecting,
            local: user.clone(),
            remote: remote.clone(),
            peer: None,
            invitation: invitation_id,
            next_message: 1,
        };
        let inv = Invitation {
            direction: Direction::Outgoing,
            state: InvitationState::Connecting,
            operation_id: input.operation_id.clone(),
            conversation: conversation_id,
            message: message.clone(),
            peer: None,
        };
        out.communication(
            app.id,
            invitation_event(app.id, invitation_id, &inv, &talk, EventType::Started),
        );
        out.communication(
            app.id,
            conversation_event(app.id, conversation_id, &talk, EventType::Added),
        );
        out.conversation(
            app.id,
            conversation_id,
            participant_added(app.id, conversation_id, &user, true),
        );
        out.conversation(
            app.id,
            conversation_id,
            messaging_event(app.id, conversation_id, &talk),
        );
        mine.conversations.insert(conversation_id, talk);
        mine.invitations.insert(invitation_id, inv);
        (conversation_id, invitation_id)
    };

    // Whom to ring: the invitee's newest available application, if they are not offline.
    let target = invitee.as_ref().and_then(|invitee| {
        let offline = invitee.published().availability == ucwa::enumerations::Availability::Offline;
        if offline {
            return None;
        }
        state
            .apps_of(invitee)
            .into_iter()
            .filter(|a| a.available.load(Ordering::SeqCst) && a.id != app.id)
            .max_by_key(|a| a.id)
    });
    let failure = match (&invitee, &target) {
        (None, _) => Some(reason("NotFound", "DestinationNotFound", "No such user.")),
        (Some(_), None) => Some(reason(
            "RemoteFailure",
            "TemporarilyUnavailable",
            "The user cannot be reached now.",
        )),
        _ => None,
    };
    if let Some(failure) = failure {
        fail_outgoing(&app, conversation_id, invitation_id, failure, &mut out);
    } else if let (Some(target), Some(invitee)) = (target, invitee) {
        let mut theirs = lock(&target.conversations);
        if theirs.conversations.len() >= state.config.limits.max_conversations {
            drop(theirs);
            fail_outgoing(
                &app,
                conversation_id,
                invitation_id,
                reason(
                    "RemoteFailure",
                    "TemporarilyUnavailable",
                    "The user cannot take more conversations.",
                ),
                &mut out,
            );
        } else {
            let their_conversation = theirs.next_id();
            let their_invitation = theirs.next_id();
            let talk = Talk {
                thread_id,
                subject,
                importance,
                state: ConversationState::Incoming,
                messaging: ModalityState::Connecting,
                local: invitee,
                remote: user.clone(),
                peer: Some(Peer {
                    app: app.id,
                    id: conversation_id,
                }),
                invitation: their_invitation,
                next_message: 1,
            };
            let inv = Invitation {
                direction: Direction::Incoming,
                state: InvitationState::Connecting,
                operation_id: None,
                conversation: their_conversation,
                message,
                peer: Some(Peer {
                    app: app.id,
                    id: invitation_id,
                }),
            };
            out.communication(
                target.id,
                invitation_event(target.id, their_invitation, &inv, &talk, EventType::Started),
            );
            out.communication(
                target.id,
                conversation_event(target.id, their_conversation, &talk, EventType::Added),
            );
            theirs.conversations.insert(their_conversation, talk);
            theirs.invitations.insert(their_invitation, inv);
            drop(theirs);
            let mut mine = lock(&app.conversations);
            if let Some(talk) = mine.conversations.get_mut(&conversation_id) {
                talk.peer = Some(Peer {
                    app: target.id,
                    id: their_conversation,
                });
            }
            if let Some(inv) = mine.invitations.get_mut(&invitation_id) {
                inv.peer = Some(Peer {
                    app: target.id,
                    id: their_invitation,
                });
            }
        }
    }
    out.send(&state);
    let mut response = no_content();
    *response.status_mut() = StatusCode::CREATED;
    let location = paths::messaging_invitation(app.id, invitation_id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Ends an outgoing invitation that reached no one: `completed` with `reason`, and its
/// conversation gone.
fn fail_outgoing(
    app: &App,
    conversation: u64,
    invitation: u64,
    why: ErrorBody,
    out: &mut Announcements,
) {
    let mut mine = lock(&app.conversations);
    let Some(mut talk) = mine.conversations.remove(&conversation) else {
        return;
    };
    talk.state = ConversationState::Disconnected;
    talk.messaging = ModalityState::Disconnected;
    if let Some(inv) = mine.invitations.get_mut(&invitation) {
        inv.state = InvitationState::Failed;
        out.communication(app.id, completed(app.id, invitation, inv, &talk, Some(why)));
    }
    mine.invitations.remove(&invitation);
    out.communication(
        app.id,
        conversation_event(app.id, conversation, &talk, EventType::Deleted),
    );
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mine = lock(&app.conversations);
    let inv = mine
        .invitations
        .get(&invitation_id)
        .ok_or_else(not_found)?;
    let talk = mine
        .conversations
        .get(&inv.conversation)
        .ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &invitation(app.id, invitation_id, inv, talk),
    ))
}

/// The incoming invitation `invitation_id` of `app`, still ringing, and its conversation's id.
fn ringing(app: &App, invitation_id: u64) -> Result<(u64, Option<Peer>), Refusal> {
    let mine = lock(&app.conversations);
    let inv = mine
        .invitations
        .get(&invitation_id)
        .ok_or_else(not_found)?;
    if inv.direction != Direction::Incoming || inv.state != InvitationState::Connecting {
        return Err(conflict(
            "InvalidState",
            "The invitation is not waiting for an answer.",
        ));
    }
    Ok((inv.conversation, inv.peer))
}

/// One side of an accepted invitation connects: its conversation and messaging, the other
/// participant added, its invitation completed — announced in the walkthroughs' order.
fn connect(
    app: u64,
    conversation: u64,
    invitation: u64,
    talk: &mut Talk,
    inv: &mut Invitation,
    out: &mut Announcements,
) {
    talk.state = ConversationState::Connected;
    talk.messaging = ModalityState::Connected;
    inv.state = InvitationState::Connected;
    out.communication(
        app,
        conversation_event(app, conversation, talk, EventType::Updated),
    );
    out.conversation(
        app,
        conversation,
        participant_added(app, conversation, &talk.remote, false),
    );
    out.conversation(app, conversation, messaging_event(app, conversation, talk));
    out.communication(app, completed(app, invitation, inv, talk, None));
}

/// accept: both sides connected, then the first message (if any) delivered.
async fn accept(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = available_at(&state, id)?;
    let (conversation_id, peer) = ringing(&app, invitation_id)?;
    let mut out = Announcements::default();
    let (first_message, remote) = {
        let mut mine = lock(&app.conversations);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *mine;
        let talk = conversations
            .get_mut(&conversation_id)
            .ok_or_else(not_found)?;
        let inv = invitations
            .get_mut(&invitation_id)
            .ok_or_else(not_found)?;
        connect(app.id, conversation_id, invitation_id, talk, inv, &mut out);
        (inv.message.clone(), talk.remote.clone())
    };
    if let Some(message) = first_message {
        let number = {
            let mut mine = lock(&app.conversations);
            let talk = mine
                .conversations
                .get_mut(&conversation_id)
                .ok_or_else(not_found)?;
            let n = talk.next_message;
            talk.next_message += 1;
            n
        };
        out.conversation(
            app.id,
            conversation_id,
            incoming_message(app.id, conversation_id, number, &remote, message),
        );
    }
    if let Some(peer) = peer
        && let Some(inviter) = state.app(peer.app)
    {
        let mut theirs = lock(&inviter.conversations);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *theirs;
        if let Some(inv) = invitations.get_mut(&peer.id)
            && let Some(talk) = conversations.get_mut(&inv.conversation)
        {
            let conversation = inv.conversation;
            connect(inviter.id, conversation, peer.id, talk, inv, &mut out);
        }
    }
    out.send(&state);
    Ok(no_content())
}

/// decline: the invitee's invitation and conversation end; the inviter's invitation fails
/// with `Declined`.
async fn decline(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let _: DeclinePostBody = decode_or_default(&headers, &body)?;
    let (conversation_id, peer) = ringing(&app, invitation_id)?;
    let mut out = Announcements::default();
    {
        let mut mine = lock(&app.conversations);
        if let Some(mut talk) = mine.conversations.remove(&conversation_id) {
            talk.state = ConversationState::Disconnected;
            talk.messaging = ModalityState::Disconnected;
            if let Some(mut inv) = mine.invitations.remove(&invitation_id) {
                inv.state = InvitationState::Declined;
                out.communication(app.id, completed(app.id, invitation_id, &inv, &talk, None));
            }
            out.communication(
                app.id,
                conversation_event(app.id, conversation_id, &talk, EventType::Deleted),
            );
        }
    }
    if let Some(peer) = peer
        && let Some(inviter) = state.app(peer.app)
    {
        let conversation = lock(&inviter.conversations)
            .invitations
            .get(&peer.id)
            .map(|i| i.conversation);
        if let Some(conversation) = conversation {
            fail_outgoing(
                &inviter,
                conversation,
                peer.id,
                reason("RemoteFailure", "Declined", "The invitation was declined."),
                &mut out,
            );
        }
    }
    out.send(&state);
    Ok(no_content())
}

async fn get_conversation(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mine = lock(&app.conversations);
    let talk = mine
        .conversations
        .get(&conversation_id)
        .ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &conversation(app.id, conversation_id, talk),
    ))
}

async fn get_messaging(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mine = lock(&app.conversations);
    let talk = mine
        .conversations
        .get(&conversation_id)
        .ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &messaging(app.id, conversation_id, talk),
    ))
}

/// A participant of a messaging conversation (`None` when `conversation_id` has none of that
/// address), for the participant route the scripted call shares.
pub(crate) fn participant_of(
    app: &App,
    conversation_id: u64,
    address: &str,
) -> Option<Participant> {
    let mine = lock(&app.conversations);
    let talk = mine.conversations.get(&conversation_id)?;
    if talk.local.is(address) {
        Some(participant(app.id, conversation_id, &talk.local, true))
    } else if talk.remote.is(address) && talk.state == ConversationState::Connected {
        Some(participant(app.id, conversation_id, &talk.remote, false))
    } else {
        None
    }
}

fn incoming_message(
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

fn now() -> Option<Timestamp> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis();
    Timestamp::from_unix_millis(i64::try_from(millis).ok()?)
}

/// The conversation `conversation_id` of `app`, connected; its peer.
fn connected(app: &App, conversation_id: u64) -> Result<Option<Peer>, Refusal> {
    let mine = lock(&app.conversations);
    let talk = mine
        .conversations
        .get(&conversation_id)
        .ok_or_else(not_found)?;
    if talk.messaging != ModalityState::Connected {
        return Err(conflict_without_subcode(
            "The conversation is not connected.",
        ));
    }
    Ok(talk.peer)
}

/// 409 `Conflict` without a subcode: what the operations' tables give for a request the
/// resource's state does not allow.
fn conflict_without_subcode(message: &str) -> Refusal {
    Refusal::new(
        StatusCode::CONFLICT,
        ErrorBody {
            code: "Conflict".into(),
            message: Some(message.into()),
            ..ErrorBody::default()
        },
    )
}

/// sendMessage: `text/plain` or `text/html`; 201 with the message's `Location`; the sender
/// hears it completed, the other side receives it.
async fn send_message(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    // The reference's table names the parameter `operationId`; its walkthrough sends
    // `OperationContext`. Either is taken, in any case.
    let operation_id = query_parameter(&query, "operationId")
        .or_else(|| query_parameter(&query, "OperationContext"))
        .map(str::to_owned);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(media_type) = ["text/plain", "text/html"]
        .into_iter()
        .find(|t| media_type_matches(content_type, &[t]))
    else {
        return Err(crate::protocol::unsupported_media_type(
            "Send the message as text/plain or text/html.",
        ));
    };
    // The message as the other side receives it, made before anything changes.
    let text = std::str::from_utf8(&body)
        .map_err(|_| "not UTF-8 text".to_owned())
        .and_then(|text| {
            DataUri::from_bytes(&format!("{media_type};charset=utf-8"), text.as_bytes())
                .map_err(|e| e.to_string())
        })
        .map_err(|reason| invalid_parameters(&[("body", reason)]))?;
    let peer = connected(&app, conversation_id)?;
    let mut out = Announcements::default();
    let (number, local) = {
        let mut mine = lock(&app.conversations);
        let talk = mine
            .conversations
            .get_mut(&conversation_id)
            .ok_or_else(not_found)?;
        let n = talk.next_message;
        talk.next_message += 1;
        (n, talk.local.clone())
    };
    let href = paths::message(app.id, conversation_id, number);
    let mut message = Message {
        direction: Some(Direction::Outgoing),
        time_stamp: now(),
        operation_id: operation_id.clone(),
        ..Message::default()
    };
    message.links.self_ = Some(Link::to(href.clone()));
    message.links.messaging = Some(Link::to(paths::messaging(app.id, conversation_id)));
    let mut event = with_resource(
        EventType::Completed,
        "message",
        Link::new(href.clone()),
        AnyResource::Message(Box::new(message)),
    );
    event.status = Some("Success".into());
    out.conversation(app.id, conversation_id, event);
    if let Some(peer) = peer
        && let Some(other) = state.app(peer.app)
    {
        let number = {
            let mut theirs = lock(&other.conversations);
            theirs.conversations.get_mut(&peer.id).map(|talk| {
                let n = talk.next_message;
                talk.next_message += 1;
                n
            })
        };
        if let Some(number) = number {
            // Typing ends with the message.
            let typing = typing_event(other.id, peer.id, &local, EventType::Deleted);
            out.conversation(other.id, peer.id, typing);
            out.conversation(
                other.id,
                peer.id,
                incoming_message(other.id, peer.id, number, &local, text),
            );
        }
    }
    out.send(&state);
    let mut response = no_content();
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(value) = HeaderValue::from_str(&href) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn typing_event(app: u64, conversation: u64, who: &User, kind: EventType) -> Event<AnyResource> {
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

/// setIsTyping: the other side hears the participant is typing.
async fn set_typing(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let peer = connected(&app, conversation_id)?;
    let local = lock(&app.conversations)
        .conversations
        .get(&conversation_id)
        .map(|t| t.local.clone())
        .ok_or_else(not_found)?;
    let mut out = Announcements::default();
    if let Some(peer) = peer {
        out.conversation(
            peer.app,
            peer.id,
            typing_event(peer.app, peer.id, &local, EventType::Added),
        );
    }
    out.send(&state);
    Ok(no_content())
}

/// Ends conversation `conversation_id` of `app` and its peer's.
fn end(state: &State, app: &App, conversation_id: u64) -> Result<(), Refusal> {
    let mut out = Announcements::default();
    let peer = {
        let mut mine = lock(&app.conversations);
        let mut talk = mine
            .conversations
            .remove(&conversation_id)
            .ok_or_else(not_found)?;
        mine.invitations.remove(&talk.invitation);
        talk.state = ConversationState::Disconnected;
        talk.messaging = ModalityState::Disconnected;
        out.conversation(
            app.id,
            conversation_id,
            messaging_event(app.id, conversation_id, &talk),
        );
        out.communication(
            app.id,
            conversation_event(app.id, conversation_id, &talk, EventType::Deleted),
        );
        talk.peer
    };
    if let Some(peer) = peer
        && let Some(other) = state.app(peer.app)
    {
        let mut theirs = lock(&other.conversations);
        if let Some(mut talk) = theirs.conversations.remove(&peer.id) {
            theirs.invitations.remove(&talk.invitation);
            talk.state = ConversationState::Disconnected;
            talk.messaging = ModalityState::Disconnected;
            let gone = Event::new(
                EventType::Deleted,
                "participant",
                Link::new(participant_path(other.id, peer.id, &talk.remote)),
            );
            out.conversation(other.id, peer.id, gone);
            out.conversation(other.id, peer.id, messaging_event(other.id, peer.id, &talk));
            out.communication(
                other.id,
                conversation_event(other.id, peer.id, &talk, EventType::Deleted),
            );
        }
    }
    out.send(state);
    Ok(())
}

async fn stop_messaging(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    end(&state, &app, conversation_id)?;
    Ok(no_content())
}

async fn leave_conversation(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    end(&state, &app, conversation_id)?;
    Ok(no_content())
}

/// How many conversations an application holds (for [`crate::Stats`]).
pub(crate) fn count(app: &App) -> usize {
    lock(&app.conversations).conversations.len()
}
