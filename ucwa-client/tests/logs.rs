//! What a sign-in logs: every step, and never a token or a password, whatever the level.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ucwa::Format;
use ucwa_client::SignIn;
use ucwa_emulator::{Config, Emulator};

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
        .flat_map(|&site| emulator.tokens_seen(site))
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
