//! The forwarding settings as resources, and the event that announces a change.

use std::sync::Arc;

use ucwa::Link;
use ucwa::enumerations::{ActivePeriod, UnansweredCallHandling};
use ucwa::events::EventType;
use ucwa::resources::{
    AnyResource, CallForwardingSettings, ImmediateForwardSettings, SimultaneousRingSettings,
    UnansweredCallSettings,
};

use crate::channel::{Queued, with_resource};
use crate::paths;
use crate::state::App;

use super::model::{Forward, Settings, Unanswered};

/// The names of the parts, as their hrefs and rels spell them.
pub(super) const IMMEDIATE: &str = "immediateForwardSettings";
pub(super) const SIMULTANEOUS: &str = "simultaneousRingSettings";
pub(super) const UNANSWERED: &str = "unansweredCallSettings";

/// The target the emulator shows for delegates, the team and voicemail, where the reference
/// shows only a contact's: the names of those modes.
const DELEGATES: &str = "Delegates";
const TEAM: &str = "Team";
const VOICEMAIL: &str = "Voicemail";

pub(super) fn immediate(app: u64, settings: &Settings) -> ImmediateForwardSettings {
    let target = match &settings.forward {
        Forward::ToContact(target) => Some(target.clone()),
        Forward::ToDelegates => Some(DELEGATES.to_owned()),
        Forward::ToVoicemail => Some(VOICEMAIL.to_owned()),
        _ => None,
    };
    let mut part = ImmediateForwardSettings {
        target,
        ..ImmediateForwardSettings::default()
    };
    let op = |rel| paths::forwarding_operation(app, IMMEDIATE, rel);
    part.links.self_ = Some(Link::to(paths::in_forwarding(app, IMMEDIATE)));
    part.links.immediate_forward_to_contact = Some(Link::to(op("immediateForwardToContact")));
    part.links.immediate_forward_to_delegates = Some(Link::to(op("immediateForwardToDelegates")));
    part.links.immediate_forward_to_voicemail = Some(Link::to(op("immediateForwardToVoicemail")));
    part
}

pub(super) fn simultaneous(app: u64, settings: &Settings) -> SimultaneousRingSettings {
    let (target, ring_delay) = match &settings.forward {
        Forward::RingContact(target) => (Some(target.clone()), None),
        Forward::RingDelegates(delay) => (Some(DELEGATES.to_owned()), Some(*delay)),
        Forward::RingTeam(delay) => (Some(TEAM.to_owned()), Some(*delay)),
        _ => (None, None),
    };
    let mut part = SimultaneousRingSettings {
        target,
        ring_delay,
        ..SimultaneousRingSettings::default()
    };
    let op = |rel| paths::forwarding_operation(app, SIMULTANEOUS, rel);
    part.links.self_ = Some(Link::to(paths::in_forwarding(app, SIMULTANEOUS)));
    part.links.simultaneous_ring_to_contact = Some(Link::to(op("simultaneousRingToContact")));
    part.links.simultaneous_ring_to_delegates = Some(Link::to(op("simultaneousRingToDelegates")));
    part.links.simultaneous_ring_to_team = Some(Link::to(op("simultaneousRingToTeam")));
    part
}

pub(super) fn unanswered(app: u64, settings: &Settings) -> UnansweredCallSettings {
    let (target, ring_delay) = match &settings.unanswered {
        Unanswered::Default => (None, None),
        Unanswered::Voicemail(delay) => (Some(VOICEMAIL.to_owned()), Some(*delay)),
        Unanswered::Contact(target, delay) => (Some(target.clone()), Some(*delay)),
    };
    let mut part = UnansweredCallSettings {
        target,
        ring_delay,
        ..UnansweredCallSettings::default()
    };
    let op = |rel| paths::forwarding_operation(app, UNANSWERED, rel);
    part.links.self_ = Some(Link::to(paths::in_forwarding(app, UNANSWERED)));
    part.links.unanswered_call_to_contact = Some(Link::to(op("unansweredCallToContact")));
    part.links.unanswered_call_to_voicemail = Some(Link::to(op("unansweredCallToVoicemail")));
    part.links.reset_unanswered_call_settings = Some(Link::to(op("resetUnansweredCallSettings")));
    part
}

/// The whole settings, with their three parts embedded.
pub(super) fn settings(app: u64, settings: &Settings) -> CallForwardingSettings {
    let active_setting = match settings.forward {
        Forward::Off => None,
        Forward::ToContact(_) | Forward::ToDelegates | Forward::ToVoicemail => {
            Some("ImmediateForward".to_owned())
        }
        _ => Some("SimultaneousRing".to_owned()),
    };
    let handling = if settings.unanswered == Unanswered::Default {
        UnansweredCallHandling::Disabled
    } else {
        UnansweredCallHandling::Enabled
    };
    let mut resource = CallForwardingSettings {
        active_period: Some(ActivePeriod::Always),
        active_setting,
        unanswered_call_handling: Some(handling),
        ..CallForwardingSettings::default()
    };
    resource.links.self_ = Some(Link::to(paths::forwarding(app)));
    resource.links.turn_off_call_forwarding =
        Some(Link::to(paths::in_forwarding(app, "turnOffCallForwarding")));
    resource.embedded.immediate_forward_settings = Some(Box::new(immediate(app, settings)));
    resource.embedded.simultaneous_ring_settings = Some(Box::new(simultaneous(app, settings)));
    resource.embedded.unanswered_call_settings = Some(Box::new(unanswered(app, settings)));
    resource
}

/// Tells `app` that the settings changed: `updated` callForwardingSettings from `me`, the
/// settings embedded (the reference lists no event for them; real servers announce a change
/// of what `me` links to from `me`, as they do presence and note).
pub(super) fn changed(app: &App, settings: &Settings) {
    let event = with_resource(
        EventType::Updated,
        "callForwardingSettings",
        Link::new(paths::forwarding(app.id)),
        AnyResource::CallForwardingSettings(Box::new(self::settings(app.id, settings))),
    );
    app.channel
        .push(Arc::new(Queued::new("me", &paths::me(app.id), event)));
}
