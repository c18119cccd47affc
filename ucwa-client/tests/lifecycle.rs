//! The application's lifecycle against the emulator: created and made available after
//! discovery, kept alive past the emulator's expiry, recovered when the emulator deletes or
//! expires it, events to subscribers through a bounded queue, deleted on shutdown. Time is
//! the emulator's clock, advanced by the test; the client's intervals are configured short.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::broadcast;
use ucwa::Format;
use ucwa::events::{Event, EventType};
use ucwa_client::{Session, SignIn, Status};
use ucwa_emulator::{Config, Emulator};

const ADDRESS: &str = "lene@contoso.test";
const INTERNAL: &str = "lyncdiscoverinternal.contoso.test";

async fn emulator(config: Config) -> Emulator {
    Emulator::start(Config {
        user: ADDRESS.to_owned(),
        ..config
    })
    .await
    .unwrap()
}

fn signing_in(addr: SocketAddr, format: Format) -> SignIn {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(INTERNAL, addr)
        .build()
        .unwrap();
    SignIn::new(ADDRESS)
        .unwrap()
        .password("pass@word1")
        .allow_http(true)
        .http_client(http)
        .format(format)
        .retry_delay(Duration::from_millis(20))
}

fn id(session: &Session) -> u64 {
    // The application's `id` is the number in its URL.
    let id = session.application().id.clone().unwrap();
    id.parse().unwrap()
}

/// The next status that is not `Available` (which recoveries also report), within 10 s.
async fn next_status(status: &mut broadcast::Receiver<Status>) -> Status {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match status.recv().await.unwrap() {
                Status::Available => continue,
                other => return other,
            }
        }
    })
    .await
    .expect("a status within 10 s")
}

/// Waits for the marker event `n`, past the events a new application gets on its own (the
/// call it is in), within 10 s.
async fn marker_arrives(events: &mut ucwa_client::EventReceiver, n: usize) {
    let wanted = format!("/marker/{n}");
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let event = events.recv().await.unwrap();
            if event.link.href.as_str().ends_with(&wanted) {
                return;
            }
        }
    })
    .await
    .expect("the marker within 10 s");
}

/// Reads what a new session's application hears first, all in its first batch: the call it is
/// in (`added` audioVideo), then the user made available (`updated` me, `added` presence).
async fn past_the_start(events: &mut ucwa_client::EventReceiver) {
    let mut rels = Vec::new();
    for _ in 0..3 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .unwrap()
            .unwrap();
        rels.push(event.rel.clone());
    }
    assert_eq!(rels, ["audioVideo", "me", "presence"]);
}

fn marker(n: usize) -> Event<ucwa::resources::AnyResource> {
    Event::new(
        EventType::Updated,
        "me",
        ucwa::Link::new(format!("/ucwa/oauth/v1/applications/marker/{n}")),
    )
}

#[tokio::test]
async fn sign_in_creates_an_available_application_and_shutdown_deletes_it() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format)
            .application("lifecycle-tests/1", "endpoint-1", "fr-FR")
            .start()
            .await
            .unwrap();
        let application = session.application();
        assert_eq!(application.user_agent.as_deref(), Some("lifecycle-tests/1"));
        assert_eq!(application.endpoint_id.as_deref(), Some("endpoint-1"));
        assert_eq!(application.culture.as_deref(), Some("fr-FR"));
        assert_eq!(
            emulator.observed().availability(id(&session)),
            Some((true, 0))
        );
        assert_eq!(session.client().format(), format);

        let mut events = session.events();
        emulator
            .faults()
            .push_event("me", "/ucwa/oauth/v1/applications/x/me", marker(1));
        marker_arrives(&mut events, 1).await;

        let ids = emulator.observed().application_ids();
        session.shutdown().await;
        assert_eq!(
            emulator.observed().application_ids().len(),
            ids.len() - 1,
            "{format:?}"
        );
    }
    assert!(emulator.observed().application_ids().is_empty());
}

#[tokio::test]
async fn already_available_is_fine() {
    let emulator = emulator(Config {
        applications_start_available: true,
        ..Config::default()
    })
    .await;
    let session = signing_in(emulator.addr(), Format::Json)
        .start()
        .await
        .unwrap();
    assert_eq!(
        emulator.observed().availability(id(&session)),
        Some((true, 0))
    );
    session.shutdown().await;
}

#[tokio::test]
async fn the_keep_alive_keeps_the_application_past_the_emulators_expiry_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format)
            .keep_alive(Duration::from_millis(30))
            .start()
            .await
            .unwrap();
        let mut status = session.status();
        let first = id(&session);
        // Twenty minutes of the emulator's time, past its fifteen-minute expiry, a minute at
        // a time; the pending GET (held up to 180 s) is no request in between, so only the
        // keep-alive keeps the application.
        for _ in 0..20 {
            emulator.clock().advance(Duration::from_secs(60));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(id(&session), first);
        let (available, reports) = emulator.observed().availability(first).unwrap();
        assert!(available);
        assert!(reports >= 10, "{format:?}: {reports} reports");
        assert!(
            matches!(
                status.try_recv(),
                Err(broadcast::error::TryRecvError::Empty)
            ),
            "{format:?}: no recovery was needed"
        );
        session.shutdown().await;
    }
}

#[tokio::test]
async fn an_expired_application_is_replaced_in_json_and_xml() {
    let emulator = emulator(Config {
        // Pending GETs come back every second, each a request to the application.
        long_poll: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format)
            .long_poll(Duration::from_secs(1))
            .keep_alive(Duration::from_secs(200))
            .start()
            .await
            .unwrap();
        let mut status = session.status();
        let first = id(&session);
        emulator.clock().advance(Duration::from_secs(16 * 60));
        match next_status(&mut status).await {
            Status::Recovered {
                previous,
                application,
                reason,
            } => {
                assert_eq!(reason, "410 InactiveApplicationExpired");
                let previous = previous.expect("the old application's link");
                assert!(
                    previous.as_str().ends_with(&first.to_string()),
                    "{previous:?}"
                );
                let application = application.expect("the new application's link");
                assert!(
                    application.as_str().ends_with(&id(&session).to_string()),
                    "{application:?}"
                );
                assert_ne!(previous, application);
            }
            other => panic!("{other:?}"),
        }
        let second = id(&session);
        assert_ne!(first, second);
        assert_eq!(
            emulator.observed().availability(second).map(|a| a.0),
            Some(true)
        );
        // The new application's channel delivers.
        let mut events = session.events();
        emulator.faults().push_event("me", "/x/me", marker(2));
        marker_arrives(&mut events, 2).await;
        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_deleted_application_is_replaced() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format).start().await.unwrap();
        let mut status = session.status();
        let first = id(&session);
        assert!(emulator.faults().delete_applications() >= 1);
        match next_status(&mut status).await {
            Status::Recovered { reason, .. } => assert_eq!(reason, "404 ApplicationNotFound"),
            other => panic!("{other:?}"),
        }
        let second = id(&session);
        assert_ne!(first, second);
        assert_eq!(emulator.observed().application_ids(), [second]);
        session.shutdown().await;
        assert!(emulator.observed().application_ids().is_empty());
    }
}

#[tokio::test]
async fn make_me_available_required_is_answered_with_make_me_available() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format)
            .keep_alive(Duration::from_millis(50))
            .start()
            .await
            .unwrap();
        let mut status = session.status();
        emulator.faults().forget_availability();
        assert_eq!(
            emulator.observed().availability(id(&session)).map(|a| a.0),
            Some(false)
        );
        let available = tokio::time::timeout(Duration::from_secs(10), status.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(available, Status::Available, "{format:?}");
        assert_eq!(
            emulator.observed().availability(id(&session)).map(|a| a.0),
            Some(true)
        );
        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_slow_subscriber_is_told_what_it_missed_and_blocks_nothing() {
    let emulator = emulator(Config::default()).await;
    let session = signing_in(emulator.addr(), Format::Json)
        .event_queue(4)
        .start()
        .await
        .unwrap();
    let mut fast = session.events();
    // The call the application is in, and the user made available, are announced first; the
    // test starts after them.
    past_the_start(&mut fast).await;
    let mut slow = session.events();
    for n in 0..10 {
        emulator.faults().push_event("me", "/x/me", marker(n));
    }
    // The fast subscriber sees all ten as they come, the queue never holding more than four.
    let mut seen = Vec::new();
    while seen.len() < 10 {
        let event = tokio::time::timeout(Duration::from_secs(10), fast.recv())
            .await
            .unwrap();
        match event {
            Ok(event) => seen.push(event.link.href.as_str().to_owned()),
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                // The ten may come in one batch, faster than this loop reads.
                seen.extend((0..missed).map(|_| String::new()));
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    match slow.recv().await {
        Err(broadcast::error::RecvError::Lagged(missed)) => assert_eq!(missed, 6),
        other => panic!("{other:?}"),
    }
    let next = slow.recv().await.unwrap();
    assert!(
        next.link.href.as_str().ends_with("/marker/6"),
        "{}",
        next.link.href.as_str()
    );
    session.shutdown().await;
}

#[tokio::test]
async fn a_replaced_pending_get_stops_the_sessions_reader_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format).start().await.unwrap();
        let mut status = session.status();
        // Someone else reads the same application's events: the session's pending GET is
        // replaced, and the session stops reading rather than replace the intruder's.
        let intruder = session.client();
        let link = session.application().links.events.clone().unwrap();
        // Once the session has read the first batch (the call), its pending GET waits for the
        // second.
        let mut events = session.events();
        past_the_start(&mut events).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let second = ucwa::Link::to(link.href.as_str().replace("ack=1", "ack=2"));
        let mut intruding = intruder.events(&second);
        let intruder_reads = tokio::spawn(async move {
            let batch = intruding.next_batch().await;
            (batch, intruding)
        });
        assert_eq!(
            next_status(&mut status).await,
            Status::PGetReplaced,
            "{format:?}"
        );
        emulator.faults().push_event("me", "/x/me", marker(3));
        // The intruder's pending GET was not replaced in turn: it gets the event.
        let (batch, _) = tokio::time::timeout(Duration::from_secs(10), intruder_reads)
            .await
            .unwrap()
            .unwrap();
        let batch = batch.unwrap();
        let hrefs: Vec<&str> = batch
            .senders
            .iter()
            .flat_map(|s| s.events.iter().map(|e| e.link.href.as_str()))
            .collect();
        assert!(hrefs.iter().any(|h| h.ends_with("/marker/3")), "{hrefs:?}");
        // And the session reports nothing more and delivers nothing: its reader stopped.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            matches!(
                status.try_recv(),
                Err(broadcast::error::TryRecvError::Empty)
            ),
            "{format:?}"
        );
        assert!(
            matches!(
                events.try_recv(),
                Err(broadcast::error::TryRecvError::Empty)
            ),
            "{format:?}"
        );
        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_batch_without_a_next_link_is_reported_and_asked_again_after_the_delay_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = signing_in(emulator.addr(), format).start().await.unwrap();
        let mut status = session.status();
        let mut events = session.events();
        // Answers that are event batches, but with no `next` link: twice in a row, the wait
        // doubles; after a good batch, it is back to the retry delay.
        let broken = || {
            let body = ucwa::resources::EventBatch::default()
                .encode(format)
                .unwrap();
            emulator
                .faults()
                .garble_next_event_batch(format.media_type(), body)
                .unwrap();
        };
        let mut failure = async |wait: &str| match next_status(&mut status).await {
            Status::EventChannelFailed { reason } => assert_eq!(
                reason,
                format!("the batch has no `next` link; asking for the same one again in {wait}"),
                "{format:?}"
            ),
            other => panic!("{format:?}: {other:?}"),
        };
        broken();
        broken();
        emulator.faults().push_event("me", "/x/me", marker(4));
        failure("20ms").await;
        failure("40ms").await;
        // The same link asked again gets the batch the broken answers replaced.
        marker_arrives(&mut events, 4).await;
        broken();
        emulator.faults().push_event("me", "/x/me", marker(5));
        failure("20ms").await;
        marker_arrives(&mut events, 5).await;
        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_changed_password_stops_the_session_after_one_refused_grant() {
    let emulator = emulator(Config {
        // Pending GETs come back every second, so the next one meets the revoked token.
        long_poll: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let session = signing_in(emulator.addr(), Format::Json)
        .long_poll(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let mut status = session.status();
    let before = emulator.observed().password_grants();
    emulator.faults().change_password("n3w-Passw0rd");
    match next_status(&mut status).await {
        Status::Stopped { reason } => {
            assert!(reason.contains("400 invalid_grant"), "{reason}");
            assert!(
                reason.ends_with("stopped without deleting the application"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // One refused grant, and no more: retries at 20 ms would have made dozens by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(emulator.observed().password_grants() - before, 1);
    session.shutdown().await;
}

#[tokio::test]
async fn the_emulator_takes_the_application_keys_in_any_case() {
    let emulator = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let url = format!("{}{}", emulator.origin(), ucwa_emulator::APPLICATIONS_PATH);
    let bodies = [
        (
            "application/json",
            r#"{"UserAgent":"UCWA Samples","EndpointId":"a917c6f4","Culture":"en-US"}"#,
        ),
        (
            "application/vnd.microsoft.com.ucwa+xml",
            r#"<?xml version="1.0" encoding="utf-8"?><input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="USERAGENT">UCWA Samples</property><property name="endpointid">a917c6f4</property><property name="Culture">en-US</property></input>"#,
        ),
    ];
    for (content_type, body) in bodies {
        let answer = http
            .post(&url)
            .bearer_auth(emulator.token())
            .header("content-type", content_type)
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201, "{content_type}");
        let application: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        assert_eq!(application["userAgent"], "UCWA Samples", "{content_type}");
        assert_eq!(application["endpointId"], "a917c6f4");
        assert_eq!(application["culture"], "en-US");
    }
}

#[tokio::test]
async fn a_403_while_recovering_runs_discovery_again_and_other_errors_do_not() {
    let emulator = emulator(Config::default()).await;
    let session = signing_in(emulator.addr(), Format::Json)
        .keep_alive(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let mut status = session.status();
    assert_eq!(emulator.observed().entry_point_hits(), 1);

    // A 500 while creating: no rediscovery, the next keep-alive tries again.
    let failure = |code: &str| ucwa::ErrorBody {
        code: code.into(),
        message: Some("injected".into()),
        ..ucwa::ErrorBody::default()
    };
    emulator
        .faults()
        .fail_next_application(
            ucwa::http::StatusCode::INTERNAL_SERVER_ERROR,
            failure("ServiceFailure"),
        )
        .unwrap();
    emulator.faults().delete_applications();
    assert!(matches!(
        next_status(&mut status).await,
        Status::RecoveryFailed { reason } if reason.contains("500")
    ));
    assert!(matches!(
        next_status(&mut status).await,
        Status::Recovered { .. }
    ));
    assert_eq!(emulator.observed().entry_point_hits(), 1);

    // A 403: the discovered links are dropped and discovery runs again before the retry.
    emulator
        .faults()
        .fail_next_application(ucwa::http::StatusCode::FORBIDDEN, failure("Forbidden"))
        .unwrap();
    emulator.faults().delete_applications();
    assert!(matches!(
        next_status(&mut status).await,
        Status::Recovered { .. }
    ));
    assert_eq!(emulator.observed().entry_point_hits(), 2);
    assert_eq!(emulator.observed().application_ids(), [id(&session)]);
    session.shutdown().await;
}

fn injected(code: &str) -> ucwa::ErrorBody {
    ucwa::ErrorBody {
        code: code.into(),
        message: Some("injected".into()),
        ..ucwa::ErrorBody::default()
    }
}

#[tokio::test]
async fn a_502_while_recovering_runs_discovery_again_and_a_500_does_not_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        let session = signing_in(emulator.addr(), format)
            .keep_alive(Duration::from_millis(50))
            .start()
            .await
            .unwrap();
        let mut status = session.status();
        assert_eq!(emulator.observed().entry_point_hits(), 1);

        // A 500: the discovered links are kept; the next keep-alive tries again with them.
        emulator
            .faults()
            .fail_next_application(
                ucwa::http::StatusCode::INTERNAL_SERVER_ERROR,
                injected("ServiceFailure"),
            )
            .unwrap();
        emulator.faults().delete_applications();
        assert!(matches!(
            next_status(&mut status).await,
            Status::RecoveryFailed { reason } if reason.contains("500")
        ));
        assert!(matches!(
            next_status(&mut status).await,
            Status::Recovered { .. }
        ));
        assert_eq!(emulator.observed().entry_point_hits(), 1, "{format:?}");

        // A 502: dropped, discovery runs again, and the retry with its links succeeds.
        emulator
            .faults()
            .fail_next_application(
                ucwa::http::StatusCode::BAD_GATEWAY,
                injected("ServiceFailure"),
            )
            .unwrap();
        emulator.faults().delete_applications();
        assert!(matches!(
            next_status(&mut status).await,
            Status::Recovered { .. }
        ));
        assert_eq!(emulator.observed().entry_point_hits(), 2, "{format:?}");
        assert_eq!(emulator.observed().application_ids(), [id(&session)]);
        session.shutdown().await;
    }
}

/// A TCP proxy to `target` that can be cut: while cut, it closes the connections it holds and
/// every new one at once, so that clients see connection errors.
struct Proxy {
    addr: SocketAddr,
    up: tokio::sync::watch::Sender<bool>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (up, watching) = tokio::sync::watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut up = watching.clone();
                if !*up.borrow() {
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = up.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { addr, up }
    }

    fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

#[tokio::test]
async fn repeated_connection_errors_drop_the_discovered_links() {
    let emulator = emulator(Config::default()).await;
    let proxy = Proxy::start(emulator.addr()).await;
    let session = signing_in(proxy.addr, Format::Json)
        .keep_alive(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    let mut status = session.status();
    assert_eq!(emulator.observed().entry_point_hits(), 1);

    // The server cannot be reached for three keep-alives in a row.
    proxy.set_up(false);
    let mut keep_alives_failed = 0;
    tokio::time::timeout(Duration::from_secs(10), async {
        while keep_alives_failed < 3 {
            if let Status::KeepAliveFailed { .. } = status.recv().await.unwrap() {
                keep_alives_failed += 1;
            }
        }
    })
    .await
    .expect("three failed keep-alives within 10 s");

    // Reachable again, with the application gone: it is replaced after discovery runs again.
    emulator.faults().delete_applications();
    proxy.set_up(true);
    assert!(matches!(
        next_status(&mut status).await,
        Status::Recovered { .. }
    ));
    assert_eq!(emulator.observed().entry_point_hits(), 2);
    assert_eq!(emulator.observed().application_ids(), [id(&session)]);
    session.shutdown().await;
}

#[tokio::test]
async fn the_long_poll_parameters_set_when_signing_in_go_with_every_pending_get() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        // The server holds a pending GET for 1 s; the client's request timeout is shorter,
        // and must not cut the pending GET short: its own wait is longer than the long poll.
        let session = signing_in(emulator.addr(), format)
            .request_timeout(Duration::from_millis(300))
            .long_poll(Duration::from_secs(1))
            .event_aggregation(Duration::from_secs(60), Duration::from_secs(10))
            .event_priority(7)
            .start()
            .await
            .unwrap();
        let mut status = session.status();
        // The first pending GET returns at once (the new application's own events), the
        // second is held the full second; the third shows the held one ended well.
        tokio::time::timeout(Duration::from_secs(10), async {
            while emulator.observed().event_queries().len() < 3 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("three pending GETs within 10 s");
        loop {
            match status.try_recv() {
                Ok(Status::EventChannelFailed { reason }) => panic!("{format:?}: {reason}"),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let queries = emulator.observed().event_queries();
        for (n, query) in queries.iter().enumerate() {
            let value = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(value("timeout"), Some("1"), "{format:?} #{n}: {query:?}");
            assert_eq!(value("low"), Some("60"), "{query:?}");
            assert_eq!(value("medium"), Some("10"), "{query:?}");
            assert_eq!(value("priority"), Some("7"), "{query:?}");
            assert!(value("ack").is_some(), "{query:?}");
        }
        // Each pending GET followed the one before: the acks go up.
        let acks: Vec<u64> = queries
            .iter()
            .map(|q| {
                q.iter()
                    .find(|(k, _)| k == "ack")
                    .unwrap()
                    .1
                    .parse()
                    .unwrap()
            })
            .collect();
        assert!(acks.windows(2).all(|w| w[0] < w[1]), "{acks:?}");
        session.shutdown().await;
    }
}

#[tokio::test]
async fn without_settings_only_the_long_poll_is_sent() {
    let emulator = emulator(Config::default()).await;
    let session = signing_in(emulator.addr(), Format::Json)
        .start()
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), async {
        while emulator.observed().event_queries().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a pending GET within 10 s");
    let names: Vec<String> = emulator.observed().event_queries()[0]
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(names, ["ack", "timeout"]);
    assert!(
        emulator.observed().event_queries()[0].contains(&("timeout".to_owned(), "180".to_owned()))
    );
    session.shutdown().await;
}
