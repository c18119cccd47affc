//! `ucwa audit` against an emulator in the test: a clean one fits the schema; members the
//! emulator was told to add are reported in both formats, by name, with their values and every
//! address left out; a value that does not decode is reported without the value; the request
//! limit and the time limit (against a server that answers late) are honoured.

mod common;

use std::time::{Duration, Instant};

use common::{Cache, Server, json, ok, stdout};
use ucwa::http::Method;
use ucwa_emulator::Fault;

/// `ucwa audit` with `args`, for the user `ucwa login` signed in to `cache`, speaking
/// `format` to the server.
fn audit(cache: &Cache, format: &str, args: &[&str]) -> std::process::Output {
    cache
        .ucwa()
        .args(["--format", format, "audit"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_clean_emulator_fits_the_schema() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let report = json(&ok(audit(&cache, "json", &["--json"])));
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["stopped"], serde_json::Value::Null);
    let visited = report["visited"].as_array().unwrap();
    // The application, me and its parts, people and contacts, meetings, forwarding...
    assert!(visited.len() >= 15, "{report:#}");
    assert_eq!(report["resources"], visited.len());
    assert_eq!(report["requests"], 2 * visited.len());
    let rels: Vec<&str> = visited.iter().map(|v| v["rel"].as_str().unwrap()).collect();
    for rel in [
        "application",
        "me",
        "presence",
        "note",
        "myContacts",
        "contact",
    ] {
        assert!(rels.contains(&rel), "{rel} not read: {rels:?}");
    }
    let presence = visited.iter().find(|v| v["rel"] == "presence").unwrap();
    assert_eq!(presence["json"], "ok");
    assert_eq!(presence["xml"], "ok");
    // Hrefs are kept, the contacts' addresses in them blanked.
    let contact = visited.iter().find(|v| v["rel"] == "contact").unwrap();
    assert!(
        contact["href"]
            .as_str()
            .unwrap()
            .contains("/people/{blanked}"),
        "{contact}"
    );

    let human = stdout(&ok(audit(&cache, "json", &[])));
    assert!(human.contains("Everything read fits the schema"), "{human}");
    assert!(
        human.starts_with(&format!("Read {} resources", visited.len())),
        "{human}"
    );
}

#[test]
fn members_the_emulator_adds_are_reported_in_both_formats_without_their_values() {
    let server = Server::start();
    let faults = server.emulator.faults();
    faults.add_member("presence", "mood", "cheerful").unwrap();
    faults
        .add_member("note", "secretSauce", "ann@contoso.com, +1 425 555 0100")
        .unwrap();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let token = server.token_for("lene@contoso.com").unwrap();
    for format in ["json", "xml"] {
        let output = ok(audit(&cache, format, &["--json"]));
        let text = stdout(&output);
        let report = json(&output);
        let findings = report["findings"].as_array().unwrap();
        let mut seen: Vec<(String, String, String)> = findings
            .iter()
            .map(|f| {
                assert_eq!(f["kind"], "unknown member", "{f}");
                (
                    f["href"]
                        .as_str()
                        .unwrap()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_owned(),
                    f["format"].as_str().unwrap().to_owned(),
                    f["detail"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        seen.sort();
        let expected = |last: &str, format: &str, name: &str, rel: &str| {
            (
                last.to_owned(),
                format.to_owned(),
                format!("`{name}` in a `{rel}` resource"),
            )
        };
        assert_eq!(
            seen,
            [
                expected("note", "json", "secretSauce", "note"),
                expected("note", "xml", "secretSauce", "note"),
                expected("presence", "json", "mood", "presence"),
                expected("presence", "xml", "mood", "presence"),
            ],
            "{format}: {report:#}"
        );
        // The members are the same in both formats: no difference is reported for them.
        assert!(findings.iter().all(|f| f["format"] != "both"));
        // Names, values, addresses and tokens are left out.
        for secret in ["cheerful", "contoso.com", "555", token.as_str()] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }

        let human = stdout(&ok(audit(&cache, format, &[])));
        assert!(human.contains("unknown member"), "{human}");
        assert!(human.contains("`mood` in a `presence` resource"), "{human}");
        assert!(!human.contains("cheerful"), "{human}");
    }
}

#[test]
fn a_value_that_does_not_decode_is_reported_in_both_formats_without_the_value() {
    let server = Server::start();
    // A boolean of the schema's, sent as text.
    server
        .emulator
        .faults()
        .add_member(
            "communication",
            "publishEndpointLocation",
            "ann@contoso.com",
        )
        .unwrap();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let output = ok(audit(&cache, "json", &["--json"]));
    let report = json(&output);
    let findings: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "does not decode")
        .collect();
    let formats: Vec<&str> = findings
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["json", "xml"], "{report:#}");
    for finding in &findings {
        assert_eq!(finding["rel"], "communication", "{finding}");
        assert!(
            finding["href"]
                .as_str()
                .unwrap()
                .ends_with("/communication"),
            "{finding}"
        );
    }
    assert!(
        !stdout(&output).contains("contoso.com"),
        "{}",
        stdout(&output)
    );
    // The rest of the walk goes on: the resources after it are read.
    assert!(report["resources"].as_u64().unwrap() >= 15, "{report:#}");
}

#[test]
fn the_request_limit_is_honoured_and_said() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    // What `run` gives, and the GETs of the application's resources (the event channel's
    // aside) the server saw while it ran.
    let gets = |run: &dyn Fn() -> std::process::Output| {
        let before = server.emulator.observed().requests().len();
        let output = ok(run());
        let count = server.emulator.observed().requests()[before..]
            .iter()
            .filter(|(method, path)| {
                method == "GET" && path.contains("/applications/") && !path.ends_with("/events")
            })
            .count();
        (output, count)
    };
    // Signing in reads some; `whoami` reads `me` once more.
    let (_, whoami) = gets(&|| cache.ucwa().arg("whoami").output().unwrap());
    let (output, audited) = gets(&|| audit(&cache, "json", &["--json", "--max-requests", "5"]));
    let report = json(&output);
    // Two GETs per resource: two resources, then the limit.
    assert_eq!(report["requests"], 4, "{report:#}");
    assert_eq!(report["resources"], 2);
    assert_eq!(report["visited"].as_array().unwrap().len(), 2);
    let stopped = report["stopped"].as_str().unwrap();
    assert!(stopped.starts_with("the request limit (5)"), "{stopped}");
    // What the server saw: the audit's four GETs besides the sign-in's.
    assert_eq!(audited - (whoami - 1), 4);

    // Out of range: refused by the command line.
    for bad in [["--max-requests", "1"], ["--time-limit", "0"]] {
        let out = audit(&cache, "json", &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn the_walk_stops_at_its_time_limit_and_says_so() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    // Every GET of the application's resources answered 300 ms late (real time: the binary is
    // another process): the whole walk would take several seconds, two JSON+XML pairs 1.2 s.
    let slow = Fault::slow(
        Method::GET,
        "/ucwa/oauth/v1/applications/*",
        Duration::from_millis(300),
    );
    server.emulator.faults().inject(slow.times(500)).unwrap();
    for format in ["json", "xml"] {
        let began = Instant::now();
        let output = audit(&cache, format, &["--json", "--time-limit", "2"]);
        let took = began.elapsed();
        // A walk cut short is still a report: exit 0, with why it stopped.
        let report = json(&ok(output));
        let stopped = report["stopped"].as_str().unwrap();
        assert!(
            stopped.starts_with("the time limit (2 s): "),
            "{format}: {stopped}"
        );
        assert!(stopped.ends_with(" links not followed"), "{stopped}");
        let elapsed = report["elapsed_ms"].as_u64().unwrap();
        assert!((2000..4000).contains(&elapsed), "{format}: {elapsed} ms");
        let resources = report["resources"].as_u64().unwrap();
        assert!((1..=7).contains(&resources), "{format}: {report:#}");
        // Signing in, the walk and signing out, not the whole walk's 5 s and more.
        assert!(took < Duration::from_secs(20), "{format}: {took:?}");
    }
    let human = stdout(&ok(audit(&cache, "json", &["--time-limit", "1"])));
    assert!(
        human.contains("; stopped at the time limit (1 s): "),
        "{human}"
    );
}
