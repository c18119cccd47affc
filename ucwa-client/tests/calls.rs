//! Phone audio (call via work) against the emulator, in JSON and in XML: a call that rings on
//! the emulator's clock, connects, is held, resumed and stopped, with the events of each
//! change; each way a call fails (busy, declined, not answered, stopped while ringing), typed;
//! one phone-audio call per conversation; phone audio refused to a session that did not advertise
//! it, and the advertised phone rung when a call names none; the same operationId twice; the far ends set by the
//! configuration and by the command line's rule syntax.

mod common;

use std::time::Duration;

use common::{FORMATS, WAIT, emulator, session, session_with, wait_for};
use ucwa::ResponseError;
use ucwa::enumerations::{CallState, InvitationState};
use ucwa::operations::StartPhoneAudioPostError;
use ucwa::operations::{AddPhoneAudioPost, AddPhoneAudioPostBody, AddPhoneAudioPostError};
use ucwa_client::ClientError;
use ucwa_client::calls::{CallFailure, CallOutcome, PhoneAudioState, PlaceCall};
use ucwa_emulator::{Config, Emulator, LegOutcome, LegRule, Limits};

/// Lene, signed in with phone audio and her desk phone.
async fn phone_session(emulator: &Emulator, format: ucwa::Format) -> ucwa_client::Session {
    session_with(emulator, "lene@contoso.com", format, |signin| {
        signin.phone_audio("tel:+14255550100")
    })
    .await
}

#[tokio::test]
async fn phone_audio_needs_the_capability_and_rings_the_advertised_phone() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        // Signed in for messaging only: phone audio is not among the capabilities.
        let plain = session(&emulator, "lene@contoso.com", format).await;
        match plain.calls().place(PlaceCall::to("tel:+15550001")).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                StartPhoneAudioPostError::Forbidden(_),
            ))) => {}
            other => panic!("{format}: {other:?}"),
        }
        plain.shutdown().await;

        // With phone audio: a call naming no phone rings the one makeMeAvailable gave.
        let lene = phone_session(&emulator, format).await;
        let mut call = lene
            .calls()
            .place(PlaceCall::to("tel:+15550002"))
            .await
            .unwrap();
        let invitation = call.invitation().await.unwrap();
        assert_eq!(
            invitation.phone_number.as_ref().map(|u| u.as_str()),
            Some("tel:+14255550100"),
            "{format}"
        );
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn a_call_rings_connects_is_held_resumed_and_stopped_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    emulator
        .faults()
        .leg_delays(Duration::from_secs(5), Duration::from_secs(20));
    for format in FORMATS {
        let lene = phone_session(&emulator, format).await;
        let mut events = lene.events();
        let mut call = lene
            .calls()
            .place(
                PlaceCall::to("+1 425 555 0123")
                    .ring_first("tel:+1 425 555 0199")
                    .subject("Order 1234")
                    .operation_id(format!("call-{format}")),
            )
            .await
            .unwrap();

        // Still ringing the user's phone: nothing moves until the emulator's clock does.
        let invitation = call.invitation().await.unwrap();
        assert_eq!(
            invitation.state,
            Some(InvitationState::Connecting),
            "{format}"
        );
        assert_eq!(
            invitation.to.as_ref().map(|u| u.as_str()),
            Some("tel:+14255550123")
        );
        assert_eq!(
            invitation.phone_number.as_ref().map(|u| u.as_str()),
            Some("tel:+14255550199")
        );
        assert_eq!(invitation.subject.as_deref(), Some("Order 1234"));
        let ringing = call.phone_audio().await.unwrap();
        assert_eq!(ringing.state(), Some(CallState::Connecting), "{format}");
        assert!(ringing.resource().links.hold_phone_audio.is_none());
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            call.invitation().await.unwrap().state,
            Some(InvitationState::Connecting)
        );

        // The user's phone picks up, then the far end answers.
        emulator.clock().advance(Duration::from_secs(25));
        assert_eq!(
            call.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Connected,
            "{format}"
        );
        let connected = call.phone_audio().await.unwrap();
        assert_eq!(connected.state(), Some(CallState::Connected));
        assert!(!connected.is_held());

        connected.hold().await.unwrap();
        let held = wait_for(&mut events, |e| {
            PhoneAudioState::from_event(e).filter(|s| s.held)
        })
        .await;
        assert_eq!(held.state, Some(CallState::Connected), "{format}");
        let on_hold = call.phone_audio().await.unwrap();
        assert!(on_hold.is_held());
        // Holding twice is not offered: the link is gone while held.
        assert!(matches!(
            on_hold.hold().await,
            Err(ClientError::MissingLink { rel, .. }) if rel == "holdPhoneAudio"
        ));

        on_hold.resume().await.unwrap();
        let resumed = wait_for(&mut events, |e| {
            PhoneAudioState::from_event(e).filter(|s| !s.held)
        })
        .await;
        assert_eq!(resumed.state, Some(CallState::Connected));

        call.phone_audio().await.unwrap().stop().await.unwrap();
        let ended = wait_for(&mut events, |e| {
            PhoneAudioState::from_event(e).filter(|s| s.state == Some(CallState::Disconnected))
        })
        .await;
        assert!(!ended.held, "{format}");
        let over = call.phone_audio().await.unwrap();
        assert_eq!(over.state(), Some(CallState::Disconnected));
        assert!(matches!(
            over.stop().await,
            Err(ClientError::MissingLink { rel, .. }) if rel == "stopPhoneAudio"
        ));
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn each_failure_is_typed_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    let faults = emulator.faults();
    faults.leg_outcome("tel:+15550001", LegOutcome::Busy);
    faults.leg_outcome("sip:ann@contoso.com", LegOutcome::Declines);
    faults.leg_outcome("tel:+15550003", LegOutcome::NoAnswer);
    for format in FORMATS {
        let lene = phone_session(&emulator, format).await;
        let mut events = lene.events();
        for (to, expected) in [
            ("+1 555 0001", "busy"),
            ("ann@contoso.com", "declined"),
            ("tel:+15550003", "not answered"),
        ] {
            let mut call = lene.calls().place(PlaceCall::to(to)).await.unwrap();
            let outcome = call.outcome(&mut events, WAIT).await.unwrap();
            let CallOutcome::Failed(failure) = &outcome else {
                panic!("{to} {format}: {outcome:?}")
            };
            assert!(failure.to_string().starts_with(expected), "{failure}");
            match (expected, failure) {
                ("busy", CallFailure::Busy(reason)) => {
                    assert_eq!(reason.code, "RemoteFailure");
                }
                ("declined", CallFailure::Declined(reason)) => {
                    assert_eq!(reason.subcode.as_deref(), Some("Declined"));
                }
                ("not answered", CallFailure::NoAnswer(reason)) => {
                    assert_eq!(reason.code, "Timeout");
                }
                _ => panic!("{to} {format}: {failure:?}"),
            }
            let invitation = call.invitation().await.unwrap();
            let state = if expected == "declined" {
                InvitationState::Declined
            } else {
                InvitationState::Failed
            };
            assert_eq!(invitation.state, Some(state), "{to} {format}");
            let phone_audio = call.phone_audio().await.unwrap();
            assert_eq!(phone_audio.state(), Some(CallState::Disconnected));
        }
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn a_ringing_call_stopped_fails_and_a_conversation_has_one_phone_call() {
    let emulator = emulator(Limits::default()).await;
    emulator
        .faults()
        .leg_delays(Duration::from_secs(30), Duration::ZERO);
    for format in FORMATS {
        let lene = phone_session(&emulator, format).await;
        let mut events = lene.events();
        let mut call = lene
            .calls()
            .place(PlaceCall::to("tel:+15550009").operation_id("once"))
            .await
            .unwrap();
        call.invitation().await.unwrap();
        let ringing = call.phone_audio().await.unwrap();

        // A live call: its conversation takes no second phone-audio call.
        let client = lene.client();
        let add = ringing.resource().links.add_phone_audio.clone();
        assert!(add.is_none(), "a live call offers no addPhoneAudio");
        let href = ringing
            .resource()
            .links
            .stop_phone_audio
            .as_ref()
            .unwrap()
            .href
            .as_str()
            .replace("stopPhoneAudio", "addPhoneAudio");
        let request = AddPhoneAudioPost::request(
            client.origin(),
            &ucwa::Link::to(href.clone()),
            &AddPhoneAudioPostBody::default(),
            format,
        )
        .unwrap();
        match client.send(request).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                AddPhoneAudioPostError::AlreadyExists(_),
            ))) => {}
            other => panic!("{format}: {other:?}"),
        }

        // The same operationId again.
        match lene
            .calls()
            .place(PlaceCall::to("tel:+15550010").operation_id("once"))
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(
                StartPhoneAudioPostError::AlreadyExists(_),
            ))) => {}
            other => panic!("{format}: {other:?}"),
        }

        // Stopped while ringing: the invitation fails, and the phone can be added again.
        ringing.stop().await.unwrap();
        let outcome = call.outcome(&mut events, WAIT).await.unwrap();
        let CallOutcome::Failed(CallFailure::Other(reason)) = &outcome else {
            panic!("{format}: {outcome:?}")
        };
        assert_eq!(reason.code, "LocalFailure");
        let over = call.phone_audio().await.unwrap();
        assert!(over.resource().links.add_phone_audio.is_some(), "{format}");
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn far_ends_come_from_the_configuration_and_the_command_line_rules() {
    let mut config = Config {
        long_poll: Duration::from_secs(5),
        ..Config::default()
    };
    let rule: LegRule = "tel:+15550042=declines".parse().unwrap();
    config.legs.outcomes.insert(rule.party, rule.outcome);
    config.legs.default = LegOutcome::Busy;
    let emulator = Emulator::start(config).await.unwrap();
    for format in FORMATS {
        let lene = phone_session(&emulator, format).await;
        let mut events = lene.events();
        for (to, declined) in [("tel:+1-555-0042", true), ("tel:+15550043", false)] {
            let mut call = lene.calls().place(PlaceCall::to(to)).await.unwrap();
            match call.outcome(&mut events, WAIT).await.unwrap() {
                CallOutcome::Failed(CallFailure::Declined(_)) if declined => {}
                CallOutcome::Failed(CallFailure::Busy(_)) if !declined => {}
                other => panic!("{to} {format}: {other:?}"),
            }
        }
        lene.shutdown().await;
    }
}
