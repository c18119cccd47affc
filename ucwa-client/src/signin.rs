//! What a user writes to sign in: a sign-in address and a password (or a token provider), and
//! optionally a discovery URL and the [`Settings`] a [`Client`] takes too (the format, the
//! timeouts, the body limit, the retry policy, their own `reqwest::Client`).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let (client, discovered) = ucwa_client::SignIn::new("lene@contoso.com")?
//!     .password("pass@word1")
//!     .connect()
//!     .await?;
//! println!("applications at {} ({})", discovered.applications, client.format());
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;
use ucwa::{Format, Origin};

use crate::auth::hosts::Hosts;
use crate::auth::{GrantOrder, GrantType, Grants, PasswordGrant, TokenProvider};
use crate::discovery::{Discovered, Discovery, DiscoveryConfig, DiscoveryError, SignInAddress};
use crate::lifecycle::LifecycleConfig;
use crate::settings::{self, SettingError, Settings};
use crate::{Client, RetryPolicy, SessionPool};

/// Signs a user in: discovery, then a [`Client`] of the user's applications host, every host
/// with its own token from one provider.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub(crate) address: SignInAddress,
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
    /// The password grant, when given with [`SignIn::password`].
    pub(crate) password: Option<Arc<dyn TokenProvider>>,
    /// The Windows grant, when given with `SignIn::windows`.
    pub(crate) windows: Option<Arc<dyn TokenProvider>>,
    pub(crate) grant_order: GrantOrder,
    pub(crate) discovery: DiscoveryConfig,
    pub(crate) settings: Settings,
    pub(crate) lifecycle: LifecycleConfig,
    /// What the session shares with the other sessions of the process, when given.
    pub(crate) pool: Option<SessionPool>,
    /// Where the session's state is saved and resumed from, when given.
    pub(crate) store: Option<Arc<dyn crate::resume::StateStore>>,
}

/// Why signing in failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// Discovery did not find the applications.
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    /// No credentials were given.
    #[error("give a password or a token provider")]
    NoCredentials,
    /// The HTTP client could not be made, or the applications link is not an origin.
    #[error(transparent)]
    Request(#[from] ucwa::RequestError),
    /// A setting is out of its range.
    #[error(transparent)]
    Setting(#[from] SettingError),
}

impl SignInError {
    /// Whether no answer came in time during discovery ([`DiscoveryError::is_timeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, SignInError::Discovery(error) if error.is_timeout())
    }

    /// Whether no connection could be made during discovery
    /// ([`DiscoveryError::is_connect`]).
    pub fn is_connect(&self) -> bool {
        matches!(self, SignInError::Discovery(error) if error.is_connect())
    }

    /// Whether the credentials or the token were refused during discovery
    /// ([`DiscoveryError::is_refused_grant`]): a wrong password, for instance.
    pub fn is_refused_grant(&self) -> bool {
        matches!(self, SignInError::Discovery(error) if error.is_refused_grant())
    }

    /// Whether the proxy refused its credentials during discovery
    /// ([`DiscoveryError::is_proxy_auth`]).
    pub fn is_proxy_auth(&self) -> bool {
        matches!(self, SignInError::Discovery(error) if error.is_proxy_auth())
    }
}

impl SignIn {
    /// Signs in `address` (`user@domain`); the domain gives the discovery entry points.
    pub fn new(address: &str) -> Result<SignIn, SignInError> {
        Ok(SignIn {
            address: address.parse()?,
            provider: None,
            password: None,
            windows: None,
            grant_order: GrantOrder::default(),
            discovery: DiscoveryConfig::default(),
            settings: Settings::default(),
            lifecycle: LifecycleConfig::default(),
            pool: None,
            store: None,
        })
    }

    /// Authenticates with the `password` grant, as the sign-in address.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        // The last way of getting tokens given wins, as before the Windows grant came.
        self.provider = None;
        self.password = Some(Arc::new(PasswordGrant::new(
            self.address.as_str(),
            password,
        )));
        self
    }

    /// Authenticates with the `urn:microsoft.rtc:windows` grant (integrated Windows
    /// authentication, NTLM) as `grant`'s domain account. With a password too, both are tried
    /// in the [`SignIn::grant_order`]; the next grant is tried only when the server does not
    /// take the first at all, never after a refused password or account.
    #[cfg(feature = "windows-auth")]
    pub fn windows(mut self, grant: crate::auth::WindowsGrant) -> Self {
        self.provider = None;
        self.windows = Some(Arc::new(grant));
        self
    }

    /// Shares `pool`'s HTTP client (which replaces any given in the settings), the tokens of
    /// this address with the pool's other sessions of it, and the discovery of the domain with
    /// the pool's other sessions of the domain (the first runs it, the others wait for its
    /// result). When creating the application at the shared result fails as a moved user's
    /// would (403, 502), this session runs discovery again, for itself and the pool.
    pub fn pool(mut self, pool: &SessionPool) -> Self {
        self.pool = Some(pool.clone());
        self
    }

    /// Saves the session's state in `store` as it goes (the application, the event channel's
    /// position after each batch) and, when the session starts, takes up the application saved
    /// there if the server still has it, reading its events from where they were left; else
    /// creates a new one. [`Session::resumption`](crate::Session::resumption) says which
    /// ([`crate::resume`]).
    pub fn resume_with(mut self, store: Arc<dyn crate::resume::StateStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Which grant comes first when both the password and the Windows grant are given
    /// (the password by default; the Windows grant first for a service account).
    pub fn grant_order(mut self, order: GrantOrder) -> Self {
        self.grant_order = order;
        self
    }

    /// The provider: the one given, else the password and Windows grants in their order.
    fn provider(&self) -> Option<Arc<dyn TokenProvider>> {
        if let Some(provider) = &self.provider {
            return Some(provider.clone());
        }
        let Some(windows) = &self.windows else {
            return self.password.clone();
        };
        let windows = (GrantType::Windows, windows.clone());
        let password = self
            .password
            .clone()
            .map(|password| (GrantType::Password, password));
        let ordered = match self.grant_order {
            GrantOrder::WindowsFirst => [Some(windows), password],
            _ => [password, Some(windows)],
        };
        let grants = ordered
            .into_iter()
            .flatten()
            .fold(Grants::new(), |grants, (grant, provider)| {
                grants.then(grant, provider)
            });
        Some(Arc::new(grants))
    }

    /// Gets tokens from `provider` (Azure AD, an anonymous meeting, a static token, ...).
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.password = None;
        self.windows = None;
        self.provider = Some(provider);
        self
    }

    /// Starts discovery at `url` instead of the `lyncdiscover` names of the domain (for
    /// example [`crate::discovery::ONLINE_ENTRY_POINT`]).
    pub fn discovery_url(mut self, url: url::Url) -> Self {
        self.discovery.entry_point = Some(url);
        self
    }

    /// Also tries HTTP entry points and accepts HTTP links: for test servers only. Over HTTP
    /// the password grant (user name and password) and every bearer token travel in clear
    /// text, readable by anyone on the path.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.discovery.allow_http = allow;
        self
    }

    /// Lets redirects lead to hosts in `domain` too, besides the sign-in domain.
    pub fn trust_domain(mut self, domain: impl Into<String>) -> Self {
        self.discovery.trusted_domains.push(domain.into());
        self
    }

    /// All the settings a [`Client`] takes too, at once, replacing those set so far.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// [`Settings::format`]: ask for and send `format` (JSON by default), discovery included.
    pub fn format(mut self, format: Format) -> Self {
        self.settings = self.settings.format(format);
        self
    }

    /// [`Settings::http_client`]: send every request with this client (proxies, extra root
    /// certificates, resolver overrides). The `applications` link discovery ends on may name
    /// another host than discovery's (Skype for Business Online names the user's pool): that
    /// host gets its own 401 challenge, answered by the same provider, and its own token.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings = self.settings.http_client(http);
        self
    }

    /// [`Settings::connect_timeout`]: how long to wait for a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.connect_timeout(timeout);
        self
    }

    /// [`Settings::request_timeout`]: how long each request may take, discovery's probes
    /// included (30 s by default).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.request_timeout(timeout);
        self
    }

    /// [`Settings::long_poll`]: how long the server may hold a pending GET on the event
    /// channel (180 s by default).
    pub fn long_poll(mut self, timeout: Duration) -> Self {
        self.settings = self.settings.long_poll(timeout);
        self
    }

    /// [`Settings::max_body_size`]: the most bytes of an answer read, discovery's and the
    /// session's (8 MiB by default).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.settings = self.settings.max_body_size(bytes);
        self
    }

    /// How long the server may gather low- and medium-urgency events before answering a
    /// pending GET on the event channel: its `low` and `medium` parameters, sent with every
    /// pending GET of the session's event reader (unset by default: the server takes 15 s and
    /// 5 s; it accepts 5 s to 1800 s).
    pub fn event_aggregation(mut self, low: Duration, medium: Duration) -> Self {
        self.lifecycle.aggregation = Some((low, medium));
        self
    }

    /// The `priority` sent with the session's pending GETs on the event channel: of two
    /// pending GETs for the same `ack`, the server keeps the one with the higher priority
    /// (unset by default).
    pub fn event_priority(mut self, priority: u32) -> Self {
        self.lifecycle.priority = Some(priority);
        self
    }

    /// The application's `UserAgent`, `EndpointId` and `Culture` (by default
    /// `ucwa-client/<version>`, `ucwa-client`, `en-US`). The endpoint id should stay the same
    /// for one device across sign-ins.
    pub fn application(
        mut self,
        user_agent: impl Into<String>,
        endpoint_id: impl Into<String>,
        culture: impl Into<String>,
    ) -> Self {
        self.lifecycle.user_agent = user_agent.into();
        self.lifecycle.endpoint_id = endpoint_id.into();
        self.lifecycle.culture = culture.into();
        self
    }

    /// What makeMeAvailable sends (messaging in plain text by default).
    pub fn make_me_available(mut self, body: ucwa::operations::MakeMeAvailablePostBody) -> Self {
        self.lifecycle.make_me_available = body;
        self
    }

    /// Advertises phone audio in makeMeAvailable, with `number` (`tel:+14255550100`), the
    /// user's phone the server rings for a call via work when a call names none
    /// ([`crate::calls`]). Kept with whatever else [`Self::make_me_available`] set.
    pub fn phone_audio(mut self, number: impl Into<String>) -> Self {
        let body = &mut self.lifecycle.make_me_available;
        let modalities = body.supported_modalities.get_or_insert_with(Vec::new);
        if !modalities.contains(&ucwa::enumerations::ModalityType::PhoneAudio) {
            modalities.push(ucwa::enumerations::ModalityType::PhoneAudio);
        }
        body.phone_number = Some(number.into());
        self
    }

    /// How often activity is reported (150 s by default; the server lowers the user's
    /// availability after four minutes without, so more than 3 min 30 s, or zero, is refused
    /// when the session starts).
    pub fn keep_alive(mut self, period: Duration) -> Self {
        self.lifecycle.keep_alive = period;
        self
    }

    /// How long the event reader waits after a failed pending GET before the next (1 s;
    /// more than zero and at most 60 s, checked when the session starts). The wait doubles
    /// after each failure in a row, up to 60 s, and is back to this after a success.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.lifecycle.retry_delay = delay;
        self
    }

    /// How many events wait for a slow subscriber before it starts missing them (256; 1 to
    /// 65 536, checked when the session starts).
    pub fn event_queue(mut self, capacity: usize) -> Self {
        self.lifecycle.event_queue = capacity;
        self
    }

    /// [`Settings::retry_policy`]: when a request that failed for a passing reason is sent
    /// again: discovery's requests after the entry point (an entry point that fails is
    /// followed by the next instead), and the session's `GET`s, `PUT`s and `DELETE`s; never a
    /// `POST`.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings = self.settings.retry_policy(policy);
        self
    }

    /// Refuses the settings that would panic, overflow or spin later, naming the parameter.
    pub(crate) fn check_settings(&self) -> Result<(), SettingError> {
        self.settings.check()?;
        let lifecycle = &self.lifecycle;
        settings::duration(
            "keep_alive",
            lifecycle.keep_alive,
            Duration::ZERO,
            settings::MAX_KEEP_ALIVE,
            "more than 0 and at most 3 min 30 s (UCWA's limit is 4 min)",
        )?;
        settings::duration(
            "retry_delay",
            lifecycle.retry_delay,
            Duration::ZERO,
            settings::MAX_RETRY_DELAY,
            "more than 0 and at most 60 s",
        )?;
        if !(1..=settings::MAX_EVENT_QUEUE).contains(&lifecycle.event_queue) {
            return Err(SettingError {
                parameter: "event_queue",
                given: lifecycle.event_queue.to_string(),
                allowed: "between 1 and 65536",
            });
        }
        Ok(())
    }

    pub(crate) fn parts(&self) -> Result<(reqwest::Client, Arc<Hosts>), SignInError> {
        self.check_settings()?;
        let provider = self.provider().ok_or(SignInError::NoCredentials)?;
        if let Some(pool) = &self.pool {
            let hosts = pool.hosts(
                self.address.as_str(),
                provider,
                self.settings.request_timeout,
            );
            return Ok((pool.http_client().clone(), hosts));
        }
        let http = self.settings.http()?;
        let hosts = Arc::new(Hosts::new(
            Some(provider),
            http.clone(),
            self.settings.request_timeout,
        ));
        Ok((http, hosts))
    }

    /// Discovery: the pool's result for the domain when there is a pool, else run now.
    pub(crate) async fn discover_with(
        &self,
        http: &reqwest::Client,
        hosts: &Hosts,
    ) -> Result<Discovered, SignInError> {
        match &self.pool {
            Some(pool) => pool.discover(self, hosts, false).await,
            None => self.run_discovery(http, hosts).await,
        }
    }

    /// Discovery run again, the server having said the result no longer holds (kept for the
    /// pool's other sessions too).
    pub(crate) async fn discover_again(
        &self,
        http: &reqwest::Client,
        hosts: &Hosts,
    ) -> Result<Discovered, SignInError> {
        match &self.pool {
            Some(pool) => pool.discover(self, hosts, true).await,
            None => self.run_discovery(http, hosts).await,
        }
    }

    pub(crate) async fn run_discovery(
        &self,
        http: &reqwest::Client,
        hosts: &Hosts,
    ) -> Result<Discovered, SignInError> {
        let discovery = Discovery {
            http,
            hosts,
            retry: &self.settings.retry,
            config: &self.discovery,
            settings: &self.settings,
            address: &self.address,
        };
        Ok(discovery.run().await?)
    }

    /// Runs discovery only.
    pub async fn discover(&self) -> Result<Discovered, SignInError> {
        let (http, hosts) = self.parts()?;
        self.discover_with(&http, &hosts).await
    }

    /// Runs discovery and gives a client of the applications host, which shares the tokens
    /// discovery got (one per host), with where discovery led (the `applications` link to
    /// create applications at).
    pub async fn connect(&self) -> Result<(Client, Discovered), SignInError> {
        let (http, hosts) = self.parts()?;
        let span = tracing::info_span!("sign_in", domain = %self.address.domain());
        let discovered = self.discover_with(&http, &hosts).instrument(span).await?;
        let client = self.client_for(&http, hosts, &discovered)?;
        Ok((client, discovered))
    }

    pub(crate) fn client_for(
        &self,
        http: &reqwest::Client,
        hosts: Arc<Hosts>,
        discovered: &Discovered,
    ) -> Result<Client, SignInError> {
        let origin = Origin::parse(&discovered.applications.origin().ascii_serialization())?;
        Ok(Client::from_parts(
            http.clone(),
            origin,
            hosts,
            &self.settings,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_not_in_debug_output() {
        let signing_in = SignIn::new("lene@contoso.com")
            .unwrap()
            .password("s3cret-Passw0rd");
        let debug = format!("{signing_in:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("Password(<redacted>)"), "{debug}");
        assert!(debug.contains("lene@contoso.com"), "{debug}");
    }

    #[tokio::test]
    async fn settings_that_would_panic_overflow_or_spin_are_refused_by_name() {
        let base = || SignIn::new("lene@contoso.com").unwrap().password("p");
        let refused = |signing_in: SignIn| match signing_in.check_settings() {
            Err(error) => (error.parameter, error.to_string()),
            Ok(()) => panic!("accepted"),
        };
        assert_eq!(
            refused(base().keep_alive(Duration::ZERO)),
            (
                "keep_alive",
                "`keep_alive` is 0ns; it must be more than 0 and at most 3 min 30 s (UCWA's limit is 4 min)"
                    .to_owned()
            )
        );
        assert_eq!(
            refused(base().keep_alive(Duration::from_secs(211))).0,
            "keep_alive"
        );
        assert_eq!(refused(base().long_poll(Duration::MAX)).0, "long_poll");
        assert_eq!(
            refused(base().retry_delay(Duration::ZERO)),
            (
                "retry_delay",
                "`retry_delay` is 0ns; it must be more than 0 and at most 60 s".to_owned()
            )
        );
        assert_eq!(refused(base().event_queue(0)).0, "event_queue");
        assert_eq!(
            refused(base().request_timeout(Duration::ZERO)).0,
            "request_timeout"
        );
        assert_eq!(refused(base().event_queue(usize::MAX)).0, "event_queue");
        assert_eq!(
            refused(base().retry_policy(RetryPolicy::default().max_attempts(0))).0,
            "retry_policy.max_attempts"
        );
        // Refused before any request: discovery of a domain that does not exist is not tried.
        assert!(matches!(
            base().keep_alive(Duration::ZERO).discover().await,
            Err(SignInError::Setting(SettingError {
                parameter: "keep_alive",
                ..
            }))
        ));
        // The limits themselves are accepted.
        assert_eq!(
            base()
                .keep_alive(settings::MAX_KEEP_ALIVE)
                .retry_delay(settings::MAX_RETRY_DELAY)
                .long_poll(settings::MAX_LONG_POLL)
                .event_queue(settings::MAX_EVENT_QUEUE)
                .check_settings(),
            Ok(())
        );
    }

    #[tokio::test]
    async fn signing_in_without_credentials_or_with_a_bad_address_is_a_clear_error() {
        assert!(matches!(
            SignIn::new("lene@contoso.com").unwrap().discover().await,
            Err(SignInError::NoCredentials)
        ));
        let error = SignIn::new("lene.contoso.com").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`lene.contoso.com` is not a sign-in address (user@domain): it has no `@`"
        );
    }
}
