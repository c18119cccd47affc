//! Named error tables: the reference gives many operations the very same table of errors, and
//! the generator makes one enum per shared table. Its name comes from the overrides file (an
//! entry `{"errorTable": "…", "of": {"resource": …, "operation": …}}` names the table of that
//! operation), and the import writes it as `errorTable` on every operation listing the same
//! errors. A table two or more operations share must be named: an unnamed one would get the
//! generator's hash name, which no reader can tell apart from another.

use std::collections::BTreeMap;

use crate::json::Json;
use crate::overrides::{Action, Override};

/// One operation of a resource file, for messages: `escalateAudioVideo POST`.
fn shown(resource: &str, op: &Json) -> String {
    let method = match op.get("method") {
        Some(Json::String(m)) => m.as_str(),
        _ => "?",
    };
    format!("{resource} {method}")
}

/// The operations of a resource file, mutably.
fn operations(file: &mut Json) -> &mut [Json] {
    let Json::Object(members) = file else {
        return &mut [];
    };
    match members.iter_mut().find(|(k, _)| k == "operations") {
        Some((_, Json::Array(ops))) => ops,
        _ => &mut [],
    }
}

/// Writes `errorTable` on the operations the overrides' tables cover; returns the indexes (into
/// `overrides`) of the entries that named something, and pushes a message for each entry that
/// names no operation, a table another entry named, or a name another table has, or that
/// changes nothing.
pub fn name(
    resources: &mut BTreeMap<String, Json>,
    overrides: &[Override],
    errors: &mut Vec<String>,
) -> Vec<usize> {
    let mut applied = Vec::new();
    // For each table named so far: its rows, and the entry that named it.
    let mut named: Vec<(Option<Json>, &Override)> = Vec::new();
    for (index, o) in overrides.iter().enumerate() {
        let Action::NameErrorTable(table) = &o.action else {
            continue;
        };
        let rows = resources.get_mut(&o.resource).and_then(|file| {
            operations(file)
                .iter()
                .find(|op| op.get("method") == Some(&Json::from(&o.item)))
                .map(|op| op.get("errors").cloned())
        });
        let Some(rows) = rows else {
            errors.push(format!(
                "{}: `{} {}` is no operation of the import (no such page or method): remove the entry or name one that is",
                o.at, o.resource, o.item
            ));
            continue;
        };
        if let Some((_, first)) = named.iter().find(|(r, _)| *r == rows) {
            let Action::NameErrorTable(first_name) = &first.action else {
                unreachable!("only tables are named here");
            };
            errors.push(format!(
                "{}: the table of `{} {}` is already named `{first_name}` by {}: remove one of the entries",
                o.at, o.resource, o.item, first.at
            ));
            continue;
        }
        if let Some((_, other)) = named
            .iter()
            .find(|(_, other)| matches!(&other.action, Action::NameErrorTable(n) if n == table))
        {
            errors.push(format!(
                "{}: `{table}` already names another table (that of `{} {}`, by {}): choose another name",
                o.at, other.resource, other.item, other.at
            ));
            continue;
        }
        let mut changed = false;
        for file in resources.values_mut() {
            for op in operations(file) {
                if op.get("errors") == rows.as_ref() && op.get("errorTable").is_none() {
                    op.set("errorTable", Json::from(table));
                    changed = true;
                }
            }
        }
        if changed {
            applied.push(index);
        } else {
            errors.push(format!(
                "{}: changes nothing (every operation with the table of `{} {}` already names one): remove the entry",
                o.at, o.resource, o.item
            ));
        }
        named.push((rows, o));
    }
    applied
}

/// The tables two or more operations share with no `errorTable`, each as a message naming its
/// operations.
pub fn unnamed(resources: &BTreeMap<String, Json>) -> Vec<String> {
    // The operations of each distinct table, by its rows, in file order.
    let mut tables: Vec<(Option<&Json>, Vec<String>)> = Vec::new();
    for (resource, file) in resources {
        let Some(Json::Array(ops)) = file.get("operations") else {
            continue;
        };
        for op in ops.iter().filter(|op| op.get("errorTable").is_none()) {
            let rows = op.get("errors");
            match tables.iter_mut().find(|(r, _)| *r == rows) {
                Some((_, sharers)) => sharers.push(shown(resource, op)),
                None => tables.push((rows, vec![shown(resource, op)])),
            }
        }
    }
    tables
        .into_iter()
        .filter(|(_, sharers)| sharers.len() > 1)
        .map(|(_, sharers)| {
            let listed = if sharers.len() > 4 {
                format!("{}, …", sharers[..4].join(", "))
            } else {
                sharers.join(", ")
            };
            format!(
                "{} operations share an error table with no name ({listed}): add an entry naming it to the overrides file, {{\"errorTable\": \"…Error\", \"of\": {{\"resource\": \"…\", \"operation\": \"…\"}}, \"reason\": \"…\"}}",
                sharers.len()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overrides::parse;

    fn op(method: &str, codes: &[u16]) -> Json {
        let rows = codes
            .iter()
            .map(|c| {
                Json::object()
                    .with("error", "Conflict")
                    .with("code", *c)
                    .with("subcode", Json::Null)
            })
            .collect();
        Json::object()
            .with("method", method)
            .with_list("errors", rows)
    }

    fn files(ops: Vec<(&str, Vec<Json>)>) -> BTreeMap<String, Json> {
        ops.into_iter()
            .map(|(name, ops)| {
                (
                    name.to_owned(),
                    Json::object().with("name", name).with("operations", ops),
                )
            })
            .collect()
    }

    fn table<'a>(
        resources: &'a BTreeMap<String, Json>,
        resource: &str,
        i: usize,
    ) -> Option<&'a Json> {
        match resources[resource].get("operations") {
            Some(Json::Array(ops)) => ops[i].get("errorTable"),
            _ => None,
        }
    }

    #[test]
    fn a_named_table_is_written_on_every_operation_listing_its_rows() {
        let mut resources = files(vec![
            ("accept", vec![op("POST", &[409]), op("GET", &[410])]),
            (
                "decline",
                vec![op("POST", &[409]), op("GET", &[410]), op("PUT", &[])],
            ),
            ("cancel", vec![op("POST", &[409, 410]), op("DELETE", &[])]),
        ]);
        // Before: three shared tables (two of rows, one of none), each unnamed.
        let before = unnamed(&resources);
        assert_eq!(before.len(), 3, "{before:?}");
        assert_eq!(
            before[1],
            r#"2 operations share an error table with no name (accept GET, decline GET): add an entry naming it to the overrides file, {"errorTable": "…Error", "of": {"resource": "…", "operation": "…"}, "reason": "…"}"#
        );
        let overrides = parse(r#"{"overrides": [
            {"errorTable": "InvitationActionError", "of": {"resource": "decline", "operation": "POST"}, "reason": "r"},
            {"errorTable": "ReadError", "of": {"resource": "accept", "operation": "GET"}, "reason": "r"},
            {"errorTable": "NoListedError", "of": {"resource": "cancel", "operation": "DELETE"}, "reason": "r"}
        ]}"#)
        .unwrap();
        let mut errors = Vec::new();
        assert_eq!(name(&mut resources, &overrides, &mut errors), [0, 1, 2]);
        assert_eq!(errors, Vec::<String>::new());
        let named = Json::from("InvitationActionError");
        assert_eq!(table(&resources, "accept", 0), Some(&named));
        assert_eq!(table(&resources, "decline", 0), Some(&named));
        assert_eq!(
            table(&resources, "accept", 1),
            Some(&Json::from("ReadError"))
        );
        assert_eq!(
            table(&resources, "decline", 2),
            Some(&Json::from("NoListedError"))
        );
        // Other rows, not named.
        assert_eq!(table(&resources, "cancel", 0), None);
        assert_eq!(unnamed(&resources), Vec::<String>::new());
        // Written after the rows.
        let text = resources["accept"].to_file();
        let (rows, name) = (
            text.find("\"errors\"").unwrap(),
            text.find("\"errorTable\"").unwrap(),
        );
        assert!(rows < name, "{text}");
    }

    #[test]
    fn an_entry_must_name_an_operation_and_a_table_once() {
        let mut resources = files(vec![
            ("accept", vec![op("POST", &[409]), op("GET", &[410])]),
            ("decline", vec![op("POST", &[409])]),
        ]);
        let overrides = parse(r#"{"overrides": [
            {"errorTable": "InvitationActionError", "of": {"resource": "accept", "operation": "POST"}, "reason": "r"},
            {"errorTable": "DeclineError", "of": {"resource": "decline", "operation": "POST"}, "reason": "r"},
            {"errorTable": "InvitationActionError", "of": {"resource": "accept", "operation": "GET"}, "reason": "r"},
            {"errorTable": "GoneError", "of": {"resource": "accept", "operation": "PUT"}, "reason": "r"},
            {"errorTable": "GoneError", "of": {"resource": "nothing", "operation": "GET"}, "reason": "r"}
        ]}"#)
        .unwrap();
        let mut errors = Vec::new();
        assert_eq!(name(&mut resources, &overrides, &mut errors), [0]);
        assert_eq!(
            errors,
            [
                "overrides[1]: the table of `decline POST` is already named `InvitationActionError` by overrides[0]: remove one of the entries",
                "overrides[2]: `InvitationActionError` already names another table (that of `accept POST`, by overrides[0]): choose another name",
                "overrides[3]: `accept PUT` is no operation of the import (no such page or method): remove the entry or name one that is",
                "overrides[4]: `nothing GET` is no operation of the import (no such page or method): remove the entry or name one that is",
            ]
        );
    }
}
