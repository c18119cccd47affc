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
//! Invitations: an incoming messaging invitation and an incoming meeting invitation (someone in
//! a meeting adds this user to it) reach the same [`Policy`]. A filter
//! ([`Policy::accept_from`]) decides over [`InvitationInfo`], the little both kinds say alike
//! (kind, who from, subject); [`Policy::Ask`] hands each over as an [`Invitation`], one enum
//! over the kinds, for [`Conversations::accept`] or [`Conversations::decline`]. An accepted
//! meeting is a [`Conversation`] like any other: once the meeting connects, the runtime adds
//! its chat (`addMessaging`, unless the invitation brought it; a failure is counted in
//! [`Counters::failed`]), its messages are routed to it, and [`Conversation::reply`] answers
//! in the meeting's chat. A message sent before the chat is added does not reach this side.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) {
//! use ucwa_client::conversations::{Conversations, InvitationKind, Policy};
//!
//! // Talk with anyone from Contoso; join meetings only when Lene asks.
//! let policy = Policy::accept_from(|invitation| match invitation.kind {
//!     InvitationKind::Meeting => invitation.from_name.as_deref() == Some("Lene Aaling"),
//!     _ => invitation
//!         .from_uri
//!         .as_deref()
//!         .is_some_and(|uri| uri.ends_with("@contoso.com")),
//! });
//! let conversations = Conversations::start(&session, policy);
//! # drop(conversations); }
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
