//! Every bound of the emulator, hit on purpose, answered as documented: the event backlog
//! (`resync`, which `ucwa-client` follows), the batch size, request bodies (413), slow clients
//! (cut off), idle applications (expired), applications, escalations, tokens and injections.
//! The bounds are set small and the timeouts short; the emulator's clock is moved instead of
//! waited for. Nothing here measures time: a guard only turns a hang into a failure.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use ucwa::events::{Event, EventType};
use ucwa::http::StatusCode;
use ucwa::operation::{GenericError, OperationError};
use ucwa::operations::{
    ApplicationsPost, ApplicationsPostBody, ApplicationsPostError, EscalateAudioVideoPost,
    EscalateAudioVideoPostQuery,
};
use ucwa::resources::{AnyResource, Application, AudioVideo};
use ucwa::{Format, Link, ResponseError};
use ucwa_client::{Client, ClientError, EventChannel};
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator, Fault, LimitReached, Limits};

/// The longest any step may take before the test calls it a hang.
const GUARD: Duration = Duration::from_secs(20);

async fn start(limits: Limits) -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        limits,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn client(emulator: &Emulator, format: Format) -> Client {
    Client::builder(emulator.origin(), emulator.token())
        .format(format)
        .long_poll(Duration::from_secs(1))
        .build()
        .unwrap()
}

fn body(user_agent: &str) -> ApplicationsPostBody {
    ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("bounds".into()),
        user_agent: Some(user_agent.into()),
        ..Default::default()
    }
}

async fn try_create(
    client: &Client,
    body: &ApplicationsPostBody,
) -> Result<Application, ClientError<ApplicationsPostError>> {
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(APPLICATIONS_PATH),
        body,
        client.format(),
    )?;
    client.send(request).await
}

async fn create(client: &Client) -> Application {
    try_create(client, &body("bounds/1")).await.unwrap()
}

/// A new application's event channel, past the event announcing its call, and the call.
async fn channel(client: &Client) -> (Application, EventChannel, AudioVideo) {
    let application = create(client).await;
    let mut events = client.events(application.links.events.as_ref().unwrap());
    let call = next(&mut events).await;
    let Some(AnyResource::AudioVideo(call)) = call.resource else {
        panic!("{call:?}")
    };
    (application, events, *call)
}

async fn next(events: &mut EventChannel) -> Event<AnyResource> {
    tokio::time::timeout(GUARD, events.next_event())
        .await
        .expect("an event")
        .unwrap()
        .unwrap()
}

fn marker(n: usize) -> Event<AnyResource> {
    Event::new(
        EventType::Added,
        "participant",
        Link::new(format!("/markers/{n}")),
    )
}

fn marker_number(event: &Event<AnyResource>) -> usize {
    event.link.href.as_str()["/markers/".len()..]
        .parse()
        .unwrap()
}

/// The status of an error answer, and the generic error its body names.
fn generic<E: OperationError>(error: &ClientError<E>) -> (u16, GenericError) {
    match error {
        ClientError::Response(ResponseError::Ucwa(e)) => match GenericError::classify(e.body()) {
            Some(kind) => (e.status(), kind),
            None => panic!("{error:?}"),
        },
        _ => panic!("{error:?}"),
    }
}

#[tokio::test]
async fn an_overflowing_backlog_is_answered_with_resync_and_the_client_follows_it_in_json_and_xml()
{
    for format in [Format::Json, Format::Xml] {
        let emulator = start(Limits {
            event_backlog: 4,
            event_batch: 4,
            ..Limits::default()
        })
        .await;
        let client = client(&emulator, format);
        let (_, mut events, _) = channel(&client).await;
        // The batch that announced the call is held until acknowledged: with it, the fourth
        // marker overflows the backlog of 4, and the eighth again.
        for n in 1..=10 {
            emulator
                .faults()
                .push_event("participant", "/markers", marker(n));
        }
        let stats = emulator.observed().stats();
        assert_eq!(
            (stats.event_overflows, stats.events_dropped),
            (2, 8),
            "{format}"
        );
        assert_eq!(stats.events_held, 3, "{format}");

        let batch = events.next_batch().await.unwrap();
        assert!(batch.resync.is_some(), "{format}: {batch:?}");
        assert!(batch.next.is_none() && batch.senders.is_empty(), "{format}");
        assert!(
            events.take_reset(),
            "{format}: the client is told its state is stale"
        );
        // Following `resync`: the events that came after the last overflow, in order.
        let received: Vec<usize> = [
            next(&mut events).await,
            next(&mut events).await,
            next(&mut events).await,
        ]
        .iter()
        .map(marker_number)
        .collect();
        assert_eq!(received, [8, 9, 10], "{format}");
        // And the channel goes on as usual.
        emulator
            .faults()
            .push_event("participant", "/markers", marker(11));
        assert_eq!(marker_number(&next(&mut events).await), 11, "{format}");
        assert!(!events.take_reset(), "{format}");
        emulator.shutdown().await;
    }
}

#[tokio::test]
async fn a_batch_holds_at_most_event_batch_events() {
    let emulator = start(Limits {
        event_batch: 3,
        ..Limits::default()
    })
    .await;
    let client = client(&emulator, Format::Json);
    let (_, mut events, _) = channel(&client).await;
    for n in 1..=7 {
        emulator
            .faults()
            .push_event("participant", "/markers", marker(n));
    }
    let mut sizes = Vec::new();
    let mut received = Vec::new();
    while received.len() < 7 {
        let batch = tokio::time::timeout(GUARD, events.next_batch())
            .await
            .unwrap()
            .unwrap();
        let batch_events: Vec<usize> = batch
            .senders
            .iter()
            .flat_map(|s| s.events.iter().map(marker_number))
            .collect();
        if !batch_events.is_empty() {
            sizes.push(batch_events.len());
        }
        received.extend(batch_events);
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(received, (1..=7).collect::<Vec<_>>());
    assert_eq!(emulator.observed().stats().event_overflows, 0);
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_entity_too_large_in_json_and_xml() {
    let emulator = start(Limits {
        max_request_body: 1024,
        ..Limits::default()
    })
    .await;
    for format in [Format::Json, Format::Xml] {
        let client = client(&emulator, format);
        let (_, _, call) = channel(&client).await;
        let link = call.links.escalate_audio_video.unwrap();
        let escalate = async |n: usize, sdp: Vec<u8>| {
            let query = EscalateAudioVideoPostQuery {
                operation_id: format!("large-{n}"),
                session_context: "bounds".into(),
            };
            let request =
                EscalateAudioVideoPost::request(client.origin(), &link, &query, sdp, format)
                    .unwrap();
            client.send(request).await
        };
        // At the limit, served; one byte more, refused before it is read.
        escalate(1, vec![b'v'; 1024]).await.unwrap();
        let refused = escalate(2, vec![b'v'; 1025]).await.unwrap_err();
        assert_eq!(
            generic(&refused),
            (413, GenericError::EntityTooLarge),
            "{format}"
        );
    }
    // Announced by no Content-Length (chunked): refused once past the limit.
    let chunk = "a".repeat(800);
    let request = format!(
        "POST {APPLICATIONS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        emulator.token(),
        chunk.len(),
        chunk.len()
    );
    let answer = exchange(&emulator, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("EntityTooLarge"), "{answer}");
    assert_eq!(emulator.observed().stats().applications, 2);
    assert_eq!(emulator.observed().stats().escalations, 2);
}

/// Sends `request` on a connection of its own and reads until the emulator closes it.
async fn exchange(emulator: &Emulator, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_to_close(&mut stream).await
}

/// Everything the emulator sends until it closes the connection (a reset counts as closed).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GUARD, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the emulator did not close the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_is_cut_off() {
    let emulator = start(Limits {
        header_read_timeout: Duration::from_millis(100),
        ..Limits::default()
    })
    .await;
    let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
    stream
        .write_all(format!("GET {APPLICATIONS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n").as_bytes())
        .await
        .unwrap();
    // Half a header, then nothing: the emulator closes the connection without an answer.
    assert_eq!(read_to_close(&mut stream).await, "");
    assert!(emulator.observed().requests().is_empty());
    // A connection that sends nothing at all is closed the same way.
    let mut idle = TcpStream::connect(emulator.addr()).await.unwrap();
    assert_eq!(read_to_close(&mut idle).await, "");
    // And the emulator still serves others.
    assert!(
        try_create(&client(&emulator, Format::Json), &body("after"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_client_that_stalls_in_its_body_is_answered_408_and_cut_off() {
    let emulator = start(Limits {
        body_read_timeout: Duration::from_millis(100),
        ..Limits::default()
    })
    .await;
    let request = format!(
        "POST {APPLICATIONS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"culture\":",
        emulator.token()
    );
    let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("ClientTimeout"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert_eq!(emulator.observed().stats().applications, 0);
}

#[tokio::test]
async fn an_idle_application_expires_and_its_events_go_with_it() {
    let emulator = Emulator::start(Config {
        application_expiry: Duration::from_secs(60),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&emulator, Format::Json);
    let application = create(&client).await;
    let link = application
        .links
        .self_
        .clone()
        .unwrap()
        .to_cast::<Application>();
    emulator
        .faults()
        .push_event("participant", "/markers", marker(1));
    assert_eq!(emulator.observed().stats().events_held, 2);
    // A request is activity: the minute starts again.
    emulator.clock().advance(Duration::from_secs(50));
    client.get(&link).await.unwrap();
    emulator.clock().advance(Duration::from_secs(50));
    assert_eq!(emulator.observed().application_ids().len(), 1);
    // A minute without one: deleted, with what its channel held.
    emulator.clock().advance(Duration::from_secs(11));
    assert!(emulator.observed().application_ids().is_empty());
    assert_eq!(emulator.observed().stats().events_held, 0);
    // Its client hears it expired, once, then that it does not exist.
    let error = client.get(&link).await.unwrap_err();
    assert_eq!(
        generic(&error),
        (410, GenericError::InactiveApplicationExpired)
    );
    let error = client.get(&link).await.unwrap_err();
    assert_eq!(generic(&error), (404, GenericError::ApplicationNotFound));
}

#[tokio::test]
async fn the_application_bound_is_answered_409_too_many_applications() {
    let emulator = Emulator::start(Config {
        application_expiry: Duration::from_secs(60),
        limits: Limits {
            max_applications: 2,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&emulator, Format::Json);
    create(&client).await;
    create(&client).await;
    let refused = try_create(&client, &body("third")).await.unwrap_err();
    assert_eq!(generic(&refused), (409, GenericError::TooManyApplications));
    assert_eq!(emulator.observed().application_ids().len(), 2);
    // Idle applications make room.
    emulator.clock().advance(Duration::from_secs(61));
    create(&client).await;
    assert_eq!(emulator.observed().application_ids().len(), 1);
}

#[tokio::test]
async fn the_escalation_bound_is_answered_403_limit_exceeded() {
    let emulator = start(Limits {
        max_escalations: 2,
        ..Limits::default()
    })
    .await;
    let client = client(&emulator, Format::Json);
    let (_, _, call) = channel(&client).await;
    let link = call.links.escalate_audio_video.unwrap();
    let escalate = async |n: usize| {
        let query = EscalateAudioVideoPostQuery {
            operation_id: format!("bound-{n}"),
            session_context: "bounds".into(),
        };
        let request = EscalateAudioVideoPost::request(
            client.origin(),
            &link,
            &query,
            b"v=0\r\n".to_vec(),
            client.format(),
        )
        .unwrap();
        client.send(request).await
    };
    escalate(1).await.unwrap();
    escalate(2).await.unwrap();
    match escalate(3).await.unwrap_err() {
        ClientError::Response(ResponseError::Ucwa(error)) => {
            let body = error.body();
            assert_eq!(error.status(), 403);
            assert_eq!(body.code, "Forbidden", "{error:?}");
            assert_eq!(body.subcode.as_deref(), Some("LimitExceeded"), "{error:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(emulator.observed().stats().escalations, 2);
}

#[tokio::test]
async fn the_token_bound_is_answered_503_temporarily_unavailable() {
    let emulator = Emulator::start(Config {
        token_lifetime: Duration::from_secs(60),
        limits: Limits {
            max_tokens: 2,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let grant = async || {
        let response = http
            .post(format!(
                "{}{}",
                emulator.origin(),
                ucwa_emulator::TOKEN_PATH
            ))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=password&username=lene@contoso.com&password=pass@word1")
            .send()
            .await
            .unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let status = response.status();
        let body: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (
            status,
            body["error"].as_str().map(str::to_owned),
            retry_after,
        )
    };
    assert_eq!(grant().await.0, StatusCode::OK);
    assert_eq!(grant().await.0, StatusCode::OK);
    assert_eq!(
        grant().await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("temporarily_unavailable".to_owned()),
            Some("1".to_owned())
        )
    );
    assert_eq!(emulator.observed().stats().tokens, 2);
    // Expired tokens make room.
    emulator.clock().advance(Duration::from_secs(61));
    assert_eq!(grant().await.0, StatusCode::OK);
    assert_eq!(emulator.observed().stats().tokens, 1);
}

#[tokio::test]
async fn injections_are_bounded() {
    let emulator = start(Limits {
        max_injected: 2,
        ..Limits::default()
    })
    .await;
    let fault = || Fault::service_failure(ucwa::http::Method::GET, "/x");
    emulator.faults().inject(fault()).unwrap();
    emulator.faults().inject(fault()).unwrap();
    let refused = emulator.faults().inject(fault()).unwrap_err();
    assert_eq!(
        refused,
        LimitReached {
            limit: "max_injected",
            value: 2
        }
    );
    assert_eq!(
        refused.to_string(),
        "`limits.max_injected` (2) reached: nothing more is queued until some is used"
    );
    for _ in 0..2 {
        emulator
            .faults()
            .garble_next_event_batch("text/html", Vec::new())
            .unwrap();
    }
    assert!(
        emulator
            .faults()
            .garble_next_event_batch("text/html", Vec::new())
            .is_err()
    );
    emulator.faults().refuse_grant("a").unwrap();
    emulator.faults().refuse_grant("a").unwrap();
    emulator.faults().refuse_grant("b").unwrap();
    assert!(emulator.faults().refuse_grant("c").is_err());
}

#[tokio::test]
async fn a_setting_out_of_range_is_refused_at_start_by_name() {
    let started = Emulator::start(Config {
        limits: Limits {
            event_backlog: 0,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await;
    let Err(error) = started else {
        panic!("started")
    };
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "`limits.event_backlog` is 0; it must be between 1 and 1000000"
    );
}

#[tokio::test]
async fn connections_past_the_bound_wait_until_one_closes() {
    let emulator = start(Limits {
        max_connections: 1,
        ..Limits::default()
    })
    .await;
    // One connection holds the only place, sending nothing.
    let holder = TcpStream::connect(emulator.addr()).await.unwrap();
    let request = format!(
        "GET {APPLICATIONS_PATH}/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        emulator.token()
    );
    let mut waiting = TcpStream::connect(emulator.addr()).await.unwrap();
    waiting.write_all(request.as_bytes()).await.unwrap();
    let mut first = [0u8; 1];
    // Not served while the other is open (a short look: an answer would come at once).
    assert!(
        tokio::time::timeout(Duration::from_millis(300), waiting.read(&mut first))
            .await
            .is_err()
    );
    drop(holder);
    let answer = read_to_close(&mut waiting).await;
    assert!(answer.starts_with("HTTP/1.1 404 "), "{answer}");
}

#[tokio::test]
async fn an_injected_fault_answers_before_the_handlers_with_retry_after() {
    let emulator = start(Limits::default()).await;
    let client = client(&emulator, Format::Json);
    let application = create(&client).await;
    let path = application
        .links
        .self_
        .as_ref()
        .unwrap()
        .href
        .as_str()
        .to_owned();
    emulator
        .faults()
        .inject(
            Fault::service_failure(ucwa::http::Method::GET, &path)
                .times(2)
                .retry_after(Duration::from_secs(3)),
        )
        .unwrap();
    emulator
        .faults()
        .inject(Fault::hang_up(ucwa::http::Method::GET, &path))
        .unwrap();
    let http = reqwest::Client::new();
    let get = async || {
        http.get(format!("{}{path}", emulator.origin()))
            .bearer_auth(emulator.token())
            .send()
            .await
    };
    for _ in 0..2 {
        let answer = get().await.unwrap();
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.headers()["retry-after"], "3");
        let body: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        assert_eq!(body["subcode"], "ServiceFailure");
    }
    // Then the connection is closed without an answer, then the resource is served.
    let hung_up = get().await.unwrap_err();
    assert!(hung_up.is_request(), "{hung_up:?}");
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        emulator
            .observed()
            .request_count(&ucwa::http::Method::GET, &path),
        4,
        "{:?}",
        emulator.observed().requests()
    );
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_stalled_client() {
    let emulator = start(Limits {
        header_read_timeout: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    let mut stalled = TcpStream::connect(emulator.addr()).await.unwrap();
    stalled
        .write_all(format!("GET {APPLICATIONS_PATH} HTTP/1.1\r\nHost: 1").as_bytes())
        .await
        .unwrap();
    // Served, so that the connection is surely accepted before the stop.
    let client = client(&emulator, Format::Json);
    create(&client).await;
    // Not waited for: no request of its is in flight.
    tokio::time::timeout(GUARD, emulator.shutdown())
        .await
        .expect("the shutdown ends");
    assert_eq!(read_to_close(&mut stalled).await, "");
}

#[tokio::test]
async fn the_batch_part_bound_is_answered_429_and_nothing_runs_in_json_and_xml() {
    use ucwa::operations::{BatchPostError, MeGet};
    for format in [Format::Json, Format::Xml] {
        let emulator = start(Limits {
            max_batch_parts: 2,
            ..Limits::default()
        })
        .await;
        let client = client(&emulator, format);
        let application = create(&client).await;
        let me = application
            .embedded
            .me
            .as_ref()
            .unwrap()
            .links
            .self_
            .clone();
        let me = me.unwrap().cast();
        let mut batch = client.batch(&application);
        for _ in 0..3 {
            batch
                .add(MeGet::request(client.origin(), &me, format).unwrap())
                .unwrap();
        }
        let error = tokio::time::timeout(GUARD, batch.send())
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            matches!(
                error,
                ClientError::Response(ResponseError::Ucwa(BatchPostError::TooManyRequests(_)))
            ),
            "{format:?}: {error:?}"
        );
        assert_eq!(
            emulator
                .observed()
                .request_count(&ucwa::http::Method::GET, me.href.as_str()),
            0
        );
    }
}
