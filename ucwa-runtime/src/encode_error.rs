//! Why a value cannot be encoded: XML 1.0 cannot carry some characters JSON can (most control
//! characters), not even escaped, and the encoder refuses them rather than write a document no
//! reader accepts.

use std::fmt;

/// A value the representation cannot carry, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    place: String,
    /// The first character that cannot be carried; `None` for a name XML cannot use.
    character: Option<char>,
}

impl EncodeError {
    /// What holds the character: e.g. "property `subject`", "attribute `href` of <link>".
    pub fn place(&self) -> &str {
        &self.place
    }

    /// The first character that cannot be carried, if that is the fault; `None` when the fault
    /// is a text that would have to be an XML name and is not one (an event type `a b`).
    pub fn character(&self) -> Option<char> {
        self.character
    }

    /// `text` would be the name of an element and is not an XML name.
    pub(crate) fn not_a_name(place: String) -> Self {
        EncodeError {
            place,
            character: None,
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.character {
            Some(character) => write!(
                f,
                "cannot encode in XML: {} holds U+{:04X}, a character XML 1.0 cannot carry \
                 (even escaped); remove it, or send this value as JSON",
                self.place, character as u32
            ),
            None => write!(
                f,
                "cannot encode in XML: {} would name an element and is not an XML name; send \
                 this value as JSON",
                self.place
            ),
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
            character: Some(character),
        }),
    }
}
