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

    #[test]
    fn ids_start_after_the_scripted_call() {
        let mut conversations = Conversations::default();
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING);
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING + 1);
    }
}
