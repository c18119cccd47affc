//! Operation resources: a request that starts something long (an invitation, a message) is
//! answered at once, and what becomes of it arrives on the event channel — `started`, maybe
//! `updated`, then `completed` with a status (`Success` or `Failure`) and, on failure, a reason
//! with a code and subcode. [`follow`] waits for that `completed` event and gives a typed
//! [`OperationOutcome`].
//!
//! Events are read from an [`EventSource`]: a [`Session`]'s receiver
//! (subscribe *before* sending the request, or the events may pass before you listen) or an
//! [`EventChannel`]. Other events read while waiting are handed to a
//! callback, not dropped.

use std::future::Future;
use std::time::Duration;

use tokio::sync::broadcast;
use ucwa::ErrorBody;
use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;

#[cfg(doc)]
use crate::Session;
use crate::{ClientError, EventChannel};

/// Where events come from.
pub trait EventSource {
    /// The next event; `Ok(None)` when there will be no more.
    fn next_event(
        &mut self,
    ) -> impl Future<Output = Result<Option<Event<AnyResource>>, FollowError>> + Send;
}

impl EventSource for broadcast::Receiver<Event<AnyResource>> {
    async fn next_event(&mut self) -> Result<Option<Event<AnyResource>>, FollowError> {
        match self.recv().await {
            Ok(event) => Ok(Some(event)),
            Err(broadcast::error::RecvError::Closed) => Ok(None),
            Err(broadcast::error::RecvError::Lagged(missed)) => Err(FollowError::Lagged(missed)),
        }
    }
}

impl EventSource for crate::EventReceiver {
    async fn next_event(&mut self) -> Result<Option<Event<AnyResource>>, FollowError> {
        match self.recv().await {
            Ok(event) => Ok(Some(event)),
            Err(broadcast::error::RecvError::Closed) => Ok(None),
            Err(broadcast::error::RecvError::Lagged(missed)) => Err(FollowError::Lagged(missed)),
        }
    }
}

impl EventSource for EventChannel {
    async fn next_event(&mut self) -> Result<Option<Event<AnyResource>>, FollowError> {
        EventChannel::next_event(self)
            .await
            .map_err(FollowError::Events)
    }
}

/// Why an outcome could not be learnt.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FollowError {
    /// Reading the event channel failed.
    #[error("reading the event channel: {0}")]
    Events(ClientError),
    /// The receiver fell behind and missed this many events, the outcome perhaps among them:
    /// read the resource instead.
    #[error("{0} events were missed while waiting; read the resource to learn its state")]
    Lagged(u64),
    /// The event channel ended (the session stopped).
    #[error("the event channel ended before the operation completed")]
    Ended,
    /// No `completed` event within the time given.
    #[error("the operation did not complete within {0:?}")]
    TimedOut(Duration),
}

/// What became of an operation: the resource as it completed, or why it failed.
#[derive(Clone, Debug, PartialEq)]
pub enum OperationOutcome<R> {
    /// `completed` with status `Success` (or none), with the resource when the event embedded
    /// it.
    Succeeded(Option<R>),
    /// `completed` with status `Failure`: the reason's code (`RemoteFailure`), subcode
    /// (`Declined`) and message. A failure that came without a reason has code `Failure`.
    Failed(Box<ErrorBody>),
}

impl<R> OperationOutcome<R> {
    /// The outcome a `completed` event states, its resource taken out with `take`.
    pub fn of(event: Event<AnyResource>, take: impl FnOnce(AnyResource) -> Option<R>) -> Self {
        let failed = event
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Failure"));
        if failed {
            return OperationOutcome::Failed(Box::new(event.reason.unwrap_or_else(|| ErrorBody {
                code: "Failure".into(),
                ..ErrorBody::default()
            })));
        }
        OperationOutcome::Succeeded(event.resource.and_then(take))
    }

    /// The failure's code and subcode, for matching (`("RemoteFailure", Some("Declined"))`).
    pub fn failure(&self) -> Option<(&str, Option<&str>)> {
        match self {
            OperationOutcome::Failed(body) => Some((body.code.as_str(), body.subcode.as_deref())),
            OperationOutcome::Succeeded(_) => None,
        }
    }
}

/// Reads `events` until the `completed` event of the operation resource at `href` (compared
/// by path, as servers give relative links), for at most `within`; every other event read on
/// the way goes to `others`.
pub async fn follow<S: EventSource + Send>(
    events: &mut S,
    href: &str,
    within: Duration,
    mut others: impl FnMut(Event<AnyResource>) + Send,
) -> Result<Event<AnyResource>, FollowError> {
    let wanted = path_of(href);
    let wait = async {
        loop {
            let Some(event) = events.next_event().await? else {
                return Err(FollowError::Ended);
            };
            if event.event_type == EventType::Completed
                && path_of(event.link.href.as_str()) == wanted
            {
                return Ok(event);
            }
            others(event);
        }
    };
    tokio::time::timeout(within, wait)
        .await
        .map_err(|_| FollowError::TimedOut(within))?
}

/// The path of an href, absolute or relative, without its query: a relative one is resolved
/// against a placeholder origin, since only paths are compared. An href that does not parse is
/// compared as it is.
pub(crate) fn path_of(href: &str) -> String {
    url::Url::parse("http://placeholder.invalid/")
        .and_then(|base| base.join(href))
        .map_or_else(|_| href.to_owned(), |url| url.path().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucwa::Link;

    #[test]
    fn paths_compare_without_origin_or_query() {
        assert_eq!(path_of("https://fe1.contoso.com:443/a/b?x=1"), "/a/b");
        assert_eq!(path_of("/a/b"), "/a/b");
        assert_eq!(path_of("/a/b#f"), "/a/b");
        assert_eq!(path_of("https://host"), "/");
    }

    #[test]
    fn a_failure_keeps_its_reason_and_a_bare_failure_gets_one() {
        let mut event = Event::<AnyResource>::new(EventType::Completed, "x", Link::new("/x"));
        event.status = Some("Failure".into());
        event.reason = Some(ErrorBody {
            code: "RemoteFailure".into(),
            subcode: Some("Declined".into()),
            ..ErrorBody::default()
        });
        let outcome = OperationOutcome::<()>::of(event.clone(), |_| None);
        assert_eq!(outcome.failure(), Some(("RemoteFailure", Some("Declined"))));
        event.reason = None;
        let outcome = OperationOutcome::<()>::of(event.clone(), |_| None);
        assert_eq!(outcome.failure(), Some(("Failure", None)));
        event.status = Some("Success".into());
        assert_eq!(
            OperationOutcome::<()>::of(event, |_| None),
            OperationOutcome::Succeeded(None)
        );
    }

    #[tokio::test]
    async fn follow_hands_other_events_on_and_stops_at_the_completion() {
        let (sender, mut receiver) = broadcast::channel(8);
        let other = Event::<AnyResource>::new(EventType::Added, "y", Link::new("/y"));
        let done =
            Event::<AnyResource>::new(EventType::Completed, "x", Link::new("https://h/x?ignored"));
        sender.send(other).unwrap();
        sender.send(done).unwrap();
        let mut seen = Vec::new();
        let event = follow(&mut receiver, "/x", Duration::from_secs(5), |e| {
            seen.push(e.rel)
        })
        .await
        .unwrap();
        assert_eq!(event.rel, "x");
        assert_eq!(seen, ["y"]);
        let timed_out = follow(&mut receiver, "/x", Duration::from_millis(20), |_| {}).await;
        assert!(matches!(timed_out, Err(FollowError::TimedOut(_))));
        drop(sender);
        let ended = follow(&mut receiver, "/x", Duration::from_secs(5), |_| {}).await;
        assert!(matches!(ended, Err(FollowError::Ended)));
    }
}
