//! Click-to-call, as a CRM would place it: Lene signs in advertising phone audio with her desk
//! phone; the server rings that phone, then the customer's number; the call connects, is put on
//! hold and taken off it, and hung up. Then a call to a busy number fails with its typed reason.
//! The far ends are the embedded emulator's simulated legs (its `--leg` rules when run alone).
//!
//! ```sh
//! cargo run -p ucwa-client --example click-to-call            # JSON
//! cargo run -p ucwa-client --example click-to-call -- --xml   # XML
//! ```

mod common;

use std::time::Duration;

use ucwa_client::calls::{CallOutcome, PhoneAudioState, PlaceCall};
use ucwa_emulator::LegOutcome;

const WAIT: Duration = Duration::from_secs(10);
const DESK_PHONE: &str = "tel:+14255550100";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = common::format_from_args();
    let emulator = common::emulator().await?;
    emulator
        .faults()
        .leg_outcome("tel:+14255550177", LegOutcome::Busy);
    let lene = common::sign_in_with(&emulator, "lene@contoso.com", format, |signin| {
        signin.phone_audio(DESK_PHONE)
    })
    .await?;
    let mut events = lene.events();

    let mut call = lene
        .calls()
        .place(PlaceCall::to("+1 425 555 0123").subject("Order 1234"))
        .await?;
    println!(
        "calling +1 425 555 0123 via {DESK_PHONE}: {}",
        call.invitation.href
    );
    match call.outcome(&mut events, WAIT).await? {
        CallOutcome::Connected => println!("connected"),
        CallOutcome::Failed(why) => return Err(format!("the call failed: {why}").into()),
    }
    call.phone_audio().await?.hold().await?;
    println!("on hold: {}", call.phone_audio().await?.is_held());
    call.phone_audio().await?.resume().await?;
    println!("resumed: held {}", call.phone_audio().await?.is_held());
    call.phone_audio().await?.stop().await?;
    let ended = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(state) = PhoneAudioState::from_event(&events.recv().await?)
                && state.state == Some(ucwa::enumerations::CallState::Disconnected)
            {
                return Ok::<_, tokio::sync::broadcast::error::RecvError>(state);
            }
        }
    })
    .await??;
    println!("hung up: {:?}", ended.state);

    let mut busy = lene.calls().place(PlaceCall::to("+1 425 555 0177")).await?;
    match busy.outcome(&mut events, WAIT).await? {
        CallOutcome::Failed(why) => println!("+1 425 555 0177: {why}"),
        CallOutcome::Connected => return Err("a busy number connected".into()),
    }
    lene.shutdown().await;
    Ok(())
}
