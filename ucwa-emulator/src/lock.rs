//! The one way the emulator takes a lock.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, also when a panic poisoned it: what the emulator keeps behind a lock is
/// plain data that a panicking handler leaves whole, and serving on is better than failing
/// every later request.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
