//! The routes of online meetings and their handlers.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::{Direction, Importance, InvitationState};
use ucwa::http::{HeaderMap, StatusCode, header};
use ucwa::operations::{
    JoinOnlineMeetingPostBody, MyOnlineMeetingPutBody, MyOnlineMeetingsPostBody,
};
use ucwa::resources::{MyOnlineMeetings, OnlineMeetingExtensions, OnlineMeetingInvitation};
use ucwa::{Link, Uri};

use crate::handler::{Answer, Shared, application_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, check, conflict, created_at, decode, decode_or_default,
    invalid_parameters, no_content, not_found, not_found_as, payload, precondition_failed,
    precondition_required,
};
use crate::state::{App, State};

use super::model::{self, Join, MAX_OPERATION_ID, MAX_SUBJECT, Meeting, scheduled, settings};
use super::render::{announce_join, answer, dashboard, joined_meeting, resource};

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::ONLINE_MEETINGS, get(get_online_meetings))
        .route(route::MY_MEETINGS, get(list).post(schedule))
        .route(
            route::MY_MEETING,
            get(get_meeting).put(update).delete(delete),
        )
        .route(route::MEETING_EXTENSIONS, get(get_extensions))
        .route(route::MEETING_JOINS, post(join))
        .route(route::MEETING_JOIN, get(get_invitation))
        .route(route::JOINED_MEETING, get(get_joined_meeting))
}

async fn get_online_meetings(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &dashboard(app.id)))
}

async fn list(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut mine = MyOnlineMeetings::default();
    mine.links.self_ = Some(Link::to(paths::my_meetings(app.id)));
    if let Some(meetings) = model::of(&state).by_user.get(&app.user.index) {
        mine.embedded.my_online_meeting = meetings.values().map(|m| resource(app.id, m)).collect();
    }
    Ok(payload(format, StatusCode::OK, &mine))
}

async fn schedule(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: MyOnlineMeetingsPostBody = decode(&headers, &body)?;
    let settings = settings(input.into(), &app.user).map_err(|p| invalid_parameters(&p))?;
    let max = state.config.limits.max_meetings_per_user;
    let scheduled = model::of(&state).schedule(&app.user, settings, max);
    let meeting = scheduled.ok_or_else(|| {
        conflict(
            "TooManyOnlineMeetings",
            &format!(
                "This user has {max} online meetings already (`limits.max_meetings_per_user`)."
            ),
        )
    })?;
    Ok(answer(format, StatusCode::CREATED, app.id, &meeting))
}

/// The caller's meeting `meeting`, or 404.
fn find(state: &State, app: &App, meeting: &str) -> Result<Meeting, Refusal> {
    model::of(state)
        .find(&app.user, meeting)
        .cloned()
        .ok_or_else(not_found)
}

async fn get_meeting(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let meeting = find(&state, &app, &meeting)?;
    Ok(answer(format, StatusCode::OK, app.id, &meeting))
}

async fn get_extensions(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let meeting = find(&state, &app, &meeting)?;
    let mut extensions = OnlineMeetingExtensions::default();
    extensions.links.self_ = Some(Link::to(paths::meeting_extensions(app.id, &meeting.id)));
    Ok(payload(format, StatusCode::OK, &extensions))
}

async fn update(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    find(&state, &app, &meeting)?;
    let Some(if_match) = headers.get(header::IF_MATCH) else {
        return Err(precondition_required());
    };
    let if_match = if_match.to_str().unwrap_or_default().to_owned();
    let input: MyOnlineMeetingPutBody = decode(&headers, &body)?;
    let settings = settings(input.into(), &app.user).map_err(|p| invalid_parameters(&p))?;
    // Read again under the lock: it may have changed or gone since `find`.
    let updated = model::of(&state)
        .update(&app.user, &meeting, &if_match, settings)
        .map_err(|stale| match stale {
            model::Stale::Gone => not_found(),
            model::Stale::Changed => precondition_failed(),
        })?;
    Ok(answer(format, StatusCode::OK, app.id, &updated))
}

async fn delete(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    if !model::of(&state).delete(&app.user, &meeting) {
        return Err(not_found());
    }
    Ok(no_content())
}

/// `joinOnlineMeeting`: joins the meeting `onlineMeetingUri` names (body or query).
async fn join(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: JoinOnlineMeetingPostBody = decode_or_default(&headers, &body)?;
    let uri = input.online_meeting_uri.clone().or_else(|| {
        crate::protocol::query_parameter(&query, "onlineMeetingUri").map(str::to_owned)
    });
    let mut problems = Vec::new();
    check(&mut problems, "onlineMeetingUri", uri.as_deref(), 1000);
    if let Some(operation_id) = &input.operation_id
        && operation_id.chars().count() > MAX_OPERATION_ID
    {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    if let Some(subject) = &input.subject
        && subject.chars().count() > MAX_SUBJECT
    {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let uri = uri.unwrap_or_default();
    let (number, connecting, meeting) = {
        let mut inner = model::of(&state);
        let Some(scheduled) = scheduled(&inner, &uri) else {
            return Err(not_found_as(
                "DestinationNotFound",
                "There is no online meeting with this URI.",
            ));
        };
        let number = inner.next_join();
        let meeting = joined_meeting(app.id, number, &scheduled);
        let mut invitation = OnlineMeetingInvitation {
            direction: Some(Direction::Outgoing),
            importance: Some(input.importance.clone().unwrap_or(Importance::Normal)),
            online_meeting_uri: Some(Uri::new(uri.clone())),
            operation_id: input.operation_id.clone(),
            state: Some(InvitationState::Connecting),
            subject: input
                .subject
                .clone()
                .or_else(|| scheduled.settings.subject.clone()),
            thread_id: Some(
                input
                    .thread_id
                    .clone()
                    .unwrap_or_else(|| format!("{:032x}", app.id * 1_000_000 + number)),
            ),
            available_modalities: Some(vec!["Messaging".to_owned()]),
            to: Some(Uri::new(uri.clone())),
            ..OnlineMeetingInvitation::default()
        };
        invitation.links.self_ = Some(Link::to(paths::meeting_join(app.id, number)));
        invitation.links.conversation = Some(Link::to(paths::joined_conversation(app.id, number)));
        let mut connected = invitation.clone();
        connected.state = Some(InvitationState::Connected);
        let join = Join {
            app: app.id,
            number,
            invitation: connected,
            meeting: meeting.clone(),
        };
        inner.remember(join, state.config.limits.max_meeting_joins);
        (number, invitation, meeting)
    };
    announce_join(&app, connecting, meeting);
    Ok(created_at(&paths::meeting_join(app.id, number)))
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let inner = model::of(&state);
    let join = inner.join(app.id, number).ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &join.invitation))
}

async fn get_joined_meeting(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let number = conversation.checked_sub(paths::JOINED_MEETINGS);
    let inner = model::of(&state);
    let join = number
        .and_then(|number| inner.join(app.id, number))
        .ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &join.meeting))
}
