//! What tests inject: errors in place of answers, a mangled event batch, refused grants,
//! discovery redirects. Every queue holds at most `limits.max_injected`; one more is refused
//! ([`LimitReached`]) rather than kept.

use std::collections::VecDeque;
use std::sync::Mutex;

use ucwa::ErrorBody;
use ucwa::http::{Method, StatusCode};

use crate::faults::{self, Fault};
use crate::limits::LimitReached;
use crate::lock::lock;

/// The injections waiting to be used.
pub(crate) struct Injections {
    /// `limits.max_injected`.
    max: usize,
    /// Errors for the next application creations.
    application_faults: Mutex<VecDeque<(StatusCode, ErrorBody)>>,
    /// Errors for the next escalations, after their parameters are checked.
    escalation_faults: Mutex<VecDeque<(StatusCode, ErrorBody)>>,
    /// Faults answered in front of the handlers ([`Fault`]).
    faults: Mutex<VecDeque<Fault>>,
    /// Bodies that replace the next answers of the event channel (a proxy's page, a cut
    /// answer), with their Content-Type.
    garbled_batches: Mutex<VecDeque<(String, Vec<u8>)>>,
    /// Grants the token endpoint answers `unsupported_grant_type` to although the challenge
    /// still offers them.
    refused_grants: Mutex<Vec<String>>,
    /// Where the entry point redirects to, when set.
    root_redirect: Mutex<Option<String>>,
    /// Where the next GET of the user resource redirects to, once.
    user_redirect: Mutex<Option<String>>,
    /// Members added to every answer of a GET for a resource of a rel ([`ExtraMember`]).
    extra_members: Mutex<Vec<ExtraMember>>,
}

/// A member the schema does not know, added to the answer of every GET for a resource of
/// `rel`: what a newer server sends, for testing how a client reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExtraMember {
    pub(crate) rel: String,
    pub(crate) name: String,
    pub(crate) value: String,
}

/// Queues `item` when `queue` has room under `max`.
fn queue<T>(queue: &Mutex<VecDeque<T>>, max: usize, item: T) -> Result<(), LimitReached> {
    let mut queue = lock(queue);
    room(queue.len(), max)?;
    queue.push_back(item);
    Ok(())
}

/// `Ok` when a queue holding `len` can take one more.
fn room(len: usize, max: usize) -> Result<(), LimitReached> {
    if len >= max {
        return Err(LimitReached {
            limit: "max_injected",
            value: max,
        });
    }
    Ok(())
}

impl Injections {
    pub(crate) fn new(max: usize) -> Self {
        Injections {
            max,
            application_faults: Mutex::default(),
            escalation_faults: Mutex::default(),
            faults: Mutex::default(),
            garbled_batches: Mutex::default(),
            refused_grants: Mutex::default(),
            root_redirect: Mutex::default(),
            user_redirect: Mutex::default(),
            extra_members: Mutex::default(),
        }
    }

    pub(crate) fn fail_next_application(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        queue(&self.application_faults, self.max, (status, body))
    }

    pub(crate) fn take_application_fault(&self) -> Option<(StatusCode, ErrorBody)> {
        lock(&self.application_faults).pop_front()
    }

    pub(crate) fn fail_next_escalation(
        &self,
        status: StatusCode,
        body: ErrorBody,
    ) -> Result<(), LimitReached> {
        queue(&self.escalation_faults, self.max, (status, body))
    }

    pub(crate) fn take_escalation_fault(&self) -> Option<(StatusCode, ErrorBody)> {
        lock(&self.escalation_faults).pop_front()
    }

    /// Queues a fault answered in front of the handlers.
    pub(crate) fn inject(&self, fault: Fault) -> Result<(), LimitReached> {
        queue(&self.faults, self.max, fault)
    }

    /// The answer of the first injected fault for `method` and `path`, counting one use.
    pub(crate) fn take_fault(&self, method: &Method, path: &str) -> Option<faults::Answer> {
        let mut injected = lock(&self.faults);
        if injected.is_empty() {
            return None;
        }
        faults::take(&mut injected, method, path)
    }

    pub(crate) fn garble_next_batch(
        &self,
        content_type: String,
        body: Vec<u8>,
    ) -> Result<(), LimitReached> {
        queue(&self.garbled_batches, self.max, (content_type, body))
    }

    pub(crate) fn take_garbled_batch(&self) -> Option<(String, Vec<u8>)> {
        lock(&self.garbled_batches).pop_front()
    }

    pub(crate) fn refuse_grant(&self, grant: String) -> Result<(), LimitReached> {
        let mut refused = lock(&self.refused_grants);
        if refused.contains(&grant) {
            return Ok(());
        }
        room(refused.len(), self.max)?;
        refused.push(grant);
        Ok(())
    }

    pub(crate) fn grant_refused(&self, grant: &str) -> bool {
        lock(&self.refused_grants).iter().any(|g| g == grant)
    }

    pub(crate) fn set_root_redirect(&self, href: Option<String>) {
        *lock(&self.root_redirect) = href;
    }

    pub(crate) fn root_redirect(&self) -> Option<String> {
        lock(&self.root_redirect).clone()
    }

    pub(crate) fn set_user_redirect(&self, href: Option<String>) {
        *lock(&self.user_redirect) = href;
    }

    /// Adds `member` to the answers of its rel from now on (the same name again replaces its
    /// value).
    pub(crate) fn add_member(&self, member: ExtraMember) -> Result<(), LimitReached> {
        let mut members = lock(&self.extra_members);
        if let Some(same) = members
            .iter_mut()
            .find(|m| m.rel == member.rel && m.name == member.name)
        {
            *same = member;
            return Ok(());
        }
        room(members.len(), self.max)?;
        members.push(member);
        Ok(())
    }

    /// The members added to the answers of `rel`.
    pub(crate) fn extra_members(&self) -> Vec<ExtraMember> {
        lock(&self.extra_members).clone()
    }

    /// The user redirect, once: the pool it points to serves the user resource itself.
    pub(crate) fn take_user_redirect(&self) -> Option<String> {
        lock(&self.user_redirect).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_are_bounded_and_taken_in_order() {
        let injections = Injections::new(2);
        for code in ["A", "B"] {
            let body = ErrorBody {
                code: code.into(),
                ..ErrorBody::default()
            };
            injections
                .fail_next_escalation(StatusCode::CONFLICT, body)
                .unwrap();
        }
        let refused = injections.fail_next_escalation(StatusCode::CONFLICT, ErrorBody::default());
        assert_eq!(refused.unwrap_err().limit, "max_injected");
        assert_eq!(injections.take_escalation_fault().unwrap().1.code, "A");
        assert_eq!(injections.take_escalation_fault().unwrap().1.code, "B");
        assert!(injections.take_escalation_fault().is_none());
        assert!(injections.take_application_fault().is_none());
    }

    #[test]
    fn extra_members_are_bounded_and_replaced_by_name() {
        let injections = Injections::new(2);
        let member = |rel: &str, name: &str, value: &str| ExtraMember {
            rel: rel.into(),
            name: name.into(),
            value: value.into(),
        };
        injections.add_member(member("me", "a", "1")).unwrap();
        injections.add_member(member("me", "a", "2")).unwrap();
        injections.add_member(member("note", "a", "3")).unwrap();
        let refused = injections.add_member(member("me", "b", "4"));
        assert_eq!(refused.unwrap_err().limit, "max_injected");
        assert_eq!(
            injections.extra_members(),
            vec![member("me", "a", "2"), member("note", "a", "3")]
        );
    }
}
