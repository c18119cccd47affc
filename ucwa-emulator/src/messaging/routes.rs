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
use ucwa::events::EventType;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operation::media_type_matches;
use ucwa::operations::{AddParticipantPostBody, DeclinePostBody, StartMessagingPostBody};
use ucwa::resources::{AnyResource, Message, Participant};
use ucwa::{DataUri, ErrorBody, Link};

use crate::channel::with_resource;
use crate::directory::User;
use crate::handler::{Answer, Caller, Shared, application_at, available_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, conflict, created_at, decode, decode_or_default,
    invalid_parameters, limit_exceeded, no_content, not_found, payload, query_parameter,
};
use crate::state::{App, Ended, News, State};

use super::model::{
    self, Conversations, Invitation, Kind, MAX_OPERATION_ID, MAX_SUBJECT, Member, Opening, Peer,
    Said, Side, Talk, threads,
};
use super::render::{
    Announcements, communication, completed, conversation, conversation_event, conversations,
    incoming_message, invitation, invitation_event, messaging, messaging_event, now, participant,
    participant_added, participant_invitation, participant_invitation_event, participant_removed,
    reason, typing_event,
};

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::COMMUNICATION, get(get_communication))
        .route(route::START_MESSAGING, post(start_messaging))
        .route(route::CONVERSATIONS, get(get_conversations))
        .route(route::PARTICIPANT_INVITATIONS, post(add_participant))
        .route(
            route::PARTICIPANT_INVITATION,
            get(get_participant_invitation),
        )
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
        .merge(super::meeting::routes())
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

/// `to` and `operationId` of an invitation checked against the reference's bounds.
fn check_invitee(to: Option<&str>, operation_id: Option<&str>) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if to.is_none_or(str::is_empty) {
        problems.push(("to", "required".to_owned()));
    }
    if operation_id.is_some_and(|o| o.chars().count() > MAX_OPERATION_ID) {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    problems
}

/// The user `to` names, known or not: an unknown invitee still gets an invitation, which then
/// fails (the server learns it only when it tries to reach them).
fn invitee(state: &State, to: &str) -> (Option<Arc<User>>, Arc<User>) {
    let known = state.directory.find(to).cloned();
    let named = known
        .clone()
        .unwrap_or_else(|| Arc::new(User::stranger(to.strip_prefix("sip:").unwrap_or(to))));
    (known, named)
}

/// What an invitation rings the invitee with.
struct Ringing {
    thread: u64,
    thread_id: String,
    subject: String,
    importance: Importance,
    inviter: Arc<User>,
    message: Option<DataUri>,
    /// The inviter's invitation.
    from: Peer,
}

/// Rings every available application of `invitee` (as a server forks an invitation to each
/// endpoint of the user), each with an incoming side and invitation; where they are. The
/// reason the invitation fails when there is none to ring.
fn ring(
    state: &State,
    invitee: Option<&Arc<User>>,
    ringing: &Ringing,
    out: &mut Announcements,
) -> Result<Vec<Peer>, Box<ErrorBody>> {
    let Some(invitee) = invitee else {
        return Err(Box::new(reason(
            "NotFound",
            "DestinationNotFound",
            "No such user.",
        )));
    };
    let unreachable = || {
        Box::new(reason(
            "RemoteFailure",
            "TemporarilyUnavailable",
            "The user cannot be reached now.",
        ))
    };
    if invitee.published().availability == ucwa::enumerations::Availability::Offline {
        return Err(unreachable());
    }
    let max = state.config.limits.max_conversations;
    // Into a meeting, the invitee is rung with an onlineMeetingInvitation.
    let meeting_uri = super::meeting::uri_of(state, ringing.thread);
    let mut rung = Vec::new();
    for target in state.apps.of(invitee) {
        if !target.is_available() || target.id == ringing.from.app {
            continue;
        }
        let opening = Opening {
            thread: ringing.thread,
            thread_id: ringing.thread_id.clone(),
            subject: ringing.subject.clone(),
            importance: ringing.importance.clone(),
            local: invitee.clone(),
            remote: ringing.inviter.clone(),
            direction: Direction::Incoming,
            operation_id: None,
            message: ringing.message.clone(),
            peer: Some(ringing.from),
        };
        let mut theirs = model::of(&target);
        // An application at its bound is not rung.
        let Some((conversation, invitation)) = theirs.open(opening, max) else {
            continue;
        };
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *theirs;
        let talk = &conversations[&conversation];
        let Some(inv) = invitations.get_mut(&invitation) else {
            continue;
        };
        let started = match &meeting_uri {
            Some(uri) => {
                inv.kind = Kind::Meeting;
                super::meeting::meeting_invitation_event(
                    target.id,
                    invitation,
                    inv,
                    talk,
                    uri,
                    EventType::Started,
                    None,
                )
            }
            None => invitation_event(target.id, invitation, inv, talk, EventType::Started),
        };
        out.communication(target.id, started);
        out.communication(
            target.id,
            conversation_event(target.id, conversation, talk, 1, EventType::Added),
        );
        rung.push(Peer {
            app: target.id,
            id: invitation,
        });
    }
    if rung.is_empty() {
        return Err(unreachable());
    }
    Ok(rung)
}

/// Withdraws an incoming invitation still ringing (answered elsewhere, declined elsewhere,
/// canceled): `completed` with `why`, and its side gone.
pub(super) fn withdraw(state: &State, rung: Peer, why: &ErrorBody, out: &mut Announcements) {
    let Some(app) = state.apps.get(rung.app) else {
        return;
    };
    let mut theirs = model::of(&app);
    let Some(mut inv) = theirs.invitations.remove(&rung.id) else {
        return;
    };
    if !inv.is_ringing() {
        theirs.invitations.insert(rung.id, inv);
        return;
    }
    let Some(mut talk) = theirs.conversations.remove(&inv.conversation) else {
        return;
    };
    // Not held while history hears of it.
    drop(theirs);
    talk.end();
    inv.fail();
    // Nobody answered before the inviter gave up: a missed conversation for the invitee.
    if why.subcode.as_deref() == Some("Canceled") {
        log_ended(state, &talk, Some(&inv), &[], true);
    }
    let event = match inv.kind {
        Kind::Meeting => super::meeting::meeting_invitation_event(
            app.id,
            rung.id,
            &inv,
            &talk,
            &super::meeting::uri_of(state, talk.thread).unwrap_or_default(),
            EventType::Completed,
            Some(why.clone()),
        ),
        _ => completed(app.id, rung.id, &inv, &talk, Some(why.clone())),
    };
    out.communication(app.id, event);
    out.communication(
        app.id,
        conversation_event(app.id, inv.conversation, &talk, 1, EventType::Deleted),
    );
}

/// startMessaging: 201 with the invitation's `Location`, then the invitation runs on the event
/// channel (and on every available application of the invitee).
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
        input.to = query_parameter(&query, "to").map(str::to_owned);
    }
    let mut problems = check_invitee(input.to.as_deref(), input.operation_id.as_deref());
    if let Some(subject) = &input.subject
        && subject.chars().count() > MAX_SUBJECT
    {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let href = open_conversation(&state, &app, &user, &input)?;
    Ok(created_at(&href))
}

/// Opens a conversation from `app` of `user` with `input.to` (checked), ringing the invitee;
/// the href of the outgoing invitation. Used by startMessaging and by history's
/// continueMessaging (through [`hear`]).
fn open_conversation(
    state: &State,
    app: &App,
    user: &Arc<User>,
    input: &StartMessagingPostBody,
) -> Result<String, Refusal> {
    let to = input.to.clone().unwrap_or_default();
    let (known, remote) = invitee(state, &to);
    let subject = input.subject.clone().unwrap_or_default();
    let importance = input.importance.clone().unwrap_or(Importance::Normal);
    let thread_id = format!("{:032x}", state.apps.next_id());
    let message = input.links.message.clone();

    let max = state.config.limits.max_conversations;
    let thread = threads(state).open();
    let mut out = Announcements::default();
    let opened = {
        let mut mine = model::of(app);
        let opening = Opening {
            thread,
            thread_id: thread_id.clone(),
            subject: subject.clone(),
            importance: importance.clone(),
            local: user.clone(),
            remote,
            direction: Direction::Outgoing,
            operation_id: input.operation_id.clone(),
            message: message.clone(),
            peer: None,
        };
        mine.open(opening, max)
            .map(|(conversation_id, invitation_id)| {
                let talk = &mine.conversations[&conversation_id];
                let inv = &mine.invitations[&invitation_id];
                out.communication(
                    app.id,
                    invitation_event(app.id, invitation_id, inv, talk, EventType::Started),
                );
                out.communication(
                    app.id,
                    conversation_event(app.id, conversation_id, talk, 1, EventType::Added),
                );
                out.conversation(
                    app.id,
                    conversation_id,
                    participant_added(app.id, conversation_id, user, true),
                );
                out.conversation(
                    app.id,
                    conversation_id,
                    messaging_event(app.id, conversation_id, talk),
                );
                (conversation_id, invitation_id)
            })
    };
    let Some((conversation_id, invitation_id)) = opened else {
        threads(state).forget_if_empty(thread);
        return Err(limit_exceeded(&format!(
            "This application has {max} conversations already (`limits.max_conversations`)."
        )));
    };
    // The inviter is in the roster from the start: whoever accepts joins it.
    threads(state).join(
        thread,
        Member {
            user: user.clone(),
            side: Side {
                app: app.id,
                conversation: conversation_id,
            },
        },
    );
    let ringing = Ringing {
        thread,
        thread_id,
        subject,
        importance,
        inviter: user.clone(),
        message,
        from: Peer {
            app: app.id,
            id: invitation_id,
        },
    };
    ring_outgoing(state, app, invitation_id, known.as_ref(), &ringing, out);
    Ok(paths::messaging_invitation(app.id, invitation_id))
}

/// This task's listener: a conversation continued from its log (history's
/// continueMessaging) is opened as startMessaging opens one, and its invitation's href (or the
/// refusal) answered.
pub(crate) fn hear(state: &State, news: News<'_>) {
    let News::ContinueMessaging(ask) = news else {
        return;
    };
    let answer = available_at(state, ask.app).and_then(|app| {
        let mut input = StartMessagingPostBody {
            to: Some(ask.to.to_owned()),
            subject: Some(ask.subject.to_owned()).filter(|s| !s.is_empty()),
            operation_id: ask.operation_id.clone(),
            ..Default::default()
        };
        input.links.message = ask.message.clone();
        open_conversation(state, &app, ask.user, &input)
    });
    let _ = ask.answer.set(answer);
}

/// Tells the user's history that their side of a conversation ended: what was said (the
/// invitation's first message, then what the conversation keeps), who else took part.
fn log_ended(state: &State, talk: &Talk, inv: Option<&Invitation>, said: &[Said], missed: bool) {
    let direction = inv.map_or(Direction::Outgoing, |i| i.direction.clone());
    let mut messages = Vec::with_capacity(said.len() + 1);
    if let Some(first) = inv.and_then(|i| i.message.clone()) {
        let from = match direction {
            Direction::Incoming => talk.remote.clone(),
            _ => talk.local.clone(),
        };
        messages.push((from, first));
    }
    messages.extend(said.iter().map(|s| (s.from.clone(), s.text.clone())));
    let mut others: Vec<Arc<User>> = vec![talk.remote.clone()];
    for (from, _) in &messages {
        if !from.is(&talk.local.address) && !others.iter().any(|o| o.is(&from.address)) {
            others.push(from.clone());
        }
    }
    state.notify(News::ConversationEnded(&Ended {
        user: talk.local.clone(),
        thread_id: talk.thread_id.clone(),
        subject: talk.subject.clone(),
        importance: talk.importance.clone(),
        direction,
        missed,
        others,
        messages,
    }));
}

/// Rings the invitee of our outgoing invitation: the applications rung are kept on the
/// invitation (to tell them when another answers), or, when none can be, the invitation fails;
/// then everything said is sent.
fn ring_outgoing(
    state: &State,
    app: &App,
    invitation_id: u64,
    invitee: Option<&Arc<User>>,
    ringing: &Ringing,
    mut out: Announcements,
) {
    match ring(state, invitee, ringing, &mut out) {
        Err(why) => fail_outgoing(state, app, invitation_id, *why, &mut out),
        Ok(rung) => {
            if let Some(inv) = model::of(app).invitations.get_mut(&invitation_id) {
                inv.rung = rung;
            }
        }
    }
    out.send(state);
}

/// What a decline does beyond the declining application: the invitee's other applications stop
/// ringing, and the inviter's invitation (messaging, participant or meeting) fails with `why`.
pub(super) fn tell_inviter_of_decline(
    state: &State,
    declining: u64,
    peer: Option<Peer>,
    why: ErrorBody,
    out: &mut Announcements,
) {
    if let Some(peer) = peer
        && let Some((inviter, _, _, rung)) = answered(state, peer)
    {
        for other in rung.into_iter().filter(|r| r.app != declining) {
            withdraw(state, other, &why, out);
        }
        fail_outgoing(state, &inviter, peer.id, why, out);
    }
}

/// Ends an outgoing invitation that reached no one, or was declined: `completed` with `why`.
/// A messaging invitation's conversation goes with it; a participant invitation's stays.
pub(super) fn fail_outgoing(
    state: &State,
    app: &App,
    invitation: u64,
    why: ErrorBody,
    out: &mut Announcements,
) {
    let mut mine = model::of(app);
    let Some(mut inv) = mine.invitations.remove(&invitation) else {
        return;
    };
    inv.fail();
    let conversation = inv.conversation;
    if inv.kind == Kind::Participant {
        if let Some(talk) = mine.conversations.get(&conversation) {
            out.communication(
                app.id,
                participant_invitation_event(
                    app.id,
                    invitation,
                    &inv,
                    talk,
                    EventType::Completed,
                    Some(why),
                ),
            );
        }
        return;
    }
    let Some(mut talk) = mine.conversations.remove(&conversation) else {
        return;
    };
    drop(mine);
    talk.end();
    out.communication(
        app.id,
        completed(app.id, invitation, &inv, &talk, Some(why)),
    );
    out.communication(
        app.id,
        conversation_event(app.id, conversation, &talk, 1, EventType::Deleted),
    );
    threads(state).leave(
        talk.thread,
        Side {
            app: app.id,
            conversation,
        },
    );
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let resource = render_invitation(&app, invitation_id, Kind::Messaging, invitation)?;
    Ok(payload(format, StatusCode::OK, &resource))
}

async fn get_participant_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let resource = render_invitation(
        &app,
        invitation_id,
        Kind::Participant,
        participant_invitation,
    )?;
    Ok(payload(format, StatusCode::OK, &resource))
}

/// The invitation of `kind` the application holds, rendered with its conversation; 404 when
/// there is none of that kind (an id of the other kind included).
fn render_invitation<R>(
    app: &App,
    invitation_id: u64,
    kind: Kind,
    render: fn(u64, u64, &Invitation, &Talk) -> R,
) -> Result<R, Refusal> {
    let mine = model::of(app);
    let inv = mine
        .invitations
        .get(&invitation_id)
        .filter(|inv| inv.kind == kind)
        .ok_or_else(not_found)?;
    let talk = mine
        .conversations
        .get(&inv.conversation)
        .ok_or_else(not_found)?;
    Ok(render(app.id, invitation_id, inv, talk))
}

/// The incoming invitation `invitation_id` of `app`, still ringing: its conversation's id and
/// the inviter's invitation.
fn ringing(app: &App, invitation_id: u64) -> Result<(u64, Option<Peer>), Refusal> {
    let mine = model::of(app);
    let inv = mine
        .invitations
        .get(&invitation_id)
        .filter(|inv| inv.kind != Kind::Meeting)
        .ok_or_else(not_found)?;
    if inv.direction != Direction::Incoming || !inv.is_ringing() {
        return Err(conflict(
            "InvalidState",
            "The invitation is not waiting for an answer.",
        ));
    }
    Ok((inv.conversation, inv.peer))
}

/// One side of an accepted invitation connects: its conversation and messaging, the others
/// in the roster added, its invitation completed — announced in the walkthroughs' order.
fn connect(
    app: u64,
    conversation: u64,
    invitation: u64,
    (talk, inv): (&mut Talk, &mut Invitation),
    roster: &[Member],
    out: &mut Announcements,
) {
    talk.connect(inv);
    out.communication(
        app,
        conversation_event(
            app,
            conversation,
            talk,
            roster.len() + 1,
            EventType::Updated,
        ),
    );
    for member in roster {
        out.conversation(
            app,
            conversation,
            participant_added(app, conversation, &member.user, false),
        );
    }
    out.conversation(app, conversation, messaging_event(app, conversation, talk));
    out.communication(app, completed(app, invitation, inv, talk, None));
}

/// The inviter's outgoing invitation `peer`, as the invitee accepted it: its kind, its
/// conversation, and the other applications it rang.
pub(super) fn answered(state: &State, peer: Peer) -> Option<(Arc<App>, Kind, u64, Vec<Peer>)> {
    let inviter = state.apps.get(peer.app)?;
    let mut theirs = model::of(&inviter);
    let inv = theirs.invitations.get_mut(&peer.id)?;
    if !inv.is_ringing() {
        return None;
    }
    let rung = std::mem::take(&mut inv.rung);
    let found = (inv.kind, inv.conversation, rung);
    drop(theirs);
    Some((inviter, found.0, found.1, found.2))
}

/// accept: the first application of the invitee to accept wins (the others' invitations are
/// withdrawn, `ConnectedElsewhere`); it joins the roster, everyone in it hears of it; then the
/// first message (if any) is delivered.
async fn accept(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path((id, invitation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = available_at(&state, id)?;
    let (conversation_id, peer) = ringing(&app, invitation_id)?;
    let mut out = Announcements::default();
    // The inviter's invitation, if it still waits: another application may have won.
    let inviter = peer.and_then(|peer| answered(&state, peer).map(|found| (peer, found)));
    if peer.is_some() && inviter.is_none() {
        return Err(conflict(
            "InvalidState",
            "The invitation was answered elsewhere or withdrawn.",
        ));
    }
    let thread = model::of(&app)
        .conversations
        .get(&conversation_id)
        .map(|t| t.thread)
        .ok_or_else(not_found)?;
    let side = Side {
        app: app.id,
        conversation: conversation_id,
    };
    let roster = threads(&state)
        .join(
            thread,
            Member {
                user: user.clone(),
                side,
            },
        )
        .unwrap_or_default();
    let first_message = {
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
        connect(
            app.id,
            conversation_id,
            invitation_id,
            (talk, inv),
            &roster,
            &mut out,
        );
        let first = inv.message.clone().map(|m| (m, talk.take_message_number()));
        first.map(|(m, n)| (m, n, talk.remote.clone()))
    };
    if let Some((message, number, remote)) = first_message {
        out.conversation(
            app.id,
            conversation_id,
            incoming_message(app.id, conversation_id, number, &remote, message),
        );
    }
    let mut inviter_side = None;
    if let Some((peer, (inviter, kind, conversation, rung))) = inviter {
        inviter_side = Some(Side {
            app: inviter.id,
            conversation,
        });
        let elsewhere = reason(
            "RemoteFailure",
            "ConnectedElsewhere",
            "Another application of the user accepted the invitation.",
        );
        for other in rung.into_iter().filter(|r| r.app != app.id) {
            withdraw(&state, other, &elsewhere, &mut out);
        }
        let mut theirs = model::of(&inviter);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *theirs;
        if let (Some(inv), Some(talk)) = (
            invitations.get_mut(&peer.id),
            conversations.get_mut(&conversation),
        ) {
            match kind {
                Kind::Messaging => {
                    let others: Vec<Member> = vec![Member {
                        user: user.clone(),
                        side,
                    }];
                    connect(
                        inviter.id,
                        conversation,
                        peer.id,
                        (talk, inv),
                        &others,
                        &mut out,
                    );
                }
                Kind::Meeting => {}
                Kind::Participant => {
                    inv.state = InvitationState::Connected;
                    out.conversation(
                        inviter.id,
                        conversation,
                        participant_added(inviter.id, conversation, &user, false),
                    );
                    out.communication(
                        inviter.id,
                        participant_invitation_event(
                            inviter.id,
                            peer.id,
                            inv,
                            talk,
                            EventType::Completed,
                            None,
                        ),
                    );
                    invitations.remove(&peer.id);
                }
            }
        }
    }
    // Everyone else in the roster hears of the newcomer.
    for member in roster.iter().filter(|m| Some(m.side) != inviter_side) {
        out.conversation(
            member.side.app,
            member.side.conversation,
            participant_added(member.side.app, member.side.conversation, &user, false),
        );
    }
    out.send(&state);
    Ok(no_content())
}

/// decline: the invitee's invitation and side end, and so does the ringing on its other
/// applications; the inviter's invitation fails with `Declined`.
async fn decline(
    Extract(state): Extract<Shared>,
    Path((id, invitation_id)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let _: DeclinePostBody = decode_or_default(&headers, &body)?;
    let (_, peer) = ringing(&app, invitation_id)?;
    let mut out = Announcements::default();
    let declined = reason("RemoteFailure", "Declined", "The invitation was declined.");
    {
        let mut mine = model::of(&app);
        if let Some(mut inv) = mine.invitations.remove(&invitation_id)
            && let Some(mut talk) = mine.conversations.remove(&inv.conversation)
        {
            talk.end();
            inv.decline();
            out.communication(app.id, completed(app.id, invitation_id, &inv, &talk, None));
            out.communication(
                app.id,
                conversation_event(app.id, inv.conversation, &talk, 1, EventType::Deleted),
            );
        }
    }
    tell_inviter_of_decline(&state, app.id, peer, declined, &mut out);
    out.send(&state);
    Ok(no_content())
}

/// addParticipant: invites `to` into a connected conversation (escalating a two-party one to
/// a conference); 201 with the participantInvitation's `Location`, which then completes when
/// one of the invitee's applications accepts, declines, or none can be reached.
async fn add_participant(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let conversation_id = query_parameter(&query, "conversation")
        .and_then(|c| c.parse::<u64>().ok())
        .ok_or_else(|| {
            invalid_parameters(&[("conversation", "the conversation's number".to_owned())])
        })?;
    let mut input: AddParticipantPostBody = decode(&headers, &body)?;
    if input.to.is_none() {
        input.to = query_parameter(&query, "to").map(str::to_owned);
    }
    let problems = check_invitee(input.to.as_deref(), input.operation_id.as_deref());
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let to = input.to.clone().unwrap_or_default();
    let (known, named) = invitee(&state, &to);
    // Connected (a meeting's side may invite before its messaging is added).
    let joined = model::of(&app)
        .conversations
        .get(&conversation_id)
        .map(|talk| talk.state == ConversationState::Connected);
    match joined {
        None => return Err(not_found()),
        Some(false) => {
            return Err(conflict_without_subcode(
                "The conversation is not connected.",
            ));
        }
        Some(true) => {}
    }
    let (thread, thread_id, subject, importance) = {
        let mine = model::of(&app);
        let talk = mine
            .conversations
            .get(&conversation_id)
            .ok_or_else(not_found)?;
        (
            talk.thread,
            talk.thread_id.clone(),
            talk.subject.clone(),
            talk.importance.clone(),
        )
    };
    {
        let mut all = threads(&state);
        if all.member(thread, &named.address).is_some() {
            return Err(already_exists("That user is in the conversation already."));
        }
        all.escalate(thread);
    }
    let mut out = Announcements::default();
    let invitation_id = {
        let mut mine = model::of(&app);
        let invitation_id = mine.invite(conversation_id, named, input.operation_id.clone());
        let inv = &mine.invitations[&invitation_id];
        let talk = &mine.conversations[&conversation_id];
        out.communication(
            app.id,
            participant_invitation_event(
                app.id,
                invitation_id,
                inv,
                talk,
                EventType::Started,
                None,
            ),
        );
        invitation_id
    };
    let ringing = Ringing {
        thread,
        thread_id,
        subject,
        importance,
        inviter: user.clone(),
        message: None,
        from: Peer {
            app: app.id,
            id: invitation_id,
        },
    };
    ring_outgoing(&state, &app, invitation_id, known.as_ref(), &ringing, out);
    Ok(created_at(&paths::participant_invitation(
        app.id,
        invitation_id,
    )))
}

async fn get_conversations(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let ids: Vec<u64> = model::of(&app).conversations.keys().copied().collect();
    Ok(payload(
        format,
        StatusCode::OK,
        &conversations(app.id, ids.into_iter()),
    ))
}

async fn get_conversation(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let thread = model::of(&app)
        .conversations
        .get(&conversation_id)
        .map(|t| t.thread)
        .ok_or_else(not_found)?;
    let count = threads(&state).count(thread);
    let mine = model::of(&app);
    let talk = mine
        .conversations
        .get(&conversation_id)
        .ok_or_else(not_found)?;
    let mut resource = conversation(app.id, conversation_id, talk, count);
    let local = talk.local.clone();
    drop(mine);
    super::meeting::dress_conversation(
        &state,
        app.id,
        conversation_id,
        thread,
        &local,
        &mut resource,
    );
    Ok(payload(format, StatusCode::OK, &resource))
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
    let mut resource = messaging(app.id, conversation_id, talk);
    // A joined meeting's messaging is added to it.
    let meeting = mine
        .invitations
        .get(&talk.invitation)
        .is_some_and(|inv| inv.kind == Kind::Meeting);
    if meeting && talk.is_joined_without_messaging() {
        resource.links.add_messaging = Some(Link::to(paths::in_messaging(
            app.id,
            conversation_id,
            "addMessaging",
        )));
    }
    Ok(payload(format, StatusCode::OK, &resource))
}

/// A participant of a messaging conversation (`None` when `conversation_id` has none of that
/// address), for the participant route the scripted call shares.
pub(crate) fn participant_of(
    state: &State,
    app: &App,
    conversation_id: u64,
    address: &str,
) -> Option<Participant> {
    let (thread, local, connected) = {
        let mine = model::of(app);
        let talk = mine.conversations.get(&conversation_id)?;
        (
            talk.thread,
            talk.local.clone(),
            talk.state == ConversationState::Connected,
        )
    };
    let member = threads(state).member(thread, address);
    let seen = if local.is(address) {
        Some(&local)
    } else {
        member.as_ref().map(|m| &m.user).filter(|_| connected)
    };
    // A meeting's participants carry their role (and those waiting in its lobby are seen).
    if let Some(dressed) = super::meeting::dress_participant(
        state,
        app.id,
        conversation_id,
        thread,
        &local,
        address,
        seen,
    ) {
        return Some(dressed);
    }
    let user = seen?;
    Some(participant(
        app.id,
        conversation_id,
        user,
        local.is(address),
    ))
}

/// The conversation `conversation_id` of `app`, connected: its place in the roster.
fn connected(app: &App, conversation_id: u64) -> Result<(u64, Arc<User>), Refusal> {
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
    Ok((talk.thread, talk.local.clone()))
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

/// The others in `thread` than `side` whose application still exists. Those whose application
/// is gone (deleted, expired, recreated by the server) leave the roster, as a server drops an
/// endpoint that no longer answers, and the rest hear it.
fn reachable_others(
    state: &State,
    thread: u64,
    side: Side,
    out: &mut Announcements,
) -> Vec<(Member, Arc<App>)> {
    let others = threads(state).others(thread, side);
    let mut reachable = Vec::new();
    for member in others {
        match state.apps.get(member.side.app) {
            Some(app) => reachable.push((member, app)),
            None => leave(state, thread, member.side, out),
        }
    }
    reachable
}

/// sendMessage: `text/plain` or `text/html`; 201 with the message's `Location`; the sender
/// hears it completed, everyone else in the conversation receives it, and it is kept.
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
    // The message as the others receive it, made before anything changes.
    let text = std::str::from_utf8(&body)
        .map_err(|_| "not UTF-8 text".to_owned())
        .and_then(|text| {
            DataUri::from_bytes(&format!("{media_type};charset=utf-8"), text.as_bytes())
                .map_err(|e| e.to_string())
        })
        .map_err(|reason| invalid_parameters(&[("body", reason)]))?;
    let (thread, local) = connected(&app, conversation_id)?;
    super::meeting::may_send(&state, thread, &local)?;
    let mut out = Announcements::default();
    let number = model::of(&app)
        .conversations
        .get_mut(&conversation_id)
        .map(Talk::take_message_number)
        .ok_or_else(not_found)?;
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
    let side = Side {
        app: app.id,
        conversation: conversation_id,
    };
    for (member, other) in reachable_others(&state, thread, side, &mut out) {
        let their = member.side.conversation;
        // A meeting side receives once its messaging is added.
        let number = model::of(&other)
            .conversations
            .get_mut(&their)
            .filter(|talk| talk.is_connected())
            .map(Talk::take_message_number);
        if let Some(number) = number {
            // Typing ends with the message.
            let typing = typing_event(other.id, their, &local, EventType::Deleted);
            out.conversation(other.id, their, typing);
            out.conversation(
                other.id,
                their,
                incoming_message(other.id, their, number, &local, text.clone()),
            );
        }
    }
    threads(&state).keep(
        thread,
        Said { from: local, text },
        state.config.limits.max_messages,
    );
    out.send(&state);
    Ok(created_at(&href))
}

/// setIsTyping: everyone else in the conversation hears the participant is typing.
async fn set_typing(
    Extract(state): Extract<Shared>,
    Path((id, conversation_id)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, local) = connected(&app, conversation_id)?;
    let mut out = Announcements::default();
    let side = Side {
        app: app.id,
        conversation: conversation_id,
    };
    for (member, _) in reachable_others(&state, thread, side, &mut out) {
        let (app, conversation) = (member.side.app, member.side.conversation);
        out.conversation(
            app,
            conversation,
            typing_event(app, conversation, &local, EventType::Added),
        );
    }
    out.send(&state);
    Ok(no_content())
}

/// Ends side `side` of a conversation for its own application: its messaging disconnected,
/// then the conversation deleted; an outgoing invitation still ringing is withdrawn.
///
/// Its user's history hears of it: the messages are those the conversation keeps, or `said`
/// when the conversation is already gone (the other side of a two-party one that just ended).
pub(super) fn close_side(
    state: &State,
    side: Side,
    out: &mut Announcements,
    said: Option<&[Said]>,
) -> Option<Talk> {
    let app = state.apps.get(side.app)?;
    let mut mine = model::of(&app);
    let mut talk = mine.conversations.remove(&side.conversation)?;
    let inv = mine.invitations.remove(&talk.invitation);
    drop(mine);
    talk.end();
    let kept: Vec<Said> = match said {
        Some(said) => said.to_vec(),
        None => threads(state)
            .threads
            .get(&talk.thread)
            .map(|t| t.messages.iter().cloned().collect())
            .unwrap_or_default(),
    };
    log_ended(state, &talk, inv.as_ref(), &kept, false);
    out.conversation(
        side.app,
        side.conversation,
        messaging_event(side.app, side.conversation, &talk),
    );
    out.communication(
        side.app,
        conversation_event(side.app, side.conversation, &talk, 0, EventType::Deleted),
    );
    if let Some(inv) = inv
        && inv.direction == Direction::Outgoing
        && inv.is_ringing()
    {
        let canceled = reason("RemoteFailure", "Canceled", "The inviter canceled.");
        for rung in inv.rung {
            withdraw(state, rung, &canceled, out);
        }
    }
    Some(talk)
}

/// `side` leaves `thread`: the others hear that the participant left; in a two-party
/// conversation the other side ends too.
pub(super) fn leave(state: &State, thread: u64, side: Side, out: &mut Announcements) {
    let left = threads(state).leave(thread, side);
    let Some(member) = left.member else {
        return;
    };
    for other in &left.remaining {
        let (app, conversation) = (other.side.app, other.side.conversation);
        out.conversation(
            app,
            conversation,
            participant_removed(app, conversation, &member.user),
        );
        if left.ends {
            close_side(state, other.side, out, Some(&left.messages));
        }
    }
}

/// Ends conversation `conversation_id` of `app` and takes it out of the roster.
fn end(state: &State, app: &App, conversation_id: u64) -> Result<(), Refusal> {
    let side = Side {
        app: app.id,
        conversation: conversation_id,
    };
    let mut out = Announcements::default();
    let talk = close_side(state, side, &mut out, None).ok_or_else(not_found)?;
    leave(state, talk.thread, side, &mut out);
    super::meeting::left_lobby(state, talk.thread, side, &mut out);
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

/// The messages conversation `conversation_id` of application `app` keeps: the sender's
/// address and the text (for [`crate::api::Observed::messages`]).
pub(crate) fn messages(state: &State, app: u64, conversation_id: u64) -> Vec<(String, String)> {
    let Some(app) = state.apps.get(app) else {
        return Vec::new();
    };
    let Some(thread) = model::of(&app)
        .conversations
        .get(&conversation_id)
        .map(|t| t.thread)
    else {
        return Vec::new();
    };
    let all = threads(state);
    let Some(t) = all.threads.get(&thread) else {
        return Vec::new();
    };
    t.messages
        .iter()
        .map(|said| {
            let text = said
                .text
                .decode()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default();
            (said.from.address.clone(), text)
        })
        .collect()
}
