//! An application's event channel.
//!
//! Events wait in `pending` until a pending GET forms them into batch N, answered for `ack=N`
//! with `next` = `ack=N+1`. A batch is kept until the client asks for a later one, so asking
//! again for `ack=N` gets the same batch: an event is delivered in exactly one batch, and
//! never lost to a dropped answer. An `ack` the channel cannot serve gets a `resync` link.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use ucwa::events::{Event, Sender};
use ucwa::resources::{AnyResource, EventBatch};
use ucwa::{Href, Link};

struct Inner {
    pending: Vec<(String, String, Event<AnyResource>)>,
    batches: BTreeMap<u64, Vec<(String, String, Event<AnyResource>)>>,
    next_ack: u64,
    closed: bool,
    /// Counts pending GETs: each one takes the next number, and a GET that sees a later number
    /// than its own has been replaced.
    latest_get: u64,
}

/// A pending GET that a later one replaced (409 `PGetReplaced`): one reader per channel.
pub struct Replaced;

pub struct Channel {
    base: String,
    inner: Mutex<Inner>,
    notify: Notify,
}

impl Channel {
    /// The channel at `base` (the path of the `events` resource).
    pub fn new(base: String) -> Self {
        Channel {
            base,
            inner: Mutex::new(Inner {
                pending: Vec::new(),
                batches: BTreeMap::new(),
                next_ack: 1,
                closed: false,
                latest_get: 0,
            }),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The link a new application's first pending GET follows.
    pub fn first_link(&self) -> Link {
        Link::new(format!("{}?ack=1", self.base))
    }

    /// Queues an event sent by the resource `sender_rel` at `sender_href`.
    pub fn push(&self, sender_rel: &str, sender_href: &str, event: Event<AnyResource>) {
        self.lock()
            .pending
            .push((sender_rel.to_owned(), sender_href.to_owned(), event));
        self.notify.notify_waiters();
    }

    pub fn close(&self) {
        self.lock().closed = true;
        self.notify.notify_waiters();
    }

    /// Answers the pending GET for `ack`, waiting up to `wait` for events, unless another
    /// pending GET arrives meanwhile.
    pub async fn get(&self, ack: u64, wait: Duration) -> Result<EventBatch, Replaced> {
        let deadline = tokio::time::Instant::now() + wait;
        let me = {
            let mut inner = self.lock();
            inner.latest_get += 1;
            inner.latest_get
        };
        // Wake the GET this one replaces.
        self.notify.notify_waiters();
        loop {
            // Register interest before looking, so a push in between is not missed.
            let notified = self.notify.notified();
            {
                let mut inner = self.lock();
                if inner.latest_get != me {
                    return Err(Replaced);
                }
                let oldest = inner
                    .batches
                    .keys()
                    .next()
                    .copied()
                    .unwrap_or(inner.next_ack);
                if (oldest..=inner.next_ack).contains(&ack) {
                    // Everything before `ack` was received.
                    inner.batches.retain(|&n, _| n >= ack);
                }
                if let Some(events) = inner.batches.get(&ack) {
                    return Ok(self.batch(ack, events.clone()));
                }
                if ack != inner.next_ack {
                    // Out of range: nothing was dropped above, so `oldest` still holds.
                    return Ok(EventBatch {
                        self_link: Some(self.link(ack)),
                        resync: Some(self.link(oldest)),
                        ..EventBatch::default()
                    });
                }
                let timed_out = tokio::time::Instant::now() >= deadline;
                if !inner.pending.is_empty() || timed_out || inner.closed {
                    let events = std::mem::take(&mut inner.pending);
                    inner.batches.insert(ack, events.clone());
                    inner.next_ack += 1;
                    return Ok(self.batch(ack, events));
                }
            }
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }

    fn link(&self, ack: u64) -> Link {
        Link::new(format!("{}?ack={ack}", self.base))
    }

    fn batch(&self, ack: u64, events: Vec<(String, String, Event<AnyResource>)>) -> EventBatch {
        // Consecutive events of one sender go in one sender block, keeping their order.
        let mut senders: Vec<Sender<AnyResource>> = Vec::new();
        for (rel, href, event) in events {
            match senders.last_mut() {
                Some(last) if last.rel == rel && last.href.as_str() == href => {
                    last.events.push(event)
                }
                _ => {
                    let mut sender = Sender::new(rel, Href::new(href));
                    sender.events.push(event);
                    senders.push(sender);
                }
            }
        }
        EventBatch {
            self_link: Some(self.link(ack)),
            next: Some(self.link(ack + 1)),
            senders,
            ..EventBatch::default()
        }
    }
}
