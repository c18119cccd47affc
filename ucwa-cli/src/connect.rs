//! Where a command's session comes from: the embedded emulator (`--emulator`), or what
//! `ucwa login` kept (the discovered root and a token per host); and the token providers that
//! record tokens at login and give them back later.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ucwa::Format;
use ucwa::operations::MakeMeAvailablePostBody;
use ucwa_client::auth::provider::TokenFuture;
use ucwa_client::auth::{IssuedToken, PasswordGrant, Token, TokenProvider, TokenRequest};
use ucwa_client::{AuthError, Session, SignIn};
use ucwa_emulator::{Config, Emulator, ROOT_PATH};

use crate::cache::{self, Cached};
use crate::cli::{Global, WireFormat};
use crate::failure::{Context, Failure, Kind};
use crate::output::Progress;

/// The password of the embedded emulator's users.
pub const EMULATOR_PASSWORD: &str = "pass@word1";
/// Who `--emulator` signs in as when `--address` is not given.
pub const EMULATOR_USER: &str = "lene@contoso.com";

/// A signed-in session, and the embedded emulator it talks to, if any (kept alive as long).
pub struct Connection {
    /// The session (an application made available).
    pub session: Session,
    /// The sign-in address.
    pub address: String,
    emulator: Option<Emulator>,
}

impl Connection {
    /// Deletes the application, then stops the emulator if it is ours.
    pub async fn close(self) {
        self.session.shutdown().await;
        if let Some(emulator) = self.emulator {
            emulator.shutdown().await;
        }
    }
}

/// The wire format chosen.
pub fn format(global: &Global) -> Format {
    match global.format {
        WireFormat::Json => Format::Json,
        WireFormat::Xml => Format::Xml,
    }
}

/// Starts the embedded emulator on a free loopback port, with its default users.
pub async fn start_emulator(listen: std::net::SocketAddr) -> Result<Emulator, Failure> {
    Emulator::start(Config {
        listen,
        // Short enough that `watch` and `im listen` stop promptly on Ctrl-C.
        long_poll: Duration::from_secs(20),
        ..Config::default()
    })
    .await
    .map_err(|e| {
        Failure::new(
            Kind::Network,
            format!(
                "Starting the embedded emulator on {listen} failed ({e}): choose another address."
            ),
        )
    })
}

/// The discovery URL of an emulator.
pub fn emulator_root(emulator: &Emulator) -> url::Url {
    url::Url::parse(&format!("{}{ROOT_PATH}", emulator.origin()))
        .expect("the emulator's origin is a URL")
}

/// Signs in for a command: against an embedded emulator with `--emulator`, else with what
/// `ucwa login` kept. With `phone`, the application advertises phone audio, and the number
/// given as the user's phone.
pub async fn connect(
    global: &Global,
    progress: &Progress,
    phone: Option<Option<&str>>,
) -> Result<Connection, Failure> {
    let (sign_in, address, emulator) = if global.emulator {
        let emulator = start_emulator(([127, 0, 0, 1], 0).into()).await?;
        let address = global
            .address
            .clone()
            .unwrap_or_else(|| EMULATOR_USER.to_owned());
        let sign_in = SignIn::new(&address)
            .doing("Reading the sign-in address")?
            .password(EMULATOR_PASSWORD)
            .allow_http(true);
        let sign_in = start_at(sign_in, emulator_root(&emulator));
        (sign_in, address, Some(emulator))
    } else {
        let cached = cache::load()?;
        if let Some(address) = &global.address
            && !address.eq_ignore_ascii_case(&cached.address)
        {
            return Err(Failure::new(
                Kind::SignIn,
                format!(
                    "{} is signed in, not {address}: run `ucwa login {address}` first.",
                    cached.address
                ),
            ));
        }
        let root = url::Url::parse(&cached.root).map_err(|_| {
            Failure::new(
                Kind::SignIn,
                "The cache holds no valid URL: run `ucwa login` again.",
            )
        })?;
        let sign_in = SignIn::new(&cached.address)
            .doing("Reading the cached sign-in address")?
            .token_provider(Arc::new(CachedTokens {
                tokens: cached.tokens.clone(),
            }))
            .allow_http(cached.insecure_http || global.insecure_http);
        let sign_in = start_at(sign_in, root);
        (sign_in, cached.address, None)
    };
    let sign_in = match phone {
        None => sign_in,
        Some(Some(number)) => sign_in.phone_audio(number),
        Some(None) => sign_in.make_me_available(phone_audio_only()),
    };
    progress.say(&format!("signing in as {address}"));
    let session = sign_in
        .format(format(global))
        .long_poll(Duration::from_secs(20))
        .start()
        .await
        .doing("Signing in")?;
    Ok(Connection {
        session,
        address,
        emulator,
    })
}

/// makeMeAvailable as the client sends it by default, with phone audio besides messaging and
/// no phone number (the server rings the phone the account has).
fn phone_audio_only() -> MakeMeAvailablePostBody {
    use ucwa::enumerations::{MessageFormat, ModalityType};
    MakeMeAvailablePostBody {
        supported_modalities: Some(vec![ModalityType::Messaging, ModalityType::PhoneAudio]),
        supported_message_formats: Some(vec![MessageFormat::Plain, MessageFormat::Html]),
        ..MakeMeAvailablePostBody::default()
    }
}

/// Signs in with a password (`ucwa login`), without making an application: discovery and a
/// token per host it met, which the cache keeps.
pub async fn login(
    global: &Global,
    address: &str,
    password: String,
    discovery_url: Option<url::Url>,
) -> Result<Cached, Failure> {
    let recording = Arc::new(Recording {
        inner: PasswordGrant::new(address, password),
        seen: Mutex::default(),
    });
    let mut sign_in = SignIn::new(address)
        .doing("Reading the sign-in address")?
        .token_provider(recording.clone())
        .allow_http(global.insecure_http)
        .format(format(global));
    if let Some(url) = discovery_url {
        sign_in = start_at(sign_in, url);
    }
    let (_client, discovered) = sign_in.connect().await.doing("Signing in")?;
    let tokens = recording
        .seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(Cached {
        address: address.to_owned(),
        insecure_http: global.insecure_http,
        root: discovered.root.to_string(),
        user: discovered.user.to_string(),
        applications: discovered.applications.to_string(),
        tokens,
    })
}

/// Discovery started at `url`, whose host the user named and is therefore trusted as a
/// target of discovery's redirects (as the sign-in domain is).
fn start_at(sign_in: SignIn, url: url::Url) -> SignIn {
    let sign_in = match url.host_str() {
        Some(host) => sign_in.trust_domain(host),
        None => sign_in,
    };
    sign_in.discovery_url(url)
}

/// The password grant, remembering the token issued for each host.
#[derive(Debug)]
struct Recording {
    inner: PasswordGrant,
    seen: Mutex<BTreeMap<String, String>>,
}

impl TokenProvider for Recording {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let issued = self.inner.token(request).await?;
            self.seen.lock().unwrap_or_else(|p| p.into_inner()).insert(
                request.resource.origin().ascii_serialization(),
                issued.access_token.secret().to_owned(),
            );
            Ok(issued)
        })
    }
}

/// The tokens `ucwa login` kept, one per host; a host without one, or a kept token the
/// server refused, means signing in again.
struct CachedTokens {
    tokens: BTreeMap<String, String>,
}

impl std::fmt::Debug for CachedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hosts only: a token is never printed.
        f.debug_struct("CachedTokens")
            .field("hosts", &self.tokens.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl TokenProvider for CachedTokens {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let origin = request.resource.origin().ascii_serialization();
            if request.previous.is_some() {
                return Err(AuthError::Provider(
                    format!("{origin} refused the token kept by `ucwa login` (expired?)").into(),
                ));
            }
            match self.tokens.get(&origin) {
                Some(token) => Ok(IssuedToken::new(Token::new(token.clone()))),
                None => Err(AuthError::Provider(
                    format!("`ucwa login` kept no token for {origin}").into(),
                )),
            }
        })
    }
}
