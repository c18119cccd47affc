//! The importer reads every page of the reference: the counts cross-check its reading against
//! those the reference's README gives (`../shared/ucwa-docs/README.md`), which a reading that
//! missed a page shape would not reach.

use ucwa_import::Counts;

#[test]
fn every_page_shape_is_read() {
    let Some(reference) = ucwa_import::reference_for_tests() else {
        return;
    };
    assert_eq!(
        reference.counts(),
        Counts {
            resources: 237,
            enumerations: 56,
            properties: 527,
            links: 573,
            operations: 262,
            event_sections: 125,
            event_rows: 167,
            json_responses: 151,
            // The README counts 153; the one left out here is batch's multipart answer, which
            // is not XML (it is listed as a sample that does not parse).
            xml_responses: 152,
            event_samples: 124,
        }
    );
    assert_eq!(reference.problems, [], "pages read with problems");
}

#[test]
fn the_core_pages_read_as_they_are_written() {
    let Some(reference) = ucwa_import::reference_for_tests() else {
        return;
    };
    let page = |name: &str| {
        reference
            .resources
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("no page {name}"))
    };
    let escalate = page("escalateAudioVideo");
    let post = &escalate.operations[0];
    assert_eq!(post.method, "POST");
    let query: Vec<_> = post
        .query
        .iter()
        .map(|q| (q.name.as_str(), q.required))
        .collect();
    assert_eq!(query, [("operationId", true), ("sessionContext", true)]);
    assert_eq!(post.errors.len(), 5);
    assert_eq!(
        post.errors[3].subcode, None,
        "`None` in the table is no subcode"
    );
    assert_eq!(
        post.json_request.as_ref().unwrap().header("Content-Type"),
        Some("application/sdp")
    );

    let participant = page("participant");
    assert_eq!(participant.properties.len(), 10);
    assert_eq!(participant.properties[6].name, "role");
    assert_eq!(participant.properties[6].refs, ["Role"]);
    let events: Vec<_> = participant
        .events
        .iter()
        .map(|e| (e.event_type.as_str(), e.sender.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("added", "conversation"),
            ("updated", "conversation"),
            ("deleted", "conversation")
        ]
    );
    assert_eq!(participant.event_samples.len(), 3);
    let role = reference
        .enumerations
        .iter()
        .find(|e| e.name == "Role")
        .unwrap();
    let members: Vec<_> = role.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(members, ["Attendee", "Leader", "Unknown"]);
}

/// `schema/` is exactly what the import of the pages with the overrides writes (what
/// `cargo run -p ucwa-import -- check` says, in the test command too).
#[test]
fn the_schema_is_the_import_of_the_reference() {
    let Some(reference) = ucwa_import::reference_for_tests() else {
        return;
    };
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let overrides = ucwa_import::overrides::load(&manifest.join("overrides.json")).unwrap();
    let imported = ucwa_import::schema::import(&reference, &overrides);
    assert_eq!(imported.errors, Vec::<String>::new());
    let diff = ucwa_import::files::diff(&manifest.join("../schema"), &imported.files).unwrap();
    assert!(
        diff.is_empty(),
        "schema/ differs from the import (run `cargo run -p ucwa-import -- import`): {diff:?}"
    );
    assert_eq!(
        imported
            .files
            .keys()
            .filter(|p| p.starts_with("resources/"))
            .count(),
        237
    );
}

/// Every error table the reference gives two or more operations has a name from the overrides
/// file, so that no shared enum is left with the generator's hash name; without one of those
/// entries, the import refuses to write, naming the operations whose table lost its name.
#[test]
fn every_shared_error_table_is_named() {
    let Some(reference) = ucwa_import::reference_for_tests() else {
        return;
    };
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let overrides = ucwa_import::overrides::load(&manifest.join("overrides.json")).unwrap();
    let imported = ucwa_import::schema::import(&reference, &overrides);
    assert_eq!(imported.errors, Vec::<String>::new());
    // Each name, with how many operations carry it.
    let mut names = std::collections::BTreeMap::<String, usize>::new();
    for (path, text) in &imported.files {
        let file: serde_json::Value = serde_json::from_str(text).unwrap();
        for op in file["operations"].as_array().into_iter().flatten() {
            if let Some(name) = op["errorTable"].as_str() {
                assert!(path.starts_with("resources/"));
                *names.entry(name.to_owned()).or_default() += 1;
            }
        }
    }
    assert_eq!(names.len(), 19, "{names:?}");
    assert_eq!(names["CommunicationActionError"], 64);
    assert_eq!(names["CommunicationReadError"], 73);
    assert!(names.values().all(|n| *n >= 2), "{names:?}");

    let without: Vec<_> = overrides
        .iter()
        .filter(|o| !matches!(&o.action, ucwa_import::overrides::Action::NameErrorTable(n) if n == "MakeMeAvailableError"))
        .cloned()
        .collect();
    assert_eq!(without.len(), overrides.len() - 1);
    let imported = ucwa_import::schema::import(&reference, &without);
    assert_eq!(
        imported.errors,
        [
            r#"2 operations share an error table with no name (makeMeAvailable POST, makeMeAvailable2 POST): add an entry naming it to the overrides file, {"errorTable": "…Error", "of": {"resource": "…", "operation": "…"}, "reason": "…"}"#
        ]
    );
}
