//! `ucwa im send`, `ucwa im listen`.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use ucwa_client::messaging::{
    ConversationHandle, IncomingInvitation, ReceivedMessage, StartMessaging,
};
use ucwa_client::outcome::OperationOutcome;

use super::sip;
use crate::connect::Connection;
use crate::failure::{Context, Failure, Kind};
use crate::output::{Output, Progress};

/// One recipient's outcome.
#[derive(Serialize)]
struct Delivery {
    to: String,
    delivered: bool,
    reason: Option<String>,
}

/// Sends `message` to each of `to`, one conversation each, waiting for each to accept; the
/// conversations are ended afterwards. Not delivered to someone: exit code 6.
pub async fn send(
    connection: &Connection,
    to: &[String],
    message: &str,
    timeout: Duration,
    progress: &Progress,
    out: Output,
) -> Result<(), Failure> {
    let messaging = connection.session.messaging();
    let mut events = connection.session.events();
    // Every invitation is sent first, then waited on: the recipients answer in parallel.
    let mut invitations = Vec::new();
    for address in to {
        let invitation = messaging
            .start(StartMessaging::to(sip(address)).message(message))
            .await
            .doing(&format!("Inviting {address}"))?;
        invitations.push((address, invitation));
    }
    let mut deliveries = Vec::new();
    for (address, mut invitation) in invitations {
        progress.say(&format!("waiting for {address} to accept"));
        let delivery = match invitation.outcome(&mut events, timeout).await {
            // The conversation is left open for an answer; it ends with the application when
            // the command exits.
            Ok(OperationOutcome::Succeeded(_)) => Delivery {
                to: address.clone(),
                delivered: true,
                reason: None,
            },
            Ok(OperationOutcome::Failed(why)) => Delivery {
                to: address.clone(),
                delivered: false,
                reason: Some(match &why.subcode {
                    Some(sub) => format!("{} / {sub}", why.code),
                    None => why.code.to_string(),
                }),
            },
            Err(e) => Delivery {
                to: address.clone(),
                delivered: false,
                reason: Some(e.to_string()),
            },
        };
        deliveries.push(delivery);
    }
    progress.done();
    out.show(&deliveries, || {
        deliveries
            .iter()
            .map(|d| match &d.reason {
                None => format!("delivered to {}", d.to),
                Some(why) => format!("not delivered to {}: {why}", d.to),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let failed: Vec<&str> = deliveries
        .iter()
        .filter(|d| !d.delivered)
        .map(|d| d.to.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            Kind::NotDelivered,
            format!(
                "Not delivered to {}: check the address and that they are signed in.",
                failed.join(", ")
            ),
        ))
    }
}

/// A message received, as printed.
#[derive(Serialize)]
struct Received {
    from: Option<String>,
    text: String,
    html: bool,
}

/// Accepts every invitation and prints each message as it arrives (one JSON per line with
/// `--json`), answering with `reply` if given; until Ctrl-C or `count` messages.
pub async fn listen(
    connection: &Connection,
    reply: Option<&str>,
    count: Option<u64>,
    progress: &Progress,
    out: Output,
) -> Result<(), Failure> {
    let messaging = connection.session.messaging();
    let mut events = connection.session.events();
    let mut conversations: Vec<ConversationHandle> = Vec::new();
    let mut printed = 0u64;
    progress.say(&format!(
        "listening as {} (Ctrl-C to stop)",
        connection.address
    ));
    loop {
        if count.is_some_and(|n| printed >= n) {
            return Ok(());
        }
        let event = tokio::select! {
            event = events.recv() => event,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let event = match event {
            Ok(event) => event,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => {
                return Err(Failure::new(
                    Kind::Network,
                    "The session ended: check the server and listen again.",
                ));
            }
        };
        let (from, text, html, conversation) =
            if let Some(incoming) = IncomingInvitation::from_event(&event) {
                incoming
                    .accept(&messaging)
                    .await
                    .doing("Accepting an invitation")?;
                // The sender may have ended the conversation already (a one-off `im send`): the
                // message is printed all the same, with no one to answer.
                let conversation = match incoming.conversation(&messaging).await {
                    Ok(conversation) => {
                        conversations.push(conversation.clone());
                        Some(conversation)
                    }
                    Err(_) => None,
                };
                let from = incoming.from().and_then(|p| p.name.clone());
                match incoming.first_message() {
                    Some(text) => (from, text, false, conversation),
                    None => continue,
                }
            } else if let Some(message) = ReceivedMessage::from_event(&event) {
                let href = message
                    .message
                    .links
                    .self_
                    .as_ref()
                    .map(|l| l.href.as_str().to_owned())
                    .unwrap_or_default();
                let conversation = conversations.iter().find(|c| {
                    c.resource()
                        .links
                        .self_
                        .as_ref()
                        .is_some_and(|own| href.starts_with(own.href.as_str()))
                });
                let text = message.text().unwrap_or("").to_owned();
                (
                    message.from.clone(),
                    text,
                    message.is_html(),
                    conversation.cloned(),
                )
            } else {
                continue;
            };
        progress.done();
        let received = Received { from, text, html };
        if out.json {
            out.json_line(&received);
        } else {
            out.show(&received, || {
                format!(
                    "{}: {}",
                    received.from.as_deref().unwrap_or("?"),
                    received.text
                )
            });
        }
        printed += 1;
        if let (Some(reply), Some(conversation)) = (reply, conversation)
            && let Err(e) = conversation.send_message(reply).await
        {
            // Listening goes on: the sender may have left the conversation.
            progress.warn(&format!(
                "could not reply to {}: {e}",
                received.from.as_deref().unwrap_or("?")
            ));
        }
    }
}
