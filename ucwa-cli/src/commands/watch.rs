//! `ucwa watch`: the event channel as it arrives, through the session's recovery.

use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use ucwa::events::Event;
use ucwa::resources::AnyResource;
use ucwa_client::Status;

use crate::connect::Connection;
use crate::failure::{Failure, Kind};
use crate::output::{Output, Progress};

/// One event as printed (stable names: `type`, `rel`, `href`, `in_rel`, `in_href`, `status`),
/// or the session's own news (`type` `session`).
#[derive(Serialize)]
struct EventView {
    r#type: String,
    rel: String,
    href: Option<String>,
    in_rel: Option<String>,
    in_href: Option<String>,
    status: Option<String>,
}

impl From<&Event<AnyResource>> for EventView {
    fn from(event: &Event<AnyResource>) -> Self {
        EventView {
            r#type: format!("{:?}", event.event_type).to_lowercase(),
            rel: event.rel.clone(),
            href: Some(event.link.href.as_str().to_owned()),
            in_rel: event.in_rel.clone(),
            in_href: event.in_link.as_ref().map(|l| l.href.as_str().to_owned()),
            status: event.status.clone(),
        }
    }
}

/// Prints events until Ctrl-C or `count` of them; a recovered session (the server deleted
/// the application, the client made another) is printed as a `session` line and watching
/// goes on.
pub async fn watch(
    connection: &Connection,
    count: Option<u64>,
    progress: &Progress,
    out: Output,
) -> Result<(), Failure> {
    let mut events = connection.session.events();
    let mut status = connection.session.status();
    progress.say("watching the event channel (Ctrl-C to stop)");
    let mut printed = 0u64;
    loop {
        if count.is_some_and(|n| printed >= n) {
            return Ok(());
        }
        let view = tokio::select! {
            event = events.recv() => match event {
                Ok(event) => EventView::from(&event),
                Err(RecvError::Lagged(n)) => session_line(format!("lagged: {n} events missed")),
                Err(RecvError::Closed) => return Err(ended()),
            },
            news = status.recv() => match news {
                Ok(Status::Recovered { application, .. }) => session_line(format!(
                    "recovered: a new application {}",
                    application.map(|a| a.as_str().to_owned()).unwrap_or_default()
                )),
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return Err(ended()),
            },
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        progress.done();
        if out.json {
            out.json_line(&view);
        } else {
            out.show(&view, || {
                let within = view
                    .in_rel
                    .as_deref()
                    .map(|r| format!(" in {r}"))
                    .unwrap_or_default();
                format!(
                    "{:<9} {}{within}  {}",
                    view.r#type,
                    view.rel,
                    view.href.as_deref().unwrap_or("")
                )
            });
        }
        printed += 1;
    }
}

fn session_line(status: String) -> EventView {
    EventView {
        r#type: "session".to_owned(),
        rel: "application".to_owned(),
        href: None,
        in_rel: None,
        in_href: None,
        status: Some(status),
    }
}

fn ended() -> Failure {
    Failure::new(
        Kind::Network,
        "The session ended: check the server and watch again.",
    )
}
