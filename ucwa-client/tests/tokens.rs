//! Tokens end to end against the emulator: the 401 challenge, the password and anonymous
//! grants, typed refusals, expiry, one retry and no more, and a token per host.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ucwa::Format;
use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
use ucwa::resources::Application;
use ucwa_client::auth::provider::TokenFuture;
use ucwa_client::auth::{
    AnonymousMeeting, IssuedToken, PasswordGrant, StaticToken, Token, TokenErrorCode, TokenRequest,
};
use ucwa_client::{AuthError, Client, ClientError, TokenProvider};
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator};

async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.unwrap()
}

async fn create_application(
    client: &Client,
) -> Result<Application, ClientError<ucwa::operations::ApplicationsPostError>> {
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("tokens".into()),
        user_agent: Some("ucwa-client-tests/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &ucwa::Link::to(APPLICATIONS_PATH),
        &body,
        client.format(),
    )
    .unwrap();
    client.send(request).await
}

fn password(emulator: &Emulator) -> Arc<PasswordGrant> {
    Arc::new(PasswordGrant::new(emulator.user(), "pass@word1"))
}

/// Counts how often it is asked, and hands out what another provider gives.
#[derive(Debug)]
struct Counting<P> {
    inner: P,
    asked: AtomicUsize,
}

impl<P: TokenProvider> TokenProvider for Counting<P> {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.inner.token(request)
    }
}

fn counting<P>(inner: P) -> Arc<Counting<P>> {
    Arc::new(Counting {
        inner,
        asked: AtomicUsize::new(0),
    })
}

#[tokio::test]
async fn the_password_grant_answers_the_challenge_in_json_and_xml() {
    for merge_challenges in [false, true] {
        let emulator = emulator(Config {
            merge_challenges,
            ..Config::default()
        })
        .await;
        for format in [Format::Json, Format::Xml] {
            let provider = counting(PasswordGrant::new("LENE@contoso.com", "pass@word1"));
            let client = Client::with_provider(emulator.origin(), provider.clone())
                .format(format)
                .build()
                .unwrap();
            let first = create_application(&client).await.unwrap();
            let second = create_application(&client).await.unwrap();
            assert_ne!(first.id, second.id);
            // One token for both requests: the second went with it, no new challenge.
            assert_eq!(provider.asked.load(Ordering::SeqCst), 1, "{format:?}");
        }
        let seen = emulator.observed().tokens_seen(0);
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(
            seen.iter().all(|t| t.starts_with("cwt=emulator-0-")),
            "{seen:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_is_a_typed_refusal_with_its_diagnostic() {
    let emulator = emulator(Config::default()).await;
    let client = Client::with_provider(
        emulator.origin(),
        Arc::new(PasswordGrant::new(emulator.user(), "wrong")),
    )
    .build()
    .unwrap();
    match create_application(&client).await {
        Err(ClientError::Auth(AuthError::Refused(refusal))) => {
            assert_eq!(refusal.code, TokenErrorCode::InvalidGrant);
            assert_eq!(refusal.status.as_u16(), 400);
            assert_eq!(refusal.diagnostics[0].id, 28020);
            assert_eq!(refusal.diagnostics[0].source.as_deref(), Some("emulator"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_token_gets_one_fresh_token() {
    let emulator = emulator(Config::default()).await;
    let provider = counting(PasswordGrant::new(emulator.user(), "pass@word1"));
    let client = Client::with_provider(emulator.origin(), provider.clone())
        .build()
        .unwrap();
    create_application(&client).await.unwrap();
    // The server's clock passes the token's eight hours; the client's has not moved, so it
    // learns of the expiry from the 401.
    emulator.clock().advance(Duration::from_secs(8 * 3600 + 1));
    create_application(&client).await.unwrap();
    assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
    let seen = emulator.observed().tokens_seen(0);
    // First token, first token again (refused), second token.
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0], seen[1]);
    assert_ne!(seen[1], seen[2]);
}

/// Always hands out a token the server does not know.
#[derive(Debug)]
struct Forged;

impl TokenProvider for Forged {
    fn token<'a>(&'a self, _: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async { Ok(IssuedToken::new(Token::new("cwt=forged"))) })
    }
}

#[tokio::test]
async fn a_refused_fresh_token_is_retried_once_and_never_loops() {
    let emulator = emulator(Config::default()).await;
    let provider = counting(Forged);
    let client = Client::with_provider(emulator.origin(), provider.clone())
        .build()
        .unwrap();
    match create_application(&client).await {
        Err(ClientError::Auth(AuthError::Rejected { resource, .. })) => {
            assert_eq!(resource, emulator.origin());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(provider.asked.load(Ordering::SeqCst), 1);
    assert_eq!(emulator.observed().tokens_seen(0), ["cwt=forged"]);
}

#[tokio::test]
async fn each_host_gets_its_own_token_and_none_reaches_the_other() {
    let emulator = emulator(Config {
        applications_on_second_origin: true,
        ..Config::default()
    })
    .await;
    assert_ne!(emulator.origin(), emulator.applications_origin());
    let provider = password(&emulator);
    // One provider for both hosts, as a sign-in shares it.
    let discovery = Client::with_provider(emulator.origin(), provider.clone())
        .build()
        .unwrap();
    let user: ucwa::resources::User = discovery
        .get(&ucwa::Link::to(format!(
            "{}{}",
            emulator.origin(),
            ucwa_emulator::USER_PATH
        )))
        .await
        .unwrap();
    let applications = user.links.applications.unwrap();
    assert!(applications.href.as_str().starts_with(&format!(
        "http://127.0.0.1:{}",
        emulator.applications_origin().rsplit(':').next().unwrap()
    )));
    let pool = Client::with_provider(emulator.applications_origin(), provider)
        .build()
        .unwrap();
    create_application(&pool).await.unwrap();

    let first = emulator.observed().tokens_seen(0);
    let second = emulator.observed().tokens_seen(1);
    assert!(!first.is_empty() && !second.is_empty());
    assert!(
        first.iter().all(|t| t.starts_with("cwt=emulator-0-")),
        "{first:?}"
    );
    assert!(
        second.iter().all(|t| t.starts_with("cwt=emulator-1-")),
        "{second:?}"
    );

    // The first host's token is no good on the second, and a static token is only sent to
    // its own host.
    let stolen = Client::builder(emulator.applications_origin(), first[0].clone())
        .build()
        .unwrap();
    assert!(matches!(
        create_application(&stolen).await,
        Err(ClientError::Response(ucwa::ResponseError::NotUcwa(answer))) if answer.status == 401
    ));
    let elsewhere = Client::with_provider(
        emulator.applications_origin(),
        Arc::new(StaticToken::new(
            &emulator.origin().parse().unwrap(),
            "static",
        )),
    )
    .build()
    .unwrap();
    assert!(matches!(
        create_application(&elsewhere).await,
        Err(ClientError::Auth(AuthError::NotForThisHost { .. }))
    ));
    assert!(
        !emulator
            .observed()
            .tokens_seen(1)
            .contains(&"static".to_owned())
    );
}

#[tokio::test]
async fn the_anonymous_meeting_grant_renews_with_the_same_identity() {
    let emulator = emulator(Config::default()).await;
    let config = Config::default();
    let provider = counting(AnonymousMeeting::new(
        &config.meeting_uri,
        &config.meeting_key,
    ));
    let client = Client::with_provider(emulator.origin(), provider.clone())
        .format(Format::Xml)
        .build()
        .unwrap();
    create_application(&client).await.unwrap();
    // Past the hour of an anonymous token: the renewal names the old token, which the
    // emulator checks it issued to an anonymous attendee.
    emulator.clock().advance(Duration::from_secs(3601));
    create_application(&client).await.unwrap();
    assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
    assert_eq!(emulator.observed().anonymous_renewals(), 1);

    let wrong_key = Client::with_provider(
        emulator.origin(),
        Arc::new(AnonymousMeeting::new(&config.meeting_uri, "nope")),
    )
    .build()
    .unwrap();
    assert!(matches!(
        create_application(&wrong_key).await,
        Err(ClientError::Auth(AuthError::Refused(r))) if r.code == TokenErrorCode::InvalidGrant
    ));
}

#[tokio::test]
async fn a_grant_the_token_endpoint_does_not_take_is_typed_unsupported_grant_type() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        // The challenge still offers `password`; the endpoint refuses it.
        emulator.faults().refuse_grant("password").unwrap();
        let provider = counting(PasswordGrant::new(emulator.user(), "pass@word1"));
        let client = Client::with_provider(emulator.origin(), provider.clone())
            .format(format)
            .build()
            .unwrap();
        match create_application(&client).await {
            Err(ClientError::Auth(AuthError::Refused(refusal))) => {
                assert_eq!(refusal.code, TokenErrorCode::UnsupportedGrantType);
                assert_eq!(refusal.code.to_string(), "unsupported_grant_type");
                assert_eq!(refusal.status.as_u16(), 400);
                assert_eq!(refusal.diagnostics[0].id, 28029);
                assert_eq!(refusal.diagnostics[0].source.as_deref(), Some("emulator"));
            }
            other => panic!("{format:?}: {other:?}"),
        }
        // Asked once: a refusal is not retried, and no token reached the server.
        assert_eq!(provider.asked.load(Ordering::SeqCst), 1);
        assert_eq!(emulator.observed().password_grants(), 1);
        assert!(emulator.observed().tokens_seen(0).is_empty());
        assert!(emulator.observed().application_ids().is_empty());

        // The other grant is still taken.
        let config = Config::default();
        let anonymous = Client::with_provider(
            emulator.origin(),
            Arc::new(AnonymousMeeting::new(
                &config.meeting_uri,
                &config.meeting_key,
            )),
        )
        .format(format)
        .build()
        .unwrap();
        create_application(&anonymous).await.unwrap();
    }
}

const AUTHORIZATION_URI: &str = "https://login.windows.net/common/oauth2/authorize";
const SERVER_CLIENT_ID: &str = "00000004-0000-0ff1-ce00-000000000000";

/// What an Azure AD provider is asked with: the resource and the `Bearer` challenge's
/// parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Asked {
    resource: String,
    authorization_uri: Option<String>,
    client_id: Option<String>,
}

/// A provider in the Azure AD style, as a user writes it on an OAuth library: it reads the
/// resource and the `Bearer` challenge and fetches a token for that resource. The fetching is
/// the emulator's password grant here, standing in for Azure AD.
#[derive(Debug)]
struct AzureAdStyle {
    fetch: PasswordGrant,
    asked: std::sync::Mutex<Vec<Asked>>,
}

impl TokenProvider for AzureAdStyle {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        let bearer = request.bearer();
        self.asked.lock().unwrap().push(Asked {
            resource: request.resource.origin().ascii_serialization(),
            authorization_uri: bearer.as_ref().and_then(|b| b.authorization_uri.clone()),
            client_id: bearer.and_then(|b| b.client_id),
        });
        self.fetch.token(request)
    }
}

#[tokio::test]
async fn an_azure_ad_style_provider_gets_the_resource_and_the_bearer_challenge_per_host() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config {
            applications_on_second_origin: true,
            authorization_uri: Some(AUTHORIZATION_URI.to_owned()),
            ..Config::default()
        })
        .await;
        let provider = Arc::new(AzureAdStyle {
            fetch: PasswordGrant::new(emulator.user(), "pass@word1"),
            asked: std::sync::Mutex::new(Vec::new()),
        });
        let discovery = Client::with_provider(emulator.origin(), provider.clone())
            .format(format)
            .build()
            .unwrap();
        let user_link =
            ucwa::Link::to(format!("{}{}", emulator.origin(), ucwa_emulator::USER_PATH));
        let user: ucwa::resources::User = discovery.get(&user_link).await.unwrap();
        assert!(user.links.applications.is_some(), "{format:?}");
        // A second request to the same host goes with the same token.
        let _: ucwa::resources::User = discovery.get(&user_link).await.unwrap();

        let pool = Client::with_provider(emulator.applications_origin(), provider.clone())
            .format(format)
            .build()
            .unwrap();
        create_application(&pool).await.unwrap();
        create_application(&pool).await.unwrap();

        let asked = |resource: String| Asked {
            resource,
            authorization_uri: Some(AUTHORIZATION_URI.to_owned()),
            client_id: Some(SERVER_CLIENT_ID.to_owned()),
        };
        assert_eq!(
            *provider.asked.lock().unwrap(),
            [
                asked(emulator.origin()),
                asked(emulator.applications_origin())
            ],
            "{format:?}"
        );
        let first = emulator.observed().tokens_seen(0);
        let second = emulator.observed().tokens_seen(1);
        assert_eq!(first.len(), 2, "{first:?}");
        assert_eq!(second.len(), 2, "{second:?}");
        assert!(first.iter().all(|t| t.starts_with("cwt=emulator-0-")));
        assert!(second.iter().all(|t| t.starts_with("cwt=emulator-1-")));
    }
}

#[tokio::test]
async fn a_wrong_password_at_sign_in_is_a_typed_refused_grant_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        let root = url::Url::parse(&format!(
            "{}{}",
            emulator.origin(),
            ucwa_emulator::ROOT_PATH
        ))
        .unwrap();
        let error = ucwa_client::SignIn::new(emulator.user())
            .unwrap()
            .password("wrong")
            .allow_http(true)
            // The emulator's loopback address, named by the discovery URL, is trusted.
            .trust_domain("127.0.0.1")
            .discovery_url(root)
            .format(format)
            .start()
            .await
            .map(|_| ())
            .expect_err("a wrong password does not sign in");
        assert!(error.is_refused_grant(), "{format:?}: {error:?}");
        assert!(!error.is_connect() && !error.is_timeout(), "{error:?}");
        // The token endpoint's refusal itself, typed, where discovery met it.
        match &error {
            ucwa_client::SessionError::SignIn(ucwa_client::SignInError::Discovery(
                ucwa_client::discovery::DiscoveryError::Auth(auth),
            )) => {
                let refusal = auth.refusal().expect("the token endpoint's refusal");
                assert_eq!(refusal.code, TokenErrorCode::InvalidGrant, "{format:?}");
                assert_eq!(refusal.status.as_u16(), 400);
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_error_answer_gives_its_status_and_a_refusal_none_in_json_and_xml() {
    for format in [Format::Json, Format::Xml] {
        let emulator = emulator(Config::default()).await;
        let client = Client::with_provider(
            emulator.origin(),
            Arc::new(PasswordGrant::new(emulator.user(), "pass@word1")),
        )
        .format(format)
        .build()
        .unwrap();
        let application = create_application(&client).await.unwrap();
        let own = application.links.self_.clone().unwrap();
        // The application is there: no error. One that never was is a 404.
        client.get::<Application>(&own.cast()).await.unwrap();
        let missing = format!("{APPLICATIONS_PATH}/999999");
        let error = client
            .get::<Application>(&ucwa::Link::to(missing.as_str()))
            .await
            .expect_err("no such application");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{format:?}");
        assert!(error.is_not_found(), "{error:?}");
        assert!(!error.is_refused_grant(), "{error:?}");

        let wrong = Client::with_provider(
            emulator.origin(),
            Arc::new(PasswordGrant::new(emulator.user(), "wrong")),
        )
        .format(format)
        .build()
        .unwrap();
        let refused = create_application(&wrong).await.expect_err("refused");
        assert!(refused.is_refused_grant(), "{format:?}: {refused:?}");
        // No answer of the server's was about the request itself.
        assert_eq!(refused.status(), None);
        assert!(!refused.is_not_found());
    }
}
