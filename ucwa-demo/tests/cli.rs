//! `ucwa-demo` as a user runs it.

use std::process::Command;

fn demo(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ucwa-demo"))
        .args(args)
        .env_remove("UCWA_TOKEN")
        .output()
        .expect("the demo runs");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Through discovery and the password grant over HTTPS, a token for each of the emulator's two
/// hosts, then the escalation.
#[test]
fn escalates_against_the_embedded_emulator_in_both_formats() {
    for format in ["json", "xml"] {
        let (ok, stdout, stderr) = demo(&["--format", format]);
        assert!(ok, "{format}: {stderr}");
        assert!(
            stdout.starts_with("audioVideoInvitation /ucwa/oauth/v1/applications/"),
            "{stdout}"
        );
        assert!(
            stdout.contains("  state           Connecting\n"),
            "{stdout}"
        );
        // Outgoing: from the signed-in user, to the remote party.
        assert!(
            stdout.contains("  from            Lene Aaling <sip:lene@contoso.com>\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("  to              sip:ann@contoso.com\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("  mediaOffer      application/sdp, 240 bytes:\n    v=0\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("    m=video 50020 RTP/AVP 96\n"),
            "{stdout}"
        );
        // The far end's answer, through the client's audio/video API.
        assert!(
            stdout.contains("  mediaAnswer     application/sdp, 235 bytes:\n    v=0\n"),
            "{stdout}"
        );
        // Progress on stderr, in order.
        let steps = [
            "started the embedded UCWA emulator at https://127.0.0.1:",
            "discovering the UCWA server from the sign-in address",
            "https://lyncdiscoverinternal.contoso.com asks for a token",
            "got a token for https://lyncdiscoverinternal.contoso.com, valid 28800 s",
            "discovered: root https://lyncdiscoverinternal.contoso.com/",
            "applications https://pool1.contoso.com:",
            "creating an application at https://pool1.contoso.com:",
            "https://pool1.contoso.com:",
            "asks for a token",
            "making the user available for messaging, audio and video",
            "waiting on the event channel for an audio/video call",
            "escalating",
            "the server accepted it",
            "received `started` for the invitation",
            "received the answer (235 bytes of SDP)",
        ];
        let mut at = 0;
        for step in steps {
            let found = stderr[at..]
                .find(step)
                .unwrap_or_else(|| panic!("{step:?} missing or out of order:\n{stderr}"));
            at += found + step.len();
        }
    }
}

#[test]
fn a_server_that_cannot_be_reached_is_a_clear_failure() {
    let (ok, stdout, stderr) = demo(&[
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "t",
        "--wait",
        "1",
    ]);
    assert!(!ok);
    assert_eq!(stdout, "");
    let last = stderr.lines().last().unwrap();
    assert!(last.starts_with("ucwa-demo: error: creating the application: POST http://127.0.0.1:9/ucwa/oauth/v1/applications:"), "{stderr}");
    assert!(last.contains("Connection refused"), "{stderr}");
}

#[test]
fn a_server_needs_a_token() {
    let (ok, _, stderr) = demo(&["--server", "http://127.0.0.1:9"]);
    assert!(!ok);
    assert!(stderr.contains("--token"), "{stderr}");
}
