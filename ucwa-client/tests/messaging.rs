//! Instant messaging between two users of one emulator, in JSON and in XML: the invitation
//! with a first message, accepted, followed to its outcome; messages both ways with the sender's
//! name; typing; stopping; and the failures a user meets — an unknown user, someone offline, a
//! declined invitation, a conversation that has ended, too many conversations, a subject too
//! long.

mod common;

use common::{WAIT, emulator, session, wait_for};
use ucwa::events::EventType;
use ucwa::{Format, ResponseError};
use ucwa_client::ClientError;
use ucwa_client::messaging::{IncomingInvitation, ReceivedMessage, StartMessaging};
use ucwa_client::outcome::OperationOutcome;
use ucwa_emulator::Limits;

#[tokio::test]
async fn two_users_message_each_other_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in [Format::Json, Format::Xml] {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let (mut lene_events, mut ann_events) = (lene.events(), ann.events());

        let mut invitation = lene
            .messaging()
            .start(
                StartMessaging::to("ann@contoso.com")
                    .subject("Lunch?")
                    .message("Hi Ann – are you free?")
                    .operation_id("im-1"),
            )
            .await
            .unwrap();

        // Ann is invited, sees who and the first message, and accepts.
        let incoming = wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        assert_eq!(
            incoming.from().and_then(|p| p.name.as_deref()),
            Some("Lene Aaling"),
            "{format}"
        );
        assert_eq!(
            incoming.first_message().as_deref(),
            Some("Hi Ann – are you free?")
        );
        assert_eq!(incoming.invitation.subject.as_deref(), Some("Lunch?"));
        incoming.accept(&ann.messaging()).await.unwrap();

        // Lene's invitation completes, accepted by Ann.
        let outcome = invitation.outcome(&mut lene_events, WAIT).await.unwrap();
        let OperationOutcome::Succeeded(Some(completed)) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(completed.operation_id.as_deref(), Some("im-1"));
        let accepted: Vec<_> = completed
            .embedded
            .accepted_by_participant
            .iter()
            .filter_map(|p| p.name.as_deref())
            .collect();
        assert_eq!(accepted, ["Ann Remote"], "{format}");

        // The first message reaches Ann once she accepted.
        let first = wait_for(&mut ann_events, ReceivedMessage::from_event).await;
        assert_eq!(first.text(), Some("Hi Ann – are you free?"));
        assert_eq!(first.from.as_deref(), Some("Lene Aaling"));

        // Messages both ways; typing shown until the message.
        let lene_talk = invitation.conversation(&lene.messaging()).await.unwrap();
        assert_eq!(lene_talk.resource().subject.as_deref(), Some("Lunch?"));
        let sent = lene_talk.send_message("Noon, usual place?").await.unwrap();
        assert!(
            sent.href.as_str().contains("/messaging/messages/"),
            "{format}"
        );
        let received = wait_for(&mut ann_events, ReceivedMessage::from_event).await;
        assert_eq!(received.text(), Some("Noon, usual place?"));
        assert!(!received.is_html());

        let ann_talk = incoming.conversation(&ann.messaging()).await.unwrap();
        assert_eq!(
            ann_talk.resource().thread_id,
            lene_talk.resource().thread_id,
            "{format}"
        );
        ann_talk.set_typing().await.unwrap();
        let typing = wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Added && e.in_rel.as_deref() == Some("typingParticipants"))
                .then(|| e.link.title.clone())
        })
        .await;
        assert_eq!(typing.as_deref(), Some("Ann Remote"), "{format}");
        ann_talk.send_message("Deal 👍").await.unwrap();
        let reply = wait_for(&mut lene_events, ReceivedMessage::from_event).await;
        assert_eq!(reply.text(), Some("Deal 👍"), "{format}");
        assert_eq!(reply.from.as_deref(), Some("Ann Remote"));
        // HTML arrives as HTML (`htmlMessage`).
        ann_talk
            .send_html("<b>See you</b> &amp; bye")
            .await
            .unwrap();
        let html = wait_for(&mut lene_events, ReceivedMessage::from_event).await;
        assert!(html.is_html(), "{format}: {}", html.media_type);
        assert_eq!(html.text(), Some("<b>See you</b> &amp; bye"));
        assert!(html.message.links.html_message.is_some());

        // Lene stops: both sides end; Ann's conversation is gone.
        lene_talk.stop().await.unwrap();
        let gone = wait_for(&mut ann_events, |e| {
            (e.event_type == EventType::Deleted && e.rel == "conversation").then_some(())
        })
        .await;
        assert_eq!(gone, ());
        match ann_talk.send_message("still there?").await {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 404, "{format}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(emulator.observed().stats().conversations, 0, "{format}");
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn invitations_that_reach_no_one_fail_with_their_reason_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in [Format::Json, Format::Xml] {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let mut lene_events = lene.events();
        let mut ann_events = ann.events();

        // Someone the server does not know.
        let mut unknown = lene
            .messaging()
            .start(StartMessaging::to("nobody@contoso.com"))
            .await
            .unwrap();
        let outcome = unknown.outcome(&mut lene_events, WAIT).await.unwrap();
        assert_eq!(
            outcome.failure(),
            Some(("NotFound", Some("DestinationNotFound"))),
            "{format}"
        );

        // Someone known who is not signed in: John has no application.
        let mut offline = lene
            .messaging()
            .start(StartMessaging::to("sip:john@contoso.com"))
            .await
            .unwrap();
        let outcome = offline.outcome(&mut lene_events, WAIT).await.unwrap();
        assert_eq!(
            outcome.failure(),
            Some(("RemoteFailure", Some("TemporarilyUnavailable"))),
            "{format}"
        );
        match offline.conversation(&lene.messaging()).await {
            Err(ClientError::MissingLink { rel, .. }) => assert_eq!(rel, "conversation"),
            other => panic!("{other:?}"),
        }

        // Ann declines.
        let mut declined = lene
            .messaging()
            .start(StartMessaging::to("ann@contoso.com"))
            .await
            .unwrap();
        let incoming = wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        assert_eq!(incoming.first_message(), None);
        incoming.decline(&ann.messaging()).await.unwrap();
        let outcome = declined.outcome(&mut lene_events, WAIT).await.unwrap();
        assert_eq!(
            outcome.failure(),
            Some(("RemoteFailure", Some("Declined"))),
            "{format}"
        );
        // Answering twice is refused: the invitation is no longer waiting.
        assert!(incoming.accept(&ann.messaging()).await.is_err());
        assert_eq!(emulator.observed().stats().conversations, 0, "{format}");
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn leaving_ends_the_conversation_on_both_sides_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in [Format::Json, Format::Xml] {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let (mut lene_events, mut ann_events) = (lene.events(), ann.events());
        let mut invitation = lene
            .messaging()
            .start(StartMessaging::to("ann@contoso.com"))
            .await
            .unwrap();
        let incoming = wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        incoming.accept(&ann.messaging()).await.unwrap();
        let outcome = invitation.outcome(&mut lene_events, WAIT).await.unwrap();
        assert!(
            matches!(outcome, OperationOutcome::Succeeded(_)),
            "{outcome:?}"
        );
        assert_eq!(emulator.observed().stats().conversations, 2, "{format}");

        // Ann leaves (DELETE on her conversation): Lene hears Ann go and the conversation end.
        let ann_talk = incoming.conversation(&ann.messaging()).await.unwrap();
        ann_talk.leave().await.unwrap();
        let left = wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Deleted && e.rel == "participant")
                .then(|| e.link.href.as_str().to_owned())
        })
        .await;
        assert!(left.ends_with("/participants/ann@contoso.com"), "{left}");
        wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Deleted && e.rel == "conversation").then_some(())
        })
        .await;
        assert_eq!(emulator.observed().stats().conversations, 0, "{format}");
        // Leaving again: the conversation is not there any more.
        match ann_talk.leave().await {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 404, "{format}")
            }
            other => panic!("{other:?}"),
        }
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn bounds_and_bad_arguments_come_back_typed() {
    let emulator = emulator(Limits {
        max_conversations: 1,
        ..Limits::default()
    })
    .await;
    for format in [Format::Json, Format::Xml] {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        // A subject over 250 characters is refused before anything is sent.
        match lene
            .messaging()
            .start(StartMessaging::to("ann@contoso.com").subject("s".repeat(251)))
            .await
        {
            Err(ClientError::Request(error)) => {
                assert!(error.to_string().contains("subject"), "{error}")
            }
            other => panic!("{other:?}"),
        }
        // One conversation at most: while the first rings, a second start is refused.
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let mut ann_events = ann.events();
        lene.messaging()
            .start(StartMessaging::to("ann@contoso.com"))
            .await
            .unwrap();
        wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        match lene
            .messaging()
            .start(StartMessaging::to("ann@contoso.com"))
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 403, "{format}");
                assert_eq!(error.body().code, "Forbidden");
                assert!(
                    error
                        .body()
                        .message
                        .as_deref()
                        .unwrap_or("")
                        .contains("max_conversations")
                );
            }
            other => panic!("{other:?}"),
        }
        lene.shutdown().await;
        ann.shutdown().await;
    }
}
