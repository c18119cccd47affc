//! Many sessions in one process share one HTTP client, one discovery per domain and each
//! user's tokens ([`SessionPool`]): a thousand sessions against the emulator make one
//! discovery, one password grant per user, and every request through the pool's client (the
//! only one whose resolver knows the emulator's names). Their event queues hold nothing until
//! an event comes. Not timed: what is counted is requests.

use std::net::SocketAddr;
use std::time::Duration;

use ucwa::Format;
use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;
use ucwa_client::{SessionPool, Settings, SignIn};
use ucwa_emulator::{Config, Emulator, Limits, Person};

const INTERNAL: &str = "lyncdiscoverinternal.contoso.com";
const POOL_HOST: &str = "pool.contoso.com";
const PASSWORD: &str = "pass@word1";

fn bot(i: usize) -> String {
    format!("bot{i:04}@contoso.com")
}

async fn emulator(users: usize, applications: usize) -> Emulator {
    let mut people = Config::default().people;
    people.extend((0..users).map(|i| Person::new(&bot(i), &format!("Bot {i}"), PASSWORD)));
    Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        people,
        // The applications on a host only the pool's client can resolve.
        applications_on_second_origin: true,
        applications_host: POOL_HOST.to_owned(),
        limits: Limits {
            max_applications: applications + 8,
            max_connections: applications * 4 + 64,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap()
}

fn pool(emulator: &Emulator) -> SessionPool {
    let resolve = |name: &str, addr: SocketAddr| (name.to_owned(), addr);
    let (a, b) = (
        resolve(INTERNAL, emulator.addr()),
        resolve(POOL_HOST, emulator.applications_addr()),
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&a.0, a.1)
        .resolve(&b.0, b.1)
        .build()
        .unwrap();
    SessionPool::new(Settings::default().http_client(http)).unwrap()
}

/// `address`'s sign-in through `pool`, with no HTTP client of its own: one made for it could
/// resolve neither the discovery name nor the applications host.
fn signing_in(pool: &SessionPool, address: &str, endpoint: &str, format: Format) -> SignIn {
    SignIn::new(address)
        .unwrap()
        .password(PASSWORD)
        .allow_http(true)
        .format(format)
        .long_poll(Duration::from_secs(5))
        .application("ucwa-client-tests/1", endpoint, "en-US")
        .pool(pool)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sessions_share_one_discovery_one_client_and_each_users_token() {
    const USERS: usize = 500;
    const SESSIONS: usize = 1000;
    let emulator = emulator(USERS, SESSIONS).await;
    let pool = pool(&emulator);
    let mut sessions = Vec::with_capacity(SESSIONS);
    // Started 100 at a time, each user twice (two endpoints), half of them in XML.
    let all: Vec<usize> = (0..SESSIONS).collect();
    for chunk in all.chunks(100) {
        let mut starting = tokio::task::JoinSet::new();
        for &i in chunk {
            let format = if i % 2 == 0 {
                Format::Json
            } else {
                Format::Xml
            };
            let signin = signing_in(&pool, &bot(i % USERS), &format!("bot-{i}"), format);
            starting.spawn(signin.start());
        }
        while let Some(started) = starting.join_next().await {
            sessions.push(started.unwrap().unwrap());
        }
    }
    let observed = emulator.observed();
    assert_eq!(observed.entry_point_hits(), 1, "one discovery for all");
    assert_eq!(pool.discovered_domains(), 1);
    // One grant per user for the applications host, shared by the user's two sessions, and
    // the one the discovery took for its own host.
    assert_eq!(observed.password_grants(), USERS as u64 + 1);
    assert_eq!(emulator.observed().stats().applications, SESSIONS);

    // Every session still hears its events, in its own queue.
    let mut first = sessions[0].events();
    let mut last = sessions[SESSIONS - 1].events();
    let marker =
        Event::<AnyResource>::new(EventType::Added, "participant", ucwa::Link::to("/marker/1"));
    emulator
        .faults()
        .push_event("communication", "/communication", marker);
    for events in [&mut first, &mut last] {
        let heard = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let event = events.recv().await.unwrap();
                if event.link.href.as_str() == "/marker/1" {
                    return event;
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(heard.rel, "participant");
    }

    for session in sessions {
        session.shutdown().await;
    }
    assert_eq!(emulator.observed().stats().applications, 0);
    assert_eq!(observed.entry_point_hits(), 1);
}

#[tokio::test]
async fn a_shared_discovery_that_no_longer_holds_is_run_again_for_the_pool() {
    let emulator = emulator(2, 4).await;
    let pool = pool(&emulator);
    for format in [Format::Json, Format::Xml] {
        let first = signing_in(&pool, &bot(0), "a", format)
            .start()
            .await
            .unwrap();
        // The next application refused as a moved user's is: 403 for the shared result.
        let body = ucwa::ErrorBody {
            code: "Forbidden".to_owned(),
            ..ucwa::ErrorBody::default()
        };
        emulator
            .faults()
            .fail_next_application(ucwa::http::StatusCode::FORBIDDEN, body)
            .unwrap();
        let second = signing_in(&pool, &bot(1), "b", format)
            .start()
            .await
            .unwrap();
        assert_ne!(first.application().id, second.application().id);
        first.shutdown().await;
        second.shutdown().await;
    }
    // Once for the first session, and again after each refusal.
    assert_eq!(emulator.observed().entry_point_hits(), 3);
}
