//! Online meetings: the `onlineMeetings` dashboard and the user's scheduled meetings
//! (`myOnlineMeetings`, each a `myOnlineMeeting`: schedule, list, read, update, delete). Each
//! scheduled meeting is published in the book of joinable meetings ([`crate::focus`]), where
//! messaging's conferences find it when someone joins it by URI (`joinOnlineMeeting`).
//!
//! Meetings belong to their organizer, not to one application: every application of the user
//! lists the same ones, and a user sees only their own. Each meeting has an entity tag that
//! changes on every update, given both as the `ETag` header and as the `etag` property (as the
//! walkthroughs show it); a PUT must send it back in `If-Match` (428 `PreconditionRequired`
//! without, 412 `PreconditionFailed` when the meeting changed since). Anyone who knows a
//! meeting's URI may join it.
//!
//! Where the reference is silent, the emulator chooses:
//! - a subject is at most 250 characters (as a join's subject), a description at most 2000;
//!   attendees and leaders are `sip:` URIs of the organizer's domain ("part of the
//!   organization"), at most 250 of each;
//! - a PUT replaces every settable property: one it leaves out returns to its default (as
//!   when scheduling), so a client sends the meeting back whole, as the walkthrough does;
//! - the server's clock for `expirationTime` (one year back to ten years ahead, 8 hours from
//!   now when not given) is the machine's; a meeting is not deleted when it expires;
//! - scheduling, updating and deleting send no events (the reference shows none);
//! - paths are those of the walkthroughs (`onlineMeetings/myOnlineMeetings/{id}`).

//!
//! The model ([`model`]: meetings, their entity tags, and the settings' rules) is
//! tested without HTTP; [`render`] makes the resources and events; [`mod@routes`] holds the
//! handlers.

mod model;
mod render;
mod routes;

pub(crate) use render::embed;
pub(crate) use routes::routes;
