//! `ucwa-demo`: escalates an audio/video call end to end.
//!
//! By default it starts the embedded UCWA emulator on loopback, over HTTPS with a certificate
//! made at start, and signs in to it as a user would: discovery from the sign-in address (the
//! `lyncdiscover` names mapped to the emulator by the HTTP client's resolver), the password
//! grant on each host that challenges, the applications on their own host. With
//! `--sign-in ADDRESS --password PASSWORD` it does the same against a real deployment; with
//! `--server URL --token TOKEN` it skips sign-in and uses the token as given. It creates an application,
//! makes the user available (makeMeAvailable), finds the call to escalate on the event channel
//! and escalates it with an SDP offer through the client's audio/video API
//! (`ucwa_client::calls`), waits for the audioVideoInvitation in the event channel and prints
//! it, then the far end's SDP answer. Progress goes to stderr, the
//! invitation to stdout; a failure ends with a clear message and a non-zero exit.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Parser, ValueEnum};
use std::sync::Arc;
use ucwa::enumerations::ModalityType;
use ucwa::operations::{
    ApplicationsPost, ApplicationsPostBody, MakeMeAvailablePost, MakeMeAvailablePostBody,
};
use ucwa::resources::{AnyResource, Application, AudioVideoInvitation};
use ucwa::{Format, Link};

use ucwa_client::auth::provider::TokenFuture;
use ucwa_client::auth::{PasswordGrant, TokenRequest, WindowsGrant};
use ucwa_client::calls::{AudioVideoOutcome, Escalation, Sdp};
use ucwa_client::{Client, EventChannel, SignIn, TokenProvider};
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator};

#[derive(Parser)]
#[command(
    name = "ucwa-demo",
    version,
    about = "Escalate an audio/video call with UCWA 2.0, end to end"
)]
struct Args {
    /// Sign in to a real deployment as this user (`user@domain`), through autodiscovery
    /// (default: the embedded emulator's user).
    #[arg(long, requires = "password", conflicts_with = "server")]
    sign_in: Option<String>,
    /// The password for --sign-in.
    #[arg(long, env = "UCWA_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// A real server's origin, e.g. `https://fe1.contoso.com`, with --token instead of signing in.
    #[arg(long, requires = "token")]
    server: Option<String>,
    /// The bearer token for --server.
    #[arg(long, env = "UCWA_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The path of the applications resource on --server (sign-in discovers it).
    #[arg(long, default_value = APPLICATIONS_PATH)]
    applications: String,
    /// The representation to use.
    #[arg(long, value_enum, default_value_t = Repr::Json)]
    format: Repr,
    /// Sign in to the embedded emulator with the Windows grant (NTLM, as the domain account
    /// CONTOSO\\lene) instead of the password grant.
    #[arg(long, conflicts_with_all = ["server", "sign_in"])]
    windows: bool,
    /// How long to wait for each event, in seconds.
    #[arg(long, default_value_t = 30)]
    wait: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Repr {
    Json,
    Xml,
}

/// The SDP offer sent: one audio and one video stream.
const SDP_OFFER: &str = "v=0\r\n\
o=- 3747215637 1 IN IP4 127.0.0.1\r\n\
s=ucwa-demo\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 50010 RTP/AVP 0 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=sendrecv\r\n\
m=video 50020 RTP/AVP 96\r\n\
a=rtpmap:96 H264/90000\r\n\
a=sendrecv\r\n";

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ucwa-demo: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let format = match args.format {
        Repr::Json => Format::Json,
        Repr::Xml => Format::Xml,
    };
    let wait = Duration::from_secs(args.wait);
    // The emulator lives until the end of `run`.
    let mut _emulator = None;
    let (client, applications) = match (args.server, args.token, args.sign_in, args.password) {
        (Some(server), Some(token), _, _) => {
            let client = Client::builder(server, token)
                .format(format)
                .long_poll(wait)
                .build()
                .map_err(|e| e.to_string())?;
            let applications = format!("{}{}", client.origin(), args.applications);
            (client, applications)
        }
        (_, _, Some(address), Some(password)) => {
            let signing_in = SignIn::new(&address)
                .map_err(|e| e.to_string())?
                .token_provider(Arc::new(Announced(
                    "password",
                    PasswordGrant::new(&address, password),
                )));
            sign_in(signing_in, format, wait).await?
        }
        _ => {
            let emulator = Emulator::start(Config {
                tls_names: Some(EMULATED_HOSTS.iter().map(|h| (*h).to_owned()).collect()),
                applications_on_second_origin: true,
                applications_host: EMULATED_POOL.to_owned(),
                ..Config::default()
            })
            .await
            .map_err(|e| format!("cannot start the embedded emulator: {e}"))?;
            eprintln!(
                "started the embedded UCWA emulator at {} (applications at {}), over HTTPS; \
                 {} and {} resolve to it",
                emulator.origin(),
                emulator.applications_origin(),
                EMULATED_HOSTS[0],
                EMULATED_POOL,
            );
            let pem = emulator.certificate_pem().unwrap_or_default();
            let certificate = reqwest::Certificate::from_pem(pem.as_bytes())
                .map_err(|e| format!("the emulator's certificate: {e}"))?;
            // The user's own HTTP client: the emulator's certificate is its only root, and the
            // discovery names lead to the emulator, the way a test network's DNS would.
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .tls_certs_only([certificate])
                .resolve(EMULATED_HOSTS[0], emulator.addr())
                .resolve(EMULATED_POOL, emulator.applications_addr())
                .build()
                .map_err(|e| e.to_string())?;
            let address = emulator.user().to_owned();
            let provider: Arc<dyn TokenProvider> = if args.windows {
                Arc::new(Announced(
                    "Windows (NTLM)",
                    WindowsGrant::new("lene", Some("CONTOSO"), "pass@word1"),
                ))
            } else {
                Arc::new(Announced(
                    "password",
                    PasswordGrant::new(&address, "pass@word1"),
                ))
            };
            let signing_in = SignIn::new(&address)
                .map_err(|e| e.to_string())?
                .token_provider(provider)
                .http_client(http);
            _emulator = Some(emulator);
            sign_in(signing_in, format, wait).await?
        }
    };

    eprintln!("creating an application at {applications} ({format})…");
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some(unique_id()),
        user_agent: Some(format!("ucwa-demo/{}", env!("CARGO_PKG_VERSION"))),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &Link::to(applications.as_str()),
        &body,
        format,
    )
    .map_err(|e| e.to_string())?;
    let application = client
        .send(request)
        .await
        .map_err(|e| format!("creating the application: {e}"))?;
    let events_link = application
        .links
        .events
        .as_ref()
        .ok_or("the application has no event channel (`events` link)")?;
    eprintln!(
        "created application {}",
        href(application.links.self_.as_ref())
    );
    let mut events = client.events(events_link);

    // Available before waiting for a call, as a client that takes calls is.
    eprintln!("making the user available for messaging, audio and video…");
    make_me_available(&client, &application, format).await?;

    eprintln!("waiting on the event channel for an audio/video call to escalate…");
    let calls = client.calls(&application);
    let audio_video = loop {
        let event = next_event(&mut events, wait, "an audio/video call").await?;
        if let Some(found) = calls.audio_video(&event) {
            break found;
        }
    };

    let ids = Escalation::unique();
    let operation_id = ids.operation_id.clone();
    eprintln!(
        "escalating {} with an SDP offer of {} bytes (operationId {operation_id})…",
        href(audio_video.resource().links.self_.as_ref()),
        SDP_OFFER.len(),
    );
    let outgoing = audio_video
        .escalate(&Sdp::new(SDP_OFFER), ids)
        .await
        .map_err(|e| format!("escalating: {e}"))?;
    eprintln!(
        "the server accepted it: invitation {}",
        href(outgoing.invitation().links.self_.as_ref())
    );

    eprintln!("waiting for the invitation in the event channel…");
    let invitation = find_invitation(&client, &mut events, &operation_id, wait).await?;
    print!("{}", describe(&invitation));

    eprintln!("waiting for the far end's answer…");
    match outgoing
        .answer(&mut events, wait)
        .await
        .map_err(|e| format!("waiting for the answer: {e}"))?
    {
        AudioVideoOutcome::Answered(answer) => {
            eprintln!(
                "received the answer ({} bytes of SDP)",
                answer.as_str().len()
            );
            println!(
                "  {:<15} application/sdp, {} bytes:",
                "mediaAnswer",
                answer.as_str().len()
            );
            for sdp_line in answer.as_str().lines() {
                println!("    {sdp_line}");
            }
            Ok(())
        }
        AudioVideoOutcome::Failed(reason) => Err(format!(
            "the call was not answered: {} {}",
            reason.code,
            reason.message.unwrap_or_default()
        )),
        other => Err(format!("the call was not answered: {other:?}")),
    }
}

/// makeMeAvailable with the modalities the demo takes (messaging, audio, video).
async fn make_me_available(
    client: &Client,
    application: &Application,
    format: Format,
) -> Result<(), String> {
    let link = application
        .embedded
        .me
        .as_ref()
        .and_then(|me| me.links.make_me_available.as_ref())
        .ok_or("the application offers no makeMeAvailable")?;
    let body = MakeMeAvailablePostBody {
        supported_modalities: Some(vec![
            ModalityType::Messaging,
            ModalityType::Audio,
            ModalityType::Video,
        ]),
        ..Default::default()
    };
    let request = MakeMeAvailablePost::request(client.origin(), link, &body, format)
        .map_err(|e| e.to_string())?;
    client
        .send(request)
        .await
        .map_err(|e| format!("making the user available: {e}"))
}

/// The names the embedded emulator answers for: the internal discovery entry point of the
/// emulator's user's domain, and the pool its applications are on.
const EMULATED_HOSTS: [&str; 2] = ["lyncdiscoverinternal.contoso.com", EMULATED_POOL];
const EMULATED_POOL: &str = "pool1.contoso.com";

/// Discovery and the client of the applications host, each step printed.
async fn sign_in(
    signing_in: SignIn,
    format: Format,
    wait: Duration,
) -> Result<(Client, String), String> {
    let signing_in = signing_in.format(format).long_poll(wait);
    eprintln!("discovering the UCWA server from the sign-in address…");
    let (client, discovered) = signing_in
        .connect()
        .await
        .map_err(|e| format!("signing in: {e}"))?;
    eprintln!(
        "discovered: root {}, user {}, applications {}",
        discovered.root, discovered.user, discovered.applications
    );
    Ok((client, discovered.applications.to_string()))
}

/// A token provider that says which host it got a token for, with which grant (never the
/// token).
#[derive(Debug)]
struct Announced<P>(&'static str, P);

impl<P: TokenProvider> TokenProvider for Announced<P> {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let host = request.resource.origin().ascii_serialization();
            eprintln!("{host} asks for a token; using the {} grant…", self.0);
            let issued = self.1.token(request).await?;
            eprintln!(
                "got a token for {host}{}",
                issued
                    .expires_in
                    .map(|d| format!(", valid {} s", d.as_secs()))
                    .unwrap_or_default()
            );
            Ok(issued)
        })
    }
}

/// The invitation of our escalation, as the event channel delivers it.
async fn find_invitation(
    client: &Client,
    events: &mut EventChannel,
    operation_id: &str,
    wait: Duration,
) -> Result<AudioVideoInvitation, String> {
    loop {
        let event = next_event(events, wait, "the audioVideoInvitation").await?;
        if !event.names::<AudioVideoInvitation>() {
            continue;
        }
        let invitation = match event.resource {
            Some(AnyResource::AudioVideoInvitation(invitation)) => *invitation,
            _ => client
                .get(&event.link.to_cast())
                .await
                .map_err(|e| format!("reading the invitation: {e}"))?,
        };
        if invitation.operation_id.as_deref() == Some(operation_id) {
            eprintln!(
                "received `{}` for the invitation",
                ucwa::Enumeration::as_str(&event.event_type)
            );
            return Ok(invitation);
        }
    }
}

async fn next_event(
    events: &mut EventChannel,
    wait: Duration,
    what: &str,
) -> Result<ucwa::events::Event<AnyResource>, String> {
    match tokio::time::timeout(wait + Duration::from_secs(5), events.next_event()).await {
        Err(_) => Err(format!(
            "no event announced {what} within {} s",
            wait.as_secs()
        )),
        Ok(Err(e)) => Err(format!("reading the event channel: {e}")),
        Ok(Ok(None)) => Err("the event channel ended".to_owned()),
        Ok(Ok(Some(event))) => Ok(event),
    }
}

fn href(link: Option<&Link>) -> &str {
    link.map_or("(no self link)", |l| l.href.as_str())
}

/// A 32-digit hex ID, unique enough for operation IDs and endpoint IDs.
fn unique_id() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos:016x}{:08x}{count:08x}", std::process::id())
}

fn describe(invitation: &AudioVideoInvitation) -> String {
    let show = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let mut out = format!(
        "audioVideoInvitation {}\n",
        href(invitation.links.self_.as_ref())
    );
    let mut line = |name: &str, value: String| out.push_str(&format!("  {name:<15} {value}\n"));
    line(
        "state",
        show(invitation.state.as_ref().map(ToString::to_string)),
    );
    line(
        "direction",
        show(invitation.direction.as_ref().map(ToString::to_string)),
    );
    line(
        "importance",
        show(invitation.importance.as_ref().map(ToString::to_string)),
    );
    line("subject", show(invitation.subject.clone()));
    line("to", show(invitation.to.as_ref().map(ToString::to_string)));
    let from = invitation.embedded.from.as_ref().map(|p| {
        format!(
            "{} <{}>",
            p.name.as_deref().unwrap_or("?"),
            p.uri.as_ref().map_or("?", |u| u.as_str())
        )
    });
    line("from", show(from));
    line("operationId", show(invitation.operation_id.clone()));
    line("sessionContext", show(invitation.session_context.clone()));
    let operations: Vec<&str> = [
        (
            "acceptWithAnswer",
            invitation.links.accept_with_answer.is_some(),
        ),
        ("cancel", invitation.links.cancel.is_some()),
        ("decline", invitation.links.decline.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(name, _)| name)
    .collect();
    line(
        "operations",
        if operations.is_empty() {
            "-".to_owned()
        } else {
            operations.join(", ")
        },
    );
    match &invitation.links.media_offer {
        Some(offer) => match offer.decode() {
            Ok(bytes) => {
                line(
                    "mediaOffer",
                    format!("{}, {} bytes:", offer.media_type(), bytes.len()),
                );
                for sdp_line in String::from_utf8_lossy(&bytes).lines() {
                    out.push_str(&format!("    {sdp_line}\n"));
                }
            }
            Err(e) => line("mediaOffer", format!("undecodable: {e}")),
        },
        None => line("mediaOffer", "-".to_owned()),
    }
    out
}
