//! The handlers of phone audio, and the ticker that moves each call along the emulator's clock.

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard, Weak};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::ModalityType;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{
    AddPhoneAudioPostBody, MakeMeAvailablePostBody, ReplaceWithPhoneAudioPostBody,
    StartPhoneAudioPostBody,
};

use crate::handler::{Answer, Shared, application_at, available_at};
use crate::legs::{LegOutcome, Legs};
use crate::lock::lock;
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, created_at, decode, decode_or_default, invalid_parameters,
    limit_exceeded, no_content, not_found, payload,
};
use crate::state::{App, State};

use super::model::{Change, NotNow, Phase, PhoneCall, PhoneCalls, PlaceError, Placing};
use super::render;
use super::ringing;

const MAX_SUBJECT: usize = 250;
const MAX_OPERATION_ID: usize = 50;
/// How often, in real time, a call still ringing looks at the emulator's clock.
pub(super) const TICK: Duration = Duration::from_millis(10);

pub(super) fn calls(app: &App) -> MutexGuard<'_, PhoneCalls> {
    lock(app.data.get::<PhoneCalls>())
}

/// The far ends as tests changed them ([`crate::Faults::leg_outcome`]); `None` until then,
/// when the configuration's are used.
#[derive(Default)]
struct Changed(Option<Legs>);

/// The far ends in force now.
pub(super) fn legs(state: &State) -> Legs {
    lock(state.data.get::<Changed>())
        .0
        .clone()
        .unwrap_or_else(|| state.config.legs.clone())
}

/// What makeMeAvailable said of phone audio (in the application's slots): `None` until it
/// was called.
#[derive(Default)]
struct Capabilities(Option<PhoneCapability>);

struct PhoneCapability {
    listed: bool,
    phone_number: Option<String>,
}

/// Keeps what makeMeAvailable listed: phone audio or not, and the user's phone number.
pub(crate) fn made_available(app: &App, input: &MakeMeAvailablePostBody) {
    let listed = input
        .supported_modalities
        .as_ref()
        .is_some_and(|m| m.contains(&ModalityType::PhoneAudio));
    lock(app.data.get::<Capabilities>()).0 = Some(PhoneCapability {
        listed,
        phone_number: input.phone_number.clone(),
    });
}

/// The user's phone for a call (`given`, else makeMeAvailable's), or the refusal: phone
/// audio not among the capabilities (403), or no phone to ring (400).
fn users_phone(app: &App, given: Option<String>) -> Result<Option<String>, Refusal> {
    let capabilities = lock(app.data.get::<Capabilities>());
    let Some(capability) = &capabilities.0 else {
        // Made available by the configuration: every capability, whatever phone is given.
        return Ok(given);
    };
    if !capability.listed {
        return Err(Refusal::with(
            StatusCode::FORBIDDEN,
            "Forbidden",
            None,
            "Phone audio is not among the capabilities makeMeAvailable listed.",
        ));
    }
    match given.or_else(|| capability.phone_number.clone()) {
        Some(number) => Ok(Some(number)),
        None => Err(invalid_parameters(&[(
            "phoneNumber",
            "required when makeMeAvailable gave none".to_owned(),
        )])),
    }
}

/// Whether `app` takes phone-audio calls, and on which phone (`None`: no phone given; the
/// user's address stands for it). An application the configuration made available has every
/// capability.
pub(super) fn phone_of(app: &App) -> Option<Option<String>> {
    if !app.is_available() {
        return None;
    }
    match &lock(app.data.get::<Capabilities>()).0 {
        None => Some(None),
        Some(capability) if capability.listed => Some(capability.phone_number.as_deref().map(tel)),
        Some(_) => None,
    }
}

/// Makes `party` do `outcome` from the next call on.
pub(crate) fn set_leg_outcome(state: &State, party: &str, outcome: LegOutcome) {
    let mut changed = lock(state.data.get::<Changed>());
    let legs = changed.0.get_or_insert_with(|| state.config.legs.clone());
    legs.set(party, outcome);
}

/// Sets how long the user's phone and the far end take, from the next call on.
pub(crate) fn set_leg_delays(state: &State, ring: Duration, connect: Duration) {
    let mut changed = lock(state.data.get::<Changed>());
    let legs = changed.0.get_or_insert_with(|| state.config.legs.clone());
    legs.ring_delay = ring;
    legs.connect_delay = connect;
}

/// The routes of phone audio.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::START_PHONE_AUDIO, post(start_phone_audio))
        .route(route::PHONE_INVITATION, get(get_invitation))
        .route(route::PHONE_CALL, get(get_conversation))
        .route(route::PHONE_AUDIO, get(get_phone_audio))
        .route(route::HOLD_PHONE_AUDIO, post(hold))
        .route(route::RESUME_PHONE_AUDIO, post(resume))
        .route(route::STOP_PHONE_AUDIO, post(stop))
        .route(route::ADD_PHONE_AUDIO, post(add_phone_audio))
        .route(route::DECLINE_PHONE_INVITATION, post(ringing::decline))
        .route(
            route::REPLACE_WITH_PHONE_AUDIO,
            post(replace_with_phone_audio),
        )
}

async fn start_phone_audio(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let mut input: StartPhoneAudioPostBody = decode(&headers, &body)?;
    // `to` may come in the query, as the reference's table allows.
    if input.to.is_none() {
        input.to = crate::protocol::query_parameter(&query, "to").map(str::to_owned);
    }
    place_call(&state, &app, input)
}

/// replaceWithPhoneAudio on the scripted call's audioVideo: its audio goes to the user's
/// phone instead, a call via work to `to` as startPhoneAudio places one (the same checks and
/// answers), its phoneAudioInvitation at the 201's `Location`.
async fn replace_with_phone_audio(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    if conversation != paths::CALL_CONVERSATION {
        return Err(not_found());
    }
    let input: ReplaceWithPhoneAudioPostBody = decode(&headers, &body)?;
    let input = StartPhoneAudioPostBody {
        to: input.to,
        phone_number: input.phone_number,
        operation_id: input.operation_id,
        ..StartPhoneAudioPostBody::default()
    };
    place_call(&state, &app, input)
}

/// Places a call via work for `app` as `input` says, after the checks startPhoneAudio makes.
fn place_call(state: &Arc<State>, app: &Arc<App>, input: StartPhoneAudioPostBody) -> Answer {
    let id = app.id;
    let mut problems = Vec::new();
    if input.to.as_deref().is_none_or(|to| to.trim().is_empty()) {
        problems.push(("to", "required".to_owned()));
    }
    if input
        .subject
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SUBJECT)
    {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if input
        .operation_id
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_OPERATION_ID)
    {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    if let Some(number) = &input.phone_number
        && !is_phone_number(number)
    {
        problems.push((
            "phoneNumber",
            "digits, with a leading + for an E.164 number".to_owned(),
        ));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let phone_number = users_phone(app, input.phone_number)?;
    let to = input.to.unwrap_or_default().trim().to_owned();
    let placing = Placing {
        to_user: reaches_user(state, app, &to),
        to,
        phone_number: phone_number.map(|n| tel(&n)),
        subject: input.subject,
        importance: input.importance,
        operation_id: input.operation_id,
        thread_id: input.thread_id,
    };
    let now = state.clock.now();
    let number = {
        let mut calls = calls(app);
        let placed = calls.place(
            placing,
            &legs(state),
            now,
            state.config.limits.max_conversations,
        );
        let number = placed.map_err(|e| match e {
            PlaceError::SameOperation => {
                already_exists("A call with this operationId already exists.")
            }
            PlaceError::TooMany(max) => limit_exceeded(&format!(
                "This application has {max} calls already (`limits.max_conversations`)."
            )),
        })?;
        render::placed(app, number, &calls.calls[&number]);
        number
    };
    tick_until_settled(Arc::downgrade(state), id, number);
    Ok(created_at(&paths::phone_invitation(id, number)))
}

/// The user of the directory a call to `to` reaches as an incoming call: one who is not the
/// caller and who is signed in or has set forwarding rules. Anyone else is a simulated leg
/// ([`Legs`]).
fn reaches_user(state: &State, caller: &App, to: &str) -> Option<String> {
    let user = state
        .directory
        .find(to.strip_prefix("sip:").unwrap_or(to))?;
    if user.is(&caller.user.address) {
        return None;
    }
    let has_rules = lock(state.data.get::<crate::routing::Rules>())
        .0
        .contains_key(&user.address.to_lowercase());
    (has_rules || !state.apps.of(user).is_empty()).then(|| user.address.clone())
}

/// Whether `number` is what startPhoneAudio takes: digits, a leading `+` allowed, with an
/// optional `tel:` scheme; spaces and dashes are tolerated, as people write them.
fn is_phone_number(number: &str) -> bool {
    let digits = number.trim();
    let digits = digits.strip_prefix("tel:").unwrap_or(digits).trim();
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || " -".contains(c))
}

/// A number as a `tel:` URI without separators.
fn tel(number: &str) -> String {
    let bare = number.trim();
    let bare = bare.strip_prefix("tel:").unwrap_or(bare);
    let digits: String = bare
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// Moves call `number` of application `id` along the emulator's clock until its invitation
/// completes: the user's phone picks up, the far end decides. It looks at the clock every
/// [`TICK`], so that a test advancing the clock sees the call move at once; it stops when the
/// emulator or the application is gone.
fn tick_until_settled(state: Weak<State>, id: u64, number: u64) {
    tokio::spawn(async move {
        while !step(&state, id, number) {
            tokio::time::sleep(TICK).await;
        }
    });
}

/// One look at the clock for call `number` of application `id`, announcing what it passed;
/// whether the ticker is done (the call settled, or its emulator or application is gone).
fn step(state: &Weak<State>, id: u64, number: u64) -> bool {
    let Some(state) = state.upgrade() else {
        return true;
    };
    let Some(app) = state.apps.get(id) else {
        return true;
    };
    let now = state.clock.now();
    let mut ring_user = None;
    let done = {
        let mut calls = calls(&app);
        let Some(call) = calls.calls.get_mut(&number) else {
            return true;
        };
        for change in call.step(now) {
            match change {
                Change::Dialling => {
                    render::phone_audio_updated(&app, number, call);
                    if call.ring.is_none() {
                        ring_user.clone_from(&call.to_user);
                    }
                }
                Change::Connected => render::completed(&app, number, call, None),
                Change::Failed(reason) => render::completed(&app, number, call, Some(reason)),
                _ => {}
            }
        }
        // A call to a user is decided by its ring, which has its own ticker.
        call.invitation_done || call.to_user.is_some() && call.phase != Phase::RingingUser
    };
    if let Some(address) = ring_user {
        ring_callee(&state, &app, number, &address);
    }
    done
}

/// The far end of call `number` is the user at `address`: they are rung, their rules applied.
fn ring_callee(state: &Arc<State>, app: &App, number: u64, address: &str) {
    let Some(callee) = state.directory.find(address).cloned() else {
        return;
    };
    let placed = ringing::call_user(
        state,
        &callee,
        app.user.sip_uri(),
        Some(app.user.name.clone()),
        Some((app.id, number)),
    );
    let mut calls = calls(app);
    let Some(call) = calls.calls.get_mut(&number) else {
        return;
    };
    match placed {
        Ok(ring) => call.ring = Some(ring),
        Err(ringing::RingError::TooMany(_)) => {
            let why = super::incoming::reason(
                "ServiceFailure",
                "LimitExceeded",
                "Too many calls to users are being decided.",
            );
            if let Some(Change::Failed(why)) = call.settle(Err(why)) {
                render::completed(app, number, call, Some(why));
            }
        }
    }
}

/// The application `id` and its call `number`, or 404.
fn call_at(state: &State, id: u64, number: u64) -> Result<Arc<App>, Refusal> {
    let app = application_at(state, id)?;
    if !calls(&app).calls.contains_key(&number) {
        return Err(not_found());
    }
    Ok(app)
}

/// The call `number` of application `id`, rendered under the one lock that finds it (a call
/// that ends between a check and a read would otherwise be missing when read); 404 without it.
fn render_call<R>(
    state: &State,
    id: u64,
    number: u64,
    render: fn(u64, u64, &PhoneCall) -> R,
) -> Result<R, Refusal> {
    let app = application_at(state, id)?;
    let calls = calls(&app);
    let call = calls.calls.get(&number).ok_or_else(not_found)?;
    Ok(render(id, number, call))
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let invitation = render_call(&state, id, number, render::invitation)?;
    Ok(payload(format, StatusCode::OK, &invitation))
}

async fn get_conversation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let conversation = render_call(&state, id, number, render::conversation)?;
    Ok(payload(format, StatusCode::OK, &conversation))
}

async fn get_phone_audio(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let phone_audio = render_call(&state, id, number, render::phone_audio)?;
    Ok(payload(format, StatusCode::OK, &phone_audio))
}

/// A request on a call in the wrong state: 409, as the reference's table for these operations
/// has it (`Conflict`, no subcode).
fn not_now(why: NotNow) -> Refusal {
    let message = match why {
        NotNow::NotConnected => "The call is not in a state that allows this.",
        NotNow::Ended => "The call is over.",
    };
    Refusal::with(StatusCode::CONFLICT, "Conflict", None, message)
}

async fn hold(Extract(state): Extract<Shared>, Path((id, number)): Path<(u64, u64)>) -> Answer {
    let app = call_at(&state, id, number)?;
    let mut calls = calls(&app);
    let call = calls.calls.get_mut(&number).ok_or_else(not_found)?;
    call.hold().map_err(not_now)?;
    render::phone_audio_updated(&app, number, call);
    Ok(no_content())
}

async fn resume(Extract(state): Extract<Shared>, Path((id, number)): Path<(u64, u64)>) -> Answer {
    let app = call_at(&state, id, number)?;
    let mut calls = calls(&app);
    let call = calls.calls.get_mut(&number).ok_or_else(not_found)?;
    call.resume().map_err(not_now)?;
    render::phone_audio_updated(&app, number, call);
    Ok(no_content())
}

async fn stop(Extract(state): Extract<Shared>, Path((id, number)): Path<(u64, u64)>) -> Answer {
    let app = call_at(&state, id, number)?;
    let ring = {
        let mut calls = calls(&app);
        let call = calls.calls.get_mut(&number).ok_or_else(not_found)?;
        match call.stop().map_err(not_now)? {
            Change::Stopped {
                before_connecting: true,
            } => render::completed(&app, number, call, Some(render::cancelled())),
            _ => render::ended(&app, number, call),
        }
        call.ring.take()
    };
    // A call to a user stopped before it was answered: their phones stop ringing.
    if let Some(ring) = ring {
        ringing::cancel(&state, ring);
    }
    Ok(no_content())
}

/// addPhoneAudio: rings the user's phone and the same party again in this conversation, once
/// its earlier call is over. A conversation carries one phone-audio call at a time: while one
/// is live, 409 `AlreadyExists`.
async fn add_phone_audio(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = call_at(&state, id, number)?;
    let input: AddPhoneAudioPostBody = decode_or_default(&headers, &body)?;
    if let Some(phone) = &input.phone_number
        && !is_phone_number(phone)
    {
        return Err(invalid_parameters(&[(
            "phoneNumber",
            "digits, with a leading + for an E.164 number".to_owned(),
        )]));
    }
    {
        let mut calls = calls(&app);
        let redialled = calls.redial(
            number,
            &legs(&state),
            state.clock.now(),
            input.phone_number.as_deref().map(tel),
        );
        if redialled.is_none() {
            return Err(already_exists(
                "This conversation already has a phone-audio call.",
            ));
        }
        render::phone_audio_updated(&app, number, &calls.calls[&number]);
    }
    tick_until_settled(Arc::downgrade(&state), id, number);
    Ok(created_at(&paths::phone_invitation(id, number)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_and_written_as_tel_uris() {
        assert!(is_phone_number("+14255551234"));
        assert!(is_phone_number("tel:+1 425-555-1234"));
        assert!(!is_phone_number("call me"));
        assert!(!is_phone_number("+"));
        assert_eq!(tel("tel:+1 425-555-1234"), "tel:+14255551234");
    }
}
