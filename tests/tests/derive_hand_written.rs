//! The derives on hand-written types: a resource the schema does not have yet, written by a
//! user, with a date, an array, links that are many, an embedded resource and a strict
//! (no `unknown` field) links struct.

use serde_json::json;
use ucwa_runtime::{Embedded, Enumeration, Link, Links, Resource, Timestamp, Unknown};

/// The presence of a contact.
#[derive(Debug, Default, PartialEq, Resource)]
#[ucwa(rel = "contactPresence")]
struct ContactPresence {
    availability: Option<Availability>,
    #[ucwa(name = "lastActive")]
    last_active: Option<Timestamp>,
    #[ucwa(name = "deviceTypes")]
    devices: Option<Vec<String>>,
    idle_minutes: Option<i64>,
    #[ucwa(links)]
    links: PresenceLinks,
    #[ucwa(embedded)]
    embedded: PresenceEmbedded,
    #[ucwa(unknown)]
    unknown: Unknown,
}

/// No `unknown` field: anything else is an error.
#[derive(Debug, Default, PartialEq, Links)]
struct PresenceLinks {
    #[ucwa(rel = "self")]
    self_: Option<Link>,
    /// The field name gives the rel: `relatedNotes`.
    related_notes: Vec<Link>,
}

#[derive(Debug, Default, PartialEq, Embedded)]
struct PresenceEmbedded {
    note: Option<Box<Note>>,
}

#[derive(Debug, Default, PartialEq, Resource)]
#[ucwa(rel = "note")]
struct Note {
    message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Enumeration)]
enum Availability {
    Online,
    #[ucwa(name = "DoNotDisturb")]
    Dnd,
    #[ucwa(other)]
    Other(String),
}

/// Without an `other` variant, unknown values are an error.
#[derive(Debug, Clone, Copy, PartialEq, Enumeration)]
enum Strict {
    Yes,
    No,
}

#[test]
fn a_hand_written_resource_decodes_and_encodes() {
    let input = json!({
        "rel": "contactPresence",
        "availability": "DoNotDisturb",
        "lastActive": "/Date(1364856373000+0100)/",
        "deviceTypes": ["Mobile", "Desktop"],
        "idleMinutes": 7,
        "activity": "InAMeeting",
        "_links": {
            "self": {"href": "/people/1/presence"},
            "relatedNotes": {"href": "/people/1/note"}
        },
        "_embedded": {"note": {"rel": "note", "message": "Out until 3"}}
    });
    let presence: ContactPresence = ucwa_runtime::json::from_str(&input.to_string()).unwrap();
    assert_eq!(presence.availability, Some(Availability::Dnd));
    let last_active = presence.last_active.unwrap();
    assert_eq!(last_active.unix_millis(), 1_364_856_373_000);
    assert_eq!(last_active.offset_minutes(), Some(60));
    assert_eq!(
        presence.devices.as_deref(),
        Some(&["Mobile".to_owned(), "Desktop".to_owned()][..])
    );
    assert_eq!(presence.idle_minutes, Some(7));
    assert_eq!(presence.unknown["activity"], "InAMeeting");
    assert_eq!(
        presence.self_link().unwrap().href.as_str(),
        "/people/1/presence"
    );
    assert_eq!(presence.links.related_notes.len(), 1);
    assert_eq!(
        presence.embedded.note.as_ref().unwrap().message.as_deref(),
        Some("Out until 3")
    );
    assert_eq!(ContactPresence::REL, "contactPresence");

    let mut expected = input.clone();
    // A many rel is written as an array, whatever shape it arrived in.
    expected["_links"]["relatedNotes"] = json!([{"href": "/people/1/note"}]);
    let encoded: serde_json::Value =
        serde_json::from_slice(&ucwa_runtime::json::to_vec(&presence)).unwrap();
    assert_eq!(encoded, expected);
}

#[test]
fn strict_types_refuse_what_they_do_not_know() {
    let err = ucwa_runtime::json::from_str::<ContactPresence>(
        r#"{"_links": {"self": {"href": "/p"}, "photo": {"href": "/p/photo"}}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "unknown member `photo` in `the `_links` of `PresenceLinks`` (add an `#[ucwa(unknown)]` field to keep it)"
    );

    let err = ucwa_runtime::json::from_str::<Strict>(r#""Maybe""#).unwrap_err();
    assert_eq!(
        err.message(),
        "invalid value: string \"Maybe\", expected a `Strict` value (a string)"
    );
    assert_eq!(Strict::from_wire("Yes"), Some(Strict::Yes));
    assert_eq!(Strict::from_wire("Maybe"), None);
    assert_eq!(Strict::MEMBERS, ["Yes", "No"]);
    assert_eq!(
        Availability::from_wire("Away"),
        Some(Availability::Other("Away".into()))
    );
    assert_eq!(Availability::Dnd.to_string(), "DoNotDisturb");
}

#[test]
fn dates_are_checked() {
    let err = ucwa_runtime::json::from_str::<ContactPresence>(
        r#"{"lastActive": "2013-04-01T12:00:00Z"}"#,
    )
    .unwrap_err();
    assert!(
        err.message().starts_with(
            "expected a date such as `/Date(1364856373000)/`, found `2013-04-01T12:00:00Z`"
        ),
        "{err}"
    );
    let negative = Timestamp::parse_json("/Date(-1000-0030)/").unwrap();
    assert_eq!(negative.unix_millis(), -1000);
    assert_eq!(negative.offset_minutes(), Some(-30));
    assert_eq!(negative.to_string(), "/Date(-1000-0030)/");
}
