//! `ucwa meetings` on one server across runs: create, list, update, link, delete, by the id
//! `list` shows, over JSON and XML.

mod common;

use common::{Cache, Server, json, ok, stderr, stdout};

#[test]
fn a_meeting_created_listed_updated_linked_and_deleted() {
    let server = Server::start();
    let cache = Cache::new();
    ok(server.login(&cache, "lene@contoso.com"));
    let run = |args: &[&str]| cache.ucwa().args(args).output().unwrap();

    let made = json(&ok(run(&[
        "--json",
        "meetings",
        "create",
        "--subject",
        "Review",
        "--attendee",
        "ann@contoso.com",
    ])));
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(
        made["attendees"],
        serde_json::json!(["sip:ann@contoso.com"])
    );

    let listed = stdout(&ok(run(&["meetings", "list"])));
    let mut lines = listed.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["ID", "SUBJECT", "ATTENDEES", "JOIN", "URL"]
    );
    let row: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(&row[..3], [id.as_str(), "Review", "1"], "{listed}");
    let listed = json(&ok(run(&["--json", "--format", "xml", "meetings", "list"])));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());

    for (format, subject) in [("json", "Review (moved)"), ("xml", "Review (moved again)")] {
        let updated = json(&ok(run(&[
            "--json",
            "--format",
            format,
            "meetings",
            "update",
            &id,
            "--subject",
            subject,
        ])));
        assert_eq!(updated["subject"], subject, "{format}");
        assert_eq!(updated["id"], id.as_str());
    }

    let link = stdout(&ok(run(&["meetings", "link", &id])));
    assert_eq!(link.trim(), made["join_url"].as_str().unwrap());

    assert_eq!(
        stdout(&ok(run(&["meetings", "delete", &id]))),
        format!("Deleted meeting {id}.\n")
    );
    assert_eq!(stdout(&ok(run(&["meetings", "list"]))), "No meetings.\n");
    let again = run(&["--json", "meetings", "delete", &id]);
    assert_eq!(again.status.code(), Some(4), "{}", stderr(&again));
    assert!(stdout(&again).is_empty());
}
