//! `ucwa watch` prints the event channel, one JSON per line with `--json`, and goes on through
//! an application the server deleted (the session makes another and says so).

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Cache, Server, ok};

/// The next line `watch` printed that `pick` accepts, within 30 s.
fn next(
    lines: &mpsc::Receiver<serde_json::Value>,
    pick: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .expect("watch printed no such line in time");
        if pick(&line) {
            return line;
        }
    }
}

#[test]
fn watch_prints_events_and_survives_a_recreated_application() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let mut watcher = std::process::Command::new(env!("CARGO_BIN_EXE_ucwa"))
        .env("UCWA_CACHE_DIR", &cache.dir)
        .args(["--json", "watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (send, lines) = mpsc::channel();
    let stdout = watcher.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            if send.send(value).is_err() {
                break;
            }
        }
    });
    // Once its application is made available, the server deletes it.
    let observed = server.emulator.observed();
    let deadline = Instant::now() + Duration::from_secs(30);
    while observed.application_ids().is_empty() {
        assert!(Instant::now() < deadline, "watch made no application");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.emulator.faults().delete_applications(), 1);

    let recovered = next(&lines, |l| l["type"] == "session");
    assert!(
        recovered["status"]
            .as_str()
            .unwrap()
            .starts_with("recovered: a new application"),
        "{recovered}"
    );

    // A change made elsewhere reaches the new application's channel.
    ok(cache
        .ucwa()
        .args(["note", "set", "Watched"])
        .output()
        .unwrap());
    let event = next(&lines, |l| l["rel"] == "note");
    assert_eq!(event["type"], "updated", "{event}");
    assert!(event["href"].as_str().unwrap().contains("/note"), "{event}");

    watcher.kill().unwrap();
    watcher.wait().unwrap();
}

#[test]
fn watch_prints_a_line_per_event_for_people_and_stops_after_count() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let mut watcher = std::process::Command::new(env!("CARGO_BIN_EXE_ucwa"))
        .env("UCWA_CACHE_DIR", &cache.dir)
        .args(["watch", "--count", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The watcher subscribes once signed in, on its own time: change the note until it has
    // printed its one line and stopped.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = watcher.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "watch printed no event");
        ok(cache
            .ucwa()
            .args(["note", "set", "Watched"])
            .output()
            .unwrap());
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(status.success());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut watcher.stdout.take().unwrap(), &mut text).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let kind = text.split_whitespace().next().unwrap();
    assert!(
        ["added", "updated", "deleted", "started", "completed"].contains(&kind),
        "{text}"
    );
    assert!(text.contains("/ucwa/oauth/v1/applications/"), "{text}");
}
