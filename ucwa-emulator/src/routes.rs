//! The handlers, one per resource and operation, and the router that wires them.
//!
//! A handler decides what the request means for the emulator's state: which application and
//! resource it addresses, which checks it must pass, what it changes and which events that
//! announces. How answers are encoded is left to [`crate::protocol`], and what the resources
//! look like to [`crate::resources`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State as Extract};
use axum::middleware;
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{ApplicationsPostBody, MakeMeAvailablePostBody};

use crate::channel::Queued;
use crate::handler::{Answer, Shared, application_at, available_at};
use crate::paths::{
    self, APPLICATIONS_PATH, CALL_CONVERSATION, CALL_PARTICIPANT, ROOT_PATH, TOKEN_PATH, USER_PATH,
    route,
};
use crate::protocol::{
    Negotiated, Refusal, already_exists, check, conflict, decode, encoded, invalid_parameters,
    limit_exceeded, no_content, not_found, payload, respond_as, sdp_offer, too_many_applications,
    unknown_member,
};
use crate::resources;
use crate::state::{App, Calls, State};
use crate::tokens::{Caller, Site, authorize, token_endpoint};
use crate::{body, discovery, faults, protocol};

/// The router of origin `site` (0: the first, 1: the applications' own): discovery and the
/// token endpoint on the first, the token endpoint and UCWA wherever the applications are.
pub(crate) fn router(state: Shared, site: usize) -> Router {
    let guard = Site {
        state: state.clone(),
        index: site,
    };
    let mut protected = Router::new();
    if site == 0 {
        protected = protected.route(USER_PATH, get(discovery::user).with_state(guard.clone()));
    }
    let serves_applications = (site == 1) == state.config.applications_on_second_origin;
    if serves_applications {
        protected = protected
            .route(APPLICATIONS_PATH, post(create_application))
            .route(route::APP, get(get_application).delete(delete_application))
            .route(route::MAKE_ME_AVAILABLE, post(make_me_available))
            .route(route::REPORT_MY_ACTIVITY, post(report_my_activity))
            .route(route::EVENTS, get(events))
            .merge(crate::me::routes())
            .merge(crate::messaging::routes())
            .merge(crate::people::routes())
            .merge(crate::meetings::routes())
            .route(route::AUDIO_VIDEO, get(get_audio_video))
            .route(route::ESCALATE_AUDIO_VIDEO, post(escalate))
            .route(route::CALL_INVITATION, get(get_invitation))
            .route(route::PARTICIPANT, get(get_participant));
    }
    let protected = protected
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async { crate::protocol::method_not_allowed() })
        .layer(middleware::from_fn_with_state(guard.clone(), authorize))
        .with_state(state.clone());
    let mut public = Router::new().route(TOKEN_PATH, post(token_endpoint));
    if site == 0 {
        public = public
            .route("/", get(discovery::entry_point))
            .route(ROOT_PATH, get(discovery::root_resource));
    }
    let routes = outer(public.with_state(guard.clone()).merge(protected), &state);
    if !serves_applications {
        return routes;
    }
    // A batch's parts go through these same routes, each as if sent alone.
    let batch = crate::batch::routes(routes.clone(), guard);
    routes.merge(outer(batch, &state))
}

/// The layers in front of every route: refusals are encoded in the negotiated format; the body
/// is in memory, read under the limits, before any extractor sees it; injected faults are
/// answered before anything else.
fn outer(routes: Router, state: &Shared) -> Router {
    let limits = Arc::new(state.config.limits.clone());
    routes
        .layer(middleware::from_fn(protocol::encode_refusals))
        .layer(DefaultBodyLimit::max(limits.max_request_body))
        .layer(middleware::from_fn_with_state(limits, body::read))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
}

/// The application `id`, when `conversation` is its call; the application is looked up first,
/// so that a client whose application is gone hears so whatever else it asked for.
fn in_conversation(state: &State, id: u64, conversation: u64) -> Result<Arc<App>, Refusal> {
    let app = application_at(state, id)?;
    if conversation != CALL_CONVERSATION {
        return Err(not_found());
    }
    Ok(app)
}

async fn create_application(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    if let Some((status, body)) = state.take_create_fault() {
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
    let id = state.next_id();
    let added = state.add(App {
        id,
        user,
        culture: input.culture.unwrap_or_default(),
        endpoint_id: input.endpoint_id.unwrap_or_default(),
        user_agent: input.user_agent.unwrap_or_default(),
        instance_id: input.instance_id,
        calls: Mutex::new(Calls::new(resources::participant(id))),
        conversations: Mutex::default(),
        channel: state.channel(paths::in_app(id, "events")),
        available: AtomicBool::new(state.config.applications_start_available),
        created_available: state.config.applications_start_available,
        last_seen: Mutex::new(state.clock.now()),
        activity_reports: AtomicU64::new(0),
        people: Default::default(),
    });
    let app = added.ok_or_else(|| too_many_applications(state.config.limits.max_applications))?;
    app.channel.push(Arc::new(Queued::new(
        "conversation",
        &resources::conversation_path(id),
        resources::call_added(id),
    )));
    let application = resources::application(&app);
    Ok(payload(format, StatusCode::CREATED, &application))
}

async fn get_application(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let application = resources::application(&app);
    Ok(payload(format, StatusCode::OK, &application))
}

async fn delete_application(Extract(state): Extract<Shared>, Path(id): Path<u64>) -> Answer {
    application_at(&state, id)?;
    state.remove(id);
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
    let _: MakeMeAvailablePostBody = decode(&headers, &body)?;
    if app.available.swap(true, Ordering::SeqCst) {
        return Err(already_exists("The user is already available."));
    }
    crate::me::announce_available(&app);
    Ok(no_content())
}

/// `reportMyActivity`: 204 once the user was made available, 409 `MakeMeAvailableRequired`
/// before.
async fn report_my_activity(Extract(state): Extract<Shared>, Path(id): Path<u64>) -> Answer {
    let app = available_at(&state, id)?;
    app.activity_reports.fetch_add(1, Ordering::SeqCst);
    Ok(no_content())
}

async fn get_audio_video(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    in_conversation(&state, id, conversation)?;
    Ok(payload(format, StatusCode::OK, &resources::audio_video(id)))
}

/// A participant: of the scripted call (conversation 1, participant 1), or of an instant
/// messaging conversation (by address).
async fn get_participant(
    Extract(state): Extract<Shared>,
    Path((id, conversation, participant)): Path<(u64, u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    if conversation != CALL_CONVERSATION {
        let app = application_at(&state, id)?;
        let found = crate::messaging::participant_of(&app, conversation, &participant);
        let participant = found.ok_or_else(not_found)?;
        return Ok(payload(format, StatusCode::OK, &participant));
    }
    let app = in_conversation(&state, id, conversation)?;
    if participant != CALL_PARTICIPANT.to_string() {
        return Err(not_found());
    }
    let participant = app.calls().participant.clone();
    Ok(payload(format, StatusCode::OK, &participant))
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = app.calls().invitations.get(&invitation).cloned();
    let invitation = found.ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &invitation))
}

async fn escalate(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = in_conversation(&state, id, conversation)?;
    let operation_id = query.get("operationId").map(String::as_str);
    let session_context = query.get("sessionContext").map(String::as_str);
    let mut problems = Vec::new();
    check(&mut problems, "operationId", operation_id, 50);
    check(&mut problems, "sessionContext", session_context, 50);
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let sdp = sdp_offer(&headers, &body)?;
    // An injected fault stands for what the server would find wrong with a valid request, so
    // it comes after the checks and before anything is changed.
    if let Some((status, body)) = state.take_fault() {
        return Err(Refusal::new(status, body));
    }
    let operation_id = operation_id.unwrap_or_default().to_owned();
    let session_context = session_context.unwrap_or_default().to_owned();
    let invitation = {
        let mut calls = app.calls();
        if calls.operation_ids.contains(&operation_id) {
            return Err(already_exists(
                "An escalation with this operationId already exists.",
            ));
        }
        let max = state.config.limits.max_escalations;
        if calls.invitations.len() >= max {
            return Err(limit_exceeded(&format!(
                "This application has {max} escalations already (`limits.max_escalations`)."
            )));
        }
        calls.operation_ids.insert(operation_id.clone());
        let number = calls.next_invitation_id();
        let invitation = resources::invitation(
            &app,
            number,
            operation_id,
            session_context,
            sdp,
            &calls.participant,
        );
        calls.invitations.insert(number, invitation.clone());
        invitation
    };
    app.channel.push(Arc::new(Queued::new(
        "communication",
        &paths::communication(id),
        resources::invitation_started(&invitation),
    )));
    Ok(payload(format, StatusCode::CREATED, &invitation))
}

async fn events(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    state.saw_event_query(&query);
    let app = application_at(&state, id)?;
    let ack = query
        .get("ack")
        .and_then(|a| a.parse::<u64>().ok())
        .ok_or_else(|| {
            invalid_parameters(&[("ack", "a number from the `next` link".to_owned())])
        })?;
    let wait = query
        .get("timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .map_or(state.config.long_poll, |t| t.min(state.config.long_poll));
    let Ok(batch) = app.channel.get(ack, wait).await else {
        return Err(conflict(
            "PGetReplaced",
            "Another pending GET replaced this one.",
        ));
    };
    if let Some((content_type, body)) = state.take_garbled_batch() {
        return Ok(respond_as(&content_type, StatusCode::OK, body));
    }
    Ok(encoded(format, StatusCode::OK, batch.encode(format)))
}
