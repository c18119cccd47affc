//! A cursor over one header value, for the parsers of `WWW-Authenticate` and
//! `X-Ms-Diagnostics`: tokens, quoted strings (RFC 9110 §5.6.4, backslash escapes) and the
//! looser unquoted values real servers send (`href=https://host/path`). Every error names the
//! byte offset where it was found, so that a log line says which part of a header was wrong.

/// A problem at a byte offset of a header value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte {position}: {reason}")]
pub struct HeaderSyntaxError {
    /// The byte offset in the header value (for merged values, in the merged text).
    pub position: usize,
    /// What was expected or found there.
    pub reason: String,
}

pub(crate) struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

/// `tchar` of RFC 9110: what a token (a scheme, a parameter name) is made of.
pub(crate) fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, at: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.at
    }

    pub(crate) fn set_position(&mut self, at: usize) {
        self.at = at;
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.at >= self.text.len()
    }

    pub(crate) fn error(&self, reason: impl Into<String>) -> HeaderSyntaxError {
        HeaderSyntaxError {
            position: self.at,
            reason: reason.into(),
        }
    }

    /// Skips spaces and tabs; whether any were skipped.
    pub(crate) fn skip_space(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
        self.at > start
    }

    /// Consumes `c` if it is next.
    pub(crate) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A token, or `None` (nothing consumed) when the next byte cannot start one.
    pub(crate) fn token(&mut self) -> Option<&'a str> {
        let start = self.at;
        while self.peek().is_some_and(is_tchar) {
            self.at += 1;
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    /// A quoted string, the opening quote next; its content with escapes removed.
    pub(crate) fn quoted(&mut self) -> Result<String, HeaderSyntaxError> {
        let open = self.at;
        if !self.eat(b'"') {
            return Err(self.error("expected `\"`"));
        }
        let mut value = String::new();
        let mut chars = self.text[self.at..].char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += offset + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                c => value.push(c),
            }
        }
        Err(HeaderSyntaxError {
            position: open,
            reason: "the quoted string that starts here is not closed".to_owned(),
        })
    }

    /// An unquoted value: everything up to a space, a tab or one of `stops`. Servers send URLs
    /// this way (`href=https://host/x`), which are not RFC tokens, so this is looser than
    /// [`Cursor::token`].
    pub(crate) fn bare(&mut self, stops: &[u8]) -> &'a str {
        let start = self.at;
        while let Some(c) = self.peek() {
            if c == b' ' || c == b'\t' || c == b'"' || stops.contains(&c) {
                break;
            }
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// A parameter value, quoted or bare; an empty bare value is an error.
    pub(crate) fn value(&mut self, stops: &[u8]) -> Result<String, HeaderSyntaxError> {
        if self.peek() == Some(b'"') {
            return self.quoted();
        }
        let value = self.bare(stops);
        if value.is_empty() {
            return Err(self.error("expected a value (a token or a quoted string)"));
        }
        Ok(value.to_owned())
    }
}
