//! `ucwa call` and `ucwa forwarding` against an emulator in the test, signed in with
//! `ucwa login`: a call that connects and is hung up, calls that fail with their reason and exit
//! code 7, and each forwarding mode set and shown; in human and `--json` output, over JSON and
//! XML on the wire.

mod common;

use common::{Cache, Server, json, ok, stderr, stdout};
use ucwa_emulator::LegOutcome;

/// `ucwa --format FORMAT ARGS` for the user `ucwa login` signed in to `cache`.
fn ucwa(cache: &Cache, format: &str, args: &[&str]) -> std::process::Output {
    cache
        .ucwa()
        .args(["--format", format])
        .args(args)
        .output()
        .unwrap()
}

/// The stopPhoneAudio requests the emulator saw.
fn stops(server: &Server) -> usize {
    server
        .emulator
        .observed()
        .requests()
        .iter()
        .filter(|(method, path)| method == "POST" && path.ends_with("/stopPhoneAudio"))
        .count()
}

#[test]
fn a_call_connects_and_is_hung_up_in_human_and_json_output() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let mut hung_up = 0;
    for format in ["json", "xml"] {
        let human = ok(ucwa(
            &cache,
            format,
            &[
                "call",
                "+1 425 555 0123",
                "--ring-first",
                "+14255550100",
                "--hang-up-after",
                "0",
            ],
        ));
        assert_eq!(
            stdout(&human),
            "Connected to +1 425 555 0123.\nCall ended by you.\n",
            "{format}"
        );
        hung_up += 1;
        assert_eq!(stops(&server), hung_up, "{format}: the call was stopped");
        // With --verbose the progress is on stderr, line by line; stdout is the same.
        let verbose = ok(ucwa(
            &cache,
            format,
            &[
                "-v",
                "call",
                "+14255550123",
                "--ring-first",
                "+14255550100",
                "--hang-up-after",
                "0",
            ],
        ));
        assert_eq!(
            stdout(&verbose),
            "Connected to +14255550123.\nCall ended by you.\n"
        );
        let progress = stderr(&verbose);
        for step in [
            "ucwa: calling +14255550123: your phone rings first",
            "ucwa: on the call: Ctrl-C hangs up",
            "ucwa: hanging up",
        ] {
            assert!(progress.contains(step), "{step} not in {progress}");
        }
        let token = server.token_for("lene@contoso.com").unwrap();
        assert!(!progress.contains(&token), "a token in {progress}");
        hung_up += 1;

        let output = ok(ucwa(
            &cache,
            format,
            &[
                "--json",
                "call",
                "ann@contoso.com",
                "--ring-first",
                "tel:+14255550100",
                "--subject",
                "Order 1234",
                "--hang-up-after",
                "0",
            ],
        ));
        let lines: Vec<serde_json::Value> = stdout(&output)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                serde_json::json!({"event": "connected", "to": "ann@contoso.com", "reason": null}),
                serde_json::json!({"event": "ended", "to": "ann@contoso.com", "reason": "you"}),
            ],
            "{format}"
        );
        hung_up += 1;
        assert_eq!(stops(&server), hung_up, "{format}");
    }
}

#[test]
fn a_call_that_does_not_connect_exits_7_with_its_reason() {
    let server = Server::start();
    let faults = server.emulator.faults();
    faults.leg_outcome("tel:+15550002", LegOutcome::Busy);
    faults.leg_outcome("tel:+15550003", LegOutcome::Declines);
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    for format in ["json", "xml"] {
        let busy = ucwa(
            &cache,
            format,
            &["call", "+15550002", "--ring-first", "+14255550100"],
        );
        assert_eq!(busy.status.code(), Some(7), "{}", stderr(&busy));
        assert_eq!(stdout(&busy), "");
        let text = stderr(&busy);
        assert!(
            text.starts_with("error: The call to +15550002 did not connect: busy"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");

        let declined = ucwa(
            &cache,
            format,
            &[
                "--json",
                "call",
                "+15550003",
                "--ring-first",
                "+14255550100",
            ],
        );
        assert_eq!(declined.status.code(), Some(7), "{}", stderr(&declined));
        assert_eq!(
            json(&declined),
            serde_json::json!({"event": "failed", "to": "+15550003", "reason": "declined"}),
            "{format}"
        );
        assert!(
            stderr(&declined).contains("declined"),
            "{}",
            stderr(&declined)
        );
    }
    // No phone of the user's known: the server's refusal, named.
    let nowhere = ucwa(&cache, "json", &["call", "+15550004"]);
    assert_eq!(nowhere.status.code(), Some(1), "{}", stderr(&nowhere));
    assert!(
        stderr(&nowhere).contains("phoneNumber"),
        "{}",
        stderr(&nowhere)
    );
}

#[test]
fn forwarding_modes_are_set_and_shown_in_human_and_json_output() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    assert_eq!(
        stdout(&ok(ucwa(&cache, "json", &["forwarding", "show"]))),
        "Forwarding:       off: calls ring you only\nUnanswered calls: the server's default\n"
    );
    for format in ["json", "xml"] {
        let set = |args: &[&str]| {
            let mut all = vec!["--json", "forwarding"];
            all.extend_from_slice(args);
            json(&ok(ucwa(&cache, format, &all)))
        };
        let mode = |mode: &str, target: Option<&str>, delay: Option<i64>| serde_json::json!({"mode": mode, "target": target, "delay": delay});
        // Each way of forwarding, as the command takes it and as `--json` shows it back.
        let forwards: [(&[&str], serde_json::Value); 5] = [
            (
                &["immediate", "Voicemail"],
                mode("to-voicemail", None, None),
            ),
            (
                &["immediate", "ann@contoso.com"],
                mode("to-contact", Some("sip:ann@contoso.com"), None),
            ),
            (
                &["immediate", "delegates"],
                mode("to-delegates", None, None),
            ),
            (
                &["simultaneous", "+1 425 555 0199"],
                mode("ring-contact", Some("tel:+14255550199"), None),
            ),
            (
                &["simultaneous", "team", "--delay", "10"],
                mode("ring-team", None, Some(10)),
            ),
        ];
        for (args, expected) in forwards {
            let view = set(args);
            assert_eq!(view["forward"], expected, "{format} {args:?}");
        }
        let view = set(&["unanswered", "voicemail", "--after", "20"]);
        assert_eq!(
            view["unanswered"],
            mode("voicemail", None, Some(20)),
            "{format}"
        );
        // Forwarding is unchanged by the unanswered-call setting.
        assert_eq!(
            view["forward"],
            mode("ring-team", None, Some(10)),
            "{format}"
        );
        let view = set(&["unanswered", "default"]);
        assert_eq!(view["unanswered"], mode("default", None, None), "{format}");
        let view = set(&["off"]);
        assert_eq!(view["forward"], mode("off", None, None), "{format}");
        // What `show` reads is what the last change left.
        assert_eq!(set(&["show"]), view, "{format}");
    }
    let human = stdout(&ok(ucwa(
        &cache,
        "xml",
        &[
            "forwarding",
            "unanswered",
            "ann@contoso.com",
            "--after",
            "15",
        ],
    )));
    assert_eq!(
        human,
        "Forwarding:       off: calls ring you only\nUnanswered calls: to sip:ann@contoso.com after 15 s\n"
    );
    // Out of range, and a delay where none is taken: the command line is wrong.
    for bad in [
        &["forwarding", "unanswered", "voicemail", "--after", "61"][..],
        &["forwarding", "simultaneous", "team", "--delay", "56"],
        &[
            "forwarding",
            "simultaneous",
            "ann@contoso.com",
            "--delay",
            "5",
        ],
    ] {
        let out = ucwa(&cache, "json", bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
}
