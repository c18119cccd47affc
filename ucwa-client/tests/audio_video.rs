//! Audio/video signalling through the client, against the emulator, in JSON and in XML: the
//! call every application hears of, escalated with an SDP offer (the offer echoed in the
//! invitation, from the local user to the remote one), and the far end's answer received from
//! the event channel as opaque SDP; the same identifiers twice refused; an incoming
//! audio/video invitation with its offer, accepted with an answer (the user's other
//! application hears it answered elsewhere), accepted on the phone, and declined; a call
//! started with startAudioVideo and an offer, answered, or refused by a busy far end; the
//! call's audio moved to the user's phone (replaceWithPhoneAudio), connected. The controls of
//! an escalated call once connected (invitation `Connected`, audioVideo updated): stop (and
//! 404 with no call), hold and resume by renegotiation (409 when the state forbids), video
//! added by renegotiation and removed with stopVideo, mute and unmute (409 twice), and the
//! far end's renegotiation handed to the user and answered.

mod common;

use std::time::Duration;

use common::{FORMATS, WAIT, application, emulator, session, session_with, wait_for};
use ucwa::ResponseError;
use ucwa::enumerations::{Direction, InvitationState, SessionState};
use ucwa::events::EventType;
use ucwa::operations::{
    CommunicationActionError, EscalateAudioVideoPostError, RenegotiationsPostError,
    StopAudioVideoPostError,
};
use ucwa::resources::AnyResource;
use ucwa_client::ClientError;
use ucwa_client::calls::{
    AudioVideoHandle, AudioVideoOutcome, CallFailure, CallOutcome, DeclineScope, Escalation,
    IncomingAudioVideo, ParticipantAudioHandle, RenegotiateError, Sdp,
};
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

async fn next_incoming(
    session: &ucwa_client::Session,
    events: &mut ucwa_client::EventReceiver,
) -> IncomingAudioVideo {
    let calls = session.calls();
    wait_for(events, |e| calls.incoming_audio_video(e)).await
}

#[tokio::test]
async fn an_incoming_audio_video_call_is_accepted_with_an_answer_on_the_phone_or_declined() {
    let emulator = emulator(Limits::default()).await;
    let faults = emulator.faults();
    for format in FORMATS {
        let lene = session_with(&emulator, "lene@contoso.com", format, |s| {
            s.phone_audio("tel:+14255550100")
        })
        .await;
        let desk = session(&emulator, "lene@contoso.com", format).await;
        let mut events = lene.events();
        let mut desk_events = desk.events();

        // Accepted with an answer here: the other application hears it answered elsewhere.
        assert_eq!(
            faults
                .incoming_audio_video("lene@contoso.com", "ann@contoso.com", OFFER)
                .unwrap(),
            2,
            "{format}"
        );
        let incoming = next_incoming(&lene, &mut events).await;
        let on_desk = next_incoming(&desk, &mut desk_events).await;
        assert_eq!(incoming.from_uri(), Some("sip:ann@contoso.com"), "{format}");
        assert_eq!(incoming.offer().as_ref().map(Sdp::as_str), Some(OFFER));
        // Only the application that advertised phone audio may take it on the phone.
        assert!(
            incoming
                .invitation()
                .links
                .accept_with_phone_audio
                .is_some()
        );
        assert!(on_desk.invitation().links.accept_with_phone_audio.is_none());
        incoming.accept(&Sdp::new(OFFER)).await.unwrap();
        assert_eq!(
            incoming.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Connected,
            "{format}"
        );
        match on_desk.outcome(&mut desk_events, WAIT).await.unwrap() {
            CallOutcome::Failed(failure) => assert_eq!(
                failure.reason().subcode.as_deref(),
                Some("ConnectedElsewhere"),
                "{format}"
            ),
            other => panic!("{format}: {other:?}"),
        }
        // Over: accepting again is refused (the copy from the `started` event still links it, so
        // the server is asked and answers 409).
        assert!(incoming.accept(&Sdp::new(OFFER)).await.is_err());

        // Accepted on the phone.
        faults
            .incoming_audio_video("lene@contoso.com", "sip:john@contoso.com", OFFER)
            .unwrap();
        let incoming = next_incoming(&lene, &mut events).await;
        incoming.accept_on_phone().await.unwrap();
        assert_eq!(
            incoming.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Connected
        );
        match on_desk_without_phone(&desk, &mut desk_events)
            .await
            .accept_on_phone()
            .await
        {
            Err(ClientError::MissingLink { rel, .. }) => assert_eq!(rel, "acceptWithPhoneAudio"),
            other => panic!("{format}: {other:?}"),
        }

        // Declined.
        faults
            .incoming_audio_video("lene@contoso.com", "ann@contoso.com", OFFER)
            .unwrap();
        let incoming = next_incoming(&lene, &mut events).await;
        incoming.decline(DeclineScope::Here).await.unwrap();
        assert!(matches!(
            incoming.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Failed(CallFailure::Declined(_))
        ));
        desk.shutdown().await;
        lene.shutdown().await;
    }
}

/// The desk application's copy of the latest invitation (it never advertised phone audio).
async fn on_desk_without_phone(
    desk: &ucwa_client::Session,
    events: &mut ucwa_client::EventReceiver,
) -> IncomingAudioVideo {
    next_incoming(desk, events).await
}

#[tokio::test]
async fn an_audio_video_call_is_started_with_an_offer_and_answered_or_refused() {
    let emulator = emulator(Limits::default()).await;
    emulator
        .faults()
        .leg_outcome("sip:john@contoso.com", ucwa_emulator::LegOutcome::Busy);
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let mut events = lene.events();
        let calls = lene.calls();

        let outgoing = calls
            .start_audio_video("ann@contoso.com", &Sdp::new(OFFER))
            .await
            .unwrap();
        let invitation = outgoing.invitation();
        assert_eq!(invitation.direction, Some(Direction::Outgoing), "{format}");
        assert_eq!(
            invitation.to.as_ref().map(|u| u.as_str()),
            Some("sip:ann@contoso.com")
        );
        assert_eq!(outgoing.offer().as_ref().map(Sdp::as_str), Some(OFFER));
        match outgoing.answer(&mut events, WAIT).await.unwrap() {
            AudioVideoOutcome::Answered(answer) => {
                assert!(answer.as_str().contains("s=ucwa-emulator"), "{format}");
            }
            other => panic!("{format}: {other:?}"),
        }

        // A busy far end: the invitation fails, typed by its reason.
        let busy = calls
            .start_audio_video("sip:john@contoso.com", &Sdp::new(OFFER))
            .await
            .unwrap();
        match busy.answer(&mut events, WAIT).await.unwrap() {
            AudioVideoOutcome::Failed(reason) => {
                assert_eq!(reason.subcode.as_deref(), Some("Busy"), "{format}");
            }
            other => panic!("{format}: {other:?}"),
        }
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn the_calls_audio_moves_to_the_phone_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "lene@contoso.com", format, false).await;
        // Available with phone audio, as a client taking calls on a phone is.
        let me = app.embedded.me.as_ref().unwrap();
        let body = ucwa::operations::MakeMeAvailablePostBody {
            supported_modalities: Some(vec![
                ucwa::enumerations::ModalityType::Messaging,
                ucwa::enumerations::ModalityType::PhoneAudio,
            ]),
            phone_number: Some("tel:+14255550199".into()),
            ..Default::default()
        };
        let link = me.links.make_me_available.as_ref().unwrap();
        client
            .send(
                ucwa::operations::MakeMeAvailablePost::request(
                    client.origin(),
                    link,
                    &body,
                    format,
                )
                .unwrap(),
            )
            .await
            .unwrap();
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        let audio_video = tokio::time::timeout(WAIT, async {
            loop {
                let event = events.next_event().await.unwrap().unwrap();
                if let Some(found) = calls.audio_video(&event) {
                    return found;
                }
            }
        })
        .await
        .unwrap();
        let mut call = audio_video
            .replace_with_phone_audio(
                ucwa_client::calls::PlaceCall::to("ann@contoso.com").ring_first("+1 425 555 0100"),
            )
            .await
            .unwrap();
        let invitation = call.invitation().await.unwrap();
        assert_eq!(
            invitation.phone_number.as_ref().map(|u| u.as_str()),
            Some("tel:+14255550100"),
            "{format}"
        );
        assert_eq!(
            invitation.to.as_ref().map(|u| u.as_str()),
            Some("sip:ann@contoso.com")
        );
        assert_eq!(
            call.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Connected,
            "{format}"
        );
        call.phone_audio().await.unwrap().stop().await.unwrap();
    }
}

/// The call's audioVideo as the next `added`/`updated` event for it gives it.
async fn next_audio_video(
    calls: &ucwa_client::calls::CallsHandle,
    events: &mut ucwa_client::EventChannel,
) -> AudioVideoHandle {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.next_event().await.unwrap().unwrap();
            if let Some(found) = calls.audio_video(&event) {
                return found;
            }
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn an_escalated_call_connects_and_is_stopped_once_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "john@contoso.com", format, true).await;
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        let audio_video = next_audio_video(&calls, &mut events).await;
        // Nothing established yet: stopAudioVideo is refused, 404 NotFound, typed.
        match audio_video.stop().await {
            Err(ClientError::Response(ResponseError::Ucwa(StopAudioVideoPostError::NotFound(
                body,
            )))) => assert_eq!(body.code, "NotFound", "{format}"),
            other => panic!("{format}: {other:?}"),
        }
        let outgoing = audio_video
            .escalate(&Sdp::new(OFFER), Escalation::unique())
            .await
            .unwrap();
        assert!(matches!(
            outgoing.answer(&mut events, WAIT).await.unwrap(),
            AudioVideoOutcome::Answered(_)
        ));
        // Answered, the call connects: the audioVideo updated to Connected, and the
        // invitation completed as Connected with no reason.
        let connected = next_audio_video(&calls, &mut events).await;
        assert_eq!(connected.state(), Some("Connected"), "{format}");
        let own = outgoing.invitation().links.self_.clone().unwrap();
        let completed = tokio::time::timeout(WAIT, async {
            loop {
                let event = events.next_event().await.unwrap().unwrap();
                if event.event_type == EventType::Completed
                    && event.link.href.as_str().ends_with(own.href.as_str())
                {
                    return event;
                }
            }
        })
        .await
        .unwrap();
        assert!(completed.reason.is_none(), "{format}");
        match completed.resource {
            Some(AnyResource::AudioVideoInvitation(invitation)) => {
                assert_eq!(
                    invitation.state,
                    Some(InvitationState::Connected),
                    "{format}"
                )
            }
            other => panic!("{format}: {other:?}"),
        }

        connected.stop().await.unwrap();
        let stopped = next_audio_video(&calls, &mut events).await;
        assert_eq!(stopped.state(), Some("Disconnected"), "{format}");
        // Stopped once, a second stop finds no call.
        assert!(matches!(
            stopped.stop().await,
            Err(ClientError::Response(ResponseError::Ucwa(
                StopAudioVideoPostError::NotFound(_)
            )))
        ));
    }
}

const HOLD_OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 50010 RTP/AVP 0\r\na=sendonly\r\n";
const VIDEO_OFFER: &str = "v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 50010 RTP/AVP 0\r\na=sendrecv\r\nm=video 50020 RTP/AVP 96\r\na=sendrecv\r\n";

/// An escalated call, answered and connected: its audioVideo as the `updated` event gave it.
async fn connected_call(
    calls: &ucwa_client::calls::CallsHandle,
    events: &mut ucwa_client::EventChannel,
) -> AudioVideoHandle {
    let audio_video = next_audio_video(calls, events).await;
    let outgoing = audio_video
        .escalate(&Sdp::new(OFFER), Escalation::unique())
        .await
        .unwrap();
    assert!(matches!(
        outgoing.answer(events, WAIT).await.unwrap(),
        AudioVideoOutcome::Answered(_)
    ));
    let connected = next_audio_video(calls, events).await;
    assert_eq!(connected.state(), Some("Connected"));
    connected
}

fn is_conflict(error: &CommunicationActionError) -> bool {
    matches!(error, CommunicationActionError::Conflict(body) if body.code == "Conflict")
}

#[tokio::test]
async fn a_call_is_held_resumed_and_gains_and_loses_video_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "john@contoso.com", format, true).await;
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        let call = connected_call(&calls, &mut events).await;
        let session = call.session().await.unwrap();
        assert_eq!(session.state, Some(SessionState::Established), "{format}");

        // Not on hold: resuming is refused, 409 Conflict.
        match call.resume(&Sdp::new(OFFER)).await {
            Err(RenegotiateError::Resume(ClientError::Response(ResponseError::Ucwa(e))))
                if is_conflict(&e) => {}
            other => panic!("{format}: {other:?}"),
        }
        // Hold: the far end answers a sendonly offer with recvonly.
        let held = call.hold(&Sdp::new(HOLD_OFFER)).await.unwrap();
        let answer = held.answer(&mut events, WAIT).await.unwrap();
        assert!(
            answer.as_str().contains("a=recvonly\r\n"),
            "{format}: {answer}"
        );
        // On hold, another renegotiation is refused until resumed.
        match call.add_video(&Sdp::new(VIDEO_OFFER)).await {
            Err(RenegotiateError::Renegotiate(ClientError::Response(ResponseError::Ucwa(
                RenegotiationsPostError::Conflict(body),
            )))) => assert_eq!(body.code, "Conflict", "{format}"),
            other => panic!("{format}: {other:?}"),
        }
        let resumed = call.resume(&Sdp::new(OFFER)).await.unwrap();
        let answer = resumed.answer(&mut events, WAIT).await.unwrap();
        assert!(answer.as_str().contains("a=sendrecv\r\n"), "{format}");
        assert!(!answer.as_str().contains("m=video"), "{format}");

        // No video yet: stopVideo is refused.
        match call.remove_video().await {
            Err(ClientError::Response(ResponseError::Ucwa(e))) if is_conflict(&e) => {}
            other => panic!("{format}: {other:?}"),
        }
        let with_video = call.add_video(&Sdp::new(VIDEO_OFFER)).await.unwrap();
        let answer = with_video.answer(&mut events, WAIT).await.unwrap();
        assert!(
            answer.as_str().contains("m=video 51020 RTP/AVP 96"),
            "{format}"
        );
        assert_eq!(
            next_audio_video(&calls, &mut events).await.state(),
            Some("Connected")
        );
        call.remove_video().await.unwrap();
        assert_eq!(
            next_audio_video(&calls, &mut events).await.state(),
            Some("Connected"),
            "{format}: the audio goes on"
        );
        call.stop().await.unwrap();
    }
}

#[tokio::test]
async fn the_far_ends_renegotiation_is_handed_to_the_user_and_answered_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "john@contoso.com", format, true).await;
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        let call = connected_call(&calls, &mut events).await;

        assert_eq!(
            emulator
                .faults()
                .far_end_renegotiates("john@contoso.com", VIDEO_OFFER)
                .unwrap(),
            1,
            "{format}"
        );
        let incoming = tokio::time::timeout(WAIT, async {
            loop {
                let event = events.next_event().await.unwrap().unwrap();
                if let Some(found) = calls.incoming_renegotiation(&event) {
                    return found;
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(
            incoming.offer().as_ref().map(Sdp::as_str),
            Some(VIDEO_OFFER)
        );
        // While it awaits the answer, the user's own renegotiation is refused.
        match call.renegotiate(&Sdp::new(OFFER)).await {
            Err(RenegotiateError::Renegotiate(ClientError::Response(ResponseError::Ucwa(
                RenegotiationsPostError::AlreadyExists(_),
            )))) => {}
            other => panic!("{format}: {other:?}"),
        }
        let answer = Sdp::new(VIDEO_OFFER.replace("s=test", "s=answer"));
        incoming.answer(&answer).await.unwrap();
        // The renegotiation completes with the user's answer.
        let completed = tokio::time::timeout(WAIT, async {
            loop {
                let event = events.next_event().await.unwrap().unwrap();
                if let Some(AnyResource::AudioVideoRenegotiation(r)) = event.resource
                    && event.event_type == EventType::Completed
                {
                    return r;
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(
            completed
                .links
                .media_answer
                .as_ref()
                .and_then(Sdp::from_data_uri),
            Some(answer.clone()),
            "{format}"
        );
        // Answered once: a second answer is refused.
        match incoming.answer(&answer).await {
            Err(ClientError::Response(ResponseError::Ucwa(e))) if is_conflict(&e) => {}
            other => panic!("{format}: {other:?}"),
        }
        // With the video the far end added, stopVideo now succeeds.
        call.remove_video().await.unwrap();
        // Stopped, the call hears no more renegotiations.
        call.stop().await.unwrap();
        assert_eq!(
            emulator
                .faults()
                .far_end_renegotiates("john@contoso.com", VIDEO_OFFER)
                .unwrap(),
            0,
            "{format}"
        );
    }
}

/// The user's audio as the next participantAudio event gives it.
async fn next_participant_audio(
    calls: &ucwa_client::calls::CallsHandle,
    events: &mut ucwa_client::EventChannel,
) -> ParticipantAudioHandle {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = events.next_event().await.unwrap().unwrap();
            if let Some(found) = calls.participant_audio(&event) {
                return found;
            }
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_users_audio_is_muted_and_unmuted_once_each_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, app) = application(&emulator, "john@contoso.com", format, true).await;
        let calls = client.calls(&app);
        let mut events = client.events(app.links.events.as_ref().unwrap());
        let call = connected_call(&calls, &mut events).await;
        // Connected, the user's audio is announced, unmuted.
        let audio = next_participant_audio(&calls, &mut events).await;
        assert_eq!(audio.muted(), Some(false), "{format}");

        audio.mute().await.unwrap();
        let muted = next_participant_audio(&calls, &mut events).await;
        assert_eq!(muted.muted(), Some(true), "{format}");
        match muted.mute().await {
            Err(ClientError::Response(ResponseError::Ucwa(e))) if is_conflict(&e) => {}
            other => panic!("{format}: muted twice: {other:?}"),
        }
        muted.unmute().await.unwrap();
        let unmuted = next_participant_audio(&calls, &mut events).await;
        assert_eq!(unmuted.muted(), Some(false), "{format}");
        match unmuted.unmute().await {
            Err(ClientError::Response(ResponseError::Ucwa(e))) if is_conflict(&e) => {}
            other => panic!("{format}: unmuted twice: {other:?}"),
        }
        call.stop().await.unwrap();
    }
}
