//! UCWA dates: `/Date(milliseconds)/` in JSON (ASP.NET AJAX format).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, as milliseconds since the Unix epoch, with the UTC offset the server
/// attached to it (if any) so that it is written back as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    millis: i64,
    offset_minutes: Option<i16>,
}

impl Timestamp {
    /// A timestamp `millis` milliseconds after the Unix epoch, without an offset.
    pub const fn from_unix_millis(millis: i64) -> Self {
        Timestamp {
            millis,
            offset_minutes: None,
        }
    }

    /// Milliseconds since the Unix epoch (UTC).
    pub const fn unix_millis(&self) -> i64 {
        self.millis
    }

    /// The offset from UTC the server attached, in minutes, e.g. `+0130` is `Some(90)`.
    pub const fn offset_minutes(&self) -> Option<i16> {
        self.offset_minutes
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let magnitude = Duration::from_millis(self.millis.unsigned_abs());
        if self.millis >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    /// Parses the JSON form `/Date(1364856373000)/` or `/Date(1364856373000+0100)/`.
    pub fn parse_json(s: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError {
            found: s.chars().take(40).collect(),
        };
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
        Ok(Timestamp {
            millis,
            offset_minutes,
        })
    }
}

impl fmt::Display for Timestamp {
    /// The JSON form, `/Date(ms)/` or `/Date(ms±hhmm)/`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/Date({}", self.millis)?;
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
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a date such as `/Date(1364856373000)/`, found `{}`",
            self.found
        )
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
