//! The error of decoding a payload.

use std::fmt;

use crate::Format;

/// Where in a payload decoding failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// 1-based line and column.
    LineColumn {
        /// The line, from 1.
        line: usize,
        /// The column on that line, from 1.
        column: usize,
    },
    /// A 0-based byte offset into the payload.
    Offset(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::LineColumn { line, column } => write!(f, "line {line}, column {column}"),
            Position::Offset(offset) => write!(f, "byte {offset}"),
        }
    }
}

/// A payload that does not decode into the requested type: malformed, or not what the type
/// expects (a wrong value type, a link where the schema says `data:` URI, another rel, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// `None` when the payload was in no UCWA representation (its media type).
    format: Option<Format>,
    position: Option<Position>,
    message: String,
}

impl DecodeError {
    /// The representation being decoded; `None` when the media type is not one of UCWA's.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// Where decoding stopped, when known.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// What was wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn from_json(error: &serde_json::Error) -> Self {
        let position = (error.line() > 0).then(|| Position::LineColumn {
            line: error.line(),
            column: error.column(),
        });
        // serde_json appends " at line L column C" to the message; the position is kept apart.
        let mut message = error.to_string();
        if let Some(Position::LineColumn { line, column }) = position {
            let suffix = format!(" at line {line} column {column}");
            if message.ends_with(&suffix) {
                message.truncate(message.len() - suffix.len());
            }
        }
        DecodeError {
            format: Some(Format::Json),
            position,
            message,
        }
    }

    pub(crate) fn xml(offset: u64, message: String) -> Self {
        DecodeError {
            format: Some(Format::Xml),
            position: Some(Position::Offset(offset)),
            message,
        }
    }

    /// A JSON payload that parsed but is not what was expected; the message names the place.
    pub(crate) fn json_semantic(message: String) -> Self {
        DecodeError {
            format: Some(Format::Json),
            position: None,
            message,
        }
    }

    /// An answer whose headers lack what it must carry (the `Location` of a `201 Created`).
    pub(crate) fn header(message: &str) -> Self {
        DecodeError {
            format: None,
            position: None,
            message: message.to_owned(),
        }
    }

    pub(crate) fn media_type(content_type: &str) -> Self {
        DecodeError {
            format: None,
            position: None,
            message: format!(
                "the Content-Type `{content_type}` is not a UCWA representation; expected application/json, application/xml, application/vnd.microsoft.com.ucwa+json or application/vnd.microsoft.com.ucwa+xml"
            ),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            Some(format) => write!(f, "invalid UCWA {format} payload")?,
            None => f.write_str("not a UCWA payload")?,
        }
        if let Some(position) = self.position {
            write!(f, " at {position}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for DecodeError {}
