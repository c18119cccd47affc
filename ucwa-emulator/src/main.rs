//! `ucwa-emulator`: serve UCWA on loopback until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator, LegOutcome, LegRule, Legs, Limits};

#[derive(Parser)]
#[command(
    name = "ucwa-emulator",
    version,
    about = "A UCWA 2.0 server on loopback"
)]
struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// The bearer token clients must send.
    #[arg(long, default_value = "emulator-token")]
    token: String,
    /// The longest a pending GET on the event channel is held, in seconds.
    #[arg(long, default_value_t = 180)]
    long_poll: u64,
    /// The sign-in address the token endpoint accepts (password grant).
    #[arg(long, default_value = "lene@contoso.com")]
    user: String,
    /// That user's password.
    #[arg(long, default_value = "pass@word1")]
    password: String,
    /// Serve the applications on a second port that demands its own token.
    #[arg(long)]
    second_origin: bool,
    /// Serve HTTPS with a certificate made now for this name (repeatable; `localhost` and
    /// `127.0.0.1` are always in it).
    #[arg(long = "tls-name", value_name = "NAME")]
    tls_names: Vec<String>,
    /// With --tls-name: write the certificate (PEM) here, for clients to trust.
    #[arg(long, value_name = "PATH", requires = "tls_names")]
    certificate_out: Option<std::path::PathBuf>,
    /// How long an application may go without a request before it is deleted, in seconds.
    #[arg(long, default_value_t = 900)]
    application_expiry: u64,
    /// The most applications at once (more: 409 TooManyApplications).
    #[arg(long, default_value_t = Limits::default().max_applications)]
    max_applications: usize,
    /// The most events an event channel holds before it overflows (and answers `resync`).
    #[arg(long, default_value_t = Limits::default().event_backlog)]
    event_backlog: usize,
    /// The most events in one batch.
    #[arg(long, default_value_t = Limits::default().event_batch)]
    event_batch: usize,
    /// The most bytes of a request body (more: 413 EntityTooLarge).
    #[arg(long, default_value_t = Limits::default().max_request_body)]
    max_request_body: usize,
    /// How long a client may take to send a request's headers, and its body, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    read_timeout_ms: u64,
    /// The most connections served at once.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// What a called party does on a phone call, as PARTY=OUTCOME (`tel:+15551234=busy`,
    /// `sip:ann@contoso.com=declines`; outcomes: answers, busy, declines, no-answer). Repeat
    /// it for more parties.
    #[arg(long = "leg", value_name = "PARTY=OUTCOME")]
    legs: Vec<LegRule>,
    /// What a called party with no --leg does.
    #[arg(long, default_value = "answers", value_name = "OUTCOME")]
    leg_default: LegOutcome,
    /// How long the user's own phone rings before a phone call dials out, in milliseconds.
    #[arg(long, default_value_t = 0)]
    ring_delay_ms: u64,
    /// How long the called party takes to answer or refuse, in milliseconds.
    #[arg(long, default_value_t = 0)]
    connect_delay_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let legs = legs(&args);
    let config = Config {
        token: args.token,
        listen: args.listen,
        long_poll: Duration::from_secs(args.long_poll),
        user: args.user,
        password: args.password,
        applications_on_second_origin: args.second_origin,
        tls_names: (!args.tls_names.is_empty()).then_some(args.tls_names),
        application_expiry: Duration::from_secs(args.application_expiry),
        limits: Limits {
            max_applications: args.max_applications,
            event_backlog: args.event_backlog,
            event_batch: args.event_batch,
            max_request_body: args.max_request_body,
            header_read_timeout: Duration::from_millis(args.read_timeout_ms),
            body_read_timeout: Duration::from_millis(args.read_timeout_ms),
            max_connections: args.max_connections,
            ..Limits::default()
        },
        legs,
        ..Config::default()
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) if error.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("ucwa-emulator: {error}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("ucwa-emulator: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.certificate_out, emulator.certificate_pem()) {
        if let Err(error) = std::fs::write(path, pem) {
            eprintln!(
                "ucwa-emulator: cannot write the certificate to {}: {error}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        eprintln!("ucwa-emulator: certificate written to {}", path.display());
    }
    eprintln!(
        "ucwa-emulator: discovery at {}/, applications at {}{APPLICATIONS_PATH} (bearer token `{}`, or sign in as {}); Ctrl-C stops",
        emulator.origin(),
        emulator.applications_origin(),
        emulator.token(),
        emulator.user(),
    );
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

/// The far ends of phone calls the flags describe.
fn legs(args: &Args) -> Legs {
    Legs {
        default: args.leg_default,
        outcomes: args
            .legs
            .iter()
            .map(|rule| (rule.party.clone(), rule.outcome))
            .collect(),
        ring_delay: Duration::from_millis(args.ring_delay_ms),
        connect_delay: Duration::from_millis(args.connect_delay_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leg_flags_become_the_configurations_far_ends() {
        let args = Args::try_parse_from([
            "ucwa-emulator",
            "--leg",
            "tel:+15551234=busy",
            "--leg",
            "sip:ann@contoso.com=declines",
            "--leg-default",
            "no-answer",
            "--ring-delay-ms",
            "1500",
        ])
        .unwrap();
        let legs = legs(&args);
        assert_eq!(legs.outcome_for("tel:+1 555 1234"), LegOutcome::Busy);
        assert_eq!(legs.outcome_for("ann@contoso.com"), LegOutcome::Declines);
        assert_eq!(legs.outcome_for("tel:+15550000"), LegOutcome::NoAnswer);
        assert_eq!(legs.ring_delay, Duration::from_millis(1500));
        assert_eq!(legs.connect_delay, Duration::ZERO);
        let bad = Args::try_parse_from(["ucwa-emulator", "--leg", "ann=maybe"]);
        let message = bad.err().unwrap().to_string();
        assert!(
            message.contains("answers, busy, declines, no-answer"),
            "{message}"
        );
    }
}
