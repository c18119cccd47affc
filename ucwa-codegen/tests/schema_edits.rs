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

/// A copy of the project schema whose error tables have no names (a user's own schema): the
/// shared ones are named for their rows.
fn copy_schema_without_table_names(name: &str) -> PathBuf {
    let dir = copy_schema(name);
    for entry in fs::read_dir(dir.join("resources")).unwrap() {
        let resource = entry.unwrap().path();
        let resource = resource.file_stem().unwrap().to_str().unwrap();
        edit_operations(&dir, resource, |op| {
            op.as_object_mut().unwrap().remove("errorTable");
        });
    }
    dir
}

/// A table several operations share without a name is named for its rows, not for the first
/// operation that has it: when that operation's table changes, the others keep their type, and
/// the changed operation gets an enum of its own.
#[test]
fn a_shared_error_table_is_named_for_itself() {
    let dir = copy_schema_without_table_names("shared-error-table");
    let before = Builder::new().schema_dir(&dir).render().unwrap().source;
    let shared = alias_target(&before, "EscalateAudioVideoPostError").unwrap();
    assert!(shared.starts_with("ErrorTable"), "{shared}");
    // The name these rows have had since tables are named for them.
    assert_eq!(shared, "ErrorTableC70B1F2A");
    assert_eq!(alias_target(&before, "AcceptPostError"), Some(shared));
    assert_eq!(before.matches(&format!("pub enum {shared} {{")).count(), 1);

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

/// The project schema names every table it shares: no enum is named for its rows.
#[test]
fn the_project_schema_names_every_shared_error_table() {
    let source = Builder::new().schema_dir(SCHEMA).render().unwrap().source;
    assert_eq!(
        alias_target(&source, "EscalateAudioVideoPostError"),
        Some("CommunicationActionError")
    );
    assert_eq!(
        alias_target(&source, "AcceptPostError"),
        Some("CommunicationActionError")
    );
    assert_eq!(
        alias_target(&source, "ParticipantGetError"),
        Some("CommunicationReadError")
    );
    assert!(!source.contains("pub enum ErrorTable"));
    assert_eq!(
        source
            .matches("pub enum CommunicationActionError {")
            .count(),
        1
    );
}

/// The operations of `resource` in a copied schema, to edit.
fn edit_operations(dir: &Path, resource: &str, edit: impl Fn(&mut Value)) {
    let file = dir.join(format!("resources/{resource}.json"));
    let mut value: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    // A resource without operations has nothing to edit.
    let operations = value.get_mut("operations").and_then(Value::as_array_mut);
    for op in operations.into_iter().flatten() {
        edit(op);
    }
    fs::write(&file, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

#[test]
fn renaming_an_error_table_renames_its_enum_and_keeps_the_aliases() {
    let dir = copy_schema("rename-table");
    for resource in ["makeMeAvailable", "makeMeAvailable2"] {
        edit_operations(&dir, resource, |op| {
            op["errorTable"] = Value::from("availabilityError");
        });
    }
    let source = Builder::new().schema_dir(&dir).render().unwrap().source;
    assert!(source.contains("pub enum AvailabilityError {"));
    assert!(!source.contains("MakeMeAvailableError"));
    for op in ["MakeMeAvailablePost", "MakeMeAvailable2Post"] {
        assert!(
            source.contains(&format!("pub type {op}Error = AvailabilityError;")),
            "{op}"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_shared_table_without_a_name_is_named_by_its_rows() {
    let dir = copy_schema("unnamed-table");
    for resource in ["makeMeAvailable", "makeMeAvailable2"] {
        edit_operations(&dir, resource, |op| {
            op.as_object_mut().unwrap().remove("errorTable");
        });
    }
    let source = Builder::new().schema_dir(&dir).render().unwrap().source;
    assert!(!source.contains("MakeMeAvailableError"));
    // The hash of the rows: the name the table had before the schema named it.
    assert!(source.contains("pub enum ErrorTable97862002 {"));
    assert!(source.contains("pub type MakeMeAvailable2PostError = ErrorTable97862002;"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_operation_naming_a_shared_table_otherwise_is_reported_with_both_places() {
    let dir = copy_schema("mismatched-table");
    edit_operations(&dir, "makeMeAvailable2", |op| {
        op["errors"].as_array_mut().unwrap().pop();
    });
    let error = Builder::new()
        .schema_dir(&dir)
        .check()
        .unwrap_err()
        .to_string();
    let file = |name: &str| {
        dir.join(format!("resources/{name}.json"))
            .display()
            .to_string()
    };
    assert_eq!(
        error.lines().next().unwrap(),
        format!(
            "error: {}: at $.operations[0].errors: the operations naming the error table `MakeMeAvailableError` must list the same errors: it lists 6 errors where the rows in {} at $.operations[0].errors list 7; give them the same rows, or this one another table name",
            file("makeMeAvailable2"),
            file("makeMeAvailable"),
        )
    );
    fs::remove_dir_all(&dir).unwrap();
}
