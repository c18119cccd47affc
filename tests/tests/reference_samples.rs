//! The fixtures in `tests/fixtures/` are the response samples of the reference pages, byte for
//! byte. When the pages are present (`../shared/ucwa-docs` beside the repository, as in CI, or
//! `UCWA_DOCS`), this test extracts the samples again and compares; under CI (`CI` set) their
//! absence is a failure, not a skip.

mod common;

use std::path::PathBuf;

fn docs_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("UCWA_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/ucwa-docs")
        });
    dir.join("reference").is_dir().then_some(dir)
}

/// The body of the first sample under `heading`: the fenced block after it, from the first line
/// that starts with `body_start` (the HTTP status line and headers come before).
fn sample(page: &str, heading: &str, body_start: char) -> String {
    let at = page
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?}"));
    let rest = &page[at..];
    let open = rest.find("```").expect("an opening fence") + 3;
    let close = open + rest[open..].find("```").expect("a closing fence");
    let block = &rest[open..close];
    let body_at = block
        .lines()
        .position(|l| l.starts_with(body_start))
        .expect("a body");
    let body: Vec<&str> = block.lines().skip(body_at).collect();
    format!("{}\n", body.join("\n").trim_end())
}

#[test]
fn fixtures_match_the_reference_pages() {
    let Some(docs) = docs_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the reference pages are not beside the repository (../shared/ucwa-docs, or set UCWA_DOCS), and CI must read them"
        );
        eprintln!("skipped: the reference pages are not beside the repository (set UCWA_DOCS)");
        return;
    };
    let mut compared = 0;
    for resource in [
        "participant",
        "audioVideoInvitation",
        "escalateAudioVideo",
        "audioVideo",
    ] {
        let page = std::fs::read_to_string(docs.join(format!("reference/{resource}_ref.md")))
            .expect("the reference page");
        for (heading, ext, start) in [
            ("#### JSON Response", "json", '{'),
            ("#### XML Response", "xml", '<'),
        ] {
            let name = format!("{resource}.response.{ext}");
            let fixture = String::from_utf8(common::fixture(&name)).unwrap();
            assert_eq!(
                fixture,
                sample(&page, heading, start),
                "{name} differs from its page"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 8);
}
