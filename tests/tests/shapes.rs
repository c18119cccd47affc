//! Shared shapes: `from`, `localParticipant` and `acceptedByParticipant` are participants, one
//! type (`Participant`) that keeps the rel a value came with and writes it back, in both
//! representations and through `AnyResource`.

use ucwa::events::ResourceSet;
use ucwa::resources::{AnyResource, From, Participant, ParticipantRel};
use ucwa::{Format, Resource};

#[test]
fn a_shared_type_keeps_the_rel_it_came_with() {
    let json = br#"{"rel": "from", "name": "Ann", "_links": {"self": {"href": "/p/1"}}}"#;
    let from: From = ucwa::json::from_slice(json).unwrap();
    assert_eq!(from.rel, ParticipantRel::From);
    assert_eq!(from.rel(), "from");
    assert_eq!(from.name.as_deref(), Some("Ann"));
    let back: serde_json::Value = serde_json::from_slice(&ucwa::json::to_vec(&from)).unwrap();
    assert_eq!(back["rel"], "from");

    let xml = ucwa::xml::to_vec(&from).unwrap();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(
        text.contains(r#"<resource rel="from" href="/p/1""#),
        "{text}"
    );
    assert!(
        text.contains(r#"<property name="rel">from</property>"#),
        "{text}"
    );
    let again: Participant = ucwa::xml::from_slice(&xml).unwrap();
    assert_eq!(again, from);

    // Without a `rel`, or as itself: the shape's own.
    let plain: Participant = ucwa::json::from_slice(br#"{"name": "Bo"}"#).unwrap();
    assert_eq!(plain.rel, ParticipantRel::Participant);
    assert_eq!(Participant::default().rel(), "participant");
    assert!(Participant::accepts_rel("localParticipant"));
    assert!(!Participant::accepts_rel("contact"));
    let err = ucwa::xml::from_slice::<Participant>(br#"<resource rel="contact"/>"#).unwrap_err();
    assert!(err.message().contains("which share its type"), "{err}");
}

#[test]
fn any_resource_decodes_each_rel_of_a_shape() {
    for rel in [
        "from",
        "localParticipant",
        "acceptedByParticipant",
        "participant",
    ] {
        let value = serde_json::json!({"rel": rel, "name": "Cy"});
        let resource = AnyResource::from_json(rel, value.to_string().as_bytes()).unwrap();
        assert_eq!(resource.rel(), rel);
        assert_eq!(resource.to_json(), value, "{rel}");
        let payload = ucwa::codec::encode(
            Format::Json,
            &ucwa::json::from_slice::<Participant>(value.to_string().as_bytes()).unwrap(),
        )
        .unwrap();
        assert!(String::from_utf8(payload).unwrap().contains(rel));
    }
}
