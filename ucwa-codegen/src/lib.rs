//! Generates typed Rust bindings for UCWA 2.0 from a declarative schema.
//!
//! A schema directory holds `resources/*.json` and `enumerations/*.json` (the format is
//! described in the repository's `schema/README.md`, and `schema/ucwa-schema.json` is its JSON
//! Schema). The output is one Rust file with `enumerations`, `resources` and `operations`
//! modules of plain types carrying the derives of `ucwa-derive`, naming the runtime as
//! `::ucwa_runtime` and nothing else.
//!
//! From a build script (writes `OUT_DIR/ucwa.rs`, only when its content changed):
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), ucwa_codegen::Error> {
//!     ucwa_codegen::Builder::new().schema_dir("schema").generate()
//! }
//! ```
//!
//! and in the crate, with `ucwa-runtime` as a dependency:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/ucwa.rs"));
//! ```
//!
//! Every problem in the schema is reported at once, each naming the file, the place in it
//! and what was expected; nothing is generated until the schema is clean.

mod diagnostic;
mod emit;
mod load;
pub mod model;
mod naming;
mod reader;
mod validate;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Error, Location};
pub use emit::HEADER;
use model::Schema;

/// Configures and runs the generator, in the manner of `prost_build::Config`.
#[derive(Clone, Debug)]
pub struct Builder {
    schema_dir: PathBuf,
    out_dir: Option<PathBuf>,
    file_name: String,
    features_per_area: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// The result of a generation: the source and the schema it came from.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The formatted Rust source, starting with the `@generated` header.
    pub source: String,
    /// The validated schema.
    pub schema: Schema,
}

impl Builder {
    /// Reads `schema/` and writes `ucwa.rs` into `OUT_DIR`.
    pub fn new() -> Self {
        Builder {
            schema_dir: PathBuf::from("schema"),
            out_dir: None,
            file_name: "ucwa.rs".to_owned(),
            features_per_area: false,
        }
    }

    /// The schema directory (holding `resources/` and `enumerations/`).
    pub fn schema_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.schema_dir = dir.into();
        self
    }

    /// Where [`Builder::generate`] writes; defaults to the `OUT_DIR` of the build script.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The name of the generated file; `ucwa.rs` by default.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Puts each resource whose schema file names an `area` (and its operations, and its
    /// `AnyResource` variant) behind the cargo feature of that name, so that a user compiles
    /// only the areas they enable: a link to a resource whose area is off is an untyped `Link`,
    /// and a resource embedded from such an area stays in `unknown`. The crate including the
    /// output must declare one feature per area (an undeclared one is an `unexpected_cfgs`
    /// warning). Off by default: everything is generated unconditionally.
    pub fn features_per_area(mut self, enabled: bool) -> Self {
        self.features_per_area = enabled;
        self
    }

    /// Loads and validates the schema without generating anything.
    pub fn check(&self) -> Result<Schema, Error> {
        self.load().1
    }

    /// Loads, validates and generates, returning the source.
    pub fn render(&self) -> Result<Generated, Error> {
        let schema = self.check()?;
        let source = emit::emit(&schema, self.features_per_area);
        Ok(Generated { source, schema })
    }

    /// For build scripts: generates into the output directory, rewriting the file only when its
    /// content changed, and tells Cargo to rerun when the schema directory or any file read
    /// changes (also when the schema has errors, so that fixing them triggers a rebuild).
    pub fn generate(&self) -> Result<(), Error> {
        let (files, schema) = self.load();
        println!("cargo:rerun-if-changed={}", self.schema_dir.display());
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let source = emit::emit(&schema?, self.features_per_area);
        let path = self.output_path()?;
        write_if_changed(&path, &source)
            .map(drop)
            .map_err(|e| io_error(&path, "cannot write the generated file", &e))
    }

    /// The path [`Builder::generate`] writes to.
    pub fn output_path(&self) -> Result<PathBuf, Error> {
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::new(vec![Diagnostic::new(
                        Path::new("OUT_DIR"),
                        Location::File,
                        "not set: call `.out_dir(..)` when not running from a build script",
                    )])
                })?,
        };
        Ok(dir.join(&self.file_name))
    }

    /// The files read (even when the schema has errors) and the validated schema.
    fn load(&self) -> (Vec<PathBuf>, Result<Schema, Error>) {
        let mut diagnostics = Vec::new();
        let schema = load::load(&self.schema_dir, &mut diagnostics);
        // Validate what loaded even when some of it did not, so one run reports everything;
        // but a reference may name what a broken file defines, so those wait for a clean load.
        let references = if diagnostics.is_empty() {
            validate::References::Check
        } else {
            validate::References::Skip
        };
        validate::validate(&schema, references, &mut diagnostics);
        let files = schema.files.clone();
        if diagnostics.is_empty() {
            return (files, Ok(schema));
        }
        // Group by file, keeping the order within each file.
        diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
        (files, Err(Error::new(diagnostics)))
    }
}

/// Writes `contents` to `path` unless the file already holds exactly that, so that tools
/// watching modification times (Cargo, editors) see no change. Returns whether it wrote.
pub fn write_if_changed(path: &Path, contents: &str) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents)?;
    Ok(true)
}

fn io_error(path: &Path, what: &str, error: &io::Error) -> Error {
    Error::new(vec![Diagnostic::new(
        path,
        Location::File,
        format!("{what}: {error}"),
    )])
}
