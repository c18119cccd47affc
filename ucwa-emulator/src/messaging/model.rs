//! Instant messaging without HTTP: one application's conversations and invitations, each
//! side of a conversation with its state, and the transitions between states.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, MutexGuard};

use ucwa::DataUri;
use ucwa::enumerations::{ConversationState, Direction, Importance, InvitationState};

use crate::directory::User;
use crate::lock::lock;
use crate::paths;
use crate::state::App;

/// The longest subject and operationId the reference gives startMessaging.
pub(super) const MAX_SUBJECT: usize = 250;
pub(super) const MAX_OPERATION_ID: usize = 50;

/// The messaging of one application: its conversations and messaging invitations.
#[derive(Debug, Default)]
pub(super) struct Conversations {
    next_id: u64,
    pub(super) conversations: BTreeMap<u64, Talk>,
    pub(super) invitations: HashMap<u64, Invitation>,
}

/// Where the other side of a conversation or invitation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Peer {
    pub(super) app: u64,
    pub(super) id: u64,
}

/// The state of a conversation's messaging modality. (The generated bindings type it as a
/// string: UCWA names no enumeration for it.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ModalityState {
    Connecting,
    Connected,
    Disconnected,
}

impl ModalityState {
    /// The name on the wire.
    pub(super) fn as_str(self) -> &'static str {
        match self {
            ModalityState::Connecting => "Connecting",
            ModalityState::Connected => "Connected",
            ModalityState::Disconnected => "Disconnected",
        }
    }
}

/// One side of a two-party conversation.
#[derive(Debug)]
pub(super) struct Talk {
    pub(super) thread_id: String,
    pub(super) subject: String,
    pub(super) importance: Importance,
    pub(super) state: ConversationState,
    pub(super) messaging: ModalityState,
    pub(super) local: Arc<User>,
    pub(super) remote: Arc<User>,
    pub(super) peer: Option<Peer>,
    pub(super) invitation: u64,
    pub(super) next_message: u64,
}

/// One side of a messaging invitation.
#[derive(Debug)]
pub(super) struct Invitation {
    pub(super) direction: Direction,
    pub(super) state: InvitationState,
    pub(super) operation_id: Option<String>,
    pub(super) conversation: u64,
    /// The first message, sent with the invitation.
    pub(super) message: Option<DataUri>,
    pub(super) peer: Option<Peer>,
}

impl Conversations {
    pub(super) fn next_id(&mut self) -> u64 {
        // The ids below are the scripted call's.
        self.next_id = self.next_id.max(paths::FIRST_MESSAGING - 1) + 1;
        self.next_id
    }
}

/// One side of a new conversation: who is on it, about what, and which way its invitation
/// goes (with, for the invitee's side, where the inviter's conversation and invitation are).
pub(super) struct Opening {
    pub(super) thread_id: String,
    pub(super) subject: String,
    pub(super) importance: Importance,
    pub(super) local: Arc<User>,
    pub(super) remote: Arc<User>,
    pub(super) direction: Direction,
    pub(super) operation_id: Option<String>,
    /// The first message, sent with the invitation.
    pub(super) message: Option<DataUri>,
    /// The other side's conversation and invitation, when it is known at once.
    pub(super) peer: Option<(Peer, Peer)>,
}

impl Conversations {
    /// Opens a conversation with its invitation, ringing: the inviter's conversation is
    /// `Connecting`, the invitee's `Incoming`. Their ids; `None` when the application holds
    /// `max` conversations already.
    pub(super) fn open(&mut self, opening: Opening, max: usize) -> Option<(u64, u64)> {
        if self.conversations.len() >= max {
            return None;
        }
        let conversation = self.next_id();
        let invitation = self.next_id();
        let state = match opening.direction {
            Direction::Incoming => ConversationState::Incoming,
            _ => ConversationState::Connecting,
        };
        let (talk_peer, invitation_peer) = opening.peer.unzip();
        self.conversations.insert(
            conversation,
            Talk {
                thread_id: opening.thread_id,
                subject: opening.subject,
                importance: opening.importance,
                state,
                messaging: ModalityState::Connecting,
                local: opening.local,
                remote: opening.remote,
                peer: talk_peer,
                invitation,
                next_message: 1,
            },
        );
        self.invitations.insert(
            invitation,
            Invitation {
                direction: opening.direction,
                state: InvitationState::Connecting,
                operation_id: opening.operation_id,
                conversation,
                message: opening.message,
                peer: invitation_peer,
            },
        );
        Some((conversation, invitation))
    }

    /// The other side answered the ringing: conversation `conversation` and invitation
    /// `invitation` learn where theirs are.
    pub(super) fn reached(&mut self, conversation: u64, invitation: u64, peer: (Peer, Peer)) {
        if let Some(talk) = self.conversations.get_mut(&conversation) {
            talk.peer = Some(peer.0);
        }
        if let Some(inv) = self.invitations.get_mut(&invitation) {
            inv.peer = Some(peer.1);
        }
    }
}

/// The messaging of `app` (in its slots).
pub(super) fn of(app: &App) -> MutexGuard<'_, Conversations> {
    lock(app.data.get::<Conversations>())
}

impl Talk {
    /// The invitation was accepted: the conversation, its messaging and the invitation are
    /// connected.
    pub(super) fn connect(&mut self, invitation: &mut Invitation) {
        self.state = ConversationState::Connected;
        self.messaging = ModalityState::Connected;
        invitation.state = InvitationState::Connected;
    }

    /// The conversation ended (stopped, left, declined, or its invitation failed).
    pub(super) fn end(&mut self) {
        self.state = ConversationState::Disconnected;
        self.messaging = ModalityState::Disconnected;
    }

    /// Whether messages may be sent.
    pub(super) fn is_connected(&self) -> bool {
        self.messaging == ModalityState::Connected
    }

    /// The number of the next message, sent or received.
    pub(super) fn take_message_number(&mut self) -> u64 {
        let n = self.next_message;
        self.next_message += 1;
        n
    }
}

impl Invitation {
    /// The invitee declined.
    pub(super) fn decline(&mut self) {
        self.state = InvitationState::Declined;
    }

    /// The invitation reached no one.
    pub(super) fn fail(&mut self) {
        self.state = InvitationState::Failed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(local: &Arc<User>, remote: &Arc<User>) -> Talk {
        Talk {
            thread_id: "t".into(),
            subject: String::new(),
            importance: Importance::Normal,
            state: ConversationState::Connecting,
            messaging: ModalityState::Connecting,
            local: local.clone(),
            remote: remote.clone(),
            peer: None,
            invitation: 3,
            next_message: 1,
        }
    }

    fn invitation() -> Invitation {
        Invitation {
            direction: Direction::Outgoing,
            state: InvitationState::Connecting,
            operation_id: None,
            conversation: 2,
            message: None,
            peer: None,
        }
    }

    #[test]
    fn a_conversation_connects_then_ends() {
        let lene = Arc::new(User::stranger("lene@contoso.com"));
        let ann = Arc::new(User::stranger("ann@contoso.com"));
        let mut talk = talk(&lene, &ann);
        let mut inv = invitation();
        assert!(!talk.is_connected());
        talk.connect(&mut inv);
        assert_eq!(talk.state, ConversationState::Connected);
        assert_eq!(talk.messaging, ModalityState::Connected);
        assert_eq!(inv.state, InvitationState::Connected);
        assert!(talk.is_connected());
        assert_eq!(talk.take_message_number(), 1);
        assert_eq!(talk.take_message_number(), 2);
        talk.end();
        assert_eq!(talk.state, ConversationState::Disconnected);
        assert_eq!(talk.messaging.as_str(), "Disconnected");
        assert!(!talk.is_connected());
    }

    #[test]
    fn an_invitation_is_declined_or_fails() {
        let mut declined = invitation();
        declined.decline();
        assert_eq!(declined.state, InvitationState::Declined);
        let mut failed = invitation();
        failed.fail();
        assert_eq!(failed.state, InvitationState::Failed);
    }

    fn opening(direction: Direction, peer: Option<(Peer, Peer)>) -> Opening {
        Opening {
            thread_id: "t".into(),
            subject: "s".into(),
            importance: Importance::Normal,
            local: Arc::new(User::stranger("lene@contoso.com")),
            remote: Arc::new(User::stranger("ann@contoso.com")),
            direction,
            operation_id: None,
            message: None,
            peer,
        }
    }

    #[test]
    fn a_conversation_opens_ringing_and_learns_its_peer() {
        let mut mine = Conversations::default();
        let (conversation, invitation) = mine.open(opening(Direction::Outgoing, None), 1).unwrap();
        let talk = &mine.conversations[&conversation];
        assert_eq!(talk.state, ConversationState::Connecting);
        assert_eq!(talk.invitation, invitation);
        assert_eq!(mine.invitations[&invitation].conversation, conversation);
        assert!(mine.open(opening(Direction::Outgoing, None), 1).is_none());
        let theirs = Peer { app: 7, id: 2 };
        let their_invitation = Peer { app: 7, id: 3 };
        mine.reached(conversation, invitation, (theirs, their_invitation));
        assert_eq!(mine.conversations[&conversation].peer, Some(theirs));
        assert_eq!(mine.invitations[&invitation].peer, Some(their_invitation));

        let mut invitee = Conversations::default();
        let peer = Some((
            Peer {
                app: 1,
                id: conversation,
            },
            Peer {
                app: 1,
                id: invitation,
            },
        ));
        let (incoming, _) = invitee.open(opening(Direction::Incoming, peer), 5).unwrap();
        assert_eq!(
            invitee.conversations[&incoming].state,
            ConversationState::Incoming
        );
        assert_eq!(
            invitee.conversations[&incoming].messaging,
            ModalityState::Connecting
        );
    }

    #[test]
    fn ids_start_after_the_scripted_call() {
        let mut conversations = Conversations::default();
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING);
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING + 1);
    }
}
