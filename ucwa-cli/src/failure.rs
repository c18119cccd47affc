//! What a command can fail with: one sentence for stderr that names what to do, and the exit
//! code of its kind (the table `--help` shows is in `crate::cli`).

use std::process::ExitCode;

use ucwa::http::StatusCode;
use ucwa::operation::OperationError;
use ucwa_client::discovery::DiscoveryError;
use ucwa_client::{ClientError, SessionError, SignInError};

/// The kinds of failure the exit code tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The server refused, or anything else.
    Other,
    /// The sign-in was refused, or is needed.
    SignIn,
    /// No such person, resource or link.
    NotFound,
    /// The server cannot be reached or did not answer in time.
    Network,
    /// Nobody accepted the message in time.
    NotDelivered,
    /// The command line is wrong (as clap's own errors).
    Usage,
    /// The call did not connect (busy, declined, not answered).
    CallFailed,
}

impl Kind {
    /// The exit code.
    pub fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Kind::Other => 1,
            Kind::SignIn => 3,
            Kind::NotFound => 4,
            Kind::Network => 5,
            Kind::NotDelivered => 6,
            Kind::Usage => 2,
            Kind::CallFailed => 7,
        })
    }
}

/// A failed command: its kind and the sentence shown.
#[derive(Debug)]
pub struct Failure {
    /// Which exit code.
    pub kind: Kind,
    /// What happened and what to do, in one sentence.
    pub message: String,
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }

    /// `error` from the library while `doing` something, classified and given the advice of
    /// its kind.
    pub fn from_error(doing: &str, error: &impl Classify) -> Failure {
        let kind = error.kind();
        let advice = match kind {
            Kind::SignIn => "; run `ucwa login` again, checking the address and password",
            Kind::Network => "; check the server's address and the network, then try again",
            Kind::NotFound => "; check the name or address given",
            Kind::Other | Kind::NotDelivered | Kind::Usage | Kind::CallFailed => "",
        };
        // One line keeps it one sentence.
        let text = error.to_string().replace('\n', " ");
        let text = text.trim_end_matches('.');
        Failure::new(kind, format!("{doing} failed: {text}{advice}."))
    }
}

/// The errors of the library a command meets, and the kind of each.
pub trait Classify: std::fmt::Display {
    /// Which exit code it deserves.
    fn kind(&self) -> Kind;
}

impl Classify for SignInError {
    fn kind(&self) -> Kind {
        if self.is_connect() || self.is_timeout() {
            return Kind::Network;
        }
        match self {
            // A refused password or kept token, and any other reason no token could be had
            // for the user resource: signing in again is what helps.
            SignInError::Discovery(DiscoveryError::Auth(_)) | SignInError::NoCredentials => {
                Kind::SignIn
            }
            _ if self.is_refused_grant() => Kind::SignIn,
            SignInError::Discovery(error) if error.status() == Some(StatusCode::NOT_FOUND) => {
                Kind::NotFound
            }
            _ => Kind::Other,
        }
    }
}

impl Classify for SessionError {
    fn kind(&self) -> Kind {
        if self.is_connect() || self.is_timeout() {
            return Kind::Network;
        }
        if self.is_refused_grant() {
            return Kind::SignIn;
        }
        match self {
            SessionError::SignIn(e) => e.kind(),
            SessionError::Create(e) => e.kind(),
            SessionError::MakeMeAvailable(e) => e.kind(),
            SessionError::MissingLink { .. } => Kind::NotFound,
            _ => Kind::Other,
        }
    }
}

impl<E: OperationError> Classify for ClientError<E> {
    fn kind(&self) -> Kind {
        if self.is_connect() || self.is_timeout() {
            return Kind::Network;
        }
        if self.is_not_found() {
            return Kind::NotFound;
        }
        match self {
            ClientError::Auth(_) => Kind::SignIn,
            ClientError::MissingLink { .. } => Kind::NotFound,
            _ => Kind::Other,
        }
    }
}

/// Turns a library error into a failure of what was being done.
pub trait Context<T> {
    /// The error, as a failure of `doing`.
    fn doing(self, doing: &str) -> Result<T, Failure>;
}

impl<T, E: Classify> Context<T> for Result<T, E> {
    fn doing(self, doing: &str) -> Result<T, Failure> {
        self.map_err(|e| Failure::from_error(doing, &e))
    }
}
