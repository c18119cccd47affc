//! Many bots in one process: signs in `--sessions` users (1,000 by default), keeps them idle
//! for `--seconds`, and prints this process's resident memory and CPU use while they idle.
//! The emulator runs in a child process (this program again, with `--serve`), so that the
//! figures are the client's alone.
//!
//! ```sh
//! cargo run --release -p ucwa-client --example bots                      # pooled, the default
//! cargo run --release -p ucwa-client --example bots -- --separate        # as before pools
//! cargo run --release -p ucwa-client --example bots -- --sessions 200 --seconds 60
//! ```
//!
//! Pooled, the sessions share one HTTP client, one discovery and each user's tokens
//! ([`ucwa_client::SessionPool`]). `--separate` signs each in alone, as a program did before
//! there were pools: its own HTTP client, discovery and grant, and — to stand for the event
//! queue each session then allocated up front — a 256-slot `tokio::sync::broadcast` of events
//! subscribed beside it. Every session reads its events (a subscriber per session, as a bot
//! has), keeps its pending GET outstanding and reports activity every `--keep-alive` seconds.

use std::io::{BufRead, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use ucwa::events::Event;
use ucwa::resources::AnyResource;
use ucwa_client::{Session, SessionPool, Settings, SignIn};
use ucwa_emulator::{Config, Emulator, Limits, Person};

/// The emulator's discovery name, mapped to loopback by the client's resolver.
const DISCOVERY: &str = "lyncdiscoverinternal.contoso.com";
const PASSWORD: &str = "pass@word1";

struct Args {
    sessions: usize,
    seconds: u64,
    keep_alive: u64,
    long_poll: u64,
    separate: bool,
}

fn number(args: &[String], flag: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> u64 {
    let Some(at) = args.iter().position(|a| a == flag) else {
        return default;
    };
    match args.get(at + 1).and_then(|v| v.parse::<u64>().ok()) {
        Some(value) if range.contains(&value) => value,
        _ => {
            eprintln!(
                "{flag} takes a number from {} to {}",
                range.start(),
                range.end()
            );
            std::process::exit(2);
        }
    }
}

fn bot(i: usize) -> String {
    format!("bot{i:04}@contoso.com")
}

/// The process's resident memory in KiB and CPU time used so far (user and system), from
/// `/proc/self` (Linux).
fn usage() -> Option<(u64, Duration)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let rss = line.split_whitespace().nth(1)?.parse().ok()?;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces), from its closing parenthesis:
    // utime and stime are the 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((rss, Duration::from_millis(ticks * 10)))
}

/// The child: the emulator with `sessions` bot users, its address on stdout, until stdin
/// closes.
async fn serve(sessions: usize, long_poll: u64) -> ExitCode {
    let mut people = ucwa_emulator::Config::default().people;
    people.extend((0..sessions).map(|i| Person::new(&bot(i), &format!("Bot {i}"), PASSWORD)));
    let emulator = match Emulator::start(Config {
        long_poll: Duration::from_secs(long_poll),
        people,
        limits: Limits {
            max_applications: sessions * 2 + 16,
            max_connections: sessions * 4 + 64,
            max_tokens: sessions * 4 + 64,
            ..Limits::default()
        },
        ..Config::default()
    })
    .await
    {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("the emulator did not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.addr());
    let _ = std::io::stdout().flush();
    // Until the parent closes stdin (or exits).
    let _ = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        while std::io::stdin()
            .lock()
            .read_line(&mut line)
            .is_ok_and(|n| n > 0)
        {}
    })
    .await;
    drop(emulator);
    ExitCode::SUCCESS
}

/// A session's events read as a bot reads them, until the session ends.
fn read_events(session: &Session) {
    let mut events = session.events();
    tokio::spawn(async move { while events.recv().await.is_ok() {} });
}

#[tokio::main]
async fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().collect();
    let args = Args {
        sessions: number(&raw, "--sessions", 1000, 1..=5000) as usize,
        seconds: number(&raw, "--seconds", 30, 1..=600),
        keep_alive: number(&raw, "--keep-alive", 30, 1..=210),
        long_poll: number(&raw, "--long-poll", 30, 5..=180),
        separate: raw.iter().any(|a| a == "--separate"),
    };
    if raw.iter().any(|a| a == "--serve") {
        return serve(args.sessions, args.long_poll).await;
    }
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find this program to start the emulator");
        return ExitCode::FAILURE;
    };
    let mut child = match Command::new(exe)
        .args(["--serve", "--sessions", &args.sessions.to_string()])
        .args(["--long-poll", &args.long_poll.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("starting the emulator: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut address = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = std::io::BufReader::new(stdout).read_line(&mut address);
    }
    let Ok(address) = address.trim().parse::<std::net::SocketAddr>() else {
        eprintln!("the emulator gave no address");
        let _ = child.kill();
        return ExitCode::FAILURE;
    };
    let code = run(&args, address).await;
    drop(child.stdin.take());
    let _ = child.wait();
    code
}

async fn run(args: &Args, address: std::net::SocketAddr) -> ExitCode {
    let http = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(DISCOVERY, address)
            .build()
    };
    let pool = match http().map_err(|e| e.to_string()).and_then(|h| {
        SessionPool::new(Settings::default().http_client(h)).map_err(|e| e.to_string())
    }) {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let (rss_before, _) = usage().unwrap_or_default();
    let started = Instant::now();
    let mut sessions = Vec::with_capacity(args.sessions);
    let mut queues = Vec::new();
    // Sign in 50 at a time, as a service starting its bots would.
    for chunk in (0..args.sessions).collect::<Vec<_>>().chunks(50) {
        let mut starting = tokio::task::JoinSet::new();
        for &i in chunk {
            let mut signin = match SignIn::new(&bot(i)) {
                Ok(signin) => signin,
                Err(error) => {
                    eprintln!("{error}");
                    return ExitCode::FAILURE;
                }
            }
            .password(PASSWORD)
            .allow_http(true)
            .long_poll(Duration::from_secs(args.long_poll))
            .keep_alive(Duration::from_secs(args.keep_alive));
            if args.separate {
                match http() {
                    Ok(http) => signin = signin.http_client(http),
                    Err(error) => {
                        eprintln!("{error}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                signin = signin.pool(&pool);
            }
            starting.spawn(signin.start());
        }
        while let Some(started) = starting.join_next().await {
            match started {
                Ok(Ok(session)) => {
                    read_events(&session);
                    if args.separate {
                        let (queue, receiver) =
                            tokio::sync::broadcast::channel::<Event<AnyResource>>(256);
                        queues.push((queue, receiver));
                    }
                    sessions.push(session);
                }
                Ok(Err(error)) => {
                    eprintln!("a session did not start: {error}");
                    return ExitCode::FAILURE;
                }
                Err(error) => {
                    eprintln!("{error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let signed_in = started.elapsed();
    let Some((rss_start, cpu_start)) = usage() else {
        eprintln!("no /proc/self to measure with (Linux only)");
        return ExitCode::FAILURE;
    };
    let idle_from = Instant::now();
    println!(
        "{} sessions signed in ({}) in {:.1} s; idle for {} s (keep-alive every {} s, long poll {} s)",
        sessions.len(),
        if args.separate { "separate" } else { "pooled" },
        signed_in.as_secs_f64(),
        args.seconds,
        args.keep_alive,
        args.long_poll,
    );
    println!("{:>6} {:>10} {:>8}", "second", "RSS MiB", "CPU %");
    let mut last = (idle_from, cpu_start);
    let mut peak = rss_start;
    for second in 1..=args.seconds {
        tokio::time::sleep_until((idle_from + Duration::from_secs(second)).into()).await;
        let (rss, cpu) = usage().unwrap_or_default();
        peak = peak.max(rss);
        let now = Instant::now();
        let share = (cpu - last.1).as_secs_f64() / (now - last.0).as_secs_f64() * 100.0;
        last = (now, cpu);
        if second % 5 == 0 || second == args.seconds {
            println!("{second:>6} {:>10.1} {share:>8.2}", rss as f64 / 1024.0);
        }
    }
    let (rss_end, cpu_end) = usage().unwrap_or_default();
    let idle = idle_from.elapsed().as_secs_f64();
    println!(
        "summary: {} sessions; RSS {:.1} MiB at start ({:.1} MiB before signing in), {:.1} MiB \
         at the end, {:.1} MiB at most; CPU {:.2} % of one core over {:.0} s idle",
        sessions.len(),
        rss_start as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        peak as f64 / 1024.0,
        (cpu_end - cpu_start).as_secs_f64() / idle * 100.0,
        idle,
    );
    drop(queues);
    for session in sessions {
        session.shutdown().await;
    }
    ExitCode::SUCCESS
}
