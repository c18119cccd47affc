//! The router of each origin: discovery and the token endpoint on the first, the token
//! endpoint and UCWA wherever the applications are, each task's routes merged in, and the
//! layers in front of every route.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Request, State as Extract};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ucwa::http::{HeaderValue, Method, StatusCode, header};

use crate::auth::{Site, authorize, token_endpoint};
use crate::handler::{Answer, Shared, application_at};
use crate::paths::{CALL_CONVERSATION, ROOT_PATH, TOKEN_PATH, USER_PATH, route};
use crate::protocol::{Negotiated, Refusal, method_not_allowed, negotiated, not_found, payload};
use crate::serve::Hangup;
use crate::state::State;
use crate::{
    application, batch, body, calls, discovery, faults, forwarding, history, me, meetings,
    messaging, people, phones, protocol,
};

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
            .merge(application::routes())
            .merge(calls::escalation_routes())
            .merge(calls::routes())
            .merge(calls::audio_video_routes())
            .merge(forwarding::routes())
            .merge(history::routes())
            .merge(me::routes())
            .merge(messaging::routes())
            .merge(people::routes())
            .merge(phones::routes())
            .merge(meetings::routes())
            .route(route::PARTICIPANT, get(get_participant));
    }
    let protected = protected
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async { method_not_allowed() })
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
    let batch = batch::routes(routes.clone(), guard);
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
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
}

/// A participant of a conversation: of the scripted call, or of an instant messaging
/// conversation (by address). The route is the same for both; the application is looked up
/// first, so that a client whose application is gone hears so whatever else it asked for.
async fn get_participant(
    Extract(state): Extract<Shared>,
    Path((id, conversation, participant)): Path<(u64, u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = if conversation == CALL_CONVERSATION {
        calls::participant_of(&app, &participant)
    } else {
        messaging::participant_of(&state, &app, conversation, &participant)
    };
    let participant = found.ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &participant))
}

/// The longest answer [`with_extra_members`] rewrites (the emulator's are a few kB).
const MAX_REWRITTEN: usize = 1 << 20;

/// A successful GET's answer with the members tests added to its rel
/// ([`crate::Faults::add_member`]); any other answer as it is.
async fn with_extra_members(state: &State, response: Response) -> Response {
    let extras = state.injections.extra_members();
    if extras.is_empty() || response.status() != StatusCode::OK {
        return response;
    }
    let json = match response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        Some(t) if t.contains("json") => true,
        Some(t) if t.contains("xml") => false,
        _ => return response,
    };
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_REWRITTEN).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let members: Vec<(String, String)> = match faults::answer_rel(&body, json) {
        Some(rel) => extras
            .into_iter()
            .filter(|m| m.rel == rel)
            .map(|m| (m.name, m.value))
            .collect(),
        None => Vec::new(),
    };
    let body = match faults::add_members(&body, json, &members) {
        Some(rewritten) if !members.is_empty() => {
            parts.headers.remove(header::CONTENT_LENGTH);
            rewritten.into()
        }
        _ => body,
    };
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The outermost layer: logs the request, then answers the first matching fault instead of
/// the handlers (or, a slow answer, holds the request back before them), and adds the members tests asked for to what the handlers answer.
async fn inject_faults(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    state.observed.saw_request(&method, &path);
    let fault = state.injections.take_fault(&method, &path);
    if let Some(faults::Answer::Delay(delay)) = fault {
        // Real time: the client waiting may be another process, on no clock of ours.
        tokio::time::sleep(delay).await;
    }
    match fault {
        None | Some(faults::Answer::Delay(_)) if method == Method::GET => {
            with_extra_members(&state, next.run(request).await).await
        }
        None | Some(faults::Answer::Delay(_)) => next.run(request).await,
        Some(faults::Answer::Error {
            status,
            body,
            retry_after,
        }) => {
            let format = negotiated(request.headers());
            let mut response = Refusal::new(status, *body).encode(format);
            if let Some(after) = retry_after
                && let Ok(value) = HeaderValue::from_str(&after.as_secs().to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Some(faults::Answer::HangUp) => {
            if let Some(hangup) = request.extensions().get::<Hangup>() {
                hangup.hang_up();
                // The connection is dropped before this answer could be sent.
                std::future::pending::<()>().await;
            }
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
