//! What a request that got no answer says, against loopback: a server that accepts and never
//! answers is a timeout, a closed port a refused connection, each told apart by
//! `is_timeout()` and `is_connect()` with the HTTP client's error kept as the source; and the
//! settings given to `SignIn` (the connection's timeout, the body limit) are the session's.

mod common;

use std::error::Error as _;
use std::time::{Duration, Instant};

use ucwa::events::{Event, EventType};
use ucwa::resources::Participant;
use ucwa::{Format, Link};
use ucwa_client::{Client, ClientError, RetryPolicy, SignIn, Status};
use ucwa_emulator::{Config, Emulator};

/// A listener on loopback that accepts every connection and never answers.
async fn silent() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (origin, holder)
}

/// A loopback port nothing listens on (bound, then closed).
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    origin
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_and_not_a_refusal() {
    let (origin, holder) = silent().await;
    let client = Client::builder(origin.as_str(), "t")
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .get::<Participant>(&Link::to("/ucwa/p/1"))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_connect(), "{error:?}");
    let ClientError::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.method(), "GET");
    assert_eq!(transport.url().as_str(), format!("{origin}/ucwa/p/1"));
    // The source is the HTTP client's own error, and says the same.
    let source = transport.source().expect("a source");
    let reqwest = source.downcast_ref::<reqwest::Error>().expect("reqwest's");
    assert!(reqwest.is_timeout());
    // The message stays readable: what, where, what happened.
    assert_eq!(
        error.to_string(),
        format!("GET {origin}/ucwa/p/1: {}", transport.reason())
    );
    assert!(transport.reason().starts_with("timed out"), "{error}");
    holder.abort();
}

#[tokio::test]
async fn a_closed_port_is_a_refused_connection_and_not_a_timeout() {
    let origin = closed_port();
    for policy in [RetryPolicy::none(), RetryPolicy::default()] {
        let client = Client::builder(origin.as_str(), "t")
            .retry_policy(
                policy
                    .clone()
                    .backoff(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .build()
            .unwrap();
        let error = client
            .get::<Participant>(&Link::to("/ucwa/p/1"))
            .await
            .unwrap_err();
        assert!(error.is_connect(), "{error:?}");
        assert!(!error.is_timeout(), "{error:?}");
        let transport = error.transport().expect("a transport error");
        let reqwest = transport
            .source()
            .and_then(|s| s.downcast_ref::<reqwest::Error>())
            .expect("reqwest's error as the source");
        assert!(reqwest.is_connect());
        // The chain of causes is in the message: the OS's words for it.
        let message = error.to_string().to_lowercase();
        assert!(message.contains("refused"), "{message}");
        // A refused connection passes: the default policy tried three times.
        let attempts = if policy == RetryPolicy::none() { 1 } else { 3 };
        assert_eq!(transport.attempts(), attempts, "{error}");
    }
}

/// A connection that never completes on loopback: a listener with a backlog of one that
/// accepts nothing, its queue filled first, so that the kernel drops the next handshakes.
async fn unconnectable() -> (String, Vec<tokio::net::TcpStream>, tokio::net::TcpListener) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut filling = Vec::new();
    // Fill the queue: each connection completes until it is full, then they hang.
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => filling.push(stream),
            _ => break,
        }
    }
    (format!("http://{addr}"), filling, listener)
}

#[tokio::test]
async fn the_connect_timeout_set_on_sign_in_is_the_sessions() {
    let (origin, _filling, _listener) = unconnectable().await;
    let entry = url::Url::parse(&format!("{origin}/autodiscover")).unwrap();
    let started = Instant::now();
    let error = SignIn::new("lene@contoso.com")
        .unwrap()
        .password("pass@word1")
        .allow_http(true)
        .discovery_url(entry)
        .connect_timeout(Duration::from_millis(300))
        .request_timeout(Duration::from_secs(60))
        .start()
        .await
        .unwrap_err();
    // Given up on the connection's timeout, long before the request's.
    assert!(started.elapsed() < Duration::from_secs(10), "{error}");
    assert!(error.is_timeout(), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("timed out"), "{message}");
}

#[tokio::test]
async fn a_sign_in_whose_entry_point_refuses_is_a_refused_connection() {
    let entry = url::Url::parse(&format!("{}/autodiscover", closed_port())).unwrap();
    let error = SignIn::new("lene@contoso.com")
        .unwrap()
        .password("pass@word1")
        .allow_http(true)
        .discovery_url(entry)
        .start()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(
        error.to_string().contains("no entry point answered"),
        "{error}"
    );
}

#[tokio::test]
async fn a_connect_timeout_out_of_range_is_refused_by_sign_in_by_name() {
    let error = SignIn::new("lene@contoso.com")
        .unwrap()
        .password("p")
        .connect_timeout(Duration::ZERO)
        .discover()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`connect_timeout` is 0ns; it must be more than 0 and at most 10 min"
    );
    let error = SignIn::new("lene@contoso.com")
        .unwrap()
        .password("p")
        .max_body_size(10)
        .discover()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "`max_body_size` is 10 bytes; it must be from 1 KiB (1024 bytes) to 1 GiB"
    );
}

/// An event whose link is `bytes` long: a batch holding it is longer than that.
fn large_event(bytes: usize) -> Event<ucwa::resources::AnyResource> {
    Event::new(
        EventType::Updated,
        "me",
        Link::new(format!(
            "/ucwa/oauth/v1/applications/large/{}",
            "x".repeat(bytes)
        )),
    )
}

#[tokio::test]
async fn the_body_limit_set_on_sign_in_is_the_sessions_in_json_and_xml() {
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(1),
        ..Config::default()
    })
    .await
    .unwrap();
    const LIMIT: usize = 32 * 1024;
    for format in [Format::Json, Format::Xml] {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve("lyncdiscoverinternal.contoso.com", emulator.addr())
            .build()
            .unwrap();
        let sign_in = |limit: Option<usize>| {
            let signing_in = SignIn::new("lene@contoso.com")
                .unwrap()
                .password("pass@word1")
                .allow_http(true)
                .http_client(http.clone())
                .format(format)
                .long_poll(Duration::from_secs(1))
                .retry_delay(Duration::from_millis(50));
            match limit {
                Some(limit) => signing_in.max_body_size(limit),
                None => signing_in,
            }
        };
        // Under the limit: discovery, the application and its events are read.
        let limited = sign_in(Some(LIMIT)).start().await.unwrap();
        let unlimited = sign_in(None).start().await.unwrap();
        let (mut status, mut events) = (limited.status(), unlimited.events());
        // A batch longer than the limit: the limited session's reader cannot read it, the
        // other session's (the default limit, 8 MiB) can.
        emulator
            .faults()
            .push_event("me", "/ucwa/oauth/v1/applications/x/me", large_event(LIMIT));
        let reason = tokio::time::timeout(common::WAIT, async {
            loop {
                if let Status::EventChannelFailed { reason } = status.recv().await.unwrap() {
                    return reason;
                }
            }
        })
        .await
        .expect("the reader's failure");
        assert!(
            reason.contains(&format!("longer than {LIMIT} bytes")),
            "{format}: {reason}"
        );
        let href = common::wait_for(&mut events, |e| {
            let href = e.link.href.as_str();
            href.contains("/large/").then_some(href.len())
        })
        .await;
        assert!(href > LIMIT, "{format}");
        limited.shutdown().await;
        unlimited.shutdown().await;
    }
}
