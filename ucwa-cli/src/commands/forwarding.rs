//! `ucwa forwarding show|immediate|simultaneous|unanswered|off`: where the user's calls go.

use serde::Serialize;
use ucwa_client::forwarding::{Forward, ForwardingSettings, Unanswered};

use crate::cli::ForwardingAction;
use crate::connect::Connection;
use crate::failure::{Context, Failure, Kind};
use crate::output::Output;

/// The settings as shown.
#[derive(Serialize)]
struct View {
    /// Where calls go.
    forward: Mode,
    /// Where calls nobody answers go.
    unanswered: Mode,
}

/// One setting: its mode, its target (a SIP or tel URI), and its delay in seconds.
#[derive(Serialize)]
struct Mode {
    /// `off`, `to-contact`, `to-delegates`, `to-voicemail`, `ring-contact`, `ring-delegates`,
    /// `ring-team`, `other` (forward); `default`, `voicemail`, `contact` (unanswered).
    mode: String,
    target: Option<String>,
    delay: Option<i64>,
}

impl Mode {
    fn new(mode: &str, target: Option<&str>, delay: Option<i64>) -> Mode {
        Mode {
            mode: mode.to_owned(),
            target: target.map(str::to_owned),
            delay,
        }
    }
}

/// A target as forwarding takes it: a SIP or tel URI stays one, an address gains `sip:`, a
/// number becomes `tel:` without the separators people write.
fn target(given: &str) -> String {
    let given = given.trim();
    let lower = given.to_ascii_lowercase();
    if lower.starts_with("sip:") || lower.starts_with("tel:") {
        given.to_owned()
    } else if given.contains('@') {
        format!("sip:{given}")
    } else {
        let digits: String = given
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

/// Whether `given` names a place by a keyword (`voicemail`, `delegates`, `team`, `default`).
fn is(given: &str, keyword: &str) -> bool {
    given.trim().eq_ignore_ascii_case(keyword)
}

/// Changes the settings as `action` says, then prints them as read again.
pub async fn forwarding(
    connection: &Connection,
    action: &ForwardingAction,
    out: Output,
) -> Result<(), Failure> {
    let handle = connection.session.forwarding();
    let settings = handle
        .read()
        .await
        .doing("Reading the forwarding settings")?;
    let doing = "Changing the forwarding settings";
    match action {
        ForwardingAction::Show => {}
        ForwardingAction::Off => settings.turn_off().await.doing(doing)?,
        ForwardingAction::Immediate { to } if is(to, "voicemail") => {
            settings.forward_to_voicemail().await.doing(doing)?
        }
        ForwardingAction::Immediate { to } if is(to, "delegates") => {
            settings.forward_to_delegates().await.doing(doing)?
        }
        ForwardingAction::Immediate { to } => settings
            .forward_to_contact(&target(to))
            .await
            .doing(doing)?,
        ForwardingAction::Simultaneous { to, delay } if is(to, "delegates") => {
            settings.ring_delegates(*delay).await.doing(doing)?
        }
        ForwardingAction::Simultaneous { to, delay } if is(to, "team") => {
            settings.ring_team(*delay).await.doing(doing)?
        }
        ForwardingAction::Simultaneous { to, delay } => {
            if delay.is_some() {
                return Err(Failure::new(
                    Kind::Usage,
                    "--delay is for `delegates` and `team` only: leave it out for a contact or number.",
                ));
            }
            settings.ring_contact(&target(to)).await.doing(doing)?
        }
        ForwardingAction::Unanswered { to, .. } if is(to, "default") => {
            settings.reset_unanswered().await.doing(doing)?
        }
        ForwardingAction::Unanswered { to, after } if is(to, "voicemail") => settings
            .unanswered_to_voicemail(*after)
            .await
            .doing(doing)?,
        ForwardingAction::Unanswered { to, after } => settings
            .unanswered_to_contact(&target(to), *after)
            .await
            .doing(doing)?,
    }
    let settings = match action {
        ForwardingAction::Show => settings,
        _ => handle
            .read()
            .await
            .doing("Reading the forwarding settings")?,
    };
    let view = view(&settings);
    out.show(&view, || human(&view));
    Ok(())
}

fn view(settings: &ForwardingSettings) -> View {
    let forward = match &settings.forward {
        Forward::Off => Mode::new("off", None, None),
        Forward::ToContact(to) => Mode::new("to-contact", Some(to), None),
        Forward::ToDelegates => Mode::new("to-delegates", None, None),
        Forward::ToVoicemail => Mode::new("to-voicemail", None, None),
        Forward::RingContact(to) => Mode::new("ring-contact", Some(to), None),
        Forward::RingDelegates(delay) => Mode::new("ring-delegates", None, *delay),
        Forward::RingTeam(delay) => Mode::new("ring-team", None, *delay),
        Forward::Other(name) => Mode::new("other", Some(name), None),
        _ => Mode::new("other", None, None),
    };
    let unanswered = match &settings.unanswered {
        Unanswered::Voicemail(after) => Mode::new("voicemail", None, *after),
        Unanswered::Contact(to, after) => Mode::new("contact", Some(to), *after),
        _ => Mode::new("default", None, None),
    };
    View {
        forward,
        unanswered,
    }
}

fn human(view: &View) -> String {
    let after = |delay: Option<i64>, word: &str| match delay {
        Some(seconds) => format!(" {word} {seconds} s"),
        None => String::new(),
    };
    let f = &view.forward;
    let target = f.target.as_deref().unwrap_or("?");
    let forward = match f.mode.as_str() {
        "off" => "off: calls ring you only".to_owned(),
        "to-contact" => format!("forwarded to {target}"),
        "to-delegates" => "forwarded to your delegates".to_owned(),
        "to-voicemail" => "forwarded to voicemail".to_owned(),
        "ring-contact" => format!("{target} rings too"),
        "ring-delegates" => format!("your delegates ring too{}", after(f.delay, "after")),
        "ring-team" => format!("your team rings too{}", after(f.delay, "after")),
        _ => format!("{target} (a setting this tool does not know)"),
    };
    let u = &view.unanswered;
    let unanswered = match u.mode.as_str() {
        "voicemail" => format!("to voicemail{}", after(u.delay, "after")),
        "contact" => format!(
            "to {}{}",
            u.target.as_deref().unwrap_or("?"),
            after(u.delay, "after")
        ),
        _ => "the server's default".to_owned(),
    };
    format!("Forwarding:       {forward}\nUnanswered calls: {unanswered}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_written_as_forwarding_takes_them() {
        assert_eq!(target("+1 (425) 555-0123"), "tel:+14255550123");
        assert_eq!(target("ann@contoso.com"), "sip:ann@contoso.com");
        assert_eq!(target("SIP:ann@contoso.com"), "SIP:ann@contoso.com");
        assert!(is(" Voicemail", "voicemail"));
    }
}
