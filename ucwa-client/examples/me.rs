//! The "me" tasks against the embedded emulator: read, set and reset the availability, set and
//! clear the note, set the location.
//!
//! ```sh
//! cargo run -p ucwa-client --example me            # JSON
//! cargo run -p ucwa-client --example me -- --xml   # XML
//! ```

mod common;

use ucwa::enumerations::PreferredAvailability;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = common::emulator().await?;
    let session =
        common::sign_in(&emulator, "lene@contoso.com", common::format_from_args()).await?;
    let mut events = session.events();
    let me = session.me();
    let resource = me.get().await?;
    println!(
        "me: {} <{}>",
        resource.name.as_deref().unwrap_or("?"),
        resource.uri.as_ref().map(|u| u.as_str()).unwrap_or("?")
    );
    println!("availability: {:?}", me.presence().await?.availability);

    me.set_availability(PreferredAvailability::Busy).await?;
    println!("set Busy; now {:?}", me.presence().await?.availability);
    me.reset_availability().await?;
    println!("reset; now {:?}", me.presence().await?.availability);

    me.set_note("Out for lunch, back at 2").await?;
    println!("note: {:?}", me.note().await?.message);
    me.reset_note().await?;
    println!("note cleared: {:?}", me.note().await?.message);

    me.set_location("Building 7, room 1201").await?;
    println!("location: {:?}", me.location().await?.location);

    // Each change was announced on the event channel, as to any other application of the user.
    let mut announced = Vec::new();
    while let Ok(Ok(event)) =
        tokio::time::timeout(std::time::Duration::from_millis(500), events.recv()).await
    {
        announced.push(format!("{:?} {}", event.event_type, event.rel));
    }
    println!("events: {}", announced.join(", "));
    session.shutdown().await;
    Ok(())
}
