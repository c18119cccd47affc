//! Conversation history: each user's `conversationLogs` under `communication`, written as
//! conversations end, and `missedItems`.
//!
//! - When a user's side of an instant messaging conversation ends, messaging tells it
//!   ([`crate::state::News::ConversationEnded`]) and a `conversationLog` is written for that
//!   user: who else took part, the subject, and what was said (the invitation's first message,
//!   then the messages the conversation kept), status `Archived`. An invitation the inviter
//!   gave up on before anyone answered writes a `Missed` log for the invitee (once, however
//!   many of their applications were rung).
//! - `conversationLogs` lists the logs newest first (`limit`: at most that many; not a whole
//!   number of at least 1 answers 400 `ParameterValidationFailure`); a log embeds its
//!   `conversationLogRecipient`s and links its transcripts, `markAsRead` and
//!   `continueMessaging`; DELETE forgets it.
//! - `conversationLogTranscripts` is the first page of a log's transcripts (at most
//!   [`crate::Limits::transcripts_per_page`], oldest first), each a `conversationLogTranscript`
//!   embedding its `messageTranscript` (the text as `plainMessage` or `htmlMessage`) and linking
//!   `me` or the `contact` who said it; `nextConversationLogTranscripts` leads to the next page.
//!   Messaging keeps no time per message, so each transcript carries the log's time.
//! - continueMessaging starts a new conversation with the log's first recipient about its
//!   subject, as startMessaging does (asked of messaging through
//!   [`crate::state::News::ContinueMessaging`]): 201 with the new `messagingInvitation`.
//! - `missedItems` counts the logs, the missed ones and those not read; every application of
//!   the user hears `updated` missedItems (from `communication`, the resource embedded) when a
//!   log is written or deleted, or a missed one is first marked read.
//! - Bounded: a user keeps the latest [`crate::Limits::max_conversation_logs`] logs, a log the
//!   latest [`crate::Limits::max_log_transcripts`] transcripts.
//!
//! References: <https://learn.microsoft.com/en-us/skype-sdk/ucwa/conversationlogs_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/conversationlog_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/misseditems_ref>.
//!
//! [`model`] keeps the logs and counts them (tested without HTTP), [`render`] makes the
//! resources and the event, [`mod@routes`] holds the handlers and the listener.

mod model;
mod render;
mod routes;

pub(crate) use routes::{hear, routes};
