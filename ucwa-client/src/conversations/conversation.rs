//! One conversation as the runtime holds it: what the router learned of it (participants,
//! phase, this session's history) and its queue of events.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc;
use ucwa::enumerations::{ConversationState, Direction};
use ucwa::events::{Event, EventType};
use ucwa::operations::{ConversationGetError, SendMessagePostError};
use ucwa::resources::{AnyResource, Message};
use ucwa::{ErrorBody, Href, Link};

use crate::ClientError;
use crate::messaging::{ConversationHandle, MessagingHandle, ReceivedMessage};

/// What happened in a conversation, in the order the server announced it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConversationEvent {
    /// Someone else's message.
    Message(Box<ReceivedMessage>),
    /// Someone started typing (until their next message).
    Typing {
        /// Their name, as the server titles them.
        name: Option<String>,
    },
    /// A participant joined (the roster is [`Conversation::participants`]).
    ParticipantAdded(ParticipantInfo),
    /// A participant left.
    ParticipantRemoved(ParticipantInfo),
    /// What became of a message this side sent.
    Delivery {
        /// The message, as [`Conversation::reply`] answered it.
        message: Href,
        /// Delivered, or failed with the server's reason.
        outcome: Delivery,
    },
    /// A meeting's chat connected (the runtime added it): from now on its messages come here,
    /// and [`Conversation::reply`] sends into it. Only meetings
    /// ([`super::InvitationKind::Meeting`]) tell it.
    ChatReady,
    /// The runtime could not add a meeting's chat: no message will come, and replies fail.
    /// [`Conversation::handle`] gives the meeting to try again or leave.
    ChatFailed {
        /// What failed, as the error said it.
        reason: String,
    },
    /// The conversation ended for this side; no event follows.
    Ended,
}

/// The delivery outcome of a message we sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// The server delivered it.
    Delivered,
    /// It failed; the server's reason, when it gave one.
    Failed(Option<Box<ErrorBody>>),
}

/// A participant, as the events name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantInfo {
    /// The participant's resource.
    pub href: Href,
    /// Their display name.
    pub name: Option<String>,
    /// Their SIP URI, when the event embedded the participant.
    pub uri: Option<String>,
    /// Whether it is this side's own participant.
    pub local: bool,
}

/// Where a conversation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Ringing or connecting.
    Connecting,
    /// Messages may be sent.
    Connected,
    /// Over.
    Ended,
}

/// One message of this session's history of a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// `Incoming` (someone else's) or `Outgoing` (ours).
    pub direction: Direction,
    /// The sender's name (incoming).
    pub from: Option<String>,
    /// The text (HTML as sent).
    pub text: String,
}

/// What the router knows of a conversation, shared with its [`Conversation`].
#[derive(Debug)]
pub(super) struct Shared {
    tracked: Mutex<Tracked>,
    dropped: AtomicU64,
}

#[derive(Debug)]
struct Tracked {
    phase: Phase,
    participants: Vec<ParticipantInfo>,
    history: VecDeque<HistoryEntry>,
    max_history: usize,
}

impl Shared {
    pub(super) fn new(max_history: usize) -> Self {
        Shared {
            tracked: Mutex::new(Tracked {
                phase: Phase::Connecting,
                participants: Vec::new(),
                history: VecDeque::new(),
                max_history,
            }),
            dropped: AtomicU64::new(0),
        }
    }

    // The state is plain data updated in one step: a panic elsewhere cannot leave it half
    // changed, so a poisoned lock is used as is.
    fn lock(&self) -> MutexGuard<'_, Tracked> {
        self.tracked.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The conversation ended without the server saying so (its application was replaced).
    pub(super) fn end(&self) {
        self.lock().phase = Phase::Ended;
    }

    /// Whether the conversation is connected now.
    pub(super) fn connected(&self) -> bool {
        self.lock().phase == Phase::Connected
    }

    pub(super) fn count_drop(&self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    fn remember(&self, entry: HistoryEntry) {
        let mut tracked = self.lock();
        tracked.history.push_back(entry);
        while tracked.history.len() > tracked.max_history.max(1) {
            tracked.history.pop_front();
        }
    }

    /// Learns what `event` says about the conversation; what to tell its handler, if anything.
    pub(super) fn apply(&self, event: &Event<AnyResource>) -> Option<ConversationEvent> {
        if let Some(message) = ReceivedMessage::from_event(event) {
            self.remember(HistoryEntry {
                direction: Direction::Incoming,
                from: message.from.clone(),
                text: String::from_utf8_lossy(&message.body).into_owned(),
            });
            return Some(ConversationEvent::Message(Box::new(message)));
        }
        match (&event.resource, event.rel.as_str(), &event.event_type) {
            (Some(AnyResource::Message(message)), _, EventType::Completed)
                if message.direction == Some(Direction::Outgoing) =>
            {
                Some(ConversationEvent::Delivery {
                    message: event.link.href.clone(),
                    outcome: delivery(event),
                })
            }
            (_, "participant" | "localParticipant", EventType::Added)
                if event.in_rel.as_deref() != Some("typingParticipants") =>
            {
                let info = participant(event);
                let mut tracked = self.lock();
                if !tracked.participants.iter().any(|p| p.href == info.href) {
                    tracked.participants.push(info.clone());
                }
                Some(ConversationEvent::ParticipantAdded(info))
            }
            (_, "participant", EventType::Added) => Some(ConversationEvent::Typing {
                name: event.link.title.clone(),
            }),
            (_, "participant", EventType::Deleted)
                if event.in_rel.as_deref() != Some("typingParticipants") =>
            {
                let info = participant(event);
                let mut tracked = self.lock();
                tracked.participants.retain(|p| p.href != info.href);
                Some(ConversationEvent::ParticipantRemoved(info))
            }
            (Some(AnyResource::Conversation(conversation)), _, kind) => {
                let ended = *kind == EventType::Deleted
                    || conversation.state == Some(ConversationState::Disconnected);
                let mut tracked = self.lock();
                if ended {
                    tracked.phase = Phase::Ended;
                    return Some(ConversationEvent::Ended);
                }
                if conversation.state == Some(ConversationState::Connected) {
                    tracked.phase = Phase::Connected;
                }
                None
            }
            _ => None,
        }
    }
}

fn delivery(event: &Event<AnyResource>) -> Delivery {
    if event.status.as_deref() == Some("Failure") || event.reason.is_some() {
        Delivery::Failed(event.reason.clone().map(Box::new))
    } else {
        Delivery::Delivered
    }
}

fn participant(event: &Event<AnyResource>) -> ParticipantInfo {
    let embedded = match &event.resource {
        Some(AnyResource::Participant(p)) => Some(p),
        _ => None,
    };
    ParticipantInfo {
        href: event.link.href.clone(),
        name: event
            .link
            .title
            .clone()
            .or_else(|| embedded.and_then(|p| p.name.clone())),
        uri: embedded.and_then(|p| p.uri.as_ref().map(|u| u.as_str().to_owned())),
        local: event.rel == "localParticipant" || embedded.and_then(|p| p.local) == Some(true),
    }
}

/// A reply could not be sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Reading the conversation (for its sendMessage link) failed.
    #[error("reading the conversation: {0}")]
    Read(#[from] ClientError<ConversationGetError>),
    /// Sending failed.
    #[error("sending: {0}")]
    Send(#[from] ClientError<SendMessagePostError>),
}

/// A conversation the runtime routes events to: its own queue of [`ConversationEvent`]s,
/// what is known of it, and [`Conversation::reply`].
#[derive(Debug)]
pub struct Conversation {
    pub(super) link: Link<ucwa::resources::Conversation>,
    pub(super) kind: super::InvitationKind,
    pub(super) events: mpsc::Receiver<ConversationEvent>,
    pub(super) shared: Arc<Shared>,
    pub(super) messaging: MessagingHandle,
    /// The conversation read once connected (its messaging has sendMessage).
    pub(super) handle: tokio::sync::Mutex<Option<ConversationHandle>>,
}

impl Conversation {
    /// The conversation's link.
    pub fn link(&self) -> &Link<ucwa::resources::Conversation> {
        &self.link
    }

    /// What it is: a conversation of messages, or a meeting (whose chat the runtime adds).
    pub fn kind(&self) -> super::InvitationKind {
        self.kind
    }

    /// The next event, in order; `None` after [`ConversationEvent::Ended`] or when the runtime
    /// stopped.
    pub async fn next(&mut self) -> Option<ConversationEvent> {
        self.events.recv().await
    }

    /// Who is in the conversation now (this side's own participant among them), as the events
    /// said.
    pub fn participants(&self) -> Vec<ParticipantInfo> {
        self.shared.lock().participants.clone()
    }

    /// Where the conversation is.
    pub fn phase(&self) -> Phase {
        self.shared.lock().phase
    }

    /// The messages of this session, oldest first (at most [`super::Options::history`]).
    pub fn history(&self) -> Vec<HistoryEntry> {
        self.shared.lock().history.iter().cloned().collect()
    }

    /// How many events this conversation's full queue dropped.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Sends `text` (plain) into this conversation, where the messages it answers came from;
    /// the answer is the message's link, which its [`ConversationEvent::Delivery`] names.
    pub async fn reply(&self, text: &str) -> Result<Link<Message>, ReplyError> {
        let handle = {
            let mut cached = self.handle.lock().await;
            let sendable = |h: &ConversationHandle| {
                h.messaging()
                    .is_some_and(|m| m.links.send_message.is_some())
            };
            match cached.as_ref() {
                Some(h) if sendable(h) => h.clone(),
                _ => {
                    let read = self.messaging.conversation(&self.link).await?;
                    *cached = Some(read.clone());
                    read
                }
            }
        };
        let link = handle.send_message(text).await?;
        self.shared.remember(HistoryEntry {
            direction: Direction::Outgoing,
            from: None,
            text: text.to_owned(),
        });
        Ok(link)
    }

    /// The conversation as a [`ConversationHandle`] (read now): to add a participant, leave,
    /// stop.
    pub async fn handle(&self) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        self.messaging.conversation(&self.link).await
    }
}
