//! Conversation history: the user's conversation logs (listed newest first, at most a limit,
//! filtered by status), each with its recipients and its transcripts read page by page
//! (message, audio and error transcripts, typed), marked as read, deleted, or continued as a
//! new conversation; and the missed items (counts of logs, missed conversations, unread ones),
//! read or heard on the event channel.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa_client::history::{LogQuery, TranscriptContent};
//!
//! let history = session.history();
//! for log in history.logs(LogQuery::default().limit(10)).await? {
//!     let mut pages = log.transcripts();
//!     while let Some(page) = pages.next_page().await? {
//!         for transcript in page {
//!             if let TranscriptContent::Message { text: Some(text), .. } = &transcript.content {
//!                 println!("{:?}: {text}", transcript.from);
//!             }
//!         }
//!     }
//!     log.mark_as_read().await?;
//! }
//! println!("{} unread missed", history.missed_items().await?.unread_missed);
//! # Ok(()) }
//! ```
//!
//! [`HistoryHandle`] finds `conversationLogs` and `missedItems` in the `communication` of the
//! application in use when it is called; a [`ConversationLog`] follows the links of the log as
//! read. References: <https://learn.microsoft.com/en-us/skype-sdk/ucwa/conversationlogs_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/conversationlogtranscript_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/misseditems_ref>.

use ucwa::enumerations::{
    AudioTranscriptStatus, ConversationLogStatus, Direction, ErrorTranscriptReason,
};
use ucwa::events::{Event, EventType};
use ucwa::operations::{
    CommunicationReadError, ContinueMessagingPost, ContinueMessagingPostBody,
    ContinueMessagingPostError, ConversationLogDelete, ConversationLogDeleteError,
    ConversationLogGet, ConversationLogTranscriptsGet, ConversationLogsGet,
    ConversationLogsGetQuery, MarkAsReadPost, MarkAsReadPostError, MissedItemsGet,
    NextConversationLogTranscriptsGet,
};
use ucwa::resources::{self, AnyResource, Application, NextConversationLogTranscripts};
use ucwa::{DataUri, Href, Link, Timestamp};

use crate::link::required;
use crate::messaging::OutgoingInvitation;
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// What [`HistoryHandle::logs`] lists: at most `limit` logs (the server's `limit`), those of
/// one status only (filtered here: the reference offers no such parameter).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogQuery {
    /// At most this many logs, newest first (the server's default when `None`).
    pub limit: Option<u32>,
    /// Only the logs of this status (`Missed`, `Archived`).
    pub status: Option<ConversationLogStatus>,
}

impl LogQuery {
    /// At most `limit` logs.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Only missed conversations.
    pub fn missed(mut self) -> Self {
        self.status = Some(ConversationLogStatus::Missed);
        self
    }

    /// Only the logs of `status`.
    pub fn status(mut self, status: ConversationLogStatus) -> Self {
        self.status = Some(status);
        self
    }
}

/// Someone who took part in a logged conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// Their display name.
    pub name: Option<String>,
    /// Their SIP URI.
    pub sip_uri: Option<String>,
    /// Their contact's link: what a transcript's [`Speaker::Contact`] names.
    pub contact: Option<Href>,
}

/// Who said a transcript's content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Speaker {
    /// The signed-in user.
    Me,
    /// A contact, at this link.
    Contact(Href),
    /// The transcript names no one.
    Unknown,
}

/// What a transcript holds.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TranscriptContent {
    /// A message: its plain text and its HTML, as sent (either may be absent).
    Message {
        /// The plain text, decoded.
        text: Option<String>,
        /// The HTML, decoded.
        html: Option<String>,
    },
    /// An audio call's part of the conversation.
    Audio {
        /// How it went.
        status: Option<AudioTranscriptStatus>,
        /// How long it lasted, as the server wrote it.
        duration: Option<String>,
    },
    /// A part of the conversation the server could not transcribe.
    Error {
        /// Why.
        reason: Option<ErrorTranscriptReason>,
    },
    /// A transcript embedding none of these.
    Other,
}

/// One entry of a log's transcripts.
#[derive(Clone, Debug, PartialEq)]
pub struct Transcript {
    /// When it was said.
    pub at: Option<Timestamp>,
    /// Who said it.
    pub from: Speaker,
    /// What it holds.
    pub content: TranscriptContent,
    /// The resource as read.
    pub resource: resources::ConversationLogTranscript,
}

fn decoded(uri: Option<&DataUri>) -> Option<String> {
    let bytes = uri?.decode().ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

impl Transcript {
    /// The typed value of `resource`.
    pub fn from_resource(resource: resources::ConversationLogTranscript) -> Self {
        let from = if resource.links.me.is_some() {
            Speaker::Me
        } else if let Some(contact) = &resource.links.contact {
            Speaker::Contact(contact.href.clone())
        } else {
            Speaker::Unknown
        };
        let embedded = &resource.embedded;
        let content = if let Some(message) = &embedded.message_transcript {
            TranscriptContent::Message {
                text: decoded(message.links.plain_message.as_ref()),
                html: decoded(message.links.html_message.as_ref()),
            }
        } else if let Some(audio) = &embedded.audio_transcript {
            TranscriptContent::Audio {
                status: audio.status.clone(),
                duration: audio.duration.clone(),
            }
        } else if let Some(error) = &embedded.error_transcript {
            TranscriptContent::Error {
                reason: error.reason.clone(),
            }
        } else {
            TranscriptContent::Other
        };
        Transcript {
            at: resource.time_stamp,
            from,
            content,
            resource,
        }
    }
}

/// A log's transcripts, read one page at a time ([`ConversationLog::transcripts`]).
#[derive(Clone, Debug)]
pub struct TranscriptPages {
    client: Client,
    first: Option<Link<resources::ConversationLogTranscripts>>,
    next: Option<Link<NextConversationLogTranscripts>>,
    missing: Option<crate::link::MissingLink>,
}

impl TranscriptPages {
    /// The next page, oldest first: `None` once the last page was read.
    pub async fn next_page(
        &mut self,
    ) -> Result<Option<Vec<Transcript>>, ClientError<CommunicationReadError>> {
        if let Some(missing) = self.missing.take() {
            return Err(missing.into());
        }
        let (items, next) = if let Some(first) = self.first.take() {
            let page = self
                .client
                .call(|o, f| ConversationLogTranscriptsGet::request(o, &first, f))
                .await?;
            (
                page.embedded.conversation_log_transcript,
                page.links.next_conversation_log_transcripts,
            )
        } else if let Some(next) = self.next.take() {
            let page = self
                .client
                .call(|o, f| NextConversationLogTranscriptsGet::request(o, &next, f))
                .await?;
            (
                page.embedded.conversation_log_transcript,
                page.links.next_conversation_log_transcripts,
            )
        } else {
            return Ok(None);
        };
        self.next = next;
        Ok(Some(
            items.into_iter().map(Transcript::from_resource).collect(),
        ))
    }

    /// Every page that is left, in order, at most `max` transcripts (a log may be long).
    pub async fn collect(
        &mut self,
        max: usize,
    ) -> Result<Vec<Transcript>, ClientError<CommunicationReadError>> {
        let mut all = Vec::new();
        while all.len() < max {
            match self.next_page().await? {
                Some(page) => all.extend(page),
                None => break,
            }
        }
        all.truncate(max);
        Ok(all)
    }
}

/// One conversation log, as read, with the requests on it.
#[derive(Clone, Debug)]
pub struct ConversationLog {
    client: Client,
    resource: resources::ConversationLog,
}

impl PartialEq for ConversationLog {
    fn eq(&self, other: &Self) -> bool {
        self.resource == other.resource
    }
}

impl ConversationLog {
    /// The log as read.
    pub fn resource(&self) -> &resources::ConversationLog {
        &self.resource
    }

    /// Its link.
    pub fn link(&self) -> Option<Link<resources::ConversationLog>> {
        self.resource.links.self_.as_ref().map(Link::to_cast)
    }

    /// `Missed` (nobody answered) or `Archived`.
    pub fn status(&self) -> Option<&ConversationLogStatus> {
        self.resource.status.as_ref()
    }

    /// Whether nobody answered.
    pub fn is_missed(&self) -> bool {
        self.resource.status == Some(ConversationLogStatus::Missed)
    }

    /// The conversation's subject.
    pub fn subject(&self) -> Option<&str> {
        self.resource.subject.as_deref()
    }

    /// Which way the conversation's invitation went.
    pub fn direction(&self) -> Option<&Direction> {
        self.resource.direction.as_ref()
    }

    /// The last thing said, as the server previews it.
    pub fn preview(&self) -> Option<&str> {
        self.resource.preview_message.as_deref()
    }

    /// Who else took part.
    pub fn recipients(&self) -> Vec<Recipient> {
        self.resource
            .embedded
            .conversation_log_recipient
            .iter()
            .map(|r| Recipient {
                name: r.display_name.clone(),
                sip_uri: r.sip_uri.clone(),
                contact: r.links.contact.as_ref().map(|l| l.href.clone()),
            })
            .collect()
    }

    /// Its transcripts, to be read page by page (nothing is requested yet).
    pub fn transcripts(&self) -> TranscriptPages {
        let first = required(
            self.resource.links.conversation_log_transcripts.as_ref(),
            "conversationLog",
            "conversationLogTranscripts",
        );
        let (first, missing) = match first {
            Ok(link) => (Some(link), None),
            Err(missing) => (None, Some(missing)),
        };
        TranscriptPages {
            client: self.client.clone(),
            first,
            next: None,
            missing,
        }
    }

    /// Marks the log read (the missed items' unread count goes down if it was missed).
    pub async fn mark_as_read(&self) -> Result<(), ClientError<MarkAsReadPostError>> {
        let link = required(
            self.resource.links.mark_as_read.as_ref(),
            "conversationLog",
            "markAsRead",
        )?;
        self.client
            .call(|o, f| MarkAsReadPost::request(o, &link, f))
            .await
    }

    /// Deletes the log.
    pub async fn delete(&self) -> Result<(), ClientError<ConversationLogDeleteError>> {
        let link = required(self.link().as_ref(), "conversationLog", "self")?;
        self.client
            .call(|o, f| ConversationLogDelete::request(o, &link, f))
            .await
    }

    /// Continues the conversation: a new messaging invitation to whom the log names, with
    /// `message` as its first message; follow it as one from
    /// [`MessagingHandle::start`](crate::messaging::MessagingHandle::start).
    pub async fn continue_messaging(
        &self,
        message: Option<&str>,
    ) -> Result<OutgoingInvitation, ClientError<ContinueMessagingPostError>> {
        let link = required(
            self.resource.links.continue_messaging.as_ref(),
            "conversationLog",
            "continueMessaging",
        )?;
        let mut body = ContinueMessagingPostBody::default();
        if let Some(text) = message {
            let uri = DataUri::from_bytes("text/plain;charset=utf-8", text.as_bytes())
                .map_err(|e| ucwa::RequestError::Http(format!("the first message: {e}")))?;
            body.links.message = Some(uri);
        }
        let invitation = self
            .client
            .call(|o, f| ContinueMessagingPost::request(o, &link, &body, f))
            .await?;
        Ok(OutgoingInvitation::created(invitation))
    }
}

/// The counts of the user's missed items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissedItems {
    /// Conversation logs kept.
    pub logs: i64,
    /// Missed conversations among them.
    pub missed: i64,
    /// Missed conversations not read yet.
    pub unread_missed: i64,
    /// Voicemails.
    pub voicemails: i64,
    /// Voicemails not heard yet.
    pub unread_voicemails: i64,
}

impl MissedItems {
    /// The typed value of `resource` (an absent count is 0).
    pub fn from_resource(resource: &resources::MissedItems) -> Self {
        MissedItems {
            logs: resource.conversation_logs_count.unwrap_or(0),
            missed: resource.missed_conversations_count.unwrap_or(0),
            unread_missed: resource.unread_missed_conversations_count.unwrap_or(0),
            voicemails: resource.voice_mails_count.unwrap_or(0),
            unread_voicemails: resource.unread_voicemails_count.unwrap_or(0),
        }
    }

    /// Whether `event` says the missed items changed (`updated` missedItems): read them again
    /// ([`HistoryHandle::missed_items`]), or take the counts it carries ([`Self::from_event`]).
    pub fn changed(event: &Event<AnyResource>) -> bool {
        event.event_type == EventType::Updated && event.rel == "missedItems"
    }

    /// The counts an `updated` missedItems event carries, when the server embedded them.
    pub fn from_event(event: &Event<AnyResource>) -> Option<Self> {
        if !Self::changed(event) {
            return None;
        }
        match event.resource.as_ref()? {
            AnyResource::MissedItems(items) => Some(Self::from_resource(items)),
            _ => None,
        }
    }
}

/// The user's conversation history and missed items. Cheap to make and to clone; it reads the
/// application in use at each call.
#[derive(Clone, Debug)]
pub struct HistoryHandle {
    source: Source,
}

impl Client {
    /// Conversation history from `application` (its embedded `communication`).
    pub fn history(&self, application: &Application) -> HistoryHandle {
        HistoryHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// Conversation history from the application the session holds at each call
    /// ([`crate::history`]).
    pub fn history(&self) -> HistoryHandle {
        HistoryHandle {
            source: self.source(),
        }
    }
}

impl HistoryHandle {
    /// The links of the logs, newest first (at most `limit`), without reading them.
    pub async fn log_links(
        &self,
        limit: Option<u32>,
    ) -> Result<Vec<Link<resources::ConversationLog>>, ClientError<CommunicationReadError>> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.conversation_logs.as_ref()),
            "communication",
            "conversationLogs",
        )?;
        let query = ConversationLogsGetQuery {
            limit: limit.map(|n| n.to_string()),
        };
        let logs = current
            .client
            .call(|o, f| ConversationLogsGet::request(o, &link, &query, f))
            .await?;
        Ok(logs.links.conversation_log)
    }

    /// The logs `query` selects, newest first, each read.
    pub async fn logs(
        &self,
        query: LogQuery,
    ) -> Result<Vec<ConversationLog>, ClientError<CommunicationReadError>> {
        let links = self.log_links(query.limit).await?;
        let client = self.source.current().client;
        let mut logs = Vec::with_capacity(links.len());
        for link in links {
            let resource = client
                .call(|o, f| ConversationLogGet::request(o, &link, f))
                .await?;
            if query
                .status
                .as_ref()
                .is_none_or(|s| resource.status.as_ref() == Some(s))
            {
                logs.push(ConversationLog {
                    client: client.clone(),
                    resource,
                });
            }
        }
        Ok(logs)
    }

    /// The log at `link`, read now.
    pub async fn log(
        &self,
        link: &Link<resources::ConversationLog>,
    ) -> Result<ConversationLog, ClientError<CommunicationReadError>> {
        let client = self.source.current().client;
        let resource = client
            .call(|o, f| ConversationLogGet::request(o, link, f))
            .await?;
        Ok(ConversationLog { client, resource })
    }

    /// The missed items, read now.
    pub async fn missed_items(&self) -> Result<MissedItems, ClientError<CommunicationReadError>> {
        let current = self.source.current();
        let communication = current.application.embedded.communication.as_deref();
        let link = required(
            communication.and_then(|c| c.links.missed_items.as_ref()),
            "communication",
            "missedItems",
        )?;
        let items = current
            .client
            .call(|o, f| MissedItemsGet::request(o, &link, f))
            .await?;
        Ok(MissedItems::from_resource(&items))
    }
}
