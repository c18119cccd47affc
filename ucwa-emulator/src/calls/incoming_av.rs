//! Incoming audio/video invitations ([`crate::Faults::incoming_audio_video`]): each
//! application of the user that is available hears an audioVideoInvitation `started`
//! (direction `Incoming`, the caller embedded as `from`, the caller's offer as `mediaOffer`),
//! which it accepts with its SDP answer (`acceptWithAnswer`, an `application/sdp` body), on
//! its phone (`acceptWithPhoneAudio`, offered when it advertised phone audio) or declines
//! (`decline`). Where the reference is silent, as the emulator chooses: the invitation
//! completes `Success` when accepted (the user's other applications' with `Failure`,
//! `ConnectedElsewhere`), `Failure` `Declined` when declined; a request on an invitation no
//! longer ringing answers 409 `Conflict`.

use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::{Direction, Importance, InvitationState};
use ucwa::events::EventType;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::resources::{AnyResource, AudioVideoInvitation, Participant};
use ucwa::{DataUri, ErrorBody, Link, Uri};

use crate::channel::{Queued, with_resource};
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at};
use crate::lock::lock;
use crate::paths::{self, route};
use crate::protocol::{Negotiated, Refusal, no_content, not_found, payload, sdp_offer};
use crate::state::{App, State};

use super::incoming::{declined, reason};
use super::routes::phone_of;

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
        .route(route::AV_INVITATION_OPERATION, post(operate))
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
