//! What `ucwa login` keeps between runs: the sign-in address, the discovered URLs and a token
//! per host, in one JSON file of the user's cache directory (`UCWA_CACHE_DIR` replaces the
//! directory). Never the password. The directory is made readable by the user alone (0700)
//! and the file too (0600), since a token is as good as the password until it expires.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::failure::{Failure, Kind};

/// The name of the file in the cache directory.
const FILE: &str = "session.json";

/// What is kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cached {
    /// The sign-in address.
    pub address: String,
    /// Whether plain HTTP was allowed at login (`--insecure-http`).
    pub insecure_http: bool,
    /// The root resource discovery started from (the next runs start there).
    pub root: String,
    /// The user resource.
    pub user: String,
    /// The applications resource.
    pub applications: String,
    /// The token of each host (its origin, `https://fe1.contoso.com`).
    pub tokens: BTreeMap<String, String>,
}

/// The cache directory: `UCWA_CACHE_DIR`, or the platform's (`~/.cache/ucwa` on Linux).
pub fn dir() -> Result<PathBuf, Failure> {
    if let Some(dir) = std::env::var_os("UCWA_CACHE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "ucwa")
        .map(|dirs| dirs.cache_dir().to_path_buf())
        .ok_or_else(|| {
            Failure::new(
                Kind::Other,
                "No home directory was found for the cache; set UCWA_CACHE_DIR to a directory.",
            )
        })
}

/// The cache file's path.
pub fn path() -> Result<PathBuf, Failure> {
    Ok(dir()?.join(FILE))
}

/// What `ucwa login` kept, or a failure telling to sign in.
pub fn load() -> Result<Cached, Failure> {
    let path = path()?;
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::new(
                Kind::SignIn,
                "Not signed in: run `ucwa login USER@DOMAIN` first, or add --emulator.",
            ));
        }
        Err(e) => return Err(io_failure("reading", &path, &e)),
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::new(
            Kind::SignIn,
            format!(
                "The cache {} cannot be read ({e}): run `ucwa login` again.",
                path.display()
            ),
        )
    })
}

/// Keeps `cached`, replacing what was there, readable by the user alone.
pub fn store(cached: &Cached) -> Result<PathBuf, Failure> {
    let dir = dir()?;
    create_private_dir(&dir).map_err(|e| io_failure("creating", &dir, &e))?;
    let path = dir.join(FILE);
    let text = serde_json::to_string_pretty(cached).expect("the cache serializes");
    // Written to a private temporary file and renamed, so that the token is never readable by
    // others, not even for a moment, and a crash leaves the old file whole.
    let temporary = dir.join(format!("{FILE}.{}", std::process::id()));
    write_private(&temporary, text.as_bytes())
        .map_err(|e| io_failure("writing", &temporary, &e))?;
    fs::rename(&temporary, &path).map_err(|e| io_failure("writing", &path, &e))?;
    Ok(path)
}

/// Forgets what was kept; whether there was anything.
pub fn remove() -> Result<bool, Failure> {
    let path = path()?;
    match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_failure("removing", &path, &e)),
    }
}

fn io_failure(doing: &str, path: &Path, error: &std::io::Error) -> Failure {
    Failure::new(
        Kind::Other,
        format!(
            "{doing} the cache {} failed ({error}): check its permissions or set UCWA_CACHE_DIR.",
            path.display()
        ),
    )
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // An existing directory keeps its mode with `create`: tighten it.
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    fs::File::create(path)?.write_all(bytes)
}
