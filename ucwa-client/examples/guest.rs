//! A meeting's guest against the embedded emulator: Lene schedules a meeting (people of her
//! company enter, guests wait in the lobby) and joins it; a guest without an account signs in
//! with the meeting's URI and key (the anonymous meeting grant, an application at
//! `anonApplications`), joins and waits; Lene sees the guest in the lobby and admits them;
//! they chat; the guest's token is renewed with the same identity and the chat goes on.
//!
//! ```sh
//! cargo run -p ucwa-client --example guest            # JSON
//! cargo run -p ucwa-client --example guest -- --xml   # XML
//! ```

mod common;

use std::error::Error;
use std::time::Duration;

use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;
use ucwa_client::EventReceiver;
use ucwa_client::Session;
use ucwa_client::guest::GuestSignIn;
use ucwa_client::messaging::{ConversationHandle, ReceivedMessage};
use ucwa_emulator::{Config, Emulator};

/// The first event `pick` takes, within ten seconds.
async fn next<T>(
    events: &mut EventReceiver,
    pick: impl Fn(&Event<AnyResource>) -> Option<T>,
) -> Result<T, Box<dyn Error>> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(found) = pick(&events.recv().await?) {
                return Ok(found);
            }
        }
    })
    .await?
}

fn completed(href: &str) -> impl Fn(&Event<AnyResource>) -> Option<String> + '_ {
    move |e| {
        (e.event_type == EventType::Completed && e.link.href.as_str() == href)
            .then(|| e.status.clone().unwrap_or_default())
    }
}

fn message(e: &Event<AnyResource>) -> Option<String> {
    ReceivedMessage::from_event(e).map(|m| {
        format!(
            "{}: {}",
            m.from.as_deref().unwrap_or("?"),
            String::from_utf8_lossy(&m.body)
        )
    })
}

/// Adds messaging to the meeting's conversation, once it connects: the handle read again.
async fn chat(
    user: &Session,
    meeting: &ConversationHandle,
) -> Result<ConversationHandle, Box<dyn Error>> {
    let mut events = user.events();
    let invitation = meeting.add_messaging().await?;
    next(&mut events, completed(invitation.href.as_str())).await?;
    Ok(meeting.refresh().await?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    // A guest's token lives two minutes here (an hour on a real server), to show a renewal.
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        anonymous_token_lifetime: Duration::from_secs(120),
        ..Config::default()
    })
    .await?;
    eprintln!(
        "started the embedded UCWA emulator at {}",
        emulator.origin()
    );
    let format = common::format_from_args();
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let scheduled = lene.online_meetings().schedule(&Default::default()).await?;
    let uri = scheduled
        .online_meeting_uri
        .clone()
        .ok_or("no meeting URI")?
        .as_str()
        .to_owned();
    let key = scheduled.conference_id.clone().ok_or("no conference id")?;
    println!("Lene scheduled {uri} (key {key})");

    let mut lene_events = lene.events();
    let joined = lene.online_meetings().join(&uri).await?;
    next(&mut lene_events, completed(joined.href.as_str())).await?;
    let read = lene.online_meetings().invitation(&joined).await?;
    let lene_meeting = lene.online_meetings().conversation(&read).await?;
    println!("Lene is in her meeting");

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("lyncdiscoverinternal.contoso.com", emulator.addr())
        .build()?;
    let guest = GuestSignIn::meeting(&uri, &key)?
        .display_name("Cathy Arnold")
        .with(|s| {
            s.allow_http(true)
                .http_client(http)
                .format(format)
                .long_poll(Duration::from_secs(5))
        })
        .start()
        .await?;
    println!("the guest signed in with the anonymous meeting grant");
    let mut guest_events = guest.session().events();
    let invitation = guest.join().await?;
    let waiting = next(&mut lene_events, |e| {
        (e.in_rel.as_deref() == Some("lobby") && e.event_type == EventType::Added)
            .then(|| e.link.title.clone().unwrap_or_default())
    })
    .await?;
    println!("Lene sees `{waiting}` waiting in the lobby");
    for participant in lene_meeting.lobby().await? {
        lene_meeting.admit(&participant).await?;
        println!("Lene admits {}", participant.name.as_deref().unwrap_or("?"));
    }
    let status = next(&mut guest_events, completed(invitation.href.as_str())).await?;
    println!("the guest's join completed: {status}");

    let meetings = guest.session().online_meetings();
    let guest_meeting = meetings
        .conversation(&meetings.invitation(&invitation).await?)
        .await?;
    let guest_meeting = chat(guest.session(), &guest_meeting).await?;
    let lene_meeting = chat(&lene, &lene_meeting).await?;
    let mut lene_events = lene.events();
    let mut guest_events = guest.session().events();
    guest_meeting
        .send_message("Hello from outside the company")
        .await?;
    println!("Lene receives  {}", next(&mut lene_events, message).await?);
    lene_meeting.send_message("Welcome!").await?;
    println!("guest receives {}", next(&mut guest_events, message).await?);

    emulator.clock().advance(Duration::from_secs(180));
    guest_meeting
        .send_message("Still here after my token expired")
        .await?;
    println!("Lene receives  {}", next(&mut lene_events, message).await?);
    println!(
        "the guest's token was renewed {} time(s), with the same identity",
        emulator.observed().anonymous_renewals()
    );
    guest.shutdown().await;
    lene.shutdown().await;
    Ok(())
}
