//! Tokens and the token endpoint: the grants a client can ask with (form-encoded POSTs to the
//! `href` of the `MsRtcOAuth` challenge), the answer when one is issued, and the typed error
//! when one is refused.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use ucwa::http::{HeaderValue, StatusCode, header};

use crate::auth::AuthError;
use crate::auth::challenge::GrantType;
use crate::diagnostics::{self, Diagnostic};
use crate::{TransportError, body};

/// A bearer token, kept out of `Debug` output and logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, to hand to another HTTP client; never log it.
    pub fn secret(&self) -> &str {
        &self.0
    }

    pub(crate) fn header(&self) -> Result<HeaderValue, ucwa::RequestError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| {
            ucwa::RequestError::Http("the token is not a valid header value".to_owned())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A password, kept out of `Debug` output and logs.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Password(password.into())
    }
}

impl Password {
    /// The password itself, for the one place that must send or hash it; never log it.
    #[cfg_attr(not(feature = "windows-auth"), allow(dead_code))]
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What the token endpoint is asked with.
#[derive(Clone, Debug)]
pub enum Grant {
    /// `password`: a user's sign-in name and password.
    Password {
        /// The user name (the sign-in address, or `DOMAIN\user`).
        username: String,
        /// The password.
        password: Password,
    },
    /// `urn:microsoft.rtc:anonmeeting`: an anonymous join of one meeting.
    AnonMeeting {
        /// The meeting's conference URI
        /// (`sip:organizer@contoso.com;gruu;opaque=app:conf:focus:id:ID`).
        conference_uri: String,
        /// The meeting key (sent as `password`).
        key: Password,
        /// The token being renewed (`ms_rtc_renew`), so that the anonymous identity stays the
        /// same for the whole meeting.
        renew: Option<Token>,
        /// The name the guest gives (`display_name`), when set: the emulator takes it with the
        /// grant; the reference defines no such field, and a real server ignores it.
        display_name: Option<String>,
    },
}

impl Grant {
    /// The grant's name on the wire.
    pub fn grant_type(&self) -> GrantType {
        match self {
            Grant::Password { .. } => GrantType::Password,
            Grant::AnonMeeting { .. } => GrantType::AnonMeeting,
        }
    }

    /// The form body.
    fn form(&self) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", self.grant_type().as_str());
        match self {
            Grant::Password { username, password } => {
                form.append_pair("username", username);
                form.append_pair("password", &password.0);
            }
            Grant::AnonMeeting {
                conference_uri,
                key,
                renew,
                display_name,
            } => {
                form.append_pair("password", &key.0);
                form.append_pair("ms_rtc_conferenceuri", conference_uri);
                if let Some(renew) = renew {
                    form.append_pair("ms_rtc_renew", &renew.0);
                }
                if let Some(name) = display_name {
                    form.append_pair("display_name", name);
                }
            }
        }
        form.finish()
    }
}

/// A token the endpoint issued.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The token.
    pub access_token: Token,
    /// How long it lives from when it was issued, when the endpoint says.
    pub expires_in: Option<Duration>,
    /// `ms_rtc_identityscope` (`local`, `anonymous`, ...), when sent.
    pub identity_scope: Option<String>,
    /// `token_type`; always `Bearer` from UCWA servers.
    pub token_type: String,
}

impl IssuedToken {
    /// A token that does not say when it expires (a static token).
    pub fn new(token: Token) -> Self {
        IssuedToken {
            access_token: token,
            expires_in: None,
            identity_scope: None,
            token_type: "Bearer".to_owned(),
        }
    }
}

/// The `error` of a refused token request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenErrorCode {
    /// `invalid_request`: a parameter is missing or malformed.
    InvalidRequest,
    /// `invalid_grant`: the credentials were not accepted.
    InvalidGrant,
    /// `unsupported_grant_type`: the endpoint does not take this grant.
    UnsupportedGrantType,
    /// `invalid_scope`: the scope was not accepted.
    InvalidScope,
    /// `server_error`: the endpoint failed.
    ServerError,
    /// Any other code, as sent.
    Other(String),
}

impl TokenErrorCode {
    fn from_name(name: &str) -> Self {
        match name {
            "invalid_request" => TokenErrorCode::InvalidRequest,
            "invalid_grant" => TokenErrorCode::InvalidGrant,
            "unsupported_grant_type" => TokenErrorCode::UnsupportedGrantType,
            "invalid_scope" => TokenErrorCode::InvalidScope,
            "server_error" => TokenErrorCode::ServerError,
            other => TokenErrorCode::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for TokenErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenErrorCode::InvalidRequest => "invalid_request",
            TokenErrorCode::InvalidGrant => "invalid_grant",
            TokenErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            TokenErrorCode::InvalidScope => "invalid_scope",
            TokenErrorCode::ServerError => "server_error",
            TokenErrorCode::Other(other) => other,
        })
    }
}

/// A refused token request, as the endpoint explained it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// The status (400 for every refusal the reference shows).
    pub status: StatusCode,
    /// `error`.
    pub code: TokenErrorCode,
    /// `error_description`, when sent.
    pub description: Option<String>,
    /// `ms_rtc_passiveauthuri`: where passive authentication would go, when sent.
    pub passive_auth_uri: Option<String>,
    /// The `X-Ms-Diagnostics` of the answer.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        for diagnostic in &self.diagnostics {
            write!(f, " ({diagnostic})")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Issued {
    access_token: String,
    expires_in: Option<u64>,
    ms_rtc_identityscope: Option<String>,
    token_type: Option<String>,
}

#[derive(Deserialize)]
struct Refused {
    error: String,
    error_description: Option<String>,
    ms_rtc_passiveauthuri: Option<String>,
}

/// Asks the token endpoint at `href` for a token with `grant`.
pub async fn request(
    http: &reqwest::Client,
    href: &url::Url,
    grant: &Grant,
    timeout: Duration,
) -> Result<IssuedToken, AuthError> {
    let method = ucwa::http::Method::POST;
    let response = http
        .post(href.clone())
        .header(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded;charset=UTF-8",
        )
        .header(header::ACCEPT, "application/json")
        .timeout(timeout)
        .body(grant.form())
        .send()
        .await
        .map_err(|e| AuthError::Transport(TransportError::http(&method, href, e)))?;
    let status = response.status();
    let diagnostics = diagnostics::from_headers(response.headers());
    let bytes = body::read(response, body::SMALL_LIMIT)
        .await
        .map_err(|e| AuthError::Transport(TransportError::unread(&method, href, e)))?;
    read_answer(status, diagnostics, &bytes)
}

/// The token, or the typed refusal, in a token endpoint's answer.
pub(crate) fn read_answer(
    status: StatusCode,
    diagnostics: Vec<Diagnostic>,
    body: &[u8],
) -> Result<IssuedToken, AuthError> {
    if status.is_success() {
        let issued: Issued =
            serde_json::from_slice(body).map_err(|e| AuthError::UnreadableAnswer {
                status,
                reason: format!("not a token: {e}"),
                diagnostics: diagnostics.clone(),
            })?;
        if issued.access_token.is_empty() {
            return Err(AuthError::UnreadableAnswer {
                status,
                reason: "the access_token is empty".to_owned(),
                diagnostics,
            });
        }
        return Ok(IssuedToken {
            access_token: Token(issued.access_token),
            expires_in: issued.expires_in.map(Duration::from_secs),
            identity_scope: issued.ms_rtc_identityscope,
            token_type: issued.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        });
    }
    match serde_json::from_slice::<Refused>(body) {
        Ok(refused) => Err(AuthError::Refused(TokenError {
            status,
            code: TokenErrorCode::from_name(&refused.error),
            description: refused.error_description,
            passive_auth_uri: refused.ms_rtc_passiveauthuri,
            diagnostics,
        })),
        Err(_) => Err(AuthError::UnreadableAnswer {
            status,
            reason: "neither a token nor an OAuth error".to_owned(),
            diagnostics,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(grant: &Grant) -> Vec<(String, String)> {
        url::form_urlencoded::parse(grant.form().as_bytes())
            .into_owned()
            .collect()
    }

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_password_grant_is_form_encoded() {
        let grant = Grant::Password {
            username: "lene@contoso.com".into(),
            password: Password::new("p&ss=wörd"),
        };
        assert_eq!(
            grant.form(),
            "grant_type=password&username=lene%40contoso.com&password=p%26ss%3Dw%C3%B6rd"
        );
        assert!(!format!("{grant:?}").contains("p&ss"));
    }

    #[test]
    fn the_anonymous_grant_carries_the_meeting_and_the_renewed_token() {
        let uri = "sip:john@contoso.com;gruu;opaque=app:conf:focus:id:5LB7MRBC";
        let mut grant = Grant::AnonMeeting {
            conference_uri: uri.into(),
            key: Password::new("5LB7MRBC"),
            renew: None,
            display_name: None,
        };
        assert_eq!(
            form(&grant),
            pairs(&[
                ("grant_type", "urn:microsoft.rtc:anonmeeting"),
                ("password", "5LB7MRBC"),
                ("ms_rtc_conferenceuri", uri)
            ])
        );
        if let Grant::AnonMeeting { renew, .. } = &mut grant {
            *renew = Some(Token::new("cwt=AA+/="));
        }
        assert_eq!(form(&grant)[3], ("ms_rtc_renew".into(), "cwt=AA+/=".into()));
        assert!(grant.form().ends_with("ms_rtc_renew=cwt%3DAA%2B%2F%3D"));
    }

    #[test]
    fn an_issued_token_is_typed() {
        let token = read_answer(
            StatusCode::OK,
            Vec::new(),
            br#"{"access_token":"cwt=AAEB","expires_in":28289,"ms_rtc_identityscope":"local","token_type":"Bearer"}"#,
        )
        .unwrap();
        assert_eq!(token.access_token.secret(), "cwt=AAEB");
        assert_eq!(token.expires_in, Some(Duration::from_secs(28289)));
        assert_eq!(token.identity_scope.as_deref(), Some("local"));
        assert_eq!(token.token_type, "Bearer");
        assert!(!format!("{token:?}").contains("AAEB"));
    }

    #[test]
    fn refusals_are_typed_with_their_diagnostics() {
        let diagnostics = diagnostics::parse(
            r#"28029;source="fe.contoso.com";reason="Authentication type not allowed.""#,
        )
        .unwrap();
        let cases = [
            ("invalid_request", TokenErrorCode::InvalidRequest),
            ("invalid_grant", TokenErrorCode::InvalidGrant),
            (
                "unsupported_grant_type",
                TokenErrorCode::UnsupportedGrantType,
            ),
            ("invalid_scope", TokenErrorCode::InvalidScope),
            ("server_error", TokenErrorCode::ServerError),
            ("slow_down", TokenErrorCode::Other("slow_down".into())),
        ];
        for (name, code) in cases {
            let body = format!(r#"{{"error":"{name}","ms_rtc_passiveauthuri":"https://fe/p"}}"#);
            match read_answer(
                StatusCode::BAD_REQUEST,
                diagnostics.clone(),
                body.as_bytes(),
            ) {
                Err(AuthError::Refused(error)) => {
                    assert_eq!(error.code, code);
                    assert_eq!(error.code.to_string(), name);
                    assert_eq!(error.passive_auth_uri.as_deref(), Some("https://fe/p"));
                    assert_eq!(error.diagnostics[0].id, 28029);
                    assert_eq!(
                        error.to_string(),
                        format!(
                            "400 {name} (diagnostic 28029 from fe.contoso.com: Authentication type not allowed.)"
                        )
                    );
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn answers_that_are_neither_are_unreadable() {
        for (status, body) in [
            (StatusCode::OK, &b"<html>"[..]),
            (StatusCode::OK, br#"{"access_token":""}"#),
            (StatusCode::OK, br#"{"token_type":"Bearer"}"#),
            (StatusCode::INTERNAL_SERVER_ERROR, b"oops"),
        ] {
            let error = read_answer(status, Vec::new(), body).unwrap_err();
            assert!(
                matches!(&error, AuthError::UnreadableAnswer { status: s, .. } if *s == status),
                "{error:?}"
            );
        }
    }
}
