//! The people task against the embedded emulator: Lene and Ann sign in, Lene lists her
//! contacts and groups, searches, reads Ann's presence, subscribes to it, hears Ann become
//! Busy on her event channel, extends the subscription and deletes it.
//!
//! `cargo run -p ucwa-client --example people` (add `-- --xml` for XML).

mod common;

use std::time::Duration;

use ucwa::Link;
use ucwa::enumerations::PreferredAvailability;
use ucwa::resources::ContactPresence;
use ucwa_client::people::presence_update;

type Error = Box<dyn std::error::Error>;

/// Prints Lene's events up to the next update of a contact's presence, and gives its link.
async fn next_presence_update(
    events: &mut ucwa_client::EventReceiver,
) -> Result<Link<ContactPresence>, Error> {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv()).await??;
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let format = common::format_from_args();
    let emulator = common::emulator().await?;
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let ann = common::sign_in(&emulator, "ann@contoso.com", format).await?;
    let mut events = lene.events();

    let people = lene.people();
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
    let ann_me = ann.me();
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
    lene.shutdown().await;
    ann.shutdown().await;
    emulator.shutdown().await;
    Ok(())
}
