//! What a [`Client`](crate::Client) and a [`SignIn`](crate::SignIn) are set up with
//! ([`Settings`], one type that both builders hold), and the limits of each setting. A setting
//! out of range is refused when the client is built or the session starts, with the parameter
//! and its range named, instead of panicking later (a zero period in `tokio::time::interval`),
//! overflowing (`Duration::MAX` plus a margin) or spinning (a zero retry delay).

use std::time::Duration;

use ucwa::{Format, RequestError};

use crate::RetryPolicy;
use crate::body::DEFAULT_LIMIT;

/// How requests are sent and answers read, for a [`Client`](crate::Client) and a
/// [`SignIn`](crate::SignIn) alike: each builder holds one and its setters of the same names
/// set it, or it is given whole ([`ClientBuilder::settings`](crate::ClientBuilder::settings),
/// [`SignIn::settings`](crate::SignIn::settings)). Checked when the client is built or the
/// session starts: a value out of its range is a [`SettingError`] naming it.
///
/// ```
/// use std::time::Duration;
/// use ucwa_client::settings::Settings;
///
/// let settings = Settings::default()
///     .format(ucwa::Format::Xml)
///     .connect_timeout(Duration::from_secs(5))
///     .max_body_size(1024 * 1024);
/// let client = ucwa_client::Client::builder("https://fe1.contoso.com", "cwt=...")
///     .settings(settings.clone())
///     .build()?;
/// let signing_in = ucwa_client::SignIn::new("lene@contoso.com")?.settings(settings);
/// # let _ = (client, signing_in);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Settings {
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) format: Format,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) long_poll: Duration,
    pub(crate) max_body_size: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) proxies: Vec<reqwest::Proxy>,
    pub(crate) root_certificates: Vec<reqwest::Certificate>,
    #[cfg(feature = "windows-auth")]
    pub(crate) ntlm_proxy: Option<crate::auth::NtlmProxy>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            http: None,
            format: Format::Json,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            long_poll: Duration::from_secs(180),
            max_body_size: DEFAULT_LIMIT,
            retry: RetryPolicy::default(),
            proxies: Vec::new(),
            root_certificates: Vec::new(),
            #[cfg(feature = "windows-auth")]
            ntlm_proxy: None,
        }
    }
}

impl Settings {
    /// Send requests with this client instead of one made here (for proxies, extra root
    /// certificates, resolver overrides); give it `redirect::Policy::none()`: UCWA answers are
    /// never redirects, and reqwest drops the token only on redirects to another host (if it
    /// follows redirects anyway, discovery checks where each answer came from as it checks a
    /// redirect). Its own timeouts apply: [`Settings::connect_timeout`] only sets up the
    /// client made here.
    ///
    /// An `http://` origin (or [`SignIn::allow_http`](crate::SignIn::allow_http)) sends the
    /// token, and a token provider's credentials such as a password grant's password, in clear
    /// text: for test servers only. A host that links elsewhere (Skype for Business Online's
    /// applications on the user's pool) is challenged separately and gets its own token.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Ask for and send `format` (JSON by default), discovery included.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// How long to wait for a connection (10 s by default; more than 0 and at most 10 min).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long to wait for the answer to a request, discovery's included (30 s by default;
    /// more than 0 and at most 10 min); the event channel waits for its long poll instead.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long the server may hold a pending GET on the event channel before answering with
    /// no events (sent as its `timeout` parameter; 180 s by default, the server's own default;
    /// from 1 s to 15 min, [`MAX_LONG_POLL`]).
    pub fn long_poll(mut self, timeout: Duration) -> Self {
        self.long_poll = timeout;
        self
    }

    /// The most bytes of an answer read ([`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE),
    /// 8 MiB, by default): a longer answer is an error naming the limit, not an allocation.
    /// From 1 KiB to 1 GiB ([`BODY_SIZE`]).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// When a request that failed for a passing reason (503, 504, a connection error) is sent
    /// again ([`RetryPolicy::default`]: `GET`, `PUT` and `DELETE` up to 3 times, never a
    /// `POST`; discovery's entry points are not repeated, the next one is their fallback);
    /// [`RetryPolicy::none`] sends every request once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends requests through `proxy` (`reqwest::Proxy::https("http://proxy:3128")?`, with
    /// `.basic_auth(user, password)` for a proxy asking for Basic authentication; HTTPS goes
    /// through a `CONNECT` tunnel). Without it, the client made here takes the proxy from the
    /// environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, and `NO_PROXY` for the hosts to
    /// reach directly), as reqwest does; a proxy set here replaces those. Not used with
    /// [`Settings::http_client`], which has its own.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Sends HTTPS through `proxy`, a proxy asking for NTLM, authenticating as its account
    /// (`windows-auth`): the client runs the handshake itself, on a tunnel of its own on
    /// loopback that reqwest goes through (`ucwa_client::auth::ntlm_proxy`). Replaces the
    /// environment's proxy (`NO_PROXY` still names the hosts reached directly); used with
    /// [`Settings::proxy`] the NTLM proxy wins. Not used with [`Settings::http_client`].
    #[cfg(feature = "windows-auth")]
    pub fn ntlm_proxy(mut self, proxy: crate::auth::NtlmProxy) -> Self {
        self.ntlm_proxy = Some(proxy);
        self
    }

    /// Trusts `certificate` as a root too, besides the system's (an on-premises PKI's root,
    /// which Skype for Business Server's certificates usually chain to):
    /// `reqwest::Certificate::from_pem(pem)?`. Not used with [`Settings::http_client`].
    pub fn root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Refuses a value out of its range, naming the setting.
    pub fn check(&self) -> Result<(), SettingError> {
        long_poll(self.long_poll)?;
        body_size(self.max_body_size)?;
        self.retry.clone().checked()?;
        timeout("connect_timeout", self.connect_timeout)?;
        timeout("request_timeout", self.request_timeout)?;
        #[cfg(feature = "windows-auth")]
        if let Some(proxy) = &self.ntlm_proxy
            && let Err(allowed) = proxy.check()
        {
            return Err(SettingError {
                parameter: "ntlm_proxy",
                given: proxy.url().to_string(),
                allowed,
            });
        }
        Ok(())
    }

    fn has_ntlm_proxy(&self) -> bool {
        #[cfg(feature = "windows-auth")]
        return self.ntlm_proxy.is_some();
        #[cfg(not(feature = "windows-auth"))]
        false
    }

    /// The HTTP client given, or one made with the connect timeout.
    pub(crate) fn http(&self) -> Result<reqwest::Client, RequestError> {
        match &self.http {
            Some(http) => Ok(http.clone()),
            None if self.proxies.is_empty()
                && self.root_certificates.is_empty()
                && !self.has_ntlm_proxy() =>
            {
                crate::default_http(self.connect_timeout)
            }
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(reqwest::redirect::Policy::none());
                // The first proxy that matches a URL is used: the NTLM one first.
                #[cfg(feature = "windows-auth")]
                if let Some(proxy) = &self.ntlm_proxy {
                    builder = builder.proxy(proxy.start(self.connect_timeout)?);
                }
                for proxy in &self.proxies {
                    builder = builder.proxy(proxy.clone());
                }
                for certificate in &self.root_certificates {
                    builder = builder.add_root_certificate(certificate.clone());
                }
                builder
                    .build()
                    .map_err(|e| RequestError::Http(e.to_string()))
            }
        }
    }
}

/// The longest keep-alive period: UCWA lowers the user's availability after four minutes
/// without activity, so a report must come well inside them (a request can take seconds).
pub const MAX_KEEP_ALIVE: Duration = Duration::from_secs(210);
/// The shortest long poll: the server takes whole seconds, so less would be sent as 0 and
/// every pending GET would come back at once.
pub const MIN_LONG_POLL: Duration = Duration::from_secs(1);
/// The longest long poll: the server holds a pending GET for minutes, not longer; a longer
/// wait only delays noticing a dead connection.
pub const MAX_LONG_POLL: Duration = Duration::from_secs(15 * 60);
/// The longest wait between two failed pending GETs, and so the cap of their backoff; also
/// the most a [`crate::RetryPolicy`]'s `max_backoff` may be.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
/// The most attempts a [`crate::RetryPolicy`] may make of one request: more only hammers a
/// server that is down.
pub const MAX_ATTEMPTS: u32 = 10;
/// The longest first wait of a [`crate::RetryPolicy`].
pub const MAX_INITIAL_BACKOFF: Duration = Duration::from_secs(10);
/// The longest a request, or a connection, may be waited for: a zero timeout would fail
/// every request at once, and one of hours would hang a caller on a dead server.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// The most events kept for a slow subscriber: the queue grows only as far as its slowest
/// subscriber lags, but a bound that high is memory a stalled one may hold.
pub const MAX_EVENT_QUEUE: usize = 65_536;

/// The range of [`Settings::max_body_size`]: below 1 KiB not even an error answer fits; above
/// 1 GiB is no longer a bound.
pub const BODY_SIZE: std::ops::RangeInclusive<usize> = 1024..=1024 * 1024 * 1024;

/// `value` if it is in [`BODY_SIZE`].
pub(crate) fn body_size(value: usize) -> Result<usize, SettingError> {
    if !BODY_SIZE.contains(&value) {
        return Err(SettingError {
            parameter: "max_body_size",
            given: format!("{value} bytes"),
            allowed: "from 1 KiB (1024 bytes) to 1 GiB",
        });
    }
    Ok(value)
}

/// A setting out of its range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{parameter}` is {given}; it must be {allowed}")]
pub struct SettingError {
    /// The setting, as its builder method is named.
    pub parameter: &'static str,
    /// The value given.
    pub given: String,
    /// The range it must be in.
    pub allowed: &'static str,
}

/// `value` if it is in `min..=max` and not zero, else the error naming `parameter`.
pub(crate) fn duration(
    parameter: &'static str,
    value: Duration,
    min: Duration,
    max: Duration,
    allowed: &'static str,
) -> Result<Duration, SettingError> {
    if value.is_zero() || value < min || value > max {
        return Err(SettingError {
            parameter,
            given: format!("{value:?}"),
            allowed,
        });
    }
    Ok(value)
}

pub(crate) fn long_poll(value: Duration) -> Result<Duration, SettingError> {
    duration(
        "long_poll",
        value,
        MIN_LONG_POLL,
        MAX_LONG_POLL,
        "between 1 s and 15 min",
    )
}

pub(crate) fn timeout(parameter: &'static str, value: Duration) -> Result<Duration, SettingError> {
    duration(
        parameter,
        value,
        Duration::ZERO,
        MAX_TIMEOUT,
        "more than 0 and at most 10 min",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_out_of_range_names_the_parameter_and_the_range() {
        assert_eq!(
            long_poll(Duration::MAX).unwrap_err().to_string(),
            format!(
                "`long_poll` is {:?}; it must be between 1 s and 15 min",
                Duration::MAX
            )
        );
        assert_eq!(
            long_poll(Duration::ZERO).unwrap_err().parameter,
            "long_poll"
        );
        assert!(long_poll(Duration::from_millis(999)).is_err());
        assert_eq!(long_poll(MAX_LONG_POLL), Ok(MAX_LONG_POLL));
        assert_eq!(long_poll(MIN_LONG_POLL), Ok(MIN_LONG_POLL));
        assert_eq!(
            timeout("request_timeout", Duration::ZERO)
                .unwrap_err()
                .to_string(),
            "`request_timeout` is 0ns; it must be more than 0 and at most 10 min"
        );
        assert!(timeout("connect_timeout", Duration::MAX).is_err());
        assert_eq!(timeout("request_timeout", MAX_TIMEOUT), Ok(MAX_TIMEOUT));
    }
}
