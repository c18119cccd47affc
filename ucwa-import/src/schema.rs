//! The schema files from what the pages state and the samples show: one file per resource
//! page and per enumeration page, in the format `ucwa-codegen` reads (`schema/README.md`).
//!
//! No prose of the reference is carried over: the files hold facts (names, types, limits,
//! kinds, targets, statuses, codes), and the generator writes documentation from them, with a
//! link to each item's page.

use std::collections::{BTreeMap, BTreeSet};

use crate::Reference;
use crate::infer::{self, Type};
use crate::json::Json;
use crate::observe::{Observations, Resource as Seen};
use crate::overrides::{self, Override};
use crate::page::{BodyDef, HttpMessage, OperationDef, QueryRow, ResourcePage};

/// What the importer made: the files by path under `schema/`, and what it could not decide.
#[derive(Debug, Default)]
pub struct Imported {
    pub files: BTreeMap<String, String>,
    /// Untyped items no override covers, and overrides that apply to nothing: each must be
    /// resolved (in `overrides.json`) before the schema is written.
    pub errors: Vec<String>,
    /// `resource.property` names whose type no evidence gives, and `resource._embedded.rel`
    /// for embedded resources with no page.
    pub untyped: Vec<String>,
}

/// Everything the emitters consult besides the page being written.
struct Context<'a> {
    enumerations: infer::Enumerations,
    /// Resource pages by name.
    pages: BTreeMap<&'a str, &'a ResourcePage>,
    seen: &'a Observations,
    /// The area of each page (`None`: core).
    areas: BTreeMap<String, Option<&'static str>>,
    /// The types evidence gives each property name, over every page: a property no sample of
    /// its own resource shows takes the type its name has everywhere else, when that is one
    /// type (`name`, `uri`, `emailAddresses` of the contact-shaped resources).
    by_name: BTreeMap<String, BTreeSet<Type>>,
}

impl Context<'_> {
    fn evidence(&self, page: &str, row: &crate::page::Row) -> Option<Type> {
        let values = self
            .seen
            .resources
            .get(page)
            .and_then(|o| o.properties.get(&row.name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        infer::property_type(page, &row.name, &row.refs, &self.enumerations, values).map(|(t, _)| t)
    }
}

pub fn import(reference: &Reference, overrides: &[Override]) -> Imported {
    let seen = Observations::gather(reference);
    let cx = Context {
        enumerations: reference.enumeration_members(),
        pages: reference
            .resources
            .iter()
            .map(|r| (r.name.as_str(), r))
            .collect(),
        seen: &seen,
        areas: crate::areas::areas(&reference.resources),
        by_name: BTreeMap::new(),
    };
    let mut by_name: BTreeMap<String, BTreeSet<Type>> = BTreeMap::new();
    for page in &reference.resources {
        for row in &page.properties {
            if let Some(ty) = cx.evidence(&page.name, row) {
                by_name.entry(row.name.clone()).or_default().insert(ty);
            }
        }
    }
    let cx = Context { by_name, ..cx };
    let mut imported = Imported::default();
    let mut applied = Vec::new();
    let mut resources = BTreeMap::new();
    for page in &reference.resources {
        let mut file = resource(&cx, page, &mut imported.untyped);
        applied.extend(overrides::apply(&mut file, &page.name, overrides));
        resources.insert(page.name.clone(), file);
    }
    crate::shapes::share(&mut resources);
    // Over every file: a table's name goes on each operation listing the same errors.
    crate::error_tables::name(&mut resources, overrides, &mut imported.errors);
    imported
        .errors
        .extend(crate::error_tables::unnamed(&resources));
    for (name, file) in resources {
        imported
            .files
            .insert(format!("resources/{name}.json"), file.to_file());
    }
    for page in &reference.enumerations {
        let members = page
            .members
            .iter()
            .map(|m| Json::object().with("name", &m.name))
            .collect();
        let file = Json::object()
            .with("$schema", "../ucwa-schema.json")
            .with("name", &page.name)
            .with_list("members", members);
        imported
            .files
            .insert(format!("enumerations/{}.json", page.name), file.to_file());
    }
    for name in &imported.untyped {
        let (resource, item) = name.split_once('.').unwrap_or((name, ""));
        let (list, item) = match item.strip_prefix("_embedded.") {
            Some(rel) => ("embedded", rel),
            None => ("properties", item),
        };
        let covered = overrides
            .iter()
            .any(|o| o.resource == resource && o.list == list && o.item == item);
        if !covered {
            imported.errors.push(format!(
                "{name}: no sample, enumeration or name elsewhere gives its type; add an entry to the overrides file"
            ));
        }
    }
    for (index, o) in overrides.iter().enumerate() {
        // An entry naming an error table is checked where it is applied.
        if matches!(o.action, overrides::Action::NameErrorTable(_)) {
            continue;
        }
        // Removing an item the import does not make counts only for one it reports.
        let reported = |item: &str| {
            imported
                .untyped
                .iter()
                .any(|u| u == &format!("{}._embedded.{item}", o.resource))
        };
        let took = applied.iter().any(|(i, how)| {
            *i == index && (*how == overrides::Applied::Changed || reported(&o.item))
        });
        if !took {
            imported.errors.push(format!(
                "{}: changes nothing in `{}` (no such page or item, or the import already gives it): remove the entry",
                o.at, o.resource
            ));
        }
    }
    imported
}

fn resource(cx: &Context, page: &ResourcePage, untyped: &mut Vec<String>) -> Json {
    let empty = Seen::default();
    let seen = cx.seen.resources.get(&page.name).unwrap_or(&empty);
    // A name the table lists as a property but the samples carry as a `data:` link is a link.
    let data_links: Vec<Json> = page
        .properties
        .iter()
        .filter_map(|p| {
            let shape = seen.links.get(&p.name).filter(|s| s.data)?;
            let media_type = (shape.media_types.len() == 1)
                .then(|| shape.media_types.first().cloned())
                .flatten();
            Some(
                Json::object()
                    .with("rel", &p.name)
                    .with("kind", "data")
                    .with_opt("mediaType", media_type),
            )
        })
        .collect();
    let properties = page
        .properties
        .iter()
        .filter(|p| !seen.links.get(&p.name).is_some_and(|s| s.data))
        .map(|p| {
            let ty = cx.evidence(&page.name, p).or_else(|| {
                let types = cx.by_name.get(&p.name)?;
                (types.len() == 1).then(|| types.first().cloned()).flatten()
            });
            if ty.is_none() {
                untyped.push(format!("{}.{}", page.name, p.name));
            }
            let item = Json::object().with("name", &p.name);
            // Untyped: the overrides file must give the type (the import fails until it does).
            let item = match &ty {
                Some(ty) => type_members(item, ty),
                None => item,
            };
            item.with_opt("maxLength", max_length(&p.description))
        })
        .collect();
    let embedded_rels: BTreeSet<&str> = seen.embedded.keys().map(String::as_str).collect();
    // A page may list a link twice; it is one rel.
    let mut listed = BTreeSet::new();
    let links = page
        .links
        .iter()
        // A row the samples show only under `_embedded` is an embedded resource, not a link.
        .filter(|l| {
            l.name != "self"
                && (seen.links.contains_key(&l.name) || !embedded_rels.contains(l.name.as_str()))
        })
        .filter(|l| listed.insert(l.name.as_str()))
        .map(|l| link(cx, seen, &l.name))
        .chain(data_links)
        .collect();
    // An embedded rel with no page of its own has no type to decode into: it stays in the
    // `unknown` member until an override gives it one.
    // Its type: the resource the embedded JSON objects name with their `rel` (a participant
    // under `from`), else the page of the rel.
    let embedded = seen
        .embedded
        .iter()
        .filter_map(|(rel, shape)| {
            let named = (shape.rels.len() == 1)
                .then(|| shape.rels.first())
                .flatten()
                .filter(|r| cx.pages.contains_key(r.as_str()));
            let target = named.or_else(|| cx.pages.contains_key(rel.as_str()).then_some(rel));
            if target.is_none() {
                untyped.push(format!("{}._embedded.{rel}", page.name));
            }
            Some(
                Json::object()
                    .with("rel", rel)
                    .with("target", target?)
                    .with_opt("many", (shape.array || shape.repeated).then_some(true)),
            )
        })
        .collect();
    let operations = page
        .operations
        .iter()
        .map(|op| operation(cx, page, op))
        .collect();
    let events = page
        .events
        .iter()
        .map(|e| {
            Json::object()
                .with("type", &e.event_type)
                .with_opt("resource", (e.resource != page.name).then_some(&e.resource))
                .with("sender", &e.sender)
                .with("priority", e.priority.to_ascii_lowercase())
        })
        .collect();
    let scopes = page
        .scopes
        .iter()
        .map(|s| {
            Json::object()
                .with("name", &s.name)
                .with("permission", &s.permission)
        })
        .collect();
    Json::object()
        .with("$schema", "../ucwa-schema.json")
        .with("name", &page.name)
        .with_opt("area", cx.areas.get(&page.name).copied().flatten())
        .with_list("properties", properties)
        .with_list("links", links)
        .with_list("embedded", embedded)
        .with_list("operations", operations)
        .with_list("events", events)
        .with_list("scopes", scopes)
}

fn type_members(item: Json, ty: &Type) -> Json {
    match ty {
        Type::String => item.with("type", "string"),
        Type::Boolean => item.with("type", "boolean"),
        Type::Integer => item.with("type", "integer"),
        Type::Number => item.with("type", "number"),
        Type::Date => item.with("type", "date"),
        Type::TimeSpan => item.with("type", "timeSpan"),
        Type::Uri => item.with("type", "uri"),
        Type::Enumeration(name) => item.with("type", "enumeration").with("enumeration", name),
        Type::Array(inner) => item
            .with("type", "array")
            .with("items", type_members(Json::object(), inner)),
    }
}

/// A link: data when the samples carry it as a `data:` URI; an operation when its page has
/// operations but no GET; otherwise a resource, typed with its page when there is one.
fn link(cx: &Context, seen: &Seen, rel: &str) -> Json {
    let shape = seen.links.get(rel).cloned().unwrap_or_default();
    let target = cx.pages.get(rel);
    let kind = if shape.data {
        "data"
    } else if target.is_some_and(|p| {
        !p.operations.is_empty() && !p.operations.iter().any(|o| o.method == "GET")
    }) {
        "operation"
    } else {
        "resource"
    };
    Json::object()
        .with("rel", rel)
        .with("kind", kind)
        .with_opt(
            "target",
            (kind != "data" && target.is_some()).then_some(rel),
        )
        .with_opt("many", (shape.array || shape.repeated).then_some(true))
}

fn operation(cx: &Context, page: &ResourcePage, op: &OperationDef) -> Json {
    let query = op
        .query
        .iter()
        .map(|q| {
            let (minimum, maximum) = value_range(&q.description);
            Json::object()
                .with("name", &q.name)
                .with_opt("required", q.required.then_some(true))
                .with_opt("maxLength", max_length(&q.description))
                .with_opt("minimum", minimum)
                .with_opt("maximum", maximum)
        })
        .collect();
    let status = op
        .json_response
        .as_ref()
        .or(op.xml_response.as_ref())
        .and_then(status)
        .unwrap_or(if op.method == "GET" { 200 } else { 204 });
    let response_resource = match &op.response {
        BodyDef::ThisResource => Some(page.name.clone()),
        BodyDef::Items(items) => items
            .iter()
            .map(|i| i.name.clone())
            .find(|n| cx.pages.contains_key(n.as_str())),
        _ => None,
    };
    // The samples answer `201 Created` with a `Location` and no body: the link is the answer.
    let location = [&op.json_response, &op.xml_response]
        .into_iter()
        .flatten()
        .any(|m| m.header("Location").is_some() && m.body.trim().is_empty());
    let location = location && response_resource.is_some();
    // The samples answer raw content (a photo's `image/jpeg`): the body is not a resource,
    // whatever the page's "Response body" section says.
    let media_types = raw_media_types([&op.json_response, &op.xml_response]);
    let response = if media_types.is_empty() {
        Json::object()
            .with("status", status)
            .with_opt("resource", response_resource)
            .with_opt("location", location.then_some(true))
    } else {
        Json::object()
            .with("status", status)
            .with("mediaTypes", media_types)
    };
    // A table may list a row (status and subcode) twice, with two descriptions; it is one
    // error.
    let mut listed = BTreeSet::new();
    let errors = op
        .errors
        .iter()
        .filter(|e| listed.insert((e.code, e.subcode.as_deref())))
        .map(|e| {
            Json::object()
                .with("error", &e.error)
                .with("code", e.code)
                .with(
                    "subcode",
                    e.subcode.as_ref().map_or(Json::Null, |s| s.into()),
                )
        })
        .collect();
    Json::object()
        .with("method", &op.method)
        .with_list("query", query)
        .with_opt("request", request(cx, page, op))
        // UCWA refuses every PUT without `If-Match` (the HTTP and Versioning concept pages).
        .with_opt("ifMatch", (op.method == "PUT").then_some(true))
        .with("response", response)
        .with_list("errors", errors)
}

/// The request body: raw bytes when the samples send another media type than JSON or XML, the
/// page's resource for a PUT of it, fields from the body table otherwise.
fn request(cx: &Context, page: &ResourcePage, op: &OperationDef) -> Option<Json> {
    let media_types = raw_media_types([&op.json_request, &op.xml_request]);
    if !media_types.is_empty() {
        return Some(
            Json::object()
                .with("kind", "bytes")
                .with("mediaTypes", media_types),
        );
    }
    match &op.request {
        BodyDef::None | BodyDef::Text(_) | BodyDef::Items(_) => None,
        BodyDef::ThisResource => Some(
            Json::object()
                .with("kind", "resource")
                .with("resource", &page.name),
        ),
        BodyDef::Fields(rows) => {
            // An "ExternalResource" row is content the body sends as a `data:` URI under
            // `_links` (startMessaging's sample: `"_links": {"message": {"href": "data:…"}}`).
            let (links, fields): (Vec<&QueryRow>, Vec<&QueryRow>) = rows
                .iter()
                .partition(|row| row.description.trim_end().ends_with("ExternalResource"));
            let fields: Vec<Json> = fields.into_iter().map(|f| field(cx, f)).collect();
            let links: Vec<Json> = links
                .into_iter()
                .map(|row| Json::object().with("rel", &row.name).with("kind", "data"))
                .collect();
            Some(
                Json::object()
                    .with("kind", "fields")
                    .with("fields", fields)
                    .with_list("links", links),
            )
        }
    }
}

/// The media types of samples whose `Content-Type` is neither JSON nor XML (an SDP offer, a
/// photo), without parameters, each once.
fn raw_media_types(samples: [&Option<HttpMessage>; 2]) -> Vec<Json> {
    samples
        .into_iter()
        .flatten()
        .filter_map(|m| m.header("Content-Type"))
        .map(|t| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase())
        .filter(|t| !t.ends_with("json") && !t.ends_with("xml"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Json::from)
        .collect()
}

/// A field of a request body: its type from the hint the table's description ends with
/// (`String`, `Nullable Boolean`, `Array of String`, `(Importance)…`, …).
fn field(cx: &Context, row: &QueryRow) -> Json {
    let mut ty = field_type(&row.description, &row.refs, &cx.enumerations);
    let (minimum, maximum) = value_range(&row.description);
    // A value with a numeric range is a number, whatever type hint the row ends with
    // (a subscription's `duration` in minutes, a `ringDelay` in seconds).
    if ty == Type::String && (minimum.is_some() || maximum.is_some()) {
        ty = Type::Integer;
    }
    let item = type_members(Json::object().with("name", &row.name), &ty);
    item.with_opt("required", row.required.then_some(true))
        .with_opt("maxLength", max_length(&row.description))
        .with_opt("minimum", minimum)
        .with_opt("maximum", maximum)
}

fn field_type(description: &str, refs: &[String], enumerations: &infer::Enumerations) -> Type {
    let d = description.trim_end();
    if let Some(open) = d.rfind('(')
        && let Some(close) = d[open..].find(')')
    {
        let name = &d[open + 1..open + close];
        if enumerations.contains_key(name) {
            let member = Type::Enumeration(name.to_owned());
            // "Array of (ModalityType)Audio, Video, …": a list of members.
            return if d[..open].trim_end().ends_with("Array of") {
                Type::Array(Box::new(member))
            } else {
                member
            };
        }
    }
    if let Some(name) = refs.iter().find(|r| enumerations.contains_key(*r)) {
        return Type::Enumeration(name.clone());
    }
    let hint = d.trim_end_matches('.');
    if hint.ends_with("Array of String") {
        Type::Array(Box::new(Type::String))
    } else if hint.ends_with("Boolean") {
        Type::Boolean
    } else if hint.ends_with("Int32") || hint.ends_with("Int64") {
        Type::Integer
    } else if hint.ends_with("TimeSpan") {
        Type::TimeSpan
    } else {
        Type::String
    }
}

/// "The maximum length is 50 characters." and its variants.
fn max_length(description: &str) -> Option<u64> {
    let lower = description.to_ascii_lowercase();
    for marker in ["maximum length is ", "maximum length of "] {
        if let Some(at) = lower.find(marker) {
            let digits: String = lower[at + marker.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
    }
    None
}

/// "The maximum value is 30 and the minimum value is 10", "The minimum possible value is 5
/// seconds and the maximum possible value is 1800 seconds", "range from 5 seconds to 60
/// seconds": the least and the greatest value a number may take.
fn value_range(description: &str) -> (Option<i64>, Option<i64>) {
    let lower = description.to_ascii_lowercase();
    let number_after = |marker: &str| -> Option<i64> {
        let at = lower.find(marker)? + marker.len();
        let digits: String = lower[at..]
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let first = |markers: &[&str]| markers.iter().find_map(|m| number_after(m));
    let mut minimum = first(&["minimum value is", "minimum possible value is"]);
    let mut maximum = first(&["maximum value is", "maximum possible value is"]);
    if let Some(at) = lower.find("range from") {
        let rest = &lower[at + "range from".len()..];
        let numbers: Vec<i64> = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .take(2)
            .filter_map(|w| w.parse().ok())
            .collect();
        if let [low, high] = numbers[..] {
            minimum = minimum.or(Some(low));
            maximum = maximum.or(Some(high));
        }
    }
    (minimum, maximum)
}

/// The status of a response sample's first line, `HTTP/1.1 201 Created`.
fn status(message: &HttpMessage) -> Option<u16> {
    let mut words = message.start.split_whitespace();
    words
        .next()
        .filter(|w| w.starts_with("HTTP/"))
        .and_then(|_| words.next())
        .and_then(|code| code.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_field_types_come_from_the_descriptions() {
        assert_eq!(
            max_length("The ID.The maximum length is 50 characters."),
            Some(50)
        );
        assert_eq!(max_length("The subject."), None);
        let enums: infer::Enumerations = [("Importance".to_owned(), BTreeSet::new())].into();
        let ty = |d: &str| field_type(d, &[], &enums);
        assert_eq!(ty("The subject.String"), Type::String);
        assert_eq!(ty("Whether.Nullable Boolean"), Type::Boolean);
        assert_eq!(ty("How long.Nullable TimeSpan"), Type::TimeSpan);
        assert_eq!(ty("Count, at most 10.Nullable Int32"), Type::Integer);
        assert_eq!(
            ty("Names.Array of String"),
            Type::Array(Box::new(Type::String))
        );
        assert_eq!(
            ty("The importance.(Importance)Normal, Urgent, or Emergency"),
            Type::Enumeration("Importance".into())
        );
    }
}
