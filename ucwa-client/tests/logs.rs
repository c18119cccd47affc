//! What a sign-in logs: every step, and never a token or a password, whatever the level; and
//! what a retry logs. (In a test binary of their own: `tracing` caches which callsites are
//! enabled, which a test without a subscriber running alongside would spoil.)

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ucwa::http::Method;
use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
use ucwa::resources::Application;
use ucwa::{Format, Link};
use ucwa_client::{Client, RetryPolicy, SignIn};
use ucwa_emulator::{Config, Emulator, Fault};

/// Collects everything written, for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn sign_in_logs_each_step_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // This test's runtime has one thread, so every task of the sign-in logs here.
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::start(Config {
        user: "lene@contoso.test".to_owned(),
        password: "s3cret-Passw0rd".to_owned(),
        applications_on_second_origin: true,
        applications_host: "pool.contoso.test".to_owned(),
        ..Config::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("lyncdiscoverinternal.contoso.test", emulator.addr())
        .resolve("pool.contoso.test", emulator.applications_addr())
        .build()
        .unwrap();
    let session = SignIn::new("lene@contoso.test")
        .unwrap()
        .password("s3cret-Passw0rd")
        .allow_http(true)
        .http_client(http)
        .format(Format::Xml)
        .keep_alive(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    session.shutdown().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for step in [
        "discovery",
        "token issued",
        "application created",
        "available",
        "activity reported",
        "application deleted",
    ] {
        assert!(logs.contains(step), "{step:?} not logged:\n{logs}");
    }
    let tokens: Vec<String> = [0, 1]
        .iter()
        .flat_map(|&site| emulator.observed().tokens_seen(site))
        .collect();
    assert!(tokens.len() >= 2, "{tokens:?}");
    for secret in tokens
        .iter()
        .map(String::as_str)
        .chain(["s3cret-Passw0rd", "s3cret"])
    {
        assert!(!logs.contains(secret), "{secret} logged");
    }
    // The token's value part, in case something logged it without its prefix.
    for token in &tokens {
        let value = token.trim_start_matches("cwt=");
        assert!(!logs.contains(value), "{value} logged");
    }
}

/// The Windows grant at every level: neither the password, nor the NTLM messages (which a
/// password can be guessed from offline), nor the token is logged.
#[cfg(feature = "windows-auth")]
#[tokio::test]
async fn a_windows_sign_in_logs_no_password_ntlm_message_or_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::start(Config {
        password: "s3cret-Passw0rd".to_owned(),
        ..Config::default()
    })
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("lyncdiscoverinternal.contoso.com", emulator.addr())
        .build()
        .unwrap();
    for format in [Format::Json, Format::Xml] {
        let session = SignIn::new("lene@contoso.com")
            .unwrap()
            .windows(ucwa_client::auth::WindowsGrant::new(
                "lene",
                Some("CONTOSO"),
                "s3cret-Passw0rd",
            ))
            .allow_http(true)
            .http_client(http.clone())
            .format(format)
            .start()
            .await
            .unwrap();
        session.shutdown().await;
    }
    // A refused one too: its error is logged, its password is not.
    let refused = SignIn::new("lene@contoso.com")
        .unwrap()
        .windows(ucwa_client::auth::WindowsGrant::new(
            "lene",
            Some("CONTOSO"),
            "wr0ng-Passw0rd",
        ))
        .allow_http(true)
        .http_client(http)
        .start()
        .await;
    assert!(refused.is_err());
    assert_eq!(emulator.observed().windows_grants(), 3);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token issued"), "{logs}");
    let tokens = emulator.observed().tokens_seen(0);
    assert!(!tokens.is_empty());
    // `TlRMTVNTUA` is the base64 of every NTLM message's signature, `NTLMSSP\0`.
    for secret in tokens.iter().map(|t| t.trim_start_matches("cwt=")).chain([
        "s3cret-Passw0rd",
        "wr0ng-Passw0rd",
        "s3cret",
        "TlRMTVNTUA",
    ]) {
        assert!(!logs.contains(secret), "{secret} logged");
    }
}

#[tokio::test]
async fn each_retry_is_logged_with_its_attempt_wait_and_reason() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // One thread: every task logs here.
    let _guard = tracing::subscriber::set_default(subscriber);
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let client = Client::builder(emulator.origin(), emulator.token())
        .retry_policy(
            RetryPolicy::default()
                .backoff(Duration::from_millis(1), Duration::from_millis(5))
                .jitter(false),
        )
        .build()
        .unwrap();
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("logs".into()),
        user_agent: Some("logs/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(ucwa_emulator::APPLICATIONS_PATH),
        &body,
        client.format(),
    )
    .unwrap();
    let application = client.send(request).await.unwrap();
    let link = application.links.self_.unwrap().to_cast::<Application>();
    let path = link.href.as_str().to_owned();
    emulator
        .faults()
        .inject(Fault::service_timeout(Method::GET, &path).times(2))
        .unwrap();
    client.get(&link).await.unwrap();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = logs.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{logs}");
    for (line, (attempt, wait)) in retries.iter().zip([(1, 1), (2, 2)]) {
        assert!(line.contains("ucwa_client::retry"), "{line}");
        assert!(line.contains(&format!("attempt={attempt} ")), "{line}");
        assert!(line.contains(&format!("wait_ms={wait} ")), "{line}");
        assert!(line.contains("method=GET"), "{line}");
        assert!(line.contains("reason=504 Gateway Timeout"), "{line}");
        assert!(!line.contains(emulator.token()), "{line}");
    }
}

/// A guest's sign-in at every level: neither the meeting's key nor a guest token (the first,
/// or the one renewed with it) is logged.
#[tokio::test]
async fn a_guest_sign_in_logs_no_meeting_key_or_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A key that is not also in the meeting's URI, so that logging the URI is no false alarm.
    let key = "k3y-Gu3st-4711";
    let config = Config {
        meeting_key: key.to_owned(),
        anonymous_token_lifetime: Duration::from_secs(120),
        ..Config::default()
    };
    let uri = config.meeting_uri.clone();
    let emulator = Emulator::start(config).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve("lyncdiscoverinternal.contoso.com", emulator.addr())
            .build()
            .unwrap();
        let guest = ucwa_client::guest::GuestSignIn::meeting(&uri, key)
            .unwrap()
            .display_name("Cathy Arnold")
            .with(|s| s.allow_http(true).http_client(http).format(format))
            .start()
            .await
            .unwrap();
        // Past the token's lifetime: the next request renews it with the old one.
        let renewals = emulator.observed().anonymous_renewals();
        emulator.clock().advance(Duration::from_secs(180));
        let _ = guest.join().await;
        assert!(
            emulator.observed().anonymous_renewals() > renewals,
            "{format:?}"
        );
        guest.shutdown().await;
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token issued"), "{logs}");
    let tokens = emulator.observed().tokens_seen(0);
    assert!(tokens.len() >= 4, "{tokens:?}");
    for secret in tokens.iter().map(String::as_str).chain([key, "Gu3st"]) {
        assert!(!logs.contains(secret), "{secret} logged");
    }
    for token in &tokens {
        let value = token.trim_start_matches("cwt=");
        assert!(!logs.contains(value), "{value} logged");
    }
}
