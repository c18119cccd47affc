//! The people task against an embedded emulator: Lene and Ann sign in, Lene lists her
//! contacts and groups, searches, reads Ann's presence, subscribes to it, hears Ann become
//! Busy on her event channel, extends the subscription and deletes it.
//!
//! `cargo run -p ucwa-client --example people` (add `-- --xml` for XML).

use std::time::Duration;

use ucwa::Format;
use ucwa::Link;
use ucwa::enumerations::PreferredAvailability;
use ucwa::operations::{
    ApplicationsPost, ApplicationsPostBody, MakeMeAvailablePost, MakeMeAvailablePostBody,
};
use ucwa::resources::{Application, ContactPresence};
use ucwa_client::people::presence_update;
use ucwa_client::{Client, EventChannel};
use ucwa_emulator::{Config, Emulator};

type Error = Box<dyn std::error::Error>;

/// Signs `address` in with a token from the emulator: a client, and an application whose
/// user was made available.
async fn sign_in(
    emulator: &Emulator,
    address: &str,
    format: Format,
) -> Result<(Client, Application), Error> {
    let token = emulator
        .token_for(address)
        .ok_or("the emulator does not know this user")?;
    let client = Client::builder(emulator.origin(), token)
        .format(format)
        .build()?;
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some(format!("{address}-example")),
        user_agent: Some("ucwa-client/people-example".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(ucwa_emulator::APPLICATIONS_PATH),
        &body,
        format,
    )?;
    let application = client.send::<ApplicationsPost>(request).await?;
    let make_me_available = application
        .embedded
        .me
        .as_ref()
        .and_then(|me| me.links.make_me_available.clone())
        .ok_or("no makeMeAvailable link")?;
    let request = MakeMeAvailablePost::request(
        client.origin(),
        &make_me_available,
        &MakeMeAvailablePostBody::default(),
        format,
    )?;
    client.send::<MakeMeAvailablePost>(request).await?;
    println!("{address} signed in: application {}", href(&application));
    Ok((client, application))
}

/// Prints Lene's events up to the next update of a contact's presence, and gives its link.
async fn next_presence_update(events: &mut EventChannel) -> Result<Link<ContactPresence>, Error> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next_event())
            .await??
            .ok_or("the event channel ended")?;
        println!(
            "Lene's event: {:?} {} {}",
            event.event_type,
            event.rel,
            event.link.href.as_str()
        );
        if let Some(link) = presence_update(&event) {
            return Ok(link);
        }
    }
}

fn href(application: &Application) -> String {
    application
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().to_owned())
        .unwrap_or_default()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let format = if std::env::args().any(|a| a == "--xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let emulator = Emulator::start(Config::default()).await?;
    println!(
        "started the embedded UCWA emulator at {} ({format:?})",
        emulator.origin()
    );
    let (lene, lene_app) = sign_in(&emulator, "lene@contoso.com", format).await?;
    let (ann, ann_app) = sign_in(&emulator, "ann@contoso.com", format).await?;
    let mut events = lene.events(lene_app.links.events.as_ref().ok_or("no events link")?);

    let people = lene.people(&lene_app)?;
    println!("Lene's contacts:");
    for contact in people.contacts().await? {
        let presence = people.contact_presence(&contact).await?;
        println!(
            "  {:<12} {:<22} {:?}",
            contact.name.as_deref().unwrap_or("?"),
            contact.uri.as_ref().map_or("?", |u| u.as_str()),
            presence.availability
        );
    }
    for group in people.groups().await? {
        let members = people.group_contacts(&group).await?;
        println!(
            "group {:?} ({:?}): {} contacts",
            group.name.as_deref().unwrap_or("?"),
            group.rel,
            members.len()
        );
    }
    let found = people.search("john", Some(5)).await?;
    println!(
        "search \"john\": {:?} (more: {:?})",
        found
            .embedded
            .contact
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect::<Vec<_>>(),
        found.more_results_available
    );

    let ann_contact = people.contact("ann@contoso.com").await?;
    let mut subscription = people.subscribe(&["sip:ann@contoso.com"], 15).await?;
    println!(
        "subscribed to Ann's presence for 15 minutes: subscription {}",
        subscription.id().unwrap_or("?")
    );

    // Lene's channel first announces the subscription and Ann's presence to read.
    let link = next_presence_update(&mut events).await?;
    println!(
        "  Ann is {:?}",
        people.presence_at(&link).await?.availability
    );

    // Ann sets Busy and a note on her own application; Lene hears of it.
    let ann_me = ann.me(&ann_app).await?;
    ann_me.set_availability(PreferredAvailability::Busy).await?;
    ann_me.set_note("In a meeting until 3").await?;
    println!("Ann set her availability to Busy, and a note");
    let link = next_presence_update(&mut events).await?;
    println!(
        "  Ann is {:?}",
        people.presence_at(&link).await?.availability
    );
    let note = people.contact_note(&ann_contact).await?;
    println!("  Ann's note: {:?}", note.message.unwrap_or_default());

    subscription.extend(30).await?;
    println!("extended the subscription to 30 minutes");
    subscription.delete().await?;
    println!("deleted the subscription: no more updates about Ann");
    emulator.shutdown().await;
    Ok(())
}
