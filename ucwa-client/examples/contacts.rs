//! Managing the contact list against the embedded emulator: Lene subscribes to her list's
//! changes and reads it, makes a group, adds Ann to it, moves John into it from the default
//! group, pins Ann, renames the group, takes John off the list; every change of the list
//! arrives as an event, is printed and applied to her local copy, which ends equal to the
//! server's list. Then a distribution group is found and expanded.
//!
//! `cargo run -p ucwa-client --example contacts` (add `-- --xml` for XML).

mod common;

use std::time::Duration;

use ucwa_client::people::{ContactList, ListChange, SpecialGroup, list_change};

type Error = Box<dyn std::error::Error>;

fn describe(change: &ListChange) -> String {
    match change {
        ListChange::GroupAdded { rel, group, .. } => format!(
            "{rel} added: {:?}",
            group
                .as_ref()
                .and_then(|g| g.name.clone())
                .unwrap_or_default()
        ),
        ListChange::GroupUpdated { rel, group, .. } => format!(
            "{rel} updated: {:?}",
            group
                .as_ref()
                .and_then(|g| g.name.clone())
                .unwrap_or_default()
        ),
        ListChange::GroupRemoved { rel, link } => format!("{rel} deleted: {}", link.href.as_str()),
        ListChange::ContactAdded { contact, group } => format!(
            "contact {} added to {}",
            contact.href.as_str(),
            group.as_ref().map_or("the list", |g| g.href.as_str())
        ),
        ListChange::ContactRemoved { contact, group } => format!(
            "contact {} removed from {}",
            contact.href.as_str(),
            group.as_ref().map_or("the list", |g| g.href.as_str())
        ),
        other => format!("{other:?}"),
    }
}

fn print(list: &ContactList) {
    for group in list.groups().values() {
        println!(
            "  {:<18} {:<20} {} contacts",
            group.name.as_deref().unwrap_or("?"),
            group.rel,
            group.contacts.len()
        );
    }
    println!("  {} contacts on the list", list.contacts().len());
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let format = common::format_from_args();
    let emulator = common::emulator().await?;
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let mut events = lene.events();
    let people = lene.people();

    people.start_list_subscription(15).await?;
    let mut local = people.contact_list().await?;
    println!("Lene's list:");
    print(&local);

    let ann = people.contact("ann@contoso.com").await?;
    let john = people.contact("john@contoso.com").await?;
    let default = people.special_group(SpecialGroup::Default).await?;
    let team = people.create_group("Team").await?;
    people.copy_contact(&ann, &team).await?;
    people.move_contact(&john, &default, &team).await?;
    let pinned = people.special_group(SpecialGroup::Pinned).await?;
    people
        .add_contact("sip:ann@contoso.com", Some(&pinned))
        .await?;
    people.rename_group(&team, "Core team").await?;
    people.remove_contact(&john).await?;
    println!("made Team, added Ann, moved John in, pinned Ann, renamed Team, removed John");

    let server = people.contact_list().await?;
    tokio::time::timeout(Duration::from_secs(10), async {
        while local != server {
            let event = events.recv().await?;
            if let Some(change) = list_change(&event) {
                println!("event: {}", describe(&change));
                local.apply(&change);
            }
        }
        Ok::<_, Error>(())
    })
    .await??;
    println!("the local copy is the server's list:");
    print(&local);

    let found = people.search("sales", None).await?;
    if let Some(sales) = found.embedded.distribution_group.first() {
        let expansion = people.expand(sales, 50).await?;
        println!(
            "distribution group {:?}: {:?}",
            sales.name.as_deref().unwrap_or("?"),
            expansion
                .contacts
                .iter()
                .filter_map(|c| c.name.as_deref())
                .collect::<Vec<_>>()
        );
    }
    people.stop_list_subscription().await?;
    lene.shutdown().await;
    emulator.shutdown().await;
    Ok(())
}
