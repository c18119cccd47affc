//! Conversation history, as a "what did I miss" digest or an archiving bot would read it: Lene
//! and Ann talk, then Ann reads the conversation's log and its transcript page by page and
//! marks it read; Lene then invites Ann again and gives up before she answers, and the missed
//! IM reaches Ann as a missed item (the counts on the event channel, the log marked missed).
//!
//! ```sh
//! cargo run -p ucwa-client --example history            # JSON
//! cargo run -p ucwa-client --example history -- --xml   # XML
//! ```

mod common;

use std::time::Duration;

use ucwa::Link;
use ucwa::events::EventType;
use ucwa_client::history::{LogQuery, MissedItems, Speaker, TranscriptContent};
use ucwa_client::messaging::{IncomingInvitation, StartMessaging};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = common::format_from_args();
    let emulator = common::emulator().await?;
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let ann = common::sign_in(&emulator, "ann@contoso.com", format).await?;
    let (mut lene_events, mut ann_events) = (lene.events(), ann.events());

    // Lene and Ann talk; Lene ends the conversation.
    let mut invitation = lene
        .messaging()
        .start(
            StartMessaging::to("ann@contoso.com")
                .subject("Release notes")
                .message("Did you see the draft?"),
        )
        .await?;
    let incoming =
        common::next_event(&mut ann_events, WAIT, IncomingInvitation::from_event).await?;
    incoming.accept(&ann.messaging()).await?;
    invitation.outcome(&mut lene_events, WAIT).await?;
    let lene_talk = invitation.conversation(&lene.messaging()).await?;
    let ann_talk = incoming.conversation(&ann.messaging()).await?;
    ann_talk.send_message("Yes, two typos on page 2.").await?;
    lene_talk.send_message("Fixed, thanks!").await?;
    lene_talk.stop().await?;

    // Ann reads the log and its transcript, then marks it read.
    let history = ann.history();
    let log = history.logs(LogQuery::default().limit(1)).await?.remove(0);
    let recipients = log.recipients();
    let with: Vec<&str> = recipients
        .iter()
        .filter_map(|r| r.name.as_deref())
        .collect();
    println!(
        "log: {:?} with {with:?}, {:?}",
        log.subject().unwrap_or_default(),
        log.status()
    );
    let mut pages = log.transcripts();
    while let Some(page) = pages.next_page().await? {
        for transcript in page {
            // A contact by the name the log gives them.
            let who = match &transcript.from {
                Speaker::Me => "me",
                Speaker::Contact(href) => recipients
                    .iter()
                    .find(|r| r.contact.as_ref() == Some(href))
                    .and_then(|r| r.name.as_deref())
                    .unwrap_or("a contact"),
                _ => "?",
            };
            if let TranscriptContent::Message {
                text: Some(text), ..
            } = transcript.content
            {
                println!("  {who}: {text}");
            }
        }
    }
    log.mark_as_read().await?;

    // Lene invites Ann again and gives up before she answers: a missed IM.
    lene.messaging()
        .start(StartMessaging::to("ann@contoso.com").message("Call me when you can"))
        .await?;
    common::next_event(&mut ann_events, WAIT, IncomingInvitation::from_event).await?;
    let conversation: Link = common::next_event(&mut lene_events, WAIT, |e| {
        (e.event_type == EventType::Added && e.rel == "conversation").then(|| e.link.clone())
    })
    .await?;
    lene.messaging()
        .conversation(&conversation.cast())
        .await?
        .leave()
        .await?;
    let counts = common::next_event(&mut ann_events, WAIT, MissedItems::from_event).await?;
    println!(
        "missed items: {} missed, {} unread, {} logs",
        counts.missed, counts.unread_missed, counts.logs
    );
    for missed in history.logs(LogQuery::default().missed()).await? {
        println!("missed: {:?}", missed.preview().unwrap_or_default());
    }
    lene.shutdown().await;
    ann.shutdown().await;
    Ok(())
}
