//! `--verbose`: the library's log (discovery, tokens obtained, the application's lifecycle) on
//! stderr, each line passed through [`redact`] first so that no token can reach a terminal or
//! a pasted bug report, whatever a future log line holds.

use std::io::Write;

use tracing_subscriber::filter::LevelFilter;

/// Turns the log on at `info` (the client's steps; `debug` is the HTTP stack's connection pool) when `verbose`.
pub fn init(verbose: bool) {
    if !verbose {
        return;
    }
    tracing_subscriber::fmt()
        .with_max_level(LevelFilter::INFO)
        .with_writer(|| Redacting(std::io::stderr()))
        .with_target(false)
        .without_time()
        .with_ansi(crate::output::colour_allowed(
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        ))
        .init();
}

/// Stderr, redacting what it writes.
struct Redacting(std::io::Stderr);

impl Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// `text` with the value after each `Bearer `, `access_token` and `password` replaced.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for marker in ["Bearer ", "access_token=", "access_token\":\"", "password="] {
            if let Some(at) = rest.find(marker)
                && at == first_marker(rest)
            {
                out.push_str(&rest[..at + marker.len()]);
                out.push_str("<redacted>");
                let after = &rest[at + marker.len()..];
                let end = after
                    .find(|c: char| c.is_whitespace() || matches!(c, '"' | '&' | ',' | '}' | ')'))
                    .unwrap_or(after.len());
                rest = &after[end..];
                continue 'scan;
            }
        }
        out.push_str(rest);
        break;
    }
    out
}

/// Where the first marker starts (`usize::MAX` if none).
fn first_marker(text: &str) -> usize {
    ["Bearer ", "access_token=", "access_token\":\"", "password="]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn tokens_and_passwords_are_redacted() {
        assert_eq!(
            redact("Authorization: Bearer abc.def x; grant_type=password&password=s3cret&x=1"),
            "Authorization: Bearer <redacted> x; grant_type=password&password=<redacted>&x=1"
        );
        assert_eq!(
            redact(r#"{"access_token":"tok","x":1}"#),
            r#"{"access_token":"<redacted>","x":1}"#
        );
        assert_eq!(redact("nothing here"), "nothing here");
    }
}
