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
///
/// Its date, in its offset, is in the years 0 to 9999: what ISO 8601 writes with four digits,
/// and so what both representations carry. A payload's date outside them is a decoding error,
/// in JSON as in XML, rather than a value that could not be written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    unix_nanos: i128,
    offset_minutes: Option<i16>,
}

/// 0000-01-01T00:00:00 and 9999-12-31T23:59:59.999999999, in nanoseconds from the epoch.
const MIN_NANOS: i128 = -62_167_219_200 * 1_000_000_000;
const MAX_NANOS: i128 = 253_402_300_800 * 1_000_000_000 - 1;

impl Timestamp {
    /// A timestamp `millis` milliseconds after the Unix epoch, without an offset (UTC); `None`
    /// outside the years 0 to 9999.
    pub const fn from_unix_millis(millis: i64) -> Option<Self> {
        Timestamp::checked(millis as i128 * 1_000_000, None)
    }

    /// The same instant with the given offset from UTC, in minutes (at most ±23:59); `None`
    /// for a larger offset, or one that moves the date out of the years 0 to 9999.
    pub const fn with_offset_minutes(self, offset_minutes: Option<i16>) -> Option<Self> {
        match offset_minutes {
            Some(m) if m.unsigned_abs() >= 24 * 60 => None,
            _ => Timestamp::checked(self.unix_nanos, offset_minutes),
        }
    }

    /// The one place where the range is kept: the date in its own offset.
    const fn checked(unix_nanos: i128, offset_minutes: Option<i16>) -> Option<Self> {
        let offset_nanos = match offset_minutes {
            Some(m) => m as i128 * 60_000_000_000,
            None => 0,
        };
        let local = unix_nanos + offset_nanos;
        if local < MIN_NANOS || local > MAX_NANOS {
            return None;
        }
        Some(Timestamp {
            unix_nanos,
            offset_minutes,
        })
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
        let out_of_range = || TimestampError::new(s, OUT_OF_RANGE);
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
                if total >= 24 * 60 {
                    return Err(err());
                }
                Some(if offset.starts_with('-') {
                    -total
                } else {
                    total
                })
            }
        };
        Timestamp::checked(i128::from(millis) * 1_000_000, offset_minutes).ok_or_else(out_of_range)
    }

    /// Parses the XML form, ISO 8601: `2013-04-01T22:46:13.0000000Z`, with `Z`, an offset such
    /// as `+01:00`, or no offset (taken as UTC).
    pub fn parse_iso8601(s: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError::new(s, "an ISO 8601 date such as `2013-04-01T22:46:13Z`");
        let (unix_nanos, offset_minutes) = if let Ok(date) = OffsetDateTime::parse(s, &Rfc3339) {
            let utc_designator = s.ends_with(['Z', 'z']);
            let offset = (!utc_designator).then(|| date.offset().whole_minutes());
            (date.unix_timestamp_nanos(), offset)
        } else if let Ok(date) = OffsetDateTime::parse(s, &Iso8601::DEFAULT) {
            let offset = date.offset().whole_minutes();
            let offset = (offset != 0 || !s.ends_with(['Z', 'z'])).then_some(offset);
            (date.unix_timestamp_nanos(), offset)
        } else {
            let date = PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map_err(|_| err())?;
            (date.assume_utc().unix_timestamp_nanos(), None)
        };
        // ISO 8601 also writes years before 0 (`-0001`): refused, as in JSON.
        Timestamp::checked(unix_nanos, offset_minutes)
            .ok_or_else(|| TimestampError::new(s, OUT_OF_RANGE))
    }

    /// The XML form: ISO 8601 in the attached offset (`Z` without one), with as many digits of
    /// fractional seconds as needed.
    pub fn to_iso8601(&self) -> String {
        let offset = self
            .offset_minutes
            .and_then(|m| UtcOffset::from_whole_seconds(i32::from(m) * 60).ok())
            .unwrap_or(UtcOffset::UTC);
        // In range by construction (`checked`), which the `time` crate's own range covers.
        let Ok(date) = OffsetDateTime::from_unix_timestamp_nanos(self.unix_nanos) else {
            unreachable!("a Timestamp is within the years 0 to 9999")
        };
        let date = date.to_offset(offset);
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

const OUT_OF_RANGE: &str = "a date in the years 0 to 9999";

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
        let before_epoch = Timestamp::from_unix_millis(-1500).unwrap();
        assert_eq!(
            before_epoch.to_system_time(),
            UNIX_EPOCH - Duration::from_millis(1500)
        );
        assert_eq!(before_epoch.to_iso8601(), "1969-12-31T23:59:58.5Z");
        assert_eq!(before_epoch.unix_millis(), -1500);
    }

    /// Years 0 to 9999, in the date's own offset, in both forms; nothing outside them is
    /// accepted, so nothing is ever written as 1970 or as a year `-001`.
    #[test]
    fn dates_are_in_the_years_0_to_9999() {
        let first = Timestamp::parse_iso8601("0000-01-01T00:00:00Z").unwrap();
        let last = Timestamp::parse_iso8601("9999-12-31T23:59:59.999Z").unwrap();
        assert_eq!(first.to_iso8601(), "0000-01-01T00:00:00Z");
        assert_eq!(last.to_iso8601(), "9999-12-31T23:59:59.999Z");
        for t in [first, last] {
            assert_eq!(Timestamp::parse_json(&t.to_string()).unwrap(), t);
        }
        assert_eq!(first.to_string(), "/Date(-62167219200000)/");
        assert_eq!(last.to_string(), "/Date(253402300799999)/");

        for json in [
            "/Date(-62167219200001)/",
            "/Date(253402300800000)/",
            "/Date(9223372036854775807)/",
            "/Date(-9223372036854775808)/",
            // In range in UTC, out of it in its own offset.
            "/Date(253402300799999+0100)/",
            "/Date(-62167219200000-0100)/",
        ] {
            let error = Timestamp::parse_json(json).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("expected a date in the years 0 to 9999, found `{json}`")
            );
        }
        for iso in ["-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"] {
            assert!(Timestamp::parse_iso8601(iso).is_err(), "{iso}");
        }
        // Before the year 0 in UTC, in it in its own offset: kept, and written as it came.
        let local = Timestamp::parse_iso8601("0000-01-01T00:30:00+01:00").unwrap();
        assert_eq!(local.to_iso8601(), "0000-01-01T00:30:00+01:00");
        assert_eq!(Timestamp::parse_json(&local.to_string()).unwrap(), local);
        assert_eq!(Timestamp::from_unix_millis(i64::MAX), None);
        assert_eq!(first.with_offset_minutes(Some(-1)), None);
        assert_eq!(
            last.with_offset_minutes(Some(-60)).unwrap().unix_millis(),
            last.unix_millis()
        );
    }
}
