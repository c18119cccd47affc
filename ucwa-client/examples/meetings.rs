//! The online meetings task against the embedded emulator: Lene schedules a meeting, updates
//! it (and sees a stale update refused), lists her meetings; Ann joins it by its URI and
//! watches the invitation on her event channel; Lene deletes it, and a late join is refused.
//!
//! ```sh
//! cargo run -p ucwa-client --example meetings            # JSON
//! cargo run -p ucwa-client --example meetings -- --xml   # XML
//! ```

mod common;

use std::error::Error;
use std::time::Duration;

use ucwa::Enumeration;
use ucwa::enumerations::AccessLevel;
use ucwa::operations::MyOnlineMeetingsPostBody;
use ucwa::resources::AnyResource;
use ucwa_client::meetings::etag;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = common::emulator().await?;
    let format = common::format_from_args();
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let meetings = lene.online_meetings();
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
        "scheduled `{}`: {uri}\n  join URL {}, expires {}, etag {}",
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

    let ann = common::sign_in(&emulator, "ann@contoso.com", format).await?;
    let mut events = ann.events();
    let ann_meetings = ann.online_meetings();
    let invitation = ann_meetings.join(uri.as_str()).await?;
    println!("ann joins by the URI: invitation {}", invitation.href);
    // The invitation's progress on Ann's event channel, until it completes.
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv()).await??;
        let detail = match &event.resource {
            Some(AnyResource::OnlineMeetingInvitation(i)) => {
                format!(" ({})", i.state.as_ref().map_or("?", |s| s.as_str()))
            }
            Some(AnyResource::OnlineMeeting(m)) => {
                format!(" (`{}`)", m.subject.as_deref().unwrap_or_default())
            }
            _ => continue,
        };
        println!(
            "  event: {} {}{detail}",
            event.event_type.as_str(),
            event.rel
        );
        if event.event_type.as_str() == "completed" {
            break;
        }
    }
    let read = ann_meetings.invitation(&invitation).await?;
    println!(
        "the invitation is {}",
        read.state.as_ref().map_or("?", |s| s.as_str())
    );

    meetings.delete(&updated).await?;
    println!("deleted the meeting; {} left", meetings.list().await?.len());
    match ann_meetings.join(uri.as_str()).await {
        Ok(_) => return Err("a deleted meeting was joined".into()),
        Err(e) => println!("joining it now is refused: {e}"),
    }
    ann.shutdown().await;
    lene.shutdown().await;
    Ok(())
}
