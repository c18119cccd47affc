//! The routes of `me` and their handlers.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::get;
use ucwa::Enumeration;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{LocationPostBody, NotePostBody, PresencePostBody};

use crate::handler::{Answer, Shared, application_at, available_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, decode_or_default, invalid_parameters, no_content, not_found, payload, respond_as,
};
use crate::state::{News, Publication, State};

use super::model;
use super::render::{self, PHOTO_PNG};

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::ME, get(get_me))
        .route(route::PRESENCE, get(get_presence).post(set_presence))
        .route(route::NOTE, get(get_note).post(set_note))
        .route(route::LOCATION, get(get_location).post(set_location))
        .route(route::PHOTO, get(get_photo))
}

/// Announces that `user` published a new `what`: to their own applications, and to the other
/// tasks through the notifier.
fn published(state: &State, user: &crate::directory::User, what: Publication) {
    render::announce(state, user, what);
    state.notify(News::Published { user, what });
}

async fn get_me(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &render::me(&app)))
}

async fn get_presence(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    let presence = render::presence(&app.user, paths::in_me(app.id, "presence"));
    Ok(payload(format, StatusCode::OK, &presence))
}

/// Sets the availability, or with an empty body (or none given) returns it to the default.
async fn set_presence(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let input: PresencePostBody = decode_or_default(&headers, &body)?;
    let preferred = input.availability.as_ref().map(|a| a.as_str());
    model::set_availability(&mut app.user.published(), preferred)
        .map_err(|reason| invalid_parameters(&[("availability", reason)]))?;
    published(&state, &app.user, Publication::Presence);
    Ok(no_content())
}

async fn get_note(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &render::note(&app)))
}

/// Sets the personal note; an empty body, or one without `message`, clears it.
async fn set_note(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let input: NotePostBody = decode_or_default(&headers, &body)?;
    model::set_note(&mut app.user.published(), input.message);
    published(&state, &app.user, Publication::Note);
    Ok(no_content())
}

async fn get_location(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &render::location(&app)))
}

/// Sets the location (at most 60 characters); an empty body clears it.
async fn set_location(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let input: LocationPostBody = decode_or_default(&headers, &body)?;
    model::set_location(&mut app.user.published(), input.location)
        .map_err(|reason| invalid_parameters(&[("location", reason)]))?;
    published(&state, &app.user, Publication::Location);
    Ok(no_content())
}

/// Any user's photo, as an image body (`image/png`); `size` as the reference gives it
/// (`HR64X64`), any size answering the same picture.
async fn get_photo(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    application_at(&state, id)?;
    if let Some(size) = crate::protocol::query_parameter(&query, "size")
        && !model::is_photo_size(size)
    {
        return Err(invalid_parameters(&[(
            "size",
            format!("`{size}`: expected HR<height>X<width>"),
        )]));
    }
    if state.directory.find(&address).is_none() {
        return Err(not_found());
    }
    Ok(respond_as("image/png", StatusCode::OK, PHOTO_PNG.to_vec()))
}
