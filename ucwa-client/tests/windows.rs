//! The Windows grant (`urn:microsoft.rtc:windows`, NTLM through `sspi`) against the emulator,
//! which checks the handshake with sspi's server side for its configured accounts; the order
//! of the password and Windows grants, and when the next one is tried (never after a refused
//! password or account). Each in JSON and XML.
#![cfg(feature = "windows-auth")]

use std::time::Duration;

use ucwa::Format;
use ucwa_client::auth::{GrantOrder, WindowsGrant};
use ucwa_client::{Session, SessionError, SignIn};
use ucwa_emulator::{Config, Emulator};

const DISCOVERY: &str = "lyncdiscoverinternal.contoso.com";
const WINDOWS: &str = "urn:microsoft.rtc:windows";

async fn server(grants: &[&str]) -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        grants: grants.iter().map(|g| (*g).to_owned()).collect(),
        ..Config::default()
    })
    .await
    .unwrap()
}

/// Lene's sign-in to `emulator` over loopback, without credentials yet.
fn signing_in(emulator: &Emulator, format: Format) -> SignIn {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(DISCOVERY, emulator.addr())
        .build()
        .unwrap();
    SignIn::new("lene@contoso.com")
        .unwrap()
        .allow_http(true)
        .http_client(http)
        .format(format)
        .long_poll(Duration::from_secs(5))
}

async fn signed_in(signing_in: SignIn) -> Result<Session, SessionError> {
    signing_in.start().await
}

const FORMATS: [Format; 2] = [Format::Json, Format::Xml];

#[tokio::test]
async fn a_domain_account_signs_in_with_ntlm_and_no_password_grant() {
    for format in FORMATS {
        for grant in [
            WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1"),
            WindowsGrant::new("LENE@contoso.com", None, "pass@word1"),
        ] {
            let emulator = server(&ucwa_emulator::GRANTS).await;
            let session = signed_in(signing_in(&emulator, format).windows(grant))
                .await
                .unwrap();
            let me = session.me().get().await.unwrap();
            assert_eq!(
                me.uri.as_ref().map(|u| u.as_str()),
                Some("sip:lene@contoso.com"),
                "{format}"
            );
            assert_eq!(emulator.observed().password_grants(), 0);
            assert_eq!(emulator.observed().windows_grants(), 1, "{format}");
            session.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_refused_account_is_a_typed_error_and_is_not_tried_again() {
    for format in FORMATS {
        let emulator = server(&ucwa_emulator::GRANTS).await;
        let grant = WindowsGrant::new("lene", Some("CONTOSO"), "wrong-password");
        let error = signed_in(signing_in(&emulator, format).windows(grant))
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("refused the Windows account (NTLM)"),
            "{text}"
        );
        // One handshake: the refusal is not retried.
        assert_eq!(emulator.observed().windows_grants(), 1, "{format}");
        // An account the emulator does not know is refused the same way.
        let stranger = WindowsGrant::new("nobody", Some("CONTOSO"), "pass@word1");
        let error = signed_in(signing_in(&emulator, format).windows(stranger))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("refused the Windows account"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_server_offering_only_the_windows_grant() {
    for format in FORMATS {
        let emulator = server(&[WINDOWS]).await;
        // The password alone cannot sign in: the grant is not offered.
        let error = signed_in(signing_in(&emulator, format).password("pass@word1"))
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("does not offer the password grant"),
            "{error}"
        );
        assert_eq!(emulator.observed().password_grants(), 0);
        // Password first, then Windows: the password grant is skipped, not sent.
        let session = signed_in(
            signing_in(&emulator, format)
                .password("pass@word1")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1")),
        )
        .await
        .unwrap();
        assert_eq!(emulator.observed().password_grants(), 0);
        assert_eq!(emulator.observed().windows_grants(), 1);
        session.shutdown().await;
    }
}

#[tokio::test]
async fn the_grant_order_is_the_users_and_a_grant_not_taken_falls_back() {
    for format in FORMATS {
        // Windows first, for a service account: the Windows grant is used.
        let emulator = server(&ucwa_emulator::GRANTS).await;
        let session = signed_in(
            signing_in(&emulator, format)
                .password("pass@word1")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1"))
                .grant_order(GrantOrder::WindowsFirst),
        )
        .await
        .unwrap();
        assert_eq!(emulator.observed().windows_grants(), 1);
        assert_eq!(emulator.observed().password_grants(), 0);
        session.shutdown().await;

        // Password first (the default): the password grant is used.
        let emulator = server(&ucwa_emulator::GRANTS).await;
        let session = signed_in(
            signing_in(&emulator, format)
                .password("pass@word1")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1")),
        )
        .await
        .unwrap();
        assert_eq!(emulator.observed().password_grants(), 1);
        assert_eq!(emulator.observed().windows_grants(), 0);
        session.shutdown().await;

        // The endpoint answers `unsupported_grant_type` to the password although offered: the
        // server does not take it, so the Windows grant is tried.
        let emulator = server(&ucwa_emulator::GRANTS).await;
        emulator.faults().refuse_grant("password").unwrap();
        let session = signed_in(
            signing_in(&emulator, format)
                .password("pass@word1")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1")),
        )
        .await
        .unwrap();
        assert_eq!(emulator.observed().password_grants(), 1);
        assert_eq!(emulator.observed().windows_grants(), 1);
        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_refused_password_or_account_never_falls_back_or_retries() {
    for format in FORMATS {
        // A wrong password: refused once, and the Windows grant (the same account) not tried.
        let emulator = server(&ucwa_emulator::GRANTS).await;
        let error = signed_in(
            signing_in(&emulator, format)
                .password("wrong-password")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "wrong-password")),
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("invalid_grant"), "{error}");
        assert_eq!(emulator.observed().password_grants(), 1);
        assert_eq!(emulator.observed().windows_grants(), 0);

        // Windows first and refused: the password is not tried after it.
        let emulator = server(&ucwa_emulator::GRANTS).await;
        let error = signed_in(
            signing_in(&emulator, format)
                .password("pass@word1")
                .windows(WindowsGrant::new("lene", Some("CONTOSO"), "wrong-password"))
                .grant_order(GrantOrder::WindowsFirst),
        )
        .await
        .unwrap_err();
        assert!(
            error.to_string().contains("refused the Windows account"),
            "{error}"
        );
        assert_eq!(emulator.observed().windows_grants(), 1);
        assert_eq!(emulator.observed().password_grants(), 0);
    }
}
