//! `ucwa call`: a call via work (the server rings the user's phone, then the other party, and
//! joins them), waited on until it connects or fails, then kept until it ends.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use ucwa::enumerations::CallState;
use ucwa::events::EventType;
use ucwa_client::calls::{CallOutcome, PhoneAudioState, PhoneCall, PlaceCall};

use crate::cli::CallArgs;
use crate::connect::Connection;
use crate::failure::{Context, Failure, Kind};
use crate::output::{Output, Progress};

/// A change of the call, as printed (`--json`: one line each).
#[derive(Serialize)]
struct CallEvent<'a> {
    /// `connected`, `failed` or `ended`.
    event: &'static str,
    /// Who was called, as given.
    to: &'a str,
    /// Why it failed (`busy`, `declined`, `not answered`, `failed`), or who ended it (`you`,
    /// `the other end`).
    reason: Option<String>,
}

/// Places the call, shows it ringing on stderr, and prints when it connects; then keeps it
/// until the other end hangs up, `--hang-up-after` passes or Ctrl-C, and hangs up. A call that
/// does not connect: exit code 7.
pub async fn call(
    connection: &Connection,
    args: &CallArgs,
    progress: &Progress,
    out: Output,
) -> Result<(), Failure> {
    // Subscribed before placing: the outcome comes as events.
    let mut events = connection.session.events();
    let mut place = PlaceCall::to(&args.to);
    if let Some(phone) = &args.ring_first {
        place = place.ring_first(phone);
    }
    if let Some(subject) = &args.subject {
        place = place.subject(subject);
    }
    progress.say(&format!("calling {}: your phone rings first", args.to));
    let mut call = connection
        .session
        .calls()
        .place(place)
        .await
        .doing(&format!("Calling {}", args.to))?;
    let timeout = Duration::from_secs(args.timeout);
    let outcome = match call.outcome(&mut events, timeout).await {
        Ok(outcome) => outcome,
        Err(error) => {
            // Whatever the reason, a call left ringing is stopped.
            hang_up(&mut call).await;
            progress.done();
            let kind = match error {
                ucwa_client::outcome::FollowError::TimedOut(_) => Kind::CallFailed,
                _ => Kind::Other,
            };
            return Err(Failure::new(
                kind,
                format!(
                    "The call to {} did not connect: {error}; try again, or give a longer --timeout.",
                    args.to
                ),
            ));
        }
    };
    if let CallOutcome::Failed(why) = outcome {
        progress.done();
        let reason = match &why {
            ucwa_client::calls::CallFailure::Busy(_) => "busy",
            ucwa_client::calls::CallFailure::Declined(_) => "declined",
            ucwa_client::calls::CallFailure::NoAnswer(_) => "not answered",
            _ => "failed",
        };
        if out.json {
            out.json_line(&CallEvent {
                event: "failed",
                to: &args.to,
                reason: Some(reason.to_owned()),
            });
        }
        return Err(Failure::new(
            Kind::CallFailed,
            format!(
                "The call to {} did not connect: {why}; try again later.",
                args.to
            ),
        ));
    }
    progress.done();
    show(
        out,
        &CallEvent {
            event: "connected",
            to: &args.to,
            reason: None,
        },
        || format!("Connected to {}.", args.to),
    );
    let href = call
        .phone_audio()
        .await
        .ok()
        .and_then(|p| {
            p.resource()
                .links
                .self_
                .as_ref()
                .map(|l| l.href.as_str().to_owned())
        })
        .unwrap_or_default();
    progress.say("on the call: Ctrl-C hangs up");
    let ended_by_them = {
        let wait_end = async {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        let ended = PhoneAudioState::from_event(&event).is_some_and(|s| {
                            s.href == href && s.state == Some(CallState::Disconnected)
                        }) || (event.event_type == EventType::Deleted
                            && !href.is_empty()
                            && event.link.href.as_str() == href);
                        if ended {
                            return true;
                        }
                    }
                    Err(RecvError::Lagged(_)) => {}
                    // The session stopped: the call is gone with it.
                    Err(RecvError::Closed) => return true,
                }
            }
        };
        let hang_up_after = async {
            match args.hang_up_after {
                Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ended = wait_end => ended,
            () = hang_up_after => false,
            _ = tokio::signal::ctrl_c() => false,
        }
    };
    if !ended_by_them {
        progress.say("hanging up");
        hang_up(&mut call).await;
    }
    progress.done();
    let by = if ended_by_them {
        "the other end"
    } else {
        "you"
    };
    show(
        out,
        &CallEvent {
            event: "ended",
            to: &args.to,
            reason: Some(by.to_owned()),
        },
        || format!("Call ended by {by}."),
    );
    Ok(())
}

/// Stops the call if it is still live (best effort: it may have ended already).
async fn hang_up(call: &mut PhoneCall) {
    if call.phone_audio().await.is_err() {
        // Still ringing: the invitation names the phoneAudio to stop.
        let _ = call.invitation().await;
    }
    if let Ok(phone_audio) = call.phone_audio().await {
        let _ = phone_audio.stop().await;
    }
}

fn show(out: Output, event: &CallEvent<'_>, human: impl FnOnce() -> String) {
    if out.json {
        out.json_line(event);
    } else {
        out.show(event, human);
    }
}
