//! Instant messaging without HTTP, in two parts:
//! - [`Threads`] (one for the whole emulator): each conversation as the server holds it, its
//!   roster of N participants (each with the place of their own side) and its messages;
//! - [`Conversations`] (one per application): that application's sides of conversations
//!   ([`Talk`]) and its invitations, each with its state and the transitions between states.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, MutexGuard};

use ucwa::DataUri;
use ucwa::enumerations::{ConversationState, Direction, Importance, InvitationState};

use crate::directory::User;
use crate::lock::lock;
use crate::paths;
use crate::state::{App, State};

/// The longest subject and operationId the reference gives startMessaging.
pub(super) const MAX_SUBJECT: usize = 250;
pub(super) const MAX_OPERATION_ID: usize = 50;

// ---- the conversations as the server holds them -------------------------------------------

/// Where one participant's side of a conversation is: an application and its conversation id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Side {
    pub(super) app: u64,
    pub(super) conversation: u64,
}

/// A participant in a conversation's roster.
#[derive(Clone, Debug)]
pub(super) struct Member {
    pub(super) user: Arc<User>,
    pub(super) side: Side,
}

/// A message as the conversation keeps it.
#[derive(Clone, Debug)]
pub(super) struct Said {
    pub(super) from: Arc<User>,
    pub(super) text: DataUri,
}

/// One conversation: who is in it (connected, in the order they joined) and what was said.
#[derive(Debug, Default)]
pub(super) struct Thread {
    pub(super) members: Vec<Member>,
    /// The latest messages, at most [`crate::Limits::max_messages`].
    pub(super) messages: VecDeque<Said>,
    /// Messages dropped from `messages` to keep it within its bound.
    pub(super) dropped: u64,
    /// Escalated to a conference by addParticipant: it then outlives its first two members
    /// (a two-party conversation ends for both when one leaves).
    pub(super) conference: bool,
}

/// Every conversation of the emulator, by number.
#[derive(Debug, Default)]
pub(super) struct Threads {
    next: u64,
    pub(super) threads: HashMap<u64, Thread>,
}

/// What a participant leaving changed.
#[derive(Debug)]
pub(super) struct Left {
    /// Who left (`None` when the side was not in the roster: it had not joined yet).
    pub(super) member: Option<Member>,
    /// Those still in the conversation, who hear that they left.
    pub(super) remaining: Vec<Member>,
    /// Whether the conversation ends for them too (two-party: no one to talk to).
    pub(super) ends: bool,
    /// The messages of a conversation forgotten by this leave (for the logs of the sides that
    /// end with it).
    pub(super) messages: Vec<Said>,
}

impl Threads {
    /// A new conversation with no one in it yet; its number.
    pub(super) fn open(&mut self) -> u64 {
        self.next += 1;
        self.threads.insert(self.next, Thread::default());
        self.next
    }

    /// `member` joins conversation `thread`: the members who were there before (they hear of
    /// the newcomer), `None` if the conversation is gone. Joining twice changes nothing.
    pub(super) fn join(&mut self, thread: u64, member: Member) -> Option<Vec<Member>> {
        let t = self.threads.get_mut(&thread)?;
        let before: Vec<Member> = t
            .members
            .iter()
            .filter(|m| m.side != member.side)
            .cloned()
            .collect();
        if before.len() == t.members.len() {
            t.members.push(member);
        }
        Some(before)
    }

    /// The side `side` leaves conversation `thread`. A two-party conversation ends for the
    /// other side too; a conference goes on while anyone is in it. An empty conversation is
    /// forgotten.
    pub(super) fn leave(&mut self, thread: u64, side: Side) -> Left {
        let Some(t) = self.threads.get_mut(&thread) else {
            return Left {
                member: None,
                remaining: Vec::new(),
                ends: false,
                messages: Vec::new(),
            };
        };
        let member = t
            .members
            .iter()
            .position(|m| m.side == side)
            .map(|at| t.members.remove(at));
        let ends = member.is_some() && !t.conference && t.members.len() == 1;
        let remaining = t.members.clone();
        if ends {
            t.members.clear();
        }
        let mut messages = Vec::new();
        if t.members.is_empty()
            && let Some(t) = self.threads.remove(&thread)
        {
            messages = t.messages.into();
        }
        Left {
            member,
            remaining,
            ends,
            messages,
        }
    }

    /// The members of `thread` other than `side`.
    pub(super) fn others(&self, thread: u64, side: Side) -> Vec<Member> {
        self.threads
            .get(&thread)
            .map(|t| {
                t.members
                    .iter()
                    .filter(|m| m.side != side)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How many are in `thread`.
    pub(super) fn count(&self, thread: u64) -> usize {
        self.threads.get(&thread).map_or(0, |t| t.members.len())
    }

    /// The member of `thread` with address `address`.
    pub(super) fn member(&self, thread: u64, address: &str) -> Option<Member> {
        let t = self.threads.get(&thread)?;
        t.members.iter().find(|m| m.user.is(address)).cloned()
    }

    /// Marks `thread` a conference (addParticipant escalates a two-party conversation).
    pub(super) fn escalate(&mut self, thread: u64) {
        if let Some(t) = self.threads.get_mut(&thread) {
            t.conference = true;
        }
    }

    /// Keeps a message said in `thread`, dropping the oldest beyond `max`.
    pub(super) fn keep(&mut self, thread: u64, said: Said, max: usize) {
        if let Some(t) = self.threads.get_mut(&thread) {
            t.messages.push_back(said);
            while t.messages.len() > max.max(1) {
                t.messages.pop_front();
                t.dropped += 1;
            }
        }
    }

    /// Forgets `thread` if no one joined it (its invitation failed or was declined).
    pub(super) fn forget_if_empty(&mut self, thread: u64) {
        if self
            .threads
            .get(&thread)
            .is_some_and(|t| t.members.is_empty())
        {
            self.threads.remove(&thread);
        }
    }
}

/// The conversations of the emulator (in its slots).
pub(super) fn threads(state: &State) -> MutexGuard<'_, Threads> {
    lock(state.data.get::<Threads>())
}

// ---- one application's sides ---------------------------------------------------------------

/// The messaging of one application: its sides of conversations and its invitations.
#[derive(Debug, Default)]
pub(super) struct Conversations {
    next_id: u64,
    pub(super) conversations: BTreeMap<u64, Talk>,
    pub(super) invitations: HashMap<u64, Invitation>,
}

/// Where an invitation is on another application.
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

/// One application's side of a conversation.
#[derive(Debug)]
pub(super) struct Talk {
    /// The conversation in [`Threads`].
    pub(super) thread: u64,
    pub(super) thread_id: String,
    pub(super) subject: String,
    pub(super) importance: Importance,
    pub(super) state: ConversationState,
    pub(super) messaging: ModalityState,
    pub(super) local: Arc<User>,
    /// Whom the invitation that made this side named: the invitee (outgoing) or the inviter
    /// (incoming).
    pub(super) remote: Arc<User>,
    pub(super) invitation: u64,
    pub(super) next_message: u64,
}

/// What an invitation invites to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A new conversation (startMessaging), or, incoming, any conversation's messaging.
    Messaging,
    /// Another participant into a running conversation (addParticipant).
    Participant,
    /// A meeting, joined or met now (onlineMeetingInvitation).
    Meeting,
}

/// One side of an invitation.
#[derive(Debug)]
pub(super) struct Invitation {
    pub(super) kind: Kind,
    pub(super) direction: Direction,
    pub(super) state: InvitationState,
    pub(super) operation_id: Option<String>,
    pub(super) conversation: u64,
    /// Whom an outgoing invitation invites.
    pub(super) to: Arc<User>,
    /// The first message, sent with the invitation.
    pub(super) message: Option<DataUri>,
    /// Incoming: the inviter's invitation.
    pub(super) peer: Option<Peer>,
    /// Outgoing: the invitee's invitations it rings, one per available application.
    pub(super) rung: Vec<Peer>,
}

impl Conversations {
    pub(super) fn next_id(&mut self) -> u64 {
        // The ids below are the scripted call's.
        self.next_id = self.next_id.max(paths::FIRST_MESSAGING - 1) + 1;
        self.next_id
    }
}

/// One side of a new conversation: which one, who is on it, about what, and which way its
/// invitation goes (with, for the invitee's side, where the inviter's invitation is).
pub(super) struct Opening {
    pub(super) thread: u64,
    pub(super) thread_id: String,
    pub(super) subject: String,
    pub(super) importance: Importance,
    pub(super) local: Arc<User>,
    pub(super) remote: Arc<User>,
    pub(super) direction: Direction,
    pub(super) operation_id: Option<String>,
    /// The first message, sent with the invitation.
    pub(super) message: Option<DataUri>,
    /// The inviter's invitation (incoming).
    pub(super) peer: Option<Peer>,
}

impl Conversations {
    /// Opens a side of a conversation with its invitation, ringing: the inviter's side is
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
        let to = match opening.direction {
            Direction::Incoming => opening.local.clone(),
            _ => opening.remote.clone(),
        };
        self.conversations.insert(
            conversation,
            Talk {
                thread: opening.thread,
                thread_id: opening.thread_id,
                subject: opening.subject,
                importance: opening.importance,
                state,
                messaging: ModalityState::Connecting,
                local: opening.local,
                remote: opening.remote,
                invitation,
                next_message: 1,
            },
        );
        self.invitations.insert(
            invitation,
            Invitation {
                kind: Kind::Messaging,
                direction: opening.direction,
                state: InvitationState::Connecting,
                operation_id: opening.operation_id,
                conversation,
                to,
                message: opening.message,
                peer: opening.peer,
                rung: Vec::new(),
            },
        );
        Some((conversation, invitation))
    }

    /// An outgoing participant invitation (addParticipant) from connected conversation
    /// `conversation`, to `to`; its id.
    pub(super) fn invite(
        &mut self,
        conversation: u64,
        to: Arc<User>,
        operation_id: Option<String>,
    ) -> u64 {
        let id = self.next_id();
        self.invitations.insert(
            id,
            Invitation {
                kind: Kind::Participant,
                direction: Direction::Outgoing,
                state: InvitationState::Connecting,
                operation_id,
                conversation,
                to,
                message: None,
                peer: None,
                rung: Vec::new(),
            },
        );
        id
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

    /// Whether the conversation is connected but its messaging is not (a joined meeting
    /// before addMessaging).
    pub(super) fn is_joined_without_messaging(&self) -> bool {
        self.state == ConversationState::Connected && self.messaging == ModalityState::Disconnected
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

    /// The invitation reached no one, or was answered elsewhere.
    pub(super) fn fail(&mut self) {
        self.state = InvitationState::Failed;
    }

    /// Whether it still waits for an answer.
    pub(super) fn is_ringing(&self) -> bool {
        self.state == InvitationState::Connecting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(address: &str) -> Arc<User> {
        Arc::new(User::stranger(address))
    }

    fn member(address: &str, app: u64) -> Member {
        Member {
            user: user(address),
            side: Side {
                app,
                conversation: 2,
            },
        }
    }

    fn talk(local: &Arc<User>, remote: &Arc<User>) -> Talk {
        Talk {
            thread: 1,
            thread_id: "t".into(),
            subject: String::new(),
            importance: Importance::Normal,
            state: ConversationState::Connecting,
            messaging: ModalityState::Connecting,
            local: local.clone(),
            remote: remote.clone(),
            invitation: 3,
            next_message: 1,
        }
    }

    fn invitation() -> Invitation {
        Invitation {
            kind: Kind::Messaging,
            direction: Direction::Outgoing,
            state: InvitationState::Connecting,
            operation_id: None,
            conversation: 2,
            to: user("ann@contoso.com"),
            message: None,
            peer: None,
            rung: Vec::new(),
        }
    }

    #[test]
    fn a_conversation_connects_then_ends() {
        let lene = user("lene@contoso.com");
        let ann = user("ann@contoso.com");
        let mut talk = talk(&lene, &ann);
        let mut inv = invitation();
        assert!(!talk.is_connected());
        assert!(inv.is_ringing());
        talk.connect(&mut inv);
        assert_eq!(talk.state, ConversationState::Connected);
        assert_eq!(talk.messaging, ModalityState::Connected);
        assert_eq!(inv.state, InvitationState::Connected);
        assert!(!inv.is_ringing());
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
        assert!(!failed.is_ringing());
    }

    fn opening(direction: Direction, peer: Option<Peer>) -> Opening {
        Opening {
            thread: 1,
            thread_id: "t".into(),
            subject: "s".into(),
            importance: Importance::Normal,
            local: user("lene@contoso.com"),
            remote: user("ann@contoso.com"),
            direction,
            operation_id: None,
            message: None,
            peer,
        }
    }

    #[test]
    fn a_side_opens_ringing_within_its_bound() {
        let mut mine = Conversations::default();
        let (conversation, invitation) = mine.open(opening(Direction::Outgoing, None), 1).unwrap();
        let talk = &mine.conversations[&conversation];
        assert_eq!(talk.state, ConversationState::Connecting);
        assert_eq!(talk.invitation, invitation);
        assert_eq!(mine.invitations[&invitation].conversation, conversation);
        assert!(mine.invitations[&invitation].to.is("ann@contoso.com"));
        assert!(mine.open(opening(Direction::Outgoing, None), 1).is_none());

        let mut invitee = Conversations::default();
        let peer = Some(Peer {
            app: 1,
            id: invitation,
        });
        let (incoming, inv) = invitee.open(opening(Direction::Incoming, peer), 5).unwrap();
        assert_eq!(
            invitee.conversations[&incoming].state,
            ConversationState::Incoming
        );
        assert_eq!(invitee.invitations[&inv].peer, peer);
        assert!(invitee.invitations[&inv].to.is("lene@contoso.com"));
    }

    #[test]
    fn a_participant_invitation_belongs_to_its_conversation() {
        let mut mine = Conversations::default();
        let (conversation, _) = mine.open(opening(Direction::Outgoing, None), 5).unwrap();
        let id = mine.invite(conversation, user("tosh@contoso.com"), Some("op".into()));
        let inv = &mine.invitations[&id];
        assert_eq!(inv.kind, Kind::Participant);
        assert_eq!(inv.conversation, conversation);
        assert_eq!(inv.direction, Direction::Outgoing);
        assert!(inv.is_ringing());
        // It opens no conversation of its own.
        assert_eq!(mine.conversations.len(), 1);
    }

    #[test]
    fn ids_start_after_the_scripted_call() {
        let mut conversations = Conversations::default();
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING);
        assert_eq!(conversations.next_id(), paths::FIRST_MESSAGING + 1);
    }

    #[test]
    fn a_roster_grows_from_two_to_three_and_back() {
        let mut threads = Threads::default();
        let t = threads.open();
        assert_eq!(
            threads
                .join(t, member("lene@contoso.com", 1))
                .unwrap()
                .len(),
            0
        );
        let before = threads.join(t, member("ann@contoso.com", 2)).unwrap();
        assert_eq!(before.len(), 1);
        assert!(before[0].user.is("lene@contoso.com"));
        // Joining again adds no one.
        threads.join(t, member("ann@contoso.com", 2)).unwrap();
        assert_eq!(threads.count(t), 2);

        threads.escalate(t);
        let before = threads.join(t, member("tosh@contoso.com", 3)).unwrap();
        assert_eq!(before.len(), 2);
        assert_eq!(threads.count(t), 3);
        let side = |app| Side {
            app,
            conversation: 2,
        };
        assert_eq!(threads.others(t, side(3)).len(), 2);
        assert!(threads.member(t, "TOSH@contoso.com").is_some());

        let left = threads.leave(t, side(3));
        assert!(left.member.unwrap().user.is("tosh@contoso.com"));
        assert_eq!(left.remaining.len(), 2);
        // A conference goes on with two.
        assert!(!left.ends);
        assert_eq!(threads.count(t), 2);
        let left = threads.leave(t, side(2));
        assert!(!left.ends);
        let left = threads.leave(t, side(1));
        assert!(left.remaining.is_empty());
        assert!(!threads.threads.contains_key(&t));
    }

    #[test]
    fn a_two_party_conversation_ends_when_one_leaves() {
        let mut threads = Threads::default();
        let t = threads.open();
        threads.join(t, member("lene@contoso.com", 1));
        threads.join(t, member("ann@contoso.com", 2));
        let text = DataUri::from_bytes("text/plain", b"bye").unwrap();
        threads.keep(
            t,
            Said {
                from: user("lene@contoso.com"),
                text,
            },
            10,
        );
        let left = threads.leave(
            t,
            Side {
                app: 1,
                conversation: 2,
            },
        );
        assert!(left.ends);
        assert_eq!(left.remaining.len(), 1);
        assert!(left.remaining[0].user.is("ann@contoso.com"));
        // What was said goes with the conversation, for the logs of those it ended for.
        assert_eq!(left.messages.len(), 1);
        assert_eq!(left.messages[0].text.decode().unwrap(), b"bye");
        assert!(!threads.threads.contains_key(&t));
        // Leaving what is gone changes nothing.
        let again = threads.leave(
            t,
            Side {
                app: 2,
                conversation: 2,
            },
        );
        assert!(again.member.is_none() && !again.ends);
    }

    #[test]
    fn messages_are_kept_within_their_bound() {
        let mut threads = Threads::default();
        let t = threads.open();
        let lene = user("lene@contoso.com");
        for i in 0..5 {
            let text = DataUri::from_bytes("text/plain", format!("m{i}").as_bytes()).unwrap();
            threads.keep(
                t,
                Said {
                    from: lene.clone(),
                    text,
                },
                3,
            );
        }
        let thread = &threads.threads[&t];
        assert_eq!(thread.messages.len(), 3);
        assert_eq!(thread.dropped, 2);
        assert_eq!(thread.messages[0].text.decode().unwrap(), b"m2");
        threads.forget_if_empty(t);
        assert!(!threads.threads.contains_key(&t));
    }
}
