//! The XML response samples of the three core pages decode; each equals the JSON sample of the
//! same page except where the samples themselves differ; XML → typed → XML → typed is lossless.

mod common;

use common::fixture;
use ucwa::enumerations::{InvitationState, Role, SourceNetwork};
use ucwa::resources::{AudioVideoInvitation, Participant};
use ucwa::{Format, Resource};

fn both<T: Resource>(page: &str) -> (T, T) {
    let json = ucwa::json::from_slice(&fixture(&format!("{page}.response.json")))
        .unwrap_or_else(|e| panic!("{page} JSON: {e}"));
    let xml = ucwa::xml::from_slice(&fixture(&format!("{page}.response.xml")))
        .unwrap_or_else(|e| panic!("{page} XML: {e}"));
    (json, xml)
}

#[test]
fn participant_json_and_xml_samples_are_equal() {
    let (json, xml) = both::<Participant>("participant");
    assert_eq!(xml.name.as_deref(), Some("Joe Smith"));
    assert_eq!(xml.in_lobby, Some(true));
    assert_eq!(xml.role, Some(Role::Attendee));
    assert_eq!(xml.source_network, Some(SourceNetwork::SameEnterprise));
    assert_eq!(
        xml.self_link().unwrap().href.as_str(),
        "/ucwa/v1/applications/192/communication/conversations/137/participants/196"
    );
    assert_eq!(json, xml);
}

#[test]
fn audio_video_invitation_json_and_xml_samples_are_equal() {
    let (json, xml) = both::<AudioVideoInvitation>("audioVideoInvitation");
    assert_eq!(xml.state, Some(InvitationState::Connecting));
    assert_eq!(
        xml.embedded.from.as_ref().unwrap().name.as_deref(),
        Some("Joe Smith")
    );
    assert_eq!(xml.embedded.accepted_by_participant.len(), 1);
    assert_eq!(
        xml.links.media_offer.as_ref().unwrap().decode().unwrap(),
        json.links.media_offer.as_ref().unwrap().decode().unwrap()
    );
    assert_eq!(json, xml);
}

#[test]
fn escalate_audio_video_samples_differ_only_in_state() {
    let (json, mut xml) = both::<AudioVideoInvitation>("escalateAudioVideo");
    // The page's own samples disagree: "Connecting" in JSON, "Connected" in XML.
    assert_eq!(json.state, Some(InvitationState::Connecting));
    assert_eq!(xml.state, Some(InvitationState::Connected));
    assert_ne!(json, xml);
    // Nothing else differs.
    xml.state = json.state.clone();
    assert_eq!(json, xml);
}

#[test]
fn xml_round_trips_are_lossless() {
    fn round_trip<T: Resource + PartialEq + std::fmt::Debug>(name: &str) {
        let first: T = ucwa::xml::from_slice(&fixture(name)).unwrap();
        let encoded = ucwa::xml::to_vec(&first).unwrap();
        let second: T = ucwa::xml::from_slice(&encoded)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", String::from_utf8_lossy(&encoded)));
        assert_eq!(first, second, "{name}");
        assert_eq!(
            ucwa::xml::to_vec(&second).unwrap(),
            encoded,
            "{name}: encoding is stable"
        );
        // And across formats: XML → typed → JSON → typed.
        let via_json: T = ucwa::json::from_slice(&ucwa::json::to_vec(&first)).unwrap();
        assert_eq!(first, via_json, "{name} via JSON");
    }
    round_trip::<Participant>("participant.response.xml");
    round_trip::<AudioVideoInvitation>("audioVideoInvitation.response.xml");
    round_trip::<AudioVideoInvitation>("escalateAudioVideo.response.xml");
}

#[test]
fn encoded_xml_is_what_the_server_writes() {
    // From the JSON sample to XML: byte for byte the server's XML sample.
    let participant: Participant =
        ucwa::json::from_slice(&fixture("participant.response.json")).unwrap();
    let xml = ucwa::xml::to_string(&participant).unwrap();
    assert_eq!(
        xml,
        String::from_utf8(fixture("participant.response.xml")).unwrap()
    );
}

#[test]
fn one_entry_point_picks_the_codec_from_the_content_type() {
    let json = fixture("participant.response.json");
    let xml = fixture("participant.response.xml");
    let expected: Participant = ucwa::json::from_slice(&json).unwrap();
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/Vnd.Microsoft.Com.Ucwa+Json",
    ] {
        let decoded: Participant = ucwa::codec::decode(content_type, &json).unwrap();
        assert_eq!(decoded, expected, "{content_type}");
    }
    for content_type in [
        "application/xml",
        "application/vnd.microsoft.com.ucwa+xml; charset=utf-8",
    ] {
        let decoded: Participant = ucwa::codec::decode(content_type, &xml).unwrap();
        assert_eq!(decoded, expected, "{content_type}");
    }
    let err = ucwa::codec::decode::<Participant>("text/html; charset=utf-8", b"<html></html>")
        .unwrap_err();
    assert_eq!(err.format(), None);
    assert!(
        err.to_string()
            .starts_with("not a UCWA payload: the Content-Type `text/html; charset=utf-8`"),
        "{err}"
    );
    assert_eq!(
        Format::from_content_type("application/xml"),
        Some(Format::Xml)
    );
    assert_eq!(Format::Xml.media_type(), "application/xml");
    for format in [Format::Json, Format::Xml] {
        let bytes = ucwa::codec::encode(format, &expected).unwrap();
        let back: Participant = ucwa::codec::decode(format.media_type(), &bytes).unwrap();
        assert_eq!(back, expected);
    }
}

#[test]
fn error_bodies_decode_to_the_same_type_from_both_formats() {
    // The error samples of ErrorsAndInformationalMessages.md.
    let json = br#"{
 "code": "Conflict",
 "subcode": "AlreadyExists",
 "message": "The requested resource already exists. Please wait and try again."
}"#;
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<reason xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
 <code>Conflict</code>
 <subcode>AlreadyExists</subcode>
 <message>The requested resource already exists. Please wait and try again.</message>
 <debugInfo />
 <parameters />
</reason>"#;
    let from_json: ucwa::ErrorBody = ucwa::codec::decode("application/json", json).unwrap();
    let from_xml: ucwa::ErrorBody = ucwa::codec::decode("application/xml", xml).unwrap();
    assert_eq!(from_json.code, "Conflict");
    assert_eq!(from_json, from_xml);

    let detailed = ucwa::ErrorBody {
        code: "BadRequest".into(),
        subcode: Some("ParameterValidationFailure".into()),
        message: Some("operationId is too long".into()),
        parameters: Some(serde_json::json!({"operationId": "at most 50 characters"})),
        debug_info: Some(serde_json::json!({"errorReportId": "d2f6 & <x>"})),
        ..Default::default()
    };
    let xml = ucwa::codec::encode(Format::Xml, &detailed).unwrap();
    let back: ucwa::ErrorBody = ucwa::codec::decode("application/xml", &xml).unwrap();
    assert_eq!(back, detailed, "{}", String::from_utf8_lossy(&xml));
}
