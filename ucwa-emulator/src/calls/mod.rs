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
//!
//! Calls to a user of the directory ([`ringing`]): made to arrive by
//! [`crate::Faults::incoming_call`], or placed by another signed-in user with startPhoneAudio
//! to them (a user who is signed in or has set forwarding rules; anyone else is a simulated
//! leg). The callee's forwarding rules apply ([`incoming`] says in what order); each of their
//! applications that advertised phone audio hears an incoming phoneAudioInvitation (`started`,
//! direction `Incoming`, its caller embedded as `from`) with its conversation and phoneAudio.
//! As the reference says, the API does not accept it: the user's phone does, when it picks up
//! (the [`crate::Legs`] rule of the phone advertised, after the ring delay); `decline` (with
//! `reason` `Global` on every device, else here only) works while it rings. Where the
//! reference is silent, as the emulator chooses, with subcodes of the reference's list:
//! - a connected invitation names who answered as `acceptedByParticipant`: the callee, the
//!   contact or number calls were forwarded to, `sip:delegates@<domain>` or
//!   `sip:team@<domain>`, or the callee's voicemail (`sip:<address>;opaque=app:voicemail`,
//!   as Lync names it), which answers a call forwarded to voicemail: so a call to a user who
//!   forwards to voicemail connects, and its caller sees who took it;
//! - the callee's invitations that did not connect complete with `Failure`: `Declined`,
//!   `ConnectedElsewhere` (another device answered), `Redirected` (a party rung at the same
//!   time answered), `Missed` (unanswered-call handling took it), `Canceled` (the caller hung
//!   up); the caller's fails `Declined` once every device declined;
//! - at most [`crate::Limits::max_conversations`] calls to users are decided at once.
//!
//! [`model`] holds the calls and their transitions (tested without HTTP), [`render`] the
//! resources and events, [`mod@routes`] the handlers and the ticker that moves a ringing call
//! along the clock.

mod av_session;
mod escalation;
mod incoming;
mod incoming_av;
mod model;
mod render;
mod ringing;
mod routes;

pub(crate) use av_session::far_end_renegotiates;
pub(crate) use escalation::{announce, participant_of, routes as escalation_routes};
pub(crate) use incoming_av::{
    call_user as call_user_with_audio_video, routes as audio_video_routes,
};
pub(crate) use ringing::{RingError, call_user};
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
    communication.links.start_audio_video = Some(ucwa::Link::to(crate::paths::in_communication(
        app,
        "startAudioVideo",
    )));
    let modalities = communication
        .supported_modalities
        .get_or_insert_with(Vec::new);
    if !modalities.contains(&ucwa::enumerations::ModalityType::PhoneAudio) {
        modalities.push(ucwa::enumerations::ModalityType::PhoneAudio);
    }
}
