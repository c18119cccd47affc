//! The README's examples of the client (signing in, a task handle), compiled, the messaging one
//! run against the emulator; the test also checks that the README shows exactly this code.

mod common;

use std::error::Error;
use std::time::Duration;

use ucwa::operations::{EscalateAudioVideoPost, EscalateAudioVideoPostQuery};
use ucwa::resources::{Application, EscalateAudioVideo, Participant};
use ucwa::{Format, Link};
use ucwa_client::Session;
use ucwa_client::messaging::{IncomingInvitation, StartMessaging};
use ucwa_client::outcome::OperationOutcome;
use ucwa_emulator::Limits;

/// Compiled, not run: the server is a real deployment.
#[allow(dead_code, unused_variables)]
async fn readme_client(
    token: String,
    link: &Link<EscalateAudioVideo>,
    query: EscalateAudioVideoPostQuery,
    sdp: Vec<u8>,
    application: Application,
) -> Result<(), Box<dyn Error>> {
    // README begin
    use ucwa_client::Client;

    let client = Client::builder("https://fe1.contoso.com", token)
        .format(ucwa::Format::Xml) // JSON by default
        .connect_timeout(Duration::from_secs(10))
        .request_timeout(Duration::from_secs(30))
        .long_poll(Duration::from_secs(180)) // the event channel's `timeout`
        .max_body_size(8 * 1024 * 1024) // the default: a longer answer is an error
        .build()?;
    let request =
        EscalateAudioVideoPost::request(client.origin(), link, &query, sdp, client.format())?;
    let invitation = client.send(request).await?; // typed errors, the operation inferred
    let participant: Participant = client.get(&invitation.links.from.unwrap()).await?;

    let mut events = client.events(&application.links.events.unwrap());
    while let Some(event) = events.next_event().await? { /* … */ } // or .into_stream()
    // README end
    Ok(())
}

/// Compiled, not run: the server is a real deployment.
#[allow(dead_code, unused_variables)]
fn readme_retry(origin: &str, token: &str) -> Result<(), Box<dyn Error>> {
    use ucwa_client::Client;
    // README begin
    use ucwa_client::RetryPolicy;

    let client = Client::builder("https://fe1.contoso.com", token)
        .retry_policy(
            RetryPolicy::default() // 3 attempts, 200 ms doubling to 5 s
                .max_attempts(5) // 1 to 10
                .backoff(Duration::from_millis(500), Duration::from_secs(10))
                .jitter(true), // each wait: half of it to all of it
        )
        .build()?;
    let once = Client::builder(origin, token)
        .retry_policy(RetryPolicy::none())
        .build()?;
    // README end
    Ok(())
}

async fn readme_messaging(session: &Session) -> Result<(), Box<dyn Error>> {
    // README begin
    let messaging = session.messaging();
    let mut events = session.events(); // subscribe first: outcomes come as events
    let mut invitation = messaging
        .start(StartMessaging::to("sip:ann@contoso.com").message("Lunch?"))
        .await?;
    match invitation
        .outcome(&mut events, Duration::from_secs(60))
        .await?
    {
        OperationOutcome::Succeeded(_) => {
            let conversation = invitation.conversation(&messaging).await?;
            conversation.send_message("Noon?").await?;
            conversation
                .send_html("<b>Noon</b> at the usual place?")
                .await?;
        }
        // RemoteFailure Declined, NotFound DestinationNotFound…
        OperationOutcome::Failed(why) => eprintln!("{} {:?}", why.code, why.subcode),
    }
    // README end
    Ok(())
}

/// Compiled, not run: it signs in over HTTPS to a real deployment.
#[allow(dead_code, unused_variables, unused_mut, unused_imports)]
async fn readme_sign_in(
    password: &str,
    endpoint_id: &str,
    my_reqwest_client: reqwest::Client,
) -> Result<(), Box<dyn Error>> {
    // README begin
    use ucwa_client::{SignIn, Status};

    let session = SignIn::new("lene@contoso.com")?
        .password(password) // or .token_provider(Arc::new(my_azure_ad))
        .format(ucwa::Format::Xml) // JSON by default, discovery included
        .http_client(my_reqwest_client) // optional: proxies, extra root CAs
        .connect_timeout(Duration::from_secs(10)) // the settings a Client takes, all of them
        .application("ContosoBot/1.0", endpoint_id, "en-US")
        .start()
        .await?;
    let mut events = session.events(); // bounded, grows on demand; Lagged(n) if slow
    let mut status = session.status(); // Available, Recovered { .. }, PGetReplaced, …
    let me = session.me(); // a task handle: it survives a recovery
    let client = session.client(); // send operations as with Client
    // …
    session.shutdown().await; // deletes the application
    // README end
    Ok(())
}

#[tokio::test]
async fn the_readme_messaging_example_runs() {
    let emulator = common::emulator(Limits::default()).await;
    let lene = common::session(&emulator, "lene@contoso.com", Format::Json).await;
    let ann = common::session(&emulator, "ann@contoso.com", Format::Json).await;
    let mut ann_events = ann.events();
    let messages = ann.events();
    let accepting = async {
        let incoming = common::wait_for(&mut ann_events, IncomingInvitation::from_event).await;
        assert_eq!(incoming.first_message().as_deref(), Some("Lunch?"));
        incoming.accept(&ann.messaging()).await.unwrap();
    };
    let (sent, ()) = tokio::join!(readme_messaging(&lene), accepting);
    sent.unwrap();
    // The first message (the invitation's) and both messages reached Ann.
    let mut messages = messages;
    let mut texts = Vec::new();
    while texts.len() < 3 {
        let message = common::wait_for(
            &mut messages,
            ucwa_client::messaging::ReceivedMessage::from_event,
        )
        .await;
        texts.push(message.text().unwrap_or_default().to_owned());
    }
    assert_eq!(
        texts,
        ["Lunch?", "Noon?", "<b>Noon</b> at the usual place?"]
    );
    lene.shutdown().await;
    ann.shutdown().await;
}

#[test]
fn the_readme_shows_these_examples() {
    let source = include_str!("readme.rs");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut rest = source;
    let mut shown = 0;
    while let Some(begin) = rest.find("    // README begin\n") {
        rest = &rest[begin + "    // README begin\n".len()..];
        let end = rest.find("    // README end").unwrap();
        let code: String = rest[..end]
            .lines()
            .map(|line| line.strip_prefix("    ").unwrap_or(line))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(
            readme.contains(&format!("```rust\n{code}```")),
            "README.md must show this example of ucwa-client/tests/readme.rs:\n{code}"
        );
        rest = &rest[end..];
        shown += 1;
    }
    assert_eq!(shown, 4, "the examples between README begin/end markers");
}
