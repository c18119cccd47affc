//! Sign-in over HTTPS only, as in production: the emulator serves TLS with a certificate made
//! at start, which the test's `reqwest::Client` trusts, and the names discovery uses are mapped
//! to the emulator by the resolver. Discovery itself runs unchanged, without `allow_http`.

use std::net::SocketAddr;
use std::time::Duration;

use ucwa::Format;
use ucwa_client::discovery::DiscoveryError;
use ucwa_client::{SignIn, SignInError};
use ucwa_emulator::{Config, Emulator};

const ADDRESS: &str = "lene@contoso.test";
const INTERNAL: &str = "lyncdiscoverinternal.contoso.test";
const POOL: &str = "pool.contoso.test";

async fn emulator() -> Emulator {
    Emulator::start(Config {
        user: ADDRESS.to_owned(),
        tls_names: Some(vec![INTERNAL.to_owned(), POOL.to_owned()]),
        applications_on_second_origin: true,
        applications_host: POOL.to_owned(),
        ..Config::default()
    })
    .await
    .unwrap()
}

fn pool_addr(emulator: &Emulator) -> SocketAddr {
    emulator.applications_addr()
}

/// A client that maps the names to the emulator and trusts only the certificate `pem`.
fn http(emulator: &Emulator, pem: &str) -> reqwest::Client {
    let certificate = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(INTERNAL, emulator.addr())
        .resolve(POOL, pool_addr(emulator))
        .tls_certs_only([certificate])
        .build()
        .unwrap()
}

#[tokio::test]
async fn sign_in_over_https_with_a_token_per_host_in_json_and_xml() {
    let emulator = emulator().await;
    assert!(emulator.origin().starts_with("https://"));
    for format in [Format::Json, Format::Xml] {
        let session = SignIn::new(ADDRESS)
            .unwrap()
            .password("pass@word1")
            .http_client(http(&emulator, emulator.certificate_pem().unwrap()))
            .format(format)
            .retry_delay(Duration::from_millis(20))
            .start()
            .await
            .unwrap();
        assert_eq!(
            session.client().origin().to_string(),
            format!("https://{POOL}:{}", pool_addr(&emulator).port())
        );
        assert!(session.application().id.is_some());
        session.shutdown().await;
    }
    assert!(emulator.observed().application_ids().is_empty());
    assert!(
        emulator
            .observed()
            .tokens_seen(0)
            .iter()
            .all(|t| t.starts_with("cwt=emulator-0-"))
    );
    assert!(
        emulator
            .observed()
            .tokens_seen(1)
            .iter()
            .all(|t| t.starts_with("cwt=emulator-1-"))
    );
    assert!(!emulator.observed().tokens_seen(1).is_empty());
}

#[tokio::test]
async fn an_untrusted_certificate_fails_every_probe() {
    let emulator = emulator().await;
    // Another emulator's certificate, for the same names: not the one served.
    let other = self::emulator().await;
    let error = SignIn::new(ADDRESS)
        .unwrap()
        .password("pass@word1")
        .http_client(http(&emulator, other.certificate_pem().unwrap()))
        .discover()
        .await
        .unwrap_err();
    match error {
        SignInError::Discovery(DiscoveryError::NoEntryPoint { attempts }) => {
            assert_eq!(attempts.len(), 2, "{attempts:?}");
            assert!(
                attempts[0].failure.to_lowercase().contains("certificate"),
                "{attempts:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(emulator.observed().tokens_seen(0).is_empty());
}
