//! An application's event channel.
//!
//! Events wait in `pending` until a pending GET forms them into batch N (at most
//! `event_batch` of them), answered for `ack=N` with `next` = `ack=N+1`. A batch is kept until
//! the client asks for a later one, so asking again for `ack=N` gets the same batch: an event
//! is delivered in exactly one batch, and never lost to a dropped answer. An `ack` the channel
//! cannot serve gets a `resync` link.
//!
//! The channel holds at most `event_backlog` events, pending and kept together. One more (a
//! client that stopped reading, or reads slower than events come) overflows it: what it holds
//! is dropped and the batch numbers skip one, so that whatever `ack` the client holds is out of
//! range and its next pending GET gets only a `resync` link, to the batch that starts after the
//! overflow. That is UCWA's answer to a client that missed events: drop cached state, follow
//! `resync`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use ucwa::events::{Event, EventType, Sender};
use ucwa::resources::{AnyResource, EventBatch};
use ucwa::{Href, Link};

/// An event with its resource embedded, as the server sends them, so that a client need not
/// fetch it.
pub(crate) fn with_resource(
    event_type: EventType,
    rel: &str,
    link: Link,
    resource: AnyResource,
) -> Event<AnyResource> {
    Event {
        resource: Some(resource),
        ..Event::new(event_type, rel, link)
    }
}

/// One queued event and its sender; shared by every channel an event is pushed to.
pub(crate) struct Queued {
    sender_rel: String,
    sender_href: String,
    event: Event<AnyResource>,
}

impl Queued {
    pub(crate) fn new(sender_rel: &str, sender_href: &str, event: Event<AnyResource>) -> Self {
        Queued {
            sender_rel: sender_rel.to_owned(),
            sender_href: sender_href.to_owned(),
            event,
        }
    }
}

struct Inner {
    pending: VecDeque<Arc<Queued>>,
    batches: BTreeMap<u64, Vec<Arc<Queued>>>,
    /// The events in `pending` and `batches`, at most `backlog`.
    held: usize,
    next_ack: u64,
    closed: bool,
    /// Counts pending GETs: each one takes the next number, and a GET that sees a later number
    /// than its own has been replaced.
    latest_get: u64,
    /// How many times the backlog overflowed, and the events dropped then.
    overflows: u64,
    dropped: u64,
}

/// A pending GET that a later one replaced (409 `PGetReplaced`): one reader per channel.
pub struct Replaced;

/// What a channel holds, for [`crate::Stats`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Held {
    pub events: usize,
    pub overflows: u64,
    pub dropped: u64,
}

pub struct Channel {
    base: String,
    backlog: usize,
    batch: usize,
    inner: Mutex<Inner>,
    notify: Notify,
}

impl Channel {
    /// The channel at `base` (the path of the `events` resource), holding at most `backlog`
    /// events and answering at most `batch` at a time.
    pub fn new(base: String, backlog: usize, batch: usize) -> Self {
        Channel {
            base,
            backlog: backlog.max(1),
            batch: batch.max(1),
            inner: Mutex::new(Inner {
                pending: VecDeque::new(),
                batches: BTreeMap::new(),
                held: 0,
                next_ack: 1,
                closed: false,
                latest_get: 0,
                overflows: 0,
                dropped: 0,
            }),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        crate::lock::lock(&self.inner)
    }

    /// The link a new application's first pending GET follows.
    pub fn first_link(&self) -> Link {
        Link::new(format!("{}?ack=1", self.base))
    }

    /// Queues an event; an overflow drops what the channel held (see the module's doc).
    pub fn push(&self, event: Arc<Queued>) {
        {
            let mut inner = self.lock();
            if inner.closed {
                return;
            }
            if inner.held >= self.backlog {
                let dropped = inner.held as u64;
                inner.pending.clear();
                inner.batches.clear();
                inner.held = 0;
                // Skip a number: every `ack` the client may hold is now out of range.
                inner.next_ack += 1;
                inner.overflows += 1;
                inner.dropped += dropped;
                tracing::debug!(
                    channel = %self.base,
                    dropped,
                    "event backlog overflowed; the next pending GET gets `resync`"
                );
            }
            inner.pending.push_back(event);
            inner.held += 1;
        }
        self.notify.notify_waiters();
    }

    pub fn close(&self) {
        {
            let mut inner = self.lock();
            inner.closed = true;
            // Nothing will ask for them: a deleted application's events go now.
            inner.pending.clear();
            inner.batches.clear();
            inner.held = 0;
        }
        self.notify.notify_waiters();
    }

    /// What the channel holds now.
    pub(crate) fn held(&self) -> Held {
        let inner = self.lock();
        Held {
            events: inner.held,
            overflows: inner.overflows,
            dropped: inner.dropped,
        }
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
                    let kept = inner.batches.split_off(&ack);
                    let received: usize = inner.batches.values().map(Vec::len).sum();
                    inner.batches = kept;
                    inner.held -= received;
                }
                if let Some(events) = inner.batches.get(&ack) {
                    return Ok(self.batch(ack, events));
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
                    let take = inner.pending.len().min(self.batch);
                    let events: Vec<Arc<Queued>> = inner.pending.drain(..take).collect();
                    let answer = self.batch(ack, &events);
                    inner.batches.insert(ack, events);
                    inner.next_ack += 1;
                    return Ok(answer);
                }
            }
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }

    fn link(&self, ack: u64) -> Link {
        Link::new(format!("{}?ack={ack}", self.base))
    }

    fn batch(&self, ack: u64, events: &[Arc<Queued>]) -> EventBatch {
        // Consecutive events of one sender go in one sender block, keeping their order.
        let mut senders: Vec<Sender<AnyResource>> = Vec::new();
        for queued in events {
            let Queued {
                sender_rel,
                sender_href,
                event,
            } = &**queued;
            match senders.last_mut() {
                Some(last) if last.rel == *sender_rel && last.href.as_str() == sender_href => {
                    last.events.push(event.clone())
                }
                _ => {
                    let mut sender =
                        Sender::new(sender_rel.clone(), Href::new(sender_href.clone()));
                    sender.events.push(event.clone());
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
