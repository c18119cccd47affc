//! Online meetings: schedule, list, read, update and delete the user's meetings
//! (`myOnlineMeetings`), and join one by its URI (`joinOnlineMeeting`).
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa::operations::MyOnlineMeetingsPostBody;
//!
//! let meetings = session.online_meetings();
//! let meeting = meetings
//!     .schedule(&MyOnlineMeetingsPostBody {
//!         subject: Some("Quarterly numbers".into()),
//!         attendees: Some(vec!["sip:ann@contoso.com".into()]),
//!         ..Default::default()
//!     })
//!     .await?;
//! // The meeting's etag goes in If-Match: a meeting changed since it was read is refused
//! // (412, `PreconditionFailed`): read it again, then retry.
//! let meeting = meetings
//!     .update(&meeting, |m| m.subject = Some("Quarterly numbers (moved)".into()))
//!     .await?;
//! let uri = meeting.online_meeting_uri.as_ref().map(|u| u.as_str()).unwrap_or_default();
//! let invitation = meetings.join(uri).await?;
//! println!("{:?}", meetings.invitation(&invitation).await?.state);
//! meetings.delete(&meeting).await?;
//! # Ok(()) }
//! ```
//!
//! Every method is one request built by the generated operation of [`ucwa::operations`] and
//! answers its typed error; the handle finds `myOnlineMeetings` and `joinOnlineMeeting` in the
//! application in use when a method is called (scheduling past the server's bound is
//! [`MyOnlineMeetingsPostError::TooManyOnlineMeetings`]; joining an unknown meeting
//! [`JoinOnlineMeetingPostError::DestinationNotFound`]).

use ucwa::enumerations::{AccessLevel, Direction};
use ucwa::events::{Event, EventType};
use ucwa::operation::ETag;
use ucwa::operations::{
    AcceptPost, AcceptPostError, DeclinePost, DeclinePostBody, DeclinePostError,
    JoinOnlineMeetingPost, JoinOnlineMeetingPostBody, JoinOnlineMeetingPostError,
    JoinOnlineMeetingPostQuery, MyOnlineMeetingDelete, MyOnlineMeetingDeleteError,
    MyOnlineMeetingGet, MyOnlineMeetingGetError, MyOnlineMeetingPut, MyOnlineMeetingPutBody,
    MyOnlineMeetingPutError, MyOnlineMeetingsGet, MyOnlineMeetingsGetError, MyOnlineMeetingsPost,
    MyOnlineMeetingsPostBody, MyOnlineMeetingsPostError, OnlineMeetingInvitationGet,
    OnlineMeetingInvitationGetError, StartOnlineMeetingPost, StartOnlineMeetingPostBody,
    StartOnlineMeetingPostError,
};
use ucwa::resources::{
    AnyResource, Application, JoinOnlineMeeting, MyOnlineMeeting, MyOnlineMeetings,
    OnlineMeetingInvitation,
};
use ucwa::{Enumeration, Link, RequestError};

use crate::link::{MissingLink, required};
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// The user's online meetings, through the links of the application in use at each call.
/// Cheap to make and to clone.
#[derive(Clone, Debug)]
pub struct OnlineMeetingsHandle {
    source: Source,
}

impl Client {
    /// The online meetings of `application`'s user. A link the application lacks is reported
    /// by the method that needs it ([`ClientError::MissingLink`]).
    pub fn online_meetings(&self, application: &Application) -> OnlineMeetingsHandle {
        OnlineMeetingsHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// The online meetings of the application the session holds at each call
    /// ([`crate::meetings`]).
    pub fn online_meetings(&self) -> OnlineMeetingsHandle {
        OnlineMeetingsHandle {
            source: self.source(),
        }
    }
}

/// The entity tag of `meeting` as the server gave it (its `etag` property), which an update
/// sends in `If-Match`.
pub fn etag(meeting: &MyOnlineMeeting) -> Option<ETag> {
    let text = meeting.unknown.get("etag")?.as_str()?;
    ETag::new(text).ok()
}

/// The body of a PUT that leaves `meeting` as it is: every settable property, and the members
/// the schema does not describe (a server asks for them back).
pub fn put_body(meeting: &MyOnlineMeeting) -> MyOnlineMeetingPutBody {
    let uris = |list: &Option<Vec<ucwa::Uri>>| {
        list.as_ref()
            .map(|l| l.iter().map(|u| u.as_str().to_owned()).collect())
    };
    MyOnlineMeetingPutBody {
        access_level: meeting
            .access_level
            .as_deref()
            .and_then(AccessLevel::from_wire),
        attendees: uris(&meeting.attendees),
        automatic_leader_assignment: meeting.automatic_leader_assignment.clone(),
        description: meeting.description.clone(),
        entry_exit_announcement: meeting.entry_exit_announcement.clone(),
        expiration_time: meeting.expiration_time.map(|t| t.to_iso8601()),
        leaders: uris(&meeting.leaders),
        lobby_bypass_for_phone_users: meeting.lobby_bypass_for_phone_users.clone(),
        phone_user_admission: meeting.phone_user_admission.clone(),
        subject: meeting.subject.clone(),
        unknown: meeting.unknown.clone(),
    }
}

fn self_link(meeting: &MyOnlineMeeting) -> Result<Link<MyOnlineMeeting>, MissingLink> {
    Ok(required(meeting.links.self_.as_ref(), "myOnlineMeeting", "self")?.cast())
}

impl OnlineMeetingsHandle {
    /// The client in use, and the application's `myOnlineMeetings` link.
    fn mine(&self) -> Result<(Client, Link<MyOnlineMeetings>), MissingLink> {
        let current = self.source.current();
        let link = match current.application.embedded.online_meetings.as_deref() {
            Some(o) => required(
                o.links.my_online_meetings.as_ref(),
                "onlineMeetings",
                "myOnlineMeetings",
            )?,
            None => required(
                None::<&Link<MyOnlineMeetings>>,
                "application",
                "onlineMeetings",
            )?,
        };
        Ok((current.client, link))
    }

    /// The client in use, and the application's `joinOnlineMeeting` link.
    fn join_link(&self) -> Result<(Client, Link<JoinOnlineMeeting>), MissingLink> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.join_online_meeting.as_ref()),
            "communication",
            "joinOnlineMeeting",
        )?;
        Ok((current.client, link))
    }

    /// The client in use, for the requests on links the caller gives.
    fn client(&self) -> Client {
        self.source.current().client
    }

    /// Schedules a meeting organized by the user; the answer is the meeting as scheduled (its
    /// URI, join URL, entity tag, and the defaults the server chose).
    pub async fn schedule(
        &self,
        meeting: &MyOnlineMeetingsPostBody,
    ) -> Result<MyOnlineMeeting, ClientError<MyOnlineMeetingsPostError>> {
        let (client, link) = self.mine()?;
        client
            .call(|origin, format| MyOnlineMeetingsPost::request(origin, &link, meeting, format))
            .await
    }

    /// The meetings the user has scheduled.
    pub async fn list(
        &self,
    ) -> Result<Vec<MyOnlineMeeting>, ClientError<MyOnlineMeetingsGetError>> {
        let (client, link) = self.mine()?;
        let mine = client
            .call(|origin, format| MyOnlineMeetingsGet::request(origin, &link, format))
            .await?;
        Ok(mine.embedded.my_online_meeting)
    }

    /// One meeting, read now (with its current entity tag).
    pub async fn get(
        &self,
        meeting: &Link<MyOnlineMeeting>,
    ) -> Result<MyOnlineMeeting, ClientError<MyOnlineMeetingGetError>> {
        self.client()
            .call(|origin, format| MyOnlineMeetingGet::request(origin, meeting, format))
            .await
    }

    /// Updates `meeting`: `change` edits the meeting as read, which is sent back whole with
    /// its entity tag in `If-Match`. When the meeting changed on the server since it was read,
    /// the answer is 412 (`PreconditionFailed`, in `Common`): read it again and redo the change.
    pub async fn update(
        &self,
        meeting: &MyOnlineMeeting,
        change: impl FnOnce(&mut MyOnlineMeetingPutBody),
    ) -> Result<MyOnlineMeeting, ClientError<MyOnlineMeetingPutError>> {
        let link = self_link(meeting)?;
        let tag = etag(meeting).ok_or_else(|| RequestError::InvalidHeader {
            name: "If-Match",
            reason: "the meeting has no etag: read it again".to_owned(),
        })?;
        let mut body = put_body(meeting);
        change(&mut body);
        self.client()
            .call(|origin, format| MyOnlineMeetingPut::request(origin, &link, &body, &tag, format))
            .await
    }

    /// Deletes `meeting`.
    pub async fn delete(
        &self,
        meeting: &MyOnlineMeeting,
    ) -> Result<(), ClientError<MyOnlineMeetingDeleteError>> {
        let link = self_link(meeting)?;
        self.client()
            .call(|origin, format| MyOnlineMeetingDelete::request(origin, &link, format))
            .await
    }

    /// Joins the meeting whose URI (`onlineMeetingUri`) is `uri`. The answer is the link to the
    /// invitation the server started; its progress (`started`, then `completed` once
    /// connected) comes on the event channel, and [`OnlineMeetingsHandle::invitation`] reads it.
    pub async fn join(
        &self,
        uri: &str,
    ) -> Result<Link<OnlineMeetingInvitation>, ClientError<JoinOnlineMeetingPostError>> {
        self.join_with(&JoinOnlineMeetingPostBody {
            online_meeting_uri: Some(uri.to_owned()),
            ..JoinOnlineMeetingPostBody::default()
        })
        .await
    }

    /// Joins as `body` says (the meeting's URI, and the `operationId`, `subject`, `importance`
    /// or `threadId` to give the invitation).
    pub async fn join_with(
        &self,
        body: &JoinOnlineMeetingPostBody,
    ) -> Result<Link<OnlineMeetingInvitation>, ClientError<JoinOnlineMeetingPostError>> {
        let (client, link) = self.join_link()?;
        let query = JoinOnlineMeetingPostQuery::default();
        client
            .call(|origin, format| {
                JoinOnlineMeetingPost::request(origin, &link, &query, body, format)
            })
            .await
    }

    /// Meets now: a meeting begins (`startOnlineMeeting`), organized by the user, who joins
    /// it. The answer is the link to its invitation, which completes on the event channel
    /// like a join's; others join it by the URI its `onlineMeeting` gives
    /// (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/startonlinemeeting_ref>).
    pub async fn meet_now(
        &self,
        subject: Option<&str>,
    ) -> Result<Link<OnlineMeetingInvitation>, ClientError<StartOnlineMeetingPostError>> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.start_online_meeting.as_ref()),
            "communication",
            "startOnlineMeeting",
        )?;
        let body = StartOnlineMeetingPostBody {
            subject: subject.map(str::to_owned),
            ..StartOnlineMeetingPostBody::default()
        };
        current
            .client
            .call(|origin, format| StartOnlineMeetingPost::request(origin, &link, &body, format))
            .await
    }

    /// The conversation of a joined (or met-now) meeting, from its invitation as read
    /// ([`OnlineMeetingsHandle::invitation`]), read now with its messaging: the
    /// handle for its chat and, as a leader, its roster ([`crate::roster`]).
    #[cfg(feature = "communication")]
    pub async fn conversation(
        &self,
        read: &OnlineMeetingInvitation,
    ) -> Result<
        crate::messaging::ConversationHandle,
        ClientError<ucwa::operations::ConversationGetError>,
    > {
        let link = required(
            read.links.conversation.as_ref(),
            "onlineMeetingInvitation",
            "conversation",
        )?;
        crate::messaging::ConversationHandle::read(self.client(), &link).await
    }

    /// The invitation a join started, read now.
    pub async fn invitation(
        &self,
        invitation: &Link<OnlineMeetingInvitation>,
    ) -> Result<OnlineMeetingInvitation, ClientError<OnlineMeetingInvitationGetError>> {
        self.client()
            .call(|origin, format| OnlineMeetingInvitationGet::request(origin, invitation, format))
            .await
    }
}

/// An invitation into a meeting, from someone in it (a participant added to the meeting's
/// conversation): the `started` onlineMeetingInvitation event with direction `Incoming`.
/// Accepting takes a seat in the meeting (its `completed` event follows), as joining does.
#[derive(Clone, Debug, PartialEq)]
pub struct IncomingMeetingInvitation {
    /// The invitation as announced.
    pub invitation: OnlineMeetingInvitation,
}

impl IncomingMeetingInvitation {
    /// The invitation `event` announces, if it is an incoming meeting invitation starting.
    pub fn from_event(event: &Event<AnyResource>) -> Option<IncomingMeetingInvitation> {
        if event.event_type != EventType::Started {
            return None;
        }
        match &event.resource {
            Some(AnyResource::OnlineMeetingInvitation(invitation))
                if invitation.direction == Some(Direction::Incoming) =>
            {
                Some(IncomingMeetingInvitation {
                    invitation: (**invitation).clone(),
                })
            }
            _ => None,
        }
    }

    /// The meeting's URI.
    pub fn meeting_uri(&self) -> Option<&str> {
        self.invitation
            .online_meeting_uri
            .as_ref()
            .map(|u| u.as_str())
    }

    /// Who invited, as the event titles their participant link.
    pub fn from(&self) -> Option<&str> {
        self.invitation.links.from.as_ref()?.title.as_deref()
    }

    /// Accepts, on the application of `meetings`.
    pub async fn accept(
        &self,
        meetings: &OnlineMeetingsHandle,
    ) -> Result<(), ClientError<AcceptPostError>> {
        let link = required(
            self.invitation.links.accept.as_ref(),
            "onlineMeetingInvitation",
            "accept",
        )?;
        meetings
            .client()
            .call(|origin, format| AcceptPost::request(origin, &link, format))
            .await
    }

    /// Declines: the inviter's participantInvitation fails (`Declined`).
    pub async fn decline(
        &self,
        meetings: &OnlineMeetingsHandle,
    ) -> Result<(), ClientError<DeclinePostError>> {
        let link = required(
            self.invitation.links.decline.as_ref(),
            "onlineMeetingInvitation",
            "decline",
        )?;
        let body = DeclinePostBody::default();
        meetings
            .client()
            .call(|origin, format| DeclinePost::request(origin, &link, &body, format))
            .await
    }
}
