//! What the emulator remembers: applications, their call, invitations and event channels.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use ucwa::ErrorBody;
use ucwa::http::{Method, StatusCode};
use ucwa::resources::{AudioVideoInvitation, Participant};

use crate::channel::{Channel, Queued};
use crate::clock::Clock;
use crate::directory::{Directory, User};
use crate::faults::{self, Fault};
use crate::limits::LimitReached;
use crate::lock::lock;
use crate::tokens::Issued;
use crate::{Config, Stats};

/// How many bearer tokens each origin remembers having been sent (for tests that check no
/// token reached a host it was not issued by); the oldest are forgotten first.
const TOKENS_SEEN_KEPT: usize = 256;

/// How many requests (method and path) are remembered, and event channel queries; the oldest
/// are forgotten first.
const REQUESTS_KEPT: usize = 256;

pub struct State {
    pub config: Config,
    pub clock: Clock,
    /// The address of each origin: the first (discovery, token endpoint, and the applications
    /// unless they have their own) and, when configured, the applications' own.
    pub sites: Vec<std::net::SocketAddr>,
    issued: Mutex<HashMap<String, Issued>>,
    next_token: AtomicU64,
    seen: Mutex<Vec<VecDeque<String>>>,
    root_redirect: Mutex<Option<String>>,
    /// Faults for the next application creations, as for escalations.
    create_faults: Mutex<VecDeque<(StatusCode, ErrorBody)>>,
    /// How many times the discovery entry point was asked.
    pub entry_point_hits: AtomicU64,
    /// How many anonymous tokens were renewed (`ms_rtc_renew`).
    pub anonymous_renewals: AtomicU64,
    user_redirect: Mutex<Option<String>>,
    apps: Mutex<HashMap<u64, Arc<App>>>,
    /// Applications deleted for idleness and not asked for since, newest last (at most
    /// `max_applications`): the first request to one answers 410, later ones 404.
    expired: Mutex<VecDeque<u64>>,
    next_id: AtomicU64,
    faults: Mutex<VecDeque<(StatusCode, ErrorBody)>>,
    /// Faults answered in front of the handlers ([`Fault`]).
    injected: Mutex<VecDeque<Fault>>,
    /// The method and path of the latest requests, oldest first.
    requests: Mutex<VecDeque<(Method, String)>>,
    /// Bodies that replace the next answers of the event channel (a proxy's page, a cut
    /// answer), with their Content-Type.
    garbled_batches: Mutex<VecDeque<(String, Vec<u8>)>>,
    /// The query of each pending GET on an event channel, oldest first (at most
    /// [`REQUESTS_KEPT`]).
    event_queries: Mutex<VecDeque<Vec<(String, String)>>>,
    /// Who may sign in, and what each one publishes.
    pub directory: Directory,
    /// Every user's online meetings, and the latest joins.
    pub(crate) meetings: crate::meetings::Meetings,
    /// How many password grants the token endpoint answered, accepted or not.
    pub password_grants: AtomicU64,
    /// Grants the token endpoint answers `unsupported_grant_type` to although the challenge
    /// still offers them.
    refused_grants: Mutex<Vec<String>>,
}

/// One application and everything it owns.
pub struct App {
    pub id: u64,
    /// Whose application it is: only their token reaches it.
    pub user: Arc<User>,
    pub culture: String,
    pub endpoint_id: String,
    pub user_agent: String,
    pub instance_id: Option<String>,
    pub calls: Mutex<Calls>,
    /// Its instant messaging conversations and invitations.
    pub conversations: Mutex<crate::messaging::Conversations>,
    pub channel: Channel,
    /// Whether makeMeAvailable was called.
    pub available: AtomicBool,
    /// Created available (`applications_start_available`): as when another application of
    /// the endpoint made the user available, `me` still offers makeMeAvailable, which then
    /// answers 409 `AlreadyExists`.
    pub created_available: bool,
    /// When the application last made a request, on the emulator's clock.
    pub last_seen: Mutex<Duration>,
    /// How many times it reported activity.
    pub activity_reports: AtomicU64,
    /// Its presence subscriptions.
    pub people: crate::people::Subscriptions,
}

/// What looking up an application finds.
pub enum Lookup {
    Found(Arc<App>),
    /// It was idle past the expiry and is deleted now; later lookups find nothing.
    Expired,
    Missing,
}

/// The application's call: its remote participant and the invitations made on it.
#[derive(Default)]
pub struct Calls {
    pub participant: Participant,
    pub invitations: HashMap<u64, AudioVideoInvitation>,
    pub operation_ids: HashSet<String>,
    next_invitation: u64,
}

impl Calls {
    /// The call of a new application, with its remote participant.
    pub fn new(participant: Participant) -> Self {
        Calls {
            participant,
            ..Calls::default()
        }
    }

    pub fn next_invitation_id(&mut self) -> u64 {
        self.next_invitation += 1;
        self.next_invitation
    }
}

impl State {
    pub fn new(config: Config, clock: Clock, sites: Vec<std::net::SocketAddr>) -> Self {
        let directory = Directory::new(&config.user, &config.password, &config.people);
        State {
            config,
            clock,
            seen: Mutex::new(vec![VecDeque::new(); sites.len()]),
            sites,
            issued: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(1),
            root_redirect: Mutex::new(None),
            create_faults: Mutex::new(VecDeque::new()),
            entry_point_hits: AtomicU64::new(0),
            anonymous_renewals: AtomicU64::new(0),
            user_redirect: Mutex::new(None),
            apps: Mutex::new(HashMap::new()),
            expired: Mutex::new(VecDeque::new()),
            next_id: AtomicU64::new(100),
            faults: Mutex::new(VecDeque::new()),
            injected: Mutex::new(VecDeque::new()),
            requests: Mutex::new(VecDeque::new()),
            garbled_batches: Mutex::new(VecDeque::new()),
            event_queries: Mutex::new(VecDeque::new()),
            directory,
            meetings: crate::meetings::Meetings::default(),
            password_grants: AtomicU64::new(0),
            refused_grants: Mutex::new(Vec::new()),
        }
    }

    /// Issues a token valid on origin `site` for `lifetime` of the emulator's clock; `None`
    /// when `max_tokens` live tokens are out already.
    pub fn issue(
        &self,
        site: usize,
        lifetime: Duration,
        user: Option<Arc<User>>,
    ) -> Option<String> {
        let now = self.clock.now();
        let mut tokens = lock(&self.issued);
        if tokens.len() >= self.config.limits.max_tokens {
            // Expired tokens are refused anyway; dropping them keeps the table bounded by
            // what is live. Only at the bound, so that issuing stays cheap.
            tokens.retain(|_, t| t.expires_at > now);
            if tokens.len() >= self.config.limits.max_tokens {
                return None;
            }
        }
        let n = self.next_token.fetch_add(1, Ordering::Relaxed);
        let token = format!("cwt=emulator-{site}-{n}");
        let issued = Issued {
            site,
            // The lifetime is checked at start (at most 30 days): no overflow.
            expires_at: now.saturating_add(lifetime),
            user,
        };
        tokens.insert(token.clone(), issued);
        Some(token)
    }

    /// Forgets every token issued: the next request with one gets a 401.
    pub fn revoke_tokens(&self) {
        lock(&self.issued).clear();
    }

    pub fn issued(&self, token: &str) -> Option<Issued> {
        lock(&self.issued).get(token).cloned()
    }

    /// Who `token` is on origin `site`: it takes one it issued and that has not expired (for
    /// its user, or the guest for an anonymous one), or the configured static token on the
    /// first origin (for the configured user).
    pub fn caller(&self, site: usize, token: &str) -> Option<Arc<User>> {
        if site == 0 && token == self.config.token {
            return Some(self.directory.first().clone());
        }
        let issued = self
            .issued(token)
            .filter(|t| t.site == site && t.expires_at > self.clock.now())?;
        Some(
            issued
                .user
                .unwrap_or_else(|| self.directory.guest().clone()),
        )
    }

    pub fn saw_token(&self, site: usize, token: &str) {
        let mut seen = lock(&self.seen);
        if let Some(seen) = seen.get_mut(site) {
            if seen.len() == TOKENS_SEEN_KEPT {
                seen.pop_front();
            }
            seen.push_back(token.to_owned());
        }
    }

    pub fn tokens_seen(&self, site: usize) -> Vec<String> {
        lock(&self.seen)
            .get(site)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// `https` when serving TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.config.tls_names.is_some() {
            "https"
        } else {
            "http"
        }
    }

    pub fn set_root_redirect(&self, href: Option<String>) {
        *lock(&self.root_redirect) = href;
    }

    pub fn root_redirect(&self) -> Option<String> {
        lock(&self.root_redirect).clone()
    }

    pub fn refuse_grant(&self, grant: String) -> Result<(), LimitReached> {
        let mut refused = lock(&self.refused_grants);
        if refused.contains(&grant) {
            return Ok(());
        }
        self.room(refused.len())?;
        refused.push(grant);
        Ok(())
    }

    /// `Ok` when a queue of injections holding `len` can take one more.
    fn room(&self, len: usize) -> Result<(), LimitReached> {
        let max = self.config.limits.max_injected;
        if len >= max {
            return Err(LimitReached {
                limit: "max_injected",
                value: max,
            });
        }
        Ok(())
    }

    pub fn grant_refused(&self, grant: &str) -> bool {
        lock(&self.refused_grants).iter().any(|g| g == grant)
    }

    pub fn set_user_redirect(&self, href: Option<String>) {
        *lock(&self.user_redirect) = href;
    }

    /// The user redirect, once: the pool it points to serves the user resource itself.
    pub fn take_user_redirect(&self) -> Option<String> {
        lock(&self.user_redirect).take()
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Adds an application, after deleting the idle ones; `None` when `max_applications` are
    /// live.
    pub fn add(&self, app: App) -> Option<Arc<App>> {
        self.sweep();
        let mut apps = lock(&self.apps);
        if apps.len() >= self.config.limits.max_applications {
            return None;
        }
        let app = Arc::new(app);
        apps.insert(app.id, app.clone());
        Some(app)
    }

    /// A channel with the configured bounds.
    pub fn channel(&self, base: String) -> Channel {
        let limits = &self.config.limits;
        Channel::new(base, limits.event_backlog, limits.event_batch)
    }

    /// Deletes the applications idle longer than the expiry, remembering their ids so that the
    /// next request to each hears it expired.
    pub fn sweep(&self) {
        let now = self.clock.now();
        let expiry = self.config.application_expiry;
        let gone: Vec<Arc<App>> = {
            let mut apps = lock(&self.apps);
            let idle: Vec<u64> = apps
                .values()
                .filter(|app| now.saturating_sub(*lock(&app.last_seen)) > expiry)
                .map(|app| app.id)
                .collect();
            idle.iter().filter_map(|id| apps.remove(id)).collect()
        };
        if gone.is_empty() {
            return;
        }
        let mut expired = lock(&self.expired);
        for app in gone {
            app.channel.close();
            tracing::debug!(application = app.id, "idle application expired");
            if expired.len() >= self.config.limits.max_applications {
                expired.pop_front();
            }
            expired.push_back(app.id);
        }
    }

    pub fn app(&self, id: u64) -> Option<Arc<App>> {
        lock(&self.apps).get(&id).cloned()
    }

    /// The user whose application `id` is, if it is live.
    pub fn owner(&self, id: u64) -> Option<usize> {
        lock(&self.apps).get(&id).map(|app| app.user.index)
    }

    /// The live applications of `user`, which hear what concerns them.
    pub fn apps_of(&self, user: &User) -> Vec<Arc<App>> {
        lock(&self.apps)
            .values()
            .filter(|app| app.user.index == user.index)
            .cloned()
            .collect()
    }

    /// The application `id`, deleted first if it has been idle longer than the expiry; a
    /// found application counts the lookup as its activity.
    pub fn lookup(&self, id: u64) -> Lookup {
        let now = self.clock.now();
        let mut apps = lock(&self.apps);
        let Some(app) = apps.get(&id).cloned() else {
            drop(apps);
            let mut expired = lock(&self.expired);
            if let Some(at) = expired.iter().position(|&e| e == id) {
                expired.remove(at);
                return Lookup::Expired;
            }
            return Lookup::Missing;
        };
        let mut last_seen = lock(&app.last_seen);
        if now.saturating_sub(*last_seen) > self.config.application_expiry {
            drop(last_seen);
            apps.remove(&id);
            app.channel.close();
            return Lookup::Expired;
        }
        *last_seen = now;
        drop(last_seen);
        Lookup::Found(app)
    }

    /// Deletes application `id`; whether there was one.
    pub fn remove(&self, id: u64) -> bool {
        let removed = lock(&self.apps).remove(&id);
        if let Some(app) = &removed {
            app.channel.close();
        }
        removed.is_some()
    }

    /// Deletes every application, as a server restart or an administrator does.
    pub fn remove_all(&self) -> usize {
        let apps: Vec<Arc<App>> = lock(&self.apps).drain().map(|(_, a)| a).collect();
        for app in &apps {
            app.channel.close();
        }
        apps.len()
    }

    pub fn inject_fault(&self, status: StatusCode, body: ErrorBody) -> Result<(), LimitReached> {
        let mut faults = lock(&self.faults);
        self.room(faults.len())?;
        faults.push_back((status, body));
        Ok(())
    }

    pub fn inject_create_fault(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        let mut faults = lock(&self.create_faults);
        self.room(faults.len())?;
        faults.push_back((status, body));
        Ok(())
    }

    /// Queues a fault answered in front of the handlers.
    pub fn inject(&self, fault: Fault) -> Result<(), LimitReached> {
        let mut injected = lock(&self.injected);
        self.room(injected.len())?;
        injected.push_back(fault);
        Ok(())
    }

    /// The answer of the first injected fault for `method` and `path`, counting one use.
    pub fn take_injected(&self, method: &Method, path: &str) -> Option<faults::Answer> {
        let mut injected = lock(&self.injected);
        if injected.is_empty() {
            return None;
        }
        faults::take(&mut injected, method, path)
    }

    pub fn saw_request(&self, method: &Method, path: &str) {
        let mut requests = lock(&self.requests);
        if requests.len() == REQUESTS_KEPT {
            requests.pop_front();
        }
        requests.push_back((method.clone(), path.to_owned()));
    }

    pub fn requests(&self) -> Vec<(Method, String)> {
        lock(&self.requests).iter().cloned().collect()
    }

    /// Queues an event on every application's channel.
    pub fn push_event(&self, event: Queued) {
        let event = Arc::new(event);
        for app in self.apps() {
            app.channel.push(event.clone());
        }
    }

    /// How much the emulator holds now.
    pub fn stats(&self) -> Stats {
        let apps = self.apps();
        let mut stats = Stats {
            applications: apps.len(),
            tokens: lock(&self.issued).len(),
            ..Stats::default()
        };
        for app in &apps {
            let held = app.channel.held();
            stats.events_held += held.events;
            stats.event_overflows += held.overflows;
            stats.events_dropped += held.dropped;
            stats.escalations += app.calls().invitations.len();
            stats.conversations += crate::messaging::count(app);
        }
        stats
    }

    pub fn take_create_fault(&self) -> Option<(StatusCode, ErrorBody)> {
        lock(&self.create_faults).pop_front()
    }

    pub fn take_fault(&self) -> Option<(StatusCode, ErrorBody)> {
        lock(&self.faults).pop_front()
    }

    /// Every application, for what is done to all of them.
    pub fn apps(&self) -> Vec<Arc<App>> {
        lock(&self.apps).values().cloned().collect()
    }

    pub fn garble_next_batch(
        &self,
        content_type: String,
        body: Vec<u8>,
    ) -> Result<(), LimitReached> {
        let mut garbled = lock(&self.garbled_batches);
        self.room(garbled.len())?;
        garbled.push_back((content_type, body));
        Ok(())
    }

    pub fn saw_event_query(&self, query: &HashMap<String, String>) {
        let mut pairs: Vec<(String, String)> =
            query.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        pairs.sort();
        let mut queries = lock(&self.event_queries);
        if queries.len() == REQUESTS_KEPT {
            queries.pop_front();
        }
        queries.push_back(pairs);
    }

    pub fn event_queries(&self) -> Vec<Vec<(String, String)>> {
        lock(&self.event_queries).iter().cloned().collect()
    }

    pub fn take_garbled_batch(&self) -> Option<(String, Vec<u8>)> {
        lock(&self.garbled_batches).pop_front()
    }

    /// Releases every pending GET, so that shutdown does not wait for long polls.
    pub fn close(&self) {
        for app in lock(&self.apps).values() {
            app.channel.close();
        }
    }
}

impl App {
    pub fn calls(&self) -> MutexGuard<'_, Calls> {
        lock(&self.calls)
    }
}
