//! The registry of applications: each one's owner, settings, event channel and task data,
//! their ids, and their expiry (deleted when idle longer than `application_expiry`: the next
//! request to one answers 410 once, then 404).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::channel::{Channel, Queued};
use crate::clock::Clock;
use crate::directory::User;
use crate::lock::lock;

use super::slots::Slots;

/// One application and everything it owns.
pub(crate) struct App {
    pub id: u64,
    /// Whose application it is: only their token reaches it.
    pub user: Arc<User>,
    pub culture: String,
    pub endpoint_id: String,
    pub user_agent: String,
    pub instance_id: Option<String>,
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
    /// What each task keeps for it (its conversations, subscriptions, call).
    pub data: Slots,
}

impl App {
    /// Whether its user was made available.
    pub(crate) fn is_available(&self) -> bool {
        self.available.load(Ordering::SeqCst)
    }
}

/// What looking up an application finds.
pub(crate) enum Lookup {
    Found(Arc<App>),
    /// It was idle past the expiry and is deleted now; later lookups find nothing.
    Expired,
    Missing,
}

/// The live applications and the ids of those that just expired.
pub(crate) struct Registry {
    clock: Clock,
    /// `limits.max_applications`.
    max: usize,
    /// `application_expiry`.
    expiry: Duration,
    apps: Mutex<HashMap<u64, Arc<App>>>,
    /// Applications deleted for idleness and not asked for since, newest last (at most
    /// `max`): the first request to one answers 410, later ones 404.
    expired: Mutex<VecDeque<u64>>,
    next_id: AtomicU64,
}

impl Registry {
    pub(crate) fn new(clock: Clock, max: usize, expiry: Duration) -> Self {
        Registry {
            clock,
            max,
            expiry,
            apps: Mutex::default(),
            expired: Mutex::default(),
            next_id: AtomicU64::new(100),
        }
    }

    /// A new number, for an application or a thread id.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Adds an application, after deleting the idle ones; `None` when `max_applications` are
    /// live.
    pub(crate) fn add(&self, app: App) -> Option<Arc<App>> {
        self.sweep();
        let mut apps = lock(&self.apps);
        if apps.len() >= self.max {
            return None;
        }
        let app = Arc::new(app);
        apps.insert(app.id, app.clone());
        Some(app)
    }

    /// Deletes the applications idle longer than the expiry, remembering their ids so that the
    /// next request to each hears it expired.
    pub(crate) fn sweep(&self) {
        let now = self.clock.now();
        let gone: Vec<Arc<App>> = {
            let mut apps = lock(&self.apps);
            let idle: Vec<u64> = apps
                .values()
                .filter(|app| now.saturating_sub(*lock(&app.last_seen)) > self.expiry)
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
            if expired.len() >= self.max {
                expired.pop_front();
            }
            expired.push_back(app.id);
        }
    }

    pub(crate) fn get(&self, id: u64) -> Option<Arc<App>> {
        lock(&self.apps).get(&id).cloned()
    }

    /// The user whose application `id` is, if it is live.
    pub(crate) fn owner(&self, id: u64) -> Option<usize> {
        lock(&self.apps).get(&id).map(|app| app.user.index)
    }

    /// The live applications of `user`, which hear what concerns them.
    pub(crate) fn of(&self, user: &User) -> Vec<Arc<App>> {
        lock(&self.apps)
            .values()
            .filter(|app| app.user.index == user.index)
            .cloned()
            .collect()
    }

    /// Every application, for what is done to all of them.
    pub(crate) fn all(&self) -> Vec<Arc<App>> {
        lock(&self.apps).values().cloned().collect()
    }

    /// The application `id`, deleted first if it has been idle longer than the expiry; a
    /// found application counts the lookup as its activity.
    pub(crate) fn lookup(&self, id: u64) -> Lookup {
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
        if now.saturating_sub(*last_seen) > self.expiry {
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
    pub(crate) fn remove(&self, id: u64) -> bool {
        let removed = lock(&self.apps).remove(&id);
        if let Some(app) = &removed {
            app.channel.close();
        }
        removed.is_some()
    }

    /// Deletes every application, as a server restart or an administrator does.
    pub(crate) fn remove_all(&self) -> usize {
        let apps: Vec<Arc<App>> = lock(&self.apps).drain().map(|(_, a)| a).collect();
        for app in &apps {
            app.channel.close();
        }
        apps.len()
    }

    /// Queues an event on every application's channel.
    pub(crate) fn push_to_all(&self, event: Queued) {
        let event = Arc::new(event);
        for app in self.all() {
            app.channel.push(event.clone());
        }
    }

    /// Releases every pending GET, so that shutdown does not wait for long polls.
    pub(crate) fn close(&self) {
        for app in lock(&self.apps).values() {
            app.channel.close();
        }
    }
}
