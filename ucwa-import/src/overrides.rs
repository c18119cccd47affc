//! The one overrides file (`ucwa-import/overrides.json`): what the pages cannot tell — a type
//! no sample shows, a sample that contradicts its table, an embedded rel with no page, the name
//! of an error table several operations share — each entry with a one-line reason. The schema is the importer's output with these applied,
//! nothing else; an entry that applies to nothing is an error, so none outlives its cause.

use std::path::Path;

use serde_json::Value;

use crate::json::Json;

/// One entry: which item of which resource, what to do, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub resource: String,
    /// `properties`, `links`, `embedded` or `operations`.
    pub list: &'static str,
    /// The item's `name` (properties), `rel` (links, embedded) or `method` (operations).
    pub item: String,
    pub action: Action,
    pub reason: String,
    /// Where it is in the file, for messages: `overrides[3]`.
    pub at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Sets members of the item (`null` removes one; an object is merged into an object
    /// member by member); adds the item when the pages lack it.
    Set(Vec<(String, Value)>),
    /// Leaves the item out of the schema.
    Remove,
    /// Names the error table of the operation (`{"errorTable": "…", "of": {"resource": …,
    /// "operation": …}}`), and so of every operation listing the same errors: the import
    /// writes `errorTable` on each (`error_tables.rs`).
    NameErrorTable(String),
}

/// The selector keys and the list each names.
const SELECTORS: [(&str, &str, &str); 4] = [
    ("property", "properties", "name"),
    ("link", "links", "rel"),
    ("embedded", "embedded", "rel"),
    ("operation", "operations", "method"),
];

pub fn load(path: &Path) -> Result<Vec<Override>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str) -> Result<Vec<Override>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let entries = value
        .get("overrides")
        .and_then(Value::as_array)
        .ok_or("expected an object with an `overrides` array")?;
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("overrides[{i}]");
        let object = entry
            .as_object()
            .ok_or_else(|| format!("{at}: expected an object"))?;
        if object.contains_key("errorTable") {
            out.push(error_table(object, at)?);
            continue;
        }
        for key in object.keys() {
            let known = ["resource", "set", "remove", "reason"].contains(&key.as_str())
                || key.starts_with('$')
                || SELECTORS.iter().any(|(k, _, _)| k == key);
            if !known {
                return Err(format!(
                    "{at}: unknown key `{key}`; expected `resource`, one of `property`, `link`, `embedded`, `operation`, then `set` or `remove`, and `reason` (or, naming an error table, `errorTable`, `of` and `reason`)"
                ));
            }
        }
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        let resource = text("resource").ok_or_else(|| format!("{at}: `resource` is required"))?;
        let reason = text("reason").ok_or_else(|| {
            format!("{at}: `reason` is required: say in one line why the pages are not enough")
        })?;
        let selected: Vec<_> = SELECTORS
            .iter()
            .filter_map(|(key, list, _)| text(key).map(|item| (*list, item)))
            .collect();
        let [(list, item)] = selected.as_slice() else {
            return Err(format!(
                "{at}: name exactly one item, with `property`, `link`, `embedded` or `operation`"
            ));
        };
        let action = match (object.get("set"), object.get("remove")) {
            (Some(Value::Object(set)), None) => {
                Action::Set(set.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            }
            (None, Some(Value::Bool(true))) => Action::Remove,
            _ => {
                return Err(format!(
                    "{at}: give either `set` (an object of members) or `remove: true`"
                ));
            }
        };
        out.push(Override {
            resource,
            list,
            item: item.clone(),
            action,
            reason,
            at,
        });
    }
    Ok(out)
}

/// An entry naming an error table: `{"errorTable": "CommunicationActionError", "of":
/// {"resource": "escalateAudioVideo", "operation": "POST"}, "reason": "…"}`.
fn error_table(object: &serde_json::Map<String, Value>, at: String) -> Result<Override, String> {
    for key in object.keys() {
        if !["errorTable", "of", "reason"].contains(&key.as_str()) && !key.starts_with('$') {
            return Err(format!(
                "{at}: unknown key `{key}` in an entry naming an error table; expected `errorTable`, `of` and `reason`"
            ));
        }
    }
    let text = |object: &serde_json::Map<String, Value>, key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let name = text(object, "errorTable").filter(|n| is_table_name(n)).ok_or_else(|| {
        format!("{at}: `errorTable` must be an UpperCamelCase name ending in `Error`, as the generated `…Error` enums are")
    })?;
    let reason = text(object, "reason").ok_or_else(|| {
        format!("{at}: `reason` is required: say in one line what the operations sharing the table have in common")
    })?;
    let of = object
        .get("of")
        .and_then(Value::as_object)
        .filter(|of| of.keys().all(|k| k == "resource" || k == "operation"));
    let (resource, operation) = of
        .and_then(|of| Some((text(of, "resource")?, text(of, "operation")?)))
        .ok_or_else(|| {
            format!("{at}: `of` must be an object naming one operation: {{\"resource\": …, \"operation\": \"POST\"}}")
        })?;
    Ok(Override {
        resource,
        list: "operations",
        item: operation,
        action: Action::NameErrorTable(name),
        reason,
        at,
    })
}

/// An error table's name: an ASCII capital, then ASCII letters and digits, ending in `Error`
/// (`InvitationActionError`), as the generator's own `…Error` enums are named.
fn is_table_name(name: &str) -> bool {
    name.len() > "Error".len()
        && name.ends_with("Error")
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// What applying an entry did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// It changed the file.
    Changed,
    /// It removes an item the file does not have: right only for an item the importer leaves
    /// out and reports (an embedded rel with no page), which the caller checks.
    NothingToRemove,
}

/// Applies the overrides of `resource` to its file; returns which overrides applied (by index
/// into `overrides`) and how: an entry that finds nothing to change is not among them.
pub fn apply(file: &mut Json, resource: &str, overrides: &[Override]) -> Vec<(usize, Applied)> {
    let mut applied = Vec::new();
    for (index, o) in overrides.iter().enumerate() {
        // A table is named once every file is made, over all of them (`error_tables.rs`).
        if o.resource != resource || matches!(o.action, Action::NameErrorTable(_)) {
            continue;
        }
        let key = SELECTORS
            .iter()
            .find(|(_, list, _)| *list == o.list)
            .map_or("name", |(_, _, key)| *key);
        let Json::Object(members) = file else {
            continue;
        };
        let list = match members.iter_mut().find(|(k, _)| k == o.list) {
            Some((_, Json::Array(items))) => items,
            Some(_) => continue,
            None => {
                members.push((o.list.to_owned(), Json::Array(Vec::new())));
                match members.last_mut() {
                    Some((_, Json::Array(items))) => items,
                    _ => continue,
                }
            }
        };
        let position = list
            .iter()
            .position(|item| item.get(key) == Some(&Json::from(&o.item)));
        match (&o.action, position) {
            (Action::Remove, Some(at)) => {
                list.remove(at);
                applied.push((index, Applied::Changed));
            }
            (Action::Remove, None) => applied.push((index, Applied::NothingToRemove)),
            (Action::Set(set), Some(at)) => {
                let before = list[at].clone();
                for (k, v) in set {
                    list[at].merge(k, Json::from_value(v));
                }
                // An entry that changes nothing has outlived its cause.
                if list[at] != before {
                    applied.push((index, Applied::Changed));
                }
            }
            (Action::NameErrorTable(_), _) => {}
            (Action::Set(set), None) => {
                let mut item = Json::object().with(key, &o.item);
                for (k, v) in set {
                    item.set(k, Json::from_value(v));
                }
                list.push(item);
                applied.push((index, Applied::Changed));
            }
        }
        if list.is_empty() {
            members.retain(|(k, _)| k != o.list);
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_need_one_item_an_action_and_a_reason() {
        let ok = r#"{"overrides": [
            {"resource": "invitation", "property": "state", "set": {"type": "enumeration", "enumeration": "InvitationState"}, "reason": "The table names no enumeration."},
            {"resource": "x", "embedded": "y", "remove": true, "reason": "No page."},
            {"errorTable": "InvitationActionError", "of": {"resource": "accept", "operation": "POST"}, "reason": "Actions on an invitation."}
        ]}"#;
        let parsed = parse(ok).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[1].action, Action::Remove);
        assert_eq!(
            parsed[2],
            Override {
                resource: "accept".into(),
                list: "operations",
                item: "POST".into(),
                action: Action::NameErrorTable("InvitationActionError".into()),
                reason: "Actions on an invitation.".into(),
                at: "overrides[2]".into(),
            }
        );
        for (bad, message) in [
            (
                r#"{"overrides": [{"resource": "x", "property": "p", "set": {}}]}"#,
                "`reason` is required",
            ),
            (
                r#"{"overrides": [{"resource": "x", "set": {}, "reason": "r"}]}"#,
                "name exactly one item",
            ),
            (
                r#"{"overrides": [{"resource": "x", "property": "p", "reason": "r"}]}"#,
                "either `set`",
            ),
            (
                r#"{"overrides": [{"resource": "x", "propety": "p", "set": {}, "reason": "r"}]}"#,
                "unknown key `propety`",
            ),
            (
                r#"{"overrides": [{"errorTable": "InvitationActionError", "of": {"resource": "accept", "operation": "POST"}}]}"#,
                "`reason` is required",
            ),
            (
                r#"{"overrides": [{"errorTable": "invitationActions", "of": {"resource": "accept", "operation": "POST"}, "reason": "r"}]}"#,
                "UpperCamelCase name ending in `Error`",
            ),
            (
                r#"{"overrides": [{"errorTable": "Invitation-Error", "of": {"resource": "accept", "operation": "POST"}, "reason": "r"}]}"#,
                "UpperCamelCase name ending in `Error`",
            ),
            (
                r#"{"overrides": [{"errorTable": "InvitationActionError", "of": {"resource": "accept"}, "reason": "r"}]}"#,
                "`of` must be an object naming one operation",
            ),
            (
                r#"{"overrides": [{"errorTable": "InvitationActionError", "of": {"resource": "accept", "operation": "POST", "property": "x"}, "reason": "r"}]}"#,
                "`of` must be an object naming one operation",
            ),
            (
                r#"{"overrides": [{"errorTable": "InvitationActionError", "resource": "accept", "operation": "POST", "reason": "r"}]}"#,
                "unknown key `operation` in an entry naming an error table",
            ),
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains(message), "{error}");
        }
    }

    #[test]
    fn set_merges_removes_and_adds() {
        let mut file = Json::object().with("name", "invitation").with(
            "properties",
            vec![Json::object().with("name", "state").with("type", "string")],
        );
        let overrides = parse(r#"{"overrides": [
            {"resource": "invitation", "property": "state", "set": {"type": "enumeration", "enumeration": "InvitationState"}, "reason": "r"},
            {"resource": "invitation", "link": "mediaOffer", "set": {"kind": "data"}, "reason": "r"},
            {"resource": "other", "property": "state", "remove": true, "reason": "r"}
        ]}"#)
        .unwrap();
        assert_eq!(
            apply(&mut file, "invitation", &overrides),
            [(0, Applied::Changed), (1, Applied::Changed)]
        );
        // An operation is named by its method; an object is merged into the member's object.
        let mut photo = Json::object().with("name", "photo").with(
            "operations",
            vec![
                Json::object().with("method", "GET").with(
                    "response",
                    Json::object()
                        .with("status", 200u16)
                        .with("mediaTypes", vec![Json::from("image/jpeg")]),
                ),
            ],
        );
        let widen = parse(r#"{"overrides": [
            {"resource": "photo", "operation": "GET", "set": {"response": {"mediaTypes": ["image/*"]}}, "reason": "r"}
        ]}"#)
        .unwrap();
        assert_eq!(apply(&mut photo, "photo", &widen), [(0, Applied::Changed)]);
        assert_eq!(
            photo.to_file(),
            "{\n  \"name\": \"photo\",\n  \"operations\": [\n    { \"method\": \"GET\", \"response\": { \"status\": 200, \"mediaTypes\": [\"image/*\"] } }\n  ]\n}\n"
        );
        // Applied again, it changes nothing: an entry that has outlived its cause.
        assert_eq!(apply(&mut photo, "photo", &widen), []);
        assert_eq!(
            file.to_file(),
            "{\n  \"name\": \"invitation\",\n  \"properties\": [\n    { \"name\": \"state\", \"type\": \"enumeration\", \"enumeration\": \"InvitationState\" }\n  ],\n  \"links\": [\n    { \"rel\": \"mediaOffer\", \"kind\": \"data\" }\n  ]\n}\n"
        );
    }
}
