//! The routes of instant messaging and their handlers: what each request changes on both
//! sides of a conversation, and what that announces.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::header::{self};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::enumerations::{ConversationState, Direction, Importance, InvitationState};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operation::media_type_matches;
use ucwa::operations::{DeclinePostBody, StartMessagingPostBody};
use ucwa::resources::{AnyResource, Message, Participant};
use ucwa::{DataUri, ErrorBody, Link};

use crate::channel::with_resource;
use crate::directory::User;
use crate::handler::{Answer, Caller, Shared, application_at, available_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, conflict, created_at, decode, decode_or_default, invalid_parameters,
    limit_exceeded, no_content, not_found, payload, query_parameter,
};
use crate::state::{App, State};

use super::model::{
    self, Conversations, Invitation, MAX_OPERATION_ID, MAX_SUBJECT, Opening, Peer, Talk,
};
use super::render::{
    Announcements, communication, completed, conversation, conversation_event, incoming_message,
    invitation, invitation_event, messaging, messaging_event, now, participant, participant_added,
    participant_path, reason, typing_event,
};

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
    let thread_id = format!("{:032x}", state.apps.next_id());
    let message = input.links.message.clone();

    let max = state.config.limits.max_conversations;
    let mut out = Announcements::default();
    let (conversation_id, invitation_id) = {
        let mut mine = model::of(&app);
        let opening = Opening {
            thread_id: thread_id.clone(),
            subject: subject.clone(),
            importance: importance.clone(),
            local: user.clone(),
            remote: remote.clone(),
            direction: Direction::Outgoing,
            operation_id: input.operation_id.clone(),
            message: message.clone(),
            peer: None,
        };
        let Some((conversation_id, invitation_id)) = mine.open(opening, max) else {
            return Err(limit_exceeded(&format!(
                "This application has {max} conversations already (`limits.max_conversations`)."
            )));
        };
        let talk = &mine.conversations[&conversation_id];
        let inv = &mine.invitations[&invitation_id];
        out.communication(
            app.id,
            invitation_event(app.id, invitation_id, inv, talk, EventType::Started),
        );
        out.communication(
            app.id,
            conversation_event(app.id, conversation_id, talk, EventType::Added),
        );
        out.conversation(
            app.id,
            conversation_id,
            participant_added(app.id, conversation_id, &user, true),
        );
        out.conversation(
            app.id,
            conversation_id,
            messaging_event(app.id, conversation_id, talk),
        );
        (conversation_id, invitation_id)
    };

    // Whom to ring: the invitee's newest available application, if they are not offline.
    let target = invitee.as_ref().and_then(|invitee| {
        let offline = invitee.published().availability == ucwa::enumerations::Availability::Offline;
        if offline {
            return None;
        }
        state
            .apps
            .of(invitee)
            .into_iter()
            .filter(|a| a.is_available() && a.id != app.id)
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
        let opening = Opening {
            thread_id,
            subject,
            importance,
            local: invitee,
            remote: user.clone(),
            direction: Direction::Incoming,
            operation_id: None,
            message,
            peer: Some((
                Peer {
                    app: app.id,
                    id: conversation_id,
                },
                Peer {
                    app: app.id,
                    id: invitation_id,
                },
            )),
        };
        let mut theirs = model::of(&target);
        match theirs.open(opening, max) {
            None => {
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
            }
            Some((their_conversation, their_invitation)) => {
                let talk = &theirs.conversations[&their_conversation];
                let inv = &theirs.invitations[&their_invitation];
                out.communication(
                    target.id,
                    invitation_event(target.id, their_invitation, inv, talk, EventType::Started),
                );
                out.communication(
                    target.id,
                    conversation_event(target.id, their_conversation, talk, EventType::Added),
                );
                drop(theirs);
                let peer = (
                    Peer {
                        app: target.id,
                        id: their_conversation,
                    },
                    Peer {
                        app: target.id,
                        id: their_invitation,
                    },
                );
                model::of(&app).reached(conversation_id, invitation_id, peer);
            }
        }
    }
    out.send(&state);
    Ok(created_at(&paths::messaging_invitation(
        app.id,
        invitation_id,
    )))
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
    let mut mine = model::of(app);
    let Some(mut talk) = mine.conversations.remove(&conversation) else {
        return;
    };
    talk.end();
    if let Some(inv) = mine.invitations.get_mut(&invitation) {
        inv.fail();
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
    let mine = model::of(&app);
    let inv = mine.invitations.get(&invitation_id).ok_or_else(not_found)?;
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
    let mine = model::of(app);
    let inv = mine.invitations.get(&invitation_id).ok_or_else(not_found)?;
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
    talk.connect(inv);
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
        let mut mine = model::of(&app);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *mine;
        let talk = conversations
            .get_mut(&conversation_id)
            .ok_or_else(not_found)?;
        let inv = invitations.get_mut(&invitation_id).ok_or_else(not_found)?;
        connect(app.id, conversation_id, invitation_id, talk, inv, &mut out);
        (inv.message.clone(), talk.remote.clone())
    };
    if let Some(message) = first_message {
        let number = {
            let mut mine = model::of(&app);
            let talk = mine
                .conversations
                .get_mut(&conversation_id)
                .ok_or_else(not_found)?;
            talk.take_message_number()
        };
        out.conversation(
            app.id,
            conversation_id,
            incoming_message(app.id, conversation_id, number, &remote, message),
        );
    }
    if let Some(peer) = peer
        && let Some(inviter) = state.apps.get(peer.app)
    {
        let mut theirs = model::of(&inviter);
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
        let mut mine = model::of(&app);
        if let Some(mut talk) = mine.conversations.remove(&conversation_id) {
            talk.end();
            if let Some(mut inv) = mine.invitations.remove(&invitation_id) {
                inv.decline();
                out.communication(app.id, completed(app.id, invitation_id, &inv, &talk, None));
            }
            out.communication(
                app.id,
                conversation_event(app.id, conversation_id, &talk, EventType::Deleted),
            );
        }
    }
    if let Some(peer) = peer
        && let Some(inviter) = state.apps.get(peer.app)
    {
        let conversation = model::of(&inviter)
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
    let mine = model::of(&app);
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
    let mine = model::of(&app);
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
    let mine = model::of(app);
    let talk = mine.conversations.get(&conversation_id)?;
    if talk.local.is(address) {
        Some(participant(app.id, conversation_id, &talk.local, true))
    } else if talk.remote.is(address) && talk.state == ConversationState::Connected {
        Some(participant(app.id, conversation_id, &talk.remote, false))
    } else {
        None
    }
}

/// The conversation `conversation_id` of `app`, connected; its peer.
fn connected(app: &App, conversation_id: u64) -> Result<Option<Peer>, Refusal> {
    let mine = model::of(app);
    let talk = mine
        .conversations
        .get(&conversation_id)
        .ok_or_else(not_found)?;
    if !talk.is_connected() {
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
        let mut mine = model::of(&app);
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
        && let Some(other) = state.apps.get(peer.app)
    {
        let number = {
            let mut theirs = model::of(&other);
            theirs
                .conversations
                .get_mut(&peer.id)
                .map(|talk| talk.take_message_number())
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
    Ok(created_at(&href))
}

/// setIsTyping: the other side hears the participant is typing.
async fn set_typing(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let peer = connected(&app, conversation_id)?;
    let local = model::of(&app)
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
        let mut mine = model::of(app);
        let mut talk = mine
            .conversations
            .remove(&conversation_id)
            .ok_or_else(not_found)?;
        mine.invitations.remove(&talk.invitation);
        talk.end();
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
        && let Some(other) = state.apps.get(peer.app)
    {
        let mut theirs = model::of(&other);
        if let Some(mut talk) = theirs.conversations.remove(&peer.id) {
            theirs.invitations.remove(&talk.invitation);
            talk.end();
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
    model::of(app).conversations.len()
}
