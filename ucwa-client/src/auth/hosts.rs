//! The token of each host. Tokens are keyed by origin (scheme, host, port), so a token is
//! looked up only for the host a request goes to and can never be sent to another. Times are
//! on tokio's clock, so tests can pause it and jump past an expiry instead of waiting.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;
use ucwa::http::HeaderMap;

use crate::auth::AuthError;
use crate::auth::challenge::Challenges;
use crate::auth::provider::{TokenProvider, TokenRequest, origin_text};
use crate::auth::token::{IssuedToken, Token};

/// Renew this long before a token expires, or sooner for short-lived tokens (a tenth of their
/// life): a request must not leave with a token that expires on its way.
const RENEW_AHEAD: Duration = Duration::from_secs(300);

/// The longest a token is trusted, whatever its `expires_in` says: a server (or a forged
/// answer) may say `u64::MAX` seconds, which would overflow the clock, and a day-old token is
/// renewed anyway at the next 401 if it still works.
pub(crate) const MAX_TOKEN_LIFE: Duration = Duration::from_secs(24 * 3600);

/// How many hosts keep a token; discovery touches two or three, a session one more per pool.
const MAX_HOSTS: usize = 32;

struct Entry {
    token: Token,
    renew_at: Option<Instant>,
    expires_at: Option<Instant>,
    /// The challenges of the host's last 401, to renew with before the next one.
    challenges: Challenges,
}

pub(crate) struct Hosts {
    provider: Option<Arc<dyn TokenProvider>>,
    http: reqwest::Client,
    timeout: Duration,
    entries: Mutex<HashMap<url::Origin, Entry>>,
    /// One token request at a time: requests that meet the same 401 together wait for the
    /// first one's token instead of each asking for their own.
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Hosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Token`'s own `Debug` keeps the values out.
        let entries = self.lock();
        let tokens: HashMap<String, &Token> = entries
            .iter()
            .map(|(origin, entry)| (origin.ascii_serialization(), &entry.token))
            .collect();
        f.debug_struct("Hosts")
            .field("provider", &self.provider)
            .field("tokens", &tokens)
            .finish()
    }
}

impl Hosts {
    pub(crate) fn new(
        provider: Option<Arc<dyn TokenProvider>>,
        http: reqwest::Client,
        timeout: Duration,
    ) -> Self {
        Hosts {
            provider,
            http,
            timeout,
            entries: Mutex::new(HashMap::new()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<url::Origin, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Gives `origin` a token that does not expire (a static token).
    pub(crate) fn preset(&self, origin: &url::Url, token: Token) {
        self.store(origin, IssuedToken::new(token), Challenges::default());
    }

    /// Whether a 401 can be answered with a fresh token.
    pub(crate) fn can_renew(&self) -> bool {
        self.provider.is_some()
    }

    fn store(&self, origin: &url::Url, issued: IssuedToken, challenges: Challenges) {
        let now = Instant::now();
        let (renew_at, expires_at) = match issued.expires_in {
            Some(life) => {
                // Capped, so `now + life` cannot overflow; `checked_add` too, as `Instant`'s
                // range is the platform's. A time past the clock's end is "never".
                let life = life.min(MAX_TOKEN_LIFE);
                (
                    now.checked_add(life - RENEW_AHEAD.min(life / 10)),
                    now.checked_add(life),
                )
            }
            None => (None, None),
        };
        let mut entries = self.lock();
        if entries.len() >= MAX_HOSTS && !entries.contains_key(&origin.origin()) {
            // Forgetting a token costs a 401 and a token request; the soonest to renew go
            // first, tokens that never expire (static ones) last.
            if let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| (e.renew_at.is_none(), e.renew_at))
                .map(|(o, _)| o.clone())
            {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            origin.origin(),
            Entry {
                token: issued.access_token,
                renew_at,
                expires_at,
                challenges,
            },
        );
    }

    /// The token to send to `origin`: the one it has, renewed first when it is about to
    /// expire; `None` when it has none yet (the request goes without, to get the challenge).
    pub(crate) async fn for_request(&self, origin: &url::Url) -> Result<Option<Token>, AuthError> {
        let now = Instant::now();
        let (token, challenges, expired) = {
            let entries = self.lock();
            let Some(entry) = entries.get(&origin.origin()) else {
                return Ok(None);
            };
            if entry.renew_at.is_none_or(|at| now < at) {
                return Ok(Some(entry.token.clone()));
            }
            (
                entry.token.clone(),
                entry.challenges.clone(),
                entry.expires_at.is_some_and(|at| now >= at),
            )
        };
        if let Some(provider) = self.provider.as_ref().filter(|_| !challenges.0.is_empty()) {
            match self.renew(provider, origin, challenges, Some(&token)).await {
                Ok(fresh) => return Ok(Some(fresh)),
                // The old token may still do; if not, the 401 will say so.
                Err(error) => tracing::warn!(%error, "renewing the token ahead of expiry failed"),
            }
        }
        if expired {
            self.lock().remove(&origin.origin());
            return Ok(None);
        }
        Ok(Some(token))
    }

    /// A fresh token after `origin` answered 401 to a request that carried `sent`; `None` when
    /// there is no provider to ask (a static token: the caller reports the 401 as it came).
    pub(crate) async fn after_unauthorized(
        &self,
        origin: &url::Url,
        headers: &HeaderMap,
        sent: Option<&Token>,
    ) -> Result<Option<Token>, AuthError> {
        let Some(provider) = &self.provider else {
            return Ok(None);
        };
        let challenges = Challenges::from_headers(headers)?;
        self.renew(provider, origin, challenges, sent)
            .await
            .map(Some)
    }

    async fn renew(
        &self,
        provider: &Arc<dyn TokenProvider>,
        origin: &url::Url,
        challenges: Challenges,
        replacing: Option<&Token>,
    ) -> Result<Token, AuthError> {
        let _one_at_a_time = self.fetching.lock().await;
        // Another request may have renewed it while this one waited.
        if let Some(entry) = self.lock().get(&origin.origin())
            && Some(&entry.token) != replacing
            && entry.renew_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(entry.token.clone());
        }
        let span = tracing::info_span!("token", resource = %origin_text(origin));
        let issued = provider
            .token(TokenRequest {
                resource: origin,
                challenges: &challenges,
                http: &self.http,
                previous: replacing,
                timeout: self.timeout,
            })
            .instrument(span)
            .await?;
        tracing::info!(
            resource = %origin_text(origin),
            expires_in = ?issued.expires_in,
            "token issued"
        );
        let token = issued.access_token.clone();
        self.store(origin, issued, challenges);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::auth::provider::TokenFuture;

    /// Issues `token-1`, `token-2`, ... living an hour each, and remembers what it replaced.
    #[derive(Debug, Default)]
    struct Numbered {
        asked: AtomicUsize,
        replaced: Mutex<Vec<Option<String>>>,
    }

    impl TokenProvider for Numbered {
        fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
            let n = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
            self.replaced
                .lock()
                .unwrap()
                .push(request.previous.map(|t| t.secret().to_owned()));
            Box::pin(async move {
                Ok(IssuedToken {
                    expires_in: Some(Duration::from_secs(3600)),
                    ..IssuedToken::new(Token::new(format!("token-{n}")))
                })
            })
        }
    }

    /// Issues tokens that say they live `u64::MAX` seconds.
    #[derive(Debug, Default)]
    struct Endless {
        asked: AtomicUsize,
    }

    impl TokenProvider for Endless {
        fn token<'a>(&'a self, _request: TokenRequest<'a>) -> TokenFuture<'a> {
            let n = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move {
                Ok(IssuedToken {
                    expires_in: Some(Duration::from_secs(u64::MAX)),
                    ..IssuedToken::new(Token::new(format!("token-{n}")))
                })
            })
        }
    }

    fn challenge() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            ucwa::http::header::WWW_AUTHENTICATE,
            "MsRtcOAuth href=https://a.example/t,grant_type=\"password\""
                .parse()
                .unwrap(),
        );
        headers
    }

    fn url(text: &str) -> url::Url {
        text.parse().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_renewed_ahead_of_expiry_on_tokios_clock() {
        let provider = Arc::new(Numbered::default());
        let hosts = Hosts::new(
            Some(provider.clone()),
            reqwest::Client::new(),
            Duration::from_secs(5),
        );
        let a = url("https://a.example");
        assert_eq!(hosts.for_request(&a).await.unwrap(), None);
        let first = hosts
            .after_unauthorized(&a, &challenge(), None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.secret(), "token-1");
        // An hour's token is renewed 5 minutes before it ends, not earlier.
        tokio::time::advance(Duration::from_secs(3600 - 301)).await;
        assert_eq!(hosts.for_request(&a).await.unwrap(), Some(first.clone()));
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = hosts.for_request(&a).await.unwrap().unwrap();
        assert_eq!(second.secret(), "token-2");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
        assert_eq!(
            *provider.replaced.lock().unwrap(),
            [None, Some("token-1".to_owned())]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_huge_expires_in_is_capped_at_a_day_instead_of_overflowing() {
        let provider = Arc::new(Endless::default());
        let hosts = Hosts::new(
            Some(provider.clone()),
            reqwest::Client::new(),
            Duration::from_secs(5),
        );
        let a = url("https://a.example");
        let first = hosts
            .after_unauthorized(&a, &challenge(), None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.secret(), "token-1");
        // Trusted for a day, renewed 5 minutes before that day ends.
        let day = MAX_TOKEN_LIFE.as_secs();
        tokio::time::advance(Duration::from_secs(day - 301)).await;
        assert_eq!(hosts.for_request(&a).await.unwrap(), Some(first));
        tokio::time::advance(Duration::from_secs(2)).await;
        let second = hosts.for_request(&a).await.unwrap().unwrap();
        assert_eq!(second.secret(), "token-2");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn tokens_are_kept_per_host() {
        let provider = Arc::new(Numbered::default());
        let hosts = Hosts::new(
            Some(provider.clone()),
            reqwest::Client::new(),
            Duration::from_secs(5),
        );
        let a = url("https://a.example");
        let b = url("https://b.example");
        let a_token = hosts
            .after_unauthorized(&a, &challenge(), None)
            .await
            .unwrap();
        assert_eq!(hosts.for_request(&b).await.unwrap(), None);
        assert_eq!(
            hosts.for_request(&url("http://a.example")).await.unwrap(),
            None
        );
        assert_eq!(
            hosts
                .for_request(&url("https://a.example:8443"))
                .await
                .unwrap(),
            None
        );
        let b_token = hosts
            .after_unauthorized(&b, &challenge(), None)
            .await
            .unwrap();
        assert_ne!(a_token, b_token);
        assert_eq!(hosts.for_request(&a).await.unwrap(), a_token);
        assert!(!format!("{hosts:?}").contains("token-"), "{hosts:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_static_token_is_not_renewed() {
        let hosts = Hosts::new(None, reqwest::Client::new(), Duration::from_secs(5));
        let a = url("https://a.example");
        hosts.preset(&a, Token::new("static"));
        tokio::time::advance(Duration::from_secs(365 * 24 * 3600)).await;
        assert_eq!(
            hosts.for_request(&a).await.unwrap(),
            Some(Token::new("static"))
        );
        assert!(!hosts.can_renew());
        assert_eq!(
            hosts
                .after_unauthorized(&a, &challenge(), None)
                .await
                .unwrap(),
            None
        );
    }
}
