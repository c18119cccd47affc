//! `schema/ucwa-schema.json`, the JSON Schema editors use to validate and complete schema
//! files, agrees with the generator: the project's files pass it, and so do the broken
//! files whose problem only the generator can see, while files the loader refuses for their
//! shape fail it too.

use std::fs;
use std::path::Path;

use serde_json::Value;

const SCHEMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema");

fn validator() -> jsonschema::Validator {
    let format: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(SCHEMA_DIR).join("ucwa-schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&format).expect("ucwa-schema.json is a valid JSON Schema")
}

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for sub in ["resources", "enumerations"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_project_schema_files_follow_the_format() {
    let validator = validator();
    let files = json_files(Path::new(SCHEMA_DIR));
    assert_eq!(files.len(), 237 + 56);
    for file in files {
        let value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

#[test]
fn shape_errors_of_the_corpus_also_fail_the_format() {
    let validator = validator();
    // Cases whose files have problems of shape (types, fields, values), not of cross-references.
    for case in [
        "unknown-type",
        "wrong-json-types",
        "missing-and-unknown-fields",
        "invalid-identifiers",
        "not-an-object",
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/bad-schemas")
            .join(case);
        for file in json_files(&dir) {
            let value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
            assert!(
                !validator.is_valid(&value),
                "{} passes ucwa-schema.json",
                file.display()
            );
        }
    }
}

#[test]
fn request_fields_may_say_required_but_properties_may_not() {
    let validator = validator();
    let field = serde_json::json!({"name": "message", "type": "string", "description": "The text.", "required": true});
    let resource = |operation: Value| {
        serde_json::json!({
            "name": "sendMessage",
            "description": "Sends a message.",
            "properties": [{"name": "x", "type": "string", "description": "X."}],
            "operations": [operation]
        })
    };
    let ok = resource(serde_json::json!({
        "method": "POST",
        "request": {"kind": "fields", "fields": [field.clone()]},
        "response": {"status": 204}
    }));
    assert!(validator.is_valid(&ok));
    let mut bad = ok.clone();
    bad["properties"][0]["required"] = Value::Bool(true);
    assert!(!validator.is_valid(&bad));
    // And the generator agrees on both.
    let dir = std::env::temp_dir().join(format!("ucwa-format-{}", std::process::id()));
    fs::create_dir_all(dir.join("resources")).unwrap();
    fs::write(dir.join("resources/sendMessage.json"), ok.to_string()).unwrap();
    assert!(
        ucwa_codegen::Builder::new()
            .schema_dir(&dir)
            .check()
            .is_ok()
    );
    fs::write(dir.join("resources/sendMessage.json"), bad.to_string()).unwrap();
    assert!(
        ucwa_codegen::Builder::new()
            .schema_dir(&dir)
            .check()
            .is_err()
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_answer_of_raw_content_names_media_types_and_no_resource() {
    let validator = validator();
    let resource = |response: Value| {
        serde_json::json!({
            "name": "photo",
            "operations": [{"method": "GET", "query": [{"name": "size"}], "response": response}]
        })
    };
    let ok = resource(serde_json::json!({"status": 200, "mediaTypes": ["image/*", "image/png"]}));
    let bad = [
        serde_json::json!({"status": 200, "mediaTypes": []}),
        serde_json::json!({"status": 200, "mediaTypes": ["image/PNG"]}),
        serde_json::json!({"status": 200, "mediaTypes": ["*/png"]}),
        serde_json::json!({"status": 200, "mediaTypes": ["image/png; q=1"]}),
        serde_json::json!({"status": 200, "resource": "photo", "mediaTypes": ["image/*"]}),
    ];
    assert!(validator.is_valid(&ok));
    let dir = std::env::temp_dir().join(format!("ucwa-format-media-{}", std::process::id()));
    fs::create_dir_all(dir.join("resources")).unwrap();
    let check = |file: &Value| {
        fs::write(dir.join("resources/photo.json"), file.to_string()).unwrap();
        ucwa_codegen::Builder::new().schema_dir(&dir).check()
    };
    // The generator agrees on each.
    assert!(check(&ok).is_ok());
    for response in bad {
        let file = resource(response);
        assert!(!validator.is_valid(&file), "{file} passes ucwa-schema.json");
        assert!(check(&file).is_err(), "{file} passes the generator");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_error_table_name_is_a_name() {
    let validator = validator();
    let resource = |table: Value| {
        serde_json::json!({
            "name": "accept",
            "operations": [{
                "method": "POST",
                "response": {"status": 204},
                "errors": [{"error": "Gone", "code": 410, "subcode": "CannotRedirect"}],
                "errorTable": table
            }]
        })
    };
    let ok = resource(Value::from("invitationActionError"));
    assert!(validator.is_valid(&ok));
    let dir = std::env::temp_dir().join(format!("ucwa-format-table-{}", std::process::id()));
    fs::create_dir_all(dir.join("resources")).unwrap();
    let check = |file: &Value| {
        fs::write(dir.join("resources/accept.json"), file.to_string()).unwrap();
        ucwa_codegen::Builder::new().schema_dir(&dir).check()
    };
    // The generator agrees on each.
    assert!(check(&ok).is_ok());
    for table in [
        Value::from(7),
        Value::from("invitation-errors"),
        Value::from(""),
    ] {
        let file = resource(table);
        assert!(!validator.is_valid(&file), "{file} passes ucwa-schema.json");
        assert!(check(&file).is_err(), "{file} passes the generator");
    }
    fs::remove_dir_all(&dir).unwrap();
}
