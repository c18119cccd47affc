//! Incoming audio/video invitations ([`crate::Faults::incoming_audio_video`]): each
//! application of the user that is available hears an audioVideoInvitation `started`
//! (direction `Incoming`, the caller embedded as `from`, the caller's offer as `mediaOffer`),
//! which it accepts with its SDP answer (`acceptWithAnswer`, an `application/sdp` body), on
//! its phone (`acceptWithPhoneAudio`, offered when it advertised phone audio) or declines
//! (`decline`). Where the reference is silent, as the emulator chooses: the invitation
//! completes `Success` when accepted (the user's other applications' with `Failure`,
//! `ConnectedElsewhere`), `Failure` `Declined` when declined; a request on an invitation no
//! longer ringing answers 409 `Conflict`.
//!
//! Outgoing ones too: `startAudioVideo` (`to` and the caller's offer as the body's `mediaOffer`
//! link; 400 `ParameterValidationFailure` without them) answers 201 with the invitation's
//! `Location`, announces it `started`, and the far end, a simulated leg ([`crate::Legs`]),
//! decides at once: it answers (the negotiation `updated` with the canned SDP answer, readable
//! at the invitation's `audioVideoNegotiation`, then the invitation `completed` `Success`), or
//! the invitation completes with the leg's failure (`Busy`, `Declined`, `Timeout`).

use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::{Direction, Importance, InvitationState};
use ucwa::events::EventType;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::StartAudioVideoPostBody;
use ucwa::resources::{AnyResource, AudioVideoInvitation, Participant};
use ucwa::{DataUri, ErrorBody, Link, Uri};

use crate::channel::{Queued, with_resource};
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at, available_at};
use crate::lock::lock;
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, created_at, decode, invalid_parameters, limit_exceeded, no_content,
    not_found, payload, sdp_offer,
};
use crate::state::{App, State};

use super::escalation::{negotiation, negotiation_updated};
use super::incoming::{declined, reason};
use super::model::failure;
use super::routes::{legs, phone_of};

/// One application's incoming audio/video invitations, by number (in its slots).
#[derive(Default)]
struct Invitations {
    all: BTreeMap<u64, Invitation>,
    next: u64,
}

#[derive(Clone)]
struct Invitation {
    resource: AudioVideoInvitation,
    /// The call this invitation is part of, across the user's applications.
    call: u64,
}

fn invitations(app: &App) -> MutexGuard<'_, Invitations> {
    lock(app.data.get::<Invitations>())
}

/// The numbers of the calls made so far, emulator-wide (in the emulator's slots).
#[derive(Default)]
struct CallNumbers(u64);

/// The routes of incoming audio/video invitations.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::AV_INVITATION, get(get_invitation))
        .route(
            route::AV_INVITATION_OPERATION,
            post(operate).get(get_negotiation),
        )
        .route(route::START_AUDIO_VIDEO, post(start))
}

/// An outgoing invitation's negotiation, once its far end answered.
async fn get_negotiation(
    Extract(state): Extract<Shared>,
    Path((id, number, operation)): Path<(u64, u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    if operation != "audioVideoNegotiation" {
        return Err(not_found());
    }
    let answered = invitations(&app).all.get(&number).and_then(|i| {
        (i.resource.direction == Some(Direction::Outgoing)
            && i.resource.state == Some(InvitationState::Connected))
        .then(|| i.resource.session_context.clone())
    });
    let context = answered.ok_or_else(not_found)?;
    let invitation = paths::av_invitation(id, number);
    Ok(payload(
        format,
        StatusCode::OK,
        &negotiation(&invitation, context),
    ))
}

/// startAudioVideo: an outgoing audio/video call with the caller's offer, decided at once by
/// its far end's leg.
async fn start(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = available_at(&state, id)?;
    let input: StartAudioVideoPostBody = decode(&headers, &body)?;
    let mut problems = Vec::new();
    let to = input.to.as_deref().map(str::trim).unwrap_or("");
    if to.is_empty() {
        problems.push(("to", "required".to_owned()));
    }
    let offer = input
        .links
        .media_offer
        .as_ref()
        .filter(|o| o.media_type().eq_ignore_ascii_case("application/sdp"))
        .and_then(|o| o.decode().ok())
        .filter(|o| !o.is_empty());
    if offer.is_none() {
        problems.push((
            "mediaOffer",
            "an application/sdp offer is required".to_owned(),
        ));
    }
    for (name, value, max) in [
        ("operationId", &input.operation_id, 50),
        ("subject", &input.subject, 250),
        ("sessionContext", &input.session_context, 50),
    ] {
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            problems.push((name, format!("at most {max} characters")));
        }
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let to = if to.contains(':') {
        to.to_owned()
    } else {
        format!("sip:{to}")
    };
    let outcome = legs(&state).outcome_for(&to);
    let max = state.config.limits.max_conversations;
    let invitation = {
        let mut mine = invitations(&app);
        if mine.all.len() >= max {
            return Err(limit_exceeded(&format!(
                "This application has {max} audio/video invitations already \
                 (`limits.max_conversations`)."
            )));
        }
        mine.next += 1;
        let number = mine.next;
        let mut resource = AudioVideoInvitation {
            direction: Some(Direction::Outgoing),
            importance: Some(input.importance.clone().unwrap_or(Importance::Normal)),
            state: Some(InvitationState::Connecting),
            to: Some(Uri::new(to)),
            operation_id: input.operation_id.clone(),
            subject: input.subject.clone(),
            session_context: Some(
                input
                    .session_context
                    .clone()
                    .unwrap_or_else(|| format!("{:032x}", 0xd_0000 + number)),
            ),
            thread_id: Some(format!("{:032x}", 0xe_0000 + number)),
            join_audio_muted: input.join_audio_muted,
            join_video_muted: input.join_video_muted,
            ..AudioVideoInvitation::default()
        };
        resource.links.self_ = Some(Link::to(paths::av_invitation(app.id, number)));
        resource.links.media_offer = input.links.media_offer.clone();
        let mut from = Participant {
            name: Some(app.user.name.clone()),
            uri: Some(Uri::new(app.user.sip_uri())),
            anonymous: Some(false),
            local: Some(true),
            ..Participant::default()
        };
        from.links.self_ = Some(Link::to(format!(
            "{}/from",
            paths::av_invitation(app.id, number)
        )));
        resource.links.from = from.links.self_.clone().map(Link::cast);
        resource.embedded.from = Some(Box::new(from));
        mine.all.insert(
            number,
            Invitation {
                resource: resource.clone(),
                call: 0,
            },
        );
        (number, resource)
    };
    let (number, resource) = invitation;
    announce(&app, &resource, EventType::Started, None);
    let href = paths::av_invitation(app.id, number);
    match failure(outcome) {
        None => {
            negotiation_updated(&app, negotiation(&href, resource.session_context.clone()));
            end(&app, number, Ok(()));
        }
        Some(why) => {
            end(&app, number, Err(why));
        }
    }
    Ok(created_at(&href))
}

/// Makes an audio/video call from `from` with `offer` arrive for `callee`: each of their
/// available applications hears an incoming invitation, at most `max` per application (one
/// more is not delivered to it). How many applications heard it.
pub(crate) fn call_user(
    state: &State,
    callee: &User,
    from: &str,
    offer: &[u8],
    max: usize,
) -> usize {
    let call = {
        let mut numbers = lock(state.data.get::<CallNumbers>());
        numbers.0 += 1;
        numbers.0
    };
    let mut rung = 0;
    for app in state.apps.of(callee) {
        if !app.is_available() {
            continue;
        }
        let takes_phone = phone_of(&app).is_some();
        let invitation = {
            let mut mine = invitations(&app);
            if mine.all.len() >= max {
                continue;
            }
            mine.next += 1;
            let number = mine.next;
            let resource = incoming(&app, number, callee, from, offer, takes_phone);
            mine.all.insert(
                number,
                Invitation {
                    resource: resource.clone(),
                    call,
                },
            );
            resource
        };
        announce(&app, &invitation, EventType::Started, None);
        rung += 1;
    }
    rung
}

fn incoming(
    app: &App,
    number: u64,
    callee: &User,
    from: &str,
    offer: &[u8],
    takes_phone: bool,
) -> AudioVideoInvitation {
    let mut invitation = AudioVideoInvitation {
        direction: Some(Direction::Incoming),
        importance: Some(Importance::Normal),
        state: Some(InvitationState::Connecting),
        to: Some(Uri::new(callee.sip_uri())),
        join_audio_muted: Some(false),
        join_video_muted: Some(false),
        private_line: Some(false),
        thread_id: Some(format!("{:032x}", 0xb_0000 + number)),
        session_context: Some(format!("{:032x}", 0xc_0000 + number)),
        ..AudioVideoInvitation::default()
    };
    let op = |rel| paths::in_av_invitation(app.id, number, rel);
    let links = &mut invitation.links;
    links.self_ = Some(Link::to(paths::av_invitation(app.id, number)));
    links.media_offer = DataUri::from_bytes("application/sdp", offer).ok();
    links.accept_with_answer = Some(Link::to(op("acceptWithAnswer")));
    if takes_phone {
        links.accept_with_phone_audio = Some(Link::to(op("acceptWithPhoneAudio")));
    }
    links.decline = Some(Link::to(op("decline")));
    let mut participant = Participant {
        name: Some(from.to_owned()),
        uri: Some(Uri::new(from)),
        anonymous: Some(false),
        local: Some(false),
        ..Participant::default()
    };
    participant.links.self_ = Some(Link::to(format!(
        "{}/from",
        paths::av_invitation(app.id, number)
    )));
    invitation.links.from = participant.links.self_.clone().map(Link::cast);
    invitation.embedded.from = Some(Box::new(participant));
    invitation
}

/// Pushes the invitation's event (`started`, or `completed` with its outcome).
fn announce(
    app: &App,
    invitation: &AudioVideoInvitation,
    kind: EventType,
    outcome: Option<Result<(), Box<ErrorBody>>>,
) {
    let mut event = with_resource(
        kind,
        "audioVideoInvitation",
        invitation.links.self_.clone().unwrap_or_default(),
        AnyResource::AudioVideoInvitation(Box::new(invitation.clone())),
    );
    if let Some(outcome) = outcome {
        event.status = Some(
            if outcome.is_ok() {
                "Success"
            } else {
                "Failure"
            }
            .to_owned(),
        );
        event.reason = outcome.err().map(|r| *r);
    }
    app.channel.push(Arc::new(Queued::new(
        "communication",
        &paths::communication(app.id),
        event,
    )));
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = invitations(&app)
        .all
        .get(&number)
        .map(|i| i.resource.clone());
    Ok(payload(
        format,
        StatusCode::OK,
        &found.ok_or_else(not_found)?,
    ))
}

/// Ends invitation `number` of `app` with `outcome`, if it still rings; the call it is part
/// of, or `None` when it no longer rang.
fn end(app: &App, number: u64, outcome: Result<(), Box<ErrorBody>>) -> Option<u64> {
    let (resource, call) = {
        let mut mine = invitations(app);
        let invitation = mine.all.get_mut(&number)?;
        if invitation.resource.state != Some(InvitationState::Connecting) {
            return None;
        }
        invitation.resource.state = Some(match &outcome {
            Ok(()) => InvitationState::Connected,
            Err(why) if why.subcode.as_deref() == Some("Declined") => InvitationState::Declined,
            Err(_) => InvitationState::Failed,
        });
        let links = &mut invitation.resource.links;
        links.accept_with_answer = None;
        links.accept_with_phone_audio = None;
        links.decline = None;
        (invitation.resource.clone(), invitation.call)
    };
    announce(app, &resource, EventType::Completed, Some(outcome));
    Some(call)
}

/// acceptWithAnswer (the answer as `application/sdp`), acceptWithPhoneAudio, decline.
async fn operate(
    Extract(state): Extract<Shared>,
    Path((id, number, operation)): Path<(u64, u64, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    if !invitations(&app).all.contains_key(&number) {
        return Err(not_found());
    }
    let conflict = || {
        Refusal::with(
            StatusCode::CONFLICT,
            "Conflict",
            None,
            "The invitation is not ringing.",
        )
    };
    let accepted = match operation.as_str() {
        "acceptWithAnswer" => {
            sdp_offer(&headers, &body)?;
            true
        }
        "acceptWithPhoneAudio" => {
            let offered = invitations(&app)
                .all
                .get(&number)
                .is_some_and(|i| i.resource.links.accept_with_phone_audio.is_some());
            if !offered {
                return Err(conflict());
            }
            true
        }
        "decline" => false,
        _ => return Err(not_found()),
    };
    let outcome = if accepted { Ok(()) } else { Err(declined()) };
    let call = end(&app, number, outcome).ok_or_else(conflict)?;
    if accepted {
        // The user's other applications stop ringing.
        for other in state.apps.of(&app.user) {
            if other.id == app.id {
                continue;
            }
            let numbers: Vec<u64> = invitations(&other)
                .all
                .iter()
                .filter(|(_, i)| i.call == call)
                .map(|(n, _)| *n)
                .collect();
            for n in numbers {
                end(
                    &other,
                    n,
                    Err(reason(
                        "Informational",
                        "ConnectedElsewhere",
                        "The call was answered on another device.",
                    )),
                );
            }
        }
    }
    Ok(no_content())
}
