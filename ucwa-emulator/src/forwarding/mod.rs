//! Call forwarding: `me`'s `callForwardingSettings`, embedding `immediateForwardSettings`,
//! `simultaneousRingSettings` and `unansweredCallSettings`, with their operations (forward
//! immediately to a contact, the delegates or voicemail; ring a contact, the delegates or the
//! team at the same time; send unanswered calls to voicemail or a contact, or reset that;
//! turnOffCallForwarding).
//!
//! The settings are the user's, shared by all their applications; each change is announced to
//! every one of them (`updated` callForwardingSettings, from `me`). Where the reference is
//! silent, as the emulator chooses:
//! - `activeSetting` is `ImmediateForward` or `SimultaneousRing`, and absent when forwarding
//!   is off; `unansweredCallHandling` is `Enabled` once unanswered calls have a target, and
//!   `Disabled` after a reset;
//! - a part's `target` names the contact or number, or the mode (`Delegates`, `Team`,
//!   `Voicemail`);
//! - out of range (`target` empty or over 80 characters, `ringDelay` outside 5–60 s for
//!   unanswered calls and 0–55 s for delegates and team): 400 `ParameterValidationFailure`
//!   naming the parameter, and nothing changes.
//!
//! [`model`] holds the settings and their checks, [`render`] the resources and the event,
//! [`mod@routes`] the handlers.

mod model;
mod render;
mod routes;

pub(crate) use routes::routes;

/// What `me` gains from forwarding: the `callForwardingSettings` link.
pub(crate) fn extend_me(app: u64, me: &mut ucwa::resources::Me) {
    me.links.call_forwarding_settings = Some(ucwa::Link::to(crate::paths::forwarding(app)));
}
