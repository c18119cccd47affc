//! Call forwarding against the emulator, in JSON and in XML: every mode set, read back as one
//! typed value, seen on the event channel of each of the user's applications, and turned off;
//! unanswered-call handling set and reset; out-of-range values refused with the reference's
//! error and nothing changed.

mod common;

use common::{FORMATS, emulator, session, wait_for};
use ucwa::ResponseError;
use ucwa::operation::Request;
use ucwa::operations::{
    UnansweredCallToVoicemailPost, UnansweredCallToVoicemailPostBody,
    UnansweredCallToVoicemailPostError, UnansweredCallToVoicemailPostQuery,
};
use ucwa_client::ClientError;
use ucwa_client::forwarding::{Forward, ForwardingSettings, Unanswered};
use ucwa_emulator::Limits;

#[tokio::test]
async fn every_mode_is_set_read_back_announced_and_turned_off_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        // A second application of the same user hears each change too.
        let other = session(&emulator, "lene@contoso.com", format).await;
        let mut events = other.events();
        let forwarding = lene.forwarding();
        let start = forwarding.read().await.unwrap();
        assert_eq!(start.forward, Forward::Off, "{format}");
        assert_eq!(start.unanswered, Unanswered::Default);

        let ann = "sip:ann@contoso.com";
        let cases: Vec<Forward> = vec![
            Forward::ToContact(ann.into()),
            Forward::ToDelegates,
            Forward::ToVoicemail,
            Forward::RingContact("tel:+14255550123".into()),
            Forward::RingDelegates(Some(10)),
            Forward::RingTeam(Some(55)),
        ];
        for expected in cases {
            let settings = forwarding.read().await.unwrap();
            match &expected {
                Forward::ToContact(t) => settings.forward_to_contact(t).await.unwrap(),
                Forward::ToDelegates => settings.forward_to_delegates().await.unwrap(),
                Forward::ToVoicemail => settings.forward_to_voicemail().await.unwrap(),
                Forward::RingContact(t) => settings.ring_contact(t).await.unwrap(),
                Forward::RingDelegates(d) => settings.ring_delegates(*d).await.unwrap(),
                Forward::RingTeam(d) => settings.ring_team(*d).await.unwrap(),
                other => panic!("{other:?}"),
            }
            assert_eq!(
                forwarding.read().await.unwrap().forward,
                expected,
                "{format}"
            );
            let announced = wait_for(&mut events, ForwardingSettings::from_event).await;
            assert_eq!(announced.forward, expected, "{format}");
        }

        let settings = forwarding.read().await.unwrap();
        settings.unanswered_to_voicemail(Some(30)).await.unwrap();
        let read = forwarding.read().await.unwrap();
        assert_eq!(read.unanswered, Unanswered::Voicemail(Some(30)), "{format}");
        // Unanswered-call handling is apart from forwarding: the team still rings.
        assert_eq!(read.forward, Forward::RingTeam(Some(55)));
        read.unanswered_to_contact(ann, Some(5)).await.unwrap();
        let read = forwarding.read().await.unwrap();
        assert_eq!(read.unanswered, Unanswered::Contact(ann.into(), Some(5)));

        read.turn_off().await.unwrap();
        let off = forwarding.read().await.unwrap();
        assert_eq!(off.forward, Forward::Off, "{format}");
        assert_eq!(off.resource().active_setting, None);
        off.reset_unanswered().await.unwrap();
        assert_eq!(
            forwarding.read().await.unwrap().unanswered,
            Unanswered::Default
        );
        let last = loop {
            let announced = wait_for(&mut events, ForwardingSettings::from_event).await;
            if announced.unanswered == Unanswered::Default {
                break announced;
            }
        };
        assert_eq!(last.forward, Forward::Off, "{format}");
        // An event's value is not for changing the settings: it has no client.
        assert!(matches!(
            last.turn_off().await,
            Err(ClientError::MissingLink { rel: "self", .. })
        ));
        lene.shutdown().await;
        other.shutdown().await;
    }
}

#[tokio::test]
async fn out_of_range_values_are_refused_and_nothing_changes_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let forwarding = lene.forwarding();
        let settings = forwarding.read().await.unwrap();
        settings.forward_to_voicemail().await.unwrap();

        // The emulator checks the ranges itself, whatever a client sends: past the
        // client's own checks, straight to the operation.
        let settings = forwarding.read().await.unwrap();
        let link = settings
            .resource()
            .embedded
            .unanswered_call_settings
            .as_ref()
            .and_then(|u| u.links.unanswered_call_to_voicemail.clone())
            .unwrap();
        let client = lene.client();
        for delay in [4, 61] {
            // Built by hand, so that the client's own range check does not stop it first.
            let body = UnansweredCallToVoicemailPostBody {
                ring_delay: Some(delay),
                ..Default::default()
            };
            let url = client.origin().resolve(&link.href).unwrap();
            let http = ucwa::http::Request::builder()
                .method("POST")
                .uri(url.as_str())
                .header("content-type", format.media_type())
                .header("accept", format.media_type())
                .body(ucwa::codec::encode(format, &body).unwrap())
                .unwrap();
            let request = Request::<UnansweredCallToVoicemailPost>::from_http(http);
            match client.send(request).await {
                Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                    let UnansweredCallToVoicemailPostError::Common(common) = &error else {
                        panic!("{format} {delay}: {error:?}")
                    };
                    let text = format!("{common:?}");
                    assert!(text.contains("ParameterValidationFailure"), "{text}");
                    assert!(text.contains("ringDelay"), "{text}");
                }
                other => panic!("{format} {delay}: {other:?}"),
            }
            // The client refuses it before sending, the reference's range on both sides.
            let query = UnansweredCallToVoicemailPostQuery {
                ring_delay: Some(delay.to_string()),
            };
            assert!(
                UnansweredCallToVoicemailPost::request(
                    client.origin(),
                    &link,
                    &query,
                    &body,
                    format
                )
                .is_err()
            );
        }
        let long = format!("sip:{}@contoso.com", "a".repeat(80));
        assert!(settings.forward_to_contact(&long).await.is_err());
        let after = forwarding.read().await.unwrap();
        assert_eq!(after.forward, Forward::ToVoicemail, "{format}");
        assert_eq!(after.unanswered, Unanswered::Default);
        after.turn_off().await.unwrap();
        lene.shutdown().await;
    }
}
