//! The HTTP surface: one handler per resource and operation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State as Extract};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use ucwa::enumerations::{Direction, Importance, InvitationState, Role, SourceNetwork};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, HeaderValue, StatusCode, header};
use ucwa::operations::ApplicationsPostBody;
use ucwa::resources::{AnyResource, Application, AudioVideo, AudioVideoInvitation, Participant};
use ucwa::{DataUri, ErrorBody, Format, Link, Payload, Unknown, Uri};

use crate::APPLICATIONS_PATH;
use crate::channel::Channel;
use crate::state::{App, Calls, State};

type Shared = Arc<State>;

/// The conversation every application's call is in.
const CONVERSATION: u64 = 1;
/// The remote participant of that call.
const PARTICIPANT: u64 = 1;

pub fn router(state: Shared) -> Router {
    let app = "/ucwa/oauth/v1/applications/{app}";
    Router::new()
        .route(APPLICATIONS_PATH, post(create_application))
        .route(app, get(get_application))
        .route(&format!("{app}/events"), get(events))
        .route(
            &format!("{app}/communication/conversations/{{conversation}}/audioVideo"),
            get(get_audio_video),
        )
        .route(
            &format!(
                "{app}/communication/conversations/{{conversation}}/audioVideo/escalateAudioVideo"
            ),
            post(escalate),
        )
        .route(
            &format!("{app}/communication/invitations/{{invitation}}"),
            get(get_invitation),
        )
        .route(
            &format!(
                "{app}/communication/conversations/{{conversation}}/participants/{{participant}}"
            ),
            get(get_participant),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), authorize))
        .with_state(state)
}

/// No bearer token, or another one: 401, as the web server in front of UCWA answers it.
async fn authorize(Extract(state): Extract<Shared>, request: Request, next: Next) -> Response {
    let expected = format!("Bearer {}", state.config.token);
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if given == Some(expected.as_str()) {
        return next.run(request).await;
    }
    let mut response = Response::new(axum::body::Body::from(
        "<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>",
    ));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    headers.insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Bearer trusted_issuers=\"\", client_id=\"00000004-0000-0ff1-ce00-000000000000\"",
        ),
    );
    response
}

/// The representation the client asked for; JSON when it did not say.
fn format(headers: &HeaderMap) -> Format {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|accept| {
            accept
                .split(',')
                .find_map(|part| Format::from_content_type(part.trim()))
        })
        .unwrap_or(Format::Json)
}

fn respond(format: Format, status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    response
}

fn payload<T: Payload>(format: Format, status: StatusCode, value: &T) -> Response {
    respond(format, status, ucwa::codec::encode(format, value))
}

fn error(format: Format, status: StatusCode, body: ErrorBody) -> Response {
    payload(format, status, &body)
}

fn failure(
    format: Format,
    status: StatusCode,
    code: &str,
    subcode: Option<&str>,
    message: &str,
) -> Response {
    error(
        format,
        status,
        ErrorBody {
            code: code.to_owned(),
            subcode: subcode.map(str::to_owned),
            message: Some(message.to_owned()),
            ..ErrorBody::default()
        },
    )
}

/// 400 `ParameterValidationFailure` naming each invalid parameter and why.
fn invalid_parameters(format: Format, problems: &[(&str, String)]) -> Response {
    let parameters: serde_json::Map<String, serde_json::Value> = problems
        .iter()
        .map(|(name, reason)| ((*name).to_owned(), json!(reason)))
        .collect();
    let names: Vec<&str> = problems.iter().map(|(name, _)| *name).collect();
    error(
        format,
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: "BadRequest".into(),
            subcode: Some("ParameterValidationFailure".into()),
            message: Some(format!("Invalid parameters: {}.", names.join(", "))),
            parameters: Some(serde_json::Value::Object(parameters)),
            ..ErrorBody::default()
        },
    )
}

/// Checks a text parameter: present, not empty, at most `max` characters.
fn check(
    problems: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<&str>,
    max: usize,
) {
    match value {
        None | Some("") => problems.push((name, "required".to_owned())),
        Some(value) if value.chars().count() > max => {
            problems.push((
                name,
                format!("{} characters; at most {max}", value.chars().count()),
            ));
        }
        Some(_) => {}
    }
}

async fn not_found(headers: HeaderMap) -> Response {
    failure(
        format(&headers),
        StatusCode::NOT_FOUND,
        "NotFound",
        Some("ResourceNotFound"),
        "The resource does not exist.",
    )
}

fn no_application(format: Format) -> Response {
    failure(
        format,
        StatusCode::NOT_FOUND,
        "NotFound",
        Some("ApplicationNotFound"),
        "The application does not exist.",
    )
}

fn app_path(id: u64) -> String {
    format!("{APPLICATIONS_PATH}/{id}")
}

fn conversation_path(app: u64) -> String {
    format!(
        "{}/communication/conversations/{CONVERSATION}",
        app_path(app)
    )
}

async fn create_application(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = format(&headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let input: ApplicationsPostBody = match Format::from_content_type(content_type) {
        Some(sent) => match ucwa::codec::decode_as(sent, &body) {
            Ok(input) => input,
            Err(e) => {
                return failure(
                    format,
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    Some("DeserializationFailure"),
                    e.message(),
                );
            }
        },
        None => {
            return failure(
                format,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaType",
                None,
                "Send JSON or XML.",
            );
        }
    };
    let mut problems = Vec::new();
    check(&mut problems, "culture", input.culture.as_deref(), 100);
    check(
        &mut problems,
        "endpointId",
        input.endpoint_id.as_deref(),
        100,
    );
    check(&mut problems, "userAgent", input.user_agent.as_deref(), 100);
    if input
        .instance_id
        .as_ref()
        .is_some_and(|i| i.chars().count() > 100)
    {
        problems.push(("instanceId", "at most 100 characters".to_owned()));
    }
    if !problems.is_empty() {
        return invalid_parameters(format, &problems);
    }
    let id = state.next_id();
    let channel = Channel::new(format!("{}/events", app_path(id)));
    let calls = Calls::new(participant(id));
    let app = state.add(App {
        id,
        culture: input.culture.unwrap_or_default(),
        endpoint_id: input.endpoint_id.unwrap_or_default(),
        user_agent: input.user_agent.unwrap_or_default(),
        instance_id: input.instance_id,
        calls: std::sync::Mutex::new(calls),
        channel,
    });
    // The two-party call the application is already in, announced like a real one.
    let audio_video = audio_video(id);
    app.channel.push(
        "conversation",
        &conversation_path(id),
        Event {
            event_type: EventType::Added,
            rel: "audioVideo".into(),
            link: Link::new(format!("{}/audioVideo", conversation_path(id))),
            in_link: None,
            in_rel: None,
            resource: Some(AnyResource::AudioVideo(Box::new(audio_video))),
            status: None,
            reason: None,
            unknown: Unknown::default(),
        },
    );
    payload(format, StatusCode::CREATED, &application(&app))
}

fn application(app: &App) -> Application {
    let mut application = Application {
        r#type: Some("Browser".into()),
        culture: Some(app.culture.clone()),
        endpoint_id: Some(app.endpoint_id.clone()),
        id: Some(format!("{:032x}", app.id)),
        instance_id: app.instance_id.clone(),
        user_agent: Some(app.user_agent.clone()),
        ..Application::default()
    };
    application.links.self_ = Some(Link::new(app_path(app.id)));
    application.links.events = Some(app.channel.first_link());
    application.links.policies = Some(Link::new(format!("{}/policies", app_path(app.id))));
    application.links.batch = Some(Link::new(format!("{}/batch", app_path(app.id))));
    application
}

fn audio_video(app: u64) -> AudioVideo {
    let base = format!("{}/audioVideo", conversation_path(app));
    let mut audio_video = AudioVideo {
        state: Some("Connected".into()),
        ..AudioVideo::default()
    };
    audio_video.links.self_ = Some(Link::new(base.clone()));
    audio_video.links.conversation = Some(Link::new(conversation_path(app)));
    audio_video.links.escalate_audio_video = Some(Link::new(format!("{base}/escalateAudioVideo")));
    audio_video.links.stop_audio_video = Some(Link::new(format!("{base}/stopAudioVideo")));
    audio_video
}

fn participant(app: u64) -> Participant {
    let mut participant = Participant {
        name: Some("Ann Remote".into()),
        uri: Some(Uri::new("sip:ann@contoso.com")),
        role: Some(Role::Attendee),
        source_network: Some(SourceNetwork::SameEnterprise),
        anonymous: Some(false),
        local: Some(false),
        ..Participant::default()
    };
    participant.links.self_ = Some(Link::new(format!(
        "{}/participants/{PARTICIPANT}",
        conversation_path(app)
    )));
    participant.links.conversation = Some(Link::new(conversation_path(app)));
    participant
}

async fn get_application(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let format = format(&headers);
    match state.app(id) {
        Some(app) => payload(format, StatusCode::OK, &application(&app)),
        None => no_application(format),
    }
}

async fn get_audio_video(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    headers: HeaderMap,
) -> Response {
    let format = format(&headers);
    match state.app(id) {
        Some(_) if conversation == CONVERSATION => {
            payload(format, StatusCode::OK, &audio_video(id))
        }
        Some(_) => not_found(headers).await,
        None => no_application(format),
    }
}

async fn get_participant(
    Extract(state): Extract<Shared>,
    Path((id, conversation, participant)): Path<(u64, u64, u64)>,
    headers: HeaderMap,
) -> Response {
    let format = format(&headers);
    match state.app(id) {
        Some(app) if conversation == CONVERSATION && participant == PARTICIPANT => {
            let participant = app.calls().participant.clone();
            payload(format, StatusCode::OK, &participant)
        }
        Some(_) => not_found(headers).await,
        None => no_application(format),
    }
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, invitation)): Path<(u64, u64)>,
    headers: HeaderMap,
) -> Response {
    let format = format(&headers);
    let Some(app) = state.app(id) else {
        return no_application(format);
    };
    let found = app.calls().invitations.get(&invitation).cloned();
    match found {
        Some(invitation) => payload(format, StatusCode::OK, &invitation),
        None => not_found(headers).await,
    }
}

async fn escalate(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let format = format(&headers);
    let Some(app) = state.app(id) else {
        return no_application(format);
    };
    if conversation != CONVERSATION {
        return not_found(headers).await;
    }
    let operation_id = query.get("operationId").map(String::as_str);
    let session_context = query.get("sessionContext").map(String::as_str);
    let mut problems = Vec::new();
    check(&mut problems, "operationId", operation_id, 50);
    check(&mut problems, "sessionContext", session_context, 50);
    if !problems.is_empty() {
        return invalid_parameters(format, &problems);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_sdp = content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/sdp"));
    if !is_sdp {
        return failure(
            format,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            None,
            "The SDP offer must be sent as application/sdp.",
        );
    }
    if body.is_empty() {
        return invalid_parameters(format, &[("sdp", "required".to_owned())]);
    }
    if let Some((status, body)) = state.take_fault() {
        return error(format, status, body);
    }
    let operation_id = operation_id.unwrap_or_default().to_owned();
    let session_context = session_context.unwrap_or_default().to_owned();
    let invitation = {
        let mut calls = app.calls();
        if !calls.operation_ids.insert(operation_id.clone()) {
            return failure(
                format,
                StatusCode::CONFLICT,
                "Conflict",
                Some("AlreadyExists"),
                "An escalation with this operationId already exists.",
            );
        }
        let number = calls.next_invitation_id();
        let invitation = invitation(
            &app,
            number,
            operation_id,
            session_context,
            &body,
            &calls.participant,
        );
        calls.invitations.insert(number, invitation.clone());
        invitation
    };
    let self_link = invitation.links.self_.clone().unwrap_or_default();
    app.channel.push(
        "communication",
        &format!("{}/communication", app_path(id)),
        Event {
            event_type: EventType::Started,
            rel: "audioVideoInvitation".into(),
            link: self_link,
            in_link: None,
            in_rel: None,
            resource: Some(AnyResource::AudioVideoInvitation(Box::new(
                invitation.clone(),
            ))),
            status: None,
            reason: None,
            unknown: Unknown::default(),
        },
    );
    payload(format, StatusCode::CREATED, &invitation)
}

fn invitation(
    app: &App,
    number: u64,
    operation_id: String,
    session_context: String,
    sdp: &[u8],
    from: &Participant,
) -> AudioVideoInvitation {
    let base = format!("{}/communication/invitations/{number}", app_path(app.id));
    let mut invitation = AudioVideoInvitation {
        direction: Some(Direction::Outgoing),
        importance: Some(Importance::Normal),
        operation_id: Some(operation_id),
        session_context: Some(session_context),
        state: Some(InvitationState::Connecting),
        subject: Some("Escalated call".into()),
        thread_id: Some(format!("{:032x}", app.id * 1000 + number)),
        to: Some(Uri::new("sip:ann@contoso.com")),
        join_audio_muted: Some(false),
        join_video_muted: Some(false),
        private_line: Some(false),
        ..AudioVideoInvitation::default()
    };
    let links = &mut invitation.links;
    links.self_ = Some(Link::new(base.clone()));
    links.media_offer = Some(DataUri::from_bytes("application/sdp", sdp));
    links.audio_video = Some(Link::new(format!(
        "{}/audioVideo",
        conversation_path(app.id)
    )));
    links.conversation = Some(Link::new(conversation_path(app.id)));
    links.cancel = Some(Link::new(format!("{base}/cancel")));
    links.from = from.links.self_.clone();
    invitation.embedded.from = Some(Box::new(from.clone()));
    invitation
}

async fn events(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let format = format(&headers);
    let Some(app) = state.app(id) else {
        return no_application(format);
    };
    let Some(ack) = query.get("ack").and_then(|a| a.parse::<u64>().ok()) else {
        return invalid_parameters(
            format,
            &[("ack", "a number from the `next` link".to_owned())],
        );
    };
    let wait = query
        .get("timeout")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .map_or(state.config.long_poll, |t| t.min(state.config.long_poll));
    let batch = app.channel.get(ack, wait).await;
    respond(format, StatusCode::OK, batch.encode(format))
}
