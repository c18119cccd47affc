//! `ucwa login`, `ucwa logout`, `ucwa whoami`.

use std::io::{BufRead, IsTerminal};

use serde::Serialize;

use crate::cache;
use crate::cli::{Global, LoginArgs};
use crate::connect::{self, Connection};
use crate::failure::{Context, Failure, Kind};
use crate::output::{Output, Progress};

/// What `login` reports.
#[derive(Serialize)]
struct LoggedIn<'a> {
    address: &'a str,
    applications: &'a str,
    hosts: Vec<&'a str>,
    cache: String,
}

/// Signs in with a password from the prompt or stdin, and keeps the tokens and URLs.
pub async fn login(global: &Global, args: &LoginArgs, out: Output) -> Result<(), Failure> {
    if global.emulator {
        return Err(Failure::new(
            Kind::Other,
            "`--emulator` signs in by itself: run the command with --emulator and no login.",
        ));
    }
    let password = read_password(args)?;
    let progress = Progress::new(global.verbose);
    progress.say(&format!("discovering the server of {}", args.address));
    let cached = connect::login(
        global,
        &args.address,
        password,
        global.discovery_url.clone(),
    )
    .await?;
    let path = cache::store(&cached)?;
    progress.done();
    let view = LoggedIn {
        address: &cached.address,
        applications: &cached.applications,
        hosts: cached.tokens.keys().map(String::as_str).collect(),
        cache: path.display().to_string(),
    };
    out.show(&view, || {
        format!(
            "Signed in as {} (applications at {}); kept in {}",
            view.address, view.applications, view.cache
        )
    });
    Ok(())
}

/// The password: the first line of stdin with `--password-stdin`, else a prompt on the
/// terminal. Never an argument (it would be in the shell's history and the process list).
fn read_password(args: &LoginArgs) -> Result<String, Failure> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            Failure::new(
                Kind::Other,
                format!("Reading the password from stdin failed ({e}): pipe it in."),
            )
        })?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                Kind::Other,
                "No terminal to ask the password on: pipe it in with --password-stdin.",
            ));
        }
        rpassword::prompt_password(format!("Password for {}: ", args.address)).map_err(|e| {
            Failure::new(
                Kind::Other,
                format!("Reading the password failed ({e}): try --password-stdin."),
            )
        })?
    };
    if password.is_empty() {
        return Err(Failure::new(
            Kind::Other,
            "The password is empty: give the password of the address.",
        ));
    }
    Ok(password)
}

/// What `logout` reports.
#[derive(Serialize)]
struct LoggedOut {
    forgotten: bool,
}

/// Forgets the cache.
pub fn logout(out: Output) -> Result<(), Failure> {
    let forgotten = cache::remove()?;
    out.show(&LoggedOut { forgotten }, || {
        if forgotten {
            "Signed out: the kept token is forgotten."
        } else {
            "Not signed in."
        }
        .to_owned()
    });
    Ok(())
}

/// What `whoami` reports.
#[derive(Serialize)]
struct WhoAmI {
    address: String,
    name: Option<String>,
    uri: Option<String>,
    title: Option<String>,
    department: Option<String>,
}

/// Who is signed in, as the server says.
pub async fn whoami(connection: &Connection, out: Output) -> Result<(), Failure> {
    let me = connection.session.me().get().await.doing("Reading `me`")?;
    let view = WhoAmI {
        address: connection.address.clone(),
        name: me.name,
        uri: me.uri.map(|u| u.as_str().to_owned()),
        title: me.title,
        department: me.department,
    };
    out.show(&view, || {
        format!(
            "{} <{}>",
            view.name.as_deref().unwrap_or("?"),
            view.uri.as_deref().unwrap_or(&view.address)
        )
    });
    Ok(())
}
