//! The tokens the token endpoints issued: to whom, on which origin, until when. At most
//! `limits.max_tokens` live ones; expired ones are forgotten when that bound is reached.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use crate::directory::User;
use crate::lock::lock;

/// A token this emulator issued.
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    /// The origin (0: the first, 1: the applications origin) whose endpoint issued it, and
    /// the only one that accepts it.
    pub site: usize,
    pub expires_at: Duration,
    /// Whom it was issued to: a user, or a meeting's guest (its own identity, kept by the
    /// renewals of the token); `None` only in this module's tests.
    pub user: Option<Arc<User>>,
}

/// The table of issued tokens.
pub(crate) struct Tokens {
    /// `limits.max_tokens`.
    max: usize,
    issued: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    by_token: HashMap<String, Issued>,
    /// Numbers the tokens.
    next: u64,
    /// Numbers the guests (one per anonymous grant that is no renewal).
    guests: usize,
}

impl Tokens {
    pub(crate) fn new(max: usize) -> Self {
        Tokens {
            max,
            issued: Mutex::default(),
        }
    }

    /// Issues a token valid on origin `site` until `expires_at` on the emulator's clock
    /// (`now` is that clock's time); `None` when `max_tokens` live tokens are out already.
    pub(crate) fn issue(
        &self,
        site: usize,
        now: Duration,
        expires_at: Duration,
        user: Option<Arc<User>>,
    ) -> Option<String> {
        let mut table = lock(&self.issued);
        if table.by_token.len() >= self.max {
            // Expired tokens are refused anyway; dropping them keeps the table bounded by
            // what is live. Only at the bound, so that issuing stays cheap.
            table.by_token.retain(|_, t| t.expires_at > now);
            if table.by_token.len() >= self.max {
                return None;
            }
        }
        table.next += 1;
        let token = format!("cwt=emulator-{site}-{}", table.next);
        let issued = Issued {
            site,
            expires_at,
            user,
        };
        table.by_token.insert(token.clone(), issued);
        Some(token)
    }

    /// The number of a new guest identity.
    pub(crate) fn next_guest(&self) -> usize {
        let mut table = lock(&self.issued);
        table.guests = table.guests.wrapping_add(1);
        table.guests
    }

    /// Forgets every token issued: the next request with one gets a 401.
    pub(crate) fn revoke_all(&self) {
        lock(&self.issued).by_token.clear();
    }

    pub(crate) fn issued(&self, token: &str) -> Option<Issued> {
        lock(&self.issued).by_token.get(token).cloned()
    }

    /// How many are kept.
    pub(crate) fn len(&self) -> usize {
        lock(&self.issued).by_token.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_bound_expired_tokens_make_room() {
        let tokens = Tokens::new(2);
        let second = Duration::from_secs(1);
        let a = tokens.issue(0, Duration::ZERO, second, None).unwrap();
        tokens.issue(1, Duration::ZERO, 10 * second, None).unwrap();
        assert!(tokens.issue(0, Duration::ZERO, second, None).is_none());
        // Once `a` expired, there is room again.
        assert!(tokens.issue(0, 2 * second, 3 * second, None).is_some());
        assert!(tokens.issued(&a).is_none());
        assert_eq!(tokens.len(), 2);
        tokens.revoke_all();
        assert_eq!(tokens.len(), 0);
    }
}
