//! What every handler shares, whichever module serves its resource: the state it is given, the
//! shape of its answer, and how it finds the application a request addresses.

use std::sync::Arc;

use axum::response::Response;

use crate::directory::User;
use crate::protocol::{Refusal, application_expired, conflict, no_application};
use crate::state::{App, Lookup, State};

/// Who made a request: the user its token was issued to (the guest for an anonymous one),
/// put in the request's extensions by [`crate::auth::authorize`] for the handlers.
#[derive(Clone, Debug)]
pub(crate) struct Caller(pub Arc<User>);

/// The state the handlers are given.
pub(crate) type Shared = Arc<State>;

/// A handler's answer. A failed check is an `Err`, so that checks read as a sequence of `?`
/// and the first to fail is the one answered.
pub(crate) type Answer = Result<Response, Refusal>;

/// The application `id`: 410 `InactiveApplicationExpired` when it has just expired, 404
/// `ApplicationNotFound` when there is none, so that the client makes a new one.
pub(crate) fn application_at(state: &State, id: u64) -> Result<Arc<App>, Refusal> {
    match state.apps.lookup(id) {
        Lookup::Found(app) => Ok(app),
        Lookup::Expired => Err(application_expired()),
        Lookup::Missing => Err(no_application()),
    }
}

/// The application `id`, once its user was made available: before, what needs an available
/// user (presence, messaging, reportMyActivity) answers 409 `MakeMeAvailableRequired`.
pub(crate) fn available_at(state: &State, id: u64) -> Result<Arc<App>, Refusal> {
    let app = application_at(state, id)?;
    if !app.is_available() {
        return Err(conflict(
            "MakeMeAvailableRequired",
            "Call makeMeAvailable first.",
        ));
    }
    Ok(app)
}
