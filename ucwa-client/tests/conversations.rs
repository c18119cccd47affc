//! The conversations runtime against the emulator, in JSON and in XML: a bot answering 20
//! users at once (two of them in one group chat), each in its own conversation; a conversation
//! growing from two to three people and back, every roster event seen by each side; a paused
//! handler that delays no other conversation; the bot answering again after the server
//! recreated its application; the bot invited into a meeting answering in its chat, and a
//! policy that refuses meeting invitations declining them.

mod common;

use std::time::Duration;

use ucwa::events::Event;
use ucwa::resources::AnyResource;
use ucwa_client::Session;
use ucwa_client::conversations::{
    Conversation, ConversationEvent, Conversations, Delivery, Invitation, InvitationInfo,
    InvitationKind, Options, Phase, Policy,
};
use ucwa_client::messaging::{
    ConversationHandle, IncomingInvitation, ReceivedMessage, StartMessaging,
};
use ucwa_client::outcome::OperationOutcome;
use ucwa_emulator::{Config, Emulator, Fault, Person};

use common::{FORMATS, WAIT, session, wait_for};

/// An emulator whose people include `user00` … `user{n-1}@contoso.com`.
async fn emulator_with(n: usize) -> Emulator {
    let mut config = Config {
        long_poll: Duration::from_secs(5),
        ..Config::default()
    };
    for i in 0..n {
        config.people.push(Person::new(
            &format!("user{i:02}@contoso.com"),
            &format!("User {i:02}"),
            "pass@word1",
        ));
    }
    Emulator::start(config).await.unwrap()
}

/// The echo bot's handler for one conversation: every message answered in it.
async fn echo(mut conversation: Conversation) {
    while let Some(event) = conversation.next().await {
        if let ConversationEvent::Message(message) = event {
            let text = message.text().unwrap_or_default().to_owned();
            conversation.reply(&format!("echo: {text}")).await.unwrap();
        }
    }
}

/// Runs the echo bot on `bot` until the test ends.
fn run_echo_bot(bot: &Session) -> tokio::task::JoinHandle<()> {
    let mut conversations = Conversations::start(bot, Policy::AcceptAll);
    tokio::spawn(async move {
        while let Some(conversation) = conversations.next().await {
            tokio::spawn(echo(conversation));
        }
    })
}

/// A message received in the conversation at `href` (its messaging is under it).
fn received_in(href: &str) -> impl Fn(&Event<AnyResource>) -> Option<ReceivedMessage> + '_ {
    move |event| {
        ReceivedMessage::from_event(event).filter(|m| {
            m.message
                .links
                .messaging
                .as_ref()
                .is_some_and(|l| l.href.as_str().starts_with(href))
        })
    }
}

/// `user` starts a conversation with `to`, accepted: its handle.
async fn converse(user: &Session, to: &str) -> ConversationHandle {
    let mut events = user.events();
    let mut invitation = user
        .messaging()
        .start(StartMessaging::to(to))
        .await
        .unwrap();
    let outcome = invitation.outcome(&mut events, WAIT).await.unwrap();
    assert!(
        matches!(outcome, OperationOutcome::Succeeded(_)),
        "{outcome:?}"
    );
    invitation.conversation(&user.messaging()).await.unwrap()
}

fn own_href(conversation: &ConversationHandle) -> String {
    let link = conversation.resource().links.self_.as_ref().unwrap();
    link.href.as_str().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_users_im_the_echo_bot_at_once() {
    let emulator = emulator_with(20).await;
    for format in FORMATS {
        let bot = session(&emulator, "lene@contoso.com", format).await;
        let _bot_task = run_echo_bot(&bot);
        let mut users = Vec::new();
        for i in 0..20 {
            users.push(session(&emulator, &format!("user{i:02}@contoso.com"), format).await);
        }
        // user00 and user01 talk to the bot in one group chat; the others alone.
        let group = {
            let user00 = &users[0];
            let mut invited = users[1].events();
            let conversation = converse(user00, "lene@contoso.com").await;
            let mut events = user00.events();
            conversation
                .refresh()
                .await
                .unwrap()
                .add_participant("user01@contoso.com")
                .await
                .unwrap();
            let invitation = wait_for(&mut invited, IncomingInvitation::from_event).await;
            invitation.accept(&users[1].messaging()).await.unwrap();
            let joined = invitation
                .conversation(&users[1].messaging())
                .await
                .unwrap();
            // user00 hears user01 joined.
            wait_for(&mut events, |e| {
                (e.rel == "participant"
                    && e.event_type == ucwa::events::EventType::Added
                    && e.link.title.as_deref() == Some("User 01"))
                .then_some(())
            })
            .await;
            (conversation.refresh().await.unwrap(), joined)
        };

        let mut talks = Vec::new();
        for (i, user) in users.split_off(2).into_iter().enumerate() {
            let i = i + 2;
            talks.push(tokio::spawn(async move {
                let conversation = converse(&user, "lene@contoso.com").await;
                let href = own_href(&conversation);
                let mut events = user.events();
                for k in 0..3 {
                    let text = format!("user{i:02} says {k}");
                    conversation.send_message(&text).await.unwrap();
                    let answer = wait_for(&mut events, received_in(&href)).await;
                    assert_eq!(answer.text(), Some(format!("echo: {text}").as_str()));
                }
                conversation.stop().await.unwrap();
                user
            }));
        }
        // The group: what user00 says, both hear answered in their own conversation.
        let (user00_side, user01_side) = group;
        let (href00, href01) = (own_href(&user00_side), own_href(&user01_side));
        let (mut events00, mut events01) = (users[0].events(), users[1].events());
        user00_side.send_message("hello group").await.unwrap();
        let heard00 = wait_for(&mut events00, |e| {
            received_in(&href00)(e).filter(|m| m.text() == Some("echo: hello group"))
        })
        .await;
        assert_eq!(heard00.from.as_deref(), Some("Lene Aaling"), "{format}");
        // user01 hears user00's message and the bot's answer, in order.
        let first = wait_for(&mut events01, received_in(&href01)).await;
        assert_eq!(first.text(), Some("hello group"), "{format}");
        assert_eq!(first.from.as_deref(), Some("User 00"));
        let second = wait_for(&mut events01, received_in(&href01)).await;
        assert_eq!(second.text(), Some("echo: hello group"), "{format}");

        for talk in talks {
            users.push(talk.await.unwrap());
        }
        for user in users {
            user.shutdown().await;
        }
        bot.shutdown().await;
    }
}

/// The next event of `conversation` that `pick` takes, within [`WAIT`].
async fn until<T>(
    conversation: &mut Conversation,
    mut pick: impl FnMut(ConversationEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let event = conversation.next().await.expect("the conversation goes on");
            if let Some(found) = pick(event) {
                return found;
            }
        }
    })
    .await
    .expect("the event within the wait")
}

/// The name of the participant an event adds.
fn added(event: ConversationEvent) -> Option<String> {
    match event {
        ConversationEvent::ParticipantAdded(p) if !p.local => p.name,
        _ => None,
    }
}

fn remote_names(conversation: &Conversation) -> Vec<String> {
    let mut names: Vec<String> = conversation
        .participants()
        .into_iter()
        .filter(|p| !p.local)
        .filter_map(|p| p.name)
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_conversation_grows_from_two_to_three_and_back() {
    let emulator = common::emulator(ucwa_emulator::Limits::default()).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let john = session(&emulator, "john@contoso.com", format).await;
        let mut lene_all = Conversations::start(&lene, Policy::AcceptAll);
        let mut ann_all = Conversations::start(&ann, Policy::AcceptAll);
        let mut john_all = Conversations::start(&john, Policy::AcceptAll);

        lene.messaging()
            .start(StartMessaging::to("ann@contoso.com").subject("Plans"))
            .await
            .unwrap();
        let mut at_lene = lene_all.next().await.unwrap();
        let mut at_ann = ann_all.next().await.unwrap();
        assert_eq!(until(&mut at_lene, added).await, "Ann Remote", "{format}");
        assert_eq!(until(&mut at_ann, added).await, "Lene Aaling", "{format}");
        assert_eq!(at_lene.phase(), Phase::Connected, "{format}");

        // Lene adds John: each side hears of the newcomer, John of the two already there.
        at_lene
            .handle()
            .await
            .unwrap()
            .add_participant("john@contoso.com")
            .await
            .unwrap();
        let mut at_john = john_all.next().await.unwrap();
        assert_eq!(until(&mut at_lene, added).await, "John Doe", "{format}");
        assert_eq!(until(&mut at_ann, added).await, "John Doe", "{format}");
        assert_eq!(until(&mut at_john, added).await, "Lene Aaling", "{format}");
        assert_eq!(until(&mut at_john, added).await, "Ann Remote", "{format}");
        assert_eq!(remote_names(&at_lene), ["Ann Remote", "John Doe"]);
        assert_eq!(remote_names(&at_ann), ["John Doe", "Lene Aaling"]);
        assert_eq!(remote_names(&at_john), ["Ann Remote", "Lene Aaling"]);

        // All three hear a message; then John leaves and the two others hear it.
        let sent = at_ann.reply("hi both").await.unwrap();
        let delivered = until(&mut at_ann, |e| match e {
            ConversationEvent::Delivery { message, outcome } => Some((message, outcome)),
            _ => None,
        })
        .await;
        assert_eq!(delivered, (sent.href.clone(), Delivery::Delivered));
        for side in [&mut at_lene, &mut at_john] {
            let said = until(side, |e| match e {
                ConversationEvent::Message(m) => Some(m),
                _ => None,
            })
            .await;
            assert_eq!(said.text(), Some("hi both"), "{format}");
            assert_eq!(said.from.as_deref(), Some("Ann Remote"));
        }
        at_john.handle().await.unwrap().leave().await.unwrap();
        let removed = |e| match e {
            ConversationEvent::ParticipantRemoved(p) => p.name,
            _ => None,
        };
        assert_eq!(until(&mut at_lene, removed).await, "John Doe", "{format}");
        assert_eq!(until(&mut at_ann, removed).await, "John Doe", "{format}");
        until(&mut at_john, |e| {
            (e == ConversationEvent::Ended).then_some(())
        })
        .await;
        assert_eq!(at_john.phase(), Phase::Ended);
        assert_eq!(remote_names(&at_lene), ["Ann Remote"]);
        assert_eq!(remote_names(&at_ann), ["Lene Aaling"]);

        // The two go on.
        at_lene.reply("just us").await.unwrap();
        let said = until(&mut at_ann, |e| match e {
            ConversationEvent::Message(m) => Some(m),
            _ => None,
        })
        .await;
        assert_eq!(said.text(), Some("just us"), "{format}");
        let history = at_ann.history();
        let texts: Vec<&str> = history.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(texts, ["hi both", "just us"], "{format}");
        assert_eq!(lene_all.counters().dropped, 0);

        for s in [lene, ann, john] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_paused_conversation_delays_no_other() {
    let emulator = common::emulator(ucwa_emulator::Limits::default()).await;
    for format in FORMATS {
        let bot = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let john = session(&emulator, "john@contoso.com", format).await;
        let mut all =
            Conversations::start_with(&bot, Policy::AcceptAll, Options::default().queue(4));

        // Ann's conversation: its handler never reads (paused).
        let to_ann = converse(&ann, "lene@contoso.com").await;
        let paused = all.next().await.unwrap();
        for k in 0..10 {
            to_ann.send_message(&format!("ann {k}")).await.unwrap();
        }
        // John's conversation is answered meanwhile.
        let to_john = converse(&john, "lene@contoso.com").await;
        let answering = all.next().await.unwrap();
        tokio::spawn(echo(answering));
        let href = own_href(&to_john);
        let mut john_events = john.events();
        for k in 0..3 {
            to_john.send_message(&format!("john {k}")).await.unwrap();
            let answer = wait_for(&mut john_events, received_in(&href)).await;
            assert_eq!(answer.text(), Some(format!("echo: john {k}").as_str()));
        }
        // The paused queue kept 4 events (Ann joining, her first 3 messages): the other 7
        // were dropped and counted.
        assert_eq!(paused.dropped(), 7, "{format}");
        assert_eq!(all.counters().dropped, 7, "{format}");
        // Its history still has all ten.
        assert_eq!(paused.history().len(), 10, "{format}");

        for s in [bot, ann, john] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn the_bot_answers_after_its_application_is_recreated_and_its_token_renewed() {
    let emulator = common::emulator(ucwa_emulator::Limits::default()).await;
    for format in FORMATS {
        let bot = session(&emulator, "lene@contoso.com", format).await;
        let mut all = Conversations::start(&bot, Policy::AcceptAll);
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let mut bot_status = bot.status();
        let mut ann_status = ann.status();

        let conversation = converse(&ann, "lene@contoso.com").await;
        let mut before = all.next().await.unwrap();
        let mut events = ann.events();
        conversation.send_message("before").await.unwrap();
        let said = until(&mut before, |e| match e {
            ConversationEvent::Message(m) => Some(m),
            _ => None,
        })
        .await;
        before
            .reply(&format!("echo: {}", said.text().unwrap()))
            .await
            .unwrap();
        let href = own_href(&conversation);
        let answer = wait_for(&mut events, received_in(&href)).await;
        assert_eq!(answer.text(), Some("echo: before"));

        // Past the tokens' eight hours: every token refused (renewed) and every application
        // expired (recreated).
        let tokens_before = emulator.observed().tokens_seen(0).len();
        emulator.clock().advance(Duration::from_secs(8 * 3600 + 1));
        for status in [&mut bot_status, &mut ann_status] {
            tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    if let ucwa_client::Status::Recovered { .. } = status.recv().await.unwrap() {
                        break;
                    }
                }
            })
            .await
            .expect("recovered");
        }
        // The bot's old conversation ended with its application, and the runtime says so.
        until(&mut before, |e| {
            (e == ConversationEvent::Ended).then_some(())
        })
        .await;
        assert_eq!(before.phase(), Phase::Ended, "{format}");
        let counters = all.counters();
        assert_eq!((counters.recovered, counters.lost), (1, 1), "{format}");

        let conversation = converse(&ann, "lene@contoso.com").await;
        let after = all.next().await.unwrap();
        tokio::spawn(echo(after));
        let mut events = ann.events();
        conversation.send_message("after").await.unwrap();
        let href = own_href(&conversation);
        let answer = wait_for(&mut events, received_in(&href)).await;
        assert_eq!(answer.text(), Some("echo: after"), "{format}");
        // Fresh tokens were asked for and used.
        assert!(emulator.observed().tokens_seen(0).len() > tokens_before + 1);

        bot.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn an_invitation_rings_every_application_and_the_first_to_accept_wins() {
    let emulator = common::emulator(ucwa_emulator::Limits::default()).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let desk = session(&emulator, "ann@contoso.com", format).await;
        let phone = session(&emulator, "ann@contoso.com", format).await;
        let (mut desk_events, mut phone_events) = (desk.events(), phone.events());
        let mut lene_events = lene.events();
        let mut invitation = lene
            .messaging()
            .start(StartMessaging::to("ann@contoso.com"))
            .await
            .unwrap();
        let at_desk = wait_for(&mut desk_events, IncomingInvitation::from_event).await;
        let at_phone = wait_for(&mut phone_events, IncomingInvitation::from_event).await;
        at_phone.accept(&phone.messaging()).await.unwrap();
        let outcome = invitation.outcome(&mut lene_events, WAIT).await.unwrap();
        assert!(
            matches!(outcome, OperationOutcome::Succeeded(_)),
            "{format}"
        );

        // The desk hears its invitation is gone: answered elsewhere.
        let gone = wait_for(&mut desk_events, |e| {
            (e.event_type == ucwa::events::EventType::Completed && e.rel == "messagingInvitation")
                .then(|| e.clone())
        })
        .await;
        assert_eq!(gone.status.as_deref(), Some("Failure"), "{format}");
        let why = gone.reason.unwrap();
        assert_eq!(why.subcode.as_deref(), Some("ConnectedElsewhere"));
        match at_desk.accept(&desk.messaging()).await {
            // Withdrawn: the invitation is no more.
            Err(ucwa_client::ClientError::Response(ucwa::ResponseError::Ucwa(e))) => {
                assert_eq!(e.status(), 404, "{format}")
            }
            other => panic!("{format}: {other:?}"),
        }

        // The conversations collection lists each side's conversation; the application's id
        // is the number in its URL.
        for (side, count) in [(&lene, 1), (&phone, 1), (&desk, 0)] {
            let application = side.application();
            let own = application.links.self_.as_ref().unwrap().href.as_str();
            assert!(own.ends_with(&format!("/{}", application.id.as_deref().unwrap())));
            let communication = application.embedded.communication.as_deref().unwrap();
            let link = communication.links.conversations.clone().unwrap();
            let listed: ucwa::resources::Conversations =
                side.client().get(&link.cast()).await.unwrap();
            assert_eq!(listed.links.conversation.len(), count, "{format}");
        }
        for s in [lene, desk, phone] {
            s.shutdown().await;
        }
    }
}

// ---- meetings -------------------------------------------------------------------------------

/// `user` meets now (subject "Stand-up") and adds the meeting's chat: its conversation.
async fn meet_now_with_chat(user: &Session) -> ConversationHandle {
    let meetings = user.online_meetings();
    let mut events = user.events();
    let invitation = meetings.meet_now(Some("Stand-up")).await.unwrap();
    wait_for(&mut events, |e| {
        (e.event_type == ucwa::events::EventType::Completed && e.link.href == invitation.href)
            .then_some(())
    })
    .await;
    let read = meetings.invitation(&invitation).await.unwrap();
    let meeting = meetings.conversation(&read).await.unwrap();
    add_chat(user, &meeting).await
}

/// Adds messaging to `meeting`, connected: the meeting read again.
async fn add_chat(user: &Session, meeting: &ConversationHandle) -> ConversationHandle {
    let mut events = user.events();
    let added = meeting.add_messaging().await.unwrap();
    wait_for(&mut events, |e| {
        (e.event_type == ucwa::events::EventType::Completed && e.link.href == added.href)
            .then_some(())
    })
    .await;
    meeting.refresh().await.unwrap()
}

/// `user` joins the meeting at `uri` and adds its chat.
async fn join_with_chat(user: &Session, uri: &str) -> ConversationHandle {
    let meetings = user.online_meetings();
    let mut events = user.events();
    let invitation = meetings.join(uri).await.unwrap();
    wait_for(&mut events, |e| {
        (e.event_type == ucwa::events::EventType::Completed && e.link.href == invitation.href)
            .then_some(())
    })
    .await;
    let read = meetings.invitation(&invitation).await.unwrap();
    let meeting = meetings.conversation(&read).await.unwrap();
    add_chat(user, &meeting).await
}

/// Waits for the runtime to tell the chat of the meeting `conversation` is ready, and checks
/// the server offers to send in it.
async fn chat_added(conversation: &mut Conversation) {
    until(conversation, |e| {
        (e == ConversationEvent::ChatReady).then_some(())
    })
    .await;
    let read = conversation.handle().await.unwrap();
    assert!(
        read.messaging()
            .is_some_and(|m| m.links.send_message.is_some())
    );
}

#[tokio::test]
async fn the_bot_invited_into_a_meeting_answers_in_its_chat() {
    let emulator = emulator_with(0).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let bot = session(&emulator, "john@contoso.com", format).await;
        let lene_meeting = meet_now_with_chat(&lene).await;
        let uri = lene_meeting
            .online_meeting()
            .await
            .unwrap()
            .online_meeting_uri
            .unwrap();
        let ann_meeting = join_with_chat(&ann, &uri).await;

        // Lene, who leads, invites the bot: the runtime accepts, and adds the chat.
        let mut all = Conversations::start(&bot, Policy::AcceptAll);
        let mut lene_events = lene.events();
        let invited = lene_meeting
            .add_participant("sip:john@contoso.com")
            .await
            .unwrap();
        let mut conversation = tokio::time::timeout(WAIT, all.next())
            .await
            .unwrap()
            .unwrap();
        let status = wait_for(&mut lene_events, |e| {
            (e.event_type == ucwa::events::EventType::Completed && e.link.href == invited.href)
                .then(|| e.status.clone())
        })
        .await;
        assert_eq!(status.as_deref(), Some("Success"), "{format}");
        assert_eq!(conversation.kind(), InvitationKind::Meeting, "{format}");
        chat_added(&mut conversation).await;
        assert_eq!(conversation.phase(), Phase::Connected, "{format}");
        let mut names = remote_names(&conversation);
        names.sort();
        assert_eq!(names, ["Ann Remote", "Lene Aaling"], "{format}");
        let read = conversation.handle().await.unwrap();
        assert_eq!(
            read.online_meeting()
                .await
                .unwrap()
                .online_meeting_uri
                .as_deref(),
            Some(uri.as_str()),
            "{format}"
        );

        // Ann writes in the meeting's chat; the bot answers there: Ann and Lene hear it.
        let mut ann_events = ann.events();
        let mut lene_events = lene.events();
        ann_meeting.send_message("Hello, bot").await.unwrap();
        let text = until(&mut conversation, |e| match e {
            ConversationEvent::Message(m) => Some(m.text().unwrap_or_default().to_owned()),
            _ => None,
        })
        .await;
        assert_eq!(text, "Hello, bot", "{format}");
        conversation.reply(&format!("echo: {text}")).await.unwrap();
        for (events, meeting) in [
            (&mut ann_events, &ann_meeting),
            (&mut lene_events, &lene_meeting),
        ] {
            let href = own_href(meeting);
            let in_meeting = received_in(&href);
            // Lene hears Ann's message too: the bot's is the one from John.
            let heard = wait_for(events, |e| {
                in_meeting(e).filter(|m| m.from.as_deref() == Some("John Doe"))
            })
            .await;
            assert_eq!(heard.text(), Some("echo: Hello, bot"), "{format}");
        }
        let history = conversation.history();
        assert_eq!(history.len(), 2, "{format}");
        assert_eq!(history[1].text, "echo: Hello, bot");
        let counters = all.counters();
        assert_eq!((counters.accepted, counters.failed), (1, 0), "{format}");
        for s in [lene, ann, bot] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_filter_that_refuses_a_meeting_invitation_declines_it() {
    let emulator = emulator_with(0).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let bot = session(&emulator, "john@contoso.com", format).await;
        let lene_meeting = meet_now_with_chat(&lene).await;
        let uri = lene_meeting
            .online_meeting()
            .await
            .unwrap()
            .online_meeting_uri
            .unwrap();

        // The bot talks only in conversations of messages: it sees the meeting invitation
        // (who from, the subject, the meeting) and refuses it.
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<InvitationInfo>::new()));
        let saw = seen.clone();
        let policy = Policy::accept_from(move |info| {
            saw.lock().unwrap().push(info.clone());
            info.kind == InvitationKind::Messaging
        });
        let mut all = Conversations::start(&bot, policy);
        let mut lene_events = lene.events();
        let invited = lene_meeting
            .add_participant("sip:john@contoso.com")
            .await
            .unwrap();
        let (status, subcode) = wait_for(&mut lene_events, |e| {
            (e.event_type == ucwa::events::EventType::Completed && e.link.href == invited.href)
                .then(|| {
                    (
                        e.status.clone(),
                        e.reason.as_ref().and_then(|r| r.subcode.clone()),
                    )
                })
        })
        .await;
        assert_eq!(status.as_deref(), Some("Failure"), "{format}");
        assert_eq!(subcode.as_deref(), Some("Declined"), "{format}");
        let info = seen.lock().unwrap().clone();
        assert_eq!(info.len(), 1, "{format}");
        assert_eq!(info[0].kind, InvitationKind::Meeting);
        assert_eq!(info[0].from_name.as_deref(), Some("Lene Aaling"));
        assert_eq!(info[0].subject.as_deref(), Some("Stand-up"), "{format}");
        assert_eq!(info[0].meeting_uri.as_deref(), Some(uri.as_str()));
        assert_eq!(all.counters().declined, 1, "{format}");
        assert!(
            tokio::time::timeout(Duration::from_millis(200), all.next())
                .await
                .is_err(),
            "{format}: no conversation for a refused invitation"
        );
        assert!(lene_meeting.attendees().await.unwrap().is_empty());

        // Messaging invitations still pass: the same bot takes Lene's IM.
        converse(&lene, "john@contoso.com").await;
        let conversation = tokio::time::timeout(WAIT, all.next()).await.unwrap();
        assert!(conversation.is_some(), "{format}");
        assert_eq!(seen.lock().unwrap()[1].kind, InvitationKind::Messaging);
        assert!(!seen.lock().unwrap()[1].is_from("John@contoso.com"));
        assert!(
            seen.lock().unwrap()[1].is_from("LENE@contoso.com"),
            "{format}"
        );
        for s in [lene, bot] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_meeting_invitation_handed_to_the_user_is_accepted_into_a_conversation() {
    let emulator = emulator_with(0).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let bot = session(&emulator, "john@contoso.com", format).await;
        let lene_meeting = meet_now_with_chat(&lene).await;
        let mut all = Conversations::start(&bot, Policy::Ask);
        lene_meeting
            .add_participant("sip:john@contoso.com")
            .await
            .unwrap();
        let invitation = tokio::time::timeout(WAIT, all.next_invitation())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(invitation.kind(), InvitationKind::Meeting, "{format}");
        assert!(matches!(invitation, Invitation::Meeting(_)));
        let mut conversation = all.accept(&invitation).await.unwrap();
        chat_added(&mut conversation).await;
        let mut lene_events = lene.events();
        lene_meeting.send_message("Welcome, John").await.unwrap();
        let text = until(&mut conversation, |e| match e {
            ConversationEvent::Message(m) => Some(m.text().unwrap_or_default().to_owned()),
            _ => None,
        })
        .await;
        assert_eq!(text, "Welcome, John", "{format}");
        conversation.reply("Thanks").await.unwrap();
        let heard = wait_for(&mut lene_events, received_in(&own_href(&lene_meeting))).await;
        assert_eq!(heard.text(), Some("Thanks"), "{format}");
        for s in [lene, bot] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn an_invitation_with_no_room_to_wait_for_the_user_is_declined() {
    let emulator = emulator_with(0).await;
    for format in FORMATS {
        let bot = session(&emulator, "john@contoso.com", format).await;
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let lene = session(&emulator, "lene@contoso.com", format).await;
        // The user takes no invitation, and one may wait.
        let all = Conversations::start_with(&bot, Policy::Ask, Options::default().pending(1));
        ann.messaging()
            .start(StartMessaging::to("john@contoso.com"))
            .await
            .unwrap();
        let mut events = lene.events();
        let mut second = lene
            .messaging()
            .start(StartMessaging::to("john@contoso.com"))
            .await
            .unwrap();
        match second.outcome(&mut events, WAIT).await.unwrap() {
            OperationOutcome::Failed(why) => {
                let subcode = why.subcode.as_deref();
                assert_eq!(subcode, Some("Declined"), "{format}");
            }
            other => panic!("{format}: {other:?}"),
        }
        let counters = all.counters();
        assert_eq!((counters.dropped, counters.failed), (1, 0), "{format}");
        for s in [bot, ann, lene] {
            s.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_meeting_whose_chat_cannot_be_added_tells_its_conversation() {
    let emulator = emulator_with(0).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let bot = session(&emulator, "john@contoso.com", format).await;
        let lene_meeting = meet_now_with_chat(&lene).await;
        // The bot's next POST under its conversations (its addMessaging) is refused.
        let app = bot.application().links.self_.clone().unwrap().href;
        let app = ucwa::http::Uri::try_from(app.as_str())
            .map(|u| u.path().to_owned())
            .unwrap_or_else(|_| app.as_str().to_owned());
        let refused = ucwa::ErrorBody {
            code: "Forbidden".into(),
            message: Some("Not now.".into()),
            ..ucwa::ErrorBody::default()
        };
        emulator
            .faults()
            .inject(Fault::error(
                ucwa::http::Method::POST,
                format!("{app}/communication/conversations/*"),
                ucwa::http::StatusCode::FORBIDDEN,
                refused,
            ))
            .unwrap();
        let mut all = Conversations::start(&bot, Policy::AcceptAll);
        lene_meeting
            .add_participant("sip:john@contoso.com")
            .await
            .unwrap();
        let mut conversation = tokio::time::timeout(WAIT, all.next())
            .await
            .unwrap()
            .unwrap();
        let reason = until(&mut conversation, |e| match e {
            ConversationEvent::ChatFailed { reason } => Some(reason),
            ConversationEvent::ChatReady => panic!("{format}: the chat was refused"),
            _ => None,
        })
        .await;
        assert!(reason.starts_with("adding the meeting's chat"), "{reason}");
        assert_eq!(all.counters().failed, 1, "{format}");
        for s in [lene, bot] {
            s.shutdown().await;
        }
    }
}
