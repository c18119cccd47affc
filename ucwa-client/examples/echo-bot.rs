//! A bot that answers every message, in the conversation it came from (group chats and the
//! chats of meetings it is invited into too).
//!
//! ```text
//! cargo run -p ucwa-client --example echo-bot              # against the embedded emulator
//! cargo run -p ucwa-client --example echo-bot -- --xml     # the same, in XML
//! cargo run -p ucwa-client --example echo-bot -- --serve   # keep the bot up on the emulator
//! UCWA_PASSWORD=… cargo run -p ucwa-client --example echo-bot -- --sign-in bot@contoso.com
//! ```
//!
//! Against the embedded emulator the bot signs in as lene@contoso.com; Ann talks to it alone,
//! then brings John into the conversation, then meets now and invites the bot into the
//! meeting, where it greets and answers in the meeting's chat; each answer is printed; then it
//! stops (with
//! `--serve` it stays up for other clients of the emulator, until Ctrl-C). With `--sign-in`
//! (and `--password` or `UCWA_PASSWORD`, as `ucwa-demo` takes them) it signs in to a real
//! deployment through autodiscovery and answers until Ctrl-C.

mod common;

use std::time::Duration;

use ucwa::Format;
use ucwa::events::EventType;
use ucwa_client::conversations::{
    Conversation, ConversationEvent, Conversations, InvitationKind, Policy,
};
use ucwa_client::messaging::{IncomingInvitation, ReceivedMessage, StartMessaging};
use ucwa_client::outcome::OperationOutcome;
use ucwa_client::{Session, SignIn};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The bot's work for one conversation: every message answered where it came from.
async fn answer(mut conversation: Conversation) {
    if conversation.kind() == InvitationKind::Meeting {
        eprintln!("bot: invited into a meeting");
    }
    while let Some(event) = conversation.next().await {
        match event {
            // The runtime added the chat of a meeting the bot accepted: say hello there.
            ConversationEvent::ChatReady => {
                if let Err(e) = conversation
                    .reply("Hello, I echo what you write here.")
                    .await
                {
                    eprintln!("bot: could not greet the meeting: {e}");
                }
            }
            ConversationEvent::Message(message) => {
                let from = message.from.clone().unwrap_or_else(|| "someone".into());
                let text = message.text().unwrap_or("(not text)").to_owned();
                eprintln!("bot: {from} said {text:?}");
                if let Err(e) = conversation.reply(&format!("echo: {text}")).await {
                    eprintln!("bot: could not answer: {e}");
                }
            }
            ConversationEvent::ParticipantAdded(p) if !p.local => {
                eprintln!("bot: {} joined", p.name.as_deref().unwrap_or("someone"));
            }
            ConversationEvent::Ended => eprintln!("bot: a conversation ended"),
            _ => {}
        }
    }
}

/// Runs the bot on `session` until the session's events end: it accepts every invitation,
/// messaging and meeting alike.
async fn run_bot(session: &Session) {
    let mut conversations = Conversations::start(session, Policy::AcceptAll);
    while let Some(conversation) = conversations.next().await {
        tokio::spawn(answer(conversation));
    }
}

/// The value after `flag` on the command line.
fn flag(flag: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != flag);
    args.next()?;
    args.next()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let format = common::format_from_args();
    if let Some(address) = flag("--sign-in") {
        let password = flag("--password")
            .or_else(|| std::env::var("UCWA_PASSWORD").ok())
            .ok_or("--sign-in needs --password or UCWA_PASSWORD")?;
        let session = SignIn::new(&address)?
            .password(password)
            .format(format)
            .start()
            .await?;
        eprintln!("{address} signed in; answering until Ctrl-C");
        tokio::select! {
            () = run_bot(&session) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        session.shutdown().await;
        return Ok(());
    }

    let emulator = common::emulator().await.map_err(|e| e.to_string())?;
    let bot = common::sign_in(&emulator, "lene@contoso.com", format)
        .await
        .map_err(|e| e.to_string())?;
    if std::env::args().any(|a| a == "--serve") {
        eprintln!(
            "the bot (lene@contoso.com) answers at {}; ann@ and john@contoso.com may sign in \
             with pass@word1; Ctrl-C stops",
            emulator.origin()
        );
        tokio::select! {
            () = run_bot(&bot) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        bot.shutdown().await;
        return Ok(());
    }
    let bot_task = tokio::spawn(async move {
        run_bot(&bot).await;
    });
    demonstrate(&emulator, format).await?;
    bot_task.abort();
    Ok(())
}

/// Ann talks to the bot, then brings John in: every answer printed.
async fn demonstrate(emulator: &ucwa_emulator::Emulator, format: Format) -> Result<(), Error> {
    let wait = Duration::from_secs(10);
    let sign_in = |who| common::sign_in(emulator, who, format);
    let ann = sign_in("ann@contoso.com")
        .await
        .map_err(|e| e.to_string())?;
    let john = sign_in("john@contoso.com")
        .await
        .map_err(|e| e.to_string())?;
    let (mut ann_events, mut john_events) = (ann.events(), john.events());

    let mut invitation = ann
        .messaging()
        .start(StartMessaging::to("lene@contoso.com"))
        .await?;
    match invitation.outcome(&mut ann_events, wait).await? {
        OperationOutcome::Succeeded(_) => {}
        OperationOutcome::Failed(why) => return Err(format!("not reached: {why:?}").into()),
    }
    let conversation = invitation.conversation(&ann.messaging()).await?;
    conversation.send_message("Hello, bot").await?;
    let answer = next_message(&mut ann_events, wait).await?;
    println!("Ann hears: {}", answer.text().unwrap_or(""));

    conversation.add_participant("john@contoso.com").await?;
    let invited = tokio::time::timeout(wait, async {
        loop {
            if let Some(i) = IncomingInvitation::from_event(&john_events.recv().await?) {
                return Ok::<_, Error>(i);
            }
        }
    })
    .await??;
    invited.accept(&john.messaging()).await?;
    conversation.send_message("John is here too").await?;
    let echoed = next_message(&mut john_events, wait).await?;
    println!(
        "John hears {}: {}",
        echoed.from.as_deref().unwrap_or("?"),
        echoed.text().unwrap_or("")
    );
    let echoed = next_message(&mut john_events, wait).await?;
    println!(
        "John hears {}: {}",
        echoed.from.as_deref().unwrap_or("?"),
        echoed.text().unwrap_or("")
    );
    meet_the_bot(&ann, wait).await?;
    ann.shutdown().await;
    john.shutdown().await;
    Ok(())
}

/// Ann meets now, adds the meeting's chat and invites the bot: it greets, then answers there.
async fn meet_the_bot(ann: &Session, wait: Duration) -> Result<(), Error> {
    let mut events = ann.events();
    let meetings = ann.online_meetings();
    let invitation = meetings.meet_now(Some("Stand-up")).await?;
    completed(&mut events, invitation.href.as_str(), wait).await?;
    let meeting = meetings
        .conversation(&meetings.invitation(&invitation).await?)
        .await?;
    let chat = meeting.add_messaging().await?;
    completed(&mut events, chat.href.as_str(), wait).await?;
    let meeting = meeting.refresh().await?;
    let href = meeting
        .resource()
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().to_owned())
        .ok_or("the meeting has no link")?;
    meeting.add_participant("sip:lene@contoso.com").await?;
    let greeting = next_message_in(&mut events, &href, wait).await?;
    println!(
        "Ann hears in the meeting: {}",
        greeting.text().unwrap_or("")
    );
    meeting.send_message("Hello, meeting bot").await?;
    let echoed = next_message_in(&mut events, &href, wait).await?;
    println!("Ann hears in the meeting: {}", echoed.text().unwrap_or(""));
    meeting.leave().await?;
    Ok(())
}

/// Waits for the `completed` event of the invitation at `href`, which must succeed.
async fn completed(
    events: &mut ucwa_client::EventReceiver,
    href: &str,
    wait: Duration,
) -> Result<(), Error> {
    let status = tokio::time::timeout(wait, async {
        loop {
            let event = events.recv().await?;
            if event.event_type == EventType::Completed && event.link.href.as_str() == href {
                return Ok::<_, Error>(event.status);
            }
        }
    })
    .await??;
    match status.as_deref() {
        Some("Success") => Ok(()),
        other => Err(format!("{href} completed with {other:?}").into()),
    }
}

/// The next message received in the conversation at `href` (its messaging is under it).
async fn next_message_in(
    events: &mut ucwa_client::EventReceiver,
    href: &str,
    wait: Duration,
) -> Result<ReceivedMessage, Error> {
    let found = tokio::time::timeout(wait, async {
        loop {
            if let Some(m) = ReceivedMessage::from_event(&events.recv().await?) {
                let here = m.message.links.messaging.as_ref();
                if here.is_some_and(|l| l.href.as_str().starts_with(href)) {
                    return Ok::<_, Error>(m);
                }
            }
        }
    })
    .await??;
    Ok(found)
}

async fn next_message(
    events: &mut ucwa_client::EventReceiver,
    wait: Duration,
) -> Result<ReceivedMessage, Error> {
    let found = tokio::time::timeout(wait, async {
        loop {
            if let Some(m) = ReceivedMessage::from_event(&events.recv().await?) {
                return Ok::<_, Error>(m);
            }
        }
    })
    .await??;
    Ok(found)
}
