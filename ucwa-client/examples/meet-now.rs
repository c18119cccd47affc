//! Meet now against the embedded emulator: Lene starts a meeting on the spot
//! (`startOnlineMeeting`), Ann joins it by its URI, both add messaging and chat; Lene, who
//! leads, promotes Ann to leader and back, and ends with ejecting her — while Ann, before her
//! promotion, is refused a leader's operation with a typed error.
//!
//! ```sh
//! cargo run -p ucwa-client --example meet-now            # JSON
//! cargo run -p ucwa-client --example meet-now -- --xml   # XML
//! ```

mod common;

use std::error::Error;
use std::time::Duration;

use ucwa::Enumeration;
use ucwa::events::{Event, EventType};
use ucwa::resources::{AnyResource, Participant};
use ucwa_client::EventReceiver;
use ucwa_client::Session;
use ucwa_client::messaging::{ConversationHandle, ReceivedMessage};

/// The first event `pick` takes, within ten seconds.
async fn next<T>(
    events: &mut EventReceiver,
    pick: impl Fn(&Event<AnyResource>) -> Option<T>,
) -> Result<T, Box<dyn Error>> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(found) = pick(&events.recv().await?) {
                return Ok(found);
            }
        }
    })
    .await?
}

fn completed(href: &str) -> impl Fn(&Event<AnyResource>) -> Option<String> + '_ {
    move |e| {
        (e.event_type == EventType::Completed && e.link.href.as_str() == href)
            .then(|| e.status.clone().unwrap_or_default())
    }
}

/// The meeting's conversation once `user`'s invitation at `href` completes.
async fn entered(
    user: &Session,
    events: &mut EventReceiver,
    invitation: &ucwa::Link<ucwa::resources::OnlineMeetingInvitation>,
) -> Result<ConversationHandle, Box<dyn Error>> {
    next(events, completed(invitation.href.as_str())).await?;
    let meetings = user.online_meetings();
    Ok(meetings
        .conversation(&meetings.invitation(invitation).await?)
        .await?)
}

async fn chat(
    user: &Session,
    meeting: &ConversationHandle,
) -> Result<ConversationHandle, Box<dyn Error>> {
    let mut events = user.events();
    let invitation = meeting.add_messaging().await?;
    next(&mut events, completed(invitation.href.as_str())).await?;
    Ok(meeting.refresh().await?)
}

/// `name` as `meeting`'s user sees them now.
async fn find(meeting: &ConversationHandle, name: &str) -> Result<Participant, Box<dyn Error>> {
    let mut links = meeting.attendees().await?;
    links.extend(meeting.leaders().await?);
    let link = links
        .into_iter()
        .find(|l| l.title.as_deref() == Some(name))
        .ok_or("not in the meeting")?;
    Ok(meeting.participant(&link).await?)
}

fn role_change(e: &Event<AnyResource>) -> Option<String> {
    match (&e.event_type, &e.resource) {
        (EventType::Updated, Some(AnyResource::Participant(p))) => Some(format!(
            "{} is now {}",
            p.name.as_deref().unwrap_or("?"),
            p.role.as_ref().map_or("?", |r| r.as_str())
        )),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = common::emulator().await?;
    let format = common::format_from_args();
    let lene = common::sign_in(&emulator, "lene@contoso.com", format).await?;
    let ann = common::sign_in(&emulator, "ann@contoso.com", format).await?;

    let mut lene_events = lene.events();
    let invitation = lene.online_meetings().meet_now(Some("Quick sync")).await?;
    let lene_meeting = entered(&lene, &mut lene_events, &invitation).await?;
    let meeting = lene_meeting.online_meeting().await?;
    let uri = meeting.online_meeting_uri.clone().ok_or("no URI")?;
    println!("Lene meets now: {uri}");

    let mut ann_events = ann.events();
    let invitation = ann.online_meetings().join(&uri).await?;
    let ann_meeting = entered(&ann, &mut ann_events, &invitation).await?;
    println!("Ann joins by the URI");

    let lene_meeting = chat(&lene, &lene_meeting).await?;
    let ann_meeting = chat(&ann, &ann_meeting).await?;
    let mut ann_events = ann.events();
    lene_meeting.send_message("Thanks for joining").await?;
    let text = next(&mut ann_events, |e| {
        ReceivedMessage::from_event(e).map(|m| String::from_utf8_lossy(&m.body).into_owned())
    })
    .await?;
    println!("Ann receives: {text}");

    let lene_seen = find(&ann_meeting, "Lene Aaling").await?;
    if let Err(refused) = ann_meeting.eject(&lene_seen).await {
        println!("Ann tries to eject Lene: {refused}");
    }
    let ann_seen = find(&lene_meeting, "Ann Remote").await?;
    lene_meeting.promote(&ann_seen).await?;
    println!("Ann hears: {}", next(&mut ann_events, role_change).await?);
    let ann_seen = find(&lene_meeting, "Ann Remote").await?;
    lene_meeting.demote(&ann_seen).await?;
    println!("Ann hears: {}", next(&mut ann_events, role_change).await?);
    let ann_seen = find(&lene_meeting, "Ann Remote").await?;
    lene_meeting.eject(&ann_seen).await?;
    next(&mut ann_events, |e| {
        (e.rel == "conversation" && e.event_type == EventType::Deleted).then_some(())
    })
    .await?;
    println!("Lene ejects Ann; Ann's side of the meeting ends");
    lene_meeting.leave().await?;
    ann.shutdown().await;
    lene.shutdown().await;
    Ok(())
}
