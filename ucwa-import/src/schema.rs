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
use crate::page::{BodyDef, HttpMessage, OperationDef, QueryRow, ResourcePage};

/// What the importer made: the files by path under `schema/`, and what it could not decide.
#[derive(Debug, Default)]
pub struct Imported {
    pub files: BTreeMap<String, String>,
    /// `resource.property` names whose type no evidence gives.
    pub untyped: Vec<String>,
}

/// Everything the emitters consult besides the page being written.
struct Context<'a> {
    enumerations: BTreeSet<String>,
    /// Resource pages by name.
    pages: BTreeMap<&'a str, &'a ResourcePage>,
    seen: &'a Observations,
}

pub fn import(reference: &Reference) -> Imported {
    let seen = Observations::gather(reference);
    let cx = Context {
        enumerations: reference
            .enumerations
            .iter()
            .map(|e| e.name.clone())
            .collect(),
        pages: reference
            .resources
            .iter()
            .map(|r| (r.name.as_str(), r))
            .collect(),
        seen: &seen,
    };
    let mut imported = Imported::default();
    for page in &reference.resources {
        let file = resource(&cx, page, &mut imported.untyped);
        imported
            .files
            .insert(format!("resources/{}.json", page.name), file.to_file());
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
    imported
}

fn resource(cx: &Context, page: &ResourcePage, untyped: &mut Vec<String>) -> Json {
    let empty = Seen::default();
    let seen = cx.seen.resources.get(&page.name).unwrap_or(&empty);
    let properties = page
        .properties
        .iter()
        .map(|p| {
            let values = seen
                .properties
                .get(&p.name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let ty = infer::property_type(&p.refs, &cx.enumerations, values).map(|(t, _)| t);
            if ty.is_none() {
                untyped.push(format!("{}.{}", page.name, p.name));
            }
            let item = Json::object().with("name", &p.name);
            let item = type_members(item, ty.as_ref().unwrap_or(&Type::String));
            item.with_opt("maxLength", max_length(&p.description))
        })
        .collect();
    let embedded_rels: BTreeSet<&str> = seen.embedded.keys().map(String::as_str).collect();
    let links = page
        .links
        .iter()
        .filter(|l| l.name != "self" && !embedded_rels.contains(l.name.as_str()))
        .map(|l| link(cx, seen, &l.name))
        .collect();
    let embedded = seen
        .embedded
        .iter()
        .map(|(rel, shape)| {
            Json::object()
                .with("rel", rel)
                .with_opt("target", cx.pages.contains_key(rel.as_str()).then_some(rel))
                .with_opt("many", (shape.array || shape.repeated).then_some(true))
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
            (kind == "resource" && target.is_some()).then_some(rel),
        )
        .with_opt("many", (shape.array || shape.repeated).then_some(true))
}

fn operation(cx: &Context, page: &ResourcePage, op: &OperationDef) -> Json {
    let query = op
        .query
        .iter()
        .map(|q| {
            Json::object()
                .with("name", &q.name)
                .with_opt("required", q.required.then_some(true))
                .with_opt("maxLength", max_length(&q.description))
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
    let response = Json::object()
        .with("status", status)
        .with_opt("resource", response_resource);
    let errors = op
        .errors
        .iter()
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
        .with("response", response)
        .with_list("errors", errors)
}

/// The request body: raw bytes when the samples send another media type than JSON or XML, the
/// page's resource for a PUT of it, fields from the body table otherwise.
fn request(cx: &Context, page: &ResourcePage, op: &OperationDef) -> Option<Json> {
    let media_types: Vec<String> = [&op.json_request, &op.xml_request]
        .into_iter()
        .flatten()
        .filter_map(|m| m.header("Content-Type"))
        .map(|t| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase())
        .filter(|t| !t.ends_with("json") && !t.ends_with("xml"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !media_types.is_empty() {
        let media_types = media_types.into_iter().map(Json::from).collect::<Vec<_>>();
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
        BodyDef::Fields(fields) => {
            let fields: Vec<Json> = fields.iter().map(|f| field(cx, f)).collect();
            Some(Json::object().with("kind", "fields").with("fields", fields))
        }
    }
}

/// A field of a request body: its type from the hint the table's description ends with
/// (`String`, `Nullable Boolean`, `Array of String`, `(Importance)…`, …).
fn field(cx: &Context, row: &QueryRow) -> Json {
    let ty = field_type(&row.description, &row.refs, &cx.enumerations);
    let item = type_members(Json::object().with("name", &row.name), &ty);
    item.with_opt("required", row.required.then_some(true))
        .with_opt("maxLength", max_length(&row.description))
}

fn field_type(description: &str, refs: &[String], enumerations: &BTreeSet<String>) -> Type {
    let d = description.trim_end();
    if let Some(open) = d.rfind('(')
        && let Some(close) = d[open..].find(')')
    {
        let name = &d[open + 1..open + close];
        if enumerations.contains(name) {
            return Type::Enumeration(name.to_owned());
        }
    }
    if let Some(name) = refs.iter().find(|r| enumerations.contains(*r)) {
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
        assert_eq!(max_length("The ID.The maximum length is 50 characters."), Some(50));
        assert_eq!(max_length("The subject."), None);
        let enums: BTreeSet<String> = ["Importance".to_owned()].into();
        let ty = |d: &str| field_type(d, &[], &enums);
        assert_eq!(ty("The subject.String"), Type::String);
        assert_eq!(ty("Whether.Nullable Boolean"), Type::Boolean);
        assert_eq!(ty("How long.Nullable TimeSpan"), Type::TimeSpan);
        assert_eq!(ty("Count, at most 10.Nullable Int32"), Type::Integer);
        assert_eq!(ty("Names.Array of String"), Type::Array(Box::new(Type::String)));
        assert_eq!(
            ty("The importance.(Importance)Normal, Urgent, or Emergency"),
            Type::Enumeration("Importance".into())
        );
    }
}
