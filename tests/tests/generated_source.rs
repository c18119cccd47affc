//! The generated source, reviewed through its snapshot, is exactly what the `ucwa` crate
//! compiles under `#![deny(warnings, missing_docs)]` (and what CI lints with clippy).

use std::path::Path;

fn schema_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema"))
}

#[test]
fn generated_source_snapshot() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
        .render()
        .unwrap();
    insta::assert_snapshot!("generated_source", generated.source);
}

#[test]
fn the_snapshotted_source_is_the_one_compiled_into_ucwa() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(schema_dir())
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
