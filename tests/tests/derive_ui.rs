//! The derives as a compiler sees them: the compile errors of misuse (`tests/ui/fail_*.rs`, one
//! `.stderr` each), hand-written types that must compile and run (`tests/ui/pass_*.rs`), and the
//! code generated for request bodies of every kind the schema format has (`resource`,
//! `fields`), which the project's schema does not use yet, and for an answer of raw content
//! (`mediaTypes`: a picture).
//!
//! That generated code is reviewed like all generated code, as an insta snapshot
//! (`snapshots/derive_ui__generated_bodies.snap`); the same string is appended to the driver
//! `tests/ui/generated_bodies/main.rs` and compiled under `deny(warnings)` and run.

use std::path::{Path, PathBuf};

fn generated_bodies() -> String {
    ucwa_codegen::Builder::new()
        .schema_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/bodies"))
        .render()
        .expect("the bodies fixture schema is valid")
        .source
}

#[test]
fn generated_bodies_are_reviewed() {
    insta::assert_snapshot!("generated_bodies", generated_bodies());
}

/// The driver followed by the generated code, as one UI case in the test's own temp folder.
fn generated_bodies_case() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let driver = std::fs::read_to_string(manifest.join("ui/generated_bodies/main.rs")).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("derive_ui");
    std::fs::create_dir_all(&dir).unwrap();
    let case = dir.join("pass_generated_bodies.rs");
    let source = format!("{driver}\n{}", generated_bodies());
    // Rewritten only when it changed, so that trybuild's build stays fresh.
    if std::fs::read_to_string(&case).ok().as_deref() != Some(source.as_str()) {
        std::fs::write(&case, source).unwrap();
    }
    case
}

#[test]
fn derives_compile_or_fail_as_documented() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass_*.rs");
    t.pass(generated_bodies_case());
    t.compile_fail("ui/fail_*.rs");
}
