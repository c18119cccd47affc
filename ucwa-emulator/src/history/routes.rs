//! The handlers of history, and its listener (logs written as conversations end).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::Format;
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::ContinueMessagingPostBody;

use crate::directory::User;
use crate::handler::{Answer, Caller, Shared, application_at};
use crate::paths::route;
use crate::protocol::{
    Negotiated, created_at, decode_or_default, invalid_parameters, no_content, not_found, payload,
    query_parameter,
};
use crate::state::{Continue, News, State};

use super::model::{Written, history};
use super::render;

/// The longest operationId the reference gives continueMessaging.
const MAX_OPERATION_ID: usize = 50;

/// The routes of history.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::CONVERSATION_LOGS, get(get_logs))
        .route(route::CONVERSATION_LOG, get(get_log).delete(delete_log))
        .route(route::LOG_TRANSCRIPTS, get(get_first_page))
        .route(route::NEXT_LOG_TRANSCRIPTS, get(get_next_page))
        .route(route::LOG_TRANSCRIPT, get(get_transcript))
        .route(route::LOG_OPERATION, post(operate))
        .route(route::MISSED_ITEMS, get(get_missed_items))
}

/// This task's listener: a conversation that ended for a user is written to their history, and
/// every application of theirs hears the new missed-items counts when a log was added.
pub(crate) fn hear(state: &State, news: News<'_>) {
    let News::ConversationEnded(ended) = news else {
        return;
    };
    let limits = &state.config.limits;
    let (written, counts) = {
        let mut history = history(state);
        let written = history.write(
            ended,
            render::now(),
            limits.max_conversation_logs,
            limits.max_log_transcripts,
        );
        (written, history.counts(&ended.user))
    };
    if written != Written::Known {
        announce(state, &ended.user, counts);
    }
}

/// Every application of `user` hears the missed-items counts.
fn announce(state: &State, user: &User, counts: super::model::Counts) {
    for app in state.apps.of(user) {
        render::missed_items_changed(&app, counts);
    }
}

async fn get_logs(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let max = state.config.limits.max_conversation_logs;
    let limit = match query_parameter(&query, "limit") {
        None => max,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n >= 1 => n.min(max),
            _ => {
                return Err(invalid_parameters(&[(
                    "limit",
                    "a whole number of at least 1".to_owned(),
                )]));
            }
        },
    };
    let logs = history(&state).list(&app.user, limit);
    Ok(payload(format, StatusCode::OK, &render::logs(id, &logs)))
}

async fn get_log(
    Extract(state): Extract<Shared>,
    Path((id, log)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let resource = history(&state)
        .get(&app.user, log)
        .map(|log| render::log(id, log))
        .ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &resource))
}

async fn delete_log(Extract(state): Extract<Shared>, Path((id, log)): Path<(u64, u64)>) -> Answer {
    let app = application_at(&state, id)?;
    let counts = {
        let mut history = history(&state);
        if !history.delete(&app.user, log) {
            return Err(not_found());
        }
        history.counts(&app.user)
    };
    announce(&state, &app.user, counts);
    Ok(no_content())
}

async fn get_first_page(
    Extract(state): Extract<Shared>,
    Path((id, log)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    transcripts(&state, id, log, None, format)
}

async fn get_next_page(
    Extract(state): Extract<Shared>,
    Path((id, log, from)): Path<(u64, u64, usize)>,
    Negotiated(format): Negotiated,
) -> Answer {
    transcripts(&state, id, log, Some(from), format)
}

/// A page of log `log`'s transcripts, `transcripts_per_page` long: the first (`from` none),
/// or a later one starting at `from`. A later page starts inside the log past its first item
/// (the only starts a `next` link names); any other start is 404.
fn transcripts(state: &State, id: u64, log: u64, from: Option<usize>, format: Format) -> Answer {
    let app = application_at(state, id)?;
    let size = state.config.limits.transcripts_per_page;
    let history = history(state);
    let log = history.get(&app.user, log).ok_or_else(not_found)?;
    if from.is_some_and(|from| from == 0 || from >= log.transcripts.len()) {
        return Err(not_found());
    }
    let (items, next) = log.page(from.unwrap_or(0), size);
    // The two pages are different resources (their own tokens and `self`), so each renders
    // as its own type.
    Ok(match from {
        None => payload(
            format,
            StatusCode::OK,
            &render::first_page(id, log, items, next, &app.user),
        ),
        Some(from) => payload(
            format,
            StatusCode::OK,
            &render::next_page(id, log, from, items, next, &app.user),
        ),
    })
}

async fn get_transcript(
    Extract(state): Extract<Shared>,
    Path((id, log, number)): Path<(u64, u64, usize)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let resource = history(&state)
        .get(&app.user, log)
        .and_then(|log| render::one(id, log, number, &app.user))
        .ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &resource))
}

/// markAsRead and continueMessaging.
async fn operate(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path((id, log, operation)): Path<(u64, u64, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    match operation.as_str() {
        "markAsRead" => mark_as_read(&state, id, log),
        "continueMessaging" => continue_messaging(&state, &user, id, log, &headers, &body),
        _ => Err(not_found()),
    }
}

/// markAsRead: 204; the user's applications hear the new counts when a missed one was unread.
fn mark_as_read(state: &State, id: u64, log: u64) -> Answer {
    let app = application_at(state, id)?;
    let (changed, counts) = {
        let mut history = history(state);
        let unread_missed = history
            .get(&app.user, log)
            .map(|l| l.missed && !l.read)
            .ok_or_else(not_found)?;
        history.mark_read(&app.user, log);
        (unread_missed, history.counts(&app.user))
    };
    if changed {
        announce(state, &app.user, counts);
    }
    Ok(no_content())
}

/// continueMessaging: a new conversation with whom the log names, about its subject, started
/// as startMessaging starts one (201 with the new messagingInvitation's `Location`).
fn continue_messaging(
    state: &State,
    user: &Arc<User>,
    id: u64,
    log: u64,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let app = application_at(state, id)?;
    let input: ContinueMessagingPostBody = decode_or_default(headers, body)?;
    if input
        .operation_id
        .as_ref()
        .is_some_and(|op| op.chars().count() > MAX_OPERATION_ID)
    {
        return Err(invalid_parameters(&[(
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        )]));
    }
    let (to, subject) = {
        let history = history(state);
        let log = history.get(&app.user, log).ok_or_else(not_found)?;
        let to = log
            .others
            .first()
            .map(|other| other.address.clone())
            .ok_or_else(not_found)?;
        (to, log.subject.clone())
    };
    let ask = Continue {
        app: id,
        user,
        to: &to,
        subject: &subject,
        message: input.links.message.clone(),
        operation_id: input.operation_id.clone(),
        answer: OnceLock::new(),
    };
    state.notify(News::ContinueMessaging(&ask));
    match ask.answer.into_inner() {
        Some(Ok(href)) => Ok(created_at(&href)),
        Some(Err(refusal)) => Err(refusal),
        // No task starts conversations: as a server without the modality answers.
        None => Err(not_found()),
    }
}

async fn get_missed_items(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let counts = history(&state).counts(&app.user);
    Ok(payload(
        format,
        StatusCode::OK,
        &render::missed_items(id, counts),
    ))
}
