//! What the emulator saw, for tests to check: the latest requests, the bearer tokens each
//! origin was sent, the queries of the event channel's pending GETs, and a few counters. Each
//! record keeps the latest [`KEPT`], the oldest forgotten first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ucwa::http::Method;

use crate::lock::lock;

/// How many requests, tokens (per origin) and event channel queries are remembered.
const KEPT: usize = 256;

/// The records and counters.
pub(crate) struct Observed {
    /// The method and path of the latest requests, oldest first.
    requests: Mutex<VecDeque<(Method, String)>>,
    /// The bearer tokens each origin was sent (for tests that check no token reached a host
    /// it was not issued by).
    tokens: Mutex<Vec<VecDeque<String>>>,
    /// The query of each pending GET on an event channel, sorted by name.
    event_queries: Mutex<VecDeque<Vec<(String, String)>>>,
    /// How many times the discovery entry point was asked.
    entry_point_hits: AtomicU64,
    /// How many anonymous tokens were renewed (`ms_rtc_renew`).
    anonymous_renewals: AtomicU64,
    /// How many password grants the token endpoint answered, accepted or not.
    password_grants: AtomicU64,
    windows_grants: AtomicU64,
}

/// Appends `item`, forgetting the oldest past [`KEPT`].
fn keep<T>(records: &mut VecDeque<T>, item: T) {
    if records.len() == KEPT {
        records.pop_front();
    }
    records.push_back(item);
}

impl Observed {
    /// Records for `sites` origins.
    pub(crate) fn new(sites: usize) -> Self {
        Observed {
            requests: Mutex::default(),
            tokens: Mutex::new(vec![VecDeque::new(); sites]),
            event_queries: Mutex::default(),
            entry_point_hits: AtomicU64::new(0),
            anonymous_renewals: AtomicU64::new(0),
            password_grants: AtomicU64::new(0),
            windows_grants: AtomicU64::new(0),
        }
    }

    pub(crate) fn saw_request(&self, method: &Method, path: &str) {
        keep(&mut lock(&self.requests), (method.clone(), path.to_owned()));
    }

    pub(crate) fn requests(&self) -> Vec<(Method, String)> {
        lock(&self.requests).iter().cloned().collect()
    }

    pub(crate) fn saw_token(&self, site: usize, token: &str) {
        if let Some(seen) = lock(&self.tokens).get_mut(site) {
            keep(seen, token.to_owned());
        }
    }

    pub(crate) fn tokens_seen(&self, site: usize) -> Vec<String> {
        lock(&self.tokens)
            .get(site)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn saw_event_query(&self, query: &HashMap<String, String>) {
        let mut pairs: Vec<(String, String)> =
            query.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        pairs.sort();
        keep(&mut lock(&self.event_queries), pairs);
    }

    pub(crate) fn event_queries(&self) -> Vec<Vec<(String, String)>> {
        lock(&self.event_queries).iter().cloned().collect()
    }

    pub(crate) fn entry_point_hit(&self) {
        self.entry_point_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn entry_point_hits(&self) -> u64 {
        self.entry_point_hits.load(Ordering::Relaxed)
    }

    pub(crate) fn anonymous_renewal(&self) {
        self.anonymous_renewals.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn anonymous_renewals(&self) -> u64 {
        self.anonymous_renewals.load(Ordering::Relaxed)
    }

    pub(crate) fn password_grant(&self) {
        self.password_grants.fetch_add(1, Ordering::Relaxed);
    }

    /// An NTLM handshake of the Windows grant reached its end (accepted or refused).
    #[cfg_attr(not(feature = "windows-auth"), allow(dead_code))]
    pub(crate) fn windows_grant(&self) {
        self.windows_grants.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn windows_grants(&self) -> u64 {
        self.windows_grants.load(Ordering::Relaxed)
    }

    pub(crate) fn password_grants(&self) -> u64 {
        self.password_grants.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_the_latest() {
        let observed = Observed::new(2);
        for n in 0..KEPT + 3 {
            observed.saw_token(1, &n.to_string());
        }
        observed.saw_token(5, "no such origin");
        let seen = observed.tokens_seen(1);
        assert_eq!(seen.len(), KEPT);
        assert_eq!(seen[0], "3");
        assert!(observed.tokens_seen(0).is_empty());
        assert!(observed.tokens_seen(5).is_empty());
    }
}
