//! Calls to users of the directory: a ring ([`Ring`]) per call, emulator-wide, with the
//! callee's forwarding rules applied; the calls it makes in each application it rings and in
//! the caller's; the ticker that moves it along the clock; decline.
//!
//! Locks: the rings are read and changed under their own lock, which is let go before any
//! application's calls are locked, so that no two are ever held at once.

use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard, Weak};

use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use ucwa::ErrorBody;
use ucwa::enumerations::CallDeclineReason;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::DeclinePostBody;

use crate::directory::User;
use crate::handler::{Answer, Shared, application_at};
use crate::lock::lock;
use crate::protocol::{Refusal, decode_or_default, no_content, not_found};
use crate::routing::Rules;
use crate::state::State;

use super::incoming::{Answerer, Parties, Ring, RingChange, declined};
use super::model::{Change, Incoming};
use super::render;
use super::routes::{TICK, calls, legs, phone_of};

/// The calls to users still being decided, by number (in the emulator's slots).
#[derive(Default)]
struct Rings {
    rings: BTreeMap<u64, Ring>,
    next: u64,
}

fn rings(state: &State) -> MutexGuard<'_, Rings> {
    lock(state.data.get::<Rings>())
}

/// Why a call cannot reach a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RingError {
    /// `limits.max_conversations` calls to users are being decided already.
    TooMany(usize),
}

/// Calls `callee` from `from` (a URI, with a name when known): a ring with the callee's
/// forwarding rules, each of their applications that takes phone audio rung (an incoming
/// phoneAudioInvitation), and a ticker until it is decided; `caller` is the caller's own call,
/// which hears how it ended.
pub(crate) fn call_user(
    state: &Arc<State>,
    callee: &User,
    from: String,
    from_name: Option<String>,
    caller: Option<(u64, u64)>,
) -> Result<u64, RingError> {
    let max = state.config.limits.max_conversations;
    let routing = lock(state.data.get::<Rules>()).of(&callee.address);
    let id = {
        let mut rings = rings(state);
        if rings.rings.len() >= max {
            return Err(RingError::TooMany(max));
        }
        rings.next += 1;
        rings.next
    };
    let mut phones = Vec::new();
    if !routing.forward.is_immediate() {
        for app in state.apps.of(callee) {
            let Some(phone) = phone_of(&app) else {
                continue;
            };
            let incoming = Incoming {
                ring: id,
                from: from.clone(),
                from_name: from_name.clone(),
            };
            let mut calls = calls(&app);
            let Some(number) = calls.receive(incoming, callee.sip_uri(), phone.clone(), max) else {
                continue;
            };
            render::placed(&app, number, &calls.calls[&number]);
            phones.push((app.id, number, phone.unwrap_or_else(|| callee.sip_uri())));
        }
    }
    let parties = Parties {
        callee: callee.address.clone(),
        callee_name: callee.name.clone(),
        from,
        from_name,
        caller,
    };
    let ring = Ring::new(parties, &routing, phones, &legs(state), state.clock.now());
    rings(state).rings.insert(id, ring);
    let weak = Arc::downgrade(state);
    tokio::spawn(async move {
        while !step(&weak, id) {
            tokio::time::sleep(TICK).await;
        }
    });
    Ok(id)
}

/// One look at the clock for ring `id`; whether it is over.
fn step(state: &Weak<State>, id: u64) -> bool {
    let Some(state) = state.upgrade() else {
        return true;
    };
    let now = state.clock.now();
    let (changes, ring) = {
        let mut rings = rings(&state);
        let Some(ring) = rings.rings.get_mut(&id) else {
            return true;
        };
        let changes = ring.step(now);
        let ring = ring.clone();
        if ring.settled {
            rings.rings.remove(&id);
        }
        (changes, ring)
    };
    apply(&state, &ring, changes);
    ring.settled
}

/// Tells each call of `ring` what `changes` mean for it.
fn apply(state: &State, ring: &Ring, changes: Vec<RingChange>) {
    let caller = Answerer {
        uri: ring.from.clone(),
        name: ring.from_name.clone().unwrap_or_else(|| ring.from.clone()),
    };
    for change in changes {
        match change {
            RingChange::Answered(index) => {
                if let Some(endpoint) = ring.endpoints.get(index) {
                    settle(state, endpoint.app, endpoint.number, Ok(caller.clone()));
                }
            }
            RingChange::StopRinging(why) => {
                for endpoint in &ring.endpoints {
                    settle(state, endpoint.app, endpoint.number, Err(why.clone()));
                }
            }
            RingChange::Settled(result) => {
                if let Some((app, number)) = ring.caller {
                    settle(state, app, number, result);
                }
            }
        }
    }
}

/// Settles call `number` of application `app` (if it still waits), and announces it.
fn settle(state: &State, app: u64, number: u64, result: Result<Answerer, Box<ErrorBody>>) {
    let Some(app) = state.apps.get(app) else {
        return;
    };
    let mut calls = calls(&app);
    let Some(call) = calls.calls.get_mut(&number) else {
        return;
    };
    match call.settle(result) {
        Some(Change::Connected) => render::completed(&app, number, call, None),
        Some(Change::Failed(why)) => render::completed(&app, number, call, Some(why)),
        _ => {}
    }
}

/// The caller of ring `id` stopped their call before it was answered: the phones stop.
pub(super) fn cancel(state: &State, id: u64) {
    let (changes, ring) = {
        let mut rings = rings(state);
        let Some(mut ring) = rings.rings.remove(&id) else {
            return;
        };
        (ring.cancel(), ring)
    };
    apply(state, &ring, changes);
}

/// A decline in the wrong state: 409, as the reference's table has it.
fn not_ringing() -> Refusal {
    Refusal::with(
        StatusCode::CONFLICT,
        "Conflict",
        None,
        "The invitation is not ringing.",
    )
}

/// decline: an incoming call still ringing stops ringing here (`Local`, and every reason but
/// `Global`) or on every device of the user (`Global`); once no device rings, the call is
/// declined for the caller.
pub(super) async fn decline(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: DeclinePostBody = decode_or_default(&headers, &body)?;
    let everywhere = input.reason == Some(CallDeclineReason::Global);
    let ring_id = {
        let calls = calls(&app);
        let call = calls.calls.get(&number).ok_or_else(not_found)?;
        let incoming = call.incoming.as_ref().ok_or_else(not_found)?;
        if call.invitation_done || !call.is_live() {
            return Err(not_ringing());
        }
        incoming.ring
    };
    let (stopped, over, ring) = {
        let mut rings = rings(&state);
        let ring = rings.rings.get_mut(&ring_id).ok_or_else(not_ringing)?;
        let Some(index) = ring
            .endpoints
            .iter()
            .position(|e| e.app == id && e.number == number)
        else {
            return Err(not_ringing());
        };
        let (stopped, over) = ring.decline(index, everywhere);
        let ring = ring.clone();
        if over {
            rings.rings.remove(&ring_id);
        }
        (stopped, over, ring)
    };
    if stopped.is_empty() {
        return Err(not_ringing());
    }
    for index in stopped {
        let endpoint = &ring.endpoints[index];
        settle(&state, endpoint.app, endpoint.number, Err(declined()));
    }
    if over && let Some((app, number)) = ring.caller {
        settle(&state, app, number, Err(declined()));
    }
    Ok(no_content())
}
