//! The retry policy against the emulator's fault injection: a 503 then success is one retry,
//! 504s past the attempts are the typed error, a POST is sent once whatever happens, PUT and
//! DELETE are repeated, a connection closed or reset before the answer and a refused connection
//! are retried, `Retry-After` replaces the backoff up to the policy's longest wait, and the
//! event channel's pending GET benefits too. The backoff is a millisecond: nothing waits.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use ucwa::http::Method;
use ucwa::operation::{ETag, GenericError, OperationError, UcwaError};
use ucwa::operations::{
    ApplicationDelete, ApplicationsPost, ApplicationsPostBody, CommunicationPut,
    CommunicationPutBody,
};
use ucwa::resources::{Application, Communication};
use ucwa::{Format, Link, ResponseError};
use ucwa_client::{BuildError, Client, ClientError, RetryPolicy};
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator, Fault};

/// A step that takes longer than this is a hang.
const GUARD: Duration = Duration::from_secs(10);

fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client_at(origin: String, token: &str, format: Format, policy: RetryPolicy) -> Client {
    Client::builder(origin, token)
        .format(format)
        .long_poll(Duration::from_secs(1))
        .retry_policy(policy)
        .build()
        .unwrap()
}

fn client(emulator: &Emulator, format: Format, policy: RetryPolicy) -> Client {
    client_at(emulator.origin(), emulator.token(), format, policy)
}

async fn create(
    client: &Client,
) -> Result<Application, ClientError<ucwa::operations::ApplicationsPostError>> {
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("retry".into()),
        user_agent: Some("retry/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(APPLICATIONS_PATH),
        &body,
        client.format(),
    )?;
    tokio::time::timeout(GUARD, client.send(request))
        .await
        .expect("no hang")
}

/// The application's link and path.
fn self_link(application: &Application) -> (Link<Application>, String) {
    let link = application
        .links
        .self_
        .clone()
        .unwrap()
        .to_cast::<Application>();
    let path = link.href.as_str().to_owned();
    (link, path)
}

/// The status of an error answer and the generic error its body names.
fn generic<E: OperationError>(error: &ClientError<E>) -> (u16, Option<GenericError>) {
    match error {
        ClientError::Response(ResponseError::Ucwa(e)) => {
            (e.status(), GenericError::classify(e.body()))
        }
        _ => panic!("{error:?}"),
    }
}

#[tokio::test]
async fn a_503_then_success_is_one_retry_in_json_and_xml() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        let client = client(&emulator, format, quick());
        let (link, path) = self_link(&create(&client).await.unwrap());
        emulator
            .faults()
            .inject(Fault::service_failure(Method::GET, &path))
            .unwrap();
        let application = client.get(&link).await.unwrap();
        assert_eq!(
            application.user_agent.as_deref(),
            Some("retry/1"),
            "{format}"
        );
        assert_eq!(
            emulator.observed().request_count(&Method::GET, &path),
            2,
            "{format}"
        );
    }
}

#[tokio::test]
async fn gateway_timeouts_past_the_attempts_are_the_typed_error() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = client(&emulator, Format::Json, quick());
    let (link, path) = self_link(&create(&client).await.unwrap());
    emulator
        .faults()
        .inject(Fault::service_timeout(Method::GET, &path).times(4))
        .unwrap();
    let error = client.get(&link).await.unwrap_err();
    assert_eq!(generic(&error), (504, Some(GenericError::ServiceTimeout)));
    assert!(matches!(
        error,
        ClientError::Response(ResponseError::Ucwa(UcwaError::Generic { .. }))
    ));
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 3);
    // The fourth 504 is still queued (the policy stopped at three attempts): the next GET
    // meets it, and its retry is served.
    client.get(&link).await.unwrap();
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 5);
}

#[tokio::test]
async fn a_post_is_sent_once_whatever_the_failure() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = client(&emulator, Format::Json, quick());
    emulator
        .faults()
        .inject(Fault::service_failure(Method::POST, APPLICATIONS_PATH))
        .unwrap();
    let error = create(&client).await.unwrap_err();
    assert_eq!(generic(&error), (503, Some(GenericError::ServiceFailure)));
    assert_eq!(
        emulator
            .observed()
            .request_count(&Method::POST, APPLICATIONS_PATH),
        1
    );
    // Nor after a connection closed before the answer: the application may have been made.
    emulator
        .faults()
        .inject(Fault::hang_up(Method::POST, APPLICATIONS_PATH))
        .unwrap();
    let error = create(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    assert!(!error.to_string().contains("attempts"), "{error}");
    assert_eq!(
        emulator
            .observed()
            .request_count(&Method::POST, APPLICATIONS_PATH),
        2
    );
    assert!(emulator.observed().application_ids().is_empty());
}

#[tokio::test]
async fn put_and_delete_are_repeated() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = client(&emulator, Format::Json, quick());
    let (link, path) = self_link(&create(&client).await.unwrap());

    // A PUT (to a resource the emulator does not have: its 404 is the last answer).
    let communication = format!("{path}/elsewhere/communication");
    emulator
        .faults()
        .inject(Fault::service_failure(Method::PUT, &communication))
        .unwrap();
    let request = CommunicationPut::request(
        client.origin(),
        &Link::<Communication>::to(communication.as_str()),
        &CommunicationPutBody::default(),
        &ETag::new("\"1\"").unwrap(),
        client.format(),
    )
    .unwrap();
    let error = client.send(request).await.unwrap_err();
    assert_eq!(generic(&error), (404, Some(GenericError::ResourceNotFound)));
    assert_eq!(
        emulator
            .observed()
            .request_count(&Method::PUT, &communication),
        2
    );

    emulator
        .faults()
        .inject(Fault::service_timeout(Method::DELETE, &path))
        .unwrap();
    let request = ApplicationDelete::request(client.origin(), &link, client.format()).unwrap();
    client.send(request).await.unwrap();
    assert_eq!(emulator.observed().request_count(&Method::DELETE, &path), 2);
    assert!(emulator.observed().application_ids().is_empty());
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_retried() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = client(&emulator, Format::Json, quick());
    let (link, path) = self_link(&create(&client).await.unwrap());
    emulator
        .faults()
        .inject(Fault::hang_up(Method::GET, &path))
        .unwrap();
    client.get(&link).await.unwrap();
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 2);
}

/// A TCP proxy to `target` that resets the first `resets` connections (a zero linger, then
/// closed) after reading their request, and relays the others.
async fn resetting_proxy(target: SocketAddr, resets: usize) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counting = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let n = counting.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if n < resets {
                    let mut buffer = [0u8; 4096];
                    let _ = inbound.read(&mut buffer).await;
                    let _ = inbound.set_zero_linger();
                    return;
                }
                let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            });
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn a_connection_reset_is_retried() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let direct = client(&emulator, Format::Json, quick());
    let (link, path) = self_link(&create(&direct).await.unwrap());
    let (proxy, connections) = resetting_proxy(emulator.addr(), 2).await;
    let through = client_at(
        format!("http://{proxy}"),
        emulator.token(),
        Format::Json,
        quick(),
    );
    through.get(&link).await.unwrap();
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_with_the_attempts() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = client_at(format!("http://{addr}"), "t", Format::Json, quick());
    let link = Link::<Application>::to("/ucwa/oauth/v1/applications/1");
    let error = tokio::time::timeout(GUARD, client.get(&link))
        .await
        .unwrap()
        .unwrap_err();
    match &error {
        ClientError::Transport(error) => {
            assert_eq!(error.method(), "GET");
            assert_eq!(error.attempts(), 3);
            let reason = error.reason();
            assert!(reason.ends_with("(after 3 attempts)"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // With no retries, one attempt and no mention of it.
    let once = client_at(
        format!("http://{addr}"),
        "t",
        Format::Json,
        RetryPolicy::none(),
    );
    let error = once.get(&link).await.unwrap_err();
    assert!(!error.to_string().contains("attempts"), "{error}");
}

#[tokio::test]
async fn retry_after_replaces_the_backoff_up_to_the_longest_wait() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    // A backoff far longer than the guard: only `Retry-After: 0` lets the retry come in time.
    let patient = RetryPolicy::default()
        .backoff(Duration::from_secs(10), Duration::from_secs(30))
        .jitter(false);
    let client = client(&emulator, Format::Json, patient);
    let (link, path) = self_link(&create(&client).await.unwrap());
    emulator
        .faults()
        .inject(Fault::service_failure(Method::GET, &path).retry_after(Duration::ZERO))
        .unwrap();
    tokio::time::timeout(GUARD, client.get(&link))
        .await
        .expect("Retry-After: 0 is followed at once")
        .unwrap();
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 2);

    // A server asking for longer than the policy's longest wait gets its answer returned.
    let client = self::client(&emulator, Format::Json, quick());
    emulator
        .faults()
        .inject(Fault::service_failure(Method::GET, &path).retry_after(Duration::from_secs(60)))
        .unwrap();
    let error = client.get(&link).await.unwrap_err();
    assert_eq!(generic(&error), (503, Some(GenericError::ServiceFailure)));
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 3);
}

#[tokio::test]
async fn the_event_channel_pending_get_is_retried() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = client(&emulator, Format::Json, quick());
    let application = create(&client).await.unwrap();
    let link = application.links.events.clone().unwrap();
    let path = link.href.as_str().split('?').next().unwrap().to_owned();
    emulator
        .faults()
        .inject(Fault::service_failure(Method::GET, &path).times(2))
        .unwrap();
    let mut events = client.events(&link);
    let call = tokio::time::timeout(GUARD, events.next_event())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(call.rel, "audioVideo");
    assert_eq!(emulator.observed().request_count(&Method::GET, &path), 3);
}

#[test]
fn a_policy_out_of_range_is_refused_when_the_client_is_built() {
    let built = |policy: RetryPolicy| {
        Client::builder("https://fe1.contoso.com", "t")
            .retry_policy(policy)
            .build()
    };
    match built(RetryPolicy::default().max_attempts(0)) {
        Err(BuildError::Setting(error)) => {
            assert_eq!(error.parameter, "retry_policy.max_attempts")
        }
        other => panic!("{other:?}"),
    }
    match built(RetryPolicy::default().backoff(Duration::from_secs(1), Duration::ZERO)) {
        Err(BuildError::Setting(error)) => assert_eq!(error.parameter, "retry_policy.max_backoff"),
        other => panic!("{other:?}"),
    }
    assert!(built(RetryPolicy::none()).is_ok());
}
