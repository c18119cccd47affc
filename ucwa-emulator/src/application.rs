//! Applications: creating one (with its event channel, in the scripted call), reading and
//! deleting it, makeMeAvailable and reportMyActivity, and its event channel as long-polled
//! pending GETs. The `application` resource embeds what each task gives it, so this module
//! sits above the tasks, beside the router.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::Link;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{ApplicationsPostBody, MakeMeAvailablePostBody};
use ucwa::resources::Application;

use crate::handler::{Answer, Caller, Shared, application_at, available_at};
use crate::paths::{self, ANON_APPLICATIONS_PATH, APPLICATIONS_PATH, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, check, conflict, decode, encoded, invalid_parameters,
    no_content, payload, respond_as, too_many_applications, unknown_member,
};
use crate::state::{App, Slots};
use crate::{calls, forwarding, me, meetings, messaging, people, phones};

/// The routes of applications.
pub(crate) fn routes() -> axum::Router<Shared> {
    Router::new()
        .route(APPLICATIONS_PATH, post(create_application))
        .route(ANON_APPLICATIONS_PATH, post(create_anonymous_application))
        .route(route::APP, get(get_application).delete(delete_application))
        .route(route::MAKE_ME_AVAILABLE, post(make_me_available))
        .route(route::REPORT_MY_ACTIVITY, post(report_my_activity))
        .route(route::EVENTS, get(events))
}

fn application(app: &App) -> Application {
    let mut application = Application {
        r#type: Some("Browser".into()),
        culture: Some(app.culture.clone()),
        endpoint_id: Some(app.endpoint_id.clone()),
        // The number in the application's URL, so that a client that builds URLs from it reaches
        // the same resource.
        id: Some(app.id.to_string()),
        instance_id: app.instance_id.clone(),
        user_agent: Some(app.user_agent.clone()),
        ..Application::default()
    };
    application.links.self_ = Some(Link::to(paths::app(app.id)));
    application.links.events = Some(app.channel.first_link().cast());
    application.links.policies = Some(Link::to(paths::in_app(app.id, "policies")));
    application.links.batch = Some(Link::to(paths::in_app(app.id, "batch")));
    let mut me = me::me(app);
    forwarding::extend_me(app.id, &mut me);
    phones::extend_me(app.id, &mut me);
    application.embedded.me = Some(Box::new(me));
    let mut communication = messaging::communication(app.id);
    calls::extend_communication(app.id, &mut communication);
    application.embedded.communication = Some(Box::new(communication));
    application.embedded.people = Some(Box::new(people::people(app.id)));
    meetings::embed(&mut application, app.id);
    application
}

/// `anonApplications`: a meeting's guest creates its application (an anonymous token only: a
/// user's is 403 `Forbidden`, as the reference keeps it for anonymous meeting join).
async fn create_anonymous_application(
    state: Extract<Shared>,
    caller: Extension<Caller>,
    format: Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    if caller.0.0.meeting.is_none() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            ucwa::ErrorBody {
                code: "Forbidden".into(),
                message: Some("anonApplications takes an anonymous meeting token only.".into()),
                ..ucwa::ErrorBody::default()
            },
        ));
    }
    create_application(state, caller, format, headers, body).await
}

async fn create_application(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    if let Some((status, body)) = state.injections.take_application_fault() {
        return Err(Refusal::new(status, body));
    }
    let mut input: ApplicationsPostBody = decode(&headers, &body)?;
    // The server takes these keys in any case (`UserAgent` as the reference's own samples
    // send it); the decoded body matches them exactly and keeps others aside.
    for (name, slot) in [
        ("culture", &mut input.culture),
        ("endpointId", &mut input.endpoint_id),
        ("userAgent", &mut input.user_agent),
        ("instanceId", &mut input.instance_id),
    ] {
        if slot.is_none() {
            *slot = unknown_member(&input.unknown, name)
                .and_then(|value| value.as_str())
                .map(str::to_owned);
        }
    }
    let mut problems = Vec::new();
    check(&mut problems, "culture", input.culture.as_deref(), 100);
    check(
        &mut problems,
        "endpointId",
        input.endpoint_id.as_deref(),
        100,
    );
    check(&mut problems, "userAgent", input.user_agent.as_deref(), 100);
    if input
        .instance_id
        .as_ref()
        .is_some_and(|i| i.chars().count() > 100)
    {
        problems.push(("instanceId", "at most 100 characters".to_owned()));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let id = state.apps.next_id();
    let added = state.apps.add(App {
        id,
        user,
        culture: input.culture.unwrap_or_default(),
        endpoint_id: input.endpoint_id.unwrap_or_default(),
        user_agent: input.user_agent.unwrap_or_default(),
        instance_id: input.instance_id,
        channel: state.channel(paths::in_app(id, "events")),
        available: AtomicBool::new(state.config.applications_start_available),
        created_available: state.config.applications_start_available,
        last_seen: Mutex::new(state.clock.now()),
        activity_reports: AtomicU64::new(0),
        data: Slots::default(),
    });
    let app = added.ok_or_else(|| too_many_applications(state.config.limits.max_applications))?;
    calls::announce(&app);
    let application = application(&app);
    Ok(payload(format, StatusCode::CREATED, &application))
}

async fn get_application(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let application = application(&app);
    Ok(payload(format, StatusCode::OK, &application))
}

async fn delete_application(Extract(state): Extract<Shared>, Path(id): Path<u64>) -> Answer {
    application_at(&state, id)?;
    state.apps.remove(id);
    Ok(no_content())
}

/// `makeMeAvailable`: 204 the first time, 409 `AlreadyExists` after.
async fn make_me_available(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: MakeMeAvailablePostBody = decode(&headers, &body)?;
    if app.available.swap(true, Ordering::SeqCst) {
        return Err(already_exists("The user is already available."));
    }
    calls::made_available(&app, &input);
    me::announce_available(&app);
    Ok(no_content())
}

/// `reportMyActivity`: 204 once the user was made available, 409 `MakeMeAvailableRequired`
/// before.
async fn report_my_activity(Extract(state): Extract<Shared>, Path(id): Path<u64>) -> Answer {
    let app = available_at(&state, id)?;
    app.activity_reports.fetch_add(1, Ordering::SeqCst);
    Ok(no_content())
}

async fn events(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    state.observed.saw_event_query(&query);
    let app = application_at(&state, id)?;
    let ack = crate::protocol::query_parameter(&query, "ack")
        .and_then(|a| a.parse::<u64>().ok())
        .ok_or_else(|| {
            invalid_parameters(&[("ack", "a number from the `next` link".to_owned())])
        })?;
    let wait = crate::protocol::query_parameter(&query, "timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .map_or(state.config.long_poll, |t| t.min(state.config.long_poll));
    let Ok(batch) = app.channel.get(ack, wait).await else {
        return Err(conflict(
            "PGetReplaced",
            "Another pending GET replaced this one.",
        ));
    };
    if let Some((content_type, body)) = state.injections.take_garbled_batch() {
        return Ok(respond_as(&content_type, StatusCode::OK, body));
    }
    Ok(encoded(format, StatusCode::OK, batch.encode(format)))
}
