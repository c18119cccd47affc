//! Durations (`TimeSpan` in the reference's tables), written as ISO 8601 durations in both
//! representations (`PT5M`), which is how .NET's data contract serializers write a `TimeSpan`.
//! The .NET constant form (`[-][d.]hh:mm:ss[.fffffff]`) is read too.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration value of a property or request field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeSpan(Duration);

/// A duration that is neither an ISO 8601 duration nor `hh:mm:ss`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a duration such as `PT5M` or `00:05:00`, found `{0}`")]
pub struct TimeSpanError(String);

impl TimeSpan {
    /// A duration.
    pub fn new(duration: Duration) -> Self {
        TimeSpan(duration)
    }

    /// The duration.
    pub fn duration(self) -> Duration {
        self.0
    }

    /// Reads `PT5M`, `P1DT2H`, `PT1.5S` or `00:05:00`, `1.02:00:00`. Negative durations are
    /// refused: UCWA's are timeouts and delays.
    pub fn parse(text: &str) -> Result<Self, TimeSpanError> {
        let error = || TimeSpanError(text.to_owned());
        let seconds = if let Some(rest) = text.strip_prefix('P') {
            iso8601(rest).ok_or_else(error)?
        } else {
            clock(text).ok_or_else(error)?
        };
        Ok(TimeSpan(
            Duration::try_from_secs_f64(seconds).map_err(|_| error())?,
        ))
    }
}

/// `nDTnHnMnS` (after the `P`), each part optional, seconds with a fraction.
fn iso8601(text: &str) -> Option<f64> {
    let (days, time) = match text.split_once('T') {
        Some((days, time)) => (days, Some(time)),
        None => (text, None),
    };
    let mut total = 0.0;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let (_, scale) = units.iter().find(|(u, _)| *u == c)?;
            total += number.parse::<f64>().ok()? * scale;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    read(days, &[('D', 86_400.0)])?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        read(time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    any.then_some(total)
}

/// `[d.]hh:mm:ss[.fffffff]`.
fn clock(text: &str) -> Option<f64> {
    let mut parts = text.split(':');
    let (first, minutes, seconds) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (days, hours) = match first.split_once('.') {
        Some((days, hours)) => (days.parse::<u64>().ok()?, hours),
        None => (0, first),
    };
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
            .then(|| s.parse::<f64>().ok())
            .flatten()
    };
    Some(
        days as f64 * 86_400.0
            + number(hours)? * 3_600.0
            + number(minutes)? * 60.0
            + number(seconds)?,
    )
}

impl fmt::Display for TimeSpan {
    /// `PT{seconds}S`, with the fraction when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs();
        let nanos = self.0.subsec_nanos();
        if nanos == 0 {
            write!(f, "PT{secs}S")
        } else {
            let fraction = format!("{nanos:09}");
            write!(f, "PT{secs}.{}S", fraction.trim_end_matches('0'))
        }
    }
}

impl From<Duration> for TimeSpan {
    fn from(duration: Duration) -> Self {
        TimeSpan(duration)
    }
}

impl Serialize for TimeSpan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeSpan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = crate::__private::Key::deserialize(deserializer)?;
        TimeSpan::parse(text.as_str()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_and_iso_is_written() {
        let five = TimeSpan::new(Duration::from_secs(300));
        for text in ["PT5M", "PT300S", "00:05:00", "0.00:05:00"] {
            assert_eq!(TimeSpan::parse(text), Ok(five), "{text}");
        }
        assert_eq!(five.to_string(), "PT300S");
        assert_eq!(
            TimeSpan::parse("P1DT1.5S").unwrap().duration(),
            Duration::from_millis(86_401_500)
        );
        assert_eq!(TimeSpan::parse("PT1.5S").unwrap().to_string(), "PT1.5S");
        for bad in [
            "", "P", "PT", "5M", "PT5X", "-PT5M", "00:05", "aa:bb:cc", "P1H",
        ] {
            assert!(TimeSpan::parse(bad).is_err(), "{bad}");
        }
        let json: TimeSpan = serde_json::from_str("\"PT5M\"").unwrap();
        assert_eq!(json, five);
        assert_eq!(serde_json::to_string(&five).unwrap(), "\"PT300S\"");
    }
}
