//! A reference page read into what it states: the rows of its tables and its samples, as
//! written (markup removed), before any interpretation. `infer.rs` and `schema.rs` give them
//! meaning.

use std::path::Path;

use crate::markdown::{self, Table, plain};

/// One `*_ref.md` page.
#[derive(Debug)]
pub enum Page {
    Resource(ResourcePage),
    Enumeration(EnumerationPage),
}

/// A row of a two-column table: a name and its description.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: String,
    pub description: String,
    /// The pages the description links to (e.g. an enumeration's).
    pub refs: Vec<String>,
}

#[derive(Debug)]
pub struct EnumerationPage {
    /// The file's stem without `_ref`, e.g. `Role`.
    pub name: String,
    pub members: Vec<Row>,
}

#[derive(Debug, Default)]
pub struct ResourcePage {
    /// The file's stem without `_ref`, e.g. `participant`.
    pub name: String,
    /// The rows of the "Web Link" table (`rel`, `href`, `title`).
    pub web_link: Vec<Row>,
    pub properties: Vec<Row>,
    pub links: Vec<Row>,
    pub scopes: Vec<Scope>,
    pub events: Vec<EventRow>,
    /// How many event headings (`### Added`, …) the page has.
    pub event_sections: usize,
    /// Event batches given as samples, each as its JSON text.
    pub event_samples: Vec<String>,
    pub operations: Vec<OperationDef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub name: String,
    pub permission: String,
}

/// A row of an event table: `Resource | Priority | Sender | Reason`, under a heading naming
/// the event type.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// `added`, `updated`, `deleted`, `started`, `completed` (the heading, in lowercase).
    pub event_type: String,
    /// The resource the event is about (may be another page's).
    pub resource: String,
    pub priority: String,
    pub sender: String,
}

#[derive(Debug, Default)]
pub struct OperationDef {
    /// `GET`, `POST`, `PUT`, `DELETE`, `OPTIONS`.
    pub method: String,
    /// The heading's line, for messages.
    pub line: usize,
    pub query: Vec<QueryRow>,
    pub request: BodyDef,
    pub response: BodyDef,
    pub errors: Vec<ErrorRow>,
    pub json_request: Option<HttpMessage>,
    pub json_response: Option<HttpMessage>,
    pub xml_request: Option<HttpMessage>,
    pub xml_response: Option<HttpMessage>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueryRow {
    pub name: String,
    pub description: String,
    pub required: bool,
    /// The pages the description links to.
    pub refs: Vec<String>,
}

/// What a "Request body" or "Response body" section says.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum BodyDef {
    /// "None", or no section.
    #[default]
    None,
    /// The resource of the page itself ("the properties and links shown …").
    ThisResource,
    /// A table of fields: name, description (with a type hint at its end), required.
    Fields(Vec<QueryRow>),
    /// A table of items: the resources it may hold.
    Items(Vec<Row>),
    /// Anything else, as written.
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ErrorRow {
    pub error: String,
    pub code: u16,
    /// `None` when the table says `None` (or leaves it empty).
    pub subcode: Option<String>,
    pub description: String,
}

/// An HTTP request or response sample: its first line, headers and body, as the page has them
/// (a body glued to the headers is split at its first `{` or `<`).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpMessage {
    pub start: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpMessage {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn parse(block: &str) -> Option<HttpMessage> {
        let mut lines = block.lines().skip_while(|l| l.trim().is_empty()).peekable();
        // A sample may be the body alone, without a start line or headers.
        if lines
            .peek()
            .is_some_and(|l| l.trim_start().starts_with(['{', '<', '[']))
        {
            return Some(HttpMessage {
                start: String::new(),
                headers: Vec::new(),
                body: lines.collect::<Vec<_>>().join("\n").trim().to_owned(),
            });
        }
        let start = lines.next()?.trim().to_owned();
        let mut headers = Vec::new();
        let mut body = String::new();
        let mut in_body = false;
        for line in lines {
            if in_body {
                body.push_str(line);
                body.push('\n');
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                in_body = true;
                continue;
            }
            if trimmed.starts_with('{') || trimmed.starts_with('<') || trimmed.starts_with('[') {
                in_body = true;
                body.push_str(line);
                body.push('\n');
                continue;
            }
            match trimmed.split_once(':') {
                Some((name, value)) if !name.contains(' ') => {
                    headers.push((name.trim().to_owned(), value.trim().to_owned()))
                }
                _ => {
                    // Not a header: the body starts here.
                    in_body = true;
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
        Some(HttpMessage {
            start,
            headers,
            body: body.trim().to_owned(),
        })
    }
}

/// A problem with a page's shape: the page, the line, what was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub page: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.page, self.line, self.message)
    }
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "OPTIONS"];
const EVENT_TYPES: [&str; 5] = ["added", "updated", "deleted", "started", "completed"];

/// Where in a page the reader is: what a heading means depends on the headings before it.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Top,
    Events(usize),
    Operation(OperationPart),
}

#[derive(Clone, Copy, PartialEq)]
enum OperationPart {
    Intro,
    Query,
    Request,
    Response,
    Errors,
    JsonRequest,
    JsonResponse,
    XmlRequest,
    XmlResponse,
    Other,
}

/// Reads one page. `file` is its file name, e.g. `participant_ref.md`.
pub fn read(file: &str, text: &str, problems: &mut Vec<Problem>) -> Page {
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .trim_end_matches("_ref")
        .to_owned();
    let doc = markdown::parse(text);
    let mut problem = |line: usize, message: String| {
        problems.push(Problem {
            page: file.to_owned(),
            line,
            message,
        })
    };
    if let Some(members) = doc
        .sections
        .iter()
        .find(|s| s.title.eq_ignore_ascii_case("Members"))
    {
        let members = markdown::tables(&members.body)
            .into_iter()
            .flat_map(|t| rows(&t))
            .collect();
        return Page::Enumeration(EnumerationPage { name, members });
    }

    let mut page = ResourcePage {
        name,
        ..ResourcePage::default()
    };
    let mut part = Part::Top;
    for section in &doc.sections {
        let title = section.title.trim_end_matches(':').trim();
        let lower = title.to_ascii_lowercase();
        if METHODS.contains(&title) {
            page.operations.push(OperationDef {
                method: title.to_owned(),
                line: section.line,
                ..OperationDef::default()
            });
            part = Part::Operation(OperationPart::Intro);
        } else if lower == "events" {
            part = Part::Events(usize::MAX);
        } else if lower == "operations" {
            part = Part::Top;
        } else if let Part::Events(_) = part
            && EVENT_TYPES.contains(&lower.as_str())
        {
            part = Part::Events(EVENT_TYPES.iter().position(|t| *t == lower).unwrap_or(0));
        } else if let Part::Operation(_) = part {
            part = Part::Operation(match lower.as_str() {
                "query parameters" => OperationPart::Query,
                "request body" => OperationPart::Request,
                "response body" => OperationPart::Response,
                "synchronous errors" => OperationPart::Errors,
                "json request" => OperationPart::JsonRequest,
                "json response" => OperationPart::JsonResponse,
                "xml request" => OperationPart::XmlRequest,
                "xml response" => OperationPart::XmlResponse,
                _ => OperationPart::Other,
            });
        } else {
            match lower.as_str() {
                "web link" => page.web_link = section_rows(&section.body),
                "properties" | "propertie" => page.properties = section_rows(&section.body),
                "links" => page.links = section_rows(&section.body),
                "azure active directory scopes for online applications" => {
                    page.scopes = markdown::tables(&section.body)
                        .iter()
                        .flat_map(|t| {
                            let name = t.column(&["Scope"]).unwrap_or(0);
                            let permission = t.column(&["Permission"]).unwrap_or(1);
                            t.rows
                                .iter()
                                .map(move |r| Scope {
                                    name: cell(r, name),
                                    permission: cell(r, permission),
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect();
                }
                _ => {}
            }
            continue;
        }

        match part {
            Part::Events(kind) if kind != usize::MAX => {
                read_event_section(&mut page, EVENT_TYPES[kind], &section.body)
            }
            Part::Operation(what) => {
                let Some(op) = page.operations.last_mut() else {
                    continue;
                };
                read_operation_section(op, what, section.line, &section.body, &mut problem);
            }
            _ => {}
        }
    }
    Page::Resource(page)
}

fn section_rows(body: &[&str]) -> Vec<Row> {
    markdown::tables(body).iter().flat_map(rows).collect()
}

fn rows(table: &Table) -> Vec<Row> {
    let name = table.column(&["Name", "Link", "Item"]).unwrap_or(0);
    let description = table.column(&["Description"]).unwrap_or(1);
    table
        .rows
        .iter()
        .map(|r| Row {
            name: cell(r, name),
            description: cell(r, description),
            refs: r
                .get(description)
                .map(|c| markdown::page_refs(c))
                .unwrap_or_default(),
        })
        .filter(|r| !r.name.is_empty() && !r.name.eq_ignore_ascii_case("None"))
        .collect()
}

fn cell(row: &[String], index: usize) -> String {
    row.get(index).map(|c| plain(c)).unwrap_or_default()
}

fn read_event_section(page: &mut ResourcePage, event_type: &str, body: &[&str]) {
    page.event_sections += 1;
    for table in markdown::tables(body) {
        let (Some(resource), Some(priority), Some(sender)) = (
            table.column(&["Resource"]),
            table.column(&["Priority"]),
            table.column(&["Sender"]),
        ) else {
            continue;
        };
        for row in &table.rows {
            page.events.push(EventRow {
                event_type: event_type.to_owned(),
                resource: cell(row, resource),
                priority: cell(row, priority),
                sender: cell(row, sender),
            });
        }
    }
    let blocks = markdown::code_blocks(body);
    if blocks.is_empty() {
        // Some pages give the batch outside a code fence: from the first `{` line to the last
        // `}` line.
        let start = body.iter().position(|l| l.trim_start().starts_with('{'));
        let end = body.iter().rposition(|l| l.trim_end().ends_with('}'));
        if let (Some(start), Some(end)) = (start, end)
            && start <= end
        {
            page.event_samples.push(body[start..=end].join("\n"));
        }
    } else {
        page.event_samples
            .extend(blocks.into_iter().filter(|b| !b.trim().is_empty()));
    }
}

fn read_operation_section(
    op: &mut OperationDef,
    what: OperationPart,
    line: usize,
    body: &[&str],
    problem: &mut impl FnMut(usize, String),
) {
    let tables = markdown::tables(body);
    match what {
        OperationPart::Query => op.query = tables.iter().flat_map(field_rows).collect(),
        OperationPart::Request | OperationPart::Response => {
            let def = body_def(&tables, body);
            if what == OperationPart::Request {
                op.request = def;
            } else {
                op.response = def;
            }
        }
        OperationPart::Errors => {
            for table in &tables {
                let (Some(error), Some(code), Some(subcode)) = (
                    table.column(&["Error"]),
                    table.column(&["Code"]),
                    table.column(&["Subcode"]),
                ) else {
                    continue;
                };
                let description = table.column(&["Description"]).unwrap_or(3);
                for row in &table.rows {
                    let code_text = cell(row, code);
                    let Ok(status) = code_text.parse::<u16>() else {
                        problem(line, format!("error row with code {code_text:?}"));
                        continue;
                    };
                    let subcode = cell(row, subcode);
                    op.errors.push(ErrorRow {
                        error: cell(row, error),
                        code: status,
                        subcode: (!subcode.is_empty() && subcode != "None").then_some(subcode),
                        description: cell(row, description),
                    });
                }
            }
        }
        OperationPart::JsonRequest
        | OperationPart::JsonResponse
        | OperationPart::XmlRequest
        | OperationPart::XmlResponse => {
            let message = markdown::code_blocks(body)
                .iter()
                .find_map(|b| HttpMessage::parse(b));
            let slot = match what {
                OperationPart::JsonRequest => &mut op.json_request,
                OperationPart::JsonResponse => &mut op.json_response,
                OperationPart::XmlRequest => &mut op.xml_request,
                _ => &mut op.xml_response,
            };
            *slot = message;
        }
        OperationPart::Intro | OperationPart::Other => {}
    }
}

fn field_rows(table: &Table) -> Vec<QueryRow> {
    let name = table.column(&["Name"]).unwrap_or(0);
    let description = table.column(&["Description"]).unwrap_or(1);
    let required = table.column(&["Required?", "Required"]);
    table
        .rows
        .iter()
        .map(|r| QueryRow {
            name: cell(r, name),
            description: cell(r, description),
            required: required.is_some_and(|i| cell(r, i).eq_ignore_ascii_case("yes")),
            refs: r
                .get(description)
                .map(|c| markdown::page_refs(c))
                .unwrap_or_default(),
        })
        .filter(|r| !r.name.is_empty() && !r.name.eq_ignore_ascii_case("None"))
        .collect()
}

fn body_def(tables: &[Table], body: &[&str]) -> BodyDef {
    if let Some(table) = tables.first() {
        if table.column(&["Item"]).is_some() {
            return BodyDef::Items(rows(table));
        }
        if table.column(&["Name"]).is_some() {
            return BodyDef::Fields(field_rows(table));
        }
    }
    let text: Vec<&str> = body
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('|'))
        .collect();
    let text = text.join(" ");
    if text.is_empty() || text.eq_ignore_ascii_case("None") {
        BodyDef::None
    } else if text.contains("properties and links shown") {
        BodyDef::ThisResource
    } else {
        BodyDef::Text(text)
    }
}
