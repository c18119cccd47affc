//! The event channel never sticks, against the emulator's fault injection, in both formats: a
//! batch with one bad event among good ones is delivered whole (the bad one as `undecoded`),
//! an answer that is not an event batch (a proxy's HTML page, a cut JSON or XML answer) is an
//! error once and the channel starts again, and every good event is received exactly once.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use ucwa::events::{Event, EventType, Source, Undecoded};
use ucwa::resources::{AnyResource, Participant};
use ucwa::{Format, Link};
use ucwa_client::{Client, ClientError, EventChannel};
use ucwa_emulator::{Config, Emulator};

const SENDER: &str = "/ucwa/oauth/v1/applications/100/communication/conversations/1";

async fn setup(format: Format) -> (Emulator, EventChannel) {
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(10),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = Client::builder(emulator.origin(), emulator.token())
        .format(format)
        .long_poll(Duration::from_secs(2))
        .build()
        .unwrap();
    let application = common::create_application(&client).await;
    let mut events = client.events(application.links.events.as_ref().unwrap());
    // The call every new application has.
    let call = events.next_event().await.unwrap().unwrap();
    assert_eq!(call.event_type, EventType::Added);
    (emulator, events)
}

fn event(
    n: u32,
    resource: Option<AnyResource>,
    undecoded: Option<Undecoded>,
) -> Event<AnyResource> {
    let link = Link::new(format!("{SENDER}/participants/{n}"));
    Event {
        resource,
        undecoded,
        ..Event::new(EventType::Added, "participant", link)
    }
}

fn good(n: u32) -> Event<AnyResource> {
    let participant = Participant {
        name: Some(format!("participant {n}")),
        ..Default::default()
    };
    event(
        n,
        Some(AnyResource::Participant(Box::new(participant))),
        None,
    )
}

/// A participant whose `inLobby` is not a boolean, as the server would write it.
fn bad(n: u32, format: Format) -> Event<AnyResource> {
    let source = match format {
        Format::Json => {
            Source::Json(serde_json::json!({"rel": "participant", "inLobby": "perhaps"}))
        }
        Format::Xml => Source::Xml(format!(
            r#"<resource rel="participant" href="{SENDER}/participants/{n}"><property name="inLobby">perhaps</property></resource>"#
        )),
    };
    // Any decode error will do: the server side only writes the source.
    let error = ucwa::json::from_slice::<Participant>(br#"{"inLobby": "perhaps"}"#).unwrap_err();
    let undecoded = Undecoded {
        rel: "participant".into(),
        source,
        error,
    };
    event(n, None, Some(undecoded))
}

/// What the channel delivers next, within a few long polls.
async fn next(events: &mut EventChannel) -> Result<Event<AnyResource>, ClientError> {
    tokio::time::timeout(Duration::from_secs(20), events.next_event())
        .await
        .expect("the channel answers")
        .map(|e| e.expect("the channel goes on"))
}

/// The good events' numbers and the bad ones', in the order received.
fn record(event: &Event<AnyResource>, received: &mut BTreeMap<String, u32>) {
    let key = match (&event.resource, &event.undecoded) {
        (Some(AnyResource::Participant(p)), None) => p.name.clone().unwrap(),
        (None, Some(undecoded)) => {
            assert!(
                undecoded.error.to_string().contains("perhaps"),
                "{}",
                undecoded.error
            );
            format!("undecoded {}", event.link.href.as_str())
        }
        other => panic!("{other:?}"),
    };
    *received.entry(key).or_default() += 1;
}

#[tokio::test]
async fn the_channel_survives_bad_events_and_garbled_batches() {
    for format in [Format::Json, Format::Xml] {
        let (emulator, mut events) = setup(format).await;
        let mut received = BTreeMap::new();

        // One batch: good, bad, good.
        emulator
            .faults()
            .push_event("conversation", SENDER, good(1));
        emulator
            .faults()
            .push_event("conversation", SENDER, bad(2, format));
        emulator
            .faults()
            .push_event("conversation", SENDER, good(3));
        for _ in 0..3 {
            record(&next(&mut events).await.unwrap(), &mut received);
        }

        // Answers that are not event batches: an error each, once, then the channel goes on.
        let cut = match format {
            Format::Json => (format.media_type(), b"{\"_links\": {\"next\"".to_vec()),
            Format::Xml => (format.media_type(), b"<events><sender".to_vec()),
        };
        for (content_type, body) in [("text/html", b"<html>502 Bad Gateway</html>".to_vec()), cut] {
            emulator
                .faults()
                .garble_next_event_batch(content_type, body)
                .unwrap();
            match next(&mut events).await {
                Err(ClientError::Response(_)) => {}
                other => panic!("{format}: {other:?}"),
            }
            assert!(events.take_reset(), "{format}: cached state is stale");
        }

        // Normal traffic after.
        emulator
            .faults()
            .push_event("conversation", SENDER, good(4));
        emulator
            .faults()
            .push_event("conversation", SENDER, good(5));
        while received.values().sum::<u32>() < 5 {
            record(&next(&mut events).await.unwrap(), &mut received);
        }
        let expected: BTreeMap<String, u32> = [
            "participant 1",
            "participant 3",
            "participant 4",
            "participant 5",
            &format!("undecoded {SENDER}/participants/2"),
        ]
        .into_iter()
        .map(|k| (k.to_owned(), 1))
        .collect();
        assert_eq!(received, expected, "{format}: every event exactly once");
        // And nothing more: the next long poll ends empty.
        let batch = events.next_batch().await.unwrap();
        assert_eq!(batch.events().count(), 0, "{format}: {batch:?}");
        assert_eq!(events.take_unreadable(), (Vec::new(), 0));
        emulator.shutdown().await;
    }
}

#[tokio::test]
async fn the_event_stream_goes_on_after_a_garbled_batch() {
    use futures_util::StreamExt;
    let (emulator, events) = setup(Format::Json).await;
    emulator
        .faults()
        .garble_next_event_batch("text/html", b"<html>proxy</html>".to_vec())
        .unwrap();
    emulator
        .faults()
        .push_event("conversation", SENDER, good(7));
    let mut stream = Box::pin(events.into_stream());
    let first = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .unwrap()
        .unwrap();
    assert!(first.is_err(), "{first:?}");
    let second = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(&second.resource, Some(AnyResource::Participant(p)) if p.name.as_deref() == Some("participant 7"))
    );
    emulator.shutdown().await;
}
