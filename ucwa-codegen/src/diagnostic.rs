//! What is wrong with a schema, and where.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a schema file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (it cannot be read, or is misplaced).
    File,
    /// A 1-based line and column, for JSON syntax errors.
    LineColumn(usize, usize),
    /// A JSON path into the document, such as `$.properties[3].type`.
    Path(String),
}

/// One problem found in the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as reached from the schema directory given to the generator.
    pub file: PathBuf,
    /// Where in the file.
    pub location: Location,
    /// What was found and what is expected.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(file: &Path, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Forward slashes on every platform keep messages (and their snapshots) stable.
        let file = self.file.to_string_lossy().replace('\\', "/");
        match &self.location {
            Location::File => write!(f, "error: {file}: {}", self.message),
            Location::LineColumn(line, column) => {
                write!(f, "error: {file}:{line}:{column}: {}", self.message)
            }
            Location::Path(path) => write!(f, "error: {file}: at {path}: {}", self.message),
        }
    }
}

/// Everything wrong with a schema (or with writing the output), reported together.
///
/// `Debug` prints the same text as `Display`, so a build script written as
/// `fn main() -> Result<(), ucwa_codegen::Error>` fails with readable messages.
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Self {
        debug_assert!(!diagnostics.is_empty());
        Error { diagnostics }
    }

    /// Every problem, in the order of the files and of their content.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        let n = self.diagnostics.len();
        write!(
            f,
            "ucwa-codegen: {n} error{} in the schema; nothing was generated",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Shown by `fn main() -> Result<..>` in build scripts: the messages, not the structure.
        writeln!(f)?;
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}
