//! Several grants in the order the user chose ([`Grants`]): the first that the host's challenge
//! offers is asked; the next is tried only when the server does not take the grant at all
//! (not offered, `unsupported_grant_type`, no integrated scheme). A refusal of the credentials
//! themselves (`invalid_grant`, an NTLM handshake refused) ends the sign-in with that error,
//! and that grant is never sent again by this provider: each refused password counts towards
//! the account's lockout, and a retry loop (a 401, a fresh token, a 401 again) would lock it.

use std::sync::{Arc, Mutex};

use crate::auth::AuthError;
use crate::auth::challenge::GrantType;
use crate::auth::provider::{TokenFuture, TokenProvider, TokenRequest, origin_text};
use crate::auth::token::TokenErrorCode;

/// Which of the password and Windows grants comes first when both are configured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrantOrder {
    /// The password grant, then the Windows grant: for a person signing in with a password.
    #[default]
    PasswordFirst,
    /// The Windows grant, then the password grant: for a service running as a domain account
    /// (and servers that refuse the password grant, `unsupported_grant_type`).
    WindowsFirst,
}

/// Grants tried in order (see the module's documentation for when the next one is tried).
#[derive(Debug, Default)]
pub struct Grants {
    steps: Vec<(GrantType, Arc<dyn TokenProvider>)>,
    /// The grants whose credentials were refused: never sent again.
    refused: Mutex<Vec<GrantType>>,
}

impl Grants {
    /// No grant yet.
    pub fn new() -> Self {
        Grants::default()
    }

    /// Adds `provider`, which answers with `grant`, after those added so far.
    pub fn then(mut self, grant: GrantType, provider: Arc<dyn TokenProvider>) -> Self {
        self.steps.push((grant, provider));
        self
    }

    /// The grants, in order.
    pub fn order(&self) -> Vec<GrantType> {
        self.steps.iter().map(|(grant, _)| grant.clone()).collect()
    }

    fn refused(&self) -> std::sync::MutexGuard<'_, Vec<GrantType>> {
        // A panic elsewhere while holding it leaves a list that is still right.
        self.refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_refused(&self, grant: &GrantType) -> bool {
        self.refused().contains(grant)
    }

    fn refuse(&self, grant: &GrantType) {
        self.refused().push(grant.clone());
    }
}

/// Whether `error` says the server does not take the grant at all (so the next grant is worth
/// a try), rather than that it refused the credentials.
pub fn falls_back(error: &AuthError) -> bool {
    match error {
        AuthError::GrantNotOffered { .. } | AuthError::IntegratedNotOffered { .. } => true,
        AuthError::Refused(refusal) => refusal.code == TokenErrorCode::UnsupportedGrantType,
        _ => false,
    }
}

/// Whether `error` is a refusal of the credentials, after which they must not be sent again.
fn credentials_refused(error: &AuthError) -> bool {
    match error {
        AuthError::IntegratedRefused { .. } => true,
        AuthError::Refused(refusal) => refusal.code == TokenErrorCode::InvalidGrant,
        _ => false,
    }
}

impl TokenProvider for Grants {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let offered: Option<Vec<GrantType>> = request
                .challenges
                .ms_rtc_oauth()
                .ok()
                .flatten()
                .map(|oauth| oauth.grant_types.into_iter().collect());
            let mut last = None;
            for (grant, provider) in &self.steps {
                if offered
                    .as_ref()
                    .is_some_and(|offered| !offered.contains(grant))
                {
                    continue;
                }
                if self.is_refused(grant) {
                    // Refused before: the same credentials would be refused again.
                    last = Some(AuthError::CredentialsRefusedBefore {
                        resource: origin_text(request.resource),
                        grant: grant.as_str().to_owned(),
                    });
                    continue;
                }
                match provider.token(request).await {
                    Ok(token) => return Ok(token),
                    Err(error) if falls_back(&error) => {
                        tracing::info!(grant = grant.as_str(), %error, "grant not taken; trying the next");
                        last = Some(error);
                    }
                    Err(error) => {
                        if credentials_refused(&error) {
                            self.refuse(grant);
                        }
                        return Err(error);
                    }
                }
            }
            Err(last.unwrap_or_else(|| AuthError::GrantNotOffered {
                resource: origin_text(request.resource),
                grant: self
                    .order()
                    .iter()
                    .map(GrantType::as_str)
                    .collect::<Vec<_>>()
                    .join(" or "),
                offered: offered
                    .unwrap_or_default()
                    .iter()
                    .map(GrantType::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            }))
        })
    }
}
