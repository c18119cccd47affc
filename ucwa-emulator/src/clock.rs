//! The emulator's clock: real time plus whatever tests add, so that a test can jump past a
//! token's or an application's expiry instead of waiting for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::lock::lock;

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
        self.0.start.elapsed() + *lock(&self.0.offset)
    }

    /// Moves the emulator's time forward by `by`; what expires in between expires at once.
    pub fn advance(&self, by: Duration) {
        *lock(&self.0.offset) += by;
    }
}
