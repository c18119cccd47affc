//! Discovery end to end: the emulator stands for every host, reached through reqwest's
//! resolver overrides, so the discovery code runs unchanged on real names.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use ucwa::Format;
use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
use ucwa_client::auth::provider::TokenFuture;
use ucwa_client::auth::{PasswordGrant, TokenRequest};
use ucwa_client::discovery::DiscoveryError;
use ucwa_client::{Client, SignIn, SignInError, TokenProvider};
use ucwa_emulator::{Config, Emulator, ROOT_PATH};

const ADDRESS: &str = "lene@contoso.test";
const INTERNAL: &str = "lyncdiscoverinternal.contoso.test";
const EXTERNAL: &str = "lyncdiscover.contoso.test";

async fn emulator(config: Config) -> Emulator {
    Emulator::start(Config {
        user: ADDRESS.to_owned(),
        ..config
    })
    .await
    .unwrap()
}

/// An address where nothing listens: connections are refused.
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

fn http_resolving(names: &[(&str, SocketAddr)]) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    for (name, addr) in names {
        builder = builder.resolve(name, *addr);
    }
    builder.build().unwrap()
}

fn sign_in(http: reqwest::Client) -> SignIn {
    SignIn::new(ADDRESS)
        .unwrap()
        .password("pass@word1")
        .allow_http(true)
        .http_client(http)
}

async fn create_application(client: &Client) {
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("discovery".into()),
        user_agent: Some("ucwa-client-tests/1".into()),
        ..Default::default()
    };
    let link = ucwa::Link::to(ucwa_emulator::APPLICATIONS_PATH);
    let request =
        ApplicationsPost::request(client.origin(), &link, &body, client.format()).unwrap();
    client.send(request).await.unwrap();
}

#[derive(Debug)]
struct Counting {
    inner: PasswordGrant,
    asked: AtomicUsize,
    resources: std::sync::Mutex<Vec<String>>,
}

impl TokenProvider for Counting {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.resources
            .lock()
            .unwrap()
            .push(request.resource.origin().ascii_serialization());
        self.inner.token(request)
    }
}

fn counting() -> Arc<Counting> {
    Arc::new(Counting {
        inner: PasswordGrant::new(ADDRESS, "pass@word1"),
        asked: AtomicUsize::new(0),
        resources: std::sync::Mutex::new(Vec::new()),
    })
}

#[tokio::test]
async fn the_internal_entry_point_answers_first_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    let http = http_resolving(&[(INTERNAL, emulator.addr()), (EXTERNAL, closed_port().await)]);
    for format in [Format::Json, Format::Xml] {
        let signing_in = sign_in(http.clone()).format(format);
        let discovered = signing_in.discover().await.unwrap();
        assert_eq!(discovered.root.as_str(), format!("http://{INTERNAL}/"));
        assert_eq!(
            discovered.applications.as_str(),
            format!("http://{INTERNAL}/ucwa/oauth/v1/applications")
        );
        let (client, _) = signing_in.connect().await.unwrap();
        assert_eq!(client.format(), format);
        create_application(&client).await;
    }
}

#[tokio::test]
async fn an_unreachable_or_missing_internal_entry_point_falls_back_to_the_external_one_in_json_and_xml()
 {
    let emulator_404 = emulator(Config {
        internal_discovery: false,
        ..Config::default()
    })
    .await;
    let refused = closed_port().await;
    let emulator = emulator(Config::default()).await;
    for format in [Format::Json, Format::Xml] {
        for http in [
            http_resolving(&[(INTERNAL, refused), (EXTERNAL, emulator.addr())]),
            http_resolving(&[
                (INTERNAL, emulator_404.addr()),
                (EXTERNAL, emulator_404.addr()),
            ]),
        ] {
            let signing_in = sign_in(http).format(format);
            let discovered = signing_in.discover().await.unwrap();
            assert_eq!(discovered.root.as_str(), format!("http://{EXTERNAL}/"));
            assert_eq!(
                discovered.user.as_str(),
                format!("http://{EXTERNAL}{}", ucwa_emulator::USER_PATH),
                "{format:?}"
            );
            assert_eq!(
                discovered.applications.as_str(),
                format!("http://{EXTERNAL}{}", ucwa_emulator::APPLICATIONS_PATH)
            );
            let (client, _) = signing_in.connect().await.unwrap();
            assert_eq!(client.format(), format);
            create_application(&client).await;
        }
    }
}

#[tokio::test]
async fn only_https_is_tried_unless_http_is_enabled() {
    let emulator = emulator(Config::default()).await;
    let http = http_resolving(&[(INTERNAL, emulator.addr()), (EXTERNAL, emulator.addr())]);
    let error = sign_in(http)
        .allow_http(false)
        .discover()
        .await
        .unwrap_err();
    match error {
        SignInError::Discovery(DiscoveryError::NoEntryPoint { attempts }) => {
            let urls: Vec<&str> = attempts.iter().map(|a| a.url.as_str()).collect();
            assert_eq!(
                urls,
                [
                    format!("https://{INTERNAL}/"),
                    format!("https://{EXTERNAL}/")
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(emulator.tokens_seen(0).is_empty());
}

/// Answers every connection with a 302 to `location`.
async fn redirecting_to(location: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let answer = format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    addr
}

/// Answers every connection with 200 and `body` as JSON.
async fn answering(body: &'static str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    addr
}

#[tokio::test]
async fn a_user_link_out_of_the_domain_is_refused_before_any_credential_is_sent() {
    let emulator = emulator(Config::default()).await;
    let root = answering(
        r#"{"_links":{"self":{"href":"http://lyncdiscoverinternal.contoso.test/"},"user":{"href":"http://lyncweb.evil.example/Autodiscover/AutodiscoverService.svc/root/oauth/user"}}}"#,
    )
    .await;
    let provider = counting();
    let error = sign_in(http_resolving(&[
        (INTERNAL, root),
        ("lyncweb.evil.example", emulator.addr()),
    ]))
    .token_provider(provider.clone())
    .discover()
    .await
    .unwrap_err();
    assert!(
        matches!(&error, SignInError::Discovery(DiscoveryError::UnsafeRedirect { href, reason }) if href.contains("lyncweb.evil.example") && reason.contains("contoso.test")),
        "{error}"
    );
    assert_eq!(provider.asked.load(Ordering::SeqCst), 0);
    assert!(emulator.tokens_seen(0).is_empty());
}

#[tokio::test]
async fn an_http_redirect_to_another_domain_is_a_failed_probe() {
    let elsewhere = redirecting_to("http://lyncdiscover.evil.example/").await;
    let error = sign_in(http_resolving(&[
        (INTERNAL, elsewhere),
        (EXTERNAL, closed_port().await),
    ]))
    .discover()
    .await
    .unwrap_err();
    let SignInError::Discovery(DiscoveryError::NoEntryPoint { attempts }) = error else {
        panic!("{error:?}");
    };
    // HTTPS to a plain server, HTTP redirected away, then the closed external ones.
    assert_eq!(attempts.len(), 4, "{attempts:?}");
    assert_eq!(
        attempts[1].failure,
        "a redirect to another domain (http://lyncdiscover.evil.example/)"
    );
    assert!(attempts[3].failure.contains("onnect"), "{attempts:?}");

    // Within the domain, the redirect is followed.
    let emulator = emulator(Config::default()).await;
    let inside = redirecting_to("http://lyncweb.contoso.test/").await;
    let discovered = sign_in(http_resolving(&[
        (INTERNAL, inside),
        ("lyncweb.contoso.test", emulator.addr()),
    ]))
    .discover()
    .await
    .unwrap();
    assert_eq!(discovered.root.host_str(), Some("lyncweb.contoso.test"));
}

#[tokio::test]
async fn redirects_followed_by_the_users_own_client_get_the_same_check_and_set_the_base() {
    // reqwest's default policy follows redirects itself: discovery sees only where they led.
    let following = |names: &[(&str, SocketAddr)]| {
        let mut builder = reqwest::Client::builder();
        for (name, addr) in names {
            builder = builder.resolve(name, *addr);
        }
        builder.build().unwrap()
    };
    let emulator = emulator(Config::default()).await;

    // Out of the domain: the emulator's root there is a failed probe, never used.
    let elsewhere = redirecting_to("http://lyncdiscover.evil.example/").await;
    let provider = counting();
    let error = sign_in(following(&[
        (INTERNAL, elsewhere),
        ("lyncdiscover.evil.example", emulator.addr()),
        (EXTERNAL, closed_port().await),
    ]))
    .token_provider(provider.clone())
    .discover()
    .await
    .unwrap_err();
    let SignInError::Discovery(DiscoveryError::NoEntryPoint { attempts }) = error else {
        panic!("{error:?}");
    };
    assert_eq!(
        attempts[1].failure, "a redirect to another domain (http://lyncdiscover.evil.example/)",
        "{attempts:?}"
    );
    assert_eq!(provider.asked.load(Ordering::SeqCst), 0);
    assert!(emulator.tokens_seen(0).is_empty());

    // Inside the domain: followed, and the root is where the answer came from.
    let inside = redirecting_to("http://lyncweb.contoso.test/").await;
    let discovered = sign_in(following(&[
        (INTERNAL, inside),
        ("lyncweb.contoso.test", emulator.addr()),
    ]))
    .discover()
    .await
    .unwrap();
    assert_eq!(discovered.root.as_str(), "http://lyncweb.contoso.test/");
    assert_eq!(discovered.user.host_str(), Some("lyncweb.contoso.test"));
}

#[tokio::test]
async fn the_roots_redirect_is_followed_after_the_security_check_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    emulator.redirect_root(Some(format!("http://lyncweb.contoso.test{ROOT_PATH}")));
    let http = http_resolving(&[
        (INTERNAL, emulator.addr()),
        ("lyncweb.contoso.test", emulator.addr()),
    ]);
    for format in [Format::Json, Format::Xml] {
        let hits = emulator.entry_point_hits();
        let discovered = sign_in(http.clone())
            .format(format)
            .discover()
            .await
            .unwrap();
        assert_eq!(
            discovered.root.as_str(),
            format!("http://lyncweb.contoso.test{ROOT_PATH}"),
            "{format:?}"
        );
        assert_eq!(discovered.user.host_str(), Some("lyncweb.contoso.test"));
        assert_eq!(
            discovered.applications.host_str(),
            Some("lyncweb.contoso.test")
        );
        // The entry point was asked once, and the redirect it answered was taken.
        assert_eq!(emulator.entry_point_hits(), hits + 1);
    }
}

#[tokio::test]
async fn a_redirect_out_of_the_domain_is_refused_before_any_credential_is_sent_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        emulator.redirect_root(Some(format!("http://lyncweb.evil.example{ROOT_PATH}")));
        let provider = counting();
        let http = http_resolving(&[
            (INTERNAL, emulator.addr()),
            ("lyncweb.evil.example", emulator.addr()),
        ]);
        let error = sign_in(http.clone())
            .format(format)
            .token_provider(provider.clone())
            .discover()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, SignInError::Discovery(DiscoveryError::UnsafeRedirect { href, .. }) if href.contains("evil.example")),
            "{format:?}: {error}"
        );
        assert_eq!(provider.asked.load(Ordering::SeqCst), 0);
        assert!(emulator.tokens_seen(0).is_empty());

        // Unless the user trusts that domain.
        let discovered = sign_in(http)
            .format(format)
            .trust_domain("evil.example")
            .discover()
            .await
            .unwrap();
        assert_eq!(discovered.user.host_str(), Some("lyncweb.evil.example"));
    }
}

#[tokio::test]
async fn the_user_redirect_leads_to_the_home_pool_with_its_own_token_in_json_and_xml() {
    let emulator = emulator(Config::default()).await;
    let http = http_resolving(&[
        (INTERNAL, emulator.addr()),
        ("pool2.contoso.test", emulator.addr()),
    ]);
    for format in [Format::Json, Format::Xml] {
        emulator.redirect_user_once(format!("http://pool2.contoso.test{ROOT_PATH}"));
        let provider = counting();
        let discovered = sign_in(http.clone())
            .format(format)
            .token_provider(provider.clone())
            .discover()
            .await
            .unwrap();
        assert_eq!(
            discovered.user.as_str(),
            format!("http://pool2.contoso.test{}", ucwa_emulator::USER_PATH),
            "{format:?}"
        );
        assert_eq!(
            discovered.applications.as_str(),
            "http://pool2.contoso.test/ucwa/oauth/v1/applications"
        );
        assert_eq!(
            *provider.resources.lock().unwrap(),
            [
                format!("http://{INTERNAL}"),
                "http://pool2.contoso.test".to_owned()
            ]
        );
    }
}

#[tokio::test]
async fn applications_on_another_origin_get_their_own_token_in_json_and_xml() {
    let emulator = emulator(Config {
        applications_on_second_origin: true,
        applications_host: "pool.contoso.test".to_owned(),
        ..Config::default()
    })
    .await;
    let pool = emulator.applications_addr();
    let http = http_resolving(&[(INTERNAL, emulator.addr()), ("pool.contoso.test", pool)]);
    for format in [Format::Json, Format::Xml] {
        let (client, _) = sign_in(http.clone())
            .format(format)
            .connect()
            .await
            .unwrap();
        assert_eq!(
            client.origin().to_string(),
            format!("http://pool.contoso.test:{}", pool.port())
        );
        create_application(&client).await;
    }
    let discovery_tokens = emulator.tokens_seen(0);
    let pool_tokens = emulator.tokens_seen(1);
    assert!(!discovery_tokens.is_empty() && !pool_tokens.is_empty());
    assert!(
        discovery_tokens
            .iter()
            .all(|t| t.starts_with("cwt=emulator-0-"))
    );
    assert!(pool_tokens.iter().all(|t| t.starts_with("cwt=emulator-1-")));
}

/// Accepts every connection and never answers, holding it open.
async fn silent() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    addr
}

#[tokio::test]
async fn a_probe_that_times_out_is_a_failed_probe_and_discovery_falls_back() {
    let emulator = emulator(Config::default()).await;
    let hanging = silent().await;
    let probe_timeout = std::time::Duration::from_millis(200);
    for format in [Format::Json, Format::Xml] {
        let http = http_resolving(&[(INTERNAL, hanging), (EXTERNAL, emulator.addr())]);
        // Well under the 30 s default: only the configured timeout lets this finish in time.
        let discovered = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            sign_in(http)
                .format(format)
                .request_timeout(probe_timeout)
                .discover(),
        )
        .await
        .expect("the hanging probe was given up on")
        .unwrap();
        assert_eq!(discovered.root.as_str(), format!("http://{EXTERNAL}/"));
        assert_eq!(
            discovered.user.as_str(),
            format!("http://{EXTERNAL}{}", ucwa_emulator::USER_PATH)
        );
    }

    // Both entry points hang: each probe is reported as timed out.
    let http = http_resolving(&[(INTERNAL, hanging), (EXTERNAL, hanging)]);
    let error = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sign_in(http).request_timeout(probe_timeout).discover(),
    )
    .await
    .expect("the hanging probes were given up on")
    .unwrap_err();
    let SignInError::Discovery(DiscoveryError::NoEntryPoint { attempts }) = error else {
        panic!("{error:?}");
    };
    assert_eq!(attempts.len(), 4, "{attempts:?}");
    assert!(
        attempts.iter().all(|a| a.failure.contains("timed out")),
        "{attempts:?}"
    );
}
