//! The audio/video session of the scripted call, once an escalation is answered: its
//! renegotiations (a new offer from the user, the far end's answer at once), hold (a
//! renegotiation whose offer sends nothing, RFC 3264 §8.4) and resumeAudioVideo, video added
//! by a renegotiation whose offer carries it and removed with stopVideo, and a renegotiation
//! the far end starts ([`far_end_renegotiates`]), answered by the user; and the local
//! participant's participantAudio (`added` when the call connects, `deleted` when it stops),
//! muted and unmuted (muteAudio, unmuteAudio: `updated`; the same one twice, 409 `Conflict`;
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/muteaudio_ref>).
//!
//! The far end reads only what a real one must: whether an offer puts the call on hold
//! (every direction attribute `sendonly` or `inactive`) and whether it carries video (an
//! `m=video` line with a port other than 0); its answers are canned. A control the state does
//! not allow is refused as the reference's tables give it: no established call, 404
//! `NotFound` (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/stopaudiovideo_ref>); a hold
//! while held, a resume or stopVideo with nothing to resume or stop, an answer to a
//! renegotiation not awaiting one, 409 `Conflict`
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/renegotiations_ref>). The outgoing
//! renegotiation's answer comes as its `completed` event (sender: communication), with
//! `mediaOffer` and `mediaAnswer`; the far end's own renegotiation as `started`
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/audiovideorenegotiation_ref>).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use ucwa::enumerations::{Direction, MediaDirectionType, SessionState};
use ucwa::events::EventType;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::resources::{AnyResource, AudioVideoRenegotiation, AudioVideoSession, ParticipantAudio};
use ucwa::{DataUri, Link};

use crate::channel::{Queued, with_resource as event};
use crate::handler::{Answer, Shared, application_at};
use crate::paths::{self, CALL_CONVERSATION, route};
use crate::protocol::{
    Negotiated, Refusal, check, created_at, invalid_parameters, limit_exceeded, no_content,
    not_found, payload, query_parameter, sdp_offer,
};
use crate::state::{App, State};

use super::escalation::{Calls, audio_video_updated, calls, conversation_path};

/// The routes of the session.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::AV_SESSION, get(get_session))
        .route(route::RENEGOTIATIONS, post(renegotiate))
        .route(route::RENEGOTIATION, get(get_renegotiation))
        .route(route::RENEGOTIATION_ANSWER, post(answer))
        .route(route::RESUME_AUDIO_VIDEO, post(resume))
        .route(route::STOP_VIDEO, post(stop_video))
        .route(route::PARTICIPANT_AUDIO, get(get_participant_audio))
        .route(route::MUTE_AUDIO, post(mute))
        .route(route::UNMUTE_AUDIO, post(unmute))
}

/// Whether `sdp` offers video: an `m=video` line whose port is not 0.
pub(super) fn has_video(sdp: &[u8]) -> bool {
    String::from_utf8_lossy(sdp).lines().any(|line| {
        line.strip_prefix("m=video ")
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|port| port != "0")
    })
}

/// Whether `sdp` puts the call on hold: it has direction attributes, each `sendonly` or
/// `inactive`.
fn is_hold(sdp: &[u8]) -> bool {
    let text = String::from_utf8_lossy(sdp);
    let directions: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            matches!(
                *l,
                "a=sendrecv" | "a=sendonly" | "a=recvonly" | "a=inactive"
            )
        })
        .collect();
    !directions.is_empty()
        && directions
            .iter()
            .all(|d| *d == "a=sendonly" || *d == "a=inactive")
}

/// The far end's canned answer to `offer`: audio, video when offered, and the direction that
/// answers a hold (`recvonly` to `sendonly`, `inactive` to `inactive`) or `sendrecv`.
fn answer_to(offer: &[u8]) -> String {
    let text = String::from_utf8_lossy(offer);
    let direction = if !is_hold(offer) {
        "a=sendrecv"
    } else if text.lines().any(|l| l.trim() == "a=sendonly") {
        "a=recvonly"
    } else {
        "a=inactive"
    };
    let mut answer = String::from(
        "v=0\r\no=- 0 2 IN IP4 127.0.0.1\r\ns=ucwa-emulator\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio 51010 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
    );
    answer.push_str(direction);
    answer.push_str("\r\n");
    if has_video(offer) {
        answer.push_str("m=video 51020 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n");
        answer.push_str(direction);
        answer.push_str("\r\n");
    }
    answer
}

fn sdp_uri(sdp: &[u8]) -> DataUri {
    DataUri::from_bytes("application/sdp", sdp).expect("a valid media type")
}

/// 404 `NotFound` (no subcode): no audio/video call is established.
pub(super) fn no_call() -> Refusal {
    Refusal::with(
        StatusCode::NOT_FOUND,
        "NotFound",
        None,
        "No audio/video call is established here.",
    )
}

/// 409 `Conflict` (no subcode): the call's state does not allow this.
fn conflict(message: &str) -> Refusal {
    Refusal::with(StatusCode::CONFLICT, "Conflict", None, message)
}

fn session_path(app: u64) -> String {
    paths::in_audio_video(app, CALL_CONVERSATION, "audioVideoSession")
}

fn session(app: u64, calls: &Calls) -> AudioVideoSession {
    let base = session_path(app);
    let mut session = AudioVideoSession {
        state: Some(SessionState::Established),
        session_context: calls.session_context.clone(),
        ..AudioVideoSession::default()
    };
    let links = &mut session.links;
    links.self_ = Some(Link::to(base.clone()));
    links.audio_video = Some(Link::to(paths::audio_video(app, CALL_CONVERSATION)));
    links.conversation = Some(Link::to(conversation_path(app)));
    links.renegotiations = Some(Link::to(format!("{base}/renegotiations")));
    // Linked always, as the reference's sample does: not on hold, resuming is refused (409).
    links.resume_audio_video = Some(Link::to(format!("{base}/resumeAudioVideo")));
    session
}

/// The application `id`, when `conversation` is its call.
fn in_call(state: &State, id: u64, conversation: u64) -> Result<Arc<App>, Refusal> {
    let app = application_at(state, id)?;
    if conversation != CALL_CONVERSATION {
        return Err(not_found());
    }
    Ok(app)
}

/// The `operationId` query parameter, required, at most 50 characters.
fn operation_id(query: &HashMap<String, String>) -> Result<String, Refusal> {
    let value = query_parameter(query, "operationId");
    let mut problems = Vec::new();
    check(&mut problems, "operationId", value, 50);
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    Ok(value.unwrap_or_default().to_owned())
}

/// Records a renegotiation (the oldest dropped beyond `max`, the same bound as escalations):
/// its number.
fn record(
    app: u64,
    calls: &mut Calls,
    max: usize,
    direction: Direction,
    operation_id: String,
    offer: &[u8],
    answer: Option<&[u8]>,
) -> Result<AudioVideoRenegotiation, Refusal> {
    if max == 0 {
        return Err(limit_exceeded(
            "No renegotiation is kept (`limits.max_escalations` is 0).",
        ));
    }
    calls.next_renegotiation += 1;
    let number = calls.next_renegotiation;
    let base = format!("{}/renegotiations/{number}", session_path(app));
    let mut renegotiation = AudioVideoRenegotiation {
        direction: Some(direction),
        operation_id: Some(operation_id),
        ..AudioVideoRenegotiation::default()
    };
    let links = &mut renegotiation.links;
    links.self_ = Some(Link::to(base.clone()));
    links.audio_video_session = Some(Link::to(session_path(app)));
    links.conversation = Some(Link::to(conversation_path(app)));
    links.media_offer = Some(sdp_uri(offer));
    match answer {
        Some(answer) => links.media_answer = Some(sdp_uri(answer)),
        None => links.answer = Some(Link::to(format!("{base}/answer"))),
    }
    while calls.renegotiations.len() >= max {
        calls.renegotiations.remove(0);
    }
    calls.renegotiations.push((number, renegotiation.clone()));
    Ok(renegotiation)
}

/// Sends `renegotiation` as an event of `kind`, from communication.
fn announce(app: &App, kind: EventType, renegotiation: AudioVideoRenegotiation) {
    app.channel.push(Arc::new(Queued::new(
        "communication",
        &paths::communication(app.id),
        event(
            kind,
            "audioVideoRenegotiation",
            renegotiation.links.self_.clone().unwrap_or_default(),
            AnyResource::AudioVideoRenegotiation(Box::new(renegotiation)),
        ),
    )));
}

async fn get_session(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = in_call(&state, id, conversation)?;
    let calls = calls(&app);
    if !calls.established {
        return Err(no_call());
    }
    Ok(payload(format, StatusCode::OK, &session(id, &calls)))
}

async fn get_renegotiation(
    Extract(state): Extract<Shared>,
    Path((id, conversation, number)): Path<(u64, u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = in_call(&state, id, conversation)?;
    let calls = calls(&app);
    let found = calls.renegotiations.iter().find(|(n, _)| *n == number);
    let (_, renegotiation) = found.ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, renegotiation))
}

/// What an offer from the user does to the session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Offer {
    Renegotiate,
    Resume,
}

async fn offer_from_user(
    state: &State,
    (id, conversation): (u64, u64),
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
    kind: Offer,
) -> Answer {
    let app = in_call(state, id, conversation)?;
    let operation_id = operation_id(query)?;
    let offer = sdp_offer(headers, body)?;
    let hold = is_hold(offer);
    let answer = answer_to(offer);
    let (renegotiation, video_changed) = {
        let mut calls = calls(&app);
        if !calls.established {
            return Err(no_call());
        }
        match kind {
            Offer::Renegotiate if calls.held => {
                return Err(conflict(
                    "The call is on hold: resume it (resumeAudioVideo) first.",
                ));
            }
            Offer::Resume if !calls.held => return Err(conflict("The call is not on hold.")),
            Offer::Resume if hold => {
                return Err(invalid_parameters(&[(
                    "sdp",
                    "a resume offer must send media (sendrecv or recvonly)".to_owned(),
                )]));
            }
            _ => {}
        }
        if calls
            .renegotiations
            .iter()
            .any(|(_, r)| r.links.answer.is_some())
        {
            return Err(Refusal::with(
                StatusCode::CONFLICT,
                "Conflict",
                Some("AlreadyExists"),
                "Another renegotiation is already in progress.",
            ));
        }
        let max = state.config.limits.max_escalations;
        let renegotiation = record(
            id,
            &mut calls,
            max,
            Direction::Outgoing,
            operation_id,
            offer,
            Some(answer.as_bytes()),
        )?;
        calls.held = hold;
        let video = has_video(offer);
        let video_changed = video != calls.video;
        calls.video = video;
        (renegotiation, video_changed)
    };
    let location = renegotiation
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().to_owned())
        .unwrap_or_default();
    announce(&app, EventType::Completed, renegotiation);
    if video_changed {
        audio_video_updated(&app);
    }
    Ok(created_at(&location))
}

async fn renegotiate(
    Extract(state): Extract<Shared>,
    Path(at): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    offer_from_user(&state, at, &query, &headers, &body, Offer::Renegotiate).await
}

async fn resume(
    Extract(state): Extract<Shared>,
    Path(at): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    offer_from_user(&state, at, &query, &headers, &body, Offer::Resume).await
}

/// stopVideo: the call goes on without video (409 `Conflict` when it has none).
async fn stop_video(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
) -> Answer {
    let app = in_call(&state, id, conversation)?;
    {
        let mut calls = calls(&app);
        if !calls.established {
            return Err(no_call());
        }
        if !calls.video {
            return Err(conflict("The call carries no video."));
        }
        calls.video = false;
    }
    audio_video_updated(&app);
    Ok(no_content())
}

/// The user's answer (`application/sdp`) to the far end's renegotiation `number`: recorded as
/// its `mediaAnswer`, and the renegotiation `completed`. 409 when it awaits no answer.
async fn answer(
    Extract(state): Extract<Shared>,
    Path((id, conversation, number)): Path<(u64, u64, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = in_call(&state, id, conversation)?;
    let answer = sdp_offer(&headers, &body)?;
    let answered = {
        let mut calls = calls(&app);
        if !calls.established {
            return Err(no_call());
        }
        let found = calls.renegotiations.iter_mut().find(|(n, _)| *n == number);
        let (_, renegotiation) = found.ok_or_else(not_found)?;
        if renegotiation.links.answer.is_none() {
            return Err(conflict("This renegotiation awaits no answer."));
        }
        renegotiation.links.answer = None;
        renegotiation.links.media_answer = Some(sdp_uri(answer));
        let answered = renegotiation.clone();
        let offer = answered
            .links
            .media_offer
            .as_ref()
            .and_then(|o| o.decode().ok())
            .unwrap_or_default();
        calls.video = has_video(&offer);
        answered
    };
    announce(&app, EventType::Completed, answered);
    Ok(no_content())
}

/// The far end renegotiates the established call of application `app` with `offer`: the
/// renegotiation `started` (direction `Incoming`, with `mediaOffer` and an `answer` link).
/// `None` when the application has no established call or one awaits an answer already.
pub(crate) fn far_end_renegotiates(state: &State, app: &App, offer: &str) -> Option<String> {
    let renegotiation = {
        let mut calls = calls(app);
        let waiting = calls
            .renegotiations
            .iter()
            .any(|(_, r)| r.links.answer.is_some());
        if !calls.established || waiting {
            return None;
        }
        let max = state.config.limits.max_escalations;
        let operation_id = format!("far-end-{}", calls.next_renegotiation + 1);
        record(
            app.id,
            &mut calls,
            max,
            Direction::Incoming,
            operation_id,
            offer.as_bytes(),
            None,
        )
        .ok()?
    };
    let href = renegotiation
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().to_owned());
    announce(app, EventType::Started, renegotiation);
    href
}

fn participant_audio_path(app: &App) -> String {
    format!(
        "{}/participantAudio",
        paths::participant(app.id, CALL_CONVERSATION, &app.user.address)
    )
}

/// The local participant's audio in the call.
fn participant_audio(app: &App, calls: &Calls) -> ParticipantAudio {
    let base = participant_audio_path(app);
    let mut audio = ParticipantAudio {
        audio_muted: Some(calls.muted),
        audio_direction: Some(if calls.held {
            MediaDirectionType::SendOnly
        } else {
            MediaDirectionType::SendReceive
        }),
        ..ParticipantAudio::default()
    };
    audio.links.self_ = Some(Link::to(base.clone()));
    audio.links.participant = Some(Link::to(paths::participant(
        app.id,
        CALL_CONVERSATION,
        &app.user.address,
    )));
    audio.links.mute_audio = Some(Link::to(format!("{base}/muteAudio")));
    audio.links.unmute_audio = Some(Link::to(format!("{base}/unmuteAudio")));
    audio
}

/// The local participant's participantAudio as an event of `kind`, from the conversation.
pub(super) fn participant_audio_event(app: &App, kind: EventType) {
    let audio = participant_audio(app, &calls(app));
    app.channel.push(Arc::new(Queued::new(
        "conversation",
        &conversation_path(app.id),
        event(
            kind,
            "participantAudio",
            audio.links.self_.clone().unwrap_or_default(),
            AnyResource::ParticipantAudio(Box::new(audio)),
        ),
    )));
}

/// The application `id`, when `participant` is its user in its established call.
fn local_audio(
    state: &State,
    (id, conversation, participant): (u64, u64, String),
) -> Result<Arc<App>, Refusal> {
    let app = in_call(state, id, conversation)?;
    if !app.user.is(&participant) {
        return Err(not_found());
    }
    if !calls(&app).established {
        return Err(no_call());
    }
    Ok(app)
}

async fn get_participant_audio(
    Extract(state): Extract<Shared>,
    Path(at): Path<(u64, u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = local_audio(&state, at)?;
    let audio = participant_audio(&app, &calls(&app));
    Ok(payload(format, StatusCode::OK, &audio))
}

/// muteAudio and unmuteAudio: `muted` set, or 409 when it is so already.
fn set_muted(state: &State, at: (u64, u64, String), muted: bool) -> Answer {
    let app = local_audio(state, at)?;
    {
        let mut calls = calls(&app);
        if calls.muted == muted {
            return Err(conflict(if muted {
                "The audio is muted already."
            } else {
                "The audio is not muted."
            }));
        }
        calls.muted = muted;
    }
    participant_audio_event(&app, EventType::Updated);
    Ok(no_content())
}

async fn mute(Extract(state): Extract<Shared>, Path(at): Path<(u64, u64, String)>) -> Answer {
    set_muted(&state, at, true)
}

async fn unmute(Extract(state): Extract<Shared>, Path(at): Path<(u64, u64, String)>) -> Answer {
    set_muted(&state, at, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hold_and_video_are_read_from_direction_attributes_and_video_ports() {
        let hold =
            b"v=0\r\nm=audio 1 RTP/AVP 0\r\na=sendonly\r\nm=video 2 RTP/AVP 96\r\na=inactive\r\n";
        assert!(is_hold(hold));
        assert!(has_video(hold));
        assert!(answer_to(hold).contains("a=recvonly\r\nm=video"));
        let talk = b"v=0\r\nm=audio 1 RTP/AVP 0\r\na=sendrecv\r\nm=video 0 RTP/AVP 96\r\n";
        assert!(!is_hold(talk));
        assert!(!has_video(talk), "port 0 rejects the stream");
        assert!(!answer_to(talk).contains("m=video"));
        assert!(
            !is_hold(b"v=0\r\nm=audio 1 RTP/AVP 0\r\n"),
            "no attribute: sendrecv"
        );
    }
}
