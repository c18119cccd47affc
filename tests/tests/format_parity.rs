//! JSON and XML accept the same things, by one rule (documented on `ucwa::codec`): a
//! byte-order mark, a missing `rel` where the type is known, `null` as a member left out.

use ucwa::resources::{AnyResource, EventBatch, Participant};

const NS: &str = r#"xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa""#;

fn json(payload: &[u8]) -> Result<Participant, ucwa::DecodeError> {
    ucwa::json::from_slice(payload)
}

fn xml(payload: &str) -> Result<Participant, ucwa::DecodeError> {
    ucwa::xml::from_slice(payload.as_bytes())
}

fn named(name: &str) -> Participant {
    Participant {
        name: Some(name.into()),
        ..Participant::default()
    }
}

#[test]
fn a_byte_order_mark_is_skipped_in_both() {
    let from_json = json(b"\xEF\xBB\xBF{\"rel\": \"participant\", \"name\": \"A\"}").unwrap();
    let from_xml = xml(&format!(
        "\u{feff}<resource rel=\"participant\" {NS}><property name=\"name\">A</property></resource>"
    ))
    .unwrap();
    assert_eq!(from_json, named("A"));
    assert_eq!(from_xml, from_json);
    let batch =
        EventBatch::from_json(b"\xEF\xBB\xBF{\"_links\": {\"next\": {\"href\": \"/e?ack=2\"}}}")
            .unwrap();
    assert_eq!(batch.next.unwrap().href.as_str(), "/e?ack=2");
}

#[test]
fn a_missing_rel_is_the_types_own_where_the_type_is_known() {
    assert_eq!(json(br#"{"name": "A"}"#).unwrap(), named("A"));
    let from_xml = xml(&format!(
        r#"<resource {NS}><property name="name">A</property></resource>"#
    ))
    .unwrap();
    assert_eq!(from_xml, named("A"));
    // Where the rel chooses the type, it is required.
    let nested = format!(r#"<resource rel="participant" {NS}><resource href="/x"/></resource>"#);
    let error = xml(&nested).unwrap_err();
    assert_eq!(
        error.message(),
        "a <resource> element needs a `rel` attribute"
    );
    // And a rel that is not the type's is refused in both.
    assert!(json(br#"{"rel": "contact"}"#).is_err());
    assert!(xml(&format!(r#"<resource rel="contact" {NS}/>"#)).is_err());
}

#[test]
fn null_is_a_member_left_out() {
    for payload in [
        &br#"{"rel": "participant", "name": null}"#[..],
        br#"{"rel": null}"#,
        br#"{"rel": "participant", "_links": null}"#,
        br#"{"rel": "participant", "_embedded": null}"#,
    ] {
        let decoded = json(payload).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            decoded,
            Participant::default(),
            "{}",
            String::from_utf8_lossy(payload)
        );
    }
    // The same through the generic entry point, for a resource with nothing of its own.
    use ucwa::events::ResourceSet;
    let any = AnyResource::from_json("accept", br#"{"rel": null, "_links": null}"#).unwrap();
    assert_eq!(any.rel(), "accept");
}

#[test]
fn a_member_twice_is_refused_in_both() {
    assert!(json(br#"{"name": "A", "name": "B"}"#).is_err());
    let twice = format!(
        r#"<resource rel="participant" {NS}><property name="name">A</property><property name="name">B</property></resource>"#
    );
    assert!(
        xml(&twice)
            .unwrap_err()
            .message()
            .contains("duplicate property `name`")
    );
}
