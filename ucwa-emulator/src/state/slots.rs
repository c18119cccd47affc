//! What the tasks keep, by type, without `state` knowing the tasks: each application has its
//! slots (a messaging model, presence subscriptions, the scripted call), and so has the
//! emulator (every user's meetings). Each datum is behind its own lock, taken with
//! [`crate::lock::lock`]: one locking style for all of them.

use std::any::{Any, TypeId};
use std::sync::{Mutex, OnceLock};

/// How many types of data one holder keeps at the most (the tasks use fewer).
const CAPACITY: usize = 12;

/// Data by type, each made with its `Default` on first use.
pub(crate) struct Slots([OnceLock<Slot>; CAPACITY]);

struct Slot {
    of: TypeId,
    data: Box<dyn Any + Send + Sync>,
}

impl Default for Slots {
    fn default() -> Self {
        Slots([const { OnceLock::new() }; CAPACITY])
    }
}

impl Slots {
    /// The datum of type `T`. A slot, once taken, holds one type for good, and every caller
    /// looks through the slots in the same order: the first slot of `T` is found by all.
    pub(crate) fn get<T: Default + Send + 'static>(&self) -> &Mutex<T> {
        for slot in &self.0 {
            let slot = slot.get_or_init(|| Slot {
                of: TypeId::of::<T>(),
                data: Box::new(Mutex::new(T::default())),
            });
            if slot.of == TypeId::of::<T>()
                && let Some(data) = slot.data.downcast_ref::<Mutex<T>>()
            {
                return data;
            }
        }
        // The types are the tasks' own, a handful known when compiling: more is a bug of the
        // emulator, caught by its tests, not something a client can cause.
        unreachable!("more than {CAPACITY} types of task data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::lock;

    #[test]
    fn each_type_has_its_own_datum_made_once() {
        let slots = Slots::default();
        *lock(slots.get::<u32>()) += 2;
        lock(slots.get::<String>()).push_str("kept");
        *lock(slots.get::<u32>()) += 3;
        assert_eq!(*lock(slots.get::<u32>()), 5);
        assert_eq!(*lock(slots.get::<String>()), "kept");
        assert!(lock(slots.get::<Vec<u8>>()).is_empty());
    }
}
