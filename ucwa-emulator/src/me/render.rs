//! The resources of `me` and the events that announce its changes.

use std::sync::Arc;

use ucwa::enumerations::NoteType;
use ucwa::events::{Event, EventType};
use ucwa::resources::{Location, Me, Note, Presence};
use ucwa::{Link, Uri};

use crate::channel::Queued;
use crate::directory::User;
use crate::paths;
use crate::state::{App, Publication, State};

/// Every user's photo, served as `image/png` at any size: a 1×1 PNG. The emulator has no
/// pictures; the point is the image body (public so that tests compare what they receive).
pub const PHOTO_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

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
    let available = app.is_available();
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

/// Tells every application of `user` that `what` changed.
pub(super) fn announce(state: &State, user: &User, what: Publication) {
    let rel = what.rel();
    for app in state.apps.of(user) {
        let base = paths::me(app.id);
        let event = Event::new(
            EventType::Updated,
            rel,
            Link::new(paths::in_me(app.id, rel)),
        );
        app.channel.push(Arc::new(Queued::new("me", &base, event)));
    }
}

/// The user's presence, at `href`.
pub(super) fn presence(user: &User, href: String) -> Presence {
    let published = user.published();
    let mut presence = Presence {
        availability: Some(published.availability.clone()),
        activity: published.activity.clone(),
        ..Presence::default()
    };
    presence.links.self_ = Some(Link::to(href));
    presence
}

/// The user's personal note.
pub(super) fn note(app: &App) -> Note {
    let mut note = Note {
        message: app.user.published().note.clone(),
        r#type: Some(NoteType::Personal),
        ..Note::default()
    };
    note.links.self_ = Some(Link::to(paths::in_me(app.id, "note")));
    note
}

/// The user's location.
pub(super) fn location(app: &App) -> Location {
    let mut location = Location {
        location: app.user.published().location.clone(),
        ..Location::default()
    };
    location.links.self_ = Some(Link::to(paths::in_me(app.id, "location")));
    location
}
