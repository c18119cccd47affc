//! The handlers of call forwarding.

use std::collections::HashMap;
use std::sync::MutexGuard;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::UnansweredCallToContactPostBody;

use crate::handler::{Answer, Shared, application_at};
use crate::lock::lock;
use crate::paths::route;
use crate::protocol::{
    Negotiated, decode_or_default, invalid_parameters, no_content, not_found, payload,
};
use crate::state::{App, State};

use crate::routing::Rules;

use super::model::{Given, Settings};
use super::render::{self, IMMEDIATE, SIMULTANEOUS, UNANSWERED};

fn all(state: &State) -> MutexGuard<'_, Rules> {
    lock(state.data.get::<Rules>())
}

fn key(app: &App) -> String {
    app.user.address.to_lowercase()
}

/// The routes of call forwarding.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::FORWARDING, get(get_settings))
        .route(route::FORWARDING_PART, get(get_part).post(turn_off))
        .route(route::FORWARDING_OPERATION, post(operate))
}

async fn get_settings(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let settings = all(&state).0.get(&key(&app)).cloned().unwrap_or_default();
    Ok(payload(
        format,
        StatusCode::OK,
        &render::settings(id, &settings),
    ))
}

async fn get_part(
    Extract(state): Extract<Shared>,
    Path((id, part)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let settings = all(&state).0.get(&key(&app)).cloned().unwrap_or_default();
    Ok(match part.as_str() {
        IMMEDIATE => payload(format, StatusCode::OK, &render::immediate(id, &settings)),
        SIMULTANEOUS => payload(format, StatusCode::OK, &render::simultaneous(id, &settings)),
        UNANSWERED => payload(format, StatusCode::OK, &render::unanswered(id, &settings)),
        _ => return Err(not_found()),
    })
}

/// Stores the user's new settings and tells every application of theirs.
fn changed(state: &State, app: &App, settings: Settings) {
    let user = key(app);
    all(state).0.insert(user.clone(), settings.clone());
    for other in state.apps.all() {
        if other.user.address.to_lowercase() == user {
            render::changed(&other, &settings);
        }
    }
}

async fn turn_off(
    Extract(state): Extract<Shared>,
    Path((id, part)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    if part != "turnOffCallForwarding" {
        return Err(not_found());
    }
    let mut settings = all(&state).0.get(&key(&app)).cloned().unwrap_or_default();
    settings.turn_off();
    changed(&state, &app, settings);
    Ok(no_content())
}

/// An operation of a part: what it was given comes in the body or in the query (`target`,
/// `ringDelay`), as the reference's tables allow; the body wins.
async fn operate(
    Extract(state): Extract<Shared>,
    Path((id, part, operation)): Path<(u64, String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    // Every operation's fields are among this one's (`target`, `ringDelay`).
    let input: UnansweredCallToContactPostBody = decode_or_default(&headers, &body)?;
    let ring_delay = match (
        input.ring_delay,
        crate::protocol::query_parameter(&query, "ringDelay"),
    ) {
        (Some(delay), _) => Some(delay),
        (None, Some(text)) => Some(text.trim().parse::<i64>().map_err(|_| {
            invalid_parameters(&[("ringDelay", "a whole number of seconds".to_owned())])
        })?),
        (None, None) => None,
    };
    let given = Given {
        target: input
            .target
            .or_else(|| crate::protocol::query_parameter(&query, "target").map(str::to_owned)),
        ring_delay,
    };
    let mut settings = all(&state).0.get(&key(&app)).cloned().unwrap_or_default();
    match settings.apply(&part, &operation, &given) {
        Ok(true) => {}
        Ok(false) => return Err(not_found()),
        Err(problems) => return Err(invalid_parameters(&problems)),
    }
    changed(&state, &app, settings);
    Ok(no_content())
}
