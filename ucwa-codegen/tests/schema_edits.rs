//! Editing the schema changes the output as a user expects, and no input makes the generator
//! panic.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use ucwa_codegen::Builder;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema");

/// A copy of the project schema in a fresh temporary directory.
fn copy_schema(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ucwa-schema-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for sub in ["resources", "enumerations"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in fs::read_dir(Path::new(SCHEMA).join(sub)).unwrap() {
            let path = entry.unwrap().path();
            fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

#[test]
fn adding_a_property_adds_a_documented_field() {
    let dir = copy_schema("add-property");
    let file = dir.join("resources/participant.json");
    let mut participant: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    participant["properties"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "satellitePhoneNumber",
            "type": "uri",
            "description": "The participant's satellite phone."
        }));
    fs::write(&file, serde_json::to_string_pretty(&participant).unwrap()).unwrap();

    let before = Builder::new().schema_dir(SCHEMA).render().unwrap().source;
    let after = Builder::new().schema_dir(&dir).render().unwrap().source;
    let added: Vec<&str> = after
        .lines()
        .filter(|line| !before.contains(line))
        .map(str::trim)
        .collect();
    assert_eq!(
        added,
        [
            "/// The participant's satellite phone.",
            "#[ucwa(name = \"satellitePhoneNumber\")]",
            "pub satellite_phone_number: Option<::ucwa_runtime::Uri>,",
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generate_writes_only_when_the_content_changes() {
    let dir = copy_schema("write-if-changed");
    let out = dir.join("out");
    let builder = Builder::new().schema_dir(&dir).out_dir(&out);
    builder.generate().unwrap();
    let path = builder.output_path().unwrap();
    let first = fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    builder.generate().unwrap();
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), first);
    fs::remove_dir_all(&dir).unwrap();
}

/// Every value of every schema file replaced, in turn, by values of every JSON type: the
/// generator reports or accepts, and never panics.
#[test]
fn no_replacement_of_any_value_makes_the_generator_panic() {
    let replacements = [
        Value::Null,
        Value::Bool(true),
        serde_json::json!(-1),
        serde_json::json!(1e300),
        serde_json::json!(""),
        serde_json::json!("self"),
        serde_json::json!("type"),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!([{}]),
    ];
    let dir = closed_subset("mutations", &["participant", "escalateAudioVideo"]);
    let mut runs = 0;
    for file in [
        "resources/participant.json",
        "resources/escalateAudioVideo.json",
        "enumerations/Role.json",
    ] {
        let path = dir.join(file);
        let original: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&original, String::new(), &mut pointers);
        for pointer in &pointers {
            for replacement in &replacements {
                let mut mutated = original.clone();
                *mutated.pointer_mut(pointer).unwrap() = replacement.clone();
                fs::write(&path, mutated.to_string()).unwrap();
                // Either outcome is fine; a panic fails the test.
                let _ = Builder::new().schema_dir(&dir).render();
                runs += 1;
            }
        }
        fs::write(&path, original.to_string()).unwrap();
    }
    assert!(runs > 1000, "only {runs} runs");
    fs::remove_dir_all(&dir).unwrap();
}

/// A schema of only `resources` and every enumeration, with the references to the other
/// resources taken out (link targets, embedded resources, response resources, events about
/// others), so that it validates and emits on its own: each run of the mutation test then
/// goes through emission, not only validation, in a fraction of the whole schema's time.
fn closed_subset(name: &str, resources: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ucwa-schema-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("resources")).unwrap();
    fs::create_dir_all(dir.join("enumerations")).unwrap();
    for entry in fs::read_dir(Path::new(SCHEMA).join("enumerations")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            dir.join("enumerations").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    let inside = |v: &Value| v.as_str().is_some_and(|r| resources.contains(&r));
    for resource in resources {
        let file = format!("resources/{resource}.json");
        let mut value: Value =
            serde_json::from_str(&fs::read_to_string(Path::new(SCHEMA).join(&file)).unwrap())
                .unwrap();
        let list = |value: &mut Value, key: &str| -> Vec<Value> {
            value
                .as_object_mut()
                .unwrap()
                .remove(key)
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
        };
        let mut links = list(&mut value, "links");
        for link in &mut links {
            if !link.get("target").is_none_or(&inside) {
                link.as_object_mut().unwrap().remove("target");
            }
        }
        let mut embedded = list(&mut value, "embedded");
        embedded.retain(|e| inside(&e["target"]));
        let mut events = list(&mut value, "events");
        events.retain(|e| e.get("resource").is_none_or(&inside));
        let mut operations = list(&mut value, "operations");
        for op in &mut operations {
            let response = op["response"].as_object_mut().unwrap();
            if !response.get("resource").is_none_or(&inside) {
                response.remove("resource");
            }
            if op["request"]["kind"] == "resource" && !inside(&op["request"]["resource"]) {
                op.as_object_mut().unwrap().remove("request");
            }
        }
        let object = value.as_object_mut().unwrap();
        for (key, items) in [
            ("links", links),
            ("embedded", embedded),
            ("operations", operations),
            ("events", events),
        ] {
            if !items.is_empty() {
                object.insert(key.to_owned(), Value::Array(items));
            }
        }
        fs::write(dir.join(&file), value.to_string()).unwrap();
    }
    Builder::new()
        .schema_dir(&dir)
        .render()
        .expect("the closed subset is a valid schema");
    dir
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                collect_pointers(
                    v,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The `pub type` alias of `name` in `source`, and what it names.
fn alias_target<'s>(source: &'s str, name: &str) -> Option<&'s str> {
    let declaration = format!("pub type {name} = ");
    source.lines().find_map(|line| {
        line.trim()
            .strip_prefix(&declaration)
            .map(|rest| rest.trim_end_matches(';'))
    })
}

/// A table several operations share is named for its rows, not for the first operation that
/// has it: when that operation's table changes, the others keep their type, and the changed
/// operation gets an enum of its own.
#[test]
fn a_shared_error_table_is_named_for_itself() {
    let before = Builder::new().schema_dir(SCHEMA).render().unwrap().source;
    let shared = alias_target(&before, "EscalateAudioVideoPostError").unwrap();
    assert!(shared.starts_with("ErrorTable"), "{shared}");
    assert_eq!(alias_target(&before, "AcceptPostError"), Some(shared));
    assert_eq!(before.matches(&format!("pub enum {shared} {{")).count(), 1);

    let dir = copy_schema("shared-error-table");
    let file = dir.join("resources/accept.json");
    let mut accept: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    accept["operations"][0]["errors"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "error": "Forbidden",
            "code": 403,
            "subcode": null,
            "description": "Not allowed."
        }));
    fs::write(&file, serde_json::to_string_pretty(&accept).unwrap()).unwrap();
    let after = Builder::new().schema_dir(&dir).render().unwrap().source;
    assert_eq!(
        alias_target(&after, "EscalateAudioVideoPostError"),
        Some(shared)
    );
    assert_eq!(after.matches(&format!("pub enum {shared} {{")).count(), 1);
    assert_eq!(alias_target(&after, "AcceptPostError"), None);
    assert!(after.contains("pub enum AcceptPostError {"));
    fs::remove_dir_all(&dir).unwrap();
}
