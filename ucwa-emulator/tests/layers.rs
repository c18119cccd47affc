//! The emulator's modules form layers (see the module list in `src/lib.rs`): this test reads
//! the imports of every file under `src/` — `use crate::…`, `use super::…`, and `crate::…`
//! paths in code — and fails when the top-level modules import each other in a cycle, when a
//! module imports from the crate root (which declares, and so depends on, every module), or
//! when a task module imports another task module. The message names the files.
//!
//! It reads the source as text, as a reviewer does: a `use` indented by four spaces per level
//! is taken to be in a module nested that deep in its file (a `mod tests`), which is how the
//! project writes them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The task modules: each may import the layers below it, never another task.
const TASKS: &[&str] = &[
    "calls",
    "forwarding",
    "history",
    "me",
    "meetings",
    "messaging",
    "people",
    "phones",
];

/// An import of top-level module `to` (`None`: an item of the crate root) by top-level module
/// `from`, in `file`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: Option<String>,
    file: String,
}

/// The module path of a file under `src/` (`["messaging", "model"]`), empty for the root.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_owned();
        if stem != "mod" && stem != "lib" {
            parts.push(stem);
        }
    }
    parts
}

/// The lines of `source` without comments (line comments, doc comments), each `use` joined on
/// one line, as (indent, text, whether it is a `use`); other lines are kept as they are, to
/// find `crate::` paths in code.
fn statements(source: &str) -> Vec<(usize, String, bool)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for line in source.lines() {
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        if code.trim().is_empty() {
            continue;
        }
        let indent = code.len() - code.trim_start().len();
        let trimmed = code.trim();
        match pending.as_mut() {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(trimmed);
            }
            None if trimmed.starts_with("use ")
                || trimmed.starts_with("pub(crate) use ")
                || trimmed.starts_with("pub use ")
                || trimmed.starts_with("pub(super) use ") =>
            {
                pending = Some((indent, trimmed.to_owned()));
            }
            None => {
                out.push((indent, trimmed.to_owned(), false));
                continue;
            }
        }
        if trimmed.ends_with(';')
            && let Some((indent, text)) = pending.take()
        {
            out.push((indent, text, true));
        }
    }
    out
}

/// The first segment of each path a `use` tree names after `prefix` (`crate::`), at the top
/// level of its braces: `use crate::{a, b::{c, d}}` names `a` and `b`.
fn first_segments(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let mut depth = 0;
        let mut parts = Vec::new();
        let mut current = String::new();
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        parts.push(current);
        return parts.iter().filter_map(|p| segment(p.trim())).collect();
    }
    segment(tree).into_iter().collect()
}

fn segment(path: &str) -> Option<String> {
    let name: String = path
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// Every import of `source`, a file at `module` (its module path), as the top-level modules
/// (or root items) it names.
fn imports(module: &[String], source: &str) -> Vec<Option<String>> {
    let mut found = Vec::new();
    for (indent, statement, is_use) in statements(source) {
        if is_use {
            let tree = statement
                .split_once("use ")
                .map(|(_, t)| t.trim_end_matches(';').trim())
                .unwrap_or_default();
            if let Some(rest) = tree.strip_prefix("crate::") {
                found.extend(first_segments(rest).into_iter().map(Some));
            } else if tree.starts_with("super::") {
                // A `use` nested `indent / 4` modules deep inside this file's module.
                let mut here: Vec<String> = module.to_vec();
                here.extend((0..indent / 4).map(|n| format!("<nested {n}>")));
                let mut rest = tree;
                while let Some(after) = rest.strip_prefix("super::") {
                    here.pop();
                    rest = after;
                }
                match here.first() {
                    Some(top) => found.push(Some(top.clone())),
                    None => found.extend(first_segments(rest).into_iter().map(Some)),
                }
            }
        } else {
            let mut text = statement.as_str();
            while let Some(at) = text.find("crate::") {
                let before = text[..at].chars().last();
                text = &text[at + "crate::".len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                found.extend(segment(text).map(Some));
            }
        }
    }
    found
}

/// The edges of the crate under `src`, and the names of its top-level modules.
fn graph(src: &Path) -> (Vec<Edge>, BTreeSet<String>) {
    let mut files = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let relative = |path: &PathBuf| path.strip_prefix(src).expect("under src").to_path_buf();
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&relative(f)).first().cloned())
        .collect();
    let mut edges = Vec::new();
    for file in &files {
        let rel = relative(file);
        // The binary is another crate: its `crate::` is not the library's.
        if rel == Path::new("main.rs") {
            continue;
        }
        let module = module_path(&rel);
        let Some(from) = module.first().cloned() else {
            continue; // The crate root declares every module.
        };
        let source = std::fs::read_to_string(file).expect("a source file");
        for to in imports(&module, &source) {
            let to = to.filter(|name| modules.contains(name));
            if to.as_deref() == Some(from.as_str()) {
                continue;
            }
            edges.push(Edge {
                from: from.clone(),
                to,
                file: format!("src/{}", rel.display()),
            });
        }
    }
    edges.sort();
    edges.dedup();
    (edges, modules)
}

/// The problems of a graph: imports of the crate root, task→task imports, and cycles among
/// top-level modules, each naming the files whose imports make it.
fn problems(edges: &[Edge]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for edge in edges {
        match &edge.to {
            None => problems.push(format!(
                "{} imports an item of the crate root (lib.rs), which depends on every module: \
                 import it from its own module",
                edge.file
            )),
            Some(to) => {
                if TASKS.contains(&edge.from.as_str()) && TASKS.contains(&to.as_str()) {
                    problems.push(format!(
                        "task module `{}` imports task module `{to}` in {}: tasks share news \
                         through the notifier, and hrefs through `paths`",
                        edge.from, edge.file
                    ));
                }
                files
                    .entry((edge.from.clone(), to.clone()))
                    .or_default()
                    .insert(edge.file.clone());
            }
        }
    }
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in files.keys() {
        next.entry(from).or_default().insert(to);
    }
    // A cycle is found from its smallest module, once.
    let mut reported = BTreeSet::new();
    for start in next.keys() {
        let mut path = vec![*start];
        if let Some(cycle) = find_cycle(&next, start, &mut path) {
            let mut key = cycle.clone();
            key.sort_unstable();
            if reported.insert(key) {
                let steps: Vec<String> = cycle
                    .iter()
                    .zip(cycle.iter().cycle().skip(1))
                    .map(|(a, b)| {
                        let by = &files[&((*a).to_owned(), (*b).to_owned())];
                        let by: Vec<&str> = by.iter().map(String::as_str).collect();
                        format!("{a} → {b} ({})", by.join(", "))
                    })
                    .collect();
                problems.push(format!("import cycle: {}", steps.join("; ")));
            }
        }
    }
    problems
}

/// A cycle back to `path[0]` through `next`, depth first.
fn find_cycle<'a>(
    next: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    at: &'a str,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    for &to in next.get(at).into_iter().flatten() {
        if to == path[0] {
            return Some(path.clone());
        }
        if path.contains(&to) || to < path[0] {
            continue;
        }
        path.push(to);
        if let Some(cycle) = find_cycle(next, to, path) {
            return Some(cycle);
        }
        path.pop();
    }
    None
}

#[test]
fn the_modules_form_layers_and_no_task_imports_another() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (edges, modules) = graph(&src);
    // The reading found what it must: the tasks and the layer they stand on.
    for task in TASKS {
        assert!(modules.contains(*task), "no module `{task}` under src/");
        assert!(
            edges
                .iter()
                .any(|e| e.from == *task && e.to.as_deref() == Some("state")),
            "found no import of `state` by `{task}`: the reading of imports is broken"
        );
    }
    let problems = problems(&edges);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imports_are_read_from_use_trees_super_and_paths() {
    let module = ["messaging".to_owned(), "routes".to_owned()];
    let source = "//! crate::docs are not imports\n\
                  use crate::{paths::{self, route}, state::State};\n\
                  use crate::handler::{\n    Answer, Shared,\n};\n\
                  use super::model;\n\
                  fn f() { crate::protocol::not_found(); }\n\
                  mod tests {\n    use super::*;\n}\n";
    let found: Vec<String> = imports(&module, source).into_iter().flatten().collect();
    assert_eq!(
        found,
        [
            "paths",
            "state",
            "handler",
            "messaging",
            "protocol",
            "messaging"
        ]
    );
    let top = ["people".to_owned()];
    let found = imports(&top, "use super::Config;\n");
    assert_eq!(found, [Some("Config".to_owned())]);
}

#[test]
fn cycles_task_imports_and_root_imports_are_named_with_their_files() {
    let edge = |from: &str, to: Option<&str>, file: &str| Edge {
        from: from.to_owned(),
        to: to.map(str::to_owned),
        file: file.to_owned(),
    };
    let edges = [
        edge("state", Some("messaging"), "src/state/mod.rs"),
        edge("messaging", Some("state"), "src/messaging/model.rs"),
        edge("me", Some("people"), "src/me/routes.rs"),
        edge("limits", None, "src/limits.rs"),
        edge("paths", Some("directory"), "src/paths.rs"),
    ];
    let problems = problems(&edges);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let named = |text: &str| problems.iter().any(|p| p.contains(text));
    assert!(named("src/limits.rs imports an item of the crate root"));
    assert!(named(
        "`me` imports task module `people` in src/me/routes.rs"
    ));
    assert!(named(
        "import cycle: messaging → state (src/messaging/model.rs); \
         state → messaging (src/state/mod.rs)"
    ));
}
