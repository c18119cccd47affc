//! The online meetings task against an embedded emulator: Lene schedules a meeting, updates
//! it (and sees a stale update refused), lists her meetings; Ann joins it by its URI and
//! watches the invitation on her event channel; Lene deletes it, and a late join is refused.
//!
//! ```sh
//! cargo run -p ucwa-client --example meetings            # JSON
//! cargo run -p ucwa-client --example meetings -- --xml   # XML
//! ```

use std::error::Error;
use std::time::Duration;

use ucwa::enumerations::AccessLevel;
use ucwa::operations::{ApplicationsPost, ApplicationsPostBody, MyOnlineMeetingsPostBody};
use ucwa::resources::{AnyResource, Application};
use ucwa::{Enumeration, Format, Link};
use ucwa_client::Client;
use ucwa_client::meetings::etag;
use ucwa_emulator::{Config, Emulator};

/// A client of `address` with a new application.
async fn sign_in(
    emulator: &Emulator,
    address: &str,
    format: Format,
) -> Result<(Client, Application), Box<dyn Error>> {
    let token = emulator
        .token_for(address)
        .ok_or("the emulator does not know this user")?;
    let client = Client::builder(emulator.origin(), token)
        .format(format)
        .long_poll(Duration::from_secs(2))
        .build()?;
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some(format!("example-{address}")),
        user_agent: Some("ucwa-client-example/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(ucwa_emulator::APPLICATIONS_PATH),
        &body,
        format,
    )?;
    let application = client.send::<ApplicationsPost>(request).await?;
    println!(
        "{address} signed in: application {}",
        application
            .links
            .self_
            .as_ref()
            .map_or("?", |l| l.href.as_str())
    );
    Ok((client, application))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let format = if std::env::args().any(|a| a == "--xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let emulator = Emulator::start(Config::default()).await?;
    println!(
        "started the UCWA emulator at {} ({format:?})",
        emulator.origin()
    );

    let (lene, lene_application) = sign_in(&emulator, "lene@contoso.com", format).await?;
    let meetings = lene.online_meetings(&lene_application);
    let meeting = meetings
        .schedule(&MyOnlineMeetingsPostBody {
            subject: Some("Quarterly numbers".into()),
            description: Some("Sales review and projections".into()),
            attendees: Some(vec![
                "sip:ann@contoso.com".into(),
                "sip:john@contoso.com".into(),
            ]),
            access_level: Some(AccessLevel::Invited),
            ..Default::default()
        })
        .await?;
    let uri = meeting
        .online_meeting_uri
        .clone()
        .ok_or("the meeting has no URI")?;
    println!(
        "scheduled `{}`: {uri}, join URL {}, expires {}, etag {}",
        meeting.subject.as_deref().unwrap_or_default(),
        meeting.join_url.as_deref().unwrap_or_default(),
        meeting
            .expiration_time
            .map(|t| t.to_iso8601())
            .unwrap_or_default(),
        etag(&meeting).map(|t| t.to_string()).unwrap_or_default(),
    );

    let updated = meetings
        .update(&meeting, |m| {
            m.subject = Some("Quarterly numbers (moved to Friday)".into());
        })
        .await?;
    println!(
        "updated: subject `{}`, etag {}",
        updated.subject.as_deref().unwrap_or_default(),
        etag(&updated).map(|t| t.to_string()).unwrap_or_default(),
    );
    match meetings
        .update(&meeting, |m| m.subject = Some("a stale change".into()))
        .await
    {
        Ok(_) => return Err("a stale update was accepted".into()),
        Err(e) => println!("an update with the old etag is refused: {e}"),
    }

    for listed in meetings.list().await? {
        println!(
            "listed: {} `{}` with {} attendee(s)",
            listed.online_meeting_id.as_deref().unwrap_or_default(),
            listed.subject.as_deref().unwrap_or_default(),
            listed.attendees.as_ref().map_or(0, Vec::len),
        );
    }

    let (ann, ann_application) = sign_in(&emulator, "ann@contoso.com", format).await?;
    let mut channel = ann.events(
        ann_application
            .links
            .events
            .as_ref()
            .ok_or("the application has no event channel")?,
    );
    let ann_meetings = ann.online_meetings(&ann_application);
    let invitation = ann_meetings.join(uri.as_str()).await?;
    println!("ann joins by the URI: invitation {}", invitation.href);
    let mut seen = 0;
    while seen < 4 {
        let batch = channel.next_batch().await?;
        if batch.senders.is_empty() {
            break;
        }
        for (sender, event) in batch.events() {
            seen += 1;
            let state = match &event.resource {
                Some(AnyResource::OnlineMeetingInvitation(i)) => i
                    .state
                    .as_ref()
                    .map(|s| format!(" ({})", s.as_str()))
                    .unwrap_or_default(),
                Some(AnyResource::OnlineMeeting(m)) => {
                    format!(" (`{}`)", m.subject.as_deref().unwrap_or_default())
                }
                _ => String::new(),
            };
            println!(
                "  event from {}: {} {}{state}",
                sender.rel,
                event.event_type.as_str(),
                event.rel
            );
        }
    }
    let read = ann_meetings.invitation(&invitation).await?;
    println!(
        "the invitation is {:?}",
        read.state.as_ref().map(|s| s.as_str())
    );

    meetings.delete(&updated).await?;
    println!("deleted the meeting; {} left", meetings.list().await?.len());
    match ann_meetings.join(uri.as_str()).await {
        Ok(_) => return Err("a deleted meeting was joined".into()),
        Err(e) => println!("joining it now is refused: {e}"),
    }
    Ok(())
}
