//! Autodiscovery: from a sign-in address to the user's `applications` link.
//!
//! The entry points are tried in order, internal before external, HTTPS before HTTP (HTTP only
//! when the user enables it): `lyncdiscoverinternal.<domain>`, then `lyncdiscover.<domain>`,
//! or one URL the user gives (such as [`ONLINE_ENTRY_POINT`]). A probe fails on a timeout, a
//! connection error, a 404, an HTTP redirect to another domain, or any other answer that is not
//! a root resource; the next entry point is then tried, and when all fail the error lists every
//! attempt. A root that answers with a `redirect` link is followed only after the security
//! check: the target must use HTTPS (or HTTP when enabled) and be in the sign-in domain, a
//! subdomain of it, or a domain the user trusts, so that a spoofed entry point cannot send the
//! user's credentials elsewhere. The same check applies to the user resource's own `redirect`
//! (a user homed on another pool), after which the user resource there is asked again, with
//! that host's own token, and to every `user` link, since the user resource is where
//! credentials are first asked for. The `applications` link, which comes from the
//! authenticated user resource, need only be HTTPS (Online pools are in another domain).
//!
//! The result can be kept ([`DiscoveryCache`]) until the server answers 403 or 502, or a few
//! connection errors in a row, as the reference says; then discovery runs again.

use std::fmt;
use std::str::FromStr;

use tracing::Instrument;
use ucwa::http::{self, Method, StatusCode, header};
use ucwa::operation::UcwaError;
use ucwa::resources::{Root, User};

use crate::RetryPolicy;
use crate::auth::hosts::Hosts;
use crate::settings::Settings;
use crate::transport::{self, SendError};

/// The entry point of Skype for Business Online, for users homed there.
pub const ONLINE_ENTRY_POINT: &str =
    "https://webdir.online.lync.com/autodiscover/autodiscoverservice.svc/root";

/// The domain whose redirects the Online entry point sends.
const ONLINE_DOMAIN: &str = "online.lync.com";

/// How many redirects (HTTP or `redirect` links) one discovery follows before giving up: a
/// real deployment needs two or three.
const MAX_REDIRECTS: usize = 8;

/// A sign-in address, `user@domain` (a `sip:` prefix is accepted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInAddress {
    address: String,
    domain: String,
}

impl SignInAddress {
    /// The address as given, without `sip:`.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The domain, in lower case.
    pub fn domain(&self) -> &str {
        &self.domain
    }
}

impl fmt::Display for SignInAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl FromStr for SignInAddress {
    type Err = DiscoveryError;

    fn from_str(text: &str) -> Result<Self, DiscoveryError> {
        let invalid = |reason: &str| DiscoveryError::Address {
            address: text.to_owned(),
            reason: reason.to_owned(),
        };
        let address = text
            .strip_prefix("sip:")
            .or_else(|| text.strip_prefix("SIP:"))
            .unwrap_or(text)
            .trim();
        let (user, domain) = address
            .rsplit_once('@')
            .ok_or_else(|| invalid("it has no `@`"))?;
        if user.is_empty() {
            return Err(invalid("the part before `@` is empty"));
        }
        // The domain becomes a host name in the entry points: it must be one.
        match url::Host::parse(domain) {
            Ok(url::Host::Domain(domain)) if domain.contains('.') => Ok(SignInAddress {
                address: address.to_owned(),
                domain,
            }),
            _ => Err(invalid("the part after `@` is not a domain name")),
        }
    }
}

/// How discovery runs.
#[derive(Clone, Debug, Default)]
pub struct DiscoveryConfig {
    /// Also try the HTTP forms of the entry points, and accept HTTP links (off by default:
    /// only for test servers and networks the user trusts).
    pub allow_http: bool,
    /// Domains whose hosts redirects may lead to besides the sign-in domain.
    pub trusted_domains: Vec<String>,
    /// One entry point to use instead of the `lyncdiscover` names.
    pub entry_point: Option<url::Url>,
}

/// Where discovery led.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// The root resource the user link came from.
    pub root: url::Url,
    /// The user resource that gave the `applications` link.
    pub user: url::Url,
    /// The `applications` resource, where applications are created.
    pub applications: url::Url,
}

/// One entry point that failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The URL tried.
    pub url: String,
    /// Why it did not do.
    pub failure: String,
    /// Whether it got no answer in time (the connection's timeout or the request's).
    pub timed_out: bool,
    /// Whether no connection could be made to it (refused, unreachable, a name that does not
    /// resolve, a failed TLS handshake).
    pub connect_failed: bool,
    /// Whether the proxy refused its credentials (407).
    pub proxy_refused: bool,
}

/// Why one entry point failed, before it is an [`Attempt`].
struct ProbeFailure {
    text: String,
    timed_out: bool,
    connect_failed: bool,
    proxy_refused: bool,
}

impl From<String> for ProbeFailure {
    fn from(text: String) -> Self {
        ProbeFailure {
            text,
            timed_out: false,
            connect_failed: false,
            proxy_refused: false,
        }
    }
}

impl From<crate::TransportError> for ProbeFailure {
    fn from(error: crate::TransportError) -> Self {
        ProbeFailure {
            text: error.reason(),
            timed_out: error.is_timeout(),
            connect_failed: error.is_connect(),
            proxy_refused: error.is_proxy_auth(),
        }
    }
}

/// Why discovery did not find the `applications` link.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The sign-in address is not `user@domain`.
    #[error("`{address}` is not a sign-in address (user@domain): {reason}")]
    Address {
        /// As given.
        address: String,
        /// What is wrong.
        reason: String,
    },
    /// Every entry point failed.
    #[error("no entry point answered: {}", list(.attempts))]
    NoEntryPoint {
        /// Each entry point tried, in order.
        attempts: Vec<Attempt>,
    },
    /// A `redirect` failed the security check.
    #[error("refusing to follow the redirect to {href}: {reason}")]
    UnsafeRedirect {
        /// The target.
        href: String,
        /// Which part of the check failed.
        reason: String,
    },
    /// Redirects went on for too long.
    #[error("more than {MAX_REDIRECTS} redirects, the last to {last}")]
    TooManyRedirects {
        /// The last target.
        last: String,
    },
    /// A resource lacks the link discovery needs next.
    #[error("{url} has no `{rel}` link")]
    MissingLink {
        /// The resource.
        url: String,
        /// The link.
        rel: &'static str,
    },
    /// A request failed after the entry point answered.
    #[error("{url}: {reason}")]
    Failed {
        /// The URL.
        url: String,
        /// What happened (status, transport error, what does not decode).
        reason: String,
        /// The status, when the server answered.
        status: Option<StatusCode>,
    },
    /// A request after the entry point got no answer (the entry points' own failures are
    /// in [`DiscoveryError::NoEntryPoint`]).
    #[error(transparent)]
    Transport(crate::TransportError),
    /// No token could be had.
    #[error(transparent)]
    Auth(#[from] crate::AuthError),
}

impl DiscoveryError {
    /// Whether no answer came in time: from any entry point, from a request after the entry
    /// point, or from the token endpoint.
    pub fn is_timeout(&self) -> bool {
        match self {
            DiscoveryError::NoEntryPoint { attempts } => {
                !attempts.is_empty() && attempts.iter().all(|a| a.timed_out)
            }
            DiscoveryError::Transport(error) => error.is_timeout(),
            DiscoveryError::Auth(error) => error.is_timeout(),
            _ => false,
        }
    }

    /// Whether no connection could be made: to any entry point, for a request after the entry
    /// point, or to the token endpoint.
    pub fn is_connect(&self) -> bool {
        match self {
            DiscoveryError::NoEntryPoint { attempts } => {
                !attempts.is_empty() && attempts.iter().all(|a| a.connect_failed)
            }
            DiscoveryError::Transport(error) => error.is_connect(),
            DiscoveryError::Auth(error) => error.is_connect(),
            _ => false,
        }
    }

    /// Whether the credentials or the token were refused on the way to the user resource
    /// ([`crate::AuthError::is_refused_grant`]): signing in again with other credentials is
    /// what helps.
    pub fn is_refused_grant(&self) -> bool {
        matches!(self, DiscoveryError::Auth(error) if error.is_refused_grant())
    }

    /// The status of the answer that failed discovery after the entry point, when the server
    /// answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            DiscoveryError::Failed { status, .. } => *status,
            _ => None,
        }
    }

    /// Whether the proxy refused its credentials: every entry point was refused so, or a
    /// request after them was ([`crate::TransportError::is_proxy_auth`]).
    pub fn is_proxy_auth(&self) -> bool {
        match self {
            DiscoveryError::NoEntryPoint { attempts } => {
                !attempts.is_empty() && attempts.iter().all(|a| a.proxy_refused)
            }
            DiscoveryError::Transport(error) => error.is_proxy_auth(),
            DiscoveryError::Auth(error) => error.is_proxy_auth(),
            _ => false,
        }
    }
}

fn list(attempts: &[Attempt]) -> String {
    attempts
        .iter()
        .map(|a| format!("{} ({})", a.url, a.failure))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entry points for `domain`, in the order they are tried.
pub fn entry_points(domain: &str, allow_http: bool) -> Vec<url::Url> {
    let mut urls = Vec::new();
    for name in ["lyncdiscoverinternal", "lyncdiscover"] {
        for scheme in ["https", "http"] {
            if scheme == "https" || allow_http {
                // Both parts were checked: the domain is a valid host name.
                if let Ok(url) = url::Url::parse(&format!("{scheme}://{name}.{domain}/")) {
                    urls.push(url);
                }
            }
        }
    }
    urls
}

/// Whether `host` is `domain` or below it.
fn in_domain(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    !domain.is_empty() && (host == domain || host.ends_with(&format!(".{domain}")))
}

pub(crate) struct Discovery<'a> {
    pub http: &'a reqwest::Client,
    pub hosts: &'a Hosts,
    /// For the requests after the entry point: a failed entry point is followed by the next.
    pub retry: &'a RetryPolicy,
    pub config: &'a DiscoveryConfig,
    /// The format, the request timeout and the body limit.
    pub settings: &'a Settings,
    pub address: &'a SignInAddress,
}

/// What one GET brought.
enum Fetched {
    Resource {
        url: url::Url,
        body: Vec<u8>,
    },
    /// An HTTP redirect, to the `Location` given.
    Redirect(String),
    Failed(String, Option<StatusCode>),
    /// No token for the host: the credentials or the token were refused, or none could be
    /// had (kept whole, so that a refusal stays typed: [`DiscoveryError::Auth`]).
    Auth(crate::AuthError),
    /// No answer.
    NoAnswer(crate::TransportError),
}

impl Discovery<'_> {
    /// Runs discovery to the end.
    pub(crate) async fn run(&self) -> Result<Discovered, DiscoveryError> {
        let span = tracing::info_span!("discovery", domain = %self.address.domain());
        async {
            let (mut root_url, mut root) = self.entry().await?;
            let mut redirects = 0;
            while let Some(redirect) = root.links.redirect.clone() {
                let href = self.follow(&root_url, &redirect.href, &mut redirects)?;
                tracing::info!(%href, "the root redirects");
                let (href, body) = self.fetch_ok(&href).await?;
                root = self.decode::<Root>(&href, &body)?;
                root_url = href;
            }
            // The user resource is where credentials are first asked for: it gets the same
            // check as a redirect.
            let mut user_url = self.link(&root_url, root.links.user.as_ref(), "user")?;
            check_redirect(&user_url, self.address.domain(), self.config)?;
            loop {
                let (url, body) = self.fetch_ok(&user_url).await?;
                user_url = url;
                let user = self.decode::<User>(&user_url, &body)?;
                if let Some(redirect) = &user.links.redirect {
                    // The user is homed elsewhere: the target is a root (or a user resource)
                    // on that pool, asked with that host's own token.
                    let href = self.follow(&user_url, &redirect.href, &mut redirects)?;
                    tracing::info!(%href, "the user resource redirects");
                    let (href, body) = self.fetch_ok(&href).await?;
                    let there = self.decode::<Root>(&href, &body)?;
                    user_url = match there.links.user {
                        Some(user) => self.resolve(&href, &user.href)?,
                        None => href,
                    };
                    check_redirect(&user_url, self.address.domain(), self.config)?;
                    continue;
                }
                let applications =
                    self.link(&user_url, user.links.applications.as_ref(), "applications")?;
                tracing::info!(%applications, "discovered");
                return Ok(Discovered {
                    root: root_url,
                    user: user_url,
                    applications,
                });
            }
        }
        .instrument(span)
        .await
    }

    /// The first entry point that answers with a root resource.
    async fn entry(&self) -> Result<(url::Url, Root), DiscoveryError> {
        let candidates = match &self.config.entry_point {
            Some(url) => vec![url.clone()],
            None => entry_points(self.address.domain(), self.config.allow_http),
        };
        let mut attempts = Vec::new();
        for candidate in candidates {
            let failure = match self.probe(&candidate).await {
                Ok((url, body)) => match self.decode::<Root>(&url, &body) {
                    Ok(root) => return Ok((url, root)),
                    Err(error) => ProbeFailure::from(error.to_string()),
                },
                Err(failure) => failure,
            };
            tracing::info!(url = %candidate, failure = %failure.text, "entry point failed");
            attempts.push(Attempt {
                url: candidate.to_string(),
                failure: failure.text,
                timed_out: failure.timed_out,
                connect_failed: failure.connect_failed,
                proxy_refused: failure.proxy_refused,
            });
        }
        Err(DiscoveryError::NoEntryPoint { attempts })
    }

    /// One entry point, following HTTP redirects within the domain.
    async fn probe(&self, start: &url::Url) -> Result<(url::Url, Vec<u8>), ProbeFailure> {
        let mut url = start.clone();
        for _ in 0..MAX_REDIRECTS {
            match self.fetch(&url, &RetryPolicy::none()).await {
                Fetched::Resource { url, body } => return Ok((url, body)),
                Fetched::Failed(reason, _) => return Err(reason.into()),
                // An entry point is anonymous: a token asked for there is a failed probe.
                Fetched::Auth(error) => return Err(error.to_string().into()),
                Fetched::NoAnswer(error) => return Err(error.into()),
                Fetched::Redirect(location) => {
                    let next = url.join(&location).map_err(|e| {
                        format!("a redirect to `{location}`, which is not a URL: {e}")
                    })?;
                    self.check_followed(&next)?;
                    url = next;
                }
            }
        }
        Err(format!("more than {MAX_REDIRECTS} redirects").into())
    }

    /// The check on an HTTP redirect's target: in the sign-in domain (or one trusted as
    /// [`check_redirect`] says), and HTTPS unless HTTP is allowed; `Err` with why not.
    fn check_followed(&self, next: &url::Url) -> Result<(), String> {
        let host = next.host_str().unwrap_or_default();
        if !in_domain(host, self.address.domain())
            && check_redirect(next, self.address.domain(), self.config).is_err()
        {
            return Err(format!("a redirect to another domain ({next})"));
        }
        if next.scheme() != "https" && !self.config.allow_http {
            return Err(format!("a redirect to HTTP ({next})"));
        }
        Ok(())
    }

    /// A GET in the chosen format, with the host's token if it has or gets one, sent again as
    /// `retry` says.
    async fn fetch(&self, url: &url::Url, retry: &RetryPolicy) -> Fetched {
        let request = match ucwa::operation::build_request(
            Method::GET,
            url.clone(),
            &[],
            self.settings.format,
            None,
        ) {
            Ok(request) => request,
            Err(error) => return Fetched::Failed(error.to_string(), None),
        };
        let sender = transport::Sender {
            http: self.http,
            hosts: self.hosts,
            timeout: self.settings.request_timeout,
            max_body: self.settings.max_body_size,
            retry,
        };
        let response = match sender.send(request, url).await {
            Ok(response) => response,
            Err(SendError::Transport(error)) => return Fetched::NoAnswer(error),
            Err(SendError::Auth(error)) => return Fetched::Auth(error),
            Err(SendError::Request(error)) => {
                return Fetched::Failed(error.to_string(), None);
            }
        };
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok());
            return match location {
                Some(location) => Fetched::Redirect(location.to_owned()),
                None => Fetched::Failed(format!("{status} without a Location"), Some(status)),
            };
        }
        if !status.is_success() {
            return Fetched::Failed(status.to_string(), Some(status));
        }
        // A `reqwest::Client` of the user's that follows redirects answers from where they
        // led: that place gets the same check as a redirect this code follows (else the
        // answer is refused, as a failed probe), and it is the base of the answer's relative
        // links.
        let answered_from = response
            .extensions()
            .get::<transport::FinalUrl>()
            .map_or_else(|| url.clone(), |f| f.0.clone());
        if answered_from != *url
            && let Err(reason) = self.check_followed(&answered_from)
        {
            return Fetched::Failed(reason, None);
        }
        Fetched::Resource {
            url: answered_from,
            body: response.into_body(),
        }
    }

    /// A GET after the entry point: anything but a resource is an error. The URL returned is
    /// where the answer came from (see [`Discovery::fetch`]).
    async fn fetch_ok(&self, url: &url::Url) -> Result<(url::Url, Vec<u8>), DiscoveryError> {
        match self.fetch(url, self.retry).await {
            Fetched::Resource { url, body } => Ok((url, body)),
            Fetched::NoAnswer(error) => Err(DiscoveryError::Transport(error)),
            Fetched::Auth(error) => Err(DiscoveryError::Auth(error)),
            Fetched::Failed(reason, status) => Err(DiscoveryError::Failed {
                url: url.to_string(),
                reason,
                status,
            }),
            // Past the entry point, resources are reached by their links, not by redirects.
            Fetched::Redirect(location) => Err(DiscoveryError::Failed {
                url: url.to_string(),
                reason: format!("an HTTP redirect to {location}, which is not followed here"),
                status: None,
            }),
        }
    }

    fn decode<R: ucwa::Resource>(&self, url: &url::Url, body: &[u8]) -> Result<R, DiscoveryError> {
        let mut response = http::Response::new(body.to_vec());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            http::HeaderValue::from_static(self.settings.format.media_type()),
        );
        ucwa::operation::parse_response::<_, R, UcwaError>(&response, |format, body| {
            <R as ucwa::operation::Success>::from_success(format, response.headers(), body)
        })
        .map_err(|e| DiscoveryError::Failed {
            url: url.to_string(),
            reason: format!("not the expected resource: {e}"),
            status: None,
        })
    }

    fn resolve(&self, base: &url::Url, href: &ucwa::Href) -> Result<url::Url, DiscoveryError> {
        base.join(href.as_str())
            .map_err(|e| DiscoveryError::Failed {
                url: base.to_string(),
                reason: format!("the link `{}` is not a URL: {e}", href.as_str()),
                status: None,
            })
    }

    fn link<T>(
        &self,
        base: &url::Url,
        link: Option<&ucwa::Link<T>>,
        rel: &'static str,
    ) -> Result<url::Url, DiscoveryError> {
        let link = link.ok_or_else(|| DiscoveryError::MissingLink {
            url: base.to_string(),
            rel,
        })?;
        let url = self.resolve(base, &link.href)?;
        if url.scheme() != "https" && !(url.scheme() == "http" && self.config.allow_http) {
            return Err(DiscoveryError::UnsafeRedirect {
                href: url.to_string(),
                reason: format!("the `{rel}` link is not HTTPS"),
            });
        }
        Ok(url)
    }

    /// The security check on a `redirect` link, and the count of redirects.
    fn follow(
        &self,
        base: &url::Url,
        href: &ucwa::Href,
        redirects: &mut usize,
    ) -> Result<url::Url, DiscoveryError> {
        let target = self.resolve(base, href)?;
        *redirects += 1;
        if *redirects > MAX_REDIRECTS {
            return Err(DiscoveryError::TooManyRedirects {
                last: target.to_string(),
            });
        }
        check_redirect(&target, self.address.domain(), self.config)?;
        Ok(target)
    }
}

/// The security check on a `redirect` target (see the module's documentation).
pub fn check_redirect(
    target: &url::Url,
    domain: &str,
    config: &DiscoveryConfig,
) -> Result<(), DiscoveryError> {
    let refuse = |reason: String| DiscoveryError::UnsafeRedirect {
        href: target.to_string(),
        reason,
    };
    match target.scheme() {
        "https" => {}
        "http" if config.allow_http => {}
        other => return Err(refuse(format!("`{other}` is not HTTPS"))),
    }
    let host = target
        .host_str()
        .ok_or_else(|| refuse("it has no host".to_owned()))?;
    let online = config
        .entry_point
        .as_ref()
        .is_some_and(|e| e.host_str().is_some_and(|h| in_domain(h, ONLINE_DOMAIN)));
    let trusted = in_domain(host, domain)
        || (online && in_domain(host, ONLINE_DOMAIN))
        || config.trusted_domains.iter().any(|d| in_domain(host, d));
    if !trusted {
        return Err(refuse(format!(
            "{host} is neither in {domain} nor in a trusted domain"
        )));
    }
    Ok(())
}

/// What a request to the discovered server came to, for [`DiscoveryCache::observe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestOutcome {
    /// The server answered with this status.
    Status(StatusCode),
    /// The connection failed or timed out.
    ConnectionError,
    /// The user signed out.
    SignedOut,
}

/// The result of discovery, kept until the server says it no longer holds.
#[derive(Clone, Debug, Default)]
pub struct DiscoveryCache {
    discovered: Option<Discovered>,
    connection_errors: u32,
}

impl DiscoveryCache {
    /// Connection errors in a row after which discovery runs again.
    pub const CONNECTION_ERRORS: u32 = 3;

    /// What is kept, if anything.
    pub fn get(&self) -> Option<&Discovered> {
        self.discovered.as_ref()
    }

    /// Keeps a new result.
    pub fn store(&mut self, discovered: Discovered) {
        self.discovered = Some(discovered);
        self.connection_errors = 0;
    }

    /// Takes `outcome` into account; whether the result was dropped by it (403, 502, too many
    /// connection errors in a row, a sign-out; no other status).
    pub fn observe(&mut self, outcome: RequestOutcome) -> bool {
        let drop = match outcome {
            RequestOutcome::Status(StatusCode::FORBIDDEN | StatusCode::BAD_GATEWAY) => true,
            RequestOutcome::Status(_) => {
                self.connection_errors = 0;
                false
            }
            RequestOutcome::ConnectionError => {
                self.connection_errors += 1;
                self.connection_errors >= Self::CONNECTION_ERRORS
            }
            RequestOutcome::SignedOut => true,
        };
        if drop && self.discovered.take().is_some() {
            tracing::info!(?outcome, "discovery to run again");
        }
        if drop {
            self.connection_errors = 0;
        }
        drop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_addresses() {
        let address: SignInAddress = "sip:Lene@Contoso.COM".parse().unwrap();
        assert_eq!(address.domain(), "contoso.com");
        assert_eq!(address.as_str(), "Lene@Contoso.COM");
        for bad in [
            "lene",
            "@contoso.com",
            "lene@",
            "lene@contoso",
            "lene@con toso.com",
            "lene@[::1]",
        ] {
            let error = bad.parse::<SignInAddress>().unwrap_err();
            assert!(
                matches!(&error, DiscoveryError::Address { address, .. } if address == bad),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn entry_points_internal_first_and_http_only_when_enabled() {
        let names = |allow| -> Vec<String> {
            entry_points("contoso.com", allow)
                .iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            names(false),
            [
                "https://lyncdiscoverinternal.contoso.com/",
                "https://lyncdiscover.contoso.com/"
            ]
        );
        assert_eq!(
            names(true),
            [
                "https://lyncdiscoverinternal.contoso.com/",
                "http://lyncdiscoverinternal.contoso.com/",
                "https://lyncdiscover.contoso.com/",
                "http://lyncdiscover.contoso.com/"
            ]
        );
    }

    #[test]
    fn the_redirect_security_check() {
        let config = DiscoveryConfig::default();
        let check = |href: &str, config: &DiscoveryConfig| {
            check_redirect(&href.parse().unwrap(), "contoso.com", config)
        };
        assert!(check("https://contoso.com/root", &config).is_ok());
        assert!(check("https://lyncweb.CONTOSO.com/root", &config).is_ok());
        for refused in [
            "https://evilcontoso.com/root",
            "https://contoso.com.evil.example/root",
            "http://lyncweb.contoso.com/root",
            "ftp://lyncweb.contoso.com/root",
            "https://webdir1.online.lync.com/root",
        ] {
            assert!(
                matches!(
                    check(refused, &config),
                    Err(DiscoveryError::UnsafeRedirect { .. })
                ),
                "{refused}"
            );
        }
        let trusting = DiscoveryConfig {
            trusted_domains: vec!["fabrikam.com".into()],
            allow_http: true,
            ..DiscoveryConfig::default()
        };
        assert!(check("http://pool.fabrikam.com/root", &trusting).is_ok());
        let online = DiscoveryConfig {
            entry_point: Some(ONLINE_ENTRY_POINT.parse().unwrap()),
            ..DiscoveryConfig::default()
        };
        assert!(check("https://webdir1.online.lync.com/root", &online).is_ok());
    }

    #[test]
    fn the_cache_is_dropped_on_403_502_and_repeated_connection_errors() {
        let discovered = Discovered {
            root: "https://a.example/".parse().unwrap(),
            user: "https://a.example/u".parse().unwrap(),
            applications: "https://b.example/a".parse().unwrap(),
        };
        let mut cache = DiscoveryCache::default();
        for status in [404, 410, 500, 503, 401, 409] {
            cache.store(discovered.clone());
            assert!(!cache.observe(RequestOutcome::Status(
                StatusCode::from_u16(status).unwrap()
            )));
            assert!(cache.get().is_some());
        }
        for status in [403, 502] {
            cache.store(discovered.clone());
            assert!(cache.observe(RequestOutcome::Status(
                StatusCode::from_u16(status).unwrap()
            )));
            assert!(cache.get().is_none());
        }
        cache.store(discovered.clone());
        assert!(!cache.observe(RequestOutcome::ConnectionError));
        assert!(!cache.observe(RequestOutcome::ConnectionError));
        // An answer in between resets the count.
        assert!(!cache.observe(RequestOutcome::Status(StatusCode::OK)));
        assert!(!cache.observe(RequestOutcome::ConnectionError));
        assert!(!cache.observe(RequestOutcome::ConnectionError));
        assert!(cache.observe(RequestOutcome::ConnectionError));
        assert!(cache.get().is_none());
        cache.store(discovered);
        assert!(cache.observe(RequestOutcome::SignedOut));
    }
}
