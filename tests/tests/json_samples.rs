//! The JSON response samples of the three core reference pages decode into the generated
//! types with every value in a typed field, and encode back to an equal document.

mod common;

use common::{fixture, json_value};
use ucwa::enumerations::{Direction, Importance, InvitationState, Role, SourceNetwork};
use ucwa::resources::{AudioVideoInvitation, Participant};
use ucwa::{Href, Resource};

const PARTICIPANT: &str =
    "/ucwa/v1/applications/192/communication/conversations/137/participants/196";

fn assert_sample_participant(p: &Participant) {
    assert_eq!(p.anonymous, Some(true));
    assert_eq!(p.in_lobby, Some(true));
    assert_eq!(p.local, Some(true));
    assert_eq!(p.name.as_deref(), Some("Joe Smith"));
    assert_eq!(p.organizer, Some(true));
    assert_eq!(
        p.other_phone_number.as_ref().map(|u| u.as_str()),
        Some("tel:+14251111111")
    );
    assert_eq!(
        p.other_phone_number.as_ref().and_then(|u| u.scheme()),
        Some("tel")
    );
    assert_eq!(p.role, Some(Role::Attendee));
    assert_eq!(p.source_network, Some(SourceNetwork::SameEnterprise));
    assert_eq!(p.uri.as_ref().and_then(|u| u.scheme()), Some("sip"));
    assert_eq!(
        p.uri.as_ref().map(|u| u.as_str()),
        Some("sip:john@contoso.com")
    );
    assert_eq!(
        p.work_phone_number.as_ref().map(|u| u.as_str()),
        Some("tel:+14251111111")
    );

    fn href<T>(link: &Option<ucwa::Link<T>>) -> Option<String> {
        link.as_ref().map(|l| l.href.as_str().to_owned())
    }
    let sub = |tail: &str| Some(format!("{PARTICIPANT}/{tail}"));
    let links = &p.links;
    assert_eq!(
        p.self_link().map(|l| l.href.clone()),
        Some(Href::new(PARTICIPANT))
    );
    assert_eq!(href(&links.admit), sub("admit"));
    assert_eq!(
        href(&links.contact).as_deref(),
        Some("/ucwa/v1/applications/192/people/282")
    );
    assert_eq!(
        href(&links.contact_photo).as_deref(),
        Some("/ucwa/v1/applications/192/people/282/contactPhoto")
    );
    assert_eq!(
        href(&links.contact_presence).as_deref(),
        Some("/ucwa/v1/applications/192/people/282/contactPresence")
    );
    assert_eq!(
        href(&links.conversation).as_deref(),
        Some("/ucwa/v1/applications/192/communication/conversations/137")
    );
    assert_eq!(href(&links.demote), sub("demote"));
    assert_eq!(href(&links.eject), sub("eject"));
    assert_eq!(
        href(&links.me).as_deref(),
        Some("/ucwa/v1/applications/192/me")
    );
    assert_eq!(
        href(&links.participant_application_sharing),
        sub("participantApplicationSharing")
    );
    assert_eq!(href(&links.participant_audio), sub("participantAudio"));
    assert_eq!(
        href(&links.participant_data_collaboration),
        sub("participantDataCollaboration")
    );
    assert_eq!(
        href(&links.participant_messaging),
        sub("participantMessaging")
    );
    assert_eq!(
        href(&links.participant_panoramic_video),
        sub("participantPanoramicVideo")
    );
    assert_eq!(href(&links.participant_video), sub("participantVideo"));
    assert_eq!(href(&links.promote), sub("promote"));
    assert_eq!(href(&links.reject), sub("reject"));

    // Everything in the sample has a typed home: nothing fell through to `unknown`.
    assert!(
        p.unknown.is_empty(),
        "unexpected unknown properties: {:?}",
        p.unknown
    );
    assert!(
        links.unknown.is_empty(),
        "unexpected unknown links: {:?}",
        links.unknown
    );
    assert!(ucwa::Embedded::is_empty(&p.embedded));
}

#[test]
fn participant_sample_decodes_into_typed_fields() {
    let participant: Participant =
        ucwa::json::from_slice(&fixture("participant.response.json")).unwrap();
    assert_sample_participant(&participant);
    assert_eq!(Participant::REL, "participant");
}

fn assert_sample_invitation(inv: &AudioVideoInvitation) {
    assert_eq!(inv.address.as_deref(), Some("samplevalue"));
    assert_eq!(inv.bandwidth_control_id.as_deref(), Some("samplevalue"));
    assert_eq!(inv.building.as_deref(), Some("samplevalue"));
    assert_eq!(inv.city.as_deref(), Some("samplevalue"));
    assert_eq!(inv.country.as_deref(), Some("samplevalue"));
    assert_eq!(
        inv.delegator.as_ref().map(|u| u.as_str()),
        Some("sip:john@contoso.com")
    );
    assert_eq!(inv.direction, Some(Direction::Incoming));
    assert_eq!(inv.importance, Some(Importance::Normal));
    assert_eq!(inv.join_audio_muted, Some(false));
    assert_eq!(inv.join_video_muted, Some(false));
    assert_eq!(inv.location_state.as_deref(), Some("samplevalue"));
    assert_eq!(
        inv.operation_id.as_deref(),
        Some("74cb7404e0a247d5a2d4eb0376a47dbf")
    );
    assert_eq!(inv.private_line, Some(false));
    assert_eq!(
        inv.session_context.as_deref(),
        Some("8efd502350ff419cb615018ae561f97e")
    );
    assert_eq!(inv.state, Some(InvitationState::Connecting));
    assert_eq!(inv.subject.as_deref(), Some("Strategy for next quarter"));
    assert_eq!(
        inv.thread_id.as_deref(),
        Some("292e0aaef36c426a97757f43dda19d06")
    );
    assert_eq!(
        inv.to.as_ref().map(|u| u.as_str()),
        Some("sip:john@contoso.com")
    );
    assert_eq!(inv.zip.as_deref(), Some("samplevalue"));

    let links = &inv.links;
    fn href<T>(link: &Option<ucwa::Link<T>>) -> Option<String> {
        link.as_ref().map(|l| l.href.as_str().to_owned())
    }
    let app = |tail: &str| Some(format!("/ucwa/v1/applications/192/{tail}"));
    assert_eq!(
        inv.self_link().map(|l| l.href.as_str()),
        Some("/ucwa/v1/applications/192/communication/invitations/507")
    );
    assert_eq!(
        href(&links.accept_with_answer),
        app("communication/invitations/665/acceptWithAnswer")
    );
    assert_eq!(
        href(&links.accept_with_phone_audio),
        app("communication/invitations/507/acceptWithPhoneAudio")
    );
    assert_eq!(href(&links.accepted_by_contact), app("people/169"));
    assert_eq!(
        href(&links.audio_video),
        app("communication/conversations/137/audioVideo")
    );
    assert_eq!(
        href(&links.cancel),
        app("communication/invitations/665/cancel")
    );
    assert_eq!(
        href(&links.conversation),
        app("communication/conversations/137")
    );
    assert_eq!(
        href(&links.decline),
        app("communication/invitations/665/decline")
    );
    assert_eq!(href(&links.delegator), app("people/312"));
    assert_eq!(
        href(&links.derived_audio_video),
        app("communication/invitations/665/derivedAudioVideo")
    );
    assert_eq!(
        href(&links.derived_conversation),
        app("communication/invitations/665/derivedConversation")
    );
    assert_eq!(href(&links.forwarded_by), app("people/776"));
    assert_eq!(
        href(&links.from),
        app("communication/conversations/137/participants/831")
    );
    assert_eq!(href(&links.on_behalf_of), app("people/444"));
    assert_eq!(
        href(&links.replaces_audio_video),
        app("communication/invitations/665/replacesAudioVideo")
    );
    assert_eq!(
        href(&links.report_media_diagnostics),
        app("communication/conversations/137/audioVideo/reportMediaDiagnostics")
    );
    assert_eq!(
        href(&links.send_provisional_answer),
        app("communication/invitations/507/sendProvisionalAnswer")
    );
    assert_eq!(href(&links.to), app("people/107"));
    assert_eq!(href(&links.transferred_by), app("people/766"));

    // mediaOffer and customContent: data URIs, decoded to bytes. The sample's data is the
    // placeholder "base64-encoded-sdp", which is valid URL-safe base64 without padding.
    let offer = links.media_offer.as_ref().expect("mediaOffer");
    assert_eq!(offer.media_type(), "application/sdp");
    assert!(offer.is_base64());
    assert_eq!(offer.data(), "base64-encoded-sdp");
    assert_eq!(
        offer.decode().unwrap(),
        [
            109, 171, 30, 235, 143, 158, 157, 202, 29, 121, 223, 172, 118
        ]
    );
    assert_eq!(
        links.custom_content.as_ref().map(|d| d.as_str()),
        Some(offer.as_str())
    );

    // The embedded participants, typed.
    let from = inv.embedded.from.as_deref().expect("embedded from");
    assert_sample_participant(from);
    assert_eq!(inv.embedded.accepted_by_participant.len(), 1);
    assert_sample_participant(&inv.embedded.accepted_by_participant[0]);

    // The only value without a typed field: `startEmergencyCallInput`, which the samples embed
    // but the reference's tables do not list. It is kept, not dropped.
    assert!(inv.unknown.is_empty(), "{:?}", inv.unknown);
    assert!(links.unknown.is_empty(), "{:?}", links.unknown);
    let kept: Vec<_> = inv.embedded.unknown.keys().collect();
    assert_eq!(kept, ["startEmergencyCallInput"]);
    assert_eq!(
        inv.embedded.unknown["startEmergencyCallInput"][0]["rel"],
        "startEmergencyCallParameters"
    );
}

#[test]
fn audio_video_invitation_sample_decodes_into_typed_fields() {
    let inv: AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("audioVideoInvitation.response.json")).unwrap();
    assert_sample_invitation(&inv);
}

#[test]
fn escalate_audio_video_response_is_an_audio_video_invitation() {
    let inv: AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("escalateAudioVideo.response.json")).unwrap();
    assert_sample_invitation(&inv);
    let get: AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("audioVideoInvitation.response.json")).unwrap();
    assert_eq!(inv, get);
}

#[test]
fn samples_reencode_to_an_equal_document() {
    fn round_trip<T: ucwa::Resource>(name: &str) {
        let input = fixture(name);
        let decoded: T = ucwa::json::from_slice(&input).unwrap();
        let encoded = ucwa::json::to_vec(&decoded);
        assert_eq!(json_value(&encoded), json_value(&input), "{name}");
        // And the encoding decodes to the same value.
        let again: T = ucwa::json::from_slice(&encoded).unwrap();
        assert_eq!(ucwa::json::to_vec(&again), encoded, "{name}");
    }
    round_trip::<Participant>("participant.response.json");
    round_trip::<AudioVideoInvitation>("audioVideoInvitation.response.json");
    round_trip::<AudioVideoInvitation>("escalateAudioVideo.response.json");
}

#[test]
fn decoded_samples_snapshot() {
    let inv: AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("audioVideoInvitation.response.json")).unwrap();
    insta::assert_debug_snapshot!("audio_video_invitation_decoded", inv);
    let participant: Participant =
        ucwa::json::from_slice(&fixture("participant.response.json")).unwrap();
    insta::assert_debug_snapshot!("participant_decoded", participant);
}
