//! Instant messages between two users of one emulator, each its own `ucwa` process with its
//! own cache: `im listen` prints what `im send` delivers.

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Cache, Server, ok};

#[test]
fn im_listen_prints_a_message_another_user_sends() {
    let server = Server::start();
    let (ann, lene) = (Cache::new(), Cache::new());
    ok(server.login(&ann, "ann@contoso.com"));
    ok(server.login(&lene, "lene@contoso.com"));

    let mut listener = std::process::Command::new(env!("CARGO_BIN_EXE_ucwa"))
        .env("UCWA_CACHE_DIR", &ann.dir)
        .args(["--json", "im", "listen", "--count", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Ann's listener signs in on its own time: send until it is there to accept.
    let started = Instant::now();
    let sent = loop {
        let out = lene
            .ucwa()
            .args([
                "--json",
                "im",
                "send",
                "--to",
                "ann@contoso.com",
                "--timeout",
                "5",
                "ping",
            ])
            .output()
            .unwrap();
        if out.status.success() || started.elapsed() > Duration::from_secs(30) {
            break out;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let sent = ok(sent);
    assert_eq!(
        common::json(&sent),
        serde_json::json!([{"to": "ann@contoso.com", "delivered": true, "reason": null}])
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = listener.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "im listen did not stop after one message"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    listener
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    listener
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    let received: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        received,
        serde_json::json!({"from": "Lene Aaling", "text": "ping", "html": false})
    );
}
