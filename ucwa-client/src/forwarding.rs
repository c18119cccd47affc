//! Call forwarding: read the user's settings as one typed value ([`ForwardingSettings`]),
//! forward calls immediately (to a contact, the delegates, voicemail), ring others at the same
//! time (a contact, the delegates, the team), say where unanswered calls go, turn forwarding
//! off. Each change comes back on the event channel ([`ForwardingSettings::from_event`]).
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa_client::forwarding::Forward;
//!
//! let forwarding = session.forwarding();
//! let settings = forwarding.read().await?;
//! settings.forward_to_contact("sip:ann@contoso.com").await?;
//! assert_eq!(
//!     forwarding.read().await?.forward,
//!     Forward::ToContact("sip:ann@contoso.com".into())
//! );
//! forwarding.read().await?.turn_off().await?;
//! # Ok(()) }
//! ```
//!
//! [`ForwardingHandle`] finds `callForwardingSettings` in the `me` of the application in use
//! when it is called; each change is made through the links of the settings as read.

use ucwa::enumerations::UnansweredCallHandling;
use ucwa::events::Event;
use ucwa::operations::{
    CallForwardingSettingsGet, CallForwardingSettingsGetError, ImmediateForwardToContactPost,
    ImmediateForwardToContactPostBody, ImmediateForwardToContactPostError,
    ImmediateForwardToContactPostQuery, ImmediateForwardToDelegatesPost,
    ImmediateForwardToDelegatesPostError, ImmediateForwardToVoicemailPost,
    ImmediateForwardToVoicemailPostError, ResetUnansweredCallSettingsPost,
    ResetUnansweredCallSettingsPostError, SimultaneousRingToContactPost,
    SimultaneousRingToContactPostBody, SimultaneousRingToContactPostError,
    SimultaneousRingToContactPostQuery, SimultaneousRingToDelegatesPost,
    SimultaneousRingToDelegatesPostBody, SimultaneousRingToDelegatesPostError,
    SimultaneousRingToDelegatesPostQuery, SimultaneousRingToTeamPost,
    SimultaneousRingToTeamPostBody, SimultaneousRingToTeamPostError,
    SimultaneousRingToTeamPostQuery, TurnOffCallForwardingPost, TurnOffCallForwardingPostError,
    UnansweredCallToContactPost, UnansweredCallToContactPostBody, UnansweredCallToContactPostError,
    UnansweredCallToContactPostQuery, UnansweredCallToVoicemailPost,
    UnansweredCallToVoicemailPostBody, UnansweredCallToVoicemailPostError,
    UnansweredCallToVoicemailPostQuery,
};
use ucwa::resources::{AnyResource, Application, CallForwardingSettings};

use crate::link::required;
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// Where calls go besides, or instead of, the user's own endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Forward {
    /// Calls ring the user only.
    Off,
    /// Forwarded at once to a contact or number.
    ToContact(String),
    /// Forwarded at once to the user's delegates.
    ToDelegates,
    /// Forwarded at once to voicemail.
    ToVoicemail,
    /// A contact or number rings at the same time as the user.
    RingContact(String),
    /// The delegates ring too, after this many seconds.
    RingDelegates(Option<i64>),
    /// The team rings too, after this many seconds.
    RingTeam(Option<i64>),
    /// A setting this client does not know, as the server named it.
    Other(String),
}

/// Where calls nobody answers go.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unanswered {
    /// The server's default (unanswered-call handling disabled).
    Default,
    /// To voicemail, after this many seconds.
    Voicemail(Option<i64>),
    /// To a contact or number, after this many seconds.
    Contact(String, Option<i64>),
}

// How the settings name the modes whose target is not a contact.
const DELEGATES: &str = "Delegates";
const TEAM: &str = "Team";
const VOICEMAIL: &str = "Voicemail";

/// The user's call forwarding settings, as read, typed; with the requests that change them.
#[derive(Clone, Debug)]
pub struct ForwardingSettings {
    /// Where calls go.
    pub forward: Forward,
    /// Where unanswered calls go.
    pub unanswered: Unanswered,
    resource: CallForwardingSettings,
    client: Option<Client>,
}

impl PartialEq for ForwardingSettings {
    fn eq(&self, other: &Self) -> bool {
        self.forward == other.forward && self.unanswered == other.unanswered
    }
}

impl ForwardingSettings {
    /// The typed value of `resource`.
    pub fn from_resource(resource: &CallForwardingSettings) -> Self {
        let immediate = resource.embedded.immediate_forward_settings.as_deref();
        let simultaneous = resource.embedded.simultaneous_ring_settings.as_deref();
        let target = |t: Option<&String>| t.cloned().unwrap_or_default();
        let forward = match resource.active_setting.as_deref() {
            None | Some("") => Forward::Off,
            Some("ImmediateForward") => match immediate.and_then(|i| i.target.as_deref()) {
                Some(DELEGATES) => Forward::ToDelegates,
                Some(VOICEMAIL) => Forward::ToVoicemail,
                _ => Forward::ToContact(target(immediate.and_then(|i| i.target.as_ref()))),
            },
            Some("SimultaneousRing") => {
                let delay = simultaneous.and_then(|s| s.ring_delay);
                match simultaneous.and_then(|s| s.target.as_deref()) {
                    Some(DELEGATES) => Forward::RingDelegates(delay),
                    Some(TEAM) => Forward::RingTeam(delay),
                    _ => Forward::RingContact(target(simultaneous.and_then(|s| s.target.as_ref()))),
                }
            }
            Some(other) => Forward::Other(other.to_owned()),
        };
        let unanswered_part = resource.embedded.unanswered_call_settings.as_deref();
        let unanswered = match (
            &resource.unanswered_call_handling,
            unanswered_part.and_then(|u| u.target.as_deref()),
        ) {
            (Some(UnansweredCallHandling::Enabled), Some(VOICEMAIL)) => {
                Unanswered::Voicemail(unanswered_part.and_then(|u| u.ring_delay))
            }
            (Some(UnansweredCallHandling::Enabled), Some(contact)) => Unanswered::Contact(
                contact.to_owned(),
                unanswered_part.and_then(|u| u.ring_delay),
            ),
            _ => Unanswered::Default,
        };
        ForwardingSettings {
            forward,
            unanswered,
            resource: resource.clone(),
            client: None,
        }
    }

    /// The settings an `updated` callForwardingSettings event carries, if it is one. Its
    /// requests answer a missing `self` link: read the settings ([`ForwardingHandle::read`])
    /// to change them.
    pub fn from_event(event: &Event<AnyResource>) -> Option<Self> {
        match event.resource.as_ref()? {
            AnyResource::CallForwardingSettings(settings) => Some(Self::from_resource(settings)),
            _ => None,
        }
    }

    /// The resource as read.
    pub fn resource(&self) -> &CallForwardingSettings {
        &self.resource
    }

    fn client(&self) -> Result<&Client, crate::link::MissingLink> {
        // An event's value has no client: its links are not followed from it.
        self.client.as_ref().ok_or(crate::link::MissingLink {
            resource: "callForwardingSettings",
            rel: "self",
        })
    }

    /// Forwards calls at once to `target` (a SIP URI or `tel:` number, at most 80
    /// characters).
    pub async fn forward_to_contact(
        &self,
        target: &str,
    ) -> Result<(), ClientError<ImmediateForwardToContactPostError>> {
        let part = self.resource.embedded.immediate_forward_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.immediate_forward_to_contact.as_ref()),
            "immediateForwardSettings",
            "immediateForwardToContact",
        )?;
        let query = ImmediateForwardToContactPostQuery {
            target: target.to_owned(),
        };
        let body = ImmediateForwardToContactPostBody {
            target: Some(target.to_owned()),
            ..Default::default()
        };
        self.client()?
            .call(|o, f| ImmediateForwardToContactPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Forwards calls at once to the user's delegates.
    pub async fn forward_to_delegates(
        &self,
    ) -> Result<(), ClientError<ImmediateForwardToDelegatesPostError>> {
        let part = self.resource.embedded.immediate_forward_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.immediate_forward_to_delegates.as_ref()),
            "immediateForwardSettings",
            "immediateForwardToDelegates",
        )?;
        self.client()?
            .call(|o, f| ImmediateForwardToDelegatesPost::request(o, &link, f))
            .await
    }

    /// Forwards calls at once to voicemail.
    pub async fn forward_to_voicemail(
        &self,
    ) -> Result<(), ClientError<ImmediateForwardToVoicemailPostError>> {
        let part = self.resource.embedded.immediate_forward_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.immediate_forward_to_voicemail.as_ref()),
            "immediateForwardSettings",
            "immediateForwardToVoicemail",
        )?;
        self.client()?
            .call(|o, f| ImmediateForwardToVoicemailPost::request(o, &link, f))
            .await
    }

    /// Rings `target` at the same time as the user.
    pub async fn ring_contact(
        &self,
        target: &str,
    ) -> Result<(), ClientError<SimultaneousRingToContactPostError>> {
        let part = self.resource.embedded.simultaneous_ring_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.simultaneous_ring_to_contact.as_ref()),
            "simultaneousRingSettings",
            "simultaneousRingToContact",
        )?;
        let query = SimultaneousRingToContactPostQuery {
            target: target.to_owned(),
        };
        let body = SimultaneousRingToContactPostBody {
            target: Some(target.to_owned()),
            ..Default::default()
        };
        self.client()?
            .call(|o, f| SimultaneousRingToContactPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Rings the delegates too, after `ring_delay` seconds (0 to 55).
    pub async fn ring_delegates(
        &self,
        ring_delay: Option<i64>,
    ) -> Result<(), ClientError<SimultaneousRingToDelegatesPostError>> {
        let part = self.resource.embedded.simultaneous_ring_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.simultaneous_ring_to_delegates.as_ref()),
            "simultaneousRingSettings",
            "simultaneousRingToDelegates",
        )?;
        let query = SimultaneousRingToDelegatesPostQuery::default();
        let body = SimultaneousRingToDelegatesPostBody {
            ring_delay,
            ..Default::default()
        };
        self.client()?
            .call(|o, f| SimultaneousRingToDelegatesPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Rings the team too, after `ring_delay` seconds (0 to 55).
    pub async fn ring_team(
        &self,
        ring_delay: Option<i64>,
    ) -> Result<(), ClientError<SimultaneousRingToTeamPostError>> {
        let part = self.resource.embedded.simultaneous_ring_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.simultaneous_ring_to_team.as_ref()),
            "simultaneousRingSettings",
            "simultaneousRingToTeam",
        )?;
        let query = SimultaneousRingToTeamPostQuery::default();
        let body = SimultaneousRingToTeamPostBody {
            ring_delay,
            ..Default::default()
        };
        self.client()?
            .call(|o, f| SimultaneousRingToTeamPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Sends unanswered calls to voicemail after `ring_delay` seconds (5 to 60).
    pub async fn unanswered_to_voicemail(
        &self,
        ring_delay: Option<i64>,
    ) -> Result<(), ClientError<UnansweredCallToVoicemailPostError>> {
        let part = self.resource.embedded.unanswered_call_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.unanswered_call_to_voicemail.as_ref()),
            "unansweredCallSettings",
            "unansweredCallToVoicemail",
        )?;
        let query = UnansweredCallToVoicemailPostQuery::default();
        let body = UnansweredCallToVoicemailPostBody {
            ring_delay,
            ..Default::default()
        };
        self.client()?
            .call(|o, f| UnansweredCallToVoicemailPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Sends unanswered calls to `target` after `ring_delay` seconds (5 to 60).
    pub async fn unanswered_to_contact(
        &self,
        target: &str,
        ring_delay: Option<i64>,
    ) -> Result<(), ClientError<UnansweredCallToContactPostError>> {
        let part = self.resource.embedded.unanswered_call_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.unanswered_call_to_contact.as_ref()),
            "unansweredCallSettings",
            "unansweredCallToContact",
        )?;
        let query = UnansweredCallToContactPostQuery {
            target: target.to_owned(),
            ..Default::default()
        };
        let body = UnansweredCallToContactPostBody {
            target: Some(target.to_owned()),
            ring_delay,
            ..Default::default()
        };
        self.client()?
            .call(|o, f| UnansweredCallToContactPost::request(o, &link, &query, &body, f))
            .await
    }

    /// Gives unanswered calls back to the server's default.
    pub async fn reset_unanswered(
        &self,
    ) -> Result<(), ClientError<ResetUnansweredCallSettingsPostError>> {
        let part = self.resource.embedded.unanswered_call_settings.as_deref();
        let link = required(
            part.and_then(|p| p.links.reset_unanswered_call_settings.as_ref()),
            "unansweredCallSettings",
            "resetUnansweredCallSettings",
        )?;
        self.client()?
            .call(|o, f| ResetUnansweredCallSettingsPost::request(o, &link, f))
            .await
    }

    /// Turns forwarding off: calls ring the user only.
    pub async fn turn_off(&self) -> Result<(), ClientError<TurnOffCallForwardingPostError>> {
        let link = required(
            self.resource.links.turn_off_call_forwarding.as_ref(),
            "callForwardingSettings",
            "turnOffCallForwarding",
        )?;
        self.client()?
            .call(|o, f| TurnOffCallForwardingPost::request(o, &link, f))
            .await
    }
}

/// Call forwarding of an application's user. Cheap to make and to clone; it reads the
/// application in use at each call.
#[derive(Clone, Debug)]
pub struct ForwardingHandle {
    source: Source,
}

impl Client {
    /// Call forwarding from `application` (its embedded `me`).
    pub fn forwarding(&self, application: &Application) -> ForwardingHandle {
        ForwardingHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// Call forwarding from the application the session holds at each call
    /// ([`crate::forwarding`]).
    pub fn forwarding(&self) -> ForwardingHandle {
        ForwardingHandle {
            source: self.source(),
        }
    }
}

impl ForwardingHandle {
    /// The settings, read now, typed, with the requests that change them.
    pub async fn read(
        &self,
    ) -> Result<ForwardingSettings, ClientError<CallForwardingSettingsGetError>> {
        let current = self.source.current();
        let me = current.application.embedded.me.as_deref();
        let link = required(
            me.and_then(|m| m.links.call_forwarding_settings.as_ref()),
            "me",
            "callForwardingSettings",
        )?;
        let resource = current
            .client
            .call(|o, f| CallForwardingSettingsGet::request(o, &link, f))
            .await?;
        let mut settings = ForwardingSettings::from_resource(&resource);
        settings.client = Some(current.client);
        Ok(settings)
    }
}
