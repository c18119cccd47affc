//! How the generated types treat what the samples do not show: unknown members and values,
//! absent properties, links in the other shape, wrong input.

use serde_json::json;
use ucwa::enumerations::{InvitationState, Role};
use ucwa::resources::{AudioVideoInvitation, Participant};
use ucwa::{DataUri, Format, Position};

fn decode<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, ucwa::DecodeError> {
    ucwa::json::from_slice(value.to_string().as_bytes())
}

fn encode<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::from_slice(&ucwa::json::to_vec(value)).unwrap()
}

#[test]
fn absent_properties_are_none_and_are_not_written() {
    let p: Participant = decode(json!({"rel": "participant"})).unwrap();
    assert_eq!(p, Participant::default());
    assert_eq!(encode(&p), json!({"rel": "participant"}));
    // A payload without `rel` is accepted too (UCWA always sends it; hand-made input may not).
    let p: Participant = decode(json!({"name": "Ann"})).unwrap();
    assert_eq!(p.name.as_deref(), Some("Ann"));
}

#[test]
fn unknown_enumeration_values_are_kept_and_written_back() {
    let p: Participant = decode(json!({"rel": "participant", "role": "Presenter"})).unwrap();
    assert_eq!(p.role, Some(Role::Other("Presenter".to_owned())));
    assert_eq!(
        p.role.as_ref().map(ToString::to_string).as_deref(),
        Some("Presenter")
    );
    assert_eq!(encode(&p)["role"], "Presenter");
    assert_eq!(
        <Role as ucwa::Enumeration>::MEMBERS,
        ["Attendee", "Leader", "Unknown"]
    );
    // A known member named "Unknown" is a member, not the catch-all.
    let p: Participant = decode(json!({"role": "Unknown"})).unwrap();
    assert_eq!(p.role, Some(Role::Unknown));
}

#[test]
fn unknown_properties_links_and_embedded_resources_are_kept_for_a_put() {
    let input = json!({
        "rel": "participant",
        "name": "Joe",
        "x1f3a": "please pass me in a PUT request",
        "futureNumber": 42,
        "futureList": ["a", "b"],
        "_links": {
            "self": {"href": "/p/1", "title": "Joe"},
            "futureLink": {"href": "/p/1/future"},
            "admit": {"href": "/p/1/admit", "futureAttribute": true}
        },
        "_embedded": {"futureThing": {"rel": "futureThing", "value": 1}}
    });
    let p: Participant = decode(input.clone()).unwrap();
    assert_eq!(p.unknown["x1f3a"], "please pass me in a PUT request");
    assert_eq!(p.unknown["futureNumber"], 42);
    assert_eq!(
        p.links.self_.as_ref().unwrap().title.as_deref(),
        Some("Joe")
    );
    assert_eq!(p.links.unknown["futureLink"]["href"], "/p/1/future");
    assert_eq!(
        p.links.admit.as_ref().unwrap().unknown["futureAttribute"],
        true
    );
    assert_eq!(p.embedded.unknown["futureThing"]["value"], 1);
    assert_eq!(encode(&p), input);
}

#[test]
fn links_accept_the_other_shape() {
    // A single link sent as a one-element array, or an empty array.
    let p: Participant =
        decode(json!({"_links": {"admit": [{"href": "/a"}], "eject": []}})).unwrap();
    assert_eq!(p.links.admit.as_ref().unwrap().href.as_str(), "/a");
    assert_eq!(p.links.eject, None);
    // Written back in the declared shape.
    assert_eq!(encode(&p)["_links"], json!({"admit": {"href": "/a"}}));

    // A "many" embedded rel sent as a single object.
    let participant = json!({"rel": "participant", "name": "Ann"});
    let inv: AudioVideoInvitation =
        decode(json!({"_embedded": {"acceptedByParticipant": participant}})).unwrap();
    assert_eq!(inv.embedded.accepted_by_participant.len(), 1);
    assert_eq!(
        inv.embedded.accepted_by_participant[0].name.as_deref(),
        Some("Ann")
    );
    assert_eq!(
        encode(&inv)["_embedded"]["acceptedByParticipant"],
        json!([{"rel": "participant", "name": "Ann"}])
    );
}

#[test]
fn a_single_rel_with_several_items_is_an_error_not_a_silent_pick() {
    let err = decode::<Participant>(json!({"_links": {"admit": [{"href": "/a"}, {"href": "/b"}]}}))
        .unwrap_err();
    assert!(err.message().contains("`admit`"), "{err}");
    assert!(err.message().contains("found an array of 2"), "{err}");
}

#[test]
fn data_links_carry_sdp() {
    let sdp = b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 6020 RTP/AVP 0\r\n";
    let offer = DataUri::from_bytes("application/sdp", sdp).unwrap();
    assert!(offer.as_str().starts_with("data:application/sdp;base64,"));
    let mut inv = AudioVideoInvitation::default();
    inv.links.media_offer = Some(offer);
    inv.state = Some(InvitationState::Connecting);
    let json = encode(&inv);
    assert_eq!(
        json["_links"]["mediaOffer"]["href"],
        inv.links.media_offer.as_ref().unwrap().as_str()
    );
    let back: AudioVideoInvitation = decode(json).unwrap();
    assert_eq!(back.links.media_offer.unwrap().decode().unwrap(), sdp);

    // URL-encoded (not base64) data, as UCWA sends text.
    let text = DataUri::parse("data:text/plain;charset=utf-8,Hello+World%21").unwrap();
    assert_eq!(text.media_type(), "text/plain");
    assert_eq!(text.decode().unwrap(), b"Hello World!");

    // A data link that is not a data: URI is refused with the reason.
    let err =
        decode::<AudioVideoInvitation>(json!({"_links": {"mediaOffer": {"href": "/not/data"}}}))
            .unwrap_err();
    assert!(err.message().contains("expected a `data:` URI"), "{err}");
}

#[test]
fn errors_name_the_position_and_the_problem() {
    let err = ucwa::json::from_str::<Participant>(
        "{\n  \"rel\": \"participant\",\n  \"inLobby\": \"yes\"\n}",
    )
    .unwrap_err();
    assert_eq!(err.format(), Some(Format::Json));
    assert_eq!(
        err.position(),
        Some(Position::LineColumn {
            line: 3,
            column: 18
        })
    );
    assert!(err.message().contains("expected a boolean"), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "invalid UCWA JSON payload at line 3, column 18: {}",
            err.message()
        )
    );

    let err =
        ucwa::json::from_str::<Participant>(r#"{"rel": "audioVideoInvitation"}"#).unwrap_err();
    assert_eq!(
        err.message(),
        "expected a `participant` resource (or `acceptedByParticipant`, `from`, `localParticipant`, which share its type), found rel `audioVideoInvitation`"
    );

    let err =
        ucwa::json::from_str::<Participant>(r#"{"rel": "participant", "name": "x""#).unwrap_err();
    assert!(
        matches!(err.position(), Some(Position::LineColumn { line: 1, .. })),
        "{err}"
    );

    let err = ucwa::json::from_str::<Participant>(r#"{"name": "a", "name": "b"}"#).unwrap_err();
    assert!(err.message().contains("duplicate field `name`"), "{err}");

    let err = ucwa::json::from_str::<Participant>("[1, 2]").unwrap_err();
    assert!(err.message().contains("a `participant` resource"), "{err}");
}

#[test]
fn error_bodies_decode() {
    let body: ucwa::ErrorBody = ucwa::json::from_str(
        r#"{"code": "Conflict", "subcode": "AlreadyExists", "message": "The requested resource already exists.", "debugInfo": {"diagnostics": "1"}, "newField": 1}"#,
    )
    .unwrap();
    assert_eq!(body.code, "Conflict");
    assert_eq!(body.subcode.as_deref(), Some("AlreadyExists"));
    assert_eq!(
        body.message.as_deref(),
        Some("The requested resource already exists.")
    );
    assert_eq!(body.debug_info, Some(json!({"diagnostics": "1"})));
    assert_eq!(body.unknown["newField"], 1);
    assert_eq!(encode(&body)["debugInfo"], json!({"diagnostics": "1"}));
}
