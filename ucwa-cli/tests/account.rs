//! `ucwa login`, `logout`, `whoami` against an emulator on loopback: the cache file (its
//! permissions, no password), the exit codes of a refused sign-in and an unreachable server,
//! and no token in any output, `--verbose` included.

mod common;

use common::{Cache, Server, json, ok, stderr, stdout};

/// How every token the emulator issues begins.
const TOKEN_PREFIX: &str = "cwt=emulator";

#[test]
fn login_keeps_a_private_cache_that_later_commands_use_and_logout_forgets() {
    let server = Server::start();
    let cache = Cache::new();
    let login = ok(server.login(&cache, "lene@contoso.com"));
    assert!(
        stdout(&login).starts_with("Signed in as lene@contoso.com"),
        "{}",
        stdout(&login)
    );

    let file = cache.dir.join("session.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&cache.dir), 0o700);
    }
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(kept["address"], "lene@contoso.com");
    assert_eq!(kept["root"], server.root());
    // The emulator's tokens are `cwt=emulator-…`: the one kept is one it issued, for its host.
    let token = kept["tokens"][server.emulator.origin()].as_str().unwrap();
    assert!(token.starts_with(TOKEN_PREFIX), "{kept}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(common::PASSWORD), "{text}");

    // Later runs use the kept token: no password grant again.
    let grants = server.emulator.observed().password_grants();
    let me = ok(cache.ucwa().args(["whoami"]).output().unwrap());
    assert_eq!(stdout(&me), "Lene Aaling <sip:lene@contoso.com>\n");
    let me = json(&ok(cache
        .ucwa()
        .args(["--json", "whoami"])
        .output()
        .unwrap()));
    assert_eq!(me["address"], "lene@contoso.com");
    assert_eq!(me["uri"], "sip:lene@contoso.com");
    assert_eq!(me["name"], "Lene Aaling");
    assert_eq!(server.emulator.observed().password_grants(), grants);

    let out = ok(cache.ucwa().args(["logout"]).output().unwrap());
    assert_eq!(stdout(&out), "Signed out: the kept token is forgotten.\n");
    assert!(!file.exists());
    let after = cache.ucwa().args(["whoami"]).output().unwrap();
    assert_eq!(after.status.code(), Some(3));
    assert_eq!(
        stderr(&after),
        "error: Not signed in: run `ucwa login USER@DOMAIN` first, or add --emulator.\n"
    );
    let again = json(&ok(cache
        .ucwa()
        .args(["--json", "logout"])
        .output()
        .unwrap()));
    assert_eq!(again, serde_json::json!({"forgotten": false}));
}

#[test]
fn a_wrong_password_exits_3_and_keeps_nothing() {
    let server = Server::start();
    let cache = Cache::new();
    let out = cache
        .ucwa()
        .args([
            "--discovery-url",
            &server.root(),
            "--insecure-http",
            "login",
            "lene@contoso.com",
            "--password-stdin",
        ])
        .write_stdin("not-the-password\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.starts_with("error: Signing in failed:"),
        "{message}"
    );
    assert!(message.contains("invalid_grant"), "{message}");
    assert!(
        message.ends_with("run `ucwa login` again, checking the address and password.\n"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(stdout(&out).is_empty());
    assert!(!cache.dir.join("session.json").exists());
}

#[test]
fn an_unreachable_server_exits_5() {
    // A port nobody listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = Cache::new();
    let out = cache
        .ucwa()
        .args([
            "--discovery-url",
            &format!("http://127.0.0.1:{port}/Autodiscover/AutodiscoverService.svc/root"),
            "--insecure-http",
            "login",
            "lene@contoso.com",
            "--password-stdin",
        ])
        .write_stdin("pass@word1\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("Connection refused"), "{message}");
    assert!(
        message.ends_with("check the server's address and the network, then try again.\n"),
        "{message}"
    );
}

#[test]
fn the_password_is_never_an_argument_and_a_missing_terminal_is_named() {
    let cache = Cache::new();
    let out = cache
        .ucwa()
        .args(["login", "lene@contoso.com", "pass@word1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cache
        .ucwa()
        .args(["login", "lene@contoso.com"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: No terminal to ask the password on: pipe it in with --password-stdin.\n"
    );
}

#[test]
fn no_token_in_any_output_verbose_included() {
    let server = Server::start();
    let cache = Cache::new();
    let mut outputs = vec![server.login(&cache, "lene@contoso.com")];
    for args in [
        vec!["--verbose", "login", "lene@contoso.com", "--password-stdin"],
        vec!["--verbose", "whoami"],
        vec!["--verbose", "--json", "presence", "set", "busy"],
        vec!["--verbose", "--format", "xml", "contacts", "list"],
    ] {
        let mut command = cache.ucwa();
        command
            .args(["--discovery-url", &server.root(), "--insecure-http"])
            .args(&args);
        if args.contains(&"login") {
            command.write_stdin("pass@word1\n");
        }
        outputs.push(ok(command.output().unwrap()));
    }
    let verbose = stderr(&outputs[2]);
    assert!(verbose.contains("token issued"), "{verbose}");
    assert!(verbose.contains("application created"), "{verbose}");
    assert!(server.token_for("lene@contoso.com").is_some());
    for output in &outputs {
        for text in [stdout(output), stderr(output)] {
            assert!(!text.contains(TOKEN_PREFIX), "a token in: {text}");
            assert!(!text.contains(common::PASSWORD), "the password in: {text}");
        }
    }
}
