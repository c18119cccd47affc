//! `ucwa contacts` and `ucwa groups` changing the contact list on one server across runs, in
//! human and `--json` output over JSON and XML: groups created, renamed and deleted; contacts
//! added, copied, moved and removed; each refusal (a name in use, someone already there, a
//! group the server keeps, one group too many, something not there) in one sentence with its
//! exit code; distribution groups expanded, bounded by `--max`.

mod common;

use common::{Cache, Server, embedded, json, ok, stderr, stdout};
use serde_json::json;
use ucwa_emulator::{Config, Limits};

/// Asserts that `output` failed with `code`, printing nothing on stdout and `message` on
/// stderr.
fn refused(output: std::process::Output, code: i32, message: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), format!("error: {message}\n"));
}

/// The groups `groups --json` lists, as (name, kind, contacts).
fn groups(listed: &serde_json::Value) -> Vec<(String, String, u64)> {
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_owned(),
                g["kind"].as_str().unwrap().to_owned(),
                g["contacts"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(name: &str, kind: &str, contacts: u64) -> (String, String, u64) {
    (name.to_owned(), kind.to_owned(), contacts)
}

#[test]
fn groups_and_contacts_changed_across_runs_in_both_formats() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let run = |args: &[&str]| cache.ucwa().args(args).output().unwrap();

    // Groups made, in human output and in JSON over XML.
    let made = stdout(&ok(run(&["groups", "create", "Team"])));
    assert!(made.starts_with("Created group Team (id "), "{made}");
    let friends = json(&ok(run(&[
        "--json", "--format", "xml", "groups", "create", "Friends",
    ])));
    assert_eq!(friends["name"], "Friends");
    assert!(friends["id"].as_str().is_some_and(|id| !id.is_empty()));
    // A name in use (without case) is refused, in both formats, with exit code 1.
    for format in ["json", "xml"] {
        refused(
            run(&["--json", "--format", format, "groups", "create", "team"]),
            1,
            "Creating group team failed: a group named team exists already: choose another name.",
        );
    }

    // Contacts added, copied and moved.
    assert_eq!(
        stdout(&ok(run(&[
            "contacts",
            "add",
            "ann@contoso.com",
            "--group",
            "team"
        ]))),
        "Added sip:ann@contoso.com to Team.\n"
    );
    refused(
        run(&[
            "--format",
            "xml",
            "contacts",
            "add",
            "sip:ann@contoso.com",
            "--group",
            "Team",
        ]),
        1,
        "Adding sip:ann@contoso.com failed: sip:ann@contoso.com is in Team already.",
    );
    assert_eq!(
        json(&ok(run(&[
            "--json",
            "contacts",
            "copy",
            "john@contoso.com",
            "--to",
            "Team"
        ]))),
        json!({"action": "copied", "contact": "sip:john@contoso.com", "to": "Team"})
    );
    assert_eq!(
        json(&ok(run(&[
            "--json",
            "--format",
            "xml",
            "contacts",
            "move",
            "ann@contoso.com",
            "--from",
            "Team",
            "--to",
            "Friends",
        ]))),
        json!({
            "action": "moved",
            "contact": "sip:ann@contoso.com",
            "from": "Team",
            "to": "Friends",
        })
    );
    // Someone not in the group moved from: refused before anything changes.
    refused(
        run(&[
            "contacts",
            "move",
            "ann@contoso.com",
            "--from",
            "Favorites",
            "--to",
            "Team",
        ]),
        4,
        "sip:ann@contoso.com is not in Favorites: `ucwa contacts copy` adds them to another \
         group without taking them out of one.",
    );
    for format in ["json", "xml"] {
        let listed = json(&ok(run(&["--json", "--format", format, "groups", "list"])));
        assert_eq!(
            groups(&listed),
            [
                row("Friends", "group", 1),
                row("Team", "group", 1),
                row("Other Contacts", "defaultGroup", 2),
                row("Favorites", "pinnedGroup", 0),
                row("Delegates", "delegatesGroup", 0),
                row("Delegators", "delegatorsGroup", 0),
                row("My Organization", "myOrganizationGroup", 2),
            ],
            "{format}: {listed}"
        );
    }
    let table = stdout(&ok(run(&["groups"])));
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["NAME", "KIND", "CONTACTS", "ID"]
    );
    let first: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(&first[..3], ["Friends", "group", "1"], "{table}");

    // Renamed; a name in use refused.
    assert_eq!(
        stdout(&ok(run(&["groups", "rename", "Friends", "Pals"]))),
        "Renamed group Friends to Pals.\n"
    );
    refused(
        run(&["--format", "xml", "groups", "rename", "Pals", "TEAM"]),
        1,
        "Renaming group Pals failed: a group named TEAM exists already: choose another name.",
    );

    // Out of a group; not in it (any more) is not found, exit 4.
    assert_eq!(
        stdout(&ok(run(&[
            "contacts",
            "remove",
            "ann@contoso.com",
            "--group",
            "Pals"
        ]))),
        "Removed sip:ann@contoso.com from Pals.\n"
    );
    refused(
        run(&[
            "--json",
            "contacts",
            "remove",
            "ann@contoso.com",
            "--group",
            "Pals",
        ]),
        4,
        "Removing sip:ann@contoso.com failed: they are not in that group: `ucwa groups` and \
         `ucwa contacts list` show who is where.",
    );
    // Off the list: out of every group.
    assert_eq!(
        json(&ok(run(&[
            "--json",
            "--format",
            "xml",
            "contacts",
            "remove",
            "john@contoso.com"
        ]))),
        json!({"action": "removed", "contact": "sip:john@contoso.com"})
    );
    let left = json(&ok(run(&["--json", "contacts", "list"])));
    let uris: Vec<&str> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["sip:ann@contoso.com"]);

    // Deleted; then no group has that name. A group the server keeps cannot be deleted.
    assert_eq!(
        json(&ok(run(&["--json", "groups", "delete", "pals"])))["deleted"],
        "Pals"
    );
    refused(
        run(&["groups", "delete", "Pals"]),
        4,
        "No group is named Pals: `ucwa groups` lists them.",
    );
    refused(
        run(&["--format", "xml", "groups", "delete", "Other Contacts"]),
        1,
        "Deleting group Other Contacts failed: the server does not allow that change of this \
         group: only your own groups can be renamed or deleted, and only they, the default \
         group, Favorites and Delegates take contacts.",
    );
    // Someone the directory does not know: the server's reason, named.
    refused(
        run(&["contacts", "add", "nobody@contoso.com"]),
        1,
        "Adding sip:nobody@contoso.com failed: the server refused contactUri: \
         `sip:nobody@contoso.com` is nobody in the directory; check what was given.",
    );
}

#[test]
fn one_group_too_many_says_what_to_do() {
    let server = Server::with(Config {
        limits: Limits {
            max_groups_per_user: 1,
            ..Limits::default()
        },
        ..Config::default()
    });
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let run = |args: &[&str]| cache.ucwa().args(args).output().unwrap();
    ok(run(&["groups", "create", "Team"]));
    for format in ["json", "xml"] {
        refused(
            run(&["--json", "--format", format, "groups", "create", "More"]),
            1,
            "Creating group More failed: you have as many groups as the server allows: delete \
             one first (`ucwa groups delete NAME`).",
        );
    }
}

#[test]
fn a_contact_added_with_the_embedded_emulator() {
    // The contact's address is the command's, not the global `--address` of who signs in.
    assert_eq!(
        stdout(&ok(embedded(&[
            "contacts",
            "add",
            "ann@contoso.com",
            "--group",
            "favorites"
        ]))),
        "Added sip:ann@contoso.com to Favorites.\n"
    );
    assert_eq!(
        json(&ok(embedded(&[
            "--json",
            "--format",
            "xml",
            "contacts",
            "add",
            "ann@contoso.com",
            "--group",
            "Delegates",
        ]))),
        json!({"action": "added", "contact": "sip:ann@contoso.com", "to": "Delegates"})
    );
    // Everyone starts in the default group.
    refused(
        embedded(&["contacts", "add", "john@contoso.com"]),
        1,
        "Adding sip:john@contoso.com failed: sip:john@contoso.com is in the default group \
         already.",
    );
}

#[test]
fn distribution_groups_expanded_and_bounded() {
    let expanded = stdout(&ok(embedded(&["groups", "expand", "sales@contoso.com"])));
    assert_eq!(
        expanded,
        "NAME        ADDRESS               KIND\n\
         Ann Remote  sip:ann@contoso.com   person\n\
         John Doe    sip:john@contoso.com  person\n"
    );
    for format in ["json", "xml"] {
        let nested = json(&ok(embedded(&[
            "--json",
            "--format",
            format,
            "groups",
            "expand",
            "Contoso Everyone",
        ])));
        assert_eq!(nested["group"]["id"], "everyone@contoso.com", "{format}");
        assert_eq!(nested["contacts"][0]["uri"], "sip:lene@contoso.com");
        assert_eq!(nested["contacts"].as_array().unwrap().len(), 1);
        assert_eq!(
            nested["groups"],
            json!([{
                "id": "sales@contoso.com",
                "name": "Contoso Sales",
                "uri": "sip:sales@contoso.com",
            }]),
            "{format}"
        );
        assert_eq!(nested["truncated"], false);
        let bounded = json(&ok(embedded(&[
            "--json", "--format", format, "groups", "expand", "sales", "--max", "1",
        ])));
        assert_eq!(bounded["contacts"].as_array().unwrap().len(), 1, "{format}");
        assert_eq!(bounded["truncated"], true);
    }
    let bounded = stdout(&ok(embedded(&["groups", "expand", "sales", "--max", "1"])));
    assert!(
        bounded.ends_with("\nThe first 1 members only: raise --max to see the rest.\n"),
        "{bounded}"
    );
    refused(
        embedded(&["groups", "expand", "contoso"]),
        1,
        "contoso matches 2 distribution groups (Contoso Sales, Contoso Everyone): give one's \
         full name or mail address.",
    );
    refused(
        embedded(&["groups", "expand", "nosuchgroup"]),
        4,
        "No distribution group is named nosuchgroup: check the name or give its mail address.",
    );
    let usage = embedded(&["groups", "expand", "sales", "--max", "0"]);
    assert_eq!(usage.status.code(), Some(2));
}
