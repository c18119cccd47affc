//! Meetings as conversations, against the emulator, in JSON and XML: meet now, joining a
//! meeting's chat (addMessaging) and talking in it, the lobby (a leader admits or rejects one
//! waiting), and a leader's roster control (promote, demote, eject) seen by both sides, with
//! the typed refusal when someone who does not lead tries; the audience settings (messaging
//! for attendees, the mute lock) a leader switches and everyone sees.

mod common;

use common::{FORMATS, session, wait_for};
use ucwa::Link;
use ucwa::enumerations::{AccessLevel, AudienceMessaging, AudienceMuteLock, InvitationState, Role};
use ucwa::events::{Event, EventType};
use ucwa::operation::ResponseError;
use ucwa::operations::{CommunicationActionError, MyOnlineMeetingsPostBody};
use ucwa::resources::{AnyResource, Conversation, Participant};
use ucwa_client::meetings::IncomingMeetingInvitation;
use ucwa_client::messaging::{ConversationHandle, ReceivedMessage};
use ucwa_client::roster::RosterError;
use ucwa_client::{ClientError, Session};
use ucwa_emulator::{Emulator, Limits};

/// The `completed` event of the meeting invitation at `href`: its status and reason subcode.
fn meeting_completed(
    href: &str,
) -> impl Fn(&Event<AnyResource>) -> Option<(String, Option<String>)> + '_ {
    move |event| {
        (event.event_type == EventType::Completed
            && event.rel == "onlineMeetingInvitation"
            && event.link.href.as_str() == href)
            .then(|| {
                (
                    event.status.clone().unwrap_or_default(),
                    event.reason.as_ref().and_then(|r| r.subcode.clone()),
                )
            })
    }
}

/// `user` joins (or, without `uri`, meets now) and is let in: the meeting's conversation.
async fn enter(user: &Session, uri: Option<&str>) -> ConversationHandle {
    let mut events = user.events();
    let meetings = user.online_meetings();
    let invitation = match uri {
        Some(uri) => meetings.join(uri).await.unwrap(),
        None => meetings.meet_now(Some("Stand-up")).await.unwrap(),
    };
    let (status, _) = wait_for(&mut events, meeting_completed(invitation.href.as_str())).await;
    assert_eq!(status, "Success");
    let read = meetings.invitation(&invitation).await.unwrap();
    assert_eq!(read.state, Some(InvitationState::Connected));
    meetings.conversation(&read).await.unwrap()
}

/// Adds messaging to a meeting's conversation, waits for it to connect: the handle read again.
async fn chat(user: &Session, meeting: &ConversationHandle) -> ConversationHandle {
    let mut events = user.events();
    let invitation = meeting.add_messaging().await.unwrap();
    wait_for(&mut events, |e| {
        (e.event_type == EventType::Completed && e.link.href == invitation.href).then_some(())
    })
    .await;
    let meeting = meeting.refresh().await.unwrap();
    assert_eq!(
        meeting.messaging().and_then(|m| m.state.as_deref()),
        Some("Connected")
    );
    meeting
}

fn received(event: &Event<AnyResource>) -> Option<String> {
    ReceivedMessage::from_event(event).map(|m| String::from_utf8_lossy(&m.body).into_owned())
}

/// A participant event (`rel` participant or localParticipant) of `kind` about `name`.
fn about<'a>(
    kind: EventType,
    name: &'a str,
    lobby: bool,
) -> impl Fn(&Event<AnyResource>) -> Option<Event<AnyResource>> + 'a {
    move |e| {
        (e.event_type == kind
            && (e.rel == "participant" || e.rel == "localParticipant")
            && e.link.title.as_deref() == Some(name)
            && (e.in_rel.as_deref() == Some("lobby")) == lobby)
            .then(|| e.clone())
    }
}

fn role(event: &Event<AnyResource>) -> Option<Role> {
    match &event.resource {
        Some(AnyResource::Participant(p)) => p.role.clone(),
        _ => None,
    }
}

/// The participant `name` as `meeting`'s user reads it, from the attendees or leaders lists.
async fn read_participant(meeting: &ConversationHandle, name: &str) -> Participant {
    let mut links: Vec<Link<Participant>> = meeting.attendees().await.unwrap();
    links.extend(meeting.leaders().await.unwrap());
    let link = links
        .into_iter()
        .find(|l| l.title.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} in the meeting"));
    meeting.participant(&link).await.unwrap()
}

async fn started() -> Emulator {
    common::emulator(Limits::default()).await
}

#[tokio::test]
async fn meet_now_and_chat_in_the_meeting() {
    let emulator = started().await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let lene_meeting = enter(&lene, None).await;
        let meeting = lene_meeting.online_meeting().await.unwrap();
        assert_eq!(
            meeting.organizer_uri.as_deref(),
            Some("sip:lene@contoso.com")
        );
        assert_eq!(meeting.subject.as_deref(), Some("Stand-up"), "{format:?}");
        let uri = meeting.online_meeting_uri.clone().unwrap();

        // Ann, of the same enterprise, enters at once; Lene hears her.
        let mut lene_events = lene.events();
        let ann_meeting = enter(&ann, Some(&uri)).await;
        let added = wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", false),
        )
        .await;
        assert_eq!(role(&added), Some(Role::Attendee), "{format:?}");
        assert_eq!(
            ann_meeting
                .online_meeting()
                .await
                .unwrap()
                .online_meeting_uri
                .as_deref(),
            Some(uri.as_str())
        );

        // Before addMessaging there is nothing to send with.
        assert!(ann_meeting.send_message("too early").await.is_err());
        let lene_meeting = chat(&lene, &lene_meeting).await;
        let ann_meeting = chat(&ann, &ann_meeting).await;
        let mut ann_events = ann.events();
        let mut lene_events = lene.events();
        lene_meeting.send_message("Hello, meeting").await.unwrap();
        assert_eq!(wait_for(&mut ann_events, received).await, "Hello, meeting");
        ann_meeting.send_message("Hi Lene").await.unwrap();
        assert_eq!(
            wait_for(&mut lene_events, received).await,
            "Hi Lene",
            "{format:?}"
        );

        // The lists, from Lene's side.
        let leaders = lene_meeting.leaders().await.unwrap();
        let attendees = lene_meeting.attendees().await.unwrap();
        let titles = |l: &[Link<Participant>]| -> Vec<String> {
            l.iter().filter_map(|l| l.title.clone()).collect()
        };
        assert_eq!(titles(&leaders), ["Lene Aaling"], "{format:?}");
        assert_eq!(titles(&attendees), ["Ann Remote"], "{format:?}");
        ann_meeting.leave().await.unwrap();
        lene_meeting.leave().await.unwrap();
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

/// A meeting of Lene's that lets in only those invited: anyone else waits in the lobby.
async fn invited_only(lene: &Session) -> String {
    let scheduled = lene
        .online_meetings()
        .schedule(&MyOnlineMeetingsPostBody {
            subject: Some("Board".into()),
            access_level: Some(AccessLevel::Invited),
            ..MyOnlineMeetingsPostBody::default()
        })
        .await
        .unwrap();
    scheduled.online_meeting_uri.unwrap().as_str().to_owned()
}

#[tokio::test]
async fn a_leader_admits_one_from_the_lobby_and_rejects_another() {
    let emulator = started().await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let john = session(&emulator, "john@contoso.com", format).await;
        let uri = invited_only(&lene).await;
        let lene_meeting = enter(&lene, Some(&uri)).await;

        // Ann joins and waits: her invitation does not complete, Lene hears her in the lobby.
        let mut lene_events = lene.events();
        let mut ann_events = ann.events();
        let invitation = ann.online_meetings().join(&uri).await.unwrap();
        let waiting = wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", true),
        )
        .await;
        match &waiting.resource {
            Some(AnyResource::Participant(p)) => {
                assert_eq!(p.in_lobby, Some(true), "{format:?}");
                assert!(p.links.admit.is_some() && p.links.reject.is_some());
            }
            other => panic!("{format:?}: {other:?}"),
        }
        let read = ann.online_meetings().invitation(&invitation).await.unwrap();
        assert_eq!(read.state, Some(InvitationState::Connecting), "{format:?}");
        let lobby = lene_meeting.lobby().await.unwrap();
        assert_eq!(lobby.len(), 1);
        assert_eq!(lobby[0].name.as_deref(), Some("Ann Remote"));

        // Lene admits her: Ann's invitation completes, Lene hears her leave the lobby and
        // join the meeting.
        lene_meeting.admit(&lobby[0]).await.unwrap();
        let (status, _) =
            wait_for(&mut ann_events, meeting_completed(invitation.href.as_str())).await;
        assert_eq!(status, "Success", "{format:?}");
        wait_for(
            &mut lene_events,
            about(EventType::Deleted, "Ann Remote", true),
        )
        .await;
        wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", false),
        )
        .await;
        assert!(lene_meeting.lobby().await.unwrap().is_empty());
        let read = ann.online_meetings().invitation(&invitation).await.unwrap();
        let ann_meeting = ann.online_meetings().conversation(&read).await.unwrap();
        let ann_meeting = chat(&ann, &ann_meeting).await;
        let lene_meeting = chat(&lene, &lene_meeting).await;
        let mut lene_events = lene.events();
        ann_meeting
            .send_message("Thanks for letting me in")
            .await
            .unwrap();
        assert_eq!(
            wait_for(&mut lene_events, received).await,
            "Thanks for letting me in"
        );

        // John joins and waits; Ann, who does not lead, sees no one in the lobby; Lene
        // rejects him: his invitation fails, his conversation goes.
        let mut john_events = john.events();
        let johns = john.online_meetings().join(&uri).await.unwrap();
        wait_for(&mut lene_events, about(EventType::Added, "John Doe", true)).await;
        assert!(ann_meeting.lobby().await.unwrap().is_empty(), "{format:?}");
        let lobby = lene_meeting.lobby().await.unwrap();
        lene_meeting.reject(&lobby[0]).await.unwrap();
        let (status, subcode) =
            wait_for(&mut john_events, meeting_completed(johns.href.as_str())).await;
        assert_eq!(status, "Failure", "{format:?}");
        assert_eq!(subcode.as_deref(), Some("Rejected"));
        wait_for(&mut john_events, |e| {
            (e.rel == "conversation" && e.event_type == EventType::Deleted).then_some(())
        })
        .await;
        // Rejecting again finds no one.
        assert!(matches!(
            lene_meeting.reject(&lobby[0]).await,
            Err(RosterError::Request(_))
        ));
        for s in [lene, ann, john] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn promote_demote_and_eject_are_seen_by_both_sides() {
    let emulator = started().await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let lene_meeting = enter(&lene, None).await;
        let uri = lene_meeting
            .online_meeting()
            .await
            .unwrap()
            .online_meeting_uri
            .unwrap();
        let mut lene_events = lene.events();
        let ann_meeting = enter(&ann, Some(&uri)).await;
        wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", false),
        )
        .await;

        // Ann does not lead: the typed refusal, before any request.
        let lene_seen_by_ann = read_participant(&ann_meeting, "Lene Aaling").await;
        assert_eq!(lene_seen_by_ann.role, Some(Role::Leader));
        assert!(matches!(
            ann_meeting.eject(&lene_seen_by_ann).await,
            Err(RosterError::NotALeader { action: "eject" })
        ));

        // Lene promotes her: both hear it.
        let mut ann_events = ann.events();
        let ann_seen = read_participant(&lene_meeting, "Ann Remote").await;
        assert!(matches!(
            lene_meeting.demote(&ann_seen).await,
            Err(RosterError::NotOffered { action: "demote" })
        ));
        lene_meeting.promote(&ann_seen).await.unwrap();
        let mine = wait_for(
            &mut ann_events,
            about(EventType::Updated, "Ann Remote", false),
        )
        .await;
        assert_eq!(mine.rel, "localParticipant", "{format:?}");
        assert_eq!(role(&mine), Some(Role::Leader));
        let theirs = wait_for(
            &mut lene_events,
            about(EventType::Updated, "Ann Remote", false),
        )
        .await;
        assert_eq!(role(&theirs), Some(Role::Leader), "{format:?}");
        let leaders = lene_meeting.leaders().await.unwrap();
        assert_eq!(leaders.len(), 2, "{format:?}");

        // And back.
        let ann_seen = read_participant(&lene_meeting, "Ann Remote").await;
        lene_meeting.demote(&ann_seen).await.unwrap();
        let mine = wait_for(
            &mut ann_events,
            about(EventType::Updated, "Ann Remote", false),
        )
        .await;
        assert_eq!(role(&mine), Some(Role::Attendee), "{format:?}");
        wait_for(
            &mut lene_events,
            about(EventType::Updated, "Ann Remote", false),
        )
        .await;

        // Lene ejects her: Ann's side ends, Lene hears her leave.
        let ann_seen = read_participant(&lene_meeting, "Ann Remote").await;
        lene_meeting.eject(&ann_seen).await.unwrap();
        wait_for(&mut ann_events, |e| {
            (e.rel == "conversation" && e.event_type == EventType::Deleted).then_some(())
        })
        .await;
        wait_for(
            &mut lene_events,
            about(EventType::Deleted, "Ann Remote", false),
        )
        .await;
        assert!(
            lene_meeting.attendees().await.unwrap().is_empty(),
            "{format:?}"
        );
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn someone_in_a_meeting_invites_another_who_accepts_or_declines() {
    let emulator = started().await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let lene_meeting = enter(&lene, None).await;
        let uri = lene_meeting
            .online_meeting()
            .await
            .unwrap()
            .online_meeting_uri
            .unwrap();

        // Lene invites Ann into the meeting: Ann is rung with an onlineMeetingInvitation.
        let mut ann_events = ann.events();
        let mut lene_events = lene.events();
        let invited = lene_meeting
            .add_participant("sip:ann@contoso.com")
            .await
            .unwrap();
        let incoming = wait_for(&mut ann_events, IncomingMeetingInvitation::from_event).await;
        assert_eq!(incoming.meeting_uri(), Some(uri.as_str()), "{format:?}");
        assert_eq!(incoming.from(), Some("Lene Aaling"));
        let meetings = ann.online_meetings();
        incoming.accept(&meetings).await.unwrap();
        let href = incoming.invitation.links.self_.clone().unwrap().href;
        let (status, _) = wait_for(&mut ann_events, meeting_completed(href.as_str())).await;
        assert_eq!(status, "Success", "{format:?}");
        // Lene hears Ann added, then her participantInvitation completes.
        wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", false),
        )
        .await;
        wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Completed && e.link.href == invited.href).then_some(())
        })
        .await;
        let read = meetings
            .invitation(&incoming.invitation.links.self_.clone().unwrap().cast())
            .await
            .unwrap();
        let ann_meeting = meetings.conversation(&read).await.unwrap();
        let ann_meeting = chat(&ann, &ann_meeting).await;
        let lene_meeting = chat(&lene, &lene_meeting).await;
        let mut lene_events = lene.events();
        ann_meeting.send_message("Invited and in").await.unwrap();
        assert_eq!(wait_for(&mut lene_events, received).await, "Invited and in");

        // John, invited, declines: Lene's participantInvitation fails with `Declined`.
        let john = session(&emulator, "john@contoso.com", format).await;
        let mut john_events = john.events();
        let invited = lene_meeting
            .add_participant("sip:john@contoso.com")
            .await
            .unwrap();
        let incoming = wait_for(&mut john_events, IncomingMeetingInvitation::from_event).await;
        incoming.decline(&john.online_meetings()).await.unwrap();
        let why = wait_for(&mut lene_events, |e| {
            (e.event_type == EventType::Completed && e.link.href == invited.href)
                .then(|| e.reason.as_ref().and_then(|r| r.subcode.clone()))
        })
        .await;
        assert_eq!(why.as_deref(), Some("Declined"), "{format:?}");
        for s in [lene, ann, john] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_full_lobby_turns_the_next_one_away() {
    let emulator = common::emulator(Limits {
        max_lobby: 1,
        ..Limits::default()
    })
    .await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let john = session(&emulator, "john@contoso.com", format).await;
        let uri = invited_only(&lene).await;
        let lene_meeting = enter(&lene, Some(&uri)).await;
        let mut lene_events = lene.events();
        ann.online_meetings().join(&uri).await.unwrap();
        wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", true),
        )
        .await;
        let mut john_events = john.events();
        let johns = john.online_meetings().join(&uri).await.unwrap();
        let (status, subcode) =
            wait_for(&mut john_events, meeting_completed(johns.href.as_str())).await;
        assert_eq!(status, "Failure", "{format:?}");
        assert_eq!(subcode.as_deref(), Some("LobbyFull"));
        assert_eq!(lene_meeting.lobby().await.unwrap().len(), 1, "{format:?}");
        for s in [lene, ann, john] {
            s.shutdown().await;
        }
    }
}

/// The conversation of an `updated` conversation event that `keep` accepts.
fn updated(
    keep: impl Fn(&Conversation) -> bool,
) -> impl Fn(&Event<AnyResource>) -> Option<Box<Conversation>> {
    move |e| match (&e.event_type, e.rel.as_str(), &e.resource) {
        (EventType::Updated, "conversation", Some(AnyResource::Conversation(c))) if keep(c) => {
            Some(c.clone())
        }
        _ => None,
    }
}

#[tokio::test]
async fn a_leader_switches_audience_messaging_and_the_mute_lock() {
    let emulator = started().await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let lene_meeting = enter(&lene, None).await;
        let uri = lene_meeting
            .online_meeting()
            .await
            .unwrap()
            .online_meeting_uri
            .unwrap();
        let mut lene_events = lene.events();
        let ann_meeting = enter(&ann, Some(&uri)).await;
        wait_for(
            &mut lene_events,
            about(EventType::Added, "Ann Remote", false),
        )
        .await;
        let lene_meeting = chat(&lene, &lene_meeting).await;
        let ann_meeting = chat(&ann, &ann_meeting).await;

        // Both read the settings; only the leader has the switches.
        for m in [&lene_meeting, &ann_meeting] {
            assert_eq!(
                m.audience_messaging(),
                Some(AudienceMessaging::Enabled),
                "{format:?}"
            );
            assert_eq!(m.audience_mute_lock(), Some(AudienceMuteLock::Disabled));
        }
        let links = &lene_meeting.resource().links;
        assert!(
            links.disable_audience_messaging.is_some() && links.enable_audience_mute_lock.is_some()
        );
        assert!(links.enable_audience_messaging.is_none());
        let links = &ann_meeting.resource().links;
        assert!(
            links.disable_audience_messaging.is_none() && links.enable_audience_mute_lock.is_none()
        );

        // Ann does not lead: typed refusals, before any request.
        assert!(matches!(
            ann_meeting.set_audience_messaging(false).await,
            Err(RosterError::NotALeader {
                action: "disableAudienceMessaging"
            })
        ));
        assert!(matches!(
            ann_meeting.set_audience_mute_lock(true).await,
            Err(RosterError::NotALeader {
                action: "enableAudienceMuteLock"
            })
        ));
        // Lene leads, but messaging is enabled already.
        assert!(matches!(
            lene_meeting.set_audience_messaging(true).await,
            Err(RosterError::NotOffered {
                action: "enableAudienceMessaging"
            })
        ));

        // Lene disables audience messaging: both hear the conversation updated.
        let mut ann_events = ann.events();
        let mut lene_events = lene.events();
        lene_meeting.set_audience_messaging(false).await.unwrap();
        let disabled = |c: &Conversation| c.audience_messaging == Some(AudienceMessaging::Disabled);
        let seen = wait_for(&mut ann_events, updated(disabled)).await;
        assert!(seen.links.enable_audience_messaging.is_none(), "{format:?}");
        let seen = wait_for(&mut lene_events, updated(disabled)).await;
        assert!(seen.links.enable_audience_messaging.is_some(), "{format:?}");

        // Ann's message is refused; Lene still speaks.
        let refused = ann_meeting.send_message("May I?").await;
        assert!(
            matches!(
                refused,
                Err(ClientError::Response(ResponseError::Ucwa(
                    CommunicationActionError::Conflict(_)
                )))
            ),
            "{format:?}: {refused:?}"
        );
        lene_meeting.send_message("Leaders only now").await.unwrap();
        assert_eq!(
            wait_for(&mut ann_events, received).await,
            "Leaders only now",
            "{format:?}"
        );

        // Enabled again: Ann speaks.
        let lene_meeting = lene_meeting.refresh().await.unwrap();
        assert_eq!(
            lene_meeting.audience_messaging(),
            Some(AudienceMessaging::Disabled)
        );
        lene_meeting.set_audience_messaging(true).await.unwrap();
        wait_for(
            &mut ann_events,
            updated(|c| c.audience_messaging == Some(AudienceMessaging::Enabled)),
        )
        .await;
        ann_meeting.send_message("Thank you").await.unwrap();
        assert_eq!(
            wait_for(&mut lene_events, received).await,
            "Thank you",
            "{format:?}"
        );

        // The mute lock, on and off, seen by Ann.
        let lene_meeting = lene_meeting.refresh().await.unwrap();
        lene_meeting.set_audience_mute_lock(true).await.unwrap();
        wait_for(
            &mut ann_events,
            updated(|c| c.audience_mute.as_deref() == Some("Enabled")),
        )
        .await;
        let ann_meeting = ann_meeting.refresh().await.unwrap();
        assert_eq!(
            ann_meeting.audience_mute_lock(),
            Some(AudienceMuteLock::Enabled),
            "{format:?}"
        );
        assert!(matches!(
            ann_meeting.set_audience_mute_lock(false).await,
            Err(RosterError::NotALeader {
                action: "disableAudienceMuteLock"
            })
        ));
        let lene_meeting = lene_meeting.refresh().await.unwrap();
        lene_meeting.set_audience_mute_lock(false).await.unwrap();
        wait_for(
            &mut ann_events,
            updated(|c| c.audience_mute.as_deref() == Some("Disabled")),
        )
        .await;
        assert_eq!(
            ann_meeting.refresh().await.unwrap().audience_mute_lock(),
            Some(AudienceMuteLock::Disabled)
        );

        ann_meeting.leave().await.unwrap();
        lene_meeting.leave().await.unwrap();
        lene.shutdown().await;
        ann.shutdown().await;
    }
}
