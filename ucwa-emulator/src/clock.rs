//! The emulator's clock: real time plus whatever tests add, so that a test can jump past a
//! token's or an application's expiry instead of waiting for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A handle on the emulator's time; clones share it.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    start: Instant,
    offset: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Clock(Arc::new(Inner {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }))
    }

    /// Time since the emulator started, advances included.
    pub fn now(&self) -> Duration {
        self.0.start.elapsed() + *self.0.offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Moves the emulator's time forward by `by`; what expires in between expires at once.
    pub fn advance(&self, by: Duration) {
        *self.0.offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}
