//! The errors every operation shares: the generic errors of UCWA, and the common error that an
//! operation's typed error falls back to for anything its own table does not list.

use std::fmt;

use http::StatusCode;

use super::OperationError;
use crate::ErrorBody;

/// The errors every UCWA operation can answer with (`GenericSynchronousErrors.md`), matched by
/// the code or the subcode of the error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GenericError {
    /// The application resource does not exist (any more): create it again.
    ApplicationNotFound,
    /// The request as a whole is malformed.
    BadRequest,
    /// The request body could not be deserialized.
    DeserializationFailure,
    /// The request is too large.
    EntityTooLarge,
    /// Exchange could not be reached.
    ExchangeServiceFailure,
    /// An inactive application expired.
    InactiveApplicationExpired,
    /// The method is not supported on this resource.
    MethodNotAllowed,
    /// The user may no longer use mobile applications.
    MobileApplicationNoLongerAllowed,
    /// A parameter is not valid; the body's `parameters` says which.
    ParameterValidationFailure,
    /// An `If-Match` precondition was not met.
    PreconditionFailed,
    /// The operation needs an `If-Match` precondition.
    PreconditionRequired,
    /// The resource does not exist.
    ResourceNotFound,
    /// Internal server error.
    ServiceFailure,
    /// Internal server error: a remote timed out.
    ServiceTimeout,
    /// The user has too many applications.
    TooManyApplications,
    /// The request's content type is not supported.
    UnsupportedMediaType,
    /// The requested version is not supported.
    VersionNotSupported,
}

impl GenericError {
    const ALL: [(GenericError, &'static str); 17] = [
        (GenericError::ApplicationNotFound, "ApplicationNotFound"),
        (GenericError::BadRequest, "BadRequest"),
        (
            GenericError::DeserializationFailure,
            "DeserializationFailure",
        ),
        (GenericError::EntityTooLarge, "EntityTooLarge"),
        (
            GenericError::ExchangeServiceFailure,
            "ExchangeServiceFailure",
        ),
        (
            GenericError::InactiveApplicationExpired,
            "InactiveApplicationExpired",
        ),
        (GenericError::MethodNotAllowed, "MethodNotAllowed"),
        (
            GenericError::MobileApplicationNoLongerAllowed,
            "MobileApplicationNoLongerAllowed",
        ),
        (
            GenericError::ParameterValidationFailure,
            "ParameterValidationFailure",
        ),
        (GenericError::PreconditionFailed, "PreconditionFailed"),
        (GenericError::PreconditionRequired, "PreconditionRequired"),
        (GenericError::ResourceNotFound, "ResourceNotFound"),
        (GenericError::ServiceFailure, "ServiceFailure"),
        (GenericError::ServiceTimeout, "ServiceTimeout"),
        (GenericError::TooManyApplications, "TooManyApplications"),
        (GenericError::UnsupportedMediaType, "UnsupportedMediaType"),
        (GenericError::VersionNotSupported, "VersionNotSupported"),
    ];

    /// The name, as UCWA writes it.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("", |(_, name)| name)
    }

    fn named(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(kind, _)| *kind)
    }

    /// The generic error an error body reports: its subcode if that is one (the more
    /// specific), else its code.
    pub fn classify(body: &ErrorBody) -> Option<Self> {
        body.subcode
            .as_deref()
            .and_then(Self::named)
            .or_else(|| Self::named(&body.code))
    }
}

impl fmt::Display for GenericError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The common error: one of the generic errors, or any other, kept whole.
///
/// It is the error of a request that is not one of the schema's operations (following a link,
/// the event channel), and the `Common` variant of every operation's typed error, which holds
/// whatever that operation's own table does not list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum UcwaError {
    /// One of the errors every operation can answer with.
    Generic {
        /// The HTTP status.
        status: u16,
        /// Which one.
        kind: GenericError,
        /// The error body.
        body: Box<ErrorBody>,
    },
    /// Any other error, kept whole.
    Other {
        /// The HTTP status.
        status: u16,
        /// The error body.
        body: Box<ErrorBody>,
    },
}

impl UcwaError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            UcwaError::Generic { status, .. } | UcwaError::Other { status, .. } => *status,
        }
    }

    /// The error body.
    pub fn body(&self) -> &ErrorBody {
        match self {
            UcwaError::Generic { body, .. } | UcwaError::Other { body, .. } => body,
        }
    }
}

impl OperationError for UcwaError {
    fn status(&self) -> u16 {
        UcwaError::status(self)
    }

    fn body(&self) -> &ErrorBody {
        UcwaError::body(self)
    }

    fn classify(status: StatusCode, body: ErrorBody) -> Self {
        let status = status.as_u16();
        match GenericError::classify(&body) {
            Some(kind) => UcwaError::Generic {
                status,
                kind,
                body: Box::new(body),
            },
            None => UcwaError::Other {
                status,
                body: Box::new(body),
            },
        }
    }
}

impl fmt::Display for UcwaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(f, self.status(), self.body())
    }
}

impl std::error::Error for UcwaError {}

/// Formats an error of an operation: status, code, subcode and message.
pub fn describe(f: &mut fmt::Formatter<'_>, status: u16, body: &ErrorBody) -> fmt::Result {
    write!(f, "{status} {}", body.code)?;
    if let Some(subcode) = &body.subcode {
        write!(f, " ({subcode})")?;
    }
    if let Some(message) = &body.message {
        write!(f, ": {message}")?;
    }
    Ok(())
}
