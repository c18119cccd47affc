//! Turns the UCWA 2.0 reference pages (`../shared/ucwa-docs/reference/*_ref.md`) into the
//! schema the generator reads (`schema/`).
//!
//! A developer tool, in its own crate so that nothing it needs enters the build of `ucwa` or
//! `ucwa-codegen`. The pipeline: `markdown.rs` splits a page into sections, tables and code
//! blocks; `page.rs` reads them into what the page states; `observe.rs` gathers what every
//! sample shows of every rel; `infer.rs` decides types from that evidence.

pub mod areas;
pub mod error_tables;
pub mod files;
pub mod infer;
mod json;
pub mod markdown;
pub mod observe;
pub mod overrides;
pub mod page;
pub mod schema;
mod shapes;

use std::fmt;
use std::path::{Path, PathBuf};

use page::{EnumerationPage, Page, Problem, ResourcePage};

/// Every page of the reference, read.
#[derive(Debug, Default)]
pub struct Reference {
    pub resources: Vec<ResourcePage>,
    pub enumerations: Vec<EnumerationPage>,
    /// What could not be read as expected, with page and line.
    pub problems: Vec<Problem>,
}

/// Why the reference could not be read at all.
#[derive(Debug)]
pub enum LoadError {
    /// The folder is not there: the pages live beside the repository, in
    /// `../shared/ucwa-docs/reference`.
    Missing(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing(dir) => write!(
                f,
                "the UCWA reference pages are not at {}: put the `shared` folder (with `ucwa-docs/reference`) beside the repository, or name the folder with --reference",
                dir.display()
            ),
            LoadError::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// Where the reference is by default: `../shared/ucwa-docs/reference` from the repository root.
pub fn default_reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ucwa-docs/reference")
}

/// The reference for a test: loaded, or `None` with a note on stderr when the pages are not
/// beside the repository. Under CI (`CI` set) their absence is a failure, so that no test
/// passes there without having read them.
pub fn reference_for_tests() -> Option<Reference> {
    let dir = default_reference_dir();
    match Reference::load(&dir) {
        Ok(reference) => Some(reference),
        Err(LoadError::Missing(_)) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: {} (CI is not set, so this is not a failure)",
                LoadError::Missing(dir)
            );
            None
        }
        Err(e) => panic!("{e}"),
    }
}

impl Reference {
    /// Reads every `*_ref.md` of `dir`, in file-name order.
    pub fn load(dir: &Path) -> Result<Reference, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::Missing(dir.to_owned()));
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| LoadError::Io(dir.to_owned(), e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.to_str().is_some_and(|s| s.ends_with("_ref.md")))
            .collect();
        files.sort();
        let mut reference = Reference::default();
        for path in files {
            let text =
                std::fs::read_to_string(&path).map_err(|e| LoadError::Io(path.clone(), e))?;
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            match page::read(file, &text, &mut reference.problems) {
                Page::Resource(page) => reference.resources.push(page),
                Page::Enumeration(page) => reference.enumerations.push(page),
            }
        }
        Ok(reference)
    }

    /// The enumerations: name → members.
    pub fn enumeration_members(&self) -> infer::Enumerations {
        self.enumerations
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    e.members.iter().map(|m| m.name.clone()).collect(),
                )
            })
            .collect()
    }

    /// The counts that cross-check a reading of the pages.
    pub fn counts(&self) -> Counts {
        let ops = || self.resources.iter().flat_map(|r| &r.operations);
        let parses_json = |m: &Option<page::HttpMessage>| {
            m.as_ref()
                .is_some_and(|m| serde_json::from_str::<serde_json::Value>(&m.body).is_ok())
        };
        let parses_xml = |m: &Option<page::HttpMessage>| {
            m.as_ref()
                .is_some_and(|m| roxmltree::Document::parse(&m.body).is_ok())
        };
        Counts {
            resources: self.resources.len(),
            enumerations: self.enumerations.len(),
            properties: self.resources.iter().map(|r| r.properties.len()).sum(),
            links: self.resources.iter().map(|r| r.links.len()).sum(),
            operations: ops().count(),
            event_sections: self.resources.iter().map(|r| r.event_sections).sum(),
            event_rows: self.resources.iter().map(|r| r.events.len()).sum(),
            json_responses: ops().filter(|o| parses_json(&o.json_response)).count(),
            xml_responses: ops().filter(|o| parses_xml(&o.xml_response)).count(),
            event_samples: self.resources.iter().map(|r| r.event_samples.len()).sum(),
        }
    }
}

/// A response sample with a body that is not the representation its section names.
#[derive(Clone, Debug, PartialEq)]
pub struct Unparsed {
    pub page: String,
    pub method: String,
    /// `JSON` or `XML`.
    pub format: &'static str,
    pub error: String,
}

impl Reference {
    /// The response samples whose body does not parse as JSON or XML (empty bodies are not
    /// samples and are left out).
    pub fn unparsed_samples(&self) -> Vec<Unparsed> {
        let mut out = Vec::new();
        for page in &self.resources {
            for op in &page.operations {
                let mut push = |format, error: String| {
                    out.push(Unparsed {
                        page: page.name.clone(),
                        method: op.method.clone(),
                        format,
                        error,
                    })
                };
                if let Some(m) = op.json_response.as_ref().filter(|m| !m.body.is_empty())
                    && let Err(e) = serde_json::from_str::<serde_json::Value>(&m.body)
                {
                    push("JSON", e.to_string());
                }
                if let Some(m) = op.xml_response.as_ref().filter(|m| !m.body.is_empty())
                    && let Err(e) = roxmltree::Document::parse(&m.body)
                {
                    push("XML", e.to_string());
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub resources: usize,
    pub enumerations: usize,
    pub properties: usize,
    pub links: usize,
    pub operations: usize,
    /// Event headings (`### Added`, …).
    pub event_sections: usize,
    /// Rows of their tables (a heading may list several resources).
    pub event_rows: usize,
    pub json_responses: usize,
    pub xml_responses: usize,
    pub event_samples: usize,
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} resource pages, {} enumeration pages",
            self.resources, self.enumerations
        )?;
        writeln!(
            f,
            "{} property rows, {} link rows, {} operations, {} events ({} rows)",
            self.properties, self.links, self.operations, self.event_sections, self.event_rows
        )?;
        write!(
            f,
            "{} JSON and {} XML response samples that parse; {} event samples",
            self.json_responses, self.xml_responses, self.event_samples
        )
    }
}
