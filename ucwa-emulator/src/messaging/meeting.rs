//! Meetings as conversations, over HTTP: meet now (`startOnlineMeeting`), joining a meeting by
//! its URI (`joinOnlineMeeting`), its messaging (`addMessaging`), and what a leader does with
//! its roster — the lobby (admit, reject), eject, promote, demote, and the `lobby`,
//! `attendees` and `leaders` lists, the audience settings (messaging for attendees, the mute
//! lock) — with the events each change causes to every side.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::enumerations::{
    AccessLevel, AudienceMessaging, ConversationState, Direction, Importance, InvitationState,
    Role, SourceNetwork,
};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{
    AddMessagingPostBody, JoinOnlineMeetingPostBody, StartOnlineMeetingPostBody,
};
use ucwa::resources::{
    AnyResource, Attendees, Conversation, Leaders, Lobby, OnlineMeeting, OnlineMeetingInvitation,
    Participant,
};
use ucwa::{ErrorBody, Link, Uri};

use crate::channel::with_resource;
use crate::directory::User;
use crate::focus::{Admission, AutoLeaders, Booked, book};
use crate::handler::{Answer, Caller, Shared, application_at, available_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, check, conflict, created_at, decode_or_default, forbidden,
    invalid_parameters, limit_exceeded, no_content, not_found, not_found_as, payload,
    query_parameter,
};
use crate::state::{App, State};

use super::conference::{Focus, Waiting, conferences};
use super::model::{
    self, Conversations, Invitation, Kind, MAX_OPERATION_ID, MAX_SUBJECT, Member, ModalityState,
    Opening, Peer, Side, Talk, threads,
};
use super::render::{
    Announcements, completed, conversation as conversation_resource, conversation_event,
    invitation_event, messaging_event, participant, participant_invitation_event, participant_path,
    reason,
};
use super::routes::{answered, close_side, leave, tell_inviter_of_decline, withdraw};

/// The routes of meetings, under the application's path.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::START_ONLINE_MEETING, post(start_online_meeting))
        .route(route::MEETING_JOINS, post(join))
        .route(route::MEETING_JOIN, get(get_invitation))
        .route(route::MEETING_ACCEPT, post(accept))
        .route(route::MEETING_DECLINE, post(decline))
        .route(route::JOINED_MEETING, get(get_online_meeting))
        .route(route::ADD_MESSAGING, post(add_messaging))
        .route(route::LOBBY, get(get_lobby))
        .route(route::ATTENDEES, get(get_attendees))
        .route(route::LEADERS, get(get_leaders))
        .route(route::PARTICIPANT_ACTION, post(act))
        .route(
            route::ENABLE_AUDIENCE_MESSAGING,
            post(enable_audience_messaging),
        )
        .route(
            route::DISABLE_AUDIENCE_MESSAGING,
            post(disable_audience_messaging),
        )
        .route(
            route::ENABLE_AUDIENCE_MUTE_LOCK,
            post(enable_audience_mute_lock),
        )
        .route(
            route::DISABLE_AUDIENCE_MUTE_LOCK,
            post(disable_audience_mute_lock),
        )
}

// ---- resources ------------------------------------------------------------------------------

/// A side's meeting invitation.
fn meeting_invitation(
    app: u64,
    id: u64,
    inv: &Invitation,
    talk: &Talk,
    uri: &str,
) -> OnlineMeetingInvitation {
    let mut resource = OnlineMeetingInvitation {
        direction: Some(inv.direction.clone()),
        importance: Some(talk.importance.clone()),
        online_meeting_uri: Some(Uri::new(uri.to_owned())),
        operation_id: inv.operation_id.clone(),
        state: Some(inv.state.clone()),
        subject: Some(talk.subject.clone()),
        thread_id: Some(talk.thread_id.clone()),
        available_modalities: Some(vec!["Messaging".to_owned()]),
        to: Some(Uri::new(uri.to_owned())),
        ..OnlineMeetingInvitation::default()
    };
    resource.links.self_ = Some(Link::to(paths::meeting_join(app, id)));
    resource.links.conversation = Some(Link::to(paths::conversation(app, inv.conversation)));
    if inv.direction == Direction::Incoming {
        // Invited into the meeting by someone in it.
        let mut from = Link::to(participant_path(app, inv.conversation, &talk.remote));
        from.title = Some(talk.remote.name.clone());
        resource.links.from = Some(from);
        if inv.state == InvitationState::Connecting {
            resource.links.accept = Some(Link::to(paths::in_meeting_join(app, id, "accept")));
            resource.links.decline = Some(Link::to(paths::in_meeting_join(app, id, "decline")));
        }
    }
    resource
}

/// The URI of the meeting of `thread`, when it is one.
pub(super) fn uri_of(state: &State, thread: u64) -> Option<String> {
    conferences(state)
        .focus(thread)
        .map(|f| f.booked.uri.clone())
}

pub(super) fn meeting_invitation_event(
    app: u64,
    id: u64,
    inv: &Invitation,
    talk: &Talk,
    uri: &str,
    kind: EventType,
    why: Option<ErrorBody>,
) -> Event<AnyResource> {
    let mut event = with_resource(
        kind.clone(),
        "onlineMeetingInvitation",
        Link::new(paths::meeting_join(app, id)),
        AnyResource::OnlineMeetingInvitation(Box::new(meeting_invitation(app, id, inv, talk, uri))),
    );
    if kind == EventType::Completed {
        event.status = Some(if why.is_some() { "Failure" } else { "Success" }.to_owned());
        event.reason = why;
    }
    event
}

/// The meeting as the side `conversation` of `app` sees it.
fn online_meeting(app: u64, conversation: u64, focus: &Focus) -> OnlineMeeting {
    let mut meeting = focus.booked.meeting.clone();
    meeting.links.self_ = Some(Link::to(paths::in_conversation(
        app,
        conversation,
        "onlineMeeting",
    )));
    meeting.links.conversation = Some(Link::to(paths::conversation(app, conversation)));
    meeting
}

/// `user` as a participant of a meeting, seen by `viewer` on side `conversation` of `app`:
/// their role, whether they wait in the lobby, and the operations a leader may use on them.
fn meeting_participant(
    app: u64,
    conversation: u64,
    focus: &Focus,
    user: &User,
    viewer: &User,
    in_lobby: bool,
) -> Participant {
    let local = user.is(&viewer.address);
    let mut p = participant(app, conversation, user, local);
    let leads = focus.leads(user);
    p.role = Some(if leads { Role::Leader } else { Role::Attendee });
    p.in_lobby = Some(in_lobby);
    p.organizer = Some(user.is(&focus.booked.organizer.address));
    // A guest (signed in with the anonymous meeting grant) is nobody of the directory.
    if user.is_anonymous() {
        p.anonymous = Some(true);
        p.source_network = Some(SourceNetwork::Everyone);
        p.links.contact = None;
        p.links.contact_presence = None;
        p.links.contact_photo = None;
    }
    if focus.leads(viewer) && !local {
        let action = |rel| paths::in_participant(app, conversation, &user.address, rel);
        if in_lobby {
            p.links.admit = Some(Link::to(action("admit")));
            p.links.reject = Some(Link::to(action("reject")));
        } else {
            p.links.eject = Some(Link::to(action("eject")));
            if leads {
                p.links.demote = Some(Link::to(action("demote")));
            } else {
                p.links.promote = Some(Link::to(action("promote")));
            }
        }
    }
    p
}

fn participant_event(
    kind: EventType,
    app: u64,
    conversation: u64,
    resource: Participant,
    user: &User,
    local: bool,
) -> Event<AnyResource> {
    let rel = if local {
        "localParticipant"
    } else {
        "participant"
    };
    let mut event = with_resource(
        kind,
        rel,
        Link::new(participant_path(app, conversation, user)),
        AnyResource::Participant(Box::new(resource)),
    );
    event.link.title = Some(user.name.clone());
    event
}

/// A lobby event (`added`, `deleted`) about `user`, in the lobby of `conversation`.
fn lobby_event(
    kind: EventType,
    app: u64,
    conversation: u64,
    resource: Option<Participant>,
    user: &User,
) -> Event<AnyResource> {
    let link = Link::new(participant_path(app, conversation, user));
    let mut event = match resource {
        Some(p) => with_resource(
            kind,
            "participant",
            link,
            AnyResource::Participant(Box::new(p)),
        ),
        None => Event::new(kind, "participant", link),
    };
    event.link.title = Some(user.name.clone());
    event.in_link = Some(Link::new(paths::in_conversation(
        app,
        conversation,
        "lobby",
    )));
    event.in_rel = Some("lobby".to_owned());
    event
}

/// Adds to a meeting side's conversation, as `viewer` sees it, what only a meeting has: its
/// lists, its audience settings, and for a leader the switches of those settings
/// (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/conversation_ref>).
pub(super) fn dress_conversation(
    state: &State,
    app: u64,
    id: u64,
    thread: u64,
    viewer: &User,
    c: &mut Conversation,
) {
    let (messaging, mute_lock, leads) = {
        let all = conferences(state);
        let Some(focus) = all.focus(thread) else {
            return;
        };
        (
            focus.audience_messaging,
            focus.audience_mute_lock,
            focus.leads(viewer),
        )
    };
    c.audience_messaging = Some(if messaging {
        AudienceMessaging::Enabled
    } else {
        AudienceMessaging::Disabled
    });
    // `audienceMute` is a string in the reference's table; its sample and the
    // AudienceMuteLock enumeration give the values.
    c.audience_mute = Some(if mute_lock { "Enabled" } else { "Disabled" }.to_owned());
    let links = &mut c.links;
    if leads {
        if messaging {
            links.disable_audience_messaging = Some(Link::to(paths::in_messaging(
                app,
                id,
                "disableAudienceMessaging",
            )));
        } else {
            links.enable_audience_messaging = Some(Link::to(paths::in_messaging(
                app,
                id,
                "enableAudienceMessaging",
            )));
        }
        if mute_lock {
            links.disable_audience_mute_lock = Some(Link::to(paths::in_conversation(
                app,
                id,
                "disableAudienceMuteLock",
            )));
        } else {
            links.enable_audience_mute_lock = Some(Link::to(paths::in_conversation(
                app,
                id,
                "enableAudienceMuteLock",
            )));
        }
    }
    links.online_meeting = Some(Link::to(paths::in_conversation(app, id, "onlineMeeting")));
    links.lobby = Some(Link::to(paths::in_conversation(app, id, "lobby")));
    links.attendees = Some(Link::to(paths::in_conversation(app, id, "attendees")));
    links.leaders = Some(Link::to(paths::in_conversation(app, id, "leaders")));
}

/// A participant of a meeting side, as `viewer` sees it (`None` when the conversation is no
/// meeting); one waiting in its lobby included.
pub(super) fn dress_participant(
    state: &State,
    app: u64,
    conversation: u64,
    thread: u64,
    viewer: &User,
    address: &str,
    roster: Option<&Arc<User>>,
) -> Option<Participant> {
    let all = conferences(state);
    let focus = all.focus(thread)?;
    if let Some(user) = roster {
        return Some(meeting_participant(
            app,
            conversation,
            focus,
            user,
            viewer,
            false,
        ));
    }
    let waiting = focus.waiting(address)?;
    Some(meeting_participant(
        app,
        conversation,
        focus,
        &waiting.member.user,
        viewer,
        true,
    ))
}

// ---- beginning and entering ---------------------------------------------------------------

/// What a start or a join asks for.
struct Entering {
    subject: Option<String>,
    importance: Importance,
    operation_id: Option<String>,
    thread_id: Option<String>,
}

fn check_entering(operation_id: Option<&str>, subject: Option<&str>) -> Result<(), Refusal> {
    let mut problems = Vec::new();
    if operation_id.is_some_and(|o| o.chars().count() > MAX_OPERATION_ID) {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    if subject.is_some_and(|s| s.chars().count() > MAX_SUBJECT) {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(invalid_parameters(&problems))
    }
}

/// Begins meeting `booked` in a new conference conversation: its thread. Meetings whose
/// conversation has ended are forgotten first.
fn begin(state: &State, booked: Booked) -> Result<u64, Refusal> {
    let max = state.config.limits.max_meeting_joins;
    let ended: Vec<u64> = {
        let candidates = conferences(state).threads();
        let all = threads(state);
        candidates
            .into_iter()
            .filter(|t| !all.threads.contains_key(t))
            .collect()
    };
    let thread = {
        let mut all = threads(state);
        let thread = all.open();
        all.escalate(thread);
        thread
    };
    let mut meetings = conferences(state);
    for t in ended {
        meetings.end(t);
    }
    if meetings.begin(thread, booked, max).is_err() {
        drop(meetings);
        threads(state).forget_if_empty(thread);
        return Err(limit_exceeded(&format!(
            "{max} meetings are in progress already (`limits.max_meeting_joins`)."
        )));
    }
    Ok(thread)
}

/// `user` on `app` enters the meeting of `thread`: a side with its meeting invitation, then
/// either a seat in the roster or a place in the lobby. 201 with the invitation's `Location`.
fn enter(state: &State, app: &App, user: &Arc<User>, thread: u64, entering: Entering) -> Answer {
    let (booked, enters) = {
        let all = conferences(state);
        let focus = all.focus(thread).ok_or_else(not_found)?;
        (focus.booked.clone(), focus.enters(user))
    };
    let subject = entering
        .subject
        .or_else(|| booked.subject.clone())
        .unwrap_or_default();
    let thread_id = entering
        .thread_id
        .unwrap_or_else(|| format!("{:032x}", state.apps.next_id()));
    let mut out = Announcements::default();
    let max = state.config.limits.max_conversations;
    let opened = {
        let mut mine = model::of(app);
        let opening = Opening {
            thread,
            thread_id,
            subject,
            importance: entering.importance,
            local: user.clone(),
            remote: booked.organizer.clone(),
            direction: Direction::Outgoing,
            operation_id: entering.operation_id,
            message: None,
            peer: None,
        };
        mine.open(opening, max).map(|(conversation, invitation)| {
            let Conversations {
                conversations,
                invitations,
                ..
            } = &mut *mine;
            // Both were opened just now, under this lock.
            if let (Some(inv), Some(talk)) = (
                invitations.get_mut(&invitation),
                conversations.get(&conversation),
            ) {
                inv.kind = Kind::Meeting;
                inv.to = booked.organizer.clone();
                out.communication(
                    app.id,
                    meeting_invitation_event(
                        app.id,
                        invitation,
                        inv,
                        talk,
                        &booked.uri,
                        EventType::Started,
                        None,
                    ),
                );
                out.communication(
                    app.id,
                    conversation_event(app.id, conversation, talk, 1, EventType::Added),
                );
            }
            (conversation, invitation)
        })
    };
    let Some((conversation, invitation)) = opened else {
        return Err(limit_exceeded(&format!(
            "This application has {max} conversations already (`limits.max_conversations`)."
        )));
    };
    let member = Member {
        user: user.clone(),
        side: Side {
            app: app.id,
            conversation,
        },
    };
    if enters {
        seat(state, thread, member, invitation, &mut out);
    } else {
        let waiting = Waiting {
            member: member.clone(),
            invitation,
        };
        let max = state.config.limits.max_lobby;
        if !conferences(state).wait(thread, waiting, max) {
            let full = reason("Forbidden", "LobbyFull", "The meeting's lobby is full.");
            drop_side(state, member.side, invitation, &booked.uri, full, &mut out);
        } else {
            // The leaders in the meeting hear someone waits.
            let all = conferences(state);
            let focus = all.focus(thread).ok_or_else(not_found)?;
            for m in threads(state).others(thread, member.side) {
                if focus.leads(&m.user) {
                    let (a, c) = (m.side.app, m.side.conversation);
                    let p = meeting_participant(a, c, focus, user, &m.user, true);
                    out.conversation(a, c, lobby_event(EventType::Added, a, c, Some(p), user));
                }
            }
        }
    }
    out.send(state);
    Ok(created_at(&paths::meeting_join(app.id, invitation)))
}

/// The side `side`, ended while it waited in the lobby of `thread`, leaves it: the leaders
/// hear it.
pub(super) fn left_lobby(state: &State, thread: u64, side: Side, out: &mut Announcements) {
    let mut all = conferences(state);
    let Some(focus) = all.focus_mut(thread) else {
        return;
    };
    let Some(at) = focus.lobby.iter().position(|w| w.member.side == side) else {
        return;
    };
    let waiting = focus.lobby.remove(at);
    let Some(focus) = all.focus(thread) else {
        return;
    };
    for m in threads(state).others(thread, side) {
        if focus.leads(&m.user) {
            let (a, c) = (m.side.app, m.side.conversation);
            let user = &waiting.member.user;
            out.conversation(a, c, lobby_event(EventType::Deleted, a, c, None, user));
        }
    }
}

/// `member` takes their seat in the meeting of `thread` (entering, or admitted from the
/// lobby): their side connects and hears everyone there, everyone there hears them, their
/// invitation completes.
fn seat(state: &State, thread: u64, member: Member, invitation: u64, out: &mut Announcements) {
    // A side gone while it waited (its application deleted) takes no seat.
    let Some(app) = state.apps.get(member.side.app) else {
        return;
    };
    let conversation = member.side.conversation;
    if !model::of(&app).conversations.contains_key(&conversation) {
        return;
    }
    let roster = threads(state)
        .join(thread, member.clone())
        .unwrap_or_default();
    let all = conferences(state);
    let Some(focus) = all.focus(thread) else {
        return;
    };
    let user = &member.user;
    {
        let mut mine = model::of(&app);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *mine;
        let (Some(talk), Some(inv)) = (
            conversations.get_mut(&conversation),
            invitations.get_mut(&invitation),
        ) else {
            return;
        };
        talk.connect(inv);
        // A meeting's messaging is added after joining (addMessaging).
        talk.messaging = ModalityState::Disconnected;
        out.communication(
            app.id,
            conversation_event(
                app.id,
                conversation,
                talk,
                roster.len() + 1,
                EventType::Updated,
            ),
        );
        let me = meeting_participant(app.id, conversation, focus, user, user, false);
        out.conversation(
            app.id,
            conversation,
            participant_event(EventType::Added, app.id, conversation, me, user, true),
        );
        for m in &roster {
            let p = meeting_participant(app.id, conversation, focus, &m.user, user, false);
            out.conversation(
                app.id,
                conversation,
                participant_event(EventType::Added, app.id, conversation, p, &m.user, false),
            );
        }
        let meeting = online_meeting(app.id, conversation, focus);
        out.conversation(
            app.id,
            conversation,
            with_resource(
                EventType::Added,
                "onlineMeeting",
                Link::new(paths::in_conversation(
                    app.id,
                    conversation,
                    "onlineMeeting",
                )),
                AnyResource::OnlineMeeting(Box::new(meeting)),
            ),
        );
        out.communication(
            app.id,
            meeting_invitation_event(
                app.id,
                invitation,
                inv,
                talk,
                &focus.booked.uri,
                EventType::Completed,
                None,
            ),
        );
    }
    for m in &roster {
        let (a, c) = (m.side.app, m.side.conversation);
        let p = meeting_participant(a, c, focus, user, &m.user, false);
        out.conversation(
            a,
            c,
            participant_event(EventType::Added, a, c, p, user, false),
        );
    }
}

/// A side that never got in (rejected, or the lobby full): its invitation fails with `why`
/// and the side goes.
fn drop_side(
    state: &State,
    side: Side,
    invitation: u64,
    uri: &str,
    why: ErrorBody,
    out: &mut Announcements,
) {
    let Some(app) = state.apps.get(side.app) else {
        return;
    };
    let mut mine = model::of(&app);
    let Some(mut inv) = mine.invitations.remove(&invitation) else {
        return;
    };
    let Some(mut talk) = mine.conversations.remove(&side.conversation) else {
        return;
    };
    drop(mine);
    talk.end();
    inv.fail();
    out.communication(
        app.id,
        meeting_invitation_event(
            app.id,
            invitation,
            &inv,
            &talk,
            uri,
            EventType::Completed,
            Some(why),
        ),
    );
    out.communication(
        app.id,
        conversation_event(app.id, side.conversation, &talk, 0, EventType::Deleted),
    );
}

/// startOnlineMeeting: a meeting begins now, its organizer the caller, and the caller joins it.
async fn start_online_meeting(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: StartOnlineMeetingPostBody = decode_or_default(&headers, &body)?;
    check_entering(input.operation_id.as_deref(), input.subject.as_deref())?;
    let number = conferences(&state).next_number();
    let id_text = format!("NOW{number:05}");
    let uri = format!("{};gruu;opaque=app:conf:focus:id:{id_text}", user.sip_uri());
    let meeting = OnlineMeeting {
        access_level: Some(AccessLevel::SameEnterprise),
        online_meeting_id: Some(id_text),
        online_meeting_uri: Some(uri.clone()),
        organizer_name: Some(user.name.clone()),
        organizer_uri: Some(user.sip_uri()),
        leaders: Some(Vec::new()),
        subject: input.subject.clone(),
        ..OnlineMeeting::default()
    };
    let booked = Booked {
        uri,
        organizer: user.clone(),
        subject: input.subject.clone(),
        leaders: Vec::new(),
        attendees: Vec::new(),
        admission: Admission::SameEnterprise,
        auto_leaders: AutoLeaders::Disabled,
        meeting,
        scheduled: false,
    };
    let thread = begin(&state, booked)?;
    let entering = Entering {
        subject: input.subject,
        importance: input.importance.unwrap_or(Importance::Normal),
        operation_id: input.operation_id,
        thread_id: input.thread_id,
    };
    let answer = enter(&state, &app, &user, thread, entering);
    threads(&state).forget_if_empty(thread);
    answer
}

/// `joinOnlineMeeting`: joins the meeting `onlineMeetingUri` names (body or query): one in
/// progress, or a scheduled one, which begins.
async fn join(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: JoinOnlineMeetingPostBody = decode_or_default(&headers, &body)?;
    let uri = input
        .online_meeting_uri
        .clone()
        .or_else(|| query_parameter(&query, "onlineMeetingUri").map(str::to_owned));
    let mut problems = Vec::new();
    check(&mut problems, "onlineMeetingUri", uri.as_deref(), 1000);
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    check_entering(input.operation_id.as_deref(), input.subject.as_deref())?;
    let uri = uri.unwrap_or_default();
    // A guest's token is good for the meeting it was issued for only: another meeting's join
    // is 403 `Forbidden` without a subcode, as the reference gives for a URI that does not
    // match the anonymous ticket's
    // (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/joinonlinemeeting_ref>).
    if let Some(own) = &app.user.meeting
        && !own.eq_ignore_ascii_case(&uri)
    {
        return Err(forbidden(
            "This guest's token is for another meeting than this one.",
        ));
    }
    let in_progress = {
        let all = conferences(&state);
        all.at(&uri)
            .and_then(|t| all.focus(t).map(|f| (t, f.booked.scheduled)))
    };
    let in_progress = in_progress.filter(|(t, _)| threads(&state).threads.contains_key(t));
    // A scheduled meeting is joinable while its organizer keeps it; one met now while it is
    // in progress.
    let booked = book(&state).find(&uri).cloned();
    let unknown = || {
        not_found_as(
            "DestinationNotFound",
            "There is no online meeting with this URI.",
        )
    };
    let thread = match (in_progress, booked) {
        (Some((thread, false)), _) | (Some((thread, true)), Some(_)) => thread,
        (_, Some(booked)) => begin(&state, booked)?,
        (_, None) => return Err(unknown()),
    };
    let entering = Entering {
        subject: input.subject,
        importance: input.importance.unwrap_or(Importance::Normal),
        operation_id: input.operation_id,
        thread_id: input.thread_id,
    };
    let answer = enter(&state, &app, &user, thread, entering);
    threads(&state).forget_if_empty(thread);
    answer
}

/// The meeting side `conversation` of `app`: its thread and local user.
fn meeting_side(state: &State, app: &App, conversation: u64) -> Result<(u64, Arc<User>), Refusal> {
    let (thread, local) = {
        let mine = model::of(app);
        let talk = mine
            .conversations
            .get(&conversation)
            .ok_or_else(not_found)?;
        (talk.thread, talk.local.clone())
    };
    conferences(state).focus(thread).ok_or_else(not_found)?;
    Ok((thread, local))
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, resource) = {
        let mine = model::of(&app);
        let inv = mine
            .invitations
            .get(&invitation)
            .filter(|i| i.kind == Kind::Meeting)
            .ok_or_else(not_found)?;
        let talk = mine
            .conversations
            .get(&inv.conversation)
            .ok_or_else(not_found)?;
        (
            talk.thread,
            meeting_invitation(app.id, invitation, inv, talk, ""),
        )
    };
    let mut resource = resource;
    let uri = conferences(&state)
        .focus(thread)
        .map(|f| f.booked.uri.clone())
        .unwrap_or_default();
    resource.online_meeting_uri = Some(Uri::new(uri.clone()));
    resource.to = Some(Uri::new(uri));
    Ok(payload(format, StatusCode::OK, &resource))
}

async fn get_online_meeting(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, _) = meeting_side(&state, &app, conversation)?;
    let all = conferences(&state);
    let focus = all.focus(thread).ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &online_meeting(app.id, conversation, focus),
    ))
}

/// addMessaging: the meeting side's messaging connects (a messagingInvitation started and
/// completed, messaging updated between them). 201 with the invitation's `Location`.
async fn add_messaging(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let input: AddMessagingPostBody = decode_or_default(&headers, &body)?;
    check_entering(input.operation_id.as_deref(), None)?;
    meeting_side(&state, &app, conversation)?;
    let mut out = Announcements::default();
    let invitation = {
        let mut mine = model::of(&app);
        let id = mine.next_id();
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *mine;
        let talk = conversations.get_mut(&conversation).ok_or_else(not_found)?;
        if talk.state != ConversationState::Connected
            || talk.messaging != ModalityState::Disconnected
        {
            return Err(conflict(
                "InvalidState",
                "The meeting is not joined, or its messaging is there already.",
            ));
        }
        let mut inv = Invitation {
            kind: Kind::Messaging,
            direction: Direction::Outgoing,
            state: InvitationState::Connecting,
            operation_id: input.operation_id,
            conversation,
            to: talk.remote.clone(),
            message: None,
            peer: None,
            rung: Vec::new(),
        };
        out.communication(
            app.id,
            invitation_event(app.id, id, &inv, talk, EventType::Started),
        );
        talk.messaging = ModalityState::Connected;
        out.conversation(
            app.id,
            conversation,
            messaging_event(app.id, conversation, talk),
        );
        inv.state = InvitationState::Connected;
        out.communication(app.id, completed(app.id, id, &inv, talk, None));
        invitations.insert(id, inv);
        id
    };
    out.send(&state);
    Ok(created_at(&paths::messaging_invitation(app.id, invitation)))
}

// ---- an invitation into a meeting -------------------------------------------------------

/// The incoming meeting invitation `id` of `app`, still ringing: its conversation, thread and
/// the inviter's participantInvitation.
fn ringing_meeting(app: &App, id: u64) -> Result<(u64, u64, Option<Peer>), Refusal> {
    let mine = model::of(app);
    let inv = mine
        .invitations
        .get(&id)
        .filter(|inv| inv.kind == Kind::Meeting)
        .ok_or_else(not_found)?;
    if inv.direction != Direction::Incoming || !inv.is_ringing() {
        return Err(conflict(
            "InvalidState",
            "The invitation is not waiting for an answer.",
        ));
    }
    let talk = mine
        .conversations
        .get(&inv.conversation)
        .ok_or_else(not_found)?;
    Ok((inv.conversation, talk.thread, inv.peer))
}

/// accept, on an invitation into a meeting: the first of the invitee's applications to accept
/// takes a seat (the others' invitations are withdrawn), and the inviter's
/// participantInvitation completes.
async fn accept(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path((id, invitation)): Path<(u64, u64)>,
) -> Answer {
    let app = available_at(&state, id)?;
    let (conversation, thread, peer) = ringing_meeting(&app, invitation)?;
    let inviter = peer.and_then(|peer| answered(&state, peer).map(|found| (peer, found)));
    if peer.is_some() && inviter.is_none() {
        return Err(conflict(
            "InvalidState",
            "The invitation was answered elsewhere or withdrawn.",
        ));
    }
    let mut out = Announcements::default();
    if let Some((_, (_, _, _, rung))) = &inviter {
        let elsewhere = reason(
            "RemoteFailure",
            "ConnectedElsewhere",
            "Another application of the user accepted the invitation.",
        );
        for other in rung.iter().filter(|r| r.app != app.id) {
            withdraw(&state, *other, &elsewhere, &mut out);
        }
    }
    let side = Side {
        app: app.id,
        conversation,
    };
    seat(
        &state,
        thread,
        Member {
            user: user.clone(),
            side,
        },
        invitation,
        &mut out,
    );
    if let Some((peer, (inviter, _, their_conversation, _))) = inviter {
        let mut theirs = model::of(&inviter);
        let Conversations {
            conversations,
            invitations,
            ..
        } = &mut *theirs;
        if let (Some(inv), Some(talk)) = (
            invitations.get_mut(&peer.id),
            conversations.get(&their_conversation),
        ) {
            inv.state = InvitationState::Connected;
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
    out.send(&state);
    Ok(no_content())
}

/// decline, on an invitation into a meeting: the invitee's side ends, and so does the ringing
/// on their other applications; the inviter's participantInvitation fails with `Declined`.
async fn decline(
    Extract(state): Extract<Shared>,
    Path((id, invitation)): Path<(u64, u64)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let (conversation, thread, peer) = ringing_meeting(&app, invitation)?;
    let uri = uri_of(&state, thread).unwrap_or_default();
    let mut out = Announcements::default();
    let declined = reason("RemoteFailure", "Declined", "The invitation was declined.");
    {
        let mut mine = model::of(&app);
        if let Some(mut inv) = mine.invitations.remove(&invitation)
            && let Some(mut talk) = mine.conversations.remove(&conversation)
        {
            talk.end();
            inv.decline();
            out.communication(
                app.id,
                meeting_invitation_event(
                    app.id,
                    invitation,
                    &inv,
                    &talk,
                    &uri,
                    EventType::Completed,
                    None,
                ),
            );
            out.communication(
                app.id,
                conversation_event(app.id, conversation, &talk, 0, EventType::Deleted),
            );
        }
    }
    tell_inviter_of_decline(&state, app.id, peer, declined, &mut out);
    out.send(&state);
    Ok(no_content())
}

// ---- the lists ----------------------------------------------------------------------------

async fn get_lobby(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, local) = meeting_side(&state, &app, conversation)?;
    let all = conferences(&state);
    let focus = all.focus(thread).ok_or_else(not_found)?;
    let mut lobby = Lobby::default();
    lobby.links.self_ = Some(Link::to(paths::in_conversation(
        app.id,
        conversation,
        "lobby",
    )));
    // Only leaders see who waits.
    if focus.leads(&local) {
        lobby.embedded.participant = focus
            .lobby
            .iter()
            .map(|w| meeting_participant(app.id, conversation, focus, &w.member.user, &local, true))
            .collect();
    }
    Ok(payload(format, StatusCode::OK, &lobby))
}

/// Links to the participants of `thread` (and the local one) who lead (`true`) or attend.
fn roster_links(
    state: &State,
    app: u64,
    conversation: u64,
    thread: u64,
    local: &Arc<User>,
    leaders: bool,
) -> Vec<Link<Participant>> {
    let side = Side { app, conversation };
    let mut people: Vec<Arc<User>> = vec![local.clone()];
    people.extend(
        threads(state)
            .others(thread, side)
            .into_iter()
            .map(|m| m.user),
    );
    let all = conferences(state);
    let Some(focus) = all.focus(thread) else {
        return Vec::new();
    };
    people
        .iter()
        .filter(|u| focus.leads(u) == leaders)
        .map(|u| {
            let mut link = Link::to(participant_path(app, conversation, u));
            link.title = Some(u.name.clone());
            link
        })
        .collect()
}

async fn get_attendees(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, local) = meeting_side(&state, &app, conversation)?;
    let mut attendees = Attendees::default();
    attendees.links.self_ = Some(Link::to(paths::in_conversation(
        app.id,
        conversation,
        "attendees",
    )));
    attendees.links.participant = roster_links(&state, app.id, conversation, thread, &local, false);
    Ok(payload(format, StatusCode::OK, &attendees))
}

async fn get_leaders(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (thread, local) = meeting_side(&state, &app, conversation)?;
    let mut leaders = Leaders::default();
    leaders.links.self_ = Some(Link::to(paths::in_conversation(
        app.id,
        conversation,
        "leaders",
    )));
    leaders.links.participant = roster_links(&state, app.id, conversation, thread, &local, true);
    Ok(payload(format, StatusCode::OK, &leaders))
}

// ---- a leader's operations ----------------------------------------------------------------

/// 403 `Forbidden`: only a leader may do that.
fn not_a_leader() -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        ErrorBody {
            code: "Forbidden".into(),
            subcode: Some("NotALeader".into()),
            message: Some("Only a leader of the meeting may do that.".into()),
            ..ErrorBody::default()
        },
    )
}

/// admit, reject, eject, promote, demote on a participant, by a leader.
async fn act(
    Extract(state): Extract<Shared>,
    Path((id, conversation, who, action)): Path<(u64, u64, String, String)>,
) -> Answer {
    let app = available_at(&state, id)?;
    let (thread, local) = meeting_side(&state, &app, conversation)?;
    let leads = conferences(&state)
        .focus(thread)
        .is_some_and(|f| f.leads(&local));
    if !["admit", "reject", "eject", "promote", "demote"].contains(&action.as_str()) {
        return Err(not_found());
    }
    if !leads {
        return Err(not_a_leader());
    }
    let mut out = Announcements::default();
    match action.as_str() {
        "admit" | "reject" => {
            let (waiting, uri) = {
                let mut all = conferences(&state);
                let waiting = all.leave_lobby(thread, &who).ok_or_else(not_found)?;
                let uri = all
                    .focus(thread)
                    .map(|f| f.booked.uri.clone())
                    .unwrap_or_default();
                (waiting, uri)
            };
            // The leaders hear they left the lobby.
            let side = Side {
                app: app.id,
                conversation,
            };
            let mut leaders = threads(&state).others(thread, side);
            leaders.push(Member {
                user: local.clone(),
                side,
            });
            {
                let all = conferences(&state);
                if let Some(focus) = all.focus(thread) {
                    for m in leaders.iter().filter(|m| focus.leads(&m.user)) {
                        let (a, c) = (m.side.app, m.side.conversation);
                        let user = &waiting.member.user;
                        out.conversation(a, c, lobby_event(EventType::Deleted, a, c, None, user));
                    }
                }
            }
            if action == "admit" {
                seat(&state, thread, waiting.member, waiting.invitation, &mut out);
            } else {
                let rejected = reason(
                    "Forbidden",
                    "Rejected",
                    "A leader of the meeting did not let you in.",
                );
                drop_side(
                    &state,
                    waiting.member.side,
                    waiting.invitation,
                    &uri,
                    rejected,
                    &mut out,
                );
            }
        }
        "eject" => {
            let member = threads(&state).member(thread, &who).ok_or_else(not_found)?;
            if member.side.app == app.id && member.side.conversation == conversation {
                return Err(conflict(
                    "InvalidState",
                    "A leader leaves; it does not eject itself.",
                ));
            }
            close_side(&state, member.side, &mut out, None);
            leave(&state, thread, member.side, &mut out);
        }
        _ => {
            let member = threads(&state).member(thread, &who).ok_or_else(not_found)?;
            let promote = action == "promote";
            let changed = conferences(&state)
                .focus_mut(thread)
                .is_some_and(|f| f.set_leader(&member.user, promote));
            if !changed {
                return Err(conflict(
                    "InvalidState",
                    if promote {
                        "The participant leads already."
                    } else {
                        "The participant is an attendee already, or organizes the meeting."
                    },
                ));
            }
            let side = Side {
                app: app.id,
                conversation,
            };
            let mut everyone = threads(&state).others(thread, side);
            everyone.push(Member {
                user: local.clone(),
                side,
            });
            let all = conferences(&state);
            if let Some(focus) = all.focus(thread) {
                for m in &everyone {
                    let (a, c) = (m.side.app, m.side.conversation);
                    let local = m.user.is(&member.user.address);
                    let p = meeting_participant(a, c, focus, &member.user, &m.user, false);
                    out.conversation(
                        a,
                        c,
                        participant_event(EventType::Updated, a, c, p, &member.user, local),
                    );
                }
            }
        }
    }
    out.send(&state);
    Ok(no_content())
}

// ---- the audience settings ------------------------------------------------------------------

/// Whether `user` may send a message in conversation `thread` now: anyone may, except an
/// attendee of a meeting whose leaders disabled audience messaging. The sendMessage table
/// names no error for that; the refusal is its 409 `Conflict` without a subcode (the
/// conversation's state does not allow it), which the client reads as a typed error, rather
/// than `AttendeeNotAllowed`, a subcode of the reference's enumeration the table does not list.
pub(super) fn may_send(state: &State, thread: u64, user: &User) -> Result<(), Refusal> {
    let all = conferences(state);
    match all.focus(thread) {
        Some(focus) if !focus.audience_messaging && !focus.leads(user) => Err(Refusal::new(
            StatusCode::CONFLICT,
            ErrorBody {
                code: "Conflict".into(),
                message: Some(
                    "The leaders of the meeting disabled messaging for attendees.".into(),
                ),
                ..ErrorBody::default()
            },
        )),
        _ => Ok(()),
    }
}

/// Which audience setting an operation switches.
#[derive(Clone, Copy)]
enum Setting {
    Messaging,
    MuteLock,
}

async fn enable_audience_messaging(state: Extract<Shared>, path: Path<(u64, u64)>) -> Answer {
    switch(state, path, Setting::Messaging, true)
}

async fn disable_audience_messaging(state: Extract<Shared>, path: Path<(u64, u64)>) -> Answer {
    switch(state, path, Setting::Messaging, false)
}

async fn enable_audience_mute_lock(state: Extract<Shared>, path: Path<(u64, u64)>) -> Answer {
    switch(state, path, Setting::MuteLock, true)
}

async fn disable_audience_mute_lock(state: Extract<Shared>, path: Path<(u64, u64)>) -> Answer {
    switch(state, path, Setting::MuteLock, false)
}

/// A leader turns `setting` on or off; every side of the meeting hears its conversation
/// `updated` (setting it as it is already changes nothing and announces nothing).
fn switch(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    setting: Setting,
    on: bool,
) -> Answer {
    let app = available_at(&state, id)?;
    let (thread, local) = meeting_side(&state, &app, conversation)?;
    let changed = {
        let mut all = conferences(&state);
        let focus = all.focus_mut(thread).ok_or_else(not_found)?;
        if !focus.leads(&local) {
            return Err(not_a_leader());
        }
        let value = match setting {
            Setting::Messaging => &mut focus.audience_messaging,
            Setting::MuteLock => &mut focus.audience_mute_lock,
        };
        std::mem::replace(value, on) != on
    };
    if !changed {
        return Ok(no_content());
    }
    let side = Side {
        app: app.id,
        conversation,
    };
    let mut everyone = threads(&state).others(thread, side);
    everyone.push(Member {
        user: local.clone(),
        side,
    });
    let count = threads(&state).count(thread);
    let mut out = Announcements::default();
    for m in &everyone {
        let (a, c) = (m.side.app, m.side.conversation);
        let Some(member_app) = state.apps.get(a) else {
            continue;
        };
        let resource = {
            let mine = model::of(&member_app);
            mine.conversations
                .get(&c)
                .map(|talk| conversation_resource(a, c, talk, count))
        };
        let Some(mut resource) = resource else {
            continue;
        };
        dress_conversation(&state, a, c, thread, &m.user, &mut resource);
        out.communication(
            a,
            with_resource(
                EventType::Updated,
                "conversation",
                Link::new(paths::conversation(a, c)),
                AnyResource::Conversation(Box::new(resource)),
            ),
        );
    }
    out.send(&state);
    Ok(no_content())
}
