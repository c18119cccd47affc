//! The `urn:microsoft.rtc:windows` grant (integrated Windows authentication), with NTLM from
//! `sspi` (Devolutions' SSPI in Rust; the `windows-auth` feature). The token request carries no
//! user name or password: the token endpoint answers it with a 401 offering `NTLM` and/or
//! `Negotiate`, and the NTLM handshake runs over the same request, resent with each message in
//! `Authorization`. NTLM authenticates a connection, not a request: the three requests must go
//! on one connection, so the 401s' bodies are read to their end (which hands the connection back
//! to reqwest's pool, where the next request to that host takes it; the handshake sends nothing
//! else in between). A server offering only `Negotiate` gets the raw NTLM messages under that
//! scheme, which IIS takes (SPNEGO falls back to them); Kerberos is not tried.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sspi::{
    AuthIdentity, AuthIdentityBuffers, BufferType, ClientRequestFlags, CredentialUse,
    DataRepresentation, Ntlm, Secret, SecurityBuffer, Sspi, SspiImpl, Username,
};
use ucwa::http::{HeaderMap, StatusCode, header};

use crate::auth::AuthError;
use crate::auth::challenge::GrantType;
use crate::auth::provider::{TokenFuture, TokenProvider, TokenRequest, origin_text};
use crate::auth::token::{self, IssuedToken, Password};
use crate::{TransportError, body, diagnostics};

/// The Windows grant with NTLM, as a domain account named by its user name, domain and
/// password (the password never leaves this machine: NTLM proves it is known).
#[derive(Clone, Debug)]
pub struct WindowsGrant {
    username: String,
    password: Password,
}

impl WindowsGrant {
    /// Signs in as `user` of the Windows `domain` (its NetBIOS name, `CONTOSO`): the account
    /// `CONTOSO\user`. Give `None` as the domain for a user principal name (`lene@contoso.com`).
    pub fn new(user: &str, domain: Option<&str>, password: impl Into<String>) -> Self {
        let username = match domain {
            Some(domain) => format!("{domain}\\{user}"),
            None => user.to_owned(),
        };
        WindowsGrant {
            username,
            password: Password::new(password),
        }
    }

    /// The account from the environment a domain service is given: `UCWA_WINDOWS_USER`
    /// (`CONTOSO\svc-ucwa` or `svc-ucwa@contoso.com`) and `UCWA_WINDOWS_PASSWORD`. `None` when
    /// either is missing. (A service on Windows would rather use its logon session; sspi's
    /// pure-Rust NTLM needs the password.)
    pub fn from_env() -> Option<Self> {
        let user = std::env::var("UCWA_WINDOWS_USER").ok()?;
        let password = std::env::var("UCWA_WINDOWS_PASSWORD").ok()?;
        Some(WindowsGrant {
            username: user,
            password: Password::new(password),
        })
    }

    /// The account, as sent in the NTLM Authenticate message.
    pub fn account(&self) -> &str {
        &self.username
    }
}

impl TokenProvider for WindowsGrant {
    fn token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(async move {
            let href = request.token_endpoint(&GrantType::Windows)?;
            let resource = origin_text(request.resource);
            let mut ntlm = Handshake::start(&self.username, &self.password, &resource)?;
            // The grant alone: the endpoint says which integrated schemes it takes.
            let first = post(&request, &href, None).await?;
            let scheme = match first {
                Answer::Done(answer) => return answer,
                Answer::Challenged(offered) => {
                    pick_scheme(&offered).ok_or_else(|| AuthError::IntegratedNotOffered {
                        resource: resource.clone(),
                    })?
                }
            };
            let negotiate = ntlm.step(None)?;
            let challenge = match post(&request, &href, Some((scheme, &negotiate))).await? {
                Answer::Done(answer) => return answer,
                Answer::Challenged(offered) => challenge_of(&offered, scheme),
            };
            let Some(challenge) = challenge else {
                // No challenge for our Negotiate message: the handshake cannot go on.
                return Err(AuthError::IntegratedRefused { resource });
            };
            let authenticate = ntlm.step(Some(challenge))?;
            match post(&request, &href, Some((scheme, &authenticate))).await? {
                Answer::Done(answer) => answer,
                // A 401 to the Authenticate message: the account or its password was refused.
                Answer::Challenged(_) => Err(AuthError::IntegratedRefused { resource }),
            }
        })
    }
}

/// What one leg's answer was.
enum Answer {
    /// A token or a refusal in OAuth's terms: the exchange is over.
    Done(Result<IssuedToken, AuthError>),
    /// A 401, with its `WWW-Authenticate` values.
    Challenged(Vec<String>),
}

async fn post(
    request: &TokenRequest<'_>,
    href: &url::Url,
    authorization: Option<(&str, &[u8])>,
) -> Result<Answer, AuthError> {
    let method = ucwa::http::Method::POST;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", GrantType::Windows.as_str())
        .finish();
    let mut builder = request
        .http
        .post(href.clone())
        .header(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded;charset=UTF-8",
        )
        .header(header::ACCEPT, "application/json")
        .timeout(request.timeout)
        .body(form);
    if let Some((scheme, message)) = authorization {
        let mut value =
            ucwa::http::HeaderValue::from_str(&format!("{scheme} {}", STANDARD.encode(message)))
                .map_err(|_| AuthError::Provider("an NTLM message is not a header value".into()))?;
        value.set_sensitive(true);
        builder = builder.header(header::AUTHORIZATION, value);
    }
    let response = builder
        .send()
        .await
        .map_err(|e| AuthError::Transport(TransportError::http(&method, href, e)))?;
    let status = response.status();
    let headers = response.headers().clone();
    let diagnostics = diagnostics::from_headers(&headers);
    // Read to the end even when it is a 401: the connection then goes back to the pool, and
    // the next leg of the handshake goes on it.
    let bytes = body::read(response, body::SMALL_LIMIT)
        .await
        .map_err(|e| AuthError::Transport(TransportError::unread(&method, href, e)))?;
    if status == StatusCode::UNAUTHORIZED {
        return Ok(Answer::Challenged(authenticate_values(&headers)));
    }
    Ok(Answer::Done(token::read_answer(
        status,
        diagnostics,
        &bytes,
    )))
}

fn authenticate_values(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .collect()
}

/// `NTLM` when offered, else `Negotiate` (which takes NTLM's messages as they are).
fn pick_scheme(offered: &[String]) -> Option<&'static str> {
    ["NTLM", "Negotiate"].into_iter().find(|scheme| {
        offered.iter().any(|value| {
            value.split(' ').next() == Some(*scheme) || value.eq_ignore_ascii_case(scheme)
        })
    })
}

/// The challenge message in the `scheme <base64>` value of a 401.
fn challenge_of(offered: &[String], scheme: &str) -> Option<Vec<u8>> {
    offered.iter().find_map(|value| {
        let (name, data) = value.split_once(' ')?;
        if !name.eq_ignore_ascii_case(scheme) {
            return None;
        }
        STANDARD.decode(data.trim()).ok()
    })
}

/// The client side of one NTLM handshake (the Windows grant's, and an NTLM proxy's).
pub(crate) struct Handshake {
    ntlm: Ntlm,
    credentials: Option<AuthIdentityBuffers>,
    target: String,
}

impl Handshake {
    pub(crate) fn start(
        username: &str,
        password: &Password,
        resource: &str,
    ) -> Result<Self, AuthError> {
        let identity = AuthIdentity {
            username: Username::parse(username).map_err(failed)?,
            password: Secret::from(password.expose().to_owned()),
        };
        let mut ntlm = Ntlm::new();
        let credentials = ntlm
            .acquire_credentials_handle()
            .with_credential_use(CredentialUse::Outbound)
            .with_auth_data(&identity)
            .execute(&mut ntlm)
            .map_err(failed)?
            .credentials_handle;
        let host = resource.split("://").nth(1).unwrap_or(resource);
        Ok(Handshake {
            ntlm,
            credentials,
            target: format!("HTTP/{host}"),
        })
    }

    /// The next message: Negotiate first, then Authenticate for the server's challenge.
    pub(crate) fn step(&mut self, challenge: Option<Vec<u8>>) -> Result<Vec<u8>, AuthError> {
        let mut input = challenge
            .map(|c| vec![SecurityBuffer::new(c, BufferType::Token)])
            .unwrap_or_default();
        let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
        let mut builder = self
            .ntlm
            .initialize_security_context()
            .with_credentials_handle(&mut self.credentials)
            .with_context_requirements(ClientRequestFlags::ALLOCATE_MEMORY)
            .with_target_data_representation(DataRepresentation::Native)
            .with_target_name(&self.target)
            .with_input(&mut input)
            .with_output(&mut output);
        self.ntlm
            .initialize_security_context_impl(&mut builder)
            .map_err(failed)?
            .resolve_to_result()
            .map_err(failed)?;
        Ok(output.pop().map(|b| b.buffer).unwrap_or_default())
    }
}

fn failed(error: impl std::error::Error + Send + Sync + 'static) -> AuthError {
    AuthError::Provider(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_is_ntlm_when_offered_else_negotiate() {
        let both = vec!["Negotiate".to_owned(), "NTLM".to_owned()];
        assert_eq!(pick_scheme(&both), Some("NTLM"));
        assert_eq!(pick_scheme(&["Negotiate".to_owned()]), Some("Negotiate"));
        assert_eq!(pick_scheme(&["Basic realm=\"x\"".to_owned()]), None);
    }

    #[test]
    fn the_password_stays_out_of_debug_output() {
        let grant = WindowsGrant::new("lene", Some("CONTOSO"), "s3cret-Passw0rd");
        let debug = format!("{grant:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert_eq!(grant.account(), "CONTOSO\\lene");
    }
}
