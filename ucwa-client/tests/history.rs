//! Conversation history between two users of one emulator, in JSON and in XML: a conversation
//! logged for both as it ends, its transcripts read page by page (more than one page),
//! marked as read, deleted; a missed invitation counted and announced as a missed item;
//! continuing a conversation from its log; and each bound (logs per user, transcripts per log,
//! the `limit` of a listing, the settings' ranges).

mod common;

use common::{WAIT, emulator, session, wait_for};
use ucwa::enumerations::{ConversationLogStatus, Direction};
use ucwa::events::EventType;
use ucwa::{Format, Link, ResponseError};
use ucwa_client::history::{LogQuery, MissedItems, Speaker, TranscriptContent};
use ucwa_client::messaging::{IncomingInvitation, StartMessaging};
use ucwa_client::outcome::OperationOutcome;
use ucwa_client::{ClientError, Session};
use ucwa_emulator::{Config, Emulator, Limits};

/// Lene invites Ann about `subject` with `first`, Ann accepts, then each of `said` is sent in
/// turn (Lene first, then Ann, …), and Lene stops: both logs are written when that returns.
async fn talk(lene: &Session, ann: &Session, subject: &str, first: &str, said: &[&str]) {
    let (mut lene_events, mut ann_events) = (lene.events(), ann.events());
    let mut invitation = lene
        .messaging()
        .start(
            StartMessaging::to("ann@contoso.com")
                .subject(subject)
                .message(first),
        )
        .await
        .unwrap();
    let incoming = wait_for(&mut ann_events, IncomingInvitation::from_event).await;
    incoming.accept(&ann.messaging()).await.unwrap();
    let outcome = invitation.outcome(&mut lene_events, WAIT).await.unwrap();
    assert!(
        matches!(outcome, OperationOutcome::Succeeded(_)),
        "{outcome:?}"
    );
    let lene_talk = invitation.conversation(&lene.messaging()).await.unwrap();
    let ann_talk = incoming.conversation(&ann.messaging()).await.unwrap();
    for (i, text) in said.iter().enumerate() {
        let side = if i % 2 == 0 { &lene_talk } else { &ann_talk };
        if text.starts_with('<') {
            side.send_html(text).await.unwrap();
        } else {
            side.send_message(text).await.unwrap();
        }
    }
    lene_talk.stop().await.unwrap();
}

fn text(content: &TranscriptContent) -> String {
    match content {
        TranscriptContent::Message {
            text: Some(text), ..
        } => text.clone(),
        TranscriptContent::Message {
            html: Some(html), ..
        } => html.clone(),
        other => panic!("{other:?}"),
    }
}

fn status<E: ucwa::operation::OperationError>(error: ClientError<E>) -> u16 {
    match error {
        ClientError::Response(ResponseError::Ucwa(error)) => error.status(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_conversation_is_logged_read_page_by_page_marked_read_and_deleted_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Limits {
            transcripts_per_page: 3,
            ..Limits::default()
        })
        .await;
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let said = [
            "one",
            "two",
            "three",
            "<b>four</b>",
            "five",
            "six — ünïcode",
        ];
        talk(&lene, &ann, "Plans", "Hi Ann", &said).await;

        // Ann's log: incoming, archived, Lene took part, the last message as its preview.
        let logs = ann.history().logs(LogQuery::default()).await.unwrap();
        assert_eq!(logs.len(), 1, "{format}");
        let log = &logs[0];
        assert_eq!(log.status(), Some(&ConversationLogStatus::Archived));
        assert!(!log.is_missed());
        assert_eq!(log.subject(), Some("Plans"));
        assert_eq!(log.direction(), Some(&Direction::Incoming));
        assert_eq!(log.preview(), Some("six — ünïcode"), "{format}");
        let recipients = log.recipients();
        assert_eq!(recipients.len(), 1);
        assert_eq!(recipients[0].name.as_deref(), Some("Lene Aaling"));
        assert_eq!(
            recipients[0].sip_uri.as_deref(),
            Some("sip:lene@contoso.com")
        );
        let lene_contact = recipients[0].contact.clone().unwrap();

        // Seven transcripts (the first message and six), three to a page.
        let mut pages = log.transcripts();
        let mut sizes = Vec::new();
        let mut all = Vec::new();
        while let Some(page) = pages.next_page().await.unwrap() {
            sizes.push(page.len());
            all.extend(page);
        }
        assert_eq!(sizes, [3, 3, 1], "{format}");
        assert!(pages.next_page().await.unwrap().is_none());
        let texts: Vec<String> = all.iter().map(|t| text(&t.content)).collect();
        let mut expected = vec!["Hi Ann".to_owned()];
        expected.extend(said.iter().map(|s| s.to_string()));
        assert_eq!(texts, expected, "{format}");
        // Who said what, from Ann's side: Lene is a contact, Ann is `me`.
        assert_eq!(all[0].from, Speaker::Contact(lene_contact.clone()));
        assert_eq!(all[1].from, Speaker::Contact(lene_contact));
        assert_eq!(all[2].from, Speaker::Me);
        assert!(matches!(
            &all[4].content,
            TranscriptContent::Message { html: Some(html), text: None } if html == "<b>four</b>"
        ));
        assert!(all.iter().all(|t| t.at.is_some()));
        // `collect` reads what is left, bounded.
        assert_eq!(log.transcripts().collect(5).await.unwrap().len(), 5);

        // Lene's log of the same conversation: outgoing, Ann took part.
        let lene_logs = lene.history().logs(LogQuery::default()).await.unwrap();
        assert_eq!(lene_logs.len(), 1);
        assert_eq!(lene_logs[0].direction(), Some(&Direction::Outgoing));
        assert_eq!(
            lene_logs[0].recipients()[0].name.as_deref(),
            Some("Ann Remote")
        );
        assert_eq!(
            lene_logs[0].resource().thread_id,
            log.resource().thread_id,
            "{format}"
        );
        let first = lene_logs[0]
            .transcripts()
            .next_page()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first[0].from, Speaker::Me);

        // Read again by its link; marked read; deleted, then gone.
        let again = ann.history().log(&log.link().unwrap()).await.unwrap();
        assert_eq!(&again, log);
        log.mark_as_read().await.unwrap();
        let counts = ann.history().missed_items().await.unwrap();
        assert_eq!(
            (counts.logs, counts.missed, counts.unread_missed),
            (1, 0, 0)
        );
        log.delete().await.unwrap();
        assert!(
            ann.history()
                .logs(LogQuery::default())
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(status(log.delete().await.unwrap_err()), 404, "{format}");
        assert_eq!(status(log.mark_as_read().await.unwrap_err()), 404);
        assert_eq!(
            status(log.transcripts().next_page().await.unwrap_err()),
            404
        );
        assert_eq!(ann.history().missed_items().await.unwrap().logs, 0);
        // Lene's log is her own: still there.
        assert_eq!(lene.history().log_links(None).await.unwrap().len(), 1);
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn a_missed_invitation_is_counted_and_announced_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Limits::default()).await;
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let (mut lene_events, mut ann_events) = (lene.events(), ann.events());
        assert_eq!(
            ann.history().missed_items().await.unwrap(),
            MissedItems::default()
        );

        // Lene invites Ann, who does not answer; Lene gives up.
        lene.messaging()
            .start(
                StartMessaging::to("ann@contoso.com")
                    .subject("Quick one")
                    .message("Are you there?"),
            )
            .await
            .unwrap();
        wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        let conversation: Link = wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Added && e.rel == "conversation").then(|| e.link.clone())
        })
        .await;
        lene.messaging()
            .conversation(&conversation.cast())
            .await
            .unwrap()
            .leave()
            .await
            .unwrap();

        // Ann hears the counts, embedded in `updated` missedItems.
        let counts = wait_for(&mut ann_events, MissedItems::from_event).await;
        assert_eq!(
            (counts.logs, counts.missed, counts.unread_missed),
            (1, 1, 1),
            "{format}"
        );
        assert_eq!(ann.history().missed_items().await.unwrap(), counts);
        let missed = ann
            .history()
            .logs(LogQuery::default().missed())
            .await
            .unwrap();
        assert_eq!(missed.len(), 1, "{format}");
        assert!(missed[0].is_missed());
        assert_eq!(missed[0].subject(), Some("Quick one"));
        assert_eq!(
            missed[0].recipients()[0].name.as_deref(),
            Some("Lene Aaling")
        );
        let transcripts = missed[0].transcripts().collect(10).await.unwrap();
        assert_eq!(transcripts.len(), 1);
        assert_eq!(text(&transcripts[0].content), "Are you there?");
        // Nothing archived on Ann's side; Lene's own log is archived, not missed.
        assert!(
            ann.history()
                .logs(LogQuery::default().status(ConversationLogStatus::Archived))
                .await
                .unwrap()
                .is_empty()
        );
        let lene_logs = lene.history().logs(LogQuery::default()).await.unwrap();
        assert_eq!(lene_logs.len(), 1);
        assert!(!lene_logs[0].is_missed());
        assert_eq!(lene.history().missed_items().await.unwrap().missed, 0);

        // Read: the unread count goes down, announced.
        missed[0].mark_as_read().await.unwrap();
        let counts = wait_for(&mut ann_events, MissedItems::from_event).await;
        assert_eq!(
            (counts.logs, counts.missed, counts.unread_missed),
            (1, 1, 0),
            "{format}"
        );
        // Deleted: the counts go to zero, announced.
        missed[0].delete().await.unwrap();
        let counts = wait_for(&mut ann_events, MissedItems::from_event).await;
        assert_eq!(counts, MissedItems::default(), "{format}");
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn a_conversation_continues_from_its_log_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Limits::default()).await;
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        talk(&lene, &ann, "Budget", "Numbers?", &["Friday"]).await;
        let (mut ann_events, mut lene_events) = (ann.events(), lene.events());

        let log = ann
            .history()
            .logs(LogQuery::default())
            .await
            .unwrap()
            .remove(0);
        let mut invitation = log.continue_messaging(Some("Back to it")).await.unwrap();
        assert!(
            invitation
                .link
                .href
                .as_str()
                .contains("messagingInvitations"),
            "{format}"
        );
        let incoming = wait_for(&mut lene_events, IncomingInvitation::from_event).await;
        assert_eq!(incoming.first_message().as_deref(), Some("Back to it"));
        assert_eq!(incoming.invitation.subject.as_deref(), Some("Budget"));
        assert_eq!(
            incoming.from().and_then(|p| p.name.as_deref()),
            Some("Ann Remote")
        );
        incoming.accept(&lene.messaging()).await.unwrap();
        let outcome = invitation.outcome(&mut ann_events, WAIT).await.unwrap();
        assert!(
            matches!(outcome, OperationOutcome::Succeeded(_)),
            "{format}: {outcome:?}"
        );
        let conversation = invitation.conversation(&ann.messaging()).await.unwrap();
        assert_eq!(conversation.resource().subject.as_deref(), Some("Budget"));
        conversation.stop().await.unwrap();
        // Now two logs each, the newest first.
        let logs = lene.history().logs(LogQuery::default()).await.unwrap();
        assert_eq!(logs.len(), 2);
        assert_eq!(logs[0].direction(), Some(&Direction::Incoming), "{format}");
        assert_eq!(logs[1].direction(), Some(&Direction::Outgoing));
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn logs_and_transcripts_are_bounded_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Limits {
            max_conversation_logs: 2,
            max_log_transcripts: 3,
            ..Limits::default()
        })
        .await;
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        talk(&lene, &ann, "first", "a", &[]).await;
        talk(&lene, &ann, "second", "b", &[]).await;
        talk(&lene, &ann, "third", "c", &["d", "e", "f", "g"]).await;

        // The latest two logs, newest first.
        let logs = ann.history().logs(LogQuery::default()).await.unwrap();
        let subjects: Vec<_> = logs.iter().map(|l| l.subject().unwrap()).collect();
        assert_eq!(subjects, ["third", "second"], "{format}");
        assert_eq!(ann.history().missed_items().await.unwrap().logs, 2);
        // The latest three transcripts of five.
        let texts: Vec<String> = logs[0]
            .transcripts()
            .collect(100)
            .await
            .unwrap()
            .iter()
            .map(|t| text(&t.content))
            .collect();
        assert_eq!(texts, ["e", "f", "g"], "{format}");

        // `limit`: at most that many; not a whole number of at least 1 is refused.
        let one = ann
            .history()
            .logs(LogQuery::default().limit(1))
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].subject(), Some("third"));
        match ann.history().log_links(Some(0)).await {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 400, "{format}");
                assert_eq!(error.body().code, "BadRequest", "{format}");
            }
            other => panic!("{other:?}"),
        }
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn history_settings_out_of_range_are_refused_at_start_by_name() {
    for (limits, named) in [
        (
            Limits {
                max_conversation_logs: 0,
                ..Limits::default()
            },
            "`limits.max_conversation_logs` is 0; it must be between 1 and 10000",
        ),
        (
            Limits {
                max_log_transcripts: 100_001,
                ..Limits::default()
            },
            "`limits.max_log_transcripts` is 100001; it must be between 1 and 100000",
        ),
        (
            Limits {
                transcripts_per_page: 0,
                ..Limits::default()
            },
            "`limits.transcripts_per_page` is 0; it must be between 1 and 1000",
        ),
    ] {
        let started = Emulator::start(Config {
            limits,
            ..Config::default()
        })
        .await;
        let Err(error) = started else {
            panic!("started")
        };
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(error.to_string(), named);
    }
}
