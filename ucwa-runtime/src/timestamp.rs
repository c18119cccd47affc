//! UCWA dates: `/Date(milliseconds)/` in JSON (ASP.NET AJAX format), ISO 8601 in XML.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A point in time, with the UTC offset the server attached to it (if any) so that it is
/// written back as received.
///
/// JSON carries milliseconds; XML may carry finer fractions of a second, which are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    unix_nanos: i128,
    offset_minutes: Option<i16>,
}

impl Timestamp {
    /// A timestamp `millis` milliseconds after the Unix epoch, without an offset (UTC).
    pub const fn from_unix_millis(millis: i64) -> Self {
        Timestamp {
            unix_nanos: millis as i128 * 1_000_000,
            offset_minutes: None,
        }
    }

    /// The same instant with the given offset from UTC, in minutes (at most ±23:59).
    pub fn with_offset_minutes(self, offset_minutes: Option<i16>) -> Option<Self> {
        match offset_minutes {
            Some(m) if m.unsigned_abs() >= 24 * 60 => None,
            _ => Some(Timestamp {
                offset_minutes,
                ..self
            }),
        }
    }

    /// Milliseconds since the Unix epoch (UTC), rounded down.
    pub const fn unix_millis(&self) -> i64 {
        self.unix_nanos.div_euclid(1_000_000) as i64
    }

    /// Nanoseconds since the Unix epoch (UTC).
    pub const fn unix_nanos(&self) -> i128 {
        self.unix_nanos
    }

    /// The offset from UTC the server attached, in minutes, e.g. `+0130` is `Some(90)`;
    /// `None` for UTC written without an offset (`Z` in XML).
    pub const fn offset_minutes(&self) -> Option<i16> {
        self.offset_minutes
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let magnitude = self.unix_nanos.unsigned_abs();
        let duration = Duration::new(
            (magnitude / 1_000_000_000) as u64,
            (magnitude % 1_000_000_000) as u32,
        );
        if self.unix_nanos >= 0 {
            UNIX_EPOCH + duration
        } else {
            UNIX_EPOCH - duration
        }
    }

    /// Parses the JSON form `/Date(1364856373000)/` or `/Date(1364856373000+0100)/`.
    pub fn parse_json(s: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError::new(s, "a date such as `/Date(1364856373000)/`");
        let inner = s
            .strip_prefix("/Date(")
            .and_then(|rest| rest.strip_suffix(")/"))
            .ok_or_else(err)?;
        // The sign of the offset is the first `+` or `-` after the (possibly negative) millis.
        let split = inner
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '+' || c == '-')
            .map(|(i, _)| i);
        let (millis, offset) = match split {
            Some(i) => (&inner[..i], Some(&inner[i..])),
            None => (inner, None),
        };
        let millis = millis.parse::<i64>().map_err(|_| err())?;
        let offset_minutes = match offset {
            None => None,
            Some(offset) => {
                let digits = &offset[1..];
                if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err());
                }
                let hours: i16 = digits[..2].parse().map_err(|_| err())?;
                let minutes: i16 = digits[2..].parse().map_err(|_| err())?;
                let total = hours * 60 + minutes;
                Some(if offset.starts_with('-') {
                    -total
                } else {
                    total
                })
            }
        };
        Timestamp::from_unix_millis(millis)
            .with_offset_minutes(offset_minutes)
            .ok_or_else(err)
    }

    /// Parses the XML form, ISO 8601: `2013-04-01T22:46:13.0000000Z`, with `Z`, an offset such
    /// as `+01:00`, or no offset (taken as UTC).
    pub fn parse_iso8601(s: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError::new(s, "an ISO 8601 date such as `2013-04-01T22:46:13Z`");
        if let Ok(date) = OffsetDateTime::parse(s, &Rfc3339) {
            let utc_designator = s.ends_with(['Z', 'z']);
            let offset = (!utc_designator).then(|| date.offset().whole_minutes());
            return Ok(Timestamp {
                unix_nanos: date.unix_timestamp_nanos(),
                offset_minutes: offset,
            });
        }
        if let Ok(date) = OffsetDateTime::parse(s, &Iso8601::DEFAULT) {
            let offset = date.offset().whole_minutes();
            return Ok(Timestamp {
                unix_nanos: date.unix_timestamp_nanos(),
                offset_minutes: (offset != 0 || !s.ends_with(['Z', 'z'])).then_some(offset),
            });
        }
        let date = PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map_err(|_| err())?;
        Ok(Timestamp {
            unix_nanos: date.assume_utc().unix_timestamp_nanos(),
            offset_minutes: None,
        })
    }

    /// The XML form: ISO 8601 in the attached offset (`Z` without one), with as many digits of
    /// fractional seconds as needed.
    pub fn to_iso8601(&self) -> String {
        let offset = self
            .offset_minutes
            .and_then(|m| UtcOffset::from_whole_seconds(i32::from(m) * 60).ok())
            .unwrap_or(UtcOffset::UTC);
        let date = OffsetDateTime::from_unix_timestamp_nanos(self.unix_nanos)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(offset);
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            date.year(),
            u8::from(date.month()),
            date.day(),
            date.hour(),
            date.minute(),
            date.second()
        );
        let nanos = date.nanosecond();
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        match self.offset_minutes {
            None => out.push('Z'),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                out.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
            }
        }
        out
    }
}

impl fmt::Display for Timestamp {
    /// The JSON form, `/Date(ms)/` or `/Date(ms±hhmm)/`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/Date({}", self.unix_millis())?;
        if let Some(offset) = self.offset_minutes {
            let sign = if offset < 0 { '-' } else { '+' };
            let offset = offset.unsigned_abs();
            write!(f, "{sign}{:02}{:02}", offset / 60, offset % 60)?;
        }
        f.write_str(")/")
    }
}

/// A string that is not a UCWA date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError {
    found: String,
    expected: &'static str,
}

impl TimestampError {
    fn new(found: &str, expected: &'static str) -> Self {
        TimestampError {
            found: found.chars().take(40).collect(),
            expected,
        }
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found `{}`", self.expected, self.found)
    }
}

impl std::error::Error for TimestampError {}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = crate::__private::Key::deserialize(deserializer)?;
        Timestamp::parse_json(s.as_str()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_iso_forms_round_trip() {
        let t = Timestamp::parse_json("/Date(1364856373000+0100)/").unwrap();
        assert_eq!(t.to_iso8601(), "2013-04-01T23:46:13+01:00");
        assert_eq!(Timestamp::parse_iso8601(&t.to_iso8601()).unwrap(), t);
        assert_eq!(t.to_string(), "/Date(1364856373000+0100)/");

        let utc = Timestamp::parse_iso8601("2013-04-01T22:46:13.1234567Z").unwrap();
        assert_eq!(utc.unix_millis(), 1_364_856_373_123);
        assert_eq!(utc.offset_minutes(), None);
        assert_eq!(utc.to_iso8601(), "2013-04-01T22:46:13.1234567Z");
        assert_eq!(utc.to_string(), "/Date(1364856373123)/");

        let zero = Timestamp::parse_iso8601("2013-04-01T22:46:13+00:00").unwrap();
        assert_eq!(zero.offset_minutes(), Some(0));
        assert_eq!(zero.to_iso8601(), "2013-04-01T22:46:13+00:00");

        let local = Timestamp::parse_iso8601("2013-04-01T22:46:13").unwrap();
        assert_eq!(local.unix_millis(), 1_364_856_373_000);

        assert!(Timestamp::parse_iso8601("yesterday").is_err());
        assert!(Timestamp::parse_json("/Date(1+2400)/").is_err());
        assert_eq!(
            t.to_system_time(),
            UNIX_EPOCH + Duration::from_millis(1_364_856_373_000)
        );
        let before_epoch = Timestamp::from_unix_millis(-1500);
        assert_eq!(
            before_epoch.to_system_time(),
            UNIX_EPOCH - Duration::from_millis(1500)
        );
        assert_eq!(before_epoch.to_iso8601(), "1969-12-31T23:59:58.5Z");
        assert_eq!(before_epoch.unix_millis(), -1500);
    }
}
