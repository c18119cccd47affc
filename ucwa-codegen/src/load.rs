//! Reading a schema directory into the model: files, JSON syntax and the shape of each file.
//! Rules that span files (references, names) are in `validate`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location};
use crate::model::*;
use crate::reader::{Obj, Reader, child, parse_json};

/// The subdirectories of a schema directory and what each holds.
pub const RESOURCES_DIR: &str = "resources";
pub const ENUMERATIONS_DIR: &str = "enumerations";

/// Loads every file of the schema directory. Problems go to `diagnostics`; what could be read
/// is returned so that validation can report further problems in the same run.
pub fn load(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Schema {
    let mut schema = Schema {
        resources: Vec::new(),
        enumerations: Vec::new(),
        files: Vec::new(),
    };
    if !dir.is_dir() {
        diagnostics.push(Diagnostic::new(
            dir,
            Location::File,
            "the schema directory does not exist or is not a directory",
        ));
        return schema;
    }
    for (sub, is_resource) in [(RESOURCES_DIR, true), (ENUMERATIONS_DIR, false)] {
        for file in list_json_files(&dir.join(sub), diagnostics) {
            schema.files.push(file.clone());
            let text = match fs::read(&file) {
                Ok(text) => text,
                Err(e) => {
                    diagnostics.push(Diagnostic::new(
                        &file,
                        Location::File,
                        format!("cannot read the file: {e}"),
                    ));
                    continue;
                }
            };
            let value = match parse_json(&file, &text) {
                Ok(value) => value,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            let mut reader = Reader::new(&file, diagnostics);
            if is_resource {
                if let Some(resource) = resource(&mut reader, &value, &file) {
                    schema.resources.push(resource);
                }
            } else if let Some(enumeration) = enumeration(&mut reader, &value, &file) {
                schema.enumerations.push(enumeration);
            }
        }
    }
    if schema.files.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic::new(
            dir,
            Location::File,
            format!(
                "no schema files found: expected `{RESOURCES_DIR}/*.json` and `{ENUMERATIONS_DIR}/*.json`"
            ),
        ));
    }
    schema
}

/// The `.json` files of `dir`, sorted by name so that output does not depend on the file
/// system. A missing directory holds nothing; anything else in it is reported, not skipped.
fn list_json_files(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                dir,
                Location::File,
                format!("cannot list the directory: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                diagnostics.push(Diagnostic::new(
                    dir,
                    Location::File,
                    format!("cannot list the directory: {e}"),
                ));
                continue;
            }
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let hidden = name.as_deref().is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        } else {
            diagnostics.push(Diagnostic::new(
                &path,
                Location::File,
                "unexpected entry: this directory holds only `.json` schema files",
            ));
        }
    }
    files.sort();
    files
}

/// The name in a file must be its file name, so a type is found where its name says.
fn check_file_name(reader: &mut Reader<'_>, file: &Path, name: &str) {
    let stem = file.file_stem().map(|s| s.to_string_lossy());
    if stem.as_deref() != Some(name) {
        reader.error(
            "$.name",
            format!(
                "the name {name:?} does not match the file name; expected the file to be `{name}.json`"
            ),
        );
    }
}

fn resource(reader: &mut Reader<'_>, value: &Value, file: &Path) -> Option<Resource> {
    let obj = reader.object(
        value,
        "$",
        &[
            "$schema",
            "name",
            "description",
            "area",
            "shape",
            "properties",
            "links",
            "embedded",
            "operations",
            "events",
            "scopes",
        ],
    )?;
    let name = reader.req_text(obj, "name");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let area = reader.opt_str(obj, "area");
    if let Some(area) = &area {
        // It becomes a cargo feature name.
        let valid = area.starts_with(|c: char| c.is_ascii_lowercase())
            && area
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            reader.error(
                "$.area",
                format!("the area {area:?} becomes a cargo feature: expected lowercase letters, digits and `-`, starting with a letter"),
            );
        }
    }
    let shape = reader.opt_str(obj, "shape");
    let properties = list(reader, obj, "properties", |r, v, p| {
        property(r, v, p, false)
    });
    let links = list(reader, obj, "links", link);
    let embedded = list(reader, obj, "embedded", embedded);
    let operations = list(reader, obj, "operations", operation);
    let events = list(reader, obj, "events", event);
    let scopes = list(reader, obj, "scopes", scope);
    let name = name?;
    check_file_name(reader, file, &name);
    Some(Resource {
        name,
        description,
        area,
        shape,
        properties,
        links,
        embedded,
        operations,
        events,
        scopes,
        file: file.to_path_buf(),
    })
}

fn enumeration(reader: &mut Reader<'_>, value: &Value, file: &Path) -> Option<Enumeration> {
    let obj = reader.object(value, "$", &["$schema", "name", "description", "members"])?;
    let name = reader.req_text(obj, "name");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    if !obj.map.contains_key("members") {
        reader.error(
            "$",
            "missing field `members` (expected an array of members)",
        );
    }
    let members = list(reader, obj, "members", |r, v, p| {
        let obj = r.object(v, p, &["name", "description"])?;
        let name = r.req_text(obj, "name");
        let description = r.opt_str(obj, "description").unwrap_or_default();
        Some(Member {
            at: p.to_owned(),
            name: name?,
            description,
        })
    });
    let name = name?;
    check_file_name(reader, file, &name);
    Some(Enumeration {
        name,
        description,
        members,
        file: file.to_path_buf(),
    })
}

/// Reads each item of the array `key` with `item`, keeping those that read cleanly.
fn list<T>(
    reader: &mut Reader<'_>,
    obj: Obj<'_>,
    key: &str,
    mut item: impl FnMut(&mut Reader<'_>, &Value, &str) -> Option<T>,
) -> Vec<T> {
    reader
        .array(obj, key)
        .into_iter()
        .filter_map(|(path, value)| item(reader, value, &path))
        .collect()
}

const TYPES: &[&str] = &[
    "string",
    "boolean",
    "integer",
    "number",
    "date",
    "timeSpan",
    "uri",
    "enumeration",
    "array",
];

fn property(
    reader: &mut Reader<'_>,
    value: &Value,
    path: &str,
    is_request_field: bool,
) -> Option<Property> {
    let mut allowed = vec![
        "name",
        "description",
        "type",
        "maxLength",
        "minimum",
        "maximum",
        "enumeration",
        "items",
    ];
    if is_request_field {
        allowed.push("required");
    }
    let obj = reader.object(value, path, &allowed)?;
    let name = reader.req_text(obj, "name");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let ty = value_type(reader, obj);
    let max_length = reader.opt_u64(obj, "maxLength");
    if max_length.is_some() && !matches!(ty, Some(ValueType::String | ValueType::Uri)) {
        reader.error(
            &child(path, "maxLength"),
            "`maxLength` applies only to `string` and `uri` properties",
        );
    }
    let required = reader.opt_bool(obj, "required").unwrap_or(false);
    let range = range(reader, obj, path);
    if !range.is_empty() && !matches!(ty, Some(ValueType::Integer | ValueType::Number)) {
        reader.error(
            path,
            "`minimum` and `maximum` apply only to `integer` and `number` values",
        );
    }
    Some(Property {
        at: path.to_owned(),
        name: name?,
        description,
        ty: ty?,
        max_length,
        range,
        required,
    })
}

/// `minimum` and `maximum`, the first not above the second.
fn range(reader: &mut Reader<'_>, obj: Obj<'_>, path: &str) -> Range {
    let range = Range {
        minimum: reader.opt_u64(obj, "minimum"),
        maximum: reader.opt_u64(obj, "maximum"),
    };
    if let (Some(min), Some(max)) = (range.minimum, range.maximum)
        && min > max
    {
        reader.error(
            &child(path, "minimum"),
            format!("the minimum {min} is above the maximum {max}"),
        );
    }
    range
}

/// `type` with, for enumerations, `enumeration`, and for arrays, `items`.
fn value_type(reader: &mut Reader<'_>, obj: Obj<'_>) -> Option<ValueType> {
    let ty = reader.req_choice(obj, "type", TYPES)?;
    let enumeration = obj.map.contains_key("enumeration");
    let items = obj.map.contains_key("items");
    if enumeration && ty != "enumeration" {
        reader.error(
            &child(obj.path, "enumeration"),
            format!("`enumeration` applies only to `\"type\": \"enumeration\"`, not {ty:?}"),
        );
    }
    if items && ty != "array" {
        reader.error(
            &child(obj.path, "items"),
            format!("`items` applies only to `\"type\": \"array\"`, not {ty:?}"),
        );
    }
    Some(match ty.as_str() {
        "string" => ValueType::String,
        "boolean" => ValueType::Boolean,
        "integer" => ValueType::Integer,
        "number" => ValueType::Number,
        "date" => ValueType::Date,
        "timeSpan" => ValueType::TimeSpan,
        "uri" => ValueType::Uri,
        "enumeration" => {
            if !enumeration {
                reader.error(
                    obj.path,
                    "missing field `enumeration` (expected the name of an enumeration, as `\"type\": \"enumeration\"` requires)",
                );
                return None;
            }
            ValueType::Enumeration(reader.req_text(obj, "enumeration")?)
        }
        _ => {
            let Some(value) = obj.map.get("items") else {
                reader.error(
                    obj.path,
                    "missing field `items` (expected the item type, as `\"type\": \"array\"` requires)",
                );
                return None;
            };
            let path = child(obj.path, "items");
            let items = reader.object(value, &path, &["type", "enumeration", "items"])?;
            let item = value_type(reader, items)?;
            if matches!(item, ValueType::Array(_)) {
                reader.error(&path, "arrays of arrays are not part of UCWA");
                return None;
            }
            ValueType::Array(Box::new(item))
        }
    })
}

fn link(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Link> {
    let obj = reader.object(
        value,
        path,
        &["rel", "description", "kind", "target", "many", "mediaType"],
    )?;
    let rel = reader.req_text(obj, "rel");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let kind = reader.req_choice(obj, "kind", &["resource", "operation", "data"]);
    let target = reader.opt_str(obj, "target");
    let many = reader.opt_bool(obj, "many").unwrap_or(false);
    let media_type = reader.opt_str(obj, "mediaType");
    let kind = match kind?.as_str() {
        "resource" => LinkKind::Resource,
        "operation" => LinkKind::Operation,
        _ => LinkKind::Data { media_type },
    };
    if obj.map.contains_key("mediaType") && !matches!(kind, LinkKind::Data { .. }) {
        reader.error(
            &child(path, "mediaType"),
            "`mediaType` applies only to links of `\"kind\": \"data\"`",
        );
    }
    if target.is_some() && matches!(kind, LinkKind::Data { .. }) {
        reader.error(
            &child(path, "target"),
            "a `data` link carries its content and has no target resource",
        );
    }
    Some(Link {
        at: path.to_owned(),
        rel: rel?,
        description,
        kind,
        target,
        many,
    })
}

fn embedded(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Embedded> {
    let obj = reader.object(value, path, &["rel", "description", "target", "many"])?;
    let rel = reader.req_text(obj, "rel");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let target = reader.req_text(obj, "target");
    let many = reader.opt_bool(obj, "many").unwrap_or(false);
    Some(Embedded {
        at: path.to_owned(),
        rel: rel?,
        description,
        target: target?,
        many,
    })
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "OPTIONS"];

fn operation(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Operation> {
    let obj = reader.object(
        value,
        path,
        &[
            "method",
            "description",
            "query",
            "request",
            "ifMatch",
            "response",
            "errors",
            "errorTable",
        ],
    )?;
    let method = reader.req_choice(obj, "method", METHODS);
    let error_table = reader.opt_str(obj, "errorTable");
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let if_match = reader.opt_bool(obj, "ifMatch").unwrap_or(false);
    let query = list(reader, obj, "query", |r, v, p| {
        let obj = r.object(
            v,
            p,
            &[
                "name",
                "description",
                "required",
                "maxLength",
                "minimum",
                "maximum",
            ],
        )?;
        let name = r.req_text(obj, "name");
        let description = r.opt_str(obj, "description").unwrap_or_default();
        let required = r.opt_bool(obj, "required").unwrap_or(false);
        let max_length = r.opt_u64(obj, "maxLength");
        let range = range(r, obj, p);
        Some(QueryParameter {
            at: p.to_owned(),
            name: name?,
            description,
            required,
            max_length,
            range,
        })
    });
    // Each part is read in full before any `?`, so that every problem is reported.
    let request = obj
        .map
        .get("request")
        .map(|value| request_body(reader, value, &child(path, "request")));
    let response = match obj.map.get("response") {
        None => {
            reader.error(
                path,
                "missing field `response` (expected an object with the success `status`)",
            );
            None
        }
        Some(value) => response(reader, value, &child(path, "response")),
    };
    let errors = list(reader, obj, "errors", |r, v, p| {
        let obj = r.object(v, p, &["error", "code", "subcode", "description"])?;
        let error = r.req_text(obj, "error");
        let code = r.req_int_in(obj, "code", 400..=599);
        if !obj.map.contains_key("subcode") {
            r.error(
                p,
                "missing field `subcode` (expected a string, or null for the row without one)",
            );
        }
        let subcode = r.opt_nullable_str(obj, "subcode");
        let description = r.opt_str(obj, "description").unwrap_or_default();
        Some(SyncError {
            error: error?,
            code: code?,
            subcode: subcode?,
            description,
        })
    });
    Some(Operation {
        at: path.to_owned(),
        method: method?,
        description,
        query,
        request: request.map_or(Some(None), |r| r.map(Some))?,
        if_match,
        response: response?,
        errors,
        error_table,
    })
}

fn response(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Response> {
    let obj = reader.object(
        value,
        path,
        &[
            "status",
            "resource",
            "location",
            "mediaTypes",
            "description",
        ],
    )?;
    let status = reader.req_int_in(obj, "status", 100..=599);
    let resource = reader.opt_str(obj, "resource");
    let location = reader.opt_bool(obj, "location").unwrap_or(false);
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    if location && resource.is_none() {
        reader.error(
            &child(path, "location"),
            "`location` says the answer gives the link to the resource it created: name it in `resource`",
        );
    }
    let mut media_types = Vec::new();
    if obj.map.contains_key("mediaTypes") {
        let at = child(path, "mediaTypes");
        media_types = reader.str_array(obj, "mediaTypes");
        if media_types.is_empty() {
            reader.error(
                &at,
                "an answer of raw content needs at least one media type, e.g. [\"image/*\"]",
            );
        }
        for (i, media_type) in media_types.iter().enumerate() {
            if let Err(problem) = check_media_type(media_type) {
                reader.error(&format!("{at}[{i}]"), problem);
            }
        }
        if resource.is_some() || location {
            reader.error(
                &at,
                "`mediaTypes` says the answer is raw content, not a resource: leave out `resource` and `location`",
            );
        }
    }
    Some(Response {
        status: status?,
        resource,
        location,
        media_types,
        description,
    })
}

/// A media type an answer of raw content may be in: `type/subtype`, either part `*` (`image/*`,
/// `*/*`, not `*/png`), in lowercase without parameters, and not a UCWA representation (an
/// answer in JSON or XML is a resource).
fn check_media_type(media_type: &str) -> Result<(), String> {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&-^_.+".contains(&b))
    };
    let valid = match media_type.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => token(kind),
        Some((kind, subtype)) => token(kind) && token(subtype),
        None => false,
    };
    if !valid {
        return Err(format!(
            "invalid media type {media_type:?}: expected `type/subtype` in lowercase, without parameters, such as \"image/png\" or \"image/*\""
        ));
    }
    if media_type.ends_with("/json")
        || media_type.ends_with("+json")
        || media_type.ends_with("/xml")
        || media_type.ends_with("+xml")
    {
        return Err(format!(
            "{media_type:?} is a UCWA representation: an answer in JSON or XML is a resource (name it in `resource`)"
        ));
    }
    Ok(())
}

fn request_body(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<RequestBody> {
    let obj = reader.object(
        value,
        path,
        &[
            "kind",
            "mediaTypes",
            "description",
            "fields",
            "links",
            "resource",
        ],
    )?;
    let kind = reader.req_choice(obj, "kind", &["bytes", "fields", "resource"])?;
    let allowed: &[&str] = match kind.as_str() {
        "bytes" => &["kind", "mediaTypes", "description"],
        "fields" => &["kind", "fields", "links"],
        _ => &["kind", "resource"],
    };
    for key in obj.map.keys() {
        if !allowed.contains(&key.as_str()) {
            reader.error(
                &child(path, key),
                format!("`{key}` does not apply to a request body of `\"kind\": {kind:?}`"),
            );
        }
    }
    Some(match kind.as_str() {
        "bytes" => {
            let media_types = reader.str_array(obj, "mediaTypes");
            if media_types.is_empty() {
                reader.error(
                    path,
                    "a `bytes` request body needs `mediaTypes`, e.g. [\"application/sdp\"]",
                );
                return None;
            }
            RequestBody::Bytes {
                media_types,
                description: reader.opt_str(obj, "description").unwrap_or_default(),
            }
        }
        "fields" => RequestBody::Fields {
            fields: list(reader, obj, "fields", |r, v, p| property(r, v, p, true)),
            links: list(reader, obj, "links", |r, v, p| {
                let link = link(r, v, p)?;
                if !matches!(link.kind, LinkKind::Data { .. }) {
                    r.error(
                        &child(p, "kind"),
                        "a request body carries only links of `\"kind\": \"data\"` (content in a `data:` URI)",
                    );
                }
                Some(link)
            }),
        },
        _ => RequestBody::Resource {
            resource: reader.req_text(obj, "resource")?,
        },
    })
}

fn event(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Event> {
    let obj = reader.object(
        value,
        path,
        &["type", "resource", "sender", "priority", "description"],
    )?;
    let event_type = reader.req_text(obj, "type");
    let resource = reader.opt_str(obj, "resource");
    let sender = reader.req_text(obj, "sender");
    let priority = reader.req_choice(obj, "priority", &["high", "medium", "low"]);
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    let priority = match priority?.as_str() {
        "high" => Priority::High,
        "medium" => Priority::Medium,
        _ => Priority::Low,
    };
    Some(Event {
        at: path.to_owned(),
        event_type: event_type?,
        resource,
        sender: sender?,
        priority,
        description,
    })
}

fn scope(reader: &mut Reader<'_>, value: &Value, path: &str) -> Option<Scope> {
    let obj = reader.object(value, path, &["name", "permission", "description"])?;
    let name = reader.req_text(obj, "name");
    let permission = reader.opt_str(obj, "permission").unwrap_or_default();
    let description = reader.opt_str(obj, "description").unwrap_or_default();
    Some(Scope {
        name: name?,
        permission,
        description,
    })
}
