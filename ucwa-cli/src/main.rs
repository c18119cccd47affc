//! `ucwa`: a command-line tool over `ucwa-client`. Sign in once (`ucwa login`), then
//! presence, note, location, contacts, groups, instant messages, meetings and the event
//! channel from the shell; `--emulator` runs any command against an embedded emulator.

mod cache;
mod cli;
mod commands;
mod connect;
mod failure;
mod logging;
mod output;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, ImAction, Shell};
use crate::commands::{
    account, audit, calls, emulator, forwarding, get, im, me, meetings, people, watch,
};
use crate::failure::{Failure, Kind};
use crate::output::{Output, Progress};

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return report(&Failure::new(
                Kind::Other,
                format!("Starting the runtime failed ({e})."),
            ));
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

/// Prints `failure` on stderr (`error:` in red on a terminal) and gives its exit code.
fn report(failure: &Failure) -> ExitCode {
    let prefix = if output::colour_allowed(std::io::stderr().is_terminal()) {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    eprintln!("{prefix} {}", failure.message);
    failure.kind.code()
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let global = &cli.global;
    let out = Output::new(global.json);
    match &cli.command {
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut stdout = std::io::stdout();
            match shell {
                Shell::Bash => clap_complete::generate(
                    clap_complete::Shell::Bash,
                    &mut command,
                    "ucwa",
                    &mut stdout,
                ),
                Shell::Zsh => clap_complete::generate(
                    clap_complete::Shell::Zsh,
                    &mut command,
                    "ucwa",
                    &mut stdout,
                ),
                Shell::Fish => clap_complete::generate(
                    clap_complete::Shell::Fish,
                    &mut command,
                    "ucwa",
                    &mut stdout,
                ),
            }
            return Ok(());
        }
        Command::Emulator(args) => return emulator::serve(args).await,
        Command::Login(args) => return account::login(global, args, out).await,
        Command::Logout => return account::logout(out),
        _ => {}
    }
    let progress = Progress::new(global.verbose);
    // A call needs phone audio among what the application advertises.
    let phone = match &cli.command {
        Command::Call(args) => Some(args.ring_first.as_deref()),
        _ => None,
    };
    let connection = connect::connect(global, &progress, phone).await?;
    progress.say("working");
    let result = match &cli.command {
        Command::Whoami => account::whoami(&connection, out).await,
        Command::Presence { action } => me::presence(&connection, action, out).await,
        Command::Note { action } => me::note(&connection, action, out).await,
        Command::Location { action } => me::location(&connection, action, out).await,
        Command::Contacts { action } => people::contacts(&connection, action, out).await,
        Command::Groups { action } => people::groups(&connection, action.as_ref(), out).await,
        Command::Im {
            action:
                ImAction::Send {
                    to,
                    message,
                    timeout,
                },
        } => {
            im::send(
                &connection,
                to,
                message,
                Duration::from_secs(*timeout),
                &progress,
                out,
            )
            .await
        }
        Command::Im {
            action: ImAction::Listen { reply, count },
        } => im::listen(&connection, reply.as_deref(), *count, &progress, out).await,
        Command::Meetings { action } => meetings::meetings(&connection, action, out).await,
        Command::Get { path, rel } => get::get(&connection, path, rel.as_deref(), out).await,
        Command::Watch(args) => watch::watch(&connection, args.count, &progress, out).await,
        Command::Call(args) => calls::call(&connection, args, &progress, out).await,
        Command::Forwarding { action } => forwarding::forwarding(&connection, action, out).await,
        Command::Audit(args) => audit::audit(&connection, args, &progress, out).await,
        Command::Completions { .. }
        | Command::Emulator(_)
        | Command::Login(_)
        | Command::Logout => {
            unreachable!("handled before signing in")
        }
    };
    progress.done();
    connection.close().await;
    result
}
