//! Call forwarding, as an on-call rotation or an out-of-office portal would set it: Lene reads
//! her settings, forwards her calls to Ann, then to voicemail, has her team ring with her after
//! ten seconds, sends unanswered calls to voicemail after 30 seconds, and turns it all off;
//! each change is printed as her other application hears it on the event channel.
//!
//! ```sh
//! cargo run -p ucwa-client --example forwarding            # JSON
//! cargo run -p ucwa-client --example forwarding -- --xml   # XML
//! ```

mod common;

use std::time::Duration;

use tokio::sync::broadcast;
use ucwa_client::forwarding::ForwardingSettings;

/// The next change announced on `events`.
async fn next_change(
    events: &mut ucwa_client::EventReceiver,
) -> Result<ForwardingSettings, Box<dyn std::error::Error>> {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(found) = ForwardingSettings::from_event(&events.recv().await?) {
                return Ok::<_, broadcast::error::RecvError>(found);
            }
        }
    })
    .await??;
    Ok(found)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = common::format_from_args();
    let emulator = common::emulator().await?;
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let desk = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let mut events = desk.events();
    let forwarding = lene.forwarding();

    let settings = forwarding.read().await?;
    println!(
        "now: {:?}, unanswered: {:?}",
        settings.forward, settings.unanswered
    );
    forwarding
        .read()
        .await?
        .forward_to_contact("sip:ann@contoso.com")
        .await?;
    println!("changed: {:?}", next_change(&mut events).await?.forward);
    forwarding.read().await?.forward_to_voicemail().await?;
    println!("changed: {:?}", next_change(&mut events).await?.forward);
    forwarding.read().await?.ring_team(Some(10)).await?;
    println!("changed: {:?}", next_change(&mut events).await?.forward);
    forwarding
        .read()
        .await?
        .unanswered_to_voicemail(Some(30))
        .await?;
    println!(
        "changed: unanswered {:?}",
        next_change(&mut events).await?.unanswered
    );
    forwarding.read().await?.turn_off().await?;
    forwarding.read().await?.reset_unanswered().await?;
    next_change(&mut events).await?;
    let last = next_change(&mut events).await?;
    println!("off: {:?}, unanswered: {:?}", last.forward, last.unanswered);
    lene.shutdown().await;
    desk.shutdown().await;
    Ok(())
}
