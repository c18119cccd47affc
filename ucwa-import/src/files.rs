//! The schema folder on disk against what the import makes: which files differ, which the
//! import no longer makes; writing only what changed.

use std::collections::BTreeMap;
use std::path::Path;

/// The two folders the import owns; the rest of the schema folder (`README.md`,
/// `ucwa-schema.json`) is hand-written.
const OWNED: [&str; 2] = ["resources", "enumerations"];

#[derive(Debug, Default)]
pub struct Diff {
    /// Files (relative paths) that are missing or differ.
    pub changed: Vec<String>,
    /// `.json` files in the owned folders that the import does not make.
    pub stale: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

pub fn diff(dir: &Path, files: &BTreeMap<String, String>) -> Result<Diff, String> {
    let mut diff = Diff::default();
    for (path, text) in files {
        let current = std::fs::read_to_string(dir.join(path)).ok();
        if current.as_deref() != Some(text.as_str()) {
            diff.changed.push(path.clone());
        }
    }
    for folder in OWNED {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.join(folder).display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{folder}/{name}");
            if !files.contains_key(&path) {
                diff.stale.push(path);
            }
        }
    }
    diff.stale.sort();
    Ok(diff)
}

pub fn apply(dir: &Path, files: &BTreeMap<String, String>, diff: &Diff) -> Result<(), String> {
    for path in &diff.changed {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, &files[path]).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    for path in &diff.stale {
        let target = dir.join(path);
        std::fs::remove_file(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}
