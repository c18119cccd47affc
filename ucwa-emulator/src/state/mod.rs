//! What the emulator holds, in four parts that change for different reasons: the registry of
//! applications ([`registry`]) and the token table ([`tokens`]), which clients fill; what
//! tests inject ([`injections`]); and what the emulator saw, for tests to check
//! ([`observed`]). Besides: the configuration, the clock, the directory of users, the data the
//! tasks keep ([`slots`]) and the one notifier through which they tell each other news
//! ([`notifier`]).
//!
//! `state` knows no task: a task keeps its model in the slots of an application (or of the
//! emulator), by its own type, and listens to news by a function registered at start.

mod injections;
mod notifier;
mod observed;
mod registry;
mod slots;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;

pub(crate) use injections::{ExtraMember, Injections};
pub(crate) use notifier::{Continue, Ended, Listener, News, Notifier, Publication};
pub(crate) use observed::Observed;
pub(crate) use registry::{App, Lookup, Registry};
pub(crate) use slots::Slots;
pub(crate) use tokens::Tokens;

use crate::channel::Channel;
use crate::clock::Clock;
use crate::config::{Config, Stats};
use crate::directory::{Directory, User};

/// Everything the handlers share.
pub(crate) struct State {
    pub config: Config,
    pub clock: Clock,
    /// The address of each origin: the first (discovery, token endpoint, and the applications
    /// unless they have their own) and, when configured, the applications' own.
    pub sites: Vec<SocketAddr>,
    /// Who may sign in, and what each one publishes.
    pub directory: Directory,
    pub apps: Registry,
    pub tokens: Tokens,
    pub injections: Injections,
    pub observed: Observed,
    /// What the tasks keep for the whole emulator (every user's meetings).
    pub data: Slots,
    notifier: Notifier,
}

impl State {
    /// The state of an emulator serving `sites`, whose tasks hear news through `listeners`.
    pub(crate) fn new(
        config: Config,
        clock: Clock,
        sites: Vec<SocketAddr>,
        listeners: Vec<Listener>,
    ) -> Self {
        let limits = &config.limits;
        State {
            directory: Directory::new(&config.user, &config.password, &config.people),
            apps: Registry::new(
                clock.clone(),
                limits.max_applications,
                config.application_expiry,
            ),
            tokens: Tokens::new(limits.max_tokens),
            injections: Injections::new(limits.max_injected),
            observed: Observed::new(sites.len()),
            data: Slots::default(),
            notifier: Notifier::new(listeners),
            config,
            clock,
            sites,
        }
    }

    /// Tells the tasks `news`.
    pub(crate) fn notify(&self, news: News<'_>) {
        self.notifier.tell(self, news);
    }

    /// Issues a token for `user` (a meeting's guest for the anonymous grant) on origin `site`, living
    /// `lifetime` of the emulator's clock; `None` when `max_tokens` live tokens are out.
    pub(crate) fn issue(
        &self,
        site: usize,
        lifetime: std::time::Duration,
        user: Option<Arc<User>>,
    ) -> Option<String> {
        let now = self.clock.now();
        // The lifetime is checked at start (at most 30 days): no overflow.
        self.tokens
            .issue(site, now, now.saturating_add(lifetime), user)
    }

    /// Who `token` is on origin `site`: it takes one it issued and that has not expired (for
    /// its user: a meeting's guest for an anonymous one), or the configured static token on the
    /// first origin (for the configured user).
    pub(crate) fn caller(&self, site: usize, token: &str) -> Option<Arc<User>> {
        if site == 0 && token == self.config.token {
            return Some(self.directory.first().clone());
        }
        let issued = self
            .tokens
            .issued(token)
            .filter(|t| t.site == site && t.expires_at > self.clock.now())?;
        issued.user
    }

    /// `https` when serving TLS, else `http`.
    pub(crate) fn scheme(&self) -> &'static str {
        if self.config.tls_names.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// A channel with the configured bounds.
    pub(crate) fn channel(&self, base: String) -> Channel {
        let limits = &self.config.limits;
        Channel::new(base, limits.event_backlog, limits.event_batch)
    }

    /// What the registry and the token table hold now (the tasks add their own counts).
    pub(crate) fn stats(&self) -> Stats {
        self.apps.sweep();
        let apps = self.apps.all();
        let mut stats = Stats {
            applications: apps.len(),
            tokens: self.tokens.len(),
            ..Stats::default()
        };
        for app in &apps {
            let held = app.channel.held();
            stats.events_held += held.events;
            stats.event_overflows += held.overflows;
            stats.events_dropped += held.dropped;
        }
        stats
    }
}
