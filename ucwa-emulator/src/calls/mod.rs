//! Calls: the scripted audio/video call and its escalation ([`escalation`]), and phone audio
//! ("call via work"): `communication`'s `startPhoneAudio`, the `phoneAudioInvitation` it starts,
//! the call's `conversation` and `phoneAudio` (holdPhoneAudio, resumePhoneAudio,
//! stopPhoneAudio, addPhoneAudio).
//!
//! A call via work rings the user's own phone (the `phoneNumber` given, else the one from
//! makeMeAvailable) and then the called party, whose behaviour is simulated
//! ([`crate::Legs`]): it answers, is busy, declines or does not answer, after the ring and
//! connect delays, on the emulator's clock. Where the reference is silent, as real servers do:
//! - the invitation is `started`, the conversation `added` and its phoneAudio `added`
//!   (`Connecting`) when the call is placed; the phoneAudio is `updated` when the user's phone
//!   picks up and the far end is dialled;
//! - the invitation `completed` says how it ended: `Success`, or `Failure` with the reason
//!   (`RemoteFailure`/`Busy`, `RemoteFailure`/`Declined`, `Timeout`/`Timeout` for a call
//!   nobody answers, `LocalFailure` when the user stops it first), followed by the phoneAudio
//!   and the conversation `updated` to what the call became;
//! - a connected call offers `holdPhoneAudio`, a held one `resumePhoneAudio` (the phoneAudio's
//!   state stays `Connected`: `CallState` has no held state), a live one `stopPhoneAudio`;
//!   each change is a phoneAudio `updated`; a request in the wrong state answers 409
//!   `Conflict`;
//! - each call is its own conversation (its own hrefs, apart from instant messaging's), which
//!   carries one phone-audio call at a time: addPhoneAudio dials again once the earlier call
//!   is over, and answers 409 `AlreadyExists` while it is live;
//! - startPhoneAudio needs phone audio among the capabilities makeMeAvailable listed (403
//!   `Forbidden` otherwise, as the reference says); the user's phone is the call's
//!   `phoneNumber`, else makeMeAvailable's, else the call is refused (400
//!   `ParameterValidationFailure` naming `phoneNumber`: there is no phone to ring). An
//!   application the configuration made available without makeMeAvailable has every
//!   capability;
//! - `operationId` is kept: a second call with the same one answers 409 `AlreadyExists`; an
//!   application holds at most [`crate::Limits::max_conversations`] calls (403
//!   `LimitExceeded`).
//!
//! [`model`] holds the calls and their transitions (tested without HTTP), [`render`] the
//! resources and events, [`mod@routes`] the handlers and the ticker that moves a ringing call
//! along the clock.

mod escalation;
mod model;
mod render;
mod routes;

pub(crate) use escalation::{announce, participant_of, routes as escalation_routes};
pub(crate) use routes::{made_available, routes, set_leg_delays, set_leg_outcome};

use crate::state::App;

/// How many escalations an application keeps (for [`crate::Stats`]).
pub(crate) fn escalations(app: &App) -> usize {
    escalation::count(app)
}

/// What `communication` gains from calls: the `startPhoneAudio` operation.
pub(crate) fn extend_communication(app: u64, communication: &mut ucwa::resources::Communication) {
    communication.links.start_phone_audio = Some(ucwa::Link::to(crate::paths::in_communication(
        app,
        "startPhoneAudio",
    )));
    let modalities = communication
        .supported_modalities
        .get_or_insert_with(Vec::new);
    if !modalities.contains(&ucwa::enumerations::ModalityType::PhoneAudio) {
        modalities.push(ucwa::enumerations::ModalityType::PhoneAudio);
    }
}
