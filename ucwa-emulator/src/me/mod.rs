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

//!
//! The model ([`model`]) holds the rules of what may be published, on the directory's
//! [`crate::directory::Published`]; [`render`] makes the resources and events; [`mod@routes`] the
//! handlers. A change is told to the other tasks through the notifier
//! ([`crate::state::News::Published`]): subscribers to the user's presence hear it there.

mod model;
mod render;
mod routes;

pub use render::PHOTO_PNG;
pub(crate) use render::{announce_available, me};
pub(crate) use routes::routes;
