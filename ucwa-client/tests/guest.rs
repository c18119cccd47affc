//! A meeting's guest, against the emulator, in JSON and XML: signed in with the anonymous
//! meeting grant (the meeting's URI and key) and an application at `anonApplications`, the
//! guest joins a meeting that keeps guests in its lobby, waits, is turned away, tries again, is
//! admitted by the organizer, chats both ways, and renews its token with the same identity
//! while the chat goes on.

mod common;

use std::time::Duration;

use common::{FORMATS, session, wait_for};
use ucwa::ResponseError;
use ucwa::enumerations::InvitationState;
use ucwa::events::{Event, EventType};
use ucwa::operations::JoinOnlineMeetingPostError;
use ucwa::resources::AnyResource;
use ucwa_client::guest::{Guest, GuestSignIn};
use ucwa_client::messaging::{ConversationHandle, ReceivedMessage};
use ucwa_client::{ClientError, Session, SessionError};
use ucwa_emulator::{Config, Emulator};

const DISCOVERY: &str = "lyncdiscoverinternal.contoso.com";

async fn guest(
    emulator: &Emulator,
    uri: &str,
    key: &str,
    format: ucwa::Format,
) -> Result<Guest, SessionError> {
    named_guest(emulator, uri, key, None, format).await
}

async fn named_guest(
    emulator: &Emulator,
    uri: &str,
    key: &str,
    name: Option<&str>,
    format: ucwa::Format,
) -> Result<Guest, SessionError> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(DISCOVERY, emulator.addr())
        .build()
        .unwrap();
    let mut signin = GuestSignIn::meeting(uri, key).unwrap();
    if let Some(name) = name {
        signin = signin.display_name(name);
    }
    signin
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

/// A meeting scheduled by `user` with the defaults (guests wait in the lobby): its URI and key.
async fn scheduled(user: &Session) -> (String, String) {
    let meeting = user
        .online_meetings()
        .schedule(&Default::default())
        .await
        .unwrap();
    let uri = meeting.online_meeting_uri.clone().unwrap();
    (
        uri.as_str().to_owned(),
        meeting.conference_id.clone().unwrap(),
    )
}

#[tokio::test]
async fn two_guests_are_two_participants_each_tied_to_its_meeting() {
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        anonymous_token_lifetime: Duration::from_secs(120),
        ..Config::default()
    })
    .await
    .unwrap();
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let (uri, key) = scheduled(&lene).await;
        let (other_uri, _) = scheduled(&lene).await;
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

        let cathy = named_guest(&emulator, &uri, &key, Some("Cathy Arnold"), format)
            .await
            .unwrap();
        let dev = named_guest(&emulator, &uri, &key, Some("Dev Patel"), format)
            .await
            .unwrap();

        // The token is for its meeting only: another meeting's join is refused (403).
        match cathy.session().online_meetings().join(&other_uri).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                JoinOnlineMeetingPostError::Forbidden(error),
            ))) => assert_eq!(error.code, "Forbidden", "{format:?}"),
            other => panic!("{format:?}: {other:?}"),
        }

        // Both join at once and wait, each with its own name.
        let mut cathy_events = cathy.session().events();
        let mut dev_events = dev.session().events();
        let cathy_join = cathy.join().await.unwrap();
        let dev_join = dev.join().await.unwrap();
        let mut waiting = Vec::new();
        while waiting.len() < 2 {
            let p = wait_for(&mut lene_events, |e| {
                (e.in_rel.as_deref() == Some("lobby") && e.event_type == EventType::Added)
                    .then(|| e.resource.clone())
            })
            .await;
            match p {
                Some(AnyResource::Participant(p)) => {
                    assert_eq!(p.anonymous, Some(true), "{format:?}");
                    waiting.push(p.name.clone().unwrap_or_default());
                }
                other => panic!("{format:?}: {other:?}"),
            }
        }
        waiting.sort();
        assert_eq!(waiting, ["Cathy Arnold", "Dev Patel"], "{format:?}");
        let lobby = lene_meeting.lobby().await.unwrap();
        let mut names: Vec<_> = lobby.iter().filter_map(|p| p.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["Cathy Arnold", "Dev Patel"], "{format:?}");
        // Two participants: two addresses.
        assert_ne!(lobby[0].uri, lobby[1].uri, "{format:?}");

        // Both admitted.
        for waiting in &lobby {
            lene_meeting.admit(waiting).await.unwrap();
        }
        assert_eq!(
            wait_for(&mut cathy_events, completed(cathy_join.href.as_str())).await,
            "Success",
            "{format:?}"
        );
        assert_eq!(
            wait_for(&mut dev_events, completed(dev_join.href.as_str())).await,
            "Success",
            "{format:?}"
        );
        assert!(lene_meeting.lobby().await.unwrap().is_empty());

        // Both chat; each message is the right guest's.
        let mut rooms = Vec::new();
        for guest in [&cathy, &dev] {
            let meetings = guest.session().online_meetings();
            let joined = if std::ptr::eq(guest, &cathy) {
                &cathy_join
            } else {
                &dev_join
            };
            let read = meetings.invitation(joined).await.unwrap();
            let room = meetings.conversation(&read).await.unwrap();
            rooms.push(chat(guest.session(), &room).await);
        }
        let lene_meeting = chat(&lene, &lene_meeting).await;
        let mut lene_events = lene.events();
        rooms[0].send_message("Cathy here").await.unwrap();
        let first = wait_for(&mut lene_events, received).await;
        rooms[1].send_message("Dev here").await.unwrap();
        let second = wait_for(&mut lene_events, received).await;
        assert_eq!(
            [first, second],
            [
                (Some("Cathy Arnold".to_owned()), "Cathy here".to_owned()),
                (Some("Dev Patel".to_owned()), "Dev here".to_owned()),
            ],
            "{format:?}"
        );
        let mut dev_events = dev.session().events();
        lene_meeting.send_message("Welcome both").await.unwrap();
        assert_eq!(wait_for(&mut dev_events, received).await.1, "Welcome both");

        // A renewal keeps the identity: the same name, and no one new in the lobby.
        let renewals = emulator.observed().anonymous_renewals();
        emulator.clock().advance(Duration::from_secs(180));
        rooms[1].send_message("Dev again").await.unwrap();
        assert_eq!(
            wait_for(&mut lene_events, received).await,
            (Some("Dev Patel".to_owned()), "Dev again".to_owned()),
            "{format:?}"
        );
        rooms[0].send_message("Cathy again").await.unwrap();
        assert_eq!(
            wait_for(&mut lene_events, received).await,
            (Some("Cathy Arnold".to_owned()), "Cathy again".to_owned()),
            "{format:?}"
        );
        assert!(
            emulator.observed().anonymous_renewals() >= renewals + 2,
            "{format:?}: both tokens were renewed"
        );
        assert!(lene_meeting.lobby().await.unwrap().is_empty());

        cathy.shutdown().await;
        dev.shutdown().await;
        lene.shutdown().await;
    }
}

/// The token endpoint's answer to an anonymous grant with these form fields: the status and,
/// when one was issued, the token.
async fn anonymous_grant(emulator: &Emulator, fields: &[(&str, &str)]) -> (u16, Option<String>) {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "urn:microsoft.rtc:anonmeeting");
    form.extend_pairs(fields);
    let answer = reqwest::Client::new()
        .post(format!("{}/WebTicket/oauthtoken", emulator.origin()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let token = body["access_token"].as_str().map(str::to_owned);
    (status, token)
}

#[tokio::test]
async fn a_renewal_keeps_its_meeting_and_a_guest_name_is_bounded() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let config = Config::default();
    let lene = session(&emulator, "lene@contoso.com", ucwa::Format::Json).await;
    let (other_uri, other_key) = scheduled(&lene).await;
    let first = [
        ("password", config.meeting_key.as_str()),
        ("ms_rtc_conferenceuri", config.meeting_uri.as_str()),
        ("display_name", "Cathy Arnold"),
    ];
    let (status, token) = anonymous_grant(&emulator, &first).await;
    assert_eq!(status, 200);
    let token = token.unwrap();

    // Renewing for another meeting (with that meeting's right key) is refused: the identity
    // belongs to the first meeting.
    let elsewhere = [
        ("password", other_key.as_str()),
        ("ms_rtc_conferenceuri", other_uri.as_str()),
        ("ms_rtc_renew", token.as_str()),
    ];
    assert_eq!(anonymous_grant(&emulator, &elsewhere).await, (400, None));
    // A user's token does not renew into a guest's.
    let users = emulator.observed().tokens_seen(0);
    let user_token = users.first().unwrap();
    let stolen = [
        ("password", config.meeting_key.as_str()),
        ("ms_rtc_conferenceuri", config.meeting_uri.as_str()),
        ("ms_rtc_renew", user_token.as_str()),
    ];
    assert_eq!(anonymous_grant(&emulator, &stolen).await, (400, None));
    // The same meeting renews.
    let renewal = [
        ("password", config.meeting_key.as_str()),
        ("ms_rtc_conferenceuri", config.meeting_uri.as_str()),
        ("ms_rtc_renew", token.as_str()),
    ];
    let (status, renewed) = anonymous_grant(&emulator, &renewal).await;
    assert_eq!(status, 200);
    assert_ne!(renewed.as_deref(), Some(token.as_str()));

    // A name longer than the 250 characters of `anonymousDisplayName` is refused.
    let long = "x".repeat(251);
    let too_long = [
        ("password", config.meeting_key.as_str()),
        ("ms_rtc_conferenceuri", config.meeting_uri.as_str()),
        ("display_name", long.as_str()),
    ];
    assert_eq!(anonymous_grant(&emulator, &too_long).await, (400, None));
    lene.shutdown().await;
}
