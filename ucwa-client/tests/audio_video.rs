//! Audio/video signalling through the client, against the emulator, in JSON and in XML: the
//! call every application hears of, escalated with an SDP offer (the offer echoed in the
//! invitation, from the local user to the remote one), and the far end's answer received from
//! the event channel as opaque SDP; the same identifiers twice refused.

mod common;

use std::time::Duration;

use common::{FORMATS, WAIT, application, emulator};
use ucwa::ResponseError;
use ucwa::enumerations::{Direction, InvitationState};
use ucwa::operations::EscalateAudioVideoPostError;
use ucwa_client::ClientError;
use ucwa_client::calls::{AudioVideoHandle, AudioVideoOutcome, Escalation, Sdp};
use ucwa_emulator::Limits;

const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 50010 RTP/AVP 0\r\na=sendrecv\r\n";

#[tokio::test]
async fn a_call_is_escalated_with_an_offer_and_answered_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "lene@contoso.com", format, true).await;
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        // The call every application is in is announced on the channel.
        let audio_video: AudioVideoHandle = tokio::time::timeout(WAIT, async {
            loop {
                let event = events.next_event().await.unwrap().unwrap();
                if let Some(found) = calls.audio_video(&event) {
                    return found;
                }
            }
        })
        .await
        .unwrap();
        assert!(audio_video.resource().links.escalate_audio_video.is_some());

        let ids = Escalation {
            operation_id: format!("av-{format}"),
            session_context: "ctx".into(),
        };
        let outgoing = audio_video
            .escalate(&Sdp::new(OFFER), ids.clone())
            .await
            .unwrap();
        let invitation = outgoing.invitation();
        assert_eq!(
            invitation.state,
            Some(InvitationState::Connecting),
            "{format}"
        );
        assert_eq!(invitation.direction, Some(Direction::Outgoing));
        assert_eq!(outgoing.offer().as_ref().map(Sdp::as_str), Some(OFFER));
        let from = invitation.embedded.from.as_ref().unwrap();
        assert_eq!(from.local, Some(true), "{format}: from the local user");
        assert_eq!(
            invitation.to.as_ref().map(|u| u.as_str()),
            Some("sip:ann@contoso.com")
        );

        match outgoing.answer(&mut events, WAIT).await.unwrap() {
            AudioVideoOutcome::Answered(answer) => {
                assert!(answer.as_str().starts_with("v=0\r\n"), "{format}");
                assert!(answer.as_str().contains("m=audio 51010 RTP/AVP"));
                assert_eq!(
                    format!("{answer:?}"),
                    format!("Sdp({} bytes)", answer.as_str().len())
                );
            }
            other => panic!("{format}: {other:?}"),
        }

        // The same operationId again: 409 AlreadyExists, typed.
        match audio_video.escalate(&Sdp::new(OFFER), ids).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                EscalateAudioVideoPostError::AlreadyExists(_),
            ))) => {}
            other => panic!("{format}: {other:?}"),
        }
        // A fresh pair of identifiers works.
        let again = audio_video
            .escalate(&Sdp::new(OFFER), Escalation::unique())
            .await
            .unwrap();
        assert!(matches!(
            again
                .answer(&mut events, Duration::from_secs(5))
                .await
                .unwrap(),
            AudioVideoOutcome::Answered(_)
        ));
    }
}
