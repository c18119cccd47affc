//! The handlers of phones.

use std::sync::MutexGuard;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::routing::{get, post};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{ChangeNumberPostBody, ChangeVisibilityPostBody};

use crate::handler::{Answer, Shared, application_at};
use crate::lock::lock;
use crate::paths::route;
use crate::protocol::{
    Negotiated, Refusal, decode_or_default, invalid_parameters, no_content, not_found, payload,
};
use crate::state::{App, State};

use super::model::{AllPhones, Phone, Phones, Refused, visibility};
use super::render;

fn all(state: &State) -> MutexGuard<'_, AllPhones> {
    lock(state.data.get::<AllPhones>())
}

/// The phones of `app`'s user, as they are now.
fn phones_of(state: &State, app: &App) -> Phones {
    all(state)
        .0
        .entry(app.user.address.to_lowercase())
        .or_insert_with(|| Phones::initial(app.user.index))
        .clone()
}

/// The routes of phones.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::PHONES, get(get_phones))
        .route(route::PHONE, get(get_phone))
        .route(route::PHONE_OPERATION, post(operate))
}

async fn get_phones(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let phones = phones_of(&state, &app);
    Ok(payload(
        format,
        StatusCode::OK,
        &render::phones(id, &phones),
    ))
}

async fn get_phone(
    Extract(state): Extract<Shared>,
    Path((id, phone)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut phones = phones_of(&state, &app);
    let phone = phones.get_mut(&phone).ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &render::phone(id, phone)))
}

/// changeNumber or changeVisibility on one phone; the change is kept for the user and
/// announced to each of their applications.
async fn operate(
    Extract(state): Extract<Shared>,
    Path((id, phone, operation)): Path<(u64, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut phones = phones_of(&state, &app);
    let target = phones.get_mut(&phone).ok_or_else(not_found)?;
    let mut changed: Phone = target.clone();
    let result = match operation.as_str() {
        "changeNumber" => {
            let input: ChangeNumberPostBody = decode_or_default(&headers, &body)?;
            changed.change_number(input.number.as_deref(), input.include_in_contact_card)
        }
        "changeVisibility" => {
            let input: ChangeVisibilityPostBody = decode_or_default(&headers, &body)?;
            visibility(input.include_in_contact_card.as_deref())
                .map_err(Refused::from)
                .and_then(|shown| changed.change_visibility(shown))
        }
        _ => return Err(not_found()),
    };
    result.map_err(|refused| match refused {
        Refused::Problems(problems) => invalid_parameters(&problems),
        Refused::NotANumber => Refusal::with(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            Some("NormalizationFailed"),
            "The number could not be read as a phone number.",
        ),
    })?;
    *target = changed.clone();
    let user = app.user.address.to_lowercase();
    all(&state).0.insert(user.clone(), phones);
    for other in state.apps.all() {
        if other.user.address.to_lowercase() == user {
            render::changed(&other, &changed);
        }
    }
    Ok(no_content())
}
