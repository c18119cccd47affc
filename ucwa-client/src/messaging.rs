//! Instant messaging: start a conversation, follow its invitation to a typed outcome, send
//! messages, say you are typing, stop; and on the other side, the incoming invitation and the
//! messages as they arrive.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use ucwa_client::messaging::{ReceivedMessage, StartMessaging};
//! use ucwa_client::outcome::OperationOutcome;
//!
//! let messaging = session.messaging();
//! let mut events = session.events(); // before starting: the outcome comes as events
//! let mut invitation = messaging
//!     .start(StartMessaging::to("sip:ann@contoso.com").subject("Lunch?"))
//!     .await?;
//! let conversation = match invitation.outcome(&mut events, Duration::from_secs(60)).await? {
//!     OperationOutcome::Succeeded(_) => invitation.conversation(&messaging).await?,
//!     OperationOutcome::Failed(why) => return Err(format!("not reached: {}", why.code).into()),
//! };
//! conversation.send_message("Noon at the usual place?").await?;
//! while let Ok(event) = events.recv().await {
//!     if let Some(message) = ReceivedMessage::from_event(&event) {
//!         println!("{}: {}", message.from.as_deref().unwrap_or("?"), message.text().unwrap_or(""));
//!         break;
//!     }
//! }
//! conversation.stop().await?;
//! # Ok(()) }
//! ```
//!
//! [`MessagingHandle`] finds `startMessaging` in the application in use when it is called; a
//! conversation ([`ConversationHandle`]) belongs to the application it was started on.

use std::time::Duration;

use ucwa::enumerations::{Direction, Importance};
use ucwa::events::{Event, EventType};
use ucwa::operation::Body;
use ucwa::operations::{
    AcceptPost, AcceptPostError, AddParticipantPost, AddParticipantPostBody,
    AddParticipantPostError, ConversationDelete, ConversationDeleteError, ConversationGet,
    ConversationGetError, DeclinePost, DeclinePostBody, DeclinePostError, MessagingGet,
    SendMessagePost, SendMessagePostError, SendMessagePostQuery, SetIsTypingPost,
    SetIsTypingPostError, StartMessagingPost, StartMessagingPostBody, StartMessagingPostError,
    StartMessagingPostQuery, StopMessagingPost, StopMessagingPostError,
};
use ucwa::resources::{
    AnyResource, Application, Conversation, Message, Messaging, MessagingInvitation, Participant,
    ParticipantInvitation,
};
use ucwa::{DataUri, Link};

use crate::link::required;
use crate::outcome::{EventSource, FollowError, OperationOutcome, follow};
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// What to start a conversation with: whom, and optionally a subject, an importance and a
/// first message (sent with the invitation, shown to the invitee before they accept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StartMessaging {
    to: String,
    subject: Option<String>,
    importance: Option<Importance>,
    message: Option<String>,
    operation_id: Option<String>,
}

impl StartMessaging {
    /// To `to`: a SIP URI (`sip:ann@contoso.com`) or a sign-in address.
    pub fn to(to: impl Into<String>) -> Self {
        let to = to.into();
        let to = if to.starts_with("sip:") {
            to
        } else {
            format!("sip:{to}")
        };
        StartMessaging {
            to,
            ..StartMessaging::default()
        }
    }

    /// The subject (at most 250 characters: a longer one is refused before sending).
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The importance (`Normal` unless said).
    pub fn importance(mut self, importance: Importance) -> Self {
        self.importance = Some(importance);
        self
    }

    /// A first message, in plain text, carried by the invitation.
    pub fn message(mut self, text: impl Into<String>) -> Self {
        self.message = Some(text.into());
        self
    }

    /// An identifier of the application's choosing, echoed by the invitation (at most 50
    /// characters).
    pub fn operation_id(mut self, id: impl Into<String>) -> Self {
        self.operation_id = Some(id.into());
        self
    }
}

/// An outgoing invitation, as the server created it (its `Location`).
#[derive(Clone, Debug, PartialEq)]
pub struct OutgoingInvitation {
    /// The messagingInvitation.
    pub link: Link<MessagingInvitation>,
    conversation: Option<Link<Conversation>>,
}

/// Instant messaging from an application: starting conversations, and reading one. Cheap to
/// make and to clone; it reads the application in use at each call.
#[derive(Clone, Debug)]
pub struct MessagingHandle {
    source: Source,
}

impl Client {
    /// Instant messaging from `application` (its embedded `communication`).
    pub fn messaging(&self, application: &Application) -> MessagingHandle {
        MessagingHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// Instant messaging from the application the session holds at each call
    /// ([`crate::messaging`]).
    pub fn messaging(&self) -> MessagingHandle {
        MessagingHandle {
            source: self.source(),
        }
    }
}

impl MessagingHandle {
    /// The client in use.
    fn client(&self) -> Client {
        self.source.current().client
    }

    /// Starts a conversation (startMessaging): answered at once with the invitation, whose
    /// outcome comes on the event channel ([`OutgoingInvitation::outcome`]).
    pub async fn start(
        &self,
        start: StartMessaging,
    ) -> Result<OutgoingInvitation, ClientError<StartMessagingPostError>> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.start_messaging.as_ref()),
            "communication",
            "startMessaging",
        )?;
        let mut body = StartMessagingPostBody {
            to: Some(start.to),
            subject: start.subject,
            importance: start.importance,
            operation_id: start.operation_id,
            ..StartMessagingPostBody::default()
        };
        if let Some(text) = start.message {
            let uri = DataUri::from_bytes("text/plain;charset=utf-8", text.as_bytes())
                .map_err(|e| ucwa::RequestError::Http(format!("the first message: {e}")))?;
            body.links.message = Some(uri);
        }
        let query = StartMessagingPostQuery::default();
        let link = current
            .client
            .call(|origin, format| {
                StartMessagingPost::request(origin, &link, &query, &body, format)
            })
            .await?;
        Ok(OutgoingInvitation {
            link,
            conversation: None,
        })
    }

    /// The conversation at `link`, with its messaging, read now.
    pub async fn conversation(
        &self,
        link: &Link<Conversation>,
    ) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        ConversationHandle::read(self.client(), link).await
    }
}

impl OutgoingInvitation {
    /// An invitation the server created at `link` (its `Location`), not followed yet.
    pub(crate) fn created(link: Link<MessagingInvitation>) -> Self {
        OutgoingInvitation {
            link,
            conversation: None,
        }
    }

    /// Waits on `events` for the invitation's `completed` event, for at most `within`: accepted
    /// (with the invitation as it completed, naming who accepted), or failed with the reason
    /// (`NotFound`/`DestinationNotFound`, `RemoteFailure`/`Declined`, ...). Remembers the
    /// conversation for [`OutgoingInvitation::conversation`].
    pub async fn outcome<S: EventSource + Send>(
        &mut self,
        events: &mut S,
        within: Duration,
    ) -> Result<OperationOutcome<MessagingInvitation>, FollowError> {
        let event = follow(events, self.link.href.as_str(), within, |_| {}).await?;
        let outcome = OperationOutcome::of(event, |resource| match resource {
            AnyResource::MessagingInvitation(invitation) => Some(*invitation),
            _ => None,
        });
        if let OperationOutcome::Succeeded(Some(invitation)) = &outcome {
            self.conversation = invitation.links.conversation.clone();
        }
        Ok(outcome)
    }

    /// The conversation the invitation started, once it succeeded ([`Self::outcome`]).
    pub async fn conversation(
        &self,
        messaging: &MessagingHandle,
    ) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        let link = required(
            self.conversation.as_ref(),
            "messagingInvitation",
            "conversation",
        )?;
        messaging.conversation(&link).await
    }
}

/// A conversation and its messaging, as read, with the requests on them.
#[derive(Clone, Debug)]
pub struct ConversationHandle {
    client: Client,
    conversation: Conversation,
    messaging: Option<Messaging>,
}

impl ConversationHandle {
    /// The conversation at `link` and its messaging, read now.
    pub(crate) async fn read(
        client: Client,
        link: &Link<Conversation>,
    ) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        let conversation = client
            .call(|origin, format| ConversationGet::request(origin, link, format))
            .await?;
        let messaging = match conversation.links.messaging.as_ref() {
            // The GETs of a conversation and of its messaging share their table of errors
            // (one generated type).
            Some(link) => Some(
                client
                    .call(|origin, format| MessagingGet::request(origin, link, format))
                    .await?,
            ),
            None => None,
        };
        Ok(ConversationHandle {
            client,
            conversation,
            messaging,
        })
    }

    /// The client its requests go through.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The conversation as read: state, subject, thread, links.
    pub fn resource(&self) -> &Conversation {
        &self.conversation
    }

    /// Its messaging as read, if it has any.
    pub fn messaging(&self) -> Option<&Messaging> {
        self.messaging.as_ref()
    }

    fn messaging_link<T>(
        &self,
        pick: impl FnOnce(&ucwa::resources::MessagingLinks) -> Option<&Link<T>>,
        rel: &'static str,
    ) -> Result<Link<T>, crate::link::MissingLink> {
        required(
            self.messaging.as_ref().and_then(|m| pick(&m.links)),
            "messaging",
            rel,
        )
    }

    /// The conversation's own link.
    fn own(&self) -> Result<Link<Conversation>, crate::link::MissingLink> {
        let own = required(
            self.conversation.links.self_.as_ref(),
            "conversation",
            "self",
        )?;
        Ok(own.cast())
    }

    /// Sends `text` as a plain-text message; the answer is the message's link (its delivery is
    /// a `completed` message event).
    pub async fn send_message(
        &self,
        text: &str,
    ) -> Result<Link<Message>, ClientError<SendMessagePostError>> {
        self.send("text/plain; charset=utf-8", text).await
    }

    /// Sends `html` as an HTML message (it arrives as `htmlMessage`).
    pub async fn send_html(
        &self,
        html: &str,
    ) -> Result<Link<Message>, ClientError<SendMessagePostError>> {
        self.send("text/html; charset=utf-8", html).await
    }

    async fn send(
        &self,
        media_type: &str,
        text: &str,
    ) -> Result<Link<Message>, ClientError<SendMessagePostError>> {
        let link = self.messaging_link(|l| l.send_message.as_ref(), "sendMessage")?;
        let query = SendMessagePostQuery {
            operation_id: next_operation_id(),
        };
        let body = Body {
            media_type: media_type.to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        self.client
            .call(|origin, format| SendMessagePost::request(origin, &link, &query, body, format))
            .await
    }

    /// Tells the other side the user is typing (until the next message).
    pub async fn set_typing(&self) -> Result<(), ClientError<SetIsTypingPostError>> {
        let link = self.messaging_link(|l| l.set_is_typing.as_ref(), "setIsTyping")?;
        self.client
            .call(|origin, format| SetIsTypingPost::request(origin, &link, format))
            .await
    }

    /// Stops messaging, which ends a two-party conversation.
    pub async fn stop(&self) -> Result<(), ClientError<StopMessagingPostError>> {
        let link = self.messaging_link(|l| l.stop_messaging.as_ref(), "stopMessaging")?;
        self.client
            .call(|origin, format| StopMessagingPost::request(origin, &link, format))
            .await
    }

    /// Invites `to` (a SIP URI or sign-in address) into the conversation (addParticipant; a
    /// two-party conversation becomes a conference). Answered at once with the
    /// participantInvitation, whose `completed` event says whether they joined; once they
    /// have, every participant hears them added.
    pub async fn add_participant(
        &self,
        to: &str,
    ) -> Result<Link<ParticipantInvitation>, ClientError<AddParticipantPostError>> {
        let link = required(
            self.conversation.links.add_participant.as_ref(),
            "conversation",
            "addParticipant",
        )?;
        let body = AddParticipantPostBody {
            to: Some(StartMessaging::to(to).to),
            ..AddParticipantPostBody::default()
        };
        self.client
            .call(|origin, format| AddParticipantPost::request(origin, &link, &body, format))
            .await
    }

    /// Leaves the conversation (DELETE).
    pub async fn leave(&self) -> Result<(), ClientError<ConversationDeleteError>> {
        let link = self.own()?;
        self.client
            .call(|origin, format| ConversationDelete::request(origin, &link, format))
            .await
    }

    /// Reads the conversation and its messaging again (after they changed: connected, ended).
    pub async fn refresh(&self) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        let link = self.own()?;
        ConversationHandle::read(self.client.clone(), &link).await
    }
}

/// A distinct operationId per message of this process, as sendMessage requires one.
fn next_operation_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("ucwa-client-{}-{n}", std::process::id())
}

/// An invitation to a conversation, from someone else: the `started` messagingInvitation event
/// with direction `Incoming`.
#[derive(Clone, Debug, PartialEq)]
pub struct IncomingInvitation {
    /// The invitation as announced.
    pub invitation: MessagingInvitation,
}

impl IncomingInvitation {
    /// The incoming invitation `event` announces, if it announces one.
    pub fn from_event(event: &Event<AnyResource>) -> Option<IncomingInvitation> {
        if event.event_type != EventType::Started {
            return None;
        }
        match &event.resource {
            Some(AnyResource::MessagingInvitation(invitation))
                if invitation.direction == Some(Direction::Incoming) =>
            {
                Some(IncomingInvitation {
                    invitation: (**invitation).clone(),
                })
            }
            _ => None,
        }
    }

    /// Who invites (the embedded `from` participant).
    pub fn from(&self) -> Option<&Participant> {
        self.invitation.embedded.from.as_deref()
    }

    /// The first message the invitation carries, as text, if any (`None` too when it is not
    /// text this client can read: see [`IncomingInvitation::first_message_raw`]).
    pub fn first_message(&self) -> Option<String> {
        let raw = self.first_message_raw()?;
        String::from_utf8(raw).ok()
    }

    /// The first message's bytes, decoded from its `data:` URI.
    pub fn first_message_raw(&self) -> Option<Vec<u8>> {
        self.invitation.links.message.as_ref()?.decode().ok()
    }

    /// The link `pick` takes from the invitation.
    fn link<T>(
        &self,
        pick: impl FnOnce(&ucwa::resources::MessagingInvitationLinks) -> Option<&Link<T>>,
        rel: &'static str,
    ) -> Result<Link<T>, crate::link::MissingLink> {
        required(pick(&self.invitation.links), "messagingInvitation", rel)
    }

    /// Accepts, through `messaging` (the invitee's): the conversation connects (its events
    /// follow on the channel).
    pub async fn accept(
        &self,
        messaging: &MessagingHandle,
    ) -> Result<(), ClientError<AcceptPostError>> {
        let link = self.link(|l| l.accept.as_ref(), "accept")?;
        messaging
            .client()
            .call(|origin, format| AcceptPost::request(origin, &link, format))
            .await
    }

    /// Declines, through `messaging` (the invitee's): the inviter's invitation fails with
    /// `Declined`.
    pub async fn decline(
        &self,
        messaging: &MessagingHandle,
    ) -> Result<(), ClientError<DeclinePostError>> {
        let link = self.link(|l| l.decline.as_ref(), "decline")?;
        let body = DeclinePostBody::default();
        messaging
            .client()
            .call(|origin, format| DeclinePost::request(origin, &link, &body, format))
            .await
    }

    /// The conversation it invites to (readable once accepted).
    pub async fn conversation(
        &self,
        messaging: &MessagingHandle,
    ) -> Result<ConversationHandle, ClientError<ConversationGetError>> {
        let link = self.link(|l| l.conversation.as_ref(), "conversation")?;
        messaging.conversation(&link).await
    }
}

/// A message from someone else: the `completed` message event with direction `Incoming`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedMessage {
    /// `text/plain` or `text/html` (with parameters, as sent).
    pub media_type: String,
    /// The message's bytes, decoded from its `data:` URI.
    pub body: Vec<u8>,
    /// The sender's name, as the event titles their participant link.
    pub from: Option<String>,
    /// The message resource.
    pub message: Message,
}

impl ReceivedMessage {
    /// The message `event` delivers, if it delivers one whose body decodes.
    pub fn from_event(event: &Event<AnyResource>) -> Option<ReceivedMessage> {
        if event.event_type != EventType::Completed {
            return None;
        }
        let Some(AnyResource::Message(message)) = &event.resource else {
            return None;
        };
        if message.direction != Some(Direction::Incoming) {
            return None;
        }
        let uri = message
            .links
            .plain_message
            .as_ref()
            .or(message.links.html_message.as_ref())?;
        Some(ReceivedMessage {
            media_type: uri.media_type().to_owned(),
            body: uri.decode().ok()?,
            from: message
                .links
                .participant
                .as_ref()
                .and_then(|p| p.title.clone()),
            message: (**message).clone(),
        })
    }

    /// The text, when the body is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Whether it is HTML.
    pub fn is_html(&self) -> bool {
        ucwa::operation::media_type_matches(&self.media_type, &["text/html"])
    }
}
