//! A meeting's guest, against the emulator, in JSON and XML: signed in with the anonymous
//! meeting grant (the meeting's URI and key) and an application at `anonApplications`, the
//! guest joins a meeting that keeps guests in its lobby, waits, is turned away, tries again, is
//! admitted by the organizer, chats both ways, and renews its token with the same identity
//! while the chat goes on.

mod common;

use std::time::Duration;

use common::{FORMATS, session, wait_for};
use ucwa::enumerations::InvitationState;
use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;
use ucwa_client::guest::{Guest, GuestSignIn};
use ucwa_client::messaging::{ConversationHandle, ReceivedMessage};
use ucwa_client::{Session, SessionError};
use ucwa_emulator::{Config, Emulator};

const DISCOVERY: &str = "lyncdiscoverinternal.contoso.com";

async fn guest(
    emulator: &Emulator,
    uri: &str,
    key: &str,
    format: ucwa::Format,
) -> Result<Guest, SessionError> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(DISCOVERY, emulator.addr())
        .build()
        .unwrap();
    GuestSignIn::meeting(uri, key)
        .unwrap()
        .with(|s| {
            s.allow_http(true)
                .http_client(http)
                .format(format)
                .long_poll(Duration::from_secs(5))
        })
        .start()
        .await
}

fn completed(href: &str) -> impl Fn(&Event<AnyResource>) -> Option<String> + '_ {
    move |e| {
        (e.event_type == EventType::Completed && e.link.href.as_str() == href)
            .then(|| e.status.clone().unwrap_or_default())
    }
}

fn received(event: &Event<AnyResource>) -> Option<(Option<String>, String)> {
    ReceivedMessage::from_event(event).map(|m| {
        (
            m.from.clone(),
            String::from_utf8_lossy(&m.body).into_owned(),
        )
    })
}

/// Adds messaging to a meeting's conversation and waits for it: the handle read again.
async fn chat(user: &Session, meeting: &ConversationHandle) -> ConversationHandle {
    let mut events = user.events();
    let invitation = meeting.add_messaging().await.unwrap();
    wait_for(&mut events, completed(invitation.href.as_str())).await;
    meeting.refresh().await.unwrap()
}

#[tokio::test]
async fn a_guest_waits_in_the_lobby_is_admitted_chats_and_renews_its_token() {
    // Guests' tokens live two minutes here, so that the test renews one without letting the
    // applications expire (15 minutes idle).
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        anonymous_token_lifetime: Duration::from_secs(120),
        ..Config::default()
    })
    .await
    .unwrap();
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        // Scheduled with the defaults: people of the enterprise enter, guests wait.
        let scheduled = lene
            .online_meetings()
            .schedule(&Default::default())
            .await
            .unwrap();
        let uri = scheduled
            .online_meeting_uri
            .clone()
            .unwrap()
            .as_str()
            .to_owned();
        let key = scheduled.conference_id.clone().unwrap();

        // A wrong key is refused at the token endpoint.
        assert!(
            guest(&emulator, &uri, "nope", format).await.is_err(),
            "{format:?}"
        );

        let mut lene_events = lene.events();
        let invitation = lene.online_meetings().join(&uri).await.unwrap();
        assert_eq!(
            wait_for(&mut lene_events, completed(invitation.href.as_str())).await,
            "Success"
        );
        let read = lene
            .online_meetings()
            .invitation(&invitation)
            .await
            .unwrap();
        let lene_meeting = lene.online_meetings().conversation(&read).await.unwrap();

        // The guest joins and waits in the lobby.
        let guest = guest(&emulator, &uri, &key, format).await.unwrap();
        assert!(
            emulator
                .observed()
                .requests()
                .iter()
                .any(|(_, path)| path.ends_with("/anonApplications")),
            "{format:?}: the guest's application is made at anonApplications"
        );
        let mut guest_events = guest.session().events();
        let meetings = guest.session().online_meetings();

        // A first try: Lene turns the guest away; the guest's invitation fails.
        let mut lene_events = lene.events();
        let turned_away = guest.join().await.unwrap();
        wait_for(&mut lene_events, |e| {
            (e.in_rel.as_deref() == Some("lobby") && e.event_type == EventType::Added).then_some(())
        })
        .await;
        let lobby = lene_meeting.lobby().await.unwrap();
        lene_meeting.reject(&lobby[0]).await.unwrap();
        assert_eq!(
            wait_for(&mut guest_events, completed(turned_away.href.as_str())).await,
            "Failure",
            "{format:?}"
        );
        assert!(lene_meeting.lobby().await.unwrap().is_empty());

        // Again: this time Lene lets the guest in.
        let joined = guest.join().await.unwrap();
        let waiting = wait_for(&mut lene_events, |e| {
            (e.in_rel.as_deref() == Some("lobby") && e.event_type == EventType::Added)
                .then(|| e.clone())
        })
        .await;
        match &waiting.resource {
            Some(AnyResource::Participant(p)) => {
                assert_eq!(p.anonymous, Some(true), "{format:?}");
                assert_eq!(p.name.as_deref(), Some("Guest"));
            }
            other => panic!("{format:?}: {other:?}"),
        }
        let state = meetings.invitation(&joined).await.unwrap().state;
        assert_eq!(state, Some(InvitationState::Connecting), "{format:?}");

        // Lene admits the guest.
        let lobby = lene_meeting.lobby().await.unwrap();
        assert_eq!(lobby.len(), 1, "{format:?}");
        lene_meeting.admit(&lobby[0]).await.unwrap();
        assert_eq!(
            wait_for(&mut guest_events, completed(joined.href.as_str())).await,
            "Success",
            "{format:?}"
        );
        let read = meetings.invitation(&joined).await.unwrap();
        let guest_meeting = meetings.conversation(&read).await.unwrap();
        let guest_meeting = chat(guest.session(), &guest_meeting).await;
        let lene_meeting = chat(&lene, &lene_meeting).await;

        let mut lene_events = lene.events();
        guest_meeting
            .send_message("Hello from outside")
            .await
            .unwrap();
        let (from, text) = wait_for(&mut lene_events, received).await;
        assert_eq!(text, "Hello from outside");
        assert_eq!(from.as_deref(), Some("Guest"), "{format:?}");
        let mut guest_events = guest.session().events();
        lene_meeting.send_message("Welcome").await.unwrap();
        assert_eq!(wait_for(&mut guest_events, received).await.1, "Welcome");

        // Past the guest token's lifetime: the next request renews it with the old token
        // (the same identity), and the chat goes on.
        let renewals = emulator.observed().anonymous_renewals();
        emulator.clock().advance(Duration::from_secs(180));
        guest_meeting.send_message("Still here").await.unwrap();
        let (from, text) = wait_for(&mut lene_events, received).await;
        assert_eq!(
            (from.as_deref(), text.as_str()),
            (Some("Guest"), "Still here")
        );
        assert!(
            emulator.observed().anonymous_renewals() > renewals,
            "{format:?}: the token was renewed"
        );
        guest.shutdown().await;
        lene.shutdown().await;
    }
}
