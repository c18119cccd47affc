//! What the tests share: an emulator on loopback in the test process, a private cache
//! directory per test, and the real `ucwa` binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use assert_cmd::Command;
use ucwa_emulator::{Config, Emulator, ROOT_PATH};

/// The emulator's users' password.
pub const PASSWORD: &str = "pass@word1";

/// An emulator running on its own runtime (the binary runs while the test thread blocks).
pub struct Server {
    pub emulator: Emulator,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    /// The emulator with its default users (lene@, ann@, john@contoso.com).
    pub fn start() -> Server {
        Server::with(Config::default())
    }

    /// The emulator of `config` (its long poll made 5 s).
    pub fn with(config: Config) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(Emulator::start(Config {
                long_poll: Duration::from_secs(5),
                ..config
            }))
            .unwrap();
        Server { emulator, runtime }
    }

    /// Its discovery URL.
    pub fn root(&self) -> String {
        format!("{}{ROOT_PATH}", self.emulator.origin())
    }

    /// The token the emulator issued to `address` (None before a sign-in).
    pub fn token_for(&self, address: &str) -> Option<String> {
        self.emulator.token_for(address)
    }

    /// `ucwa login address` with the password on stdin, into `cache`.
    pub fn login(&self, cache: &Cache, address: &str) -> std::process::Output {
        cache
            .ucwa()
            .args([
                "--discovery-url",
                &self.root(),
                "--insecure-http",
                "login",
                address,
                "--password-stdin",
            ])
            .write_stdin(format!("{PASSWORD}\n"))
            .output()
            .unwrap()
    }
}

/// A cache directory of its own (removed at the end).
pub struct Cache {
    pub dir: PathBuf,
}

impl Cache {
    /// A fresh, not yet created, directory.
    pub fn new() -> Cache {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ucwa-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Cache { dir }
    }

    /// The binary, with this cache and no colour.
    pub fn ucwa(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ucwa"));
        command
            .env("UCWA_CACHE_DIR", &self.dir)
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(60));
        command
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The binary against an embedded emulator (no cache needed).
pub fn embedded(args: &[&str]) -> std::process::Output {
    let cache = Cache::new();
    let mut command = cache.ucwa();
    command.arg("--emulator").args(args);
    command.output().unwrap()
}

/// Stdout as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success, showing stderr if not.
pub fn ok(output: std::process::Output) -> std::process::Output {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        stderr(&output)
    );
    output
}

/// Stdout parsed as one JSON value.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}
