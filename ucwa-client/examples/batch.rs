//! Batching, end to end: starts the embedded emulator, signs in as lene@contoso.com (discovery,
//! password grant, an application made available), sends five GETs in one `multipart/batching`
//! round trip and prints each part's typed answer — one of them a typed 404.
//!
//! `cargo run -p ucwa-client --example batch` (`-- --xml` for XML).

use std::error::Error;

use ucwa::Link;
use ucwa::operations::{ApplicationGet, AudioVideoGet, MeGet, PresenceGet};
use ucwa_client::SignIn;
use ucwa_emulator::{Config, Emulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let format = if std::env::args().any(|a| a == "--xml") {
        ucwa::Format::Xml
    } else {
        ucwa::Format::Json
    };
    let emulator = Emulator::start(Config::default()).await?;
    println!(
        "started the embedded UCWA emulator at {}",
        emulator.origin()
    );
    // The sign-in address's discovery name leads to the emulator.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("lyncdiscoverinternal.contoso.com", emulator.addr())
        .build()?;
    let session = SignIn::new("lene@contoso.com")?
        .password("pass@word1")
        .allow_http(true)
        .http_client(http)
        .format(format)
        .start()
        .await?;
    let client = session.client();
    let application = session.application();
    let app = application
        .links
        .self_
        .as_ref()
        .ok_or("no self link")?
        .href
        .to_string();
    println!("signed in: application {app} ({format:?})");

    let origin = client.origin();
    let mut batch = session.batch();
    let own = batch.add(ApplicationGet::request(
        origin,
        &Link::to(app.as_str()),
        format,
    )?)?;
    let me = batch.add(MeGet::request(
        origin,
        &Link::to(format!("{app}/me")),
        format,
    )?)?;
    let presence = batch.add(PresenceGet::request(
        origin,
        &Link::to(format!("{app}/me/presence")),
        format,
    )?)?;
    let call = batch.add(AudioVideoGet::request(
        origin,
        &Link::to(format!("{app}/communication/conversations/1/audioVideo")),
        format,
    )?)?;
    let no_call = batch.add(AudioVideoGet::request(
        origin,
        &Link::to(format!("{app}/communication/conversations/2/audioVideo")),
        format,
    )?)?;
    println!("sending {} requests in one batch…", batch.len());
    let answers = batch.send().await?;
    println!("{} answers:", answers.len());

    match answers.get(own) {
        Ok(application) => println!("  application: user agent {:?}", application.user_agent),
        Err(e) => println!("  application: {e}"),
    }
    match answers.get(me) {
        Ok(me) => println!("  me: {:?} <{:?}>", me.name, me.uri),
        Err(e) => println!("  me: {e}"),
    }
    match answers.get(presence) {
        Ok(presence) => println!("  presence: {:?}", presence.availability),
        Err(e) => println!("  presence: {e}"),
    }
    match answers.get(call) {
        Ok(call) => println!(
            "  audioVideo of conversation 1: {:?}",
            call.links.self_.map(|l| l.href.to_string())
        ),
        Err(e) => println!("  audioVideo of conversation 1: {e}"),
    }
    match answers.get(no_call) {
        Ok(call) => println!("  audioVideo of conversation 2: {call:?}"),
        Err(e) => println!("  audioVideo of conversation 2 (a typed error, as expected): {e}"),
    }
    session.shutdown().await;
    Ok(())
}
