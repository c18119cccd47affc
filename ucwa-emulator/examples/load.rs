//! A sustained event load on the emulator, in one process on loopback, for a bounded time: it
//! prints the process's resident memory and the latency of event delivery each second.
//!
//! ```sh
//! cargo run --release -p ucwa-emulator --example load            # 20 s, the defaults
//! cargo run --release -p ucwa-emulator --example load -- --help  # the flags
//! ```
//!
//! `--apps` applications are created over HTTP with `ucwa-client`; all but `--stalled` of them
//! have a reader that long-polls its event channel with `ucwa-client`'s `EventChannel` and
//! reads its application once a second, the others never ask for their events again (clients
//! that went away). Every application is sent `--rate` events a second, each carrying the time
//! it was sent, so a reader knows how long it took to arrive. Each second the table shows the
//! process's `VmRSS`, how many events arrived, and their delivery latency (p50, p99, max); the
//! summary compares the first and last seconds, and says what the emulator holds at the end
//! (the stalled applications' channels stop at `event_backlog` events: they overflow, and
//! would be answered `resync`). The run stops early, with an error, if the resident memory
//! passes `--max-rss-mib`.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use ucwa::events::{Event, EventType};
use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
use ucwa::resources::{AnyResource, Application, Participant};
use ucwa::{Format, Link};
use ucwa_client::Client;
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator, Limits};

#[derive(Parser, Debug)]
#[command(about = "A sustained event load on the emulator, on loopback, for a bounded time")]
struct Args {
    /// How long the load runs, in seconds (1 to 600).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// How many applications (1 to 2000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=2000))]
    apps: u64,
    /// How many of them never read their events (0 to `--apps`).
    #[arg(long, default_value_t = 5)]
    stalled: u64,
    /// Events sent to each application per second (1 to 10000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    rate: u64,
    /// The representation the clients ask for.
    #[arg(long, default_value = "json", value_parser = ["json", "xml"])]
    format: String,
    /// Stop (and fail) when the process's resident memory passes this many MiB.
    #[arg(long, default_value_t = 4096)]
    max_rss_mib: u64,
}

/// Latencies of one second, and of the whole run, in microseconds.
#[derive(Default)]
struct Samples {
    window: Vec<u64>,
    all: Histogram,
}

/// A log-scale histogram: buckets 2% wide from 1 µs to about an hour, a fixed size whatever
/// the number of samples.
struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

const BUCKET_GROWTH: f64 = 1.02;
const BUCKETS: usize = 1200;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
        }
    }
}

impl Histogram {
    fn record(&mut self, micros: u64) {
        let bucket = ((micros.max(1) as f64).ln() / BUCKET_GROWTH.ln()) as usize;
        self.counts[bucket.min(BUCKETS - 1)] += 1;
        self.total += 1;
    }

    /// The upper bound of the bucket holding quantile `q`.
    fn quantile(&self, q: f64) -> u64 {
        let rank = ((self.total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return BUCKET_GROWTH.powi(bucket as i32 + 1) as u64;
            }
        }
        0
    }
}

/// The `q` quantile of `sorted`.
fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The process's resident memory, in KiB (`VmRSS` of `/proc/self/status`).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn millis(micros: u64) -> String {
    format!("{:.1} ms", micros as f64 / 1000.0)
}

/// An event that carries when it was sent (nanoseconds since `epoch`) in its link.
fn stamped(epoch: Instant, sequence: u64) -> Event<AnyResource> {
    let sent = epoch.elapsed().as_nanos();
    let link = Link::new(format!("/load/participants/{sequence}?sent={sent}"));
    let participant = Participant {
        name: Some(format!("participant {sequence}")),
        ..Participant::default()
    };
    Event {
        resource: Some(AnyResource::Participant(Box::new(participant))),
        ..Event::new(EventType::Updated, "participant", link)
    }
}

/// When an event of [`stamped`] was sent.
fn sent_at(event: &Event<AnyResource>) -> Option<u64> {
    let href = event.link.href.as_str();
    href.split_once("?sent=")?.1.parse().ok()
}

async fn create_application(client: &Client, n: u64) -> Result<Application, String> {
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some(format!("load-{n}")),
        user_agent: Some("ucwa-load/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(APPLICATIONS_PATH),
        &body,
        client.format(),
    )
    .map_err(|e| e.to_string())?;
    client
        .send(request)
        .await
        .map_err(|e| format!("creating application {n}: {e}"))
}

/// Reads one application's events until told to stop, recording each event's latency; reads
/// the application itself once a second, as a client's other requests would.
async fn read(
    client: Client,
    application: Application,
    epoch: Instant,
    samples: Arc<Mutex<Samples>>,
    errors: Arc<AtomicU64>,
) {
    let Some(link) = application.links.events.as_ref() else {
        errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let mut events = client.events(link);
    let mut last_get = Instant::now();
    loop {
        match events.next_event().await {
            Ok(Some(event)) => {
                if let Some(sent) = sent_at(&event) {
                    let now = epoch.elapsed().as_nanos() as u64;
                    let micros = now.saturating_sub(sent) / 1000;
                    let mut samples = samples.lock().unwrap_or_else(|p| p.into_inner());
                    samples.window.push(micros);
                    samples.all.record(micros);
                }
            }
            Ok(None) => return,
            Err(error) => {
                errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("load: event channel: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        if last_get.elapsed() >= Duration::from_secs(1) {
            last_get = Instant::now();
            if let Some(me) = &application.links.self_
                && client.get(&me.to_cast::<Application>()).await.is_err()
            {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// One row of the table.
struct Row {
    second: u64,
    rss_kib: u64,
    events: usize,
    p50: u64,
    p99: u64,
    max: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.stalled > args.apps {
        eprintln!(
            "load: --stalled is {}; it must be at most --apps ({})",
            args.stalled, args.apps
        );
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("load: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("load: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let emulator = Emulator::start(Config {
        listen,
        long_poll: Duration::from_secs(30),
        ..Config::default()
    })
    .await
    .map_err(|e| format!("cannot start the emulator: {e}"))?;
    if !emulator.addr().ip().is_loopback() {
        return Err(format!("{} is not loopback", emulator.addr()));
    }
    let format = if args.format == "xml" {
        Format::Xml
    } else {
        Format::Json
    };
    let client = Client::builder(emulator.origin(), emulator.token())
        .format(format)
        .long_poll(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let epoch = Instant::now();
    let samples = Arc::new(Mutex::new(Samples::default()));
    let errors = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    for n in 0..args.apps {
        let application = create_application(&client, n).await?;
        if n >= args.stalled {
            readers.push(tokio::spawn(read(
                client.clone(),
                application,
                epoch,
                samples.clone(),
                errors.clone(),
            )));
        }
    }
    let start_rss = rss_kib().unwrap_or(0);
    println!(
        "{} applications ({} never read their events), {} events/s to each ({} events/s in all), {} s, {} on {}",
        args.apps,
        args.stalled,
        args.rate,
        args.rate * args.apps,
        args.seconds,
        args.format,
        emulator.origin(),
    );
    println!(
        "RSS after creating the applications: {} MiB",
        start_rss / 1024
    );
    println!(
        "{:>4} {:>10} {:>9} {:>10} {:>10} {:>10}",
        "s", "RSS MiB", "events", "p50", "p99", "max"
    );

    // Each tick sends every application its share of the second's events.
    let ticks_per_second = 100u64;
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / ticks_per_second));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sequence = 0u64;
    let mut rows: Vec<Row> = Vec::new();
    let mut owed = 0u64;
    let started = Instant::now();
    let mut next_report = Duration::from_secs(1);
    let mut rss_peak = start_rss;
    let mut recent: VecDeque<u64> = VecDeque::new();
    loop {
        tick.tick().await;
        // Spread `rate` events over the second, whatever the rounding of a tick.
        owed += args.rate;
        let now_due = owed / ticks_per_second;
        owed %= ticks_per_second;
        for _ in 0..now_due {
            sequence += 1;
            emulator.push_event(
                "participant",
                "/load/participants",
                stamped(epoch, sequence),
            );
        }
        if started.elapsed() < next_report {
            continue;
        }
        let rss = rss_kib().unwrap_or(0);
        rss_peak = rss_peak.max(rss);
        let mut window = {
            let mut samples = samples.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut samples.window)
        };
        window.sort_unstable();
        let row = Row {
            second: next_report.as_secs(),
            rss_kib: rss,
            events: window.len(),
            p50: quantile(&window, 0.50),
            p99: quantile(&window, 0.99),
            max: window.last().copied().unwrap_or(0),
        };
        println!(
            "{:>4} {:>10.1} {:>9} {:>10} {:>10} {:>10}",
            row.second,
            row.rss_kib as f64 / 1024.0,
            row.events,
            millis(row.p50),
            millis(row.p99),
            millis(row.max),
        );
        recent.push_back(row.p99);
        if recent.len() > 5 {
            recent.pop_front();
        }
        rows.push(row);
        if rss / 1024 > args.max_rss_mib {
            return Err(format!(
                "the resident memory is {} MiB, over --max-rss-mib {}: stopped after {} s",
                rss / 1024,
                args.max_rss_mib,
                next_report.as_secs()
            ));
        }
        if next_report.as_secs() >= args.seconds {
            break;
        }
        next_report += Duration::from_secs(1);
    }
    for reader in &readers {
        reader.abort();
    }
    let all = {
        let samples = samples.lock().unwrap_or_else(|p| p.into_inner());
        (
            samples.all.total,
            samples.all.quantile(0.50),
            samples.all.quantile(0.99),
        )
    };
    let first = rows.first().map_or(0, |r| r.rss_kib);
    let last = rows.last().map_or(0, |r| r.rss_kib);
    println!();
    println!(
        "RSS: {:.1} MiB after creating the applications, {:.1} MiB after 1 s, {:.1} MiB at the end, {:.1} MiB at the peak",
        start_rss as f64 / 1024.0,
        first as f64 / 1024.0,
        last as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    println!(
        "latency of {} events: p50 {}, p99 {} (whole run, 2% buckets); p99 of the last 5 s: {}",
        all.0,
        millis(all.1),
        millis(all.2),
        recent
            .iter()
            .map(|p| millis(*p))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "sent {sequence} events to each of {} applications; {} client errors",
        args.apps,
        errors.load(Ordering::Relaxed)
    );
    let stats = emulator.stats();
    println!(
        "the emulator holds {} applications, {} events (at most {} each); {} backlog overflows dropped {} events",
        stats.applications,
        stats.events_held,
        Limits::default().event_backlog,
        stats.event_overflows,
        stats.events_dropped
    );
    emulator.shutdown().await;
    Ok(())
}
