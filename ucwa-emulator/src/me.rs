//! The user's own resources: `me`, and what they publish — `presence` (availability), `note`,
//! `location` — and every user's `photo`.
//!
//! What a user publishes belongs to the user, not to one application: all their applications
//! read the same, and each change is announced (`updated`, sender `me`) on every one of them.
//! Presence, note and location
//! answer 409 `MakeMeAvailableRequired` until the application made the user available, and
//! `me` links to them only from then on, as a server does (the application is not "lurking"
//! any more). Where the reference is silent: the note is the personal note (`type`
//! `Personal`); resetting the availability returns it to the one the user had before any was
//! set (`Online` for the configured user); a location is at most 60 characters.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::response::Response;
use axum::routing::get;
use ucwa::enumerations::{Availability, NoteType};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{LocationPostBody, NotePostBody, PresencePostBody};
use ucwa::resources::{Location, Me, Note, Presence};
use ucwa::{Enumeration, Link, Uri};

use crate::channel::Queued;
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at, available_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, decode_or_default, invalid_parameters, no_content, not_found, payload,
    respond_as,
};
use crate::state::{App, State};

/// The longest location a user may publish.
const MAX_LOCATION: usize = 60;

/// Every user's photo, served as `image/png` at any size: a 1×1 PNG. The emulator has no
/// pictures; the point is the image body (public so that tests compare what they receive).
pub const PHOTO_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::ME, get(get_me))
        .route(route::PRESENCE, get(get_presence).post(set_presence))
        .route(route::NOTE, get(get_note).post(set_note))
        .route(route::LOCATION, get(get_location).post(set_location))
        .route(route::PHOTO, get(get_photo))
}

/// The user of application `app`, with the links that make them available and keep them so,
/// and, once available, those of what they publish.
pub(crate) fn me(app: &App) -> Me {
    let base = paths::me(app.id);
    let user = &app.user;
    let mut me = Me {
        name: Some(user.name.clone()),
        uri: Some(Uri::new(user.sip_uri())),
        email_addresses: Some(vec![user.address.clone()]),
        ..Me::default()
    };
    let links = &mut me.links;
    links.self_ = Some(Link::to(base.clone()));
    links.report_my_activity = Some(Link::to(paths::in_me(app.id, "reportMyActivity")));
    let available = app.available.load(Ordering::SeqCst);
    if !available || app.created_available {
        links.make_me_available = Some(Link::to(paths::in_me(app.id, "makeMeAvailable")));
    }
    if available {
        links.presence = Some(Link::to(paths::in_me(app.id, "presence")));
        links.note = Some(Link::to(paths::in_me(app.id, "note")));
        links.location = Some(Link::to(paths::in_me(app.id, "location")));
        links.photo = Some(Link::to(paths::photo(app.id, &user.address)));
    }
    me
}

/// After makeMeAvailable: the application hears that `me` changed (it has new links) and that
/// the user's presence is now there for it (it no longer lurks).
pub(crate) fn announce_available(app: &App) {
    let base = paths::me(app.id);
    let events = [
        Event::new(EventType::Updated, "me", Link::new(base.clone())),
        Event::new(
            EventType::Added,
            "presence",
            Link::new(paths::in_me(app.id, "presence")),
        ),
    ];
    for event in events {
        app.channel.push(Arc::new(Queued::new("me", &base, event)));
    }
}

/// Tells every application of `user` that `rel` (presence, note, location) changed.
fn announce(state: &State, user: &User, rel: &str) {
    for app in state.apps_of(user) {
        let base = paths::me(app.id);
        let event = Event::new(
            EventType::Updated,
            rel,
            Link::new(paths::in_me(app.id, rel)),
        );
        app.channel.push(Arc::new(Queued::new("me", &base, event)));
    }
    crate::people::published_changed(state, user, rel);
}

async fn get_me(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &me(&app)))
}

/// A user's presence as a `presence` resource at `href`.
pub(crate) fn presence_of(user: &User, href: String) -> Presence {
    let published = user.published();
    let mut presence = Presence {
        availability: Some(published.availability.clone()),
        activity: published.activity.clone(),
        ..Presence::default()
    };
    presence.links.self_ = Some(Link::to(href));
    presence
}

async fn get_presence(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    let href = paths::in_me(app.id, "presence");
    Ok(payload(
        format,
        StatusCode::OK,
        &presence_of(&app.user, href),
    ))
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
    {
        let mut published = app.user.published();
        match input.availability {
            Some(preferred) => {
                // The preferred availabilities are all availabilities but `Offline`, by
                // name; one the server does not know is refused by name too.
                let availability = Availability::from_wire(preferred.as_str())
                    .filter(|a| Availability::MEMBERS.contains(&a.as_str()));
                let Some(availability) = availability else {
                    return Err(invalid_parameters(&[(
                        "availability",
                        format!("`{}` is not an availability", preferred.as_str()),
                    )]));
                };
                published.availability = availability;
                published.activity = None;
            }
            None => {
                published.availability = published.default_availability.clone();
                published.activity = None;
            }
        }
    }
    announce(&state, &app.user, "presence");
    Ok(no_content())
}

async fn get_note(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    let mut note = Note {
        message: app.user.published().note.clone(),
        r#type: Some(NoteType::Personal),
        ..Note::default()
    };
    note.links.self_ = Some(Link::to(paths::in_me(app.id, "note")));
    Ok(payload(format, StatusCode::OK, &note))
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
    app.user.published().note = input.message.filter(|m| !m.is_empty());
    announce(&state, &app.user, "note");
    Ok(no_content())
}

async fn get_location(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = available_at(&state, id)?;
    let mut location = Location {
        location: app.user.published().location.clone(),
        ..Location::default()
    };
    location.links.self_ = Some(Link::to(paths::in_me(app.id, "location")));
    Ok(payload(format, StatusCode::OK, &location))
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
    if let Some(location) = &input.location
        && location.chars().count() > MAX_LOCATION
    {
        return Err(invalid_parameters(&[(
            "location",
            format!(
                "{} characters; at most {MAX_LOCATION}",
                location.chars().count()
            ),
        )]));
    }
    app.user.published().location = input.location.filter(|l| !l.is_empty());
    announce(&state, &app.user, "location");
    Ok(no_content())
}

/// Any user's photo, as an image body (`image/png`); `size` as the reference gives it
/// (`HR64X64`), any size answering the same picture.
async fn get_photo(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    application_at(&state, id)?;
    if let Some(size) = query.get("size")
        && !is_photo_size(size)
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

/// `HR` and two numbers joined by `X` (`HR48X48`), in any case.
fn is_photo_size(size: &str) -> bool {
    let upper = size.to_ascii_uppercase();
    let Some(rest) = upper.strip_prefix("HR") else {
        return false;
    };
    let Some((height, width)) = rest.split_once('X') else {
        return false;
    };
    [height, width]
        .iter()
        .all(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_sizes() {
        assert!(is_photo_size("HR64X64"));
        assert!(is_photo_size("hr48x48"));
        assert!(!is_photo_size("64X64"));
        assert!(!is_photo_size("HRX64"));
        assert!(!is_photo_size("HR64X99999"));
    }
}
