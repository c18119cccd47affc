//! The `ucwa-codegen` binary as a user runs it.

use std::path::Path;
use std::process::Command;

fn ucwa_codegen(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ucwa-codegen"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema");

#[test]
fn check_accepts_the_project_schema() {
    let (ok, stdout, stderr) = ucwa_codegen(&["check", "--schema", SCHEMA]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "schema is valid: 237 resources (362 properties, 319 links of which 15 data, 262 operations), 56 enumerations\n"
    );
}

#[test]
fn generate_writes_the_file_and_a_summary() {
    let out = std::env::temp_dir().join(format!("ucwa-codegen-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let out_str = out.to_str().unwrap();
    let (ok, stdout, stderr) = ucwa_codegen(&["generate", "--schema", SCHEMA, "--out", out_str]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(out.join("ucwa.rs")).unwrap();
    let expected = ucwa_codegen::Builder::new()
        .schema_dir(SCHEMA)
        .render()
        .unwrap()
        .source;
    assert_eq!(written, expected);
    assert!(
        stderr.starts_with(&format!("wrote {}", out.join("ucwa.rs").display())),
        "{stderr}"
    );
    assert!(stderr.contains("  resource participant"), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.trim_start().starts_with("enumeration InvitationState"))
        .expect("a line for InvitationState");
    assert!(line.ends_with(" 8 members"), "{line}");

    // Nothing changed: the file is left alone.
    let (ok, _, stderr) = ucwa_codegen(&["generate", "--schema", SCHEMA, "--out", out_str]);
    assert!(ok);
    assert!(stderr.starts_with("unchanged"), "{stderr}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn generate_to_stdout_prints_the_source() {
    let (ok, stdout, _) = ucwa_codegen(&["generate", "--schema", SCHEMA, "--stdout"]);
    assert!(ok);
    assert!(stdout.starts_with(ucwa_codegen::HEADER));
    assert!(stdout.contains("pub struct AudioVideoInvitation {"));
}

#[test]
fn a_broken_schema_fails_with_every_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-schemas/unknown-type");
    let expected = ucwa_codegen::Builder::new()
        .schema_dir(&dir)
        .check()
        .unwrap_err();
    for command in ["check", "generate"] {
        let mut args = vec![command, "--schema", dir.to_str().unwrap()];
        if command == "generate" {
            args.push("--stdout");
        }
        let (ok, stdout, stderr) = ucwa_codegen(&args);
        assert!(!ok, "{command} must fail");
        assert_eq!(stdout, "", "{command} printed source");
        assert_eq!(stderr, format!("{expected}\n"));
        assert_eq!(stderr.matches("error: ").count(), 3);
    }
}

#[test]
fn bad_arguments_are_refused() {
    let (ok, _, stderr) = ucwa_codegen(&["generate", "--schema", SCHEMA]);
    assert!(!ok);
    assert!(stderr.contains("--out"), "{stderr}");
}
