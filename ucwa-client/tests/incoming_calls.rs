//! Phone calls arriving for a user, against the emulator, in JSON and in XML: a call made to
//! arrive by the emulator's hook and one placed by another signed-in user, each accepted (the
//! user's phone picks up) and declined through the API; and each forwarding mode applied to a
//! call: immediate forward to a contact, the delegates or voicemail, simultaneous ring to a
//! contact, the delegates or the team, unanswered calls to voicemail or a contact after their
//! delay on the emulator's clock, and forwarding off.

mod common;

use std::time::Duration;

use common::{FORMATS, WAIT, emulator, session_with, wait_for};
use ucwa::enumerations::CallState;
use ucwa_client::Session;
use ucwa_client::calls::{
    CallFailure, CallOutcome, DeclineScope, IncomingPhoneCall, PhoneAudioState, PlaceCall,
};
use ucwa_emulator::{Emulator, IncomingCallError, LegOutcome, Limits};

const LENE_PHONE: &str = "tel:+14255550100";
const ANN_PHONE: &str = "tel:+14255550111";

async fn phone_session(
    emulator: &Emulator,
    who: &str,
    phone: &str,
    format: ucwa::Format,
) -> Session {
    session_with(emulator, who, format, |signin| signin.phone_audio(phone)).await
}

/// The next incoming phone call `session` hears.
async fn next_incoming(
    session: &Session,
    events: &mut ucwa_client::EventReceiver,
) -> IncomingPhoneCall {
    let calls = session.calls();
    wait_for(events, |e| calls.incoming(e)).await
}

fn failure_subcode(outcome: &CallOutcome) -> Option<&str> {
    match outcome {
        CallOutcome::Failed(failure) => failure.reason().subcode.as_deref(),
        CallOutcome::Connected => None,
    }
}

#[tokio::test]
async fn an_incoming_call_is_accepted_by_the_phone_and_declined_through_the_api() {
    let emulator = emulator(Limits::default()).await;
    let faults = emulator.faults();
    assert!(matches!(
        faults.incoming_call("nobody@contoso.com", "tel:+15550150"),
        Err(IncomingCallError::UnknownUser(_))
    ));
    faults.leg_delays(Duration::from_secs(4), Duration::ZERO);
    for format in FORMATS {
        faults.leg_outcome(LENE_PHONE, LegOutcome::Answers);
        let lene = phone_session(&emulator, "lene@contoso.com", LENE_PHONE, format).await;
        let mut events = lene.events();

        // Accepted: the phone picks up after it rang for the ring delay.
        faults
            .incoming_call("lene@contoso.com", "+1 555 0150")
            .unwrap();
        let mut incoming = next_incoming(&lene, &mut events).await;
        assert_eq!(incoming.from_uri(), Some("tel:+15550150"), "{format}");
        assert_eq!(incoming.phone_number(), Some(LENE_PHONE), "{format}");
        assert!(incoming.resource().links.decline.is_some(), "{format}");
        emulator.clock().advance(Duration::from_secs(4));
        assert_eq!(
            incoming.outcome(&mut events, WAIT).await.unwrap(),
            CallOutcome::Connected,
            "{format}"
        );
        let phone_audio = incoming.call().phone_audio().await.unwrap();
        assert_eq!(phone_audio.state(), Some(CallState::Connected), "{format}");
        phone_audio.hold().await.unwrap();
        wait_for(&mut events, |e| {
            PhoneAudioState::from_event(e).filter(|s| s.held)
        })
        .await;
        incoming
            .call()
            .phone_audio()
            .await
            .unwrap()
            .stop()
            .await
            .unwrap();

        // Declined while the phone rings on.
        faults.leg_outcome(LENE_PHONE, LegOutcome::NoAnswer);
        faults
            .incoming_call("lene@contoso.com", "sip:john@contoso.com")
            .unwrap();
        let mut incoming = next_incoming(&lene, &mut events).await;
        assert_eq!(incoming.from_uri(), Some("sip:john@contoso.com"));
        incoming.decline(DeclineScope::Here).await.unwrap();
        let outcome = incoming.outcome(&mut events, WAIT).await.unwrap();
        assert!(
            matches!(&outcome, CallOutcome::Failed(CallFailure::Declined(_))),
            "{format}: {outcome:?}"
        );
        // Once over, it cannot be declined again.
        assert!(
            incoming.decline(DeclineScope::Here).await.is_err(),
            "{format}"
        );
        lene.shutdown().await;
    }
}

#[tokio::test]
async fn a_user_calls_another_who_answers_or_declines_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    let faults = emulator.faults();
    for format in FORMATS {
        let lene = phone_session(&emulator, "lene@contoso.com", LENE_PHONE, format).await;
        let ann = phone_session(&emulator, "ann@contoso.com", ANN_PHONE, format).await;
        let mut lene_events = lene.events();
        let mut ann_events = ann.events();

        // Lene's phone answers: Ann's call connects to Lene.
        faults.leg_outcome(LENE_PHONE, LegOutcome::Answers);
        let mut call = ann
            .calls()
            .place(PlaceCall::to("lene@contoso.com"))
            .await
            .unwrap();
        let mut incoming = next_incoming(&lene, &mut lene_events).await;
        let from = incoming.from().unwrap();
        assert_eq!(
            from.uri.as_ref().map(|u| u.as_str()),
            Some("sip:ann@contoso.com")
        );
        assert_eq!(from.name.as_deref(), Some("Ann Remote"), "{format}");
        assert_eq!(
            call.outcome(&mut ann_events, WAIT).await.unwrap(),
            CallOutcome::Connected,
            "{format}"
        );
        assert_eq!(
            call.accepted_by()
                .and_then(|p| p.uri.as_ref())
                .map(|u| u.as_str()),
            Some("sip:lene@contoso.com"),
            "{format}"
        );
        assert_eq!(
            incoming.outcome(&mut lene_events, WAIT).await.unwrap(),
            CallOutcome::Connected
        );
        call.phone_audio().await.unwrap().stop().await.unwrap();

        // Lene declines on every device: Ann hears it declined.
        faults.leg_outcome(LENE_PHONE, LegOutcome::NoAnswer);
        let mut call = ann
            .calls()
            .place(PlaceCall::to("sip:lene@contoso.com"))
            .await
            .unwrap();
        let incoming = next_incoming(&lene, &mut lene_events).await;
        incoming.decline(DeclineScope::Everywhere).await.unwrap();
        let outcome = call.outcome(&mut ann_events, WAIT).await.unwrap();
        assert!(
            matches!(&outcome, CallOutcome::Failed(CallFailure::Declined(_))),
            "{format}: {outcome:?}"
        );

        // Ann hangs up while Lene's phone rings: it stops ringing, `Canceled`.
        let mut call = ann
            .calls()
            .place(PlaceCall::to("lene@contoso.com"))
            .await
            .unwrap();
        let mut incoming = next_incoming(&lene, &mut lene_events).await;
        call.invitation().await.unwrap();
        call.phone_audio().await.unwrap().stop().await.unwrap();
        let outcome = incoming.outcome(&mut lene_events, WAIT).await.unwrap();
        assert_eq!(failure_subcode(&outcome), Some("Canceled"), "{format}");
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

/// A forwarding mode, set through the client, and what a call to Lene then does.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Off,
    ToContact,
    ToDelegates,
    ToVoicemail,
    RingContact,
    RingDelegates,
    RingTeam,
    UnansweredToVoicemail,
    UnansweredToContact,
}

const CONTACT: &str = "tel:+15550160";

async fn set(lene: &Session, mode: Mode) {
    let forwarding = lene.forwarding().read().await.unwrap();
    match mode {
        Mode::Off => {
            forwarding.turn_off().await.unwrap();
            lene.forwarding()
                .read()
                .await
                .unwrap()
                .reset_unanswered()
                .await
                .unwrap();
        }
        Mode::ToContact => forwarding.forward_to_contact(CONTACT).await.unwrap(),
        Mode::ToDelegates => forwarding.forward_to_delegates().await.unwrap(),
        Mode::ToVoicemail => forwarding.forward_to_voicemail().await.unwrap(),
        Mode::RingContact => forwarding.ring_contact(CONTACT).await.unwrap(),
        Mode::RingDelegates => forwarding.ring_delegates(Some(10)).await.unwrap(),
        Mode::RingTeam => forwarding.ring_team(Some(10)).await.unwrap(),
        Mode::UnansweredToVoicemail => {
            forwarding.turn_off().await.unwrap();
            lene.forwarding()
                .read()
                .await
                .unwrap()
                .unanswered_to_voicemail(Some(15))
                .await
                .unwrap();
        }
        Mode::UnansweredToContact => {
            forwarding.turn_off().await.unwrap();
            lene.forwarding()
                .read()
                .await
                .unwrap()
                .unanswered_to_contact(CONTACT, Some(15))
                .await
                .unwrap();
        }
    }
}

/// A forwarding case: the mode, whether Lene's phone answers, who answers in the end, what
/// Lene's own invitation says (`None` when nothing rang her, else its failure's subcode,
/// `Some(None)` when she connected), how far the clock moves once the call rings.
type Case = (Mode, bool, &'static str, Option<Option<&'static str>>, u64);

#[tokio::test]
async fn each_forwarding_mode_is_applied_to_a_call_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    let faults = emulator.faults();
    // Lene's phone never picks up unless a case says so; whoever calls it rings for 5 s.
    faults.leg_delays(Duration::from_secs(5), Duration::ZERO);
    let voicemail = "sip:lene@contoso.com;opaque=app:voicemail";
    let cases: [Case; 10] = [
        (Mode::Off, true, "sip:lene@contoso.com", Some(None), 5),
        (Mode::Off, false, voicemail, Some(Some("Missed")), 20),
        (Mode::ToContact, true, CONTACT, None, 0),
        (
            Mode::ToDelegates,
            true,
            "sip:delegates@contoso.com",
            None,
            0,
        ),
        (Mode::ToVoicemail, true, voicemail, None, 0),
        (
            Mode::RingContact,
            false,
            CONTACT,
            Some(Some("Redirected")),
            0,
        ),
        (
            Mode::RingDelegates,
            false,
            "sip:delegates@contoso.com",
            Some(Some("Redirected")),
            10,
        ),
        (
            Mode::RingTeam,
            false,
            "sip:team@contoso.com",
            Some(Some("Redirected")),
            10,
        ),
        (
            Mode::UnansweredToVoicemail,
            false,
            voicemail,
            Some(Some("Missed")),
            15,
        ),
        (
            Mode::UnansweredToContact,
            false,
            CONTACT,
            Some(Some("Missed")),
            15,
        ),
    ];
    for format in FORMATS {
        let lene = phone_session(&emulator, "lene@contoso.com", LENE_PHONE, format).await;
        let ann = phone_session(&emulator, "ann@contoso.com", ANN_PHONE, format).await;
        let mut ann_events = ann.events();
        for (mode, lene_answers, answerer, lene_sees, advance) in cases {
            let what = format!("{format} {mode:?} (answers: {lene_answers})");
            set(&lene, mode).await;
            faults.leg_outcome(
                LENE_PHONE,
                if lene_answers {
                    LegOutcome::Answers
                } else {
                    LegOutcome::NoAnswer
                },
            );
            let mut lene_events = lene.events();
            // Ann's own phone rings first (the ring delay): the clock moves past it.
            let mut call = ann
                .calls()
                .place(PlaceCall::to("lene@contoso.com"))
                .await
                .unwrap();
            emulator.clock().advance(Duration::from_secs(5));
            let mut incoming = match lene_sees {
                Some(_) => Some(next_incoming(&lene, &mut lene_events).await),
                None => None,
            };
            emulator.clock().advance(Duration::from_secs(advance));
            let outcome = call.outcome(&mut ann_events, WAIT).await.unwrap();
            assert_eq!(outcome, CallOutcome::Connected, "{what}");
            assert_eq!(
                call.accepted_by()
                    .and_then(|p| p.uri.as_ref())
                    .map(|u| u.as_str()),
                Some(answerer),
                "{what}"
            );
            if let (Some(incoming), Some(expected)) = (incoming.as_mut(), lene_sees) {
                let outcome = incoming.outcome(&mut lene_events, WAIT).await.unwrap();
                assert_eq!(failure_subcode(&outcome), expected, "{what}: {outcome:?}");
                if expected.is_none() {
                    incoming
                        .call()
                        .phone_audio()
                        .await
                        .unwrap()
                        .stop()
                        .await
                        .unwrap();
                }
            }
            call.phone_audio().await.unwrap().stop().await.unwrap();
        }
        // A contact that is busy: the forwarded call fails as the contact's leg says.
        set(&lene, Mode::ToContact).await;
        faults.leg_outcome(CONTACT, LegOutcome::Busy);
        let mut call = ann
            .calls()
            .place(PlaceCall::to("lene@contoso.com"))
            .await
            .unwrap();
        emulator.clock().advance(Duration::from_secs(5));
        let outcome = call.outcome(&mut ann_events, WAIT).await.unwrap();
        assert!(
            matches!(outcome, CallOutcome::Failed(CallFailure::Busy(_))),
            "{format}"
        );
        faults.leg_outcome(CONTACT, LegOutcome::Answers);
        set(&lene, Mode::Off).await;
        lene.shutdown().await;
        ann.shutdown().await;
    }
}
