//! The little of Markdown the reference pages use: front matter, headings, pipe tables and code
//! fences. A page becomes a flat list of sections (a heading and the lines under it, up to the
//! next heading), since the pages nest their headings inconsistently (`## GET` beside
//! `### GET`), and the meaning of a section comes from its title, not its depth.

/// One heading and what stands under it.
#[derive(Debug)]
pub struct Section<'a> {
    /// `#` count.
    pub level: usize,
    /// The heading's text, trimmed.
    pub title: &'a str,
    /// The 1-based line of the heading.
    pub line: usize,
    /// The lines up to the next heading (code fences kept whole: a `#` inside one is text).
    pub body: Vec<&'a str>,
}

/// A page: its front-matter title and its sections (what precedes the first heading is
/// dropped: it is the front matter).
#[derive(Debug)]
pub struct Document<'a> {
    pub title: Option<&'a str>,
    pub sections: Vec<Section<'a>>,
}

pub fn parse(text: &str) -> Document<'_> {
    let mut title = None;
    let mut lines = text.lines().enumerate().peekable();
    if lines.peek().is_some_and(|(_, l)| l.trim() == "---") {
        lines.next();
        for (_, line) in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
            if let Some(t) = line.strip_prefix("title:") {
                title = Some(t.trim());
            }
        }
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut in_fence = false;
    for (index, line) in lines {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        let heading = (!in_fence).then(|| heading(line)).flatten();
        match heading {
            Some((level, text)) => sections.push(Section {
                level,
                title: text,
                line: index + 1,
                body: Vec::new(),
            }),
            None => {
                if let Some(section) = sections.last_mut() {
                    section.body.push(line);
                }
            }
        }
    }
    Document { title, sections }
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    rest.starts_with(' ').then(|| (level, rest.trim()))
}

/// A pipe table: the header cells and the data rows, markup (`**`, links) kept in the cells.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The index of the column whose header, without markup, is one of `names`
    /// (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| {
            let h = plain(h);
            names.iter().any(|n| h.eq_ignore_ascii_case(n))
        })
    }
}

/// Every table in `lines` (outside code fences), in order.
pub fn tables(lines: &[&str]) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut current: Option<Table> = None;
    let mut in_fence = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !trimmed.starts_with('|') {
            if let Some(table) = current.take() {
                tables.push(table);
            }
            continue;
        }
        let cells = cells(trimmed);
        match &mut current {
            None => {
                current = Some(Table {
                    header: cells,
                    rows: Vec::new(),
                })
            }
            Some(table) => {
                let separator = cells
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, ':' | '-' | ' ')));
                if !separator {
                    table.rows.push(cells);
                }
            }
        }
    }
    tables.extend(current);
    tables
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

/// A cell without markup: `**bold**`, `[text](target)` → `text`, HTML tags dropped.
pub fn plain(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut rest = cell;
    while let Some(c) = rest.chars().next() {
        if c == '['
            && let Some(close) = rest.find("](")
            && let Some(end) = rest[close..].find(')')
        {
            out.push_str(&rest[1..close]);
            rest = &rest[close + end + 1..];
            continue;
        }
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            rest = &rest[end + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.replace("**", "").trim().to_owned()
}

/// The reference pages a cell links to: `[Role](Role_ref.md)` gives `Role`.
pub fn page_refs(cell: &str) -> Vec<String> {
    cell.split("](")
        .skip(1)
        .filter_map(|rest| {
            let target = &rest[..rest.find(')')?];
            let target = target.rsplit('/').next().unwrap_or(target);
            let stem = target.strip_suffix(".md")?;
            Some(stem.strip_suffix("_ref").unwrap_or(stem).to_owned())
        })
        .collect()
}

/// The code blocks of `lines`, each as its text; a block that is not closed runs to the end.
pub fn code_blocks(lines: &[&str]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        if line.trim_start().starts_with("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => current = Some(String::new()),
            }
            continue;
        }
        if let Some(block) = &mut current {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks.extend(current);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_tables_and_fences() {
        let doc = parse(
            "---\ntitle: participant\n---\n# participant\n\n## Properties\n|**Name**|**Description**|\n|:--|:--|\n|name|The [name](x.md).|\n```\n# not a heading\n```\n### GET\nNone\n",
        );
        assert_eq!(doc.title, Some("participant"));
        let titles: Vec<_> = doc.sections.iter().map(|s| (s.level, s.title)).collect();
        assert_eq!(titles, [(1, "participant"), (2, "Properties"), (3, "GET")]);
        let tables = tables(&doc.sections[1].body);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].column(&["name"]), Some(0));
        assert_eq!(plain(&tables[0].rows[0][1]), "The name.");
        assert_eq!(code_blocks(&doc.sections[1].body), ["# not a heading\n"]);
        assert_eq!(
            page_refs("The role ([Role](Role_ref.md)) in a [meeting](../onlineMeeting_ref.md)."),
            ["Role", "onlineMeeting"]
        );
    }
}
