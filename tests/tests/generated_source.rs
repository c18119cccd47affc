//! The generated source is exactly what the `ucwa` crate compiles under
//! `#![deny(warnings, missing_docs)]` (and what CI lints with clippy). The whole of it (about
//! 45,000 lines for 237 resources) is more than a reviewer reads, so the snapshot holds the
//! items of the original three resources and what they use: every change to how the generator
//! writes a struct, its links, its embedded resources, an operation or an error enum shows
//! there, cut from the very source that is compiled.

use std::path::Path;

fn schema_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
}

/// The types whose items the snapshot holds: the three resources of the original flow, the
/// operations on them, and the enumerations they use.
const REVIEWED: &[&str] = &[
    "Participant",
    "AudioVideoInvitation",
    "EscalateAudioVideo",
    "Role",
    "SourceNetwork",
    "InvitationState",
    "Direction",
    "Importance",
];

/// The items of the generated source that define one of `REVIEWED`'s types or their
/// `…Links`, `…Embedded`, `…Get`, `…Post`, `…Error`, `…Query` companions, in source order,
/// each with the module it is in. The generator puts a blank line between items.
fn reviewed_items(source: &str) -> String {
    let items = items(source);
    // Operations whose error table is another's name that one's enum: it is reviewed too.
    let mut names: Vec<String> = Vec::new();
    for (_, name, item) in &items {
        if REVIEWED.iter().any(|t| is_companion(name, t))
            && let Some((_, target)) = item.split_once(" = ")
        {
            names.push(target.trim_end_matches(';').trim().to_owned());
        }
    }
    let mut out = String::new();
    for (module, name, item) in &items {
        if REVIEWED.iter().any(|t| is_companion(name, t)) || names.contains(name) {
            out.push_str(&format!(
                "// in `{module}`\n{}\n\n",
                item.trim_matches('\n')
            ));
        }
    }
    out
}

/// The items of the source: (module, the name it defines, its text).
fn items(source: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut module = "";
    for item in source.split("\n\n") {
        for line in item.lines() {
            if let Some(name) = line.strip_prefix("pub mod ") {
                module = name.trim_end_matches(" {");
            }
        }
        let defines = item.lines().find_map(|line| {
            let line = line.trim_start();
            // `impl Trait for Name`, `impl Name`, `pub struct Name`, …
            if let Some(rest) = line.strip_prefix("impl ") {
                return Some(rest.split_once(" for ").map_or(rest, |(_, name)| name));
            }
            ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|keyword| line.strip_prefix(keyword))
        });
        let Some(defined) = defines else { continue };
        let name: String = defined
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        out.push((module.to_owned(), name, item.to_owned()));
    }
    out
}

/// `name` is `ty` or one of the items generated with it.
fn is_companion(name: &str, ty: &str) -> bool {
    let Some(rest) = name.strip_prefix(ty) else {
        return false;
    };
    let rest = ["Get", "Post", "Put", "Delete", "Options"]
        .iter()
        .find_map(|method| rest.strip_prefix(method))
        .unwrap_or(rest);
    ["", "Links", "Embedded", "Rel", "Error", "Query", "Body"].contains(&rest)
}

#[test]
fn generated_source_snapshot() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
        .features_per_area(true)
        .render()
        .unwrap();
    insta::assert_snapshot!("generated_source", reviewed_items(&generated.source));
}

#[test]
fn the_snapshotted_source_is_the_one_compiled_into_ucwa() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
        .features_per_area(true)
        .render()
        .unwrap();
    assert_eq!(generated.source, ucwa::__GENERATED_SOURCE);
    assert!(generated.source.starts_with("// @generated"));
}

#[test]
fn generation_is_deterministic() {
    let builder = ucwa_codegen::Builder::new().schema_dir(schema_dir());
    let first = builder.render().unwrap().source;
    for _ in 0..3 {
        assert_eq!(builder.render().unwrap().source, first);
    }
}
