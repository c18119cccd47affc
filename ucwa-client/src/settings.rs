//! The limits of the client's settings. A setting out of range is refused when the client is
//! built or the session starts, with the parameter and its range named, instead of panicking
//! later (a zero period in `tokio::time::interval`), overflowing (`Duration::MAX` plus a
//! margin) or spinning (a zero retry delay).

use std::time::Duration;

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
/// The most events kept for a slow subscriber (`tokio::sync::broadcast` panics on huge
/// capacities, and each slot is memory held for the session's life).
pub const MAX_EVENT_QUEUE: usize = 65_536;

/// The range of `ClientBuilder::max_body_size`: below 1 KiB not even an error answer fits; above
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
