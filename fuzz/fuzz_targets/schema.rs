//! The schema loader: the input is one schema file, added to a small valid schema (a resource
//! and an enumeration it may reference) first as a resource file, then as an enumeration file.
//! Loading, validating and, when the schema is clean, generating must report errors and never
//! panic (the emitter's `expect`s included).
#![no_main]

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ucwa::serde_json::Value;
use ucwa_codegen::Builder;

/// The schema the input joins: `note` (properties, operations with a resource body and a
/// fields body) and the enumeration `Role`.
const BASE: [(&str, &str); 2] = [
    (
        "resources/note.json",
        include_str!("../../tests/schemas/bodies/resources/note.json"),
    ),
    (
        "enumerations/Role.json",
        include_str!("../../schema/enumerations/Role.json"),
    ),
];

/// A directory of this process's own, rewritten for each input.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        std::env::temp_dir().join(format!("ucwa-fuzz-schema-{}", std::process::id()))
    })
}

/// The file's name must be the `name` it holds; when it holds none that could be a file name,
/// `fuzz` (a mismatch the loader reports).
fn file_stem(data: &[u8]) -> String {
    let name = ucwa::serde_json::from_slice::<Value>(data)
        .ok()
        .and_then(|v| v.get("name")?.as_str().map(str::to_owned));
    match name {
        Some(name)
            if (1..=64).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            name
        }
        _ => "fuzz".to_owned(),
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    let stem = file_stem(data);
    for sub in ["resources", "enumerations"] {
        let _ = fs::remove_dir_all(dir);
        for (path, text) in BASE {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        fs::write(dir.join(sub).join(format!("{stem}.json")), data).unwrap();
        // With and without a cargo feature per area (as `ucwa` generates), by the input's length.
        let builder = Builder::new()
            .schema_dir(dir)
            .features_per_area(data.len().is_multiple_of(2));
        match builder.render() {
            Ok(generated) => assert!(generated.source.contains("pub mod resources")),
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
});
