//! `ucwa presence`, `ucwa note`, `ucwa location`: what the user publishes.

use serde::Serialize;
use ucwa::Enumeration;
use ucwa::enumerations::PreferredAvailability;

use crate::cli::{Availability, PresenceAction, TextAction};
use crate::connect::Connection;
use crate::failure::{Context, Failure};
use crate::output::Output;

/// The presence as shown.
#[derive(Serialize)]
struct PresenceView {
    availability: Option<String>,
    activity: Option<String>,
}

/// `presence show|set|reset`; prints the presence after the change.
pub async fn presence(
    connection: &Connection,
    action: &PresenceAction,
    out: Output,
) -> Result<(), Failure> {
    let me = connection.session.me();
    match action {
        PresenceAction::Show => {}
        PresenceAction::Set { availability } => me
            .set_availability(preferred(*availability))
            .await
            .doing("Setting the availability")?,
        PresenceAction::Reset => me
            .reset_availability()
            .await
            .doing("Resetting the availability")?,
    }
    let presence = me.presence().await.doing("Reading the presence")?;
    let view = PresenceView {
        availability: presence.availability.map(|a| a.as_str().to_owned()),
        activity: presence.activity,
    };
    out.show(&view, || match &view.activity {
        Some(activity) => format!(
            "{} ({activity})",
            view.availability.as_deref().unwrap_or("?")
        ),
        None => view.availability.clone().unwrap_or_else(|| "?".to_owned()),
    });
    Ok(())
}

fn preferred(availability: Availability) -> PreferredAvailability {
    match availability {
        Availability::Online => PreferredAvailability::Online,
        Availability::Busy => PreferredAvailability::Busy,
        Availability::DoNotDisturb => PreferredAvailability::DoNotDisturb,
        Availability::BeRightBack => PreferredAvailability::BeRightBack,
        Availability::Away => PreferredAvailability::Away,
        Availability::OffWork => PreferredAvailability::Offwork,
    }
}

/// The note as shown.
#[derive(Serialize)]
struct NoteView {
    message: Option<String>,
    r#type: Option<String>,
}

/// `note show|set|clear`; prints the note after the change.
pub async fn note(
    connection: &Connection,
    action: &TextAction,
    out: Output,
) -> Result<(), Failure> {
    let me = connection.session.me();
    match action {
        TextAction::Show => {}
        TextAction::Set { text } => me.set_note(text).await.doing("Setting the note")?,
        TextAction::Clear => me.reset_note().await.doing("Clearing the note")?,
    }
    let note = me.note().await.doing("Reading the note")?;
    let view = NoteView {
        message: note.message.filter(|m| !m.is_empty()),
        r#type: note.r#type.map(|t| t.as_str().to_owned()),
    };
    out.show(&view, || {
        view.message
            .clone()
            .unwrap_or_else(|| "(no note)".to_owned())
    });
    Ok(())
}

/// The location as shown.
#[derive(Serialize)]
struct LocationView {
    location: Option<String>,
}

/// `location show|set|clear`; prints the location after the change.
pub async fn location(
    connection: &Connection,
    action: &TextAction,
    out: Output,
) -> Result<(), Failure> {
    let me = connection.session.me();
    match action {
        TextAction::Show => {}
        TextAction::Set { text } => me.set_location(text).await.doing("Setting the location")?,
        // UCWA has no reset for the location: an empty one clears it.
        TextAction::Clear => me.set_location("").await.doing("Clearing the location")?,
    }
    let location = me.location().await.doing("Reading the location")?;
    let view = LocationView {
        location: location.location.filter(|l| !l.is_empty()),
    };
    out.show(&view, || {
        view.location
            .clone()
            .unwrap_or_else(|| "(no location)".to_owned())
    });
    Ok(())
}
