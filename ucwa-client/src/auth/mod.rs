//! Authentication: the 401 challenges ([`challenge`]), the token endpoint ([`token`]), where
//! tokens come from ([`provider`]) and the token of each host (`hosts`).
//!
//! A token belongs to the host (scheme, host and port) that challenged for it: the discovery
//! host and the applications host each get their own, through their own challenge, and a token
//! is only ever sent to its own host. A token is renewed shortly before its `expires_in` runs
//! out; a 401 on a request that carried a token gets one fresh token and one retry, never more.

pub mod challenge;
pub(crate) mod hosts;
#[cfg(feature = "windows-auth")]
pub mod ntlm_proxy;
pub mod order;
pub mod provider;
pub mod token;
#[cfg(feature = "windows-auth")]
pub mod windows;

use ucwa::http::StatusCode;

pub use challenge::{Bearer, Challenge, ChallengeError, Challenges, GrantType, MsRtcOAuth};
#[cfg(feature = "windows-auth")]
pub use ntlm_proxy::NtlmProxy;
pub use order::{GrantOrder, Grants};
pub use provider::{AnonymousMeeting, PasswordGrant, StaticToken, TokenProvider, TokenRequest};
pub use token::{Grant, IssuedToken, Password, Token, TokenError, TokenErrorCode};
#[cfg(feature = "windows-auth")]
pub use windows::WindowsGrant;

use crate::diagnostics::Diagnostic;

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint refused, saying why.
    #[error("the token endpoint refused: {0}")]
    Refused(TokenError),
    /// The token endpoint answered with neither a token nor an OAuth error.
    #[error("the token endpoint's answer ({status}) cannot be read: {reason}")]
    UnreadableAnswer {
        /// Its status.
        status: StatusCode,
        /// What is wrong with it.
        reason: String,
        /// Its `X-Ms-Diagnostics`.
        diagnostics: Vec<Diagnostic>,
    },
    /// The token endpoint could not be reached, or its answer not read.
    #[error("the token endpoint: {0}")]
    Transport(crate::TransportError),
    /// The 401's challenges could not be read.
    #[error(transparent)]
    Challenge(#[from] ChallengeError),
    /// The 401 has no challenge this provider can answer.
    #[error("{resource} answered 401 without a {scheme} challenge")]
    NoChallenge {
        /// The host that answered.
        resource: String,
        /// The scheme the provider needs.
        scheme: &'static str,
    },
    /// The server does not offer the grant the provider uses.
    #[error("{resource} does not offer the {grant} grant (it offers: {offered})")]
    GrantNotOffered {
        /// The host that challenged.
        resource: String,
        /// The grant the provider uses.
        grant: String,
        /// The grants offered, comma-separated.
        offered: String,
    },
    /// The challenge sends the credentials to a token endpoint on another host, which could
    /// be anyone's.
    #[error(
        "refusing to send credentials for {resource} to the token endpoint {href} on another host"
    )]
    ForeignTokenEndpoint {
        /// The host that challenged.
        resource: String,
        /// The endpoint it named.
        href: String,
    },
    /// A static token was asked for for a host it does not belong to.
    #[error("the static token is for {origin}, not {resource}")]
    NotForThisHost {
        /// The host of the token.
        origin: String,
        /// The host asked for.
        resource: String,
    },
    /// The server refused a token fresh from the provider: retrying would loop.
    #[error("{resource} refused a fresh token (401 again)")]
    Rejected {
        /// The host that refused.
        resource: String,
        /// The `X-Ms-Diagnostics` of its answer.
        diagnostics: Vec<Diagnostic>,
    },
    /// The token endpoint's 401 to the Windows grant offers neither `NTLM` nor `Negotiate`.
    #[error(
        "the token endpoint of {resource} offers no integrated authentication (NTLM or Negotiate)"
    )]
    IntegratedNotOffered {
        /// The host that challenged.
        resource: String,
    },
    /// The token endpoint refused the NTLM handshake of the Windows grant: the account or its
    /// password is not accepted.
    #[error("{resource} refused the Windows account (NTLM)")]
    IntegratedRefused {
        /// The host that refused.
        resource: String,
    },
    /// These credentials were refused before; they are not sent again (each refusal counts
    /// towards the account's lockout).
    #[error("the {grant} grant's credentials were refused by {resource} before; not sent again")]
    CredentialsRefusedBefore {
        /// The host asked for.
        resource: String,
        /// The grant.
        grant: String,
    },
    /// The user's provider failed.
    #[error("the token provider failed: {0}")]
    Provider(Box<dyn std::error::Error + Send + Sync>),
}

impl AuthError {
    /// Whether the credentials or the token were refused: the token endpoint answered
    /// `invalid_grant` (a wrong password, a wrong meeting key), the Windows account was refused,
    /// credentials refused before were not sent again, the server refused a fresh token, or
    /// the user's provider failed to give one. Signing in again, with other credentials, is
    /// what helps; a transport failure, a grant the server does not take or a challenge that
    /// cannot be read are not refusals.
    pub fn is_refused_grant(&self) -> bool {
        match self {
            AuthError::Refused(error) => error.code == TokenErrorCode::InvalidGrant,
            AuthError::IntegratedRefused { .. }
            | AuthError::CredentialsRefusedBefore { .. }
            | AuthError::Rejected { .. }
            | AuthError::Provider(_) => true,
            _ => false,
        }
    }

    /// The token endpoint's refusal, when that is what this is (its OAuth code, description
    /// and diagnostics).
    pub fn refusal(&self) -> Option<&TokenError> {
        match self {
            AuthError::Refused(error) => Some(error),
            _ => None,
        }
    }

    /// The token endpoint's transport failure, when that is what this is.
    pub fn transport(&self) -> Option<&crate::TransportError> {
        match self {
            AuthError::Transport(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the token endpoint did not answer in time.
    pub fn is_timeout(&self) -> bool {
        self.transport()
            .is_some_and(crate::TransportError::is_timeout)
    }

    /// Whether the proxy refused its credentials on the way to the token endpoint.
    pub fn is_proxy_auth(&self) -> bool {
        self.transport()
            .is_some_and(crate::TransportError::is_proxy_auth)
    }

    /// Whether no connection to the token endpoint could be made.
    pub fn is_connect(&self) -> bool {
        self.transport()
            .is_some_and(crate::TransportError::is_connect)
    }
}
