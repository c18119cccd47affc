//! URIs that are values of properties (`sip:`, `tel:`, …), as opposed to links.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A URI-valued property, such as a participant's `sip:` address or `tel:` number.
///
/// Kept as written by the server; [`Uri::scheme`] tells which kind it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Uri(String);

impl Uri {
    /// Wraps a URI.
    pub fn new(uri: impl Into<String>) -> Self {
        Uri(uri.into())
    }

    /// The URI as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The scheme before the first `:` (`sip`, `tel`, `https`, …), if there is one.
    pub fn scheme(&self) -> Option<&str> {
        let (scheme, _) = self.0.split_once(':')?;
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        valid.then_some(scheme)
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Uri {
    fn from(s: &str) -> Self {
        Uri(s.to_owned())
    }
}

impl From<String> for Uri {
    fn from(s: String) -> Self {
        Uri(s)
    }
}
