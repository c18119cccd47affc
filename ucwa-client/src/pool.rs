//! Many sessions in one process ([`SessionPool`]): one HTTP client (and so one pool of
//! connections and one TLS configuration) for all of them, one token store per user, and one
//! discovery per domain, run by the first session of the domain while the others wait for its
//! result. A thousand bots of one deployment then make one discovery and one password grant
//! per user, instead of a discovery, a grant and an HTTP client each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::auth::TokenProvider;
use crate::auth::hosts::Hosts;
use crate::discovery::Discovered;
use crate::settings::Settings;
use crate::{SignIn, SignInError};

/// How many domains' discovery results, and how many users' token stores, a pool keeps at
/// most; past it, the entries no session uses any more are forgotten first, then any.
pub const MAX_POOLED: usize = 4096;

/// What sessions started with [`SignIn::pool`] share: the HTTP client, each user's tokens and
/// each domain's discovery. Cheap to clone (clones share everything).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use ucwa_client::{SessionPool, Settings, SignIn};
/// let pool = SessionPool::new(Settings::default())?;
/// let mut bots = Vec::new();
/// for team in ["ops", "sales"] {
///     let address = format!("{team}-bot@contoso.com");
///     bots.push(SignIn::new(&address)?.password("…").pool(&pool).start().await?);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SessionPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    /// Each user's tokens, by sign-in address (lower case), while a session holds them.
    hosts: Mutex<HashMap<String, Weak<Hosts>>>,
    /// Each domain's discovery (by what leads it: domain, entry point, HTTP allowed, trusted
    /// domains); the lock of an entry is held while its discovery runs.
    discovered: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Discovered>>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl SessionPool {
    /// A pool sending every request with the client `settings` give (its own
    /// [`Settings::http_client`], or one made from its proxies, root certificates and
    /// connection timeout). The other settings stay each [`SignIn`]'s.
    pub fn new(settings: Settings) -> Result<SessionPool, SignInError> {
        settings.check()?;
        Ok(SessionPool {
            inner: Arc::new(Inner {
                http: settings.http()?,
                hosts: Mutex::new(HashMap::new()),
                discovered: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The HTTP client every session of the pool sends with.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// How many domains have a discovery result kept.
    pub fn discovered_domains(&self) -> usize {
        let entries: Vec<_> = lock(&self.inner.discovered).values().cloned().collect();
        entries
            .iter()
            .filter(|entry| entry.try_lock().is_ok_and(|d| d.is_some()))
            .count()
    }

    /// The token store of `address`: the one its running sessions share, else a new one
    /// getting tokens from `provider`. Sessions of one address share the tokens the first of
    /// them got (with its credentials).
    pub(crate) fn hosts(
        &self,
        address: &str,
        provider: Arc<dyn TokenProvider>,
        timeout: std::time::Duration,
    ) -> Arc<Hosts> {
        let key = address.to_ascii_lowercase();
        let mut hosts = lock(&self.inner.hosts);
        if let Some(shared) = hosts.get(&key).and_then(Weak::upgrade) {
            return shared;
        }
        if hosts.len() >= MAX_POOLED {
            hosts.retain(|_, weak| weak.strong_count() > 0);
        }
        if hosts.len() >= MAX_POOLED
            && let Some(any) = hosts.keys().next().cloned()
        {
            hosts.remove(&any);
        }
        let fresh = Arc::new(Hosts::new(Some(provider), self.inner.http.clone(), timeout));
        hosts.insert(key, Arc::downgrade(&fresh));
        fresh
    }

    fn entry(&self, key: String) -> Arc<tokio::sync::Mutex<Option<Discovered>>> {
        let mut discovered = lock(&self.inner.discovered);
        if let Some(entry) = discovered.get(&key) {
            return entry.clone();
        }
        if discovered.len() >= MAX_POOLED {
            discovered.retain(|_, entry| Arc::strong_count(entry) > 1);
        }
        if discovered.len() >= MAX_POOLED
            && let Some(any) = discovered.keys().next().cloned()
        {
            discovered.remove(&any);
        }
        discovered.entry(key).or_default().clone()
    }

    /// The domain's discovery: kept, or run now by `signin` (one at a time per domain: the
    /// others wait for its result). `fresh` runs it again whatever is kept (the server said
    /// the result no longer holds), and keeps the new result for the others.
    pub(crate) async fn discover(
        &self,
        signin: &SignIn,
        hosts: &Hosts,
        fresh: bool,
    ) -> Result<Discovered, SignInError> {
        let config = &signin.discovery;
        let key = format!(
            "{}\n{:?}\n{}\n{:?}",
            signin.address.domain().to_ascii_lowercase(),
            config.entry_point.as_ref().map(url::Url::as_str),
            config.allow_http,
            config.trusted_domains,
        );
        let entry = self.entry(key);
        let mut kept = entry.lock().await;
        if !fresh && let Some(discovered) = kept.as_ref() {
            return Ok(discovered.clone());
        }
        let discovered = signin.run_discovery(&self.inner.http, hosts).await?;
        *kept = Some(discovered.clone());
        Ok(discovered)
    }
}
