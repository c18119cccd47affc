//! Bare resources: the hundred operation resources with nothing of their own (`accept`,
//! `addAudio`, …) are the runtime's generic `Bare` under a marker of their rel. Each is still a
//! type of its own with its rel, and keeps whatever a payload carries beyond its self link.

use ucwa::events::ResourceSet;
use ucwa::resources::{Accept, AcceptRel, AddAudio, AnyResource};
use ucwa::{Format, Resource};

const JSON: &[u8] = br#"{"rel":"accept","_links":{"self":{"href":"/c/1/accept"},"extra":{"href":"/x"}},"_embedded":{"note":{"rel":"note","message":"hi"}},"newProperty":7}"#;

#[test]
fn a_bare_resource_is_a_type_of_its_own() {
    assert_eq!(Accept::REL, "accept");
    assert_eq!(AddAudio::REL, "addAudio");
    assert_eq!(Accept::default().rel(), "accept");
    assert!(!Accept::accepts_rel("addAudio"));
    assert_eq!(Accept::default().rel, AcceptRel);
}

#[test]
fn json_keeps_what_it_does_not_know_and_writes_it_back() {
    let accept: Accept = ucwa::json::from_slice(JSON).unwrap();
    assert_eq!(
        accept.self_link().map(|l| l.href.as_str()),
        Some("/c/1/accept")
    );
    assert!(accept.links.unknown.contains_key("extra"));
    assert!(accept.embedded.unknown.contains_key("note"));
    assert_eq!(accept.unknown.get("newProperty"), Some(&7.into()));
    let back: serde_json::Value = serde_json::from_slice(&ucwa::json::to_vec(&accept)).unwrap();
    let sent: serde_json::Value = serde_json::from_slice(JSON).unwrap();
    assert_eq!(back, sent);

    let err = ucwa::json::from_slice::<Accept>(br#"{"rel":"addAudio"}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a `accept` resource, found rel `addAudio`"),
        "{err}"
    );
    let err = ucwa::json::from_slice::<Accept>(br#"{"_links":{},"_links":{}}"#).unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `_links`"),
        "{err}"
    );
}

#[test]
fn xml_round_trips_and_refuses_another_rel() {
    let accept: Accept = ucwa::json::from_slice(JSON).unwrap();
    let xml = ucwa::xml::to_vec(&accept).unwrap();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(
        text.contains(r#"<resource rel="accept" href="/c/1/accept""#),
        "{text}"
    );
    assert!(text.contains(r#"<link rel="extra" href="/x" />"#), "{text}");
    let again: Accept = ucwa::xml::from_slice(&xml).unwrap();
    assert_eq!(again.links.self_, accept.links.self_);
    // XML cannot tell one link the schema does not know from a list of one: kept as one.
    assert_eq!(again.links, accept.links);
    assert_eq!(
        again.unknown.get("newProperty"),
        Some(&serde_json::Value::String("7".into()))
    );
    assert!(again.embedded.unknown.contains_key("note"));

    let err = ucwa::xml::from_slice::<Accept>(
        br#"<resource rel="accept" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="rel">cancel</property></resource>"#,
    )
    .unwrap_err();
    assert!(
        err.message().contains("expected a `accept` resource"),
        "{err}"
    );
}

#[test]
fn any_resource_and_codec_see_each_bare_rel() {
    let value: serde_json::Value = serde_json::from_slice(JSON).unwrap();
    let any = AnyResource::from_json("accept", JSON).unwrap();
    assert!(matches!(any, AnyResource::Accept(_)));
    assert_eq!(any.to_json(), value);
    let payload = ucwa::codec::encode(Format::Xml, &Accept::default()).unwrap();
    assert!(
        String::from_utf8(payload)
            .unwrap()
            .contains(r#"rel="accept""#)
    );
}
