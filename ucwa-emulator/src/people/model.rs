//! Presence subscriptions without HTTP: each application's live subscriptions, their
//! members and expiry, and the rules for the values a client sends (a duration, the URIs to
//! subscribe to).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use ucwa::Unknown;

use crate::directory::{Directory, User};
use crate::lock::lock;
use crate::protocol::{query_parameter, unknown_member};
use crate::state::App;

/// The fewest and most minutes a subscription lasts.
pub(super) const MIN_DURATION: i64 = 10;

pub(super) const MAX_DURATION: i64 = 30;

/// The results of a search that does not give `limit`, and the most it may ask for.
pub(super) const DEFAULT_LIMIT: usize = 10;

pub(super) const MAX_LIMIT: usize = 100;

/// The longest search query.
pub(super) const MAX_QUERY: usize = 256;

/// The presence subscriptions of one application (in its slots), and its subscription to
/// the contact list's changes.
#[derive(Debug, Default)]
pub(super) struct Subscriptions {
    /// Numbers the ids of subscriptions to selected contacts.
    next: u64,
    /// By id: a group's id, or a number.
    pub(super) live: BTreeMap<String, Subscription>,
    /// The subscription to the contact list's changes (kept here, with the application's
    /// other subscriptions, rather than in a slot of its own).
    pub(super) contact_list: super::list::Watch,
}

/// One subscription.
#[derive(Debug)]
pub(super) struct Subscription {
    /// Directory users, each once, in the order added.
    pub(super) members: Vec<Arc<User>>,
    /// On the emulator's clock.
    pub(super) expires_at: Duration,
}

/// Why a subscription was not made.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// The application holds `max_presence_subscriptions` already.
    TooMany,
    /// The group is subscribed to already.
    GroupTaken,
}

/// The subscriptions of `app`, those expired by `now` forgotten first: a subscription that
/// expired stops delivering at once.
pub(super) fn of(app: &App, now: Duration) -> MutexGuard<'_, Subscriptions> {
    let mut subscriptions = lock(app.data.get::<Subscriptions>());
    subscriptions.forget_expired(now);
    subscriptions
}

impl Subscriptions {
    fn forget_expired(&mut self, now: Duration) {
        self.live.retain(|_, s| s.expires_at > now);
    }

    /// Whether a live subscription covers `user`.
    pub(super) fn watches(&self, user: &User) -> bool {
        self.live
            .values()
            .any(|s| s.members.iter().any(|m| m.index == user.index))
    }

    /// Every member of every subscription, each once, in the order subscribed.
    pub(super) fn subscribed(&self) -> Vec<Arc<User>> {
        let mut members: Vec<Arc<User>> = Vec::new();
        for subscription in self.live.values() {
            for user in &subscription.members {
                if !members.iter().any(|m| m.index == user.index) {
                    members.push(user.clone());
                }
            }
        }
        members
    }

    /// Adds a subscription to `members` until `expires_at`: with the group's id as its id, or
    /// numbered (spelled like the walkthroughs' ids, eight hex digits). At most `max` live.
    pub(super) fn subscribe(
        &mut self,
        group: Option<&str>,
        members: Vec<Arc<User>>,
        expires_at: Duration,
        max: usize,
    ) -> Result<String, Refused> {
        if self.live.len() >= max {
            return Err(Refused::TooMany);
        }
        let key = match group {
            Some(group) if self.live.contains_key(group) => return Err(Refused::GroupTaken),
            Some(group) => group.to_owned(),
            None => {
                self.next += 1;
                format!("{:08x}", self.next)
            }
        };
        self.live.insert(
            key.clone(),
            Subscription {
                members,
                expires_at,
            },
        );
        Ok(key)
    }

    /// Adds those of `named` not in subscription `key` yet; the ones added (`None`: no such
    /// subscription).
    pub(super) fn add_members(
        &mut self,
        key: &str,
        named: Vec<Arc<User>>,
    ) -> Option<Vec<Arc<User>>> {
        let subscription = self.live.get_mut(key)?;
        let added: Vec<Arc<User>> = named
            .into_iter()
            .filter(|u| !subscription.members.iter().any(|m| m.index == u.index))
            .collect();
        subscription.members.extend(added.iter().cloned());
        Some(added)
    }
}

/// The duration in minutes from the query, else the body: a whole number from 10 to 30.
pub(super) fn duration(
    query: &HashMap<String, String>,
    body: Option<i64>,
    unknown: &Unknown,
) -> Result<Duration, (&'static str, String)> {
    let given = match query_parameter(query, "duration") {
        Some(text) => text.trim().parse::<i64>().ok(),
        None => body.or_else(|| {
            unknown_member(unknown, "duration").and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
        }),
    };
    match given {
        Some(minutes) if (MIN_DURATION..=MAX_DURATION).contains(&minutes) => {
            Ok(Duration::from_secs(minutes.unsigned_abs() * 60))
        }
        _ => Err((
            "duration",
            format!("a whole number of minutes from {MIN_DURATION} to {MAX_DURATION}"),
        )),
    }
}

/// The directory users `uris` name, each once; the first unknown one is an error.
pub(super) fn members_named(
    directory: &Directory,
    uris: &[String],
) -> Result<Vec<Arc<User>>, (&'static str, String)> {
    let mut members: Vec<Arc<User>> = Vec::new();
    for uri in uris {
        let Some(user) = directory.find(uri) else {
            return Err(("uris", format!("`{uri}` is nobody in the directory")));
        };
        if !members.iter().any(|m| m.index == user.index) {
            members.push(user.clone());
        }
    }
    Ok(members)
}

/// The strings of a list member of the body (`uris`, `contactUris`), in any case of its name.
pub(super) fn uris_in(
    typed: Option<Vec<String>>,
    unknown: &Unknown,
    name: &str,
) -> Option<Vec<String>> {
    typed.or_else(|| {
        let value = unknown_member(unknown, name)?;
        match value {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            serde_json::Value::String(one) => Some(vec![one.clone()]),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::list::DEFAULT_GROUP;

    fn users() -> Directory {
        Directory::new(
            "lene@contoso.com",
            "pw",
            &crate::directory::default_people(),
        )
    }

    #[test]
    fn subscriptions_are_numbered_bounded_and_one_per_group() {
        let directory = users();
        let ann = directory.find("ann@contoso.com").unwrap().clone();
        let mut subscriptions = Subscriptions::default();
        let minute = Duration::from_secs(60);
        let first = subscriptions.subscribe(None, vec![ann.clone()], minute, 2);
        assert_eq!(first.as_deref(), Ok("00000001"));
        let group = subscriptions.subscribe(Some(DEFAULT_GROUP), vec![], minute, 2);
        assert_eq!(group.as_deref(), Ok(DEFAULT_GROUP));
        assert_eq!(
            subscriptions.subscribe(None, vec![], minute, 2),
            Err(Refused::TooMany)
        );
        assert_eq!(
            subscriptions.subscribe(Some(DEFAULT_GROUP), vec![], minute, 3),
            Err(Refused::GroupTaken)
        );
        assert!(subscriptions.watches(&ann));
        subscriptions.forget_expired(2 * minute);
        assert!(subscriptions.live.is_empty());
        assert!(!subscriptions.watches(&ann));
    }

    #[test]
    fn members_are_added_once() {
        let directory = users();
        let ann = directory.find("ann@contoso.com").unwrap().clone();
        let john = directory.find("john@contoso.com").unwrap().clone();
        let mut subscriptions = Subscriptions::default();
        let key = subscriptions
            .subscribe(None, vec![ann.clone()], Duration::from_secs(60), 5)
            .unwrap();
        let added = subscriptions
            .add_members(&key, vec![ann.clone(), john.clone()])
            .unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].index, john.index);
        assert_eq!(subscriptions.subscribed().len(), 2);
        assert!(subscriptions.add_members("nothing", vec![john]).is_none());
    }

    #[test]
    fn durations_and_uris() {
        let query = HashMap::from([("Duration".to_owned(), "15".to_owned())]);
        assert_eq!(
            duration(&query, None, &Unknown::default()),
            Ok(Duration::from_secs(15 * 60))
        );
        assert!(duration(&HashMap::new(), Some(31), &Unknown::default()).is_err());
        let directory = users();
        let uris = [
            "sip:ann@contoso.com".to_owned(),
            "ANN@contoso.com".to_owned(),
        ];
        assert_eq!(members_named(&directory, &uris).unwrap().len(), 1);
        let unknown = ["sip:nobody@contoso.com".to_owned()];
        assert_eq!(members_named(&directory, &unknown).unwrap_err().0, "uris");
    }
}
