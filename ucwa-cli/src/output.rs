//! How results are shown: a table (or `key: value` lines) for people, one JSON value (or one
//! per line for streams) with `--json`; progress on stderr only, and colour only on a terminal
//! without `NO_COLOR`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use comfy_table::{Table, presets};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Whether stream `is_terminal` may be coloured: a terminal, and `NO_COLOR` unset or empty
/// (<https://no-color.org>).
pub fn colour_allowed(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Where results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// `--json`.
    pub json: bool,
    /// Colour on stdout.
    pub colour: bool,
}

impl Output {
    /// For `--json` or not, colouring stdout when allowed.
    pub fn new(json: bool) -> Output {
        Output {
            json,
            colour: colour_allowed(std::io::stdout().is_terminal()),
        }
    }

    /// Prints `value` as one JSON document (`--json`), or `human` otherwise.
    pub fn show<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            self.json_line(value);
        } else {
            print_out(&human());
        }
    }

    /// Prints `value` as one line of JSON (streams print one per line).
    pub fn json_line<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string(value).expect("the views serialize");
        print_out(&text);
    }

    /// A table of `rows` under `headers` (the header bold when coloured), or a line saying
    /// there is nothing.
    pub fn table(&self, headers: &[&str], rows: Vec<Vec<String>>, none: &str) -> String {
        if rows.is_empty() {
            return none.to_owned();
        }
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        table.set_header(headers.iter().map(|h| {
            if self.colour {
                format!("\x1b[1m{}\x1b[0m", h.to_uppercase())
            } else {
                h.to_uppercase()
            }
        }));
        for row in rows {
            table.add_row(row);
        }
        // comfy-table pads each cell by a blank on both sides and every line to the widest;
        // the first column starts at the margin, and no line ends in blanks.
        table
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Writes `text` and a newline to stdout; a closed pipe (`ucwa … | head`) ends quietly.
fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// What a command is waiting for, as a spinner on stderr when it is a terminal (nothing
/// otherwise, so that logs and pipes stay clean), and as lines with `--verbose`.
pub struct Progress {
    bar: ProgressBar,
    verbose: bool,
}

impl Progress {
    /// A spinner on stderr if it is a terminal.
    pub fn new(verbose: bool) -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar, verbose }
    }

    /// Shows what is being waited for now.
    pub fn say(&self, message: &str) {
        if self.verbose {
            self.bar.suspend(|| eprintln!("ucwa: {message}"));
        }
        self.bar.set_message(message.to_owned());
    }

    /// A warning on stderr (the command goes on).
    pub fn warn(&self, message: &str) {
        self.bar.suspend(|| eprintln!("warning: {message}"));
    }

    /// Takes the spinner away (before printing results, or a stream's lines).
    pub fn done(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
