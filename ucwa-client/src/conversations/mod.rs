//! A runtime for bots and other programs that hold many conversations at once: incoming
//! invitations answered by a [`Policy`], every messaging event routed to its
//! [`Conversation`], each conversation with its own bounded queue.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) {
//! use ucwa_client::conversations::{ConversationEvent, Conversations, Policy};
//!
//! let mut conversations = Conversations::start(&session, Policy::AcceptAll);
//! while let Some(mut conversation) = conversations.next().await {
//!     tokio::spawn(async move {
//!         while let Some(event) = conversation.next().await {
//!             if let ConversationEvent::Message(message) = event {
//!                 let text = message.text().unwrap_or("").to_owned();
//!                 let _ = conversation.reply(&format!("you said: {text}")).await;
//!             }
//!         }
//!     });
//! }
//! # }
//! ```
//!
//! Routing: the server announces what happens in a conversation under the conversation's URL
//! (its participants, its messaging and messages, who is typing are all below it), so an
//! event goes to the conversation whose URL begins the event's `in` link, or else its own
//! link. An event for no known conversation is counted ([`Counters::unrouted`]).
//!
//! Bounds: the router never waits on a conversation. Each conversation's queue holds at most
//! [`Options::queue`] events; what a full queue cannot take is dropped and counted, on the
//! conversation ([`Conversation::dropped`]) and in [`Counters::dropped`], so a slow handler
//! delays only its own conversation. Events the router itself missed (it read the session's
//! broadcast too slowly) are counted in [`Counters::missed`].
//!
//! Recovery: the router reads the session's events, which go on after the session replaced a
//! gone application (`Status::Recovered`) and after a token renewal; invitations to the new
//! application are answered like the others. The conversations of the old application ended
//! with it: the server tells the other participants so, and they start again.

mod conversation;
mod invitation;
mod router;

pub use conversation::{
    Conversation, ConversationEvent, Delivery, HistoryEntry, ParticipantInfo, Phase, ReplyError,
};
pub use invitation::{Invitation, InvitationInfo, InvitationKind};
pub use router::{Conversations, Counters, Options, Policy};
