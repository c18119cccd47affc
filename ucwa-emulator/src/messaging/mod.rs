//! Instant messaging between users of the emulator: `communication` with `startMessaging`,
//! `messagingInvitation` (accept, decline), `conversation`, `messaging` (sendMessage,
//! setIsTyping, stopMessaging), `message` and `participant`, with the events the reference's
//! walkthroughs (SendAnIM, ReceiveAnIM) show, in the order they show them.
//!
//! Each side of a conversation is its own resource in its own application: the inviter's
//! conversation and the invitee's share a `threadId` and know each other's place (`Peer`), and
//! whatever one side does is announced to both. Where the reference is silent:
//! - one application of the invitee receives the invitation: the newest one whose user was
//!   made available;
//! - an invitation fails, as a `completed` event with status `Failure` and a reason, when the
//!   invitee is unknown (`NotFound`, subcode `DestinationNotFound`), has no available
//!   application or is `Offline` (`RemoteFailure`, `TemporarilyUnavailable`), or declines
//!   (`RemoteFailure`, `Declined`);
//! - a message is sent as `text/plain` or `text/html` and arrives as a `completed` message event
//!   carrying it as a `data:` URI (`plainMessage` or `htmlMessage`); messages are not kept;
//! - setIsTyping tells the other side that the participant is typing (`added` in
//!   `typingParticipants`) until their next message (`deleted`);
//! - stopMessaging, or deleting the conversation, ends it on both sides (`messaging` updated to
//!   `Disconnected`, then the conversation `deleted`); sending on an ended or unaccepted
//!   conversation answers 409 `Conflict`;
//! - an application holds at most [`crate::Limits::max_conversations`] conversations (403
//!   `LimitExceeded` past it).

//!
//! The model ([`model`]: conversations, invitations and their states) is tested without HTTP;
//! [`render`] makes the resources and events; [`mod@routes`] holds the handlers.

mod model;
mod render;
mod routes;

pub(crate) use render::communication;
pub(crate) use routes::{count, messages, participant_of, routes};
