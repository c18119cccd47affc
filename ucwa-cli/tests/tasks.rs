//! Each task command against the embedded emulator (`--emulator`), in human and `--json`
//! output, over JSON and XML on the wire.

mod common;

use common::{embedded, json, ok, stderr, stdout};

#[test]
fn presence_show_set_and_reset() {
    assert_eq!(stdout(&ok(embedded(&["presence", "show"]))), "Online\n");
    assert_eq!(
        stdout(&ok(embedded(&["presence", "set", "do-not-disturb"]))),
        "DoNotDisturb\n"
    );
    for format in ["json", "xml"] {
        let set = json(&ok(embedded(&[
            "--json", "--format", format, "presence", "set", "busy",
        ])));
        assert_eq!(set["availability"], "Busy", "{format}");
        let reset = json(&ok(embedded(&[
            "--json", "--format", format, "presence", "reset",
        ])));
        assert_eq!(reset["availability"], "Online", "{format}");
    }
}

#[test]
fn note_and_location() {
    assert_eq!(
        stdout(&ok(embedded(&["note", "set", "Out for lunch"]))),
        "Out for lunch\n"
    );
    assert_eq!(stdout(&ok(embedded(&["note", "clear"]))), "(no note)\n");
    for format in ["json", "xml"] {
        let note = json(&ok(embedded(&[
            "--json",
            "--format",
            format,
            "note",
            "set",
            "Back at 2",
        ])));
        assert_eq!(note["message"], "Back at 2", "{format}");
        let location = json(&ok(embedded(&[
            "--json",
            "--format",
            format,
            "location",
            "set",
            "Building 7",
        ])));
        assert_eq!(
            location,
            serde_json::json!({"location": "Building 7"}),
            "{format}"
        );
    }
    assert_eq!(
        stdout(&ok(embedded(&["location", "set", "Room 1201"]))),
        "Room 1201\n"
    );
}

#[test]
fn contacts_list_search_and_groups() {
    let listed = stdout(&ok(embedded(&["contacts", "list"])));
    assert_eq!(
        listed,
        "NAME        URI                   TITLE  DEPARTMENT\n\
         Ann Remote  sip:ann@contoso.com   -      -\n\
         John Doe    sip:john@contoso.com  -      -\n"
    );
    for format in ["json", "xml"] {
        let found = json(&ok(embedded(&[
            "--json", "--format", format, "contacts", "search", "ann",
        ])));
        assert_eq!(found.as_array().unwrap().len(), 1, "{format}: {found}");
        assert_eq!(found[0]["uri"], "sip:ann@contoso.com");
        assert_eq!(found[0]["name"], "Ann Remote");
        let groups = json(&ok(embedded(&["--json", "--format", format, "groups"])));
        assert_eq!(
            groups[0],
            serde_json::json!({
                "name": "Other Contacts",
                "kind": "defaultGroup",
                "id": "default_group_id",
                "contacts": 2,
            }),
            "{format}"
        );
        assert_eq!(groups.as_array().unwrap().len(), 5, "{format}: {groups}");
    }
    assert_eq!(
        stdout(&ok(embedded(&[
            "contacts",
            "search",
            "nobody-by-this-name"
        ]))),
        "No one.\n"
    );
    assert_eq!(
        stdout(&ok(embedded(&["groups"]))),
        "NAME             KIND                 CONTACTS  ID\n\
         Other Contacts   defaultGroup         2         default_group_id\n\
         Favorites        pinnedGroup          0         pinned_group_id\n\
         Delegates        delegatesGroup       0         delegates_group_id\n\
         Delegators       delegatorsGroup      0         delegators_group_id\n\
         My Organization  myOrganizationGroup  2         my_organization_group_id\n"
    );
}

#[test]
fn meetings_create_and_show() {
    let made = stdout(&ok(embedded(&[
        "meetings",
        "create",
        "--subject",
        "Review",
        "--attendee",
        "ann@contoso.com",
    ])));
    assert!(made.contains("subject:   Review\n"), "{made}");
    assert!(made.contains("attendees: sip:ann@contoso.com"), "{made}");
    for format in ["json", "xml"] {
        let made = json(&ok(embedded(&[
            "--json",
            "--format",
            format,
            "meetings",
            "create",
            "--subject",
            "Numbers",
            "--description",
            "Q3",
        ])));
        assert_eq!(made["subject"], "Numbers");
        assert_eq!(made["description"], "Q3");
        assert!(
            made["join_url"].as_str().unwrap().starts_with("https://"),
            "{made}"
        );
        assert!(
            made["id"].as_str().is_some_and(|id| !id.is_empty()),
            "{made}"
        );
    }
    // Each `--emulator` run has a new emulator: nothing listed, and an unknown id is not found.
    assert_eq!(
        stdout(&ok(embedded(&["meetings", "list"]))),
        "No meetings.\n"
    );
    assert_eq!(
        json(&ok(embedded(&["--json", "meetings", "list"]))),
        serde_json::json!([])
    );
    let missing = embedded(&["meetings", "delete", "NOSUCHID"]);
    assert_eq!(missing.status.code(), Some(4));
    assert_eq!(
        stderr(&missing),
        "error: No meeting has the id NOSUCHID: `ucwa meetings list` shows them.\n"
    );
}

#[test]
fn a_message_to_someone_not_signed_in_is_not_delivered() {
    let out = embedded(&[
        "im",
        "send",
        "--to",
        "john@contoso.com",
        "--timeout",
        "5",
        "Hello?",
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "not delivered to john@contoso.com: RemoteFailure / TemporarilyUnavailable\n"
    );
    assert_eq!(
        stderr(&out),
        "error: Not delivered to john@contoso.com: check the address and that they are signed in.\n"
    );
    let out = embedded(&[
        "--json",
        "im",
        "send",
        "--to",
        "john@contoso.com",
        "--to",
        "ann@contoso.com",
        "--timeout",
        "5",
        "Hi",
    ]);
    assert_eq!(out.status.code(), Some(6));
    let deliveries = json(&out);
    assert_eq!(deliveries[0]["to"], "john@contoso.com");
    assert_eq!(deliveries[0]["delivered"], false);
    assert_eq!(deliveries[1]["to"], "ann@contoso.com");
    assert_eq!(deliveries[1]["delivered"], false);
}

#[test]
fn whoami_with_another_embedded_user() {
    let me = json(&ok(embedded(&[
        "--json",
        "--address",
        "ann@contoso.com",
        "whoami",
    ])));
    assert_eq!(me["uri"], "sip:ann@contoso.com");
    assert_eq!(me["name"], "Ann Remote");
}

#[test]
fn get_prints_any_resource_typed() {
    let presence = stdout(&ok(embedded(&["get", "me/presence"])));
    assert!(
        presence.contains("\"availability\": \"Online\""),
        "{presence}"
    );
    assert!(presence.contains("\"rel\": \"presence\""), "{presence}");
    for format in ["json", "xml"] {
        let me = json(&ok(embedded(&["--json", "--format", format, "get", "me"])));
        assert_eq!(me["uri"], "sip:lene@contoso.com", "{format}");
        assert!(
            me["_links"]["presence"]["href"]
                .as_str()
                .unwrap()
                .ends_with("/me/presence"),
            "{me}"
        );
    }
    let unknown = embedded(&["get", "nosuch"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).starts_with(
        "error: `nosuch` is not a rel `ucwa get` decodes: give --as one of application, me,"
    ));
    let missing = embedded(&["get", "me/nosuch", "--as", "presence"]);
    assert_eq!(missing.status.code(), Some(4), "{}", stderr(&missing));
}
