//! `ucwa-emulator`: serve UCWA on loopback until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator};

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
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        token: args.token,
        listen: args.listen,
        long_poll: Duration::from_secs(args.long_poll),
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("ucwa-emulator: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "ucwa-emulator: serving {}{APPLICATIONS_PATH} (bearer token `{}`); Ctrl-C stops",
        emulator.origin(),
        emulator.token()
    );
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
