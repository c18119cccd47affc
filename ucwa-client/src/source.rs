//! Where a task handle finds the client and the application it works with: read anew at each
//! call, never kept from when the handle was made. A session's handles read what the session
//! holds now (the owner task replaces the application, and the client if discovery ran again,
//! on recovery), so a handle made before a recovery works on the new application after it; a
//! handle made from a [`Client`] and an application it was given works on that one.

use std::sync::Arc;

use tokio::sync::watch;
use ucwa::resources::Application;

use crate::Client;

/// The client and the application in use.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub client: Client,
    pub application: Arc<Application>,
}

/// Where the application comes from.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// A session's: what its owner task holds now.
    Session(watch::Receiver<Current>),
    /// One application, given by the user of a [`Client`].
    Fixed(Current),
}

impl Source {
    /// `application` of `client`'s server, as given.
    pub(crate) fn fixed(client: &Client, application: &Application) -> Self {
        Source::Fixed(Current {
            client: client.clone(),
            application: Arc::new(application.clone()),
        })
    }

    /// The client and application in use now.
    pub(crate) fn current(&self) -> Current {
        match self {
            Source::Session(current) => current.borrow().clone(),
            Source::Fixed(current) => current.clone(),
        }
    }
}
