//! Where tokens come from: a [`TokenProvider`] is asked for a token for a host, with the
//! challenges that host sent. The password and anonymous-meeting grants ask the `MsRtcOAuth`
//! token endpoint; an Azure AD provider (Skype for Business Online) is the user's, built on the
//! OAuth library they choose, and gets the `Bearer` challenge's `authorization_uri` and
//! `client_id`. Integrated Windows authentication (`urn:microsoft.rtc:windows`) would be one
//! more provider here; it is not implemented.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::auth::AuthError;
use crate::auth::challenge::{Bearer, Challenges, GrantType};
use crate::auth::token::{self, Grant, IssuedToken, Password, Token};

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<IssuedToken, AuthError>> + Send + 'a>>;

/// What a provider is asked.
#[derive(Clone, Copy, Debug)]
pub struct TokenRequest<'a> {
    /// The host the token is for, as an origin URL (`https://fe1.contoso.com/`): the OAuth
    /// *resource*. The token will be sent to this host only.
    pub resource: &'a url::Url,
    /// Every challenge of the 401 that asked for a token (empty when renewing ahead of expiry
    /// with nothing remembered).
    pub challenges: &'a Challenges,
    /// The HTTP client to reach a token endpoint with.
    pub http: &'a reqwest::Client,
    /// The token being replaced, if any (the anonymous grant renews with it).
    pub previous: Option<&'a Token>,
    /// How long a token request may take.
    pub timeout: Duration,
}

impl TokenRequest<'_> {
    /// The `Bearer` challenge (Azure AD's `authorization_uri` and `client_id`), if sent.
    pub fn bearer(&self) -> Option<Bearer> {
        self.challenges.bearer()
    }

    /// The token endpoint of the `MsRtcOAuth` challenge, checked to offer `grant` and to be on
    /// the challenging host: credentials never go to a host other than the one asking.
    pub fn token_endpoint(&self, grant: &GrantType) -> Result<url::Url, AuthError> {
        let resource = origin_text(self.resource);
        let oauth = self
            .challenges
            .ms_rtc_oauth()?
            .ok_or_else(|| AuthError::NoChallenge {
                resource: resource.clone(),
                scheme: "MsRtcOAuth",
            })?;
        if !oauth.grant_types.contains(grant) {
            return Err(AuthError::GrantNotOffered {
                resource,
                grant: grant.as_str().to_owned(),
                offered: oauth
                    .grant_types
                    .iter()
                    .map(GrantType::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            });
        }
        if oauth.href.origin() != self.resource.origin() {
            return Err(AuthError::ForeignTokenEndpoint {
                resource,
                href: oauth.href.to_string(),
            });
        }
        Ok(oauth.href)
    }
}

pub(crate) fn origin_text(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// Gives tokens for hosts. Implement it to plug in Azure AD or any other OAuth flow.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token for `request.resource`.
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a>;
}

/// The `password` grant, for every host that challenges with `MsRtcOAuth` and offers it.
#[derive(Clone, Debug)]
pub struct PasswordGrant {
    username: String,
    password: Password,
}

impl PasswordGrant {
    /// Signs in as `username` (usually the sign-in address) with `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        PasswordGrant {
            username: username.into(),
            password: Password::new(password),
        }
    }
}

impl TokenProvider for PasswordGrant {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let href = request.token_endpoint(&GrantType::Password)?;
            let grant = Grant::Password {
                username: self.username.clone(),
                password: self.password.clone(),
            };
            token::request(request.http, &href, &grant, request.timeout).await
        })
    }
}

/// The `urn:microsoft.rtc:anonmeeting` grant: joins one meeting without an account, and renews
/// with the previous token so that the anonymous identity stays the same.
#[derive(Clone, Debug)]
pub struct AnonymousMeeting {
    conference_uri: String,
    key: Password,
    display_name: Option<String>,
}

impl AnonymousMeeting {
    /// The meeting at `conference_uri`, with its key.
    pub fn new(conference_uri: impl Into<String>, key: impl Into<String>) -> Self {
        AnonymousMeeting {
            conference_uri: conference_uri.into(),
            key: Password::new(key),
            display_name: None,
        }
    }

    /// The name the guest gives, which the meeting's others see.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }
}

impl TokenProvider for AnonymousMeeting {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let href = request.token_endpoint(&GrantType::AnonMeeting)?;
            let grant = Grant::AnonMeeting {
                conference_uri: self.conference_uri.clone(),
                key: self.key.clone(),
                renew: request.previous.cloned(),
                display_name: self.display_name.clone(),
            };
            token::request(request.http, &href, &grant, request.timeout).await
        })
    }
}

/// A token obtained elsewhere, for one host only.
#[derive(Clone, Debug)]
pub struct StaticToken {
    origin: url::Origin,
    token: Token,
}

impl StaticToken {
    /// `token`, to be sent to `origin` (e.g. `https://fe1.contoso.com`) and nowhere else.
    pub fn new(origin: &url::Url, token: impl Into<String>) -> Self {
        StaticToken {
            origin: origin.origin(),
            token: Token::new(token),
        }
    }
}

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            if request.resource.origin() != self.origin {
                return Err(AuthError::NotForThisHost {
                    origin: self.origin.ascii_serialization(),
                    resource: origin_text(request.resource),
                });
            }
            Ok(IssuedToken::new(self.token.clone()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_for<'a>(
        resource: &'a url::Url,
        challenges: &'a Challenges,
        http: &'a reqwest::Client,
    ) -> TokenRequest<'a> {
        TokenRequest {
            resource,
            challenges,
            http,
            previous: None,
            timeout: Duration::from_secs(1),
        }
    }

    fn challenges(value: &str) -> Challenges {
        Challenges(crate::auth::challenge::parse(value).unwrap())
    }

    #[test]
    fn credentials_go_only_to_a_token_endpoint_on_the_challenging_host() {
        let http = reqwest::Client::new();
        let fe: url::Url = "https://fe.contoso.com".parse().unwrap();
        let ok = challenges(
            "MsRtcOAuth href=https://fe.contoso.com/WebTicket/oauthtoken,grant_type=\"password\"",
        );
        assert_eq!(
            request_for(&fe, &ok, &http)
                .token_endpoint(&GrantType::Password)
                .unwrap()
                .as_str(),
            "https://fe.contoso.com/WebTicket/oauthtoken"
        );
        for elsewhere in [
            "https://evil.example/WebTicket/oauthtoken",
            "http://fe.contoso.com/WebTicket/oauthtoken",
            "https://fe.contoso.com:444/WebTicket/oauthtoken",
        ] {
            let c = challenges(&format!(
                "MsRtcOAuth href={elsewhere},grant_type=\"password\""
            ));
            let error = request_for(&fe, &c, &http)
                .token_endpoint(&GrantType::Password)
                .unwrap_err();
            assert!(
                matches!(&error, AuthError::ForeignTokenEndpoint { href, .. } if href == elsewhere),
                "{error}"
            );
        }
    }

    #[test]
    fn a_grant_not_offered_and_a_missing_challenge_are_errors() {
        let http = reqwest::Client::new();
        let fe: url::Url = "https://fe.contoso.com".parse().unwrap();
        let windows_only = challenges(
            "MsRtcOAuth href=https://fe.contoso.com/t,grant_type=\"urn:microsoft.rtc:windows\"",
        );
        let error = request_for(&fe, &windows_only, &http)
            .token_endpoint(&GrantType::Password)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "https://fe.contoso.com does not offer the password grant (it offers: urn:microsoft.rtc:windows)"
        );
        let bearer_only =
            challenges("Bearer client_id=\"c\", authorization_uri=\"https://login.example/a\"");
        let request = request_for(&fe, &bearer_only, &http);
        assert!(matches!(
            request.token_endpoint(&GrantType::Password),
            Err(AuthError::NoChallenge {
                scheme: "MsRtcOAuth",
                ..
            })
        ));
        let bearer = request.bearer().unwrap();
        assert_eq!(bearer.client_id.as_deref(), Some("c"));
        assert_eq!(
            bearer.authorization_uri.as_deref(),
            Some("https://login.example/a")
        );
    }
}
