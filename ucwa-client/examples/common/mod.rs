//! What every task example does first: start the embedded emulator on loopback and sign its
//! users in, as a user's program would sign in to a real deployment (autodiscovery from the
//! sign-in address, the password grant, an application made available).
#![allow(dead_code)]

use std::time::Duration;

use tokio::sync::broadcast;
use ucwa::Format;
use ucwa::events::Event;
use ucwa::resources::AnyResource;
use ucwa_client::{Session, SignIn};
use ucwa_emulator::{Config, Emulator};

/// The emulator's discovery name, which the examples' HTTP client maps to loopback the way a
/// test network's DNS would.
const DISCOVERY: &str = "lyncdiscoverinternal.contoso.com";

/// The embedded emulator (plain HTTP on loopback), with its default users: lene@, ann@ and
/// john@contoso.com, password `pass@word1`.
pub async fn emulator() -> Result<Emulator, Box<dyn std::error::Error>> {
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        ..Config::default()
    })
    .await?;
    eprintln!(
        "started the embedded UCWA emulator at {}",
        emulator.origin()
    );
    Ok(emulator)
}

/// `address` signed in to `emulator`, in `format`, with an application made available.
pub async fn sign_in(
    emulator: &Emulator,
    address: &str,
    format: Format,
) -> Result<Session, Box<dyn std::error::Error>> {
    sign_in_with(emulator, address, format, |signin| signin).await
}

/// [`sign_in`], with what `more` adds to the sign-in (phone audio, for instance).
pub async fn sign_in_with(
    emulator: &Emulator,
    address: &str,
    format: Format,
    more: impl FnOnce(SignIn) -> SignIn,
) -> Result<Session, Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(DISCOVERY, emulator.addr())
        .build()?;
    let signin = SignIn::new(address)?
        .password("pass@word1")
        .allow_http(true)
        .http_client(http)
        .format(format)
        .long_poll(Duration::from_secs(5));
    let session = more(signin).start().await?;
    eprintln!("{address} signed in ({format})");
    Ok(session)
}

/// `--xml` on the command line: the example speaks XML instead of JSON.
pub fn format_from_args() -> Format {
    if std::env::args().any(|a| a == "--xml") {
        Format::Xml
    } else {
        Format::Json
    }
}

/// The first event on `events` that `pick` accepts, waiting at most `wait`: an example that
/// waits for its peer fails with a timeout rather than hanging when the event never comes.
pub async fn next_event<T>(
    events: &mut ucwa_client::EventReceiver,
    wait: Duration,
    mut pick: impl FnMut(&Event<AnyResource>) -> Option<T>,
) -> Result<T, Box<dyn std::error::Error>> {
    let found = tokio::time::timeout(wait, async {
        loop {
            if let Some(found) = pick(&events.recv().await?) {
                return Ok::<_, broadcast::error::RecvError>(found);
            }
        }
    })
    .await??;
    Ok(found)
}
