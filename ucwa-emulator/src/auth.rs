//! Authentication as the web server in front of UCWA does it: every request to a protected
//! resource carries a bearer token issued by *this* origin's token endpoint (or the configured
//! static token, on the first origin), else a 401 with the `Bearer` and `MsRtcOAuth`
//! challenges; and the token endpoint (`/WebTicket/oauthtoken`) with the `password` and
//! `urn:microsoft.rtc:anonmeeting` grants and the OAuth error answers, and (with the
//! `windows-auth` feature) the `urn:microsoft.rtc:windows` grant, checked with NTLM. The grants
//! offered and taken are the configured ones ([`crate::Config::grants`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Extract};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use ucwa::http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::handler::Caller;
use crate::paths::TOKEN_PATH;
use crate::serve::Peer;
use crate::state::State;

/// The Windows grant's name.
const WINDOWS: &str = "urn:microsoft.rtc:windows";

/// What the web server in front of UCWA sends with a 401: HTML, not a UCWA error body, since
/// UCWA itself never sees the request.
const UNAUTHORIZED_PAGE: &str = "<html><head><title>401 - Unauthorized</title></head><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>";

/// The longest name a guest may give (the invitation's `anonymousDisplayName` bound,
/// <https://learn.microsoft.com/en-us/skype-sdk/ucwa/onlinemeetinginvitation_ref>).
const MAX_DISPLAY_NAME: usize = 250;

/// The most a token request may hold.
const FORM_LIMIT: usize = 16 * 1024;

/// One origin's handlers' state: the shared state and which origin this is.
#[derive(Clone)]
pub(crate) struct Site {
    pub state: Arc<State>,
    pub index: usize,
}

/// The scheme and authority a request was addressed to, from its `Host`, for links and
/// challenges that point back at the same origin under the name the client used.
pub(crate) fn own_origin(state: &State, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("{}://{host}", state.scheme())
}

/// A request to a protected resource: through with a token this origin accepts, else 401.
pub(crate) async fn authorize(
    Extract(site): Extract<Site>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    if let Some(token) = given {
        site.state.observed.saw_token(site.index, token);
        if let Some(user) = site.state.caller(site.index, token) {
            // Another user's application is not there for this one.
            if let Some(id) = crate::paths::application_id(request.uri().path())
                && site
                    .state
                    .apps
                    .owner(id)
                    .is_some_and(|owner| owner != user.index)
            {
                let format = crate::protocol::negotiated(request.headers());
                return crate::protocol::not_found().encode(format);
            }
            let mut request = request;
            request.extensions_mut().insert(Caller(user));
            return next.run(request).await;
        }
    }
    challenge(&site, request.headers())
}

fn challenge(site: &Site, headers: &HeaderMap) -> Response {
    let bearer = "Bearer trusted_issuers=\"\", client_id=\"00000004-0000-0ff1-ce00-000000000000\"";
    let bearer = match &site.state.config.authorization_uri {
        Some(uri) => format!("{bearer}, authorization_uri=\"{uri}\""),
        None => bearer.to_owned(),
    };
    let oauth = format!(
        "MsRtcOAuth href=\"{}{TOKEN_PATH}\",grant_type=\"{}\"",
        own_origin(&site.state, headers),
        site.state.config.grants.join(",")
    );
    let mut response = Response::new(Body::from(UNAUTHORIZED_PAGE));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let answer = response.headers_mut();
    answer.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    let values = if site.state.config.merge_challenges {
        vec![format!("{bearer}, {oauth}")]
    } else {
        vec![bearer, oauth]
    };
    for value in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            answer.append(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// `POST /WebTicket/oauthtoken`.
pub(crate) async fn token_endpoint(
    Extract(site): Extract<Site>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if body.len() > FORM_LIMIT {
        return refuse("invalid_request", None);
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let state = &site.state;
    let config = &state.config;
    // Form fields by name in any case, as the server's form reader takes them.
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    };
    let grant = field("grant_type");
    let user = match grant {
        None => return refuse("invalid_request", None),
        Some(grant)
            if state.injections.grant_refused(grant)
                || !config.grants.iter().any(|offered| offered == grant) =>
        {
            if grant == "password" {
                state.observed.password_grant();
            }
            return unsupported();
        }
        Some("password") => {
            state.observed.password_grant();
            let known = state.directory.sign_in(
                field("username").unwrap_or(""),
                field("password").unwrap_or(""),
            );
            let Some(user) = known else {
                return refuse(
                    "invalid_grant",
                    Some("28020;source=\"emulator\";reason=\"The credentials are not valid.\""),
                );
            };
            Some(user.clone())
        }
        Some("urn:microsoft.rtc:anonmeeting") => {
            let uri = field("ms_rtc_conferenceuri").unwrap_or("");
            let key = field("password");
            // The configured meeting with its key, or a scheduled one with its conference id
            // (the key a guest is given with the URI).
            let meeting = (uri == config.meeting_uri && key == Some(config.meeting_key.as_str()))
                || crate::focus::book(state).find(uri).is_some_and(|booked| {
                    key.is_some() && booked.meeting.conference_id.as_deref() == key
                });
            // A renewal names a token this origin issued to a guest of the same meeting, and
            // keeps that guest's identity (its SIP URI and name): the meeting sees the same
            // participant before and after.
            let renewing = field("ms_rtc_renew");
            let renewed = renewing.and_then(|old| {
                state
                    .tokens
                    .issued(old)
                    .filter(|i| i.site == site.index)
                    .and_then(|i| i.user)
                    .filter(|u| u.meeting.as_deref() == Some(uri))
            });
            if !meeting || (renewing.is_some() && renewed.is_none()) {
                return refuse(
                    "invalid_grant",
                    Some(
                        "28020;source=\"emulator\";reason=\"The meeting or its key is not valid.\"",
                    ),
                );
            }
            match renewed {
                Some(guest) => {
                    state.observed.anonymous_renewal();
                    Some(guest)
                }
                None => {
                    // Each grant a guest of its own, shown with the name it gave. The
                    // reference has no token-request field for that name (a real server takes
                    // it with the join, as the invitation's `anonymousDisplayName`); the
                    // emulator takes `display_name` here, its own choice, so that the identity
                    // is whole from the first request on.
                    let name = field("display_name")
                        .map(str::trim)
                        .filter(|name| !name.is_empty())
                        .unwrap_or("Guest");
                    if name.chars().count() > MAX_DISPLAY_NAME {
                        return refuse("invalid_request", None);
                    }
                    let number = state.tokens.next_guest();
                    Some(Arc::new(crate::directory::User::guest(number, name, uri)))
                }
            }
        }
        Some(WINDOWS) => match windows(&site, peer.map(|Extension(peer)| peer), &headers) {
            Ok(user) => Some(user),
            Err(answer) => return *answer,
        },
        Some(_) => return unsupported(),
    };
    let anonymous = user.as_ref().is_some_and(|u| u.meeting.is_some());
    let lifetime = if anonymous {
        config.anonymous_token_lifetime
    } else {
        config.token_lifetime
    };
    let Some(token) = state.issue(site.index, lifetime, user) else {
        // `limits.max_tokens` live tokens: a client asking for tokens in a loop. Refusing
        // the new grant keeps every token already out valid.
        tracing::warn!(
            max_tokens = config.limits.max_tokens,
            "token limit reached; grant refused"
        );
        let mut response = json_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({
                "error": "temporarily_unavailable",
                "error_description": "Too many live tokens (`limits.max_tokens`); try again later.",
            }),
            None,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let body = json!({
        "access_token": token,
        "expires_in": lifetime.as_secs(),
        "ms_rtc_identityscope": if anonymous { "anonymous" } else { "local" },
        "token_type": "Bearer",
    });
    json_answer(StatusCode::OK, body, None)
}

/// The Windows grant: IIS's integrated authentication in front of the token endpoint. Without
/// an `Authorization` header, a 401 offering `Negotiate` and `NTLM`; then the NTLM handshake on
/// the client's connection; the user whose password the client proved gets the token.
#[cfg(feature = "windows-auth")]
fn windows(
    site: &Site,
    peer: Option<Peer>,
    headers: &HeaderMap,
) -> Result<std::sync::Arc<crate::directory::User>, Box<Response>> {
    let state = &site.state;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("NTLM") || scheme.eq_ignore_ascii_case("Negotiate")
        });
    let (Some((scheme, token)), Some(peer)) = (given, peer) else {
        return Err(Box::new(integrated_challenge(&["Negotiate", "NTLM"])));
    };
    let mut pending = crate::lock::lock(state.data.get::<crate::ntlm::Handshakes>());
    let step = pending.step(peer, token, |account| {
        state
            .directory
            .windows_account(account)
            .map(|(_, password)| password)
    });
    drop(pending);
    match step {
        crate::ntlm::Step::Challenge(challenge) => {
            Err(Box::new(integrated_challenge(&[&format!(
                "{scheme} {challenge}"
            )])))
        }
        crate::ntlm::Step::Authenticated(account) => {
            state.observed.windows_grant();
            match state.directory.windows_account(&account) {
                Some((user, _)) => Ok(user.clone()),
                None => Err(Box::new(integrated_challenge(&["Negotiate", "NTLM"]))),
            }
        }
        crate::ntlm::Step::Refused => {
            state.observed.windows_grant();
            Err(Box::new(integrated_challenge(&["Negotiate", "NTLM"])))
        }
    }
}

/// Without the `windows-auth` feature, the Windows grant is offered (as real servers do) and
/// refused: there is nothing to check it with.
#[cfg(not(feature = "windows-auth"))]
fn windows(
    _: &Site,
    _: Option<Peer>,
    _: &HeaderMap,
) -> Result<std::sync::Arc<crate::directory::User>, Box<Response>> {
    Err(Box::new(unsupported()))
}

/// A 401 of integrated authentication: one `WWW-Authenticate` per value.
#[cfg_attr(not(feature = "windows-auth"), allow(dead_code))]
fn integrated_challenge(values: &[&str]) -> Response {
    let mut response = Response::new(Body::from(UNAUTHORIZED_PAGE));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    for value in values {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

fn unsupported() -> Response {
    refuse(
        "unsupported_grant_type",
        Some("28029;source=\"emulator\";reason=\"This grant is not accepted here.\""),
    )
}

fn refuse(error: &str, diagnostics: Option<&'static str>) -> Response {
    json_answer(
        StatusCode::BAD_REQUEST,
        json!({ "error": error }),
        diagnostics,
    )
}

fn json_answer(
    status: StatusCode,
    body: serde_json::Value,
    diagnostics: Option<&'static str>,
) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    // Token answers must not be cached by anything in between.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(diagnostics) = diagnostics {
        headers.insert("x-ms-diagnostics", HeaderValue::from_static(diagnostics));
    }
    response
}

/// The token of an `Authorization` header value, its scheme in any case (`Bearer`, `bearer`:
/// an authentication scheme is case-insensitive, RFC 9110 §11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then(|| token.trim_start())
}
