//! Sending a request again after a failure that passes: a busy server (503), a server behind
//! UCWA that did not answer in time (504), a connection that could not be made or was closed
//! before the answer. Only requests that are safe to repeat are sent again, a bounded number
//! of times, with a growing wait between attempts.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ucwa::http::{HeaderMap, Method, StatusCode, header};

use crate::settings::{self, SettingError};

/// When a request that failed for a passing reason is sent again, how often and after how long.
///
/// A request is sent again when all of these hold:
///
/// - its method is safe to repeat: `GET`, `HEAD`, `OPTIONS`, `PUT` or `DELETE`. A `POST` is
///   never repeated: UCWA's operations are `POST`s, and repeating one whose answer was lost can
///   create a second conversation, message or application;
/// - it failed for a reason that passes: a `503` (UCWA's `ServiceFailure`: the server is busy),
///   a `504` (`ServiceTimeout`), a connection that could not be made, or one that was reset or
///   closed before the answer came. A timeout is not retried (the request's timeout is the
///   whole wait its caller gave it), nor is any other answer;
/// - fewer than [`RetryPolicy::max_attempts`] attempts were made (the first one included);
/// - the server's `Retry-After`, when it sends one, is at most the policy's `max_backoff`: a
///   server that asks for a longer wait gets its answer returned to the caller instead.
///
/// The wait before attempt *n + 1* is the server's `Retry-After` when it sent one, else
/// `initial_backoff × 2ⁿ⁻¹`, at most `max_backoff`; with jitter (on by default), a random time
/// between half of it and all of it, so that clients that failed together do not come back
/// together. When the attempts run out, the last answer (the `503` or `504`, a typed error) or
/// the last connection error is returned.
///
/// The default: 3 attempts, 200 ms then 400 ms between them (at most 5 s), with jitter. Each
/// retry is a `tracing` event (`info`, target `ucwa_client::retry`) with the method, the URL,
/// the attempt, the wait and the reason.
///
/// ```
/// use std::time::Duration;
/// use ucwa_client::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(5)
///     .backoff(Duration::from_millis(500), Duration::from_secs(10));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Every request sent once: no retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be sent in all, the first included (3 by default; 1 to 10,
    /// checked when the client is built or the session starts).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before the first retry, doubled before each next one, and the longest wait
    /// (200 ms and 5 s by default). `initial` must be from 1 ms to 10 s, `max` from `initial`
    /// to 60 s, checked when the client is built or the session starts.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Whether each wait is a random time between half of it and all of it (on by default).
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The policy if every setting is in its range, else the error naming the first that is
    /// not.
    pub(crate) fn checked(self) -> Result<Self, SettingError> {
        if !(1..=settings::MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(SettingError {
                parameter: "retry_policy.max_attempts",
                given: self.max_attempts.to_string(),
                allowed: "between 1 and 10",
            });
        }
        settings::duration(
            "retry_policy.initial_backoff",
            self.initial_backoff,
            Duration::from_millis(1),
            settings::MAX_INITIAL_BACKOFF,
            "between 1 ms and 10 s",
        )?;
        settings::duration(
            "retry_policy.max_backoff",
            self.max_backoff,
            self.initial_backoff,
            settings::MAX_RETRY_DELAY,
            "at least `initial_backoff` and at most 60 s",
        )?;
        Ok(self)
    }

    /// Whether requests with `method` may be sent again.
    pub(crate) fn repeats(&self, method: &Method) -> bool {
        self.max_attempts > 1
            && matches!(
                *method,
                Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
            )
    }

    /// The wait before attempt `attempt + 1` after attempt `attempt` (from 1) failed, or
    /// `None` when no attempt is left or the server asks for a longer wait than the policy's
    /// longest.
    pub(crate) fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        if let Some(asked) = retry_after {
            return (asked <= self.max_backoff).then_some(asked);
        }
        let doubled = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX));
        let wait = doubled.min(self.max_backoff);
        if !self.jitter {
            return Some(wait);
        }
        // Between half of it and all of it.
        let half = wait / 2;
        let span = u64::try_from((wait - half).as_nanos()).unwrap_or(u64::MAX);
        Some(half + Duration::from_nanos(random() % span.saturating_add(1)))
    }
}

/// A random number, from the standard library's randomly seeded hasher: enough to spread
/// retries, no cryptography.
pub(crate) fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.finish()
}

/// Whether an answer with `status` fails for a reason that passes.
pub(crate) fn passing_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether a request failed on its connection for a reason that passes: not made (refused,
/// unreachable), or reset or closed before the answer. A timeout is not one.
pub(crate) fn passing_error(error: &reqwest::Error) -> bool {
    if error.is_timeout() {
        return false;
    }
    if error.is_connect() {
        return true;
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof | NotConnected
            ) {
                return true;
            }
        }
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_canceled() || hyper.is_closed())
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The server's `Retry-After`: delay-seconds, or an HTTP date (IMF-fixdate) from now. `None`
/// when absent or not readable (the policy's backoff applies).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = imf_fixdate(value)?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`, the date format HTTP senders must use (RFC 9110, 5.6.7).
fn imf_fixdate(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let bytes = text.as_bytes();
    if bytes.len() != 29 || &text[3..5] != ", " || !text.ends_with(" GMT") {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = text.get(range)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let day = number(5..7)?;
    let month = MONTHS.iter().position(|m| *m == &text[8..11])? as u64 + 1;
    let year = number(12..16)?;
    if &text[16..17] != " " || &text[19..20] != ":" || &text[22..23] != ":" {
        return None;
    }
    let (hour, minute, second) = (number(17..19)?, number(20..22)?, number(23..25)?);
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 || year < 1970 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), from 1970-01-01.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = (era * 146_097 + day_of_era).checked_sub(719_468)?;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(attempts: u32, initial: u64, max: u64) -> RetryPolicy {
        RetryPolicy::default()
            .max_attempts(attempts)
            .backoff(Duration::from_millis(initial), Duration::from_millis(max))
            .jitter(false)
    }

    #[test]
    fn the_wait_doubles_up_to_the_longest_and_stops_with_the_attempts() {
        let policy = fixed(5, 100, 300);
        let waits: Vec<Option<Duration>> = (1..=5).map(|n| policy.wait(n, None)).collect();
        assert_eq!(
            waits,
            [
                Some(Duration::from_millis(100)),
                Some(Duration::from_millis(200)),
                Some(Duration::from_millis(300)),
                Some(Duration::from_millis(300)),
                None
            ]
        );
        // No overflow however long the run.
        let policy = fixed(10, 10_000, 60_000);
        assert_eq!(policy.wait(9, None), Some(Duration::from_secs(60)));
        assert_eq!(RetryPolicy::none().wait(1, None), None);
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_wait() {
        let policy = fixed(3, 100, 1000).jitter(true);
        for _ in 0..1000 {
            let wait = policy.wait(2, None).unwrap();
            assert!(
                wait >= Duration::from_millis(100) && wait <= Duration::from_millis(200),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn retry_after_replaces_the_backoff_up_to_the_longest_wait() {
        let policy = fixed(3, 100, 2000);
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.wait(1, Some(Duration::ZERO)), Some(Duration::ZERO));
        assert_eq!(policy.wait(1, Some(Duration::from_secs(3))), None);
        assert_eq!(policy.wait(3, Some(Duration::ZERO)), None);
    }

    #[test]
    fn only_methods_safe_to_repeat_are_repeated() {
        let policy = RetryPolicy::default();
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert!(policy.repeats(&method), "{method}");
        }
        for method in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert!(!policy.repeats(&method), "{method}");
        }
        assert!(!RetryPolicy::none().repeats(&Method::GET));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::RETRY_AFTER, value.parse().unwrap());
            headers
        };
        assert_eq!(retry_after(&headers("7")), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&headers("-1")), None);
        // A date in the past: now.
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(
            imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
            UNIX_EPOCH.checked_add(Duration::from_secs(784_111_777))
        );
        assert_eq!(
            imf_fixdate("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(UNIX_EPOCH)
        );
        assert_eq!(
            imf_fixdate("Tue, 29 Feb 2028 23:59:59 GMT"),
            UNIX_EPOCH.checked_add(Duration::from_secs(1_835_481_599))
        );
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:3x GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "",
        ] {
            assert_eq!(imf_fixdate(bad), None, "{bad}");
        }
        // A far date: a long wait, which the policy's bound then refuses.
        let far = retry_after(&headers("Fri, 31 Dec 9999 23:59:59 GMT")).unwrap();
        assert!(far > Duration::from_secs(3600 * 24 * 365 * 7000));
        assert_eq!(RetryPolicy::default().wait(1, Some(far)), None);
    }

    #[test]
    fn settings_out_of_range_are_named() {
        let refused = |policy: RetryPolicy| policy.checked().unwrap_err().to_string();
        assert_eq!(
            refused(RetryPolicy::default().max_attempts(0)),
            "`retry_policy.max_attempts` is 0; it must be between 1 and 10"
        );
        assert_eq!(
            refused(RetryPolicy::default().max_attempts(11)),
            "`retry_policy.max_attempts` is 11; it must be between 1 and 10"
        );
        assert_eq!(
            refused(RetryPolicy::default().backoff(Duration::ZERO, Duration::from_secs(1))),
            "`retry_policy.initial_backoff` is 0ns; it must be between 1 ms and 10 s"
        );
        assert_eq!(
            refused(RetryPolicy::default().backoff(Duration::from_secs(2), Duration::from_secs(1))),
            "`retry_policy.max_backoff` is 1s; it must be at least `initial_backoff` and at most 60 s"
        );
        assert_eq!(
            refused(RetryPolicy::default().backoff(Duration::from_secs(1), Duration::MAX))
                .split(';')
                .next(),
            Some(format!("`retry_policy.max_backoff` is {:?}", Duration::MAX).as_str())
        );
        assert_eq!(RetryPolicy::default().checked(), Ok(RetryPolicy::default()));
        assert_eq!(RetryPolicy::none().checked(), Ok(RetryPolicy::none()));
        let limits = RetryPolicy::default()
            .max_attempts(10)
            .backoff(Duration::from_secs(10), Duration::from_secs(60));
        assert_eq!(limits.clone().checked(), Ok(limits));
    }
}
