//! The routes of online meetings and their handlers.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::routing::get;
use ucwa::Link;
use ucwa::http::{HeaderMap, StatusCode, header};
use ucwa::operations::{MyOnlineMeetingPutBody, MyOnlineMeetingsPostBody};
use ucwa::resources::{MyOnlineMeetings, OnlineMeetingExtensions};

use crate::focus::book;
use crate::handler::{Answer, Shared, application_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, conflict, decode, invalid_parameters, no_content, not_found, payload,
    precondition_failed, precondition_required,
};
use crate::state::{App, State};

use super::model::{self, Meeting, meeting_uri, settings};
use super::render::{answer, booked, dashboard, resource};

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
    // Anyone who knows its URI may join it now.
    book(&state).publish(booked(&meeting));
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
    book(&state).publish(booked(&updated));
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
    book(&state).withdraw(&meeting_uri(&app.user, &meeting));
    Ok(no_content())
}
