//! What the task tests share: an emulator on loopback, a user signed in to it (through
//! discovery and the password grant, as a `Session`; or with a token and a new application, as
//! a `Client`), and waiting for an event.
#![allow(dead_code)]

use std::time::Duration;

use ucwa::events::Event;
use ucwa::operations::{
    ApplicationsPost, ApplicationsPostBody, MakeMeAvailablePost, MakeMeAvailablePostBody,
};
use ucwa::resources::{AnyResource, Application};
use ucwa::{Format, Link};
use ucwa_client::{Client, Session};
use ucwa_emulator::{Config, Emulator, Limits};

/// Both representations, for the tests that run in each.
pub const FORMATS: [Format; 2] = [Format::Json, Format::Xml];

/// How long a test waits for an event before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// An emulator with short long polls and these limits.
pub async fn emulator(limits: Limits) -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        limits,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// The examples' sign-in (discovery from the sign-in address, the password grant), so that
/// tests and examples sign in one way.
#[path = "../../examples/common/mod.rs"]
mod examples;

/// `address` signed in as a user would be: discovery, the password grant, an application made
/// available and kept alive.
pub async fn session(emulator: &Emulator, address: &str, format: Format) -> Session {
    examples::sign_in(emulator, address, format).await.unwrap()
}

/// [`session`], with what `more` adds to the sign-in.
pub async fn session_with(
    emulator: &Emulator,
    address: &str,
    format: Format,
    more: impl FnOnce(ucwa_client::SignIn) -> ucwa_client::SignIn,
) -> Session {
    examples::sign_in_with(emulator, address, format, more)
        .await
        .unwrap()
}

/// A client of `address` with its token and a new application (made available when
/// `available`, and then read again, as a session does, for the links that come with it),
/// without a session's background tasks.
pub async fn application(
    emulator: &Emulator,
    address: &str,
    format: Format,
    available: bool,
) -> (Client, Application) {
    let token = emulator.token_for(address).unwrap();
    let client = Client::builder(emulator.origin(), token)
        .format(format)
        .long_poll(Duration::from_secs(5))
        .build()
        .unwrap();
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some(format!("tests-{address}")),
        user_agent: Some("ucwa-client-tests/1".into()),
        ..Default::default()
    };
    let link = Link::to(ucwa_emulator::APPLICATIONS_PATH);
    let request = ApplicationsPost::request(client.origin(), &link, &body, format).unwrap();
    let application = client.send(request).await.unwrap();
    if available {
        let me = application.embedded.me.as_ref().unwrap();
        let link = me.links.make_me_available.as_ref().unwrap();
        let body = MakeMeAvailablePostBody {
            supported_modalities: Some(vec![ucwa::enumerations::ModalityType::Messaging]),
            ..Default::default()
        };
        let request = MakeMeAvailablePost::request(client.origin(), link, &body, format).unwrap();
        client.send(request).await.unwrap();
        let own = application.links.self_.clone().unwrap();
        let application = client.get::<Application>(&own.cast()).await.unwrap();
        return (client, application);
    }
    (client, application)
}

/// The first event `pick` accepts, within [`WAIT`].
pub async fn wait_for<T>(
    events: &mut ucwa_client::EventReceiver,
    mut pick: impl FnMut(&Event<AnyResource>) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.recv().await.unwrap();
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    })
    .await
    .expect("the event within the wait")
}
