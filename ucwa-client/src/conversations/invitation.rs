//! Incoming invitations as the runtime sees them: one enum over the kinds it answers, and the
//! small common view a [`super::Policy`] decides over.

use ucwa::events::Event;
use ucwa::operations::{AcceptPostError, DeclinePostError};
use ucwa::resources::AnyResource;
use ucwa::{Link, resources};

use crate::ClientError;
use crate::link::MissingLink;
#[cfg(feature = "online-meetings")]
use crate::meetings::{IncomingMeetingInvitation, OnlineMeetingsHandle};
use crate::messaging::{IncomingInvitation, MessagingHandle};

/// The handles the runtime answers invitations with.
pub(super) struct Handles {
    pub(super) messaging: MessagingHandle,
    #[cfg(feature = "online-meetings")]
    pub(super) meetings: OnlineMeetingsHandle,
}

/// What an invitation invites to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvitationKind {
    /// A conversation of instant messages (`messagingInvitation`).
    Messaging,
    /// A meeting, from someone in it (`onlineMeetingInvitation`); its chat is added once
    /// the runtime accepted it.
    Meeting,
}

/// What a policy's filter sees of an incoming invitation, whatever its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvitationInfo {
    /// Messaging or meeting.
    pub kind: InvitationKind,
    /// The inviter's display name.
    pub from_name: Option<String>,
    /// The inviter's SIP URI (`sip:ann@contoso.com`) when the invitation carries it: a
    /// messaging invitation embeds its inviter; a meeting invitation links to the inviter's
    /// participant with only their name as its title, so this is `None` for most meeting
    /// invitations — a filter by address should say what it does without one.
    pub from_uri: Option<String>,
    /// The subject, when the inviter gave one.
    pub subject: Option<String>,
    /// The meeting's URI (meeting invitations).
    pub meeting_uri: Option<String>,
}

impl InvitationInfo {
    /// Whether the inviter is `address` (`ann@contoso.com` or `sip:ann@contoso.com`, in any
    /// case); `false` when the invitation does not carry the inviter's URI.
    pub fn is_from(&self, address: &str) -> bool {
        let bare = |s: &str| {
            let s = s.trim();
            s.get(..4)
                .filter(|p| p.eq_ignore_ascii_case("sip:"))
                .map_or(s, |_| &s[4..])
                .to_ascii_lowercase()
        };
        self.from_uri
            .as_deref()
            .is_some_and(|uri| bare(uri) == bare(address))
    }
}

/// An incoming invitation the runtime hands to the user ([`super::Policy::Ask`]), who accepts
/// it ([`super::Conversations::accept`]) or declines it ([`super::Conversations::decline`]).
/// New kinds may come: match with a wildcard arm, or use [`Invitation::info`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Invitation {
    /// Into a conversation of instant messages.
    Messaging(IncomingInvitation),
    /// Into a meeting.
    #[cfg(feature = "online-meetings")]
    Meeting(IncomingMeetingInvitation),
}

impl Invitation {
    /// The invitation `event` announces, if it announces one the runtime answers.
    pub fn from_event(event: &Event<AnyResource>) -> Option<Invitation> {
        if let Some(invitation) = IncomingInvitation::from_event(event) {
            return Some(Invitation::Messaging(invitation));
        }
        #[cfg(feature = "online-meetings")]
        if let Some(invitation) = IncomingMeetingInvitation::from_event(event) {
            return Some(Invitation::Meeting(invitation));
        }
        None
    }

    /// The common view a policy decides over.
    pub fn info(&self) -> InvitationInfo {
        match self {
            Invitation::Messaging(i) => {
                let from = i.from();
                InvitationInfo {
                    kind: InvitationKind::Messaging,
                    from_name: from.and_then(|p| p.name.clone()).or_else(|| {
                        i.invitation
                            .links
                            .from
                            .as_ref()
                            .and_then(|l| l.title.clone())
                    }),
                    from_uri: from.and_then(|p| p.uri.as_ref().map(|u| u.as_str().to_owned())),
                    subject: i.invitation.subject.clone(),
                    meeting_uri: None,
                }
            }
            #[cfg(feature = "online-meetings")]
            Invitation::Meeting(i) => InvitationInfo {
                kind: InvitationKind::Meeting,
                from_name: i.from().map(str::to_owned),
                from_uri: None,
                subject: i.invitation.subject.clone(),
                meeting_uri: i.meeting_uri().map(str::to_owned),
            },
        }
    }

    /// The kind.
    pub fn kind(&self) -> InvitationKind {
        match self {
            Invitation::Messaging(_) => InvitationKind::Messaging,
            #[cfg(feature = "online-meetings")]
            Invitation::Meeting(_) => InvitationKind::Meeting,
        }
    }

    /// The conversation it invites to.
    pub(super) fn conversation(&self) -> Result<Link<resources::Conversation>, MissingLink> {
        let (link, resource) = match self {
            Invitation::Messaging(i) => (&i.invitation.links.conversation, "messagingInvitation"),
            #[cfg(feature = "online-meetings")]
            Invitation::Meeting(i) => (&i.invitation.links.conversation, "onlineMeetingInvitation"),
        };
        crate::link::required(link.as_ref(), resource, "conversation")
    }

    pub(super) async fn accept(
        &self,
        handles: &Handles,
    ) -> Result<(), ClientError<AcceptPostError>> {
        match self {
            Invitation::Messaging(i) => i.accept(&handles.messaging).await,
            #[cfg(feature = "online-meetings")]
            Invitation::Meeting(i) => i.accept(&handles.meetings).await,
        }
    }

    pub(super) async fn decline(
        &self,
        handles: &Handles,
    ) -> Result<(), ClientError<DeclinePostError>> {
        match self {
            Invitation::Messaging(i) => i.decline(&handles.messaging).await,
            #[cfg(feature = "online-meetings")]
            Invitation::Meeting(i) => i.decline(&handles.meetings).await,
        }
    }
}
