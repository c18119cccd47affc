//! Why a value cannot be encoded: XML 1.0 cannot carry some characters JSON can (most control
//! characters), not even escaped, and the encoder refuses them rather than write a document no
//! reader accepts.

use std::fmt;

/// A value the representation cannot carry, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    place: String,
    fault: Fault,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Fault {
    /// A character XML 1.0 cannot carry.
    Character(char),
    /// A text that would have to be an XML name.
    NotAName,
    /// A part that did not decode, kept only as its source in the other representation.
    SourceOnly {
        /// The representation being written.
        target: crate::Format,
        /// Why the part did not decode.
        why: String,
    },
}

impl EncodeError {
    /// What holds the character: e.g. "property `subject`", "attribute `href` of <link>".
    pub fn place(&self) -> &str {
        &self.place
    }

    /// The first character that cannot be carried, if that is the fault; `None` when the fault
    /// is a text that would have to be an XML name and is not one (an event type `a b`), or a
    /// part kept only as its source in the other representation
    /// ([`EncodeError::is_source_only`]).
    pub fn character(&self) -> Option<char> {
        match self.fault {
            Fault::Character(c) => Some(c),
            _ => None,
        }
    }

    /// Whether the fault is a part that could not be decoded when it was read (an event of a
    /// batch) and is kept only as its source in the other representation, which cannot be
    /// written as this one without losing it.
    pub fn is_source_only(&self) -> bool {
        matches!(self.fault, Fault::SourceOnly { .. })
    }

    /// `text` would be the name of an element and is not an XML name.
    pub(crate) fn not_a_name(place: String) -> Self {
        EncodeError {
            place,
            fault: Fault::NotAName,
        }
    }

    /// `place` did not decode (`why`) and is kept only as its source in the representation
    /// other than `target`.
    pub(crate) fn source_only(place: String, target: crate::Format, why: String) -> Self {
        EncodeError {
            place,
            fault: Fault::SourceOnly { target, why },
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fault {
            Fault::Character(character) => write!(
                f,
                "cannot encode in XML: {} holds U+{:04X}, a character XML 1.0 cannot carry \
                 (even escaped); remove it, or send this value as JSON",
                self.place, *character as u32
            ),
            Fault::NotAName => write!(
                f,
                "cannot encode in XML: {} would name an element and is not an XML name; send \
                 this value as JSON",
                self.place
            ),
            Fault::SourceOnly { target, why } => {
                let (target, kept) = match target {
                    crate::Format::Json => ("JSON", "XML"),
                    crate::Format::Xml => ("XML", "JSON"),
                };
                write!(
                    f,
                    "cannot encode in {target}: {} did not decode when it was read ({why}) and \
                     is kept only as its {kept} source; send it as {kept}, or drop it first",
                    self.place
                )
            }
        }
    }
}

impl std::error::Error for EncodeError {}

/// The first character of `text` that XML 1.0 cannot carry: controls other than tab, line feed
/// and carriage return, and U+FFFE / U+FFFF.
pub(crate) fn first_unencodable(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    // Fast path: no control byte, and no 0xEF (which starts U+FFFE and U+FFFF).
    if !bytes
        .iter()
        .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF)
    {
        return None;
    }
    text.chars().find(|&c| {
        (c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    })
}

/// Checks `text`, naming its place (built only on failure).
pub(crate) fn check(text: &str, place: impl FnOnce() -> String) -> Result<(), EncodeError> {
    match first_unencodable(text) {
        None => Ok(()),
        Some(character) => Err(EncodeError {
            place: place(),
            fault: Fault::Character(character),
        }),
    }
}
