//! Generates the typed bindings from `schema/` into `OUT_DIR/ucwa.rs`. `schema` is a link to the
//! repository's `schema/`, so that the packaged crate carries the files it is generated from.
//!
//! `ucwa-codegen` prints `cargo:rerun-if-changed` for the schema directory and every file it
//! reads, and rewrites the output only when its content changed, so a build with nothing
//! changed does not rerun this script.

fn main() -> Result<(), ucwa_codegen::Error> {
    ucwa_codegen::Builder::new()
        .schema_dir("schema")
        // One cargo feature per area of the schema, declared in Cargo.toml.
        .features_per_area(true)
        .generate()
}
