//! Instant messaging between two users of the embedded emulator: Lene invites Ann with a first
//! message, Ann accepts, they exchange messages (Ann typing first), Lene stops the conversation;
//! then an invitation to someone who is not signed in fails with its reason.
//!
//! ```sh
//! cargo run -p ucwa-client --example messaging            # JSON
//! cargo run -p ucwa-client --example messaging -- --xml   # XML
//! ```

mod common;

use std::time::Duration;

use tokio::sync::broadcast;
use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;
use ucwa_client::messaging::{IncomingInvitation, ReceivedMessage, StartMessaging};
use ucwa_client::outcome::OperationOutcome;

const WAIT: Duration = Duration::from_secs(10);

/// The first event `pick` accepts.
async fn wait_for<T>(
    events: &mut ucwa_client::EventReceiver,
    mut pick: impl FnMut(&Event<AnyResource>) -> Option<T>,
) -> Result<T, Box<dyn std::error::Error>> {
    let found = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(found) = pick(&events.recv().await?) {
                return Ok::<T, broadcast::error::RecvError>(found);
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
    let ann = common::sign_in(&emulator, "ann@contoso.com", format).await?;
    let (mut lene_events, mut ann_events) = (lene.events(), ann.events());

    let mut invitation = lene
        .messaging()
        .start(
            StartMessaging::to("sip:ann@contoso.com")
                .subject("Lunch?")
                .message("Hi Ann, are you free at noon?"),
        )
        .await?;
    println!("Lene invited Ann: {}", invitation.link.href.as_str());

    let incoming = wait_for(&mut ann_events, IncomingInvitation::from_event).await?;
    println!(
        "Ann is invited by {} ({:?}): {:?}",
        incoming
            .from()
            .and_then(|p| p.name.as_deref())
            .unwrap_or("?"),
        incoming.invitation.subject.as_deref().unwrap_or(""),
        incoming.first_message().unwrap_or_default()
    );
    incoming.accept(&ann.messaging()).await?;

    match invitation.outcome(&mut lene_events, WAIT).await? {
        OperationOutcome::Succeeded(_) => println!("Lene's invitation completed: accepted"),
        OperationOutcome::Failed(why) => return Err(format!("not accepted: {}", why.code).into()),
    }
    let first = wait_for(&mut ann_events, ReceivedMessage::from_event).await?;
    println!(
        "Ann received: {:?} from {:?}",
        first.text().unwrap_or(""),
        first.from
    );

    let ann_talk = incoming.conversation(&ann.messaging()).await?;
    ann_talk.set_typing().await?;
    let typing = wait_for(&mut lene_events, |e| {
        (e.event_type == EventType::Added && e.in_rel.as_deref() == Some("typingParticipants"))
            .then(|| e.link.title.clone().unwrap_or_default())
    })
    .await?;
    println!("Lene sees {typing} typing");
    ann_talk.send_message("Yes! Usual place?").await?;
    let reply = wait_for(&mut lene_events, ReceivedMessage::from_event).await?;
    println!(
        "Lene received: {:?} from {:?}",
        reply.text().unwrap_or(""),
        reply.from
    );

    let lene_talk = invitation.conversation(&lene.messaging()).await?;
    lene_talk.send_message("See you there.").await?;
    let last = wait_for(&mut ann_events, ReceivedMessage::from_event).await?;
    println!("Ann received: {:?}", last.text().unwrap_or(""));
    lene_talk.stop().await?;
    wait_for(&mut ann_events, |e| {
        (e.event_type == EventType::Deleted && e.rel == "conversation").then_some(())
    })
    .await?;
    println!("Lene stopped the conversation; Ann's side ended too");

    let mut unreachable = lene
        .messaging()
        .start(StartMessaging::to("john@contoso.com").message("Hello?"))
        .await?;
    if let Some((code, subcode)) = unreachable.outcome(&mut lene_events, WAIT).await?.failure() {
        println!("an invitation to John (not signed in) failed: {code} / {subcode:?}");
    }
    lene.shutdown().await;
    ann.shutdown().await;
    Ok(())
}
