//! The resources of history (logs, their recipients and transcripts, missed items) and its
//! event (`updated` missedItems, from `communication`).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ucwa::enumerations::{ConversationLogStatus, ConversationLogType};
use ucwa::events::{Event, EventType};
use ucwa::resources::{
    AnyResource, ConversationLog, ConversationLogRecipient, ConversationLogTranscript,
    ConversationLogTranscripts, ConversationLogs, MessageTranscript, MissedItems,
    NextConversationLogTranscripts,
};
use ucwa::{Link, Timestamp};

use crate::channel::{Queued, with_resource};
use crate::directory::User;
use crate::paths;
use crate::state::App;

use super::model::{Counts, Log, Transcript};

/// Now, as a log's time.
pub(super) fn now() -> Option<Timestamp> {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis();
    Timestamp::from_unix_millis(i64::try_from(millis).ok()?)
}

/// The longest `previewMessage`, in characters (the emulator's choice).
const PREVIEW: usize = 100;

pub(super) fn logs(app: u64, logs: &[Log]) -> ConversationLogs {
    let mut resource = ConversationLogs::default();
    resource.links.self_ = Some(Link::new(paths::conversation_logs(app)));
    resource.links.conversation_log = logs
        .iter()
        .map(|log| Link::to(paths::conversation_log(app, log.id)))
        .collect();
    resource
}

fn recipient(app: u64, log: u64, user: &User) -> ConversationLogRecipient {
    let mut recipient = ConversationLogRecipient {
        display_name: Some(user.name.clone()),
        sip_uri: Some(user.sip_uri()),
        ..ConversationLogRecipient::default()
    };
    let links = &mut recipient.links;
    links.self_ = Some(Link::new(format!(
        "{}/conversationLogRecipient/{}",
        paths::conversation_log(app, log),
        user.address.to_lowercase()
    )));
    links.contact = Some(Link::to(paths::contact(app, user)));
    links.contact_presence = Some(Link::to(paths::in_contact(app, user, "presence")));
    links.contact_photo = Some(Link::to(paths::photo(app, &user.address)));
    recipient
}

fn text(transcript: &Transcript) -> String {
    transcript
        .text
        .decode()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

pub(super) fn log(app: u64, log: &Log) -> ConversationLog {
    let preview = log
        .transcripts
        .last()
        .map(|t| text(t).chars().take(PREVIEW).collect());
    let mut resource = ConversationLog {
        creation_time: log.at,
        direction: Some(log.direction.clone()),
        importance: Some(log.importance.clone()),
        modalities: Some(vec!["Messaging".to_owned()]),
        preview_message: preview,
        status: Some(if log.missed {
            ConversationLogStatus::Missed
        } else {
            ConversationLogStatus::Archived
        }),
        subject: Some(log.subject.clone()),
        thread_id: Some(log.thread_id.clone()),
        total_recipients_count: i64::try_from(log.others.len()).ok(),
        r#type: Some(ConversationLogType::MessageLog),
        ..ConversationLog::default()
    };
    let links = &mut resource.links;
    links.self_ = Some(Link::new(paths::conversation_log(app, log.id)));
    links.continue_messaging = Some(Link::to(paths::log_operation(
        app,
        log.id,
        "continueMessaging",
    )));
    links.mark_as_read = Some(Link::to(paths::log_operation(app, log.id, "markAsRead")));
    links.conversation_log_transcripts = Some(Link::to(paths::log_transcripts(app, log.id)));
    resource.embedded.conversation_log_recipient = log
        .others
        .iter()
        .map(|user| recipient(app, log.id, user))
        .collect();
    resource
}

fn transcript(
    app: u64,
    log: &Log,
    number: usize,
    said: &Transcript,
    me: &User,
) -> ConversationLogTranscript {
    let mut message = MessageTranscript::default();
    message.links.self_ = Some(Link::new(format!(
        "{}/messageTranscript",
        paths::log_transcript(app, log.id, number)
    )));
    if said.text.media_type().eq_ignore_ascii_case("text/html") {
        message.links.html_message = Some(said.text.clone());
    } else {
        message.links.plain_message = Some(said.text.clone());
    }
    let mut resource = ConversationLogTranscript {
        time_stamp: log.at,
        ..ConversationLogTranscript::default()
    };
    resource.links.self_ = Some(Link::new(paths::log_transcript(app, log.id, number)));
    if said.from.is(&me.address) {
        resource.links.me = Some(Link::to(paths::me(app)));
    } else {
        resource.links.contact = Some(Link::to(paths::contact(app, &said.from)));
    }
    resource.embedded.message_transcript = Some(Box::new(message));
    resource
}

/// The transcripts of a page starting at `from`, numbered from there, and the link to the next.
fn page(
    app: u64,
    log: &Log,
    from: usize,
    items: &[Transcript],
    next: Option<usize>,
    me: &User,
) -> (
    Vec<ConversationLogTranscript>,
    Option<Link<NextConversationLogTranscripts>>,
) {
    let items = items
        .iter()
        .enumerate()
        .map(|(i, said)| transcript(app, log, from + i, said, me))
        .collect();
    let next = next.map(|at| Link::to(paths::next_log_transcripts(app, log.id, at)));
    (items, next)
}

/// The first page of a log's transcripts.
pub(super) fn first_page(
    app: u64,
    log: &Log,
    items: &[Transcript],
    next: Option<usize>,
    me: &User,
) -> ConversationLogTranscripts {
    let (items, next) = page(app, log, 0, items, next, me);
    let mut resource = ConversationLogTranscripts::default();
    resource.links.self_ = Some(Link::new(paths::log_transcripts(app, log.id)));
    resource.links.next_conversation_log_transcripts = next;
    resource.embedded.conversation_log_transcript = items;
    resource
}

/// A later page of a log's transcripts, starting at `from`.
pub(super) fn next_page(
    app: u64,
    log: &Log,
    from: usize,
    items: &[Transcript],
    next: Option<usize>,
    me: &User,
) -> NextConversationLogTranscripts {
    let (items, next) = page(app, log, from, items, next, me);
    let mut resource = NextConversationLogTranscripts::default();
    resource.links.self_ = Some(Link::new(paths::next_log_transcripts(app, log.id, from)));
    resource.links.next_conversation_log_transcripts = next;
    resource.embedded.conversation_log_transcript = items;
    resource
}

/// One transcript (`number` counts from the oldest the log keeps).
pub(super) fn one(
    app: u64,
    log: &Log,
    number: usize,
    me: &User,
) -> Option<ConversationLogTranscript> {
    let said = log.transcripts.get(number)?;
    Some(transcript(app, log, number, said, me))
}

pub(super) fn missed_items(app: u64, counts: Counts) -> MissedItems {
    let count = |n: usize| Some(i64::try_from(n).unwrap_or(i64::MAX));
    let mut resource = MissedItems {
        conversation_logs_count: count(counts.logs),
        missed_conversations_count: count(counts.missed),
        unread_missed_conversations_count: count(counts.unread_missed),
        voice_mails_count: Some(0),
        unread_voicemails_count: Some(0),
        ..MissedItems::default()
    };
    resource.links.self_ = Some(Link::new(paths::missed_items(app)));
    resource
}

/// `updated` missedItems, from `communication`, with the counts embedded.
pub(super) fn missed_items_changed(app: &App, counts: Counts) {
    let event: Event<AnyResource> = with_resource(
        EventType::Updated,
        "missedItems",
        Link::new(paths::missed_items(app.id)),
        AnyResource::MissedItems(Box::new(missed_items(app.id, counts))),
    );
    app.channel.push(Arc::new(Queued::new(
        "communication",
        &paths::communication(app.id),
        event,
    )));
}
