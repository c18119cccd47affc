//! `--help` of each command, snapshot-tested (the snapshots are the documentation a user
//! reads), and the completion scripts.

mod common;

use predicates::prelude::*;

fn help(args: &[&str]) -> String {
    let cache = common::Cache::new();
    let out = cache.ucwa().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

#[test]
fn help_of_each_command() {
    let commands: &[&[&str]] = &[
        &[],
        &["login"],
        &["logout"],
        &["whoami"],
        &["presence"],
        &["presence", "set"],
        &["note"],
        &["location"],
        &["contacts"],
        &["contacts", "search"],
        &["contacts", "add"],
        &["contacts", "remove"],
        &["contacts", "move"],
        &["contacts", "copy"],
        &["groups"],
        &["groups", "create"],
        &["groups", "rename"],
        &["groups", "delete"],
        &["groups", "expand"],
        &["im"],
        &["im", "send"],
        &["im", "listen"],
        &["meetings"],
        &["meetings", "create"],
        &["meetings", "update"],
        &["get"],
        &["watch"],
        &["audit"],
        &["call"],
        &["forwarding"],
        &["forwarding", "immediate"],
        &["forwarding", "simultaneous"],
        &["forwarding", "unanswered"],
        &["emulator"],
        &["completions"],
    ];
    for command in commands {
        let name = if command.is_empty() {
            "ucwa".to_owned()
        } else {
            format!("ucwa {}", command.join(" "))
        };
        insta::assert_snapshot!(name.replace(' ', "_"), help(command), &name);
    }
}

#[test]
fn the_exit_codes_are_in_the_help() {
    let text = help(&[]);
    for line in [
        "3  sign-in refused",
        "4  not found",
        "5  network failure",
        "7  the call did not connect",
    ] {
        assert!(text.contains(line), "{text}");
    }
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ucwa"),
        ("fish", "complete -c ucwa"),
    ] {
        common::Cache::new()
            .ucwa()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker).and(predicate::str::contains("presence")));
    }
}
