//! The session's event queue: a bounded broadcast that holds only what its receivers have not
//! read yet, and so grows on demand. `tokio::sync::broadcast` allocates all its slots when it is
//! made, whether or not anyone subscribes: 256 events a session, most of the memory of a
//! process holding a thousand sessions. This one allocates nothing until an event is sent to a
//! receiver, and gives back what it grew by once the receivers have caught up.
//!
//! It reads as `broadcast` does: [`Receiver::recv`] answers `Lagged(n)` to a receiver that
//! fell more than the capacity behind (then the oldest event still held), `Closed` once every
//! sender is gone and everything was read; a send never waits, and an event sent while no one
//! subscribes is dropped (events are offered, not owed).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
pub use tokio::sync::broadcast::error::{RecvError, TryRecvError};

/// Above this many slots, an empty queue gives its memory back.
const KEEP_SLOTS: usize = 8;

/// The sending half (the session's event reader holds one).
#[derive(Debug)]
pub(crate) struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A subscription to the session's events from the moment it was made
/// ([`Session::events`](crate::Session::events)).
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The sequence number of the next event this receiver reads.
    next: u64,
}

#[derive(Debug)]
struct Shared<T> {
    state: Mutex<State<T>>,
    notify: Notify,
    capacity: usize,
}

#[derive(Debug)]
struct State<T> {
    /// The events some receiver has not read, oldest first; the first is number `head`.
    entries: VecDeque<Entry<T>>,
    head: u64,
    /// The number the next event sent gets.
    tail: u64,
    receivers: usize,
    senders: usize,
    /// Events kept for the first receiver, when the queue was made to hold them
    /// ([`holding`]) and none has subscribed yet; `None` once one has (or when not asked).
    early: Option<VecDeque<T>>,
    /// How many of those were dropped, the queue being full.
    early_dropped: u64,
}

#[derive(Debug)]
struct Entry<T> {
    value: T,
    /// How many receivers have yet to read it.
    unread: usize,
}

/// A queue holding at most `capacity` unread events (at least one).
pub(crate) fn channel<T: Clone>(capacity: usize) -> Sender<T> {
    made(capacity, false)
}

/// As [`channel`], and what is sent before the first receiver subscribes is kept for it (up
/// to `capacity`, the oldest dropped and counted as its lag): for a session resumed, whose
/// first batch holds what arrived while the process was down.
pub(crate) fn holding<T: Clone>(capacity: usize) -> Sender<T> {
    made(capacity, true)
}

fn made<T: Clone>(capacity: usize, hold: bool) -> Sender<T> {
    Sender {
        shared: Arc::new(Shared {
            state: Mutex::new(State {
                entries: VecDeque::new(),
                head: 0,
                tail: 0,
                receivers: 0,
                senders: 1,
                early: hold.then(VecDeque::new),
                early_dropped: 0,
            }),
            notify: Notify::new(),
            capacity: capacity.max(1),
        }),
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing here panics while holding the lock; a poisoned one still holds a valid state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T> State<T> {
    /// Drops the events every receiver has read, and the memory an empty queue grew by.
    fn release(&mut self) {
        while self.entries.front().is_some_and(|e| e.unread == 0) {
            self.entries.pop_front();
            self.head += 1;
        }
        if self.entries.is_empty() && self.entries.capacity() > KEEP_SLOTS {
            self.entries.shrink_to(KEEP_SLOTS);
        }
    }
}

impl<T: Clone> Sender<T> {
    /// Offers `value` to every receiver; drops the oldest unread event when the queue is full.
    pub(crate) fn send(&self, value: T) {
        let mut state = self.shared.lock();
        if state.receivers == 0 {
            let capacity = self.shared.capacity;
            let mut dropped = 0;
            if let Some(early) = state.early.as_mut() {
                if early.len() >= capacity {
                    early.pop_front();
                    dropped = 1;
                }
                early.push_back(value);
            }
            state.early_dropped += dropped;
            return;
        }
        if state.entries.len() >= self.shared.capacity {
            // Whoever has not read it lags, and is told by how many when it next reads.
            state.entries.pop_front();
            state.head += 1;
        }
        let unread = state.receivers;
        state.entries.push_back(Entry { value, unread });
        state.tail += 1;
        drop(state);
        self.shared.notify.notify_waiters();
    }

    /// A receiver of the events sent from now on (and, for the first receiver of a queue
    /// made with [`holding`], of those kept for it, after a lag of those dropped).
    pub(crate) fn subscribe(&self) -> Receiver<T> {
        let mut state = self.shared.lock();
        state.receivers += 1;
        let mut next = state.tail;
        if let Some(early) = state.early.take() {
            // Numbered as if they had been sent to this receiver, the dropped ones before them.
            let dropped = std::mem::take(&mut state.early_dropped);
            next = state.tail;
            state.head = state.tail + dropped;
            state.tail = state.head;
            for value in early {
                state.entries.push_back(Entry { value, unread: 1 });
                state.tail += 1;
            }
        }
        Receiver {
            shared: self.shared.clone(),
            next,
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.senders -= 1;
        let last = state.senders == 0;
        drop(state);
        if last {
            self.shared.notify.notify_waiters();
        }
    }
}

impl<T: Clone> Receiver<T> {
    /// The next event: `Lagged(n)` when `n` events were dropped before this receiver read them
    /// (the next call gives the oldest still held), `Closed` when the session is gone and
    /// everything was read.
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        let shared = self.shared.clone();
        loop {
            let notified = shared.notify.notified();
            tokio::pin!(notified);
            // Registered before looking, so that a send between the look and the wait wakes it.
            notified.as_mut().enable();
            match self.try_recv() {
                Ok(value) => return Ok(value),
                Err(TryRecvError::Lagged(n)) => return Err(RecvError::Lagged(n)),
                Err(TryRecvError::Closed) => return Err(RecvError::Closed),
                Err(TryRecvError::Empty) => notified.await,
            }
        }
    }

    /// The next event if one is there, without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.shared.lock();
        if self.next < state.head {
            let missed = state.head - self.next;
            self.next = state.head;
            return Err(TryRecvError::Lagged(missed));
        }
        if self.next >= state.tail {
            return Err(if state.senders == 0 {
                TryRecvError::Closed
            } else {
                TryRecvError::Empty
            });
        }
        let index = usize::try_from(self.next - state.head).unwrap_or(usize::MAX);
        self.next += 1;
        let Some(entry) = state.entries.get_mut(index) else {
            // Unreachable: every number from head to tail is held.
            return Err(TryRecvError::Empty);
        };
        entry.unread = entry.unread.saturating_sub(1);
        let value = if index == 0 && entry.unread == 0 {
            // The last reader of the oldest event takes it instead of a copy.
            state.head += 1;
            state.entries.pop_front().map(|e| e.value)
        } else {
            Some(entry.value.clone())
        };
        state.release();
        value.ok_or(TryRecvError::Empty)
    }

    /// Another receiver, from now on (not from where this one is).
    pub fn resubscribe(&self) -> Receiver<T> {
        let mut state = self.shared.lock();
        state.receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            next: state.tail,
        }
    }

    /// How many events wait for this receiver.
    pub fn len(&self) -> usize {
        let state = self.shared.lock();
        usize::try_from(state.tail - self.next.max(state.head)).unwrap_or(usize::MAX)
    }

    /// Whether no event waits for this receiver.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receivers -= 1;
        let from = usize::try_from(self.next.saturating_sub(state.head)).unwrap_or(usize::MAX);
        for entry in state.entries.iter_mut().skip(from) {
            entry.unread = entry.unread.saturating_sub(1);
        }
        state.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots<T>(sender: &Sender<T>) -> (usize, usize) {
        let state = sender.shared.lock();
        (state.entries.len(), state.entries.capacity())
    }

    #[test]
    fn nothing_is_held_without_a_receiver_and_what_is_read_is_released() {
        let sender = channel::<u32>(256);
        for i in 0..1000 {
            sender.send(i);
        }
        assert_eq!(slots(&sender), (0, 0));
        let mut a = sender.subscribe();
        let mut b = sender.subscribe();
        for i in 0..100 {
            sender.send(i);
        }
        assert_eq!(slots(&sender).0, 100);
        for i in 0..100 {
            assert_eq!(a.try_recv(), Ok(i));
        }
        // `b` still has them all to read.
        assert_eq!(slots(&sender).0, 100);
        assert_eq!(b.len(), 100);
        for i in 0..100 {
            assert_eq!(b.try_recv(), Ok(i));
        }
        assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(slots(&sender).0, 0);
        assert!(slots(&sender).1 <= KEEP_SLOTS, "{:?}", slots(&sender));
        // A dropped receiver releases what it had not read.
        sender.send(7);
        drop(b);
        assert_eq!(slots(&sender).0, 1);
        drop(a);
        assert_eq!(slots(&sender).0, 0);
    }

    #[test]
    fn a_slow_receiver_lags_by_the_count_dropped_and_the_queue_stays_bounded() {
        let sender = channel::<u32>(4);
        let mut slow = sender.subscribe();
        let mut fast = sender.subscribe();
        for i in 0..10 {
            sender.send(i);
            assert_eq!(fast.try_recv(), Ok(i));
            assert!(slots(&sender).0 <= 4);
        }
        assert_eq!(slow.try_recv(), Err(TryRecvError::Lagged(6)));
        assert_eq!(
            (0..4).map(|_| slow.try_recv().unwrap()).collect::<Vec<_>>(),
            [6, 7, 8, 9]
        );
        assert_eq!(slots(&sender).0, 0);
    }

    #[test]
    fn a_holding_queue_keeps_for_its_first_receiver_what_came_before_it() {
        let sender = holding::<u32>(3);
        for i in 0..5 {
            sender.send(i);
        }
        let mut first = sender.subscribe();
        let mut second = sender.subscribe();
        assert_eq!(first.try_recv(), Err(TryRecvError::Lagged(2)));
        assert_eq!(
            (0..3)
                .map(|_| first.try_recv().unwrap())
                .collect::<Vec<_>>(),
            [2, 3, 4]
        );
        sender.send(5);
        assert_eq!(first.try_recv(), Ok(5));
        assert_eq!(second.try_recv(), Ok(5));
        assert_eq!(second.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(slots(&sender).0, 0);
        // After the first receiver, as any queue: nothing kept without one.
        drop((first, second));
        sender.send(6);
        assert_eq!(slots(&sender).0, 0);
        let mut third = sender.subscribe();
        assert_eq!(third.try_recv(), Err(TryRecvError::Empty));
    }

    #[tokio::test]
    async fn recv_waits_for_a_send_and_ends_when_the_senders_are_gone() {
        let sender = channel::<String>(8);
        let mut receiver = sender.subscribe();
        let mut later = receiver.resubscribe();
        let waiting = tokio::spawn(async move { receiver.recv().await });
        tokio::task::yield_now().await;
        sender.send("hello".to_owned());
        assert_eq!(waiting.await.unwrap(), Ok("hello".to_owned()));
        assert_eq!(later.recv().await, Ok("hello".to_owned()));
        let second = sender.clone();
        drop(sender);
        second.send("last".to_owned());
        drop(second);
        assert_eq!(later.recv().await, Ok("last".to_owned()));
        assert_eq!(later.recv().await, Err(RecvError::Closed));
    }
}
