//! A meeting's conversation, as a participant and as a leader: add messaging to a joined
//! meeting, the `lobby`, `attendees` and `leaders` lists, and what a leader does with a
//! participant — admit or reject one waiting in the lobby, eject, promote, demote — and
//! with the meeting's audience: whether attendees may send messages, and the mute lock.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session, uri: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use ucwa_client::outcome::OperationOutcome;
//!
//! let meetings = session.online_meetings();
//! let mut events = session.events();
//! let invitation = meetings.join(uri).await?;
//! // Wait for the join to complete (a meeting that keeps people in its lobby completes it
//! // once a leader admits you).
//! # let _ = (&mut events, Duration::from_secs(1), invitation.clone());
//! let meeting = meetings.conversation(&meetings.invitation(&invitation).await?).await?;
//! meeting.add_messaging().await?;
//! let meeting = meeting.refresh().await?;
//! meeting.send_message("Hello, everyone").await?;
//! for waiting in meeting.lobby().await? {
//!     meeting.admit(&waiting).await?; // RosterError::NotALeader unless you lead
//! }
//! # Ok(()) }
//! ```
//!
//! The server gives a participant's `admit`, `reject`, `eject`, `promote` and `demote` links
//! only to a leader, and only where they apply; without the link, the call answers
//! [`RosterError::NotALeader`] when the user does not lead the meeting, and
//! [`RosterError::NotOffered`] otherwise — before any request is sent
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/lobby>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/admit>).
//!
//! The audience settings work the same way: the meeting's conversation carries
//! `audienceMessaging` and `audienceMute`, and, for a leader only, the link that turns each
//! the other way ([`ConversationHandle::set_audience_messaging`],
//! [`ConversationHandle::set_audience_mute_lock`]); every participant hears the conversation
//! `updated` when one changes. While audience messaging is disabled, an attendee's
//! [`ConversationHandle::send_message`] is refused (409 `Conflict`)
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/enableaudiencemessaging_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/enableaudiencemutelock_ref>).

use ucwa::Enumeration;
use ucwa::Link;
use ucwa::enumerations::{AudienceMessaging, AudienceMuteLock, Role};
use ucwa::operation::{OperationError, ResponseError};
use ucwa::operations::{
    AddMessagingPost, AddMessagingPostBody, AddMessagingPostError, AdmitPost, AttendeesGet,
    AttendeesGetError, CommunicationActionError, DemotePost, DisableAudienceMessagingPost,
    DisableAudienceMuteLockPost, EjectPost, EnableAudienceMessagingPost,
    EnableAudienceMuteLockPost, LeadersGet, LeadersGetError, LobbyGet, LobbyGetError,
    LocalParticipantGet, OnlineMeetingGet, OnlineMeetingGetError, ParticipantGet,
    ParticipantGetError, PromotePost, RejectPost,
};
use ucwa::resources::{MessagingInvitation, OnlineMeeting, Participant};

use crate::ClientError;
use crate::link::required;
use crate::messaging::ConversationHandle;

/// Why a leader's operation on a participant was not done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    /// The user does not lead the meeting (checked before sending, or refused by the server:
    /// 403).
    #[error("only a leader of the meeting may use `{action}`")]
    NotALeader {
        /// `admit`, `reject`, `eject`, `promote` or `demote` on a participant, or one of
        /// the audience switches (`enableAudienceMessaging`, `disableAudienceMuteLock`, ...).
        action: &'static str,
    },
    /// The user leads, but the participant (or conversation) as read does not offer it (admit
    /// one not in the lobby, promote a leader, eject oneself, a meeting without audience
    /// settings): read it again.
    #[error("`{action}` is not offered now")]
    NotOffered {
        /// As for [`RosterError::NotALeader`].
        action: &'static str,
    },
    /// The request failed.
    #[error(transparent)]
    Request(#[from] ClientError<CommunicationActionError>),
}

/// Which operation.
#[derive(Clone, Copy)]
enum Action {
    Admit,
    Reject,
    Eject,
    Promote,
    Demote,
}

impl Action {
    fn rel(self) -> &'static str {
        match self {
            Action::Admit => "admit",
            Action::Reject => "reject",
            Action::Eject => "eject",
            Action::Promote => "promote",
            Action::Demote => "demote",
        }
    }
}

impl ConversationHandle {
    /// The meeting this conversation is (its `onlineMeeting`: URI, organizer, subject).
    pub async fn online_meeting(
        &self,
    ) -> Result<OnlineMeeting, ClientError<OnlineMeetingGetError>> {
        let link = required(
            self.resource().links.online_meeting.as_ref(),
            "conversation",
            "onlineMeeting",
        )?;
        self.client()
            .call(|origin, format| OnlineMeetingGet::request(origin, &link, format))
            .await
    }

    /// Adds messaging to a joined meeting (its messaging offers `addMessaging` until then);
    /// once connected (a `messaging` updated event), [`ConversationHandle::refresh`] gives the
    /// links to send with.
    pub async fn add_messaging(
        &self,
    ) -> Result<Link<MessagingInvitation>, ClientError<AddMessagingPostError>> {
        let link = required(
            self.messaging()
                .and_then(|m| m.links.add_messaging.as_ref()),
            "messaging",
            "addMessaging",
        )?;
        let body = AddMessagingPostBody::default();
        self.client()
            .call(|origin, format| AddMessagingPost::request(origin, &link, &body, format))
            .await
    }

    /// Those waiting in the meeting's lobby (only a leader sees them; anyone else gets an
    /// empty list), each with the `admit` and `reject` links a leader has.
    pub async fn lobby(&self) -> Result<Vec<Participant>, ClientError<LobbyGetError>> {
        let link = required(
            self.resource().links.lobby.as_ref(),
            "conversation",
            "lobby",
        )?;
        let lobby = self
            .client()
            .call(|origin, format| LobbyGet::request(origin, &link, format))
            .await?;
        Ok(lobby.embedded.participant)
    }

    /// The meeting's attendees (those in it who do not lead), as links titled with names.
    pub async fn attendees(
        &self,
    ) -> Result<Vec<Link<Participant>>, ClientError<AttendeesGetError>> {
        let link = required(
            self.resource().links.attendees.as_ref(),
            "conversation",
            "attendees",
        )?;
        let attendees = self
            .client()
            .call(|origin, format| AttendeesGet::request(origin, &link, format))
            .await?;
        Ok(attendees.links.participant)
    }

    /// The meeting's leaders, as links titled with names.
    pub async fn leaders(&self) -> Result<Vec<Link<Participant>>, ClientError<LeadersGetError>> {
        let link = required(
            self.resource().links.leaders.as_ref(),
            "conversation",
            "leaders",
        )?;
        let leaders = self
            .client()
            .call(|origin, format| LeadersGet::request(origin, &link, format))
            .await?;
        Ok(leaders.links.participant)
    }

    /// A participant, read now (its role, whether it waits in the lobby, and the operations
    /// the user may use on it).
    pub async fn participant(
        &self,
        link: &Link<Participant>,
    ) -> Result<Participant, ClientError<ParticipantGetError>> {
        self.client()
            .call(|origin, format| ParticipantGet::request(origin, link, format))
            .await
    }

    /// Lets `participant` (as read from [`ConversationHandle::lobby`]) into the meeting.
    pub async fn admit(&self, participant: &Participant) -> Result<(), RosterError> {
        self.act(participant, Action::Admit).await
    }

    /// Turns away `participant`, waiting in the lobby.
    pub async fn reject(&self, participant: &Participant) -> Result<(), RosterError> {
        self.act(participant, Action::Reject).await
    }

    /// Removes `participant` from the meeting.
    pub async fn eject(&self, participant: &Participant) -> Result<(), RosterError> {
        self.act(participant, Action::Eject).await
    }

    /// Makes `participant` a leader.
    pub async fn promote(&self, participant: &Participant) -> Result<(), RosterError> {
        self.act(participant, Action::Promote).await
    }

    /// Makes `participant`, a leader, an attendee.
    pub async fn demote(&self, participant: &Participant) -> Result<(), RosterError> {
        self.act(participant, Action::Demote).await
    }

    async fn act(&self, participant: &Participant, action: Action) -> Result<(), RosterError> {
        let links = &participant.links;
        let rel = action.rel();
        let offered = match action {
            Action::Admit => links.admit.is_some(),
            Action::Reject => links.reject.is_some(),
            Action::Eject => links.eject.is_some(),
            Action::Promote => links.promote.is_some(),
            Action::Demote => links.demote.is_some(),
        };
        if !offered {
            return Err(if self.leads().await {
                RosterError::NotOffered { action: rel }
            } else {
                RosterError::NotALeader { action: rel }
            });
        }
        let client = self.client();
        let sent = match action {
            Action::Admit => {
                let link = links.admit.clone().unwrap_or_default();
                client.call(|o, f| AdmitPost::request(o, &link, f)).await
            }
            Action::Reject => {
                let link = links.reject.clone().unwrap_or_default();
                client.call(|o, f| RejectPost::request(o, &link, f)).await
            }
            Action::Eject => {
                let link = links.eject.clone().unwrap_or_default();
                client.call(|o, f| EjectPost::request(o, &link, f)).await
            }
            Action::Promote => {
                let link = links.promote.clone().unwrap_or_default();
                client.call(|o, f| PromotePost::request(o, &link, f)).await
            }
            Action::Demote => {
                let link = links.demote.clone().unwrap_or_default();
                client.call(|o, f| DemotePost::request(o, &link, f)).await
            }
        };
        match sent {
            Err(ClientError::Response(ResponseError::Ucwa(error)))
                if OperationError::status(&error) == 403 =>
            {
                Err(RosterError::NotALeader { action: rel })
            }
            other => other.map_err(RosterError::Request),
        }
    }

    /// Whether the user leads the meeting now (its local participant's role, read now; a
    /// failed read counts as not leading).
    async fn leads(&self) -> bool {
        let Some(link) = self.resource().links.local_participant.clone() else {
            return false;
        };
        let local = self
            .client()
            .call(|origin, format| LocalParticipantGet::request(origin, &link, format))
            .await;
        local.is_ok_and(|p| p.role == Some(Role::Leader))
    }

    /// Whether attendees may send messages in the meeting, as the conversation was read
    /// (`None` outside a meeting).
    pub fn audience_messaging(&self) -> Option<AudienceMessaging> {
        self.resource().audience_messaging.clone()
    }

    /// Whether the meeting's attendees are held muted (the mute lock), as the conversation
    /// was read (`None` outside a meeting).
    pub fn audience_mute_lock(&self) -> Option<AudienceMuteLock> {
        self.resource()
            .audience_mute
            .as_deref()
            .and_then(AudienceMuteLock::from_wire)
    }

    /// Lets attendees send messages (`true`) or stops them (`false`); leaders always may. Uses
    /// the link the conversation as read offers (read it again after a change: the
    /// conversation `updated` event carries it).
    pub async fn set_audience_messaging(&self, enabled: bool) -> Result<(), RosterError> {
        let links = &self.resource().links;
        if enabled {
            let link = links.enable_audience_messaging.clone();
            self.switch("enableAudienceMessaging", link, |c, link| async move {
                c.call(|o, f| EnableAudienceMessagingPost::request(o, &link, f))
                    .await
            })
            .await
        } else {
            let link = links.disable_audience_messaging.clone();
            self.switch("disableAudienceMessaging", link, |c, link| async move {
                c.call(|o, f| DisableAudienceMessagingPost::request(o, &link, f))
                    .await
            })
            .await
        }
    }

    /// Holds the attendees muted (`true`) or lets them unmute themselves (`false`).
    pub async fn set_audience_mute_lock(&self, locked: bool) -> Result<(), RosterError> {
        let links = &self.resource().links;
        if locked {
            let link = links.enable_audience_mute_lock.clone();
            self.switch("enableAudienceMuteLock", link, |c, link| async move {
                c.call(|o, f| EnableAudienceMuteLockPost::request(o, &link, f))
                    .await
            })
            .await
        } else {
            let link = links.disable_audience_mute_lock.clone();
            self.switch("disableAudienceMuteLock", link, |c, link| async move {
                c.call(|o, f| DisableAudienceMuteLockPost::request(o, &link, f))
                    .await
            })
            .await
        }
    }

    /// Posts on an audience switch's `link`, or says why not.
    async fn switch<R, F, Fut>(
        &self,
        rel: &'static str,
        link: Option<Link<R>>,
        post: F,
    ) -> Result<(), RosterError>
    where
        F: FnOnce(crate::Client, Link<R>) -> Fut,
        Fut: std::future::Future<Output = Result<(), ClientError<CommunicationActionError>>>,
    {
        let Some(link) = link else {
            return Err(if self.leads().await {
                RosterError::NotOffered { action: rel }
            } else {
                RosterError::NotALeader { action: rel }
            });
        };
        match post(self.client().clone(), link).await {
            Err(ClientError::Response(ResponseError::Ucwa(error)))
                if OperationError::status(&error) == 403 =>
            {
                Err(RosterError::NotALeader { action: rel })
            }
            other => other.map_err(RosterError::Request),
        }
    }
}
