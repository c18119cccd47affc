//! `X-Ms-Diagnostics`: the server's reason for an error, `ID;key=value;...` with quoted or bare
//! values (`28020;source="fe.contoso.com";reason="No valid security token."`). The reference
//! advises against depending on it, so it is kept for logs and error messages, not for
//! deciding anything. Several diagnostics may be sent in one value (separated by commas) or in
//! several headers.

use std::fmt;

use ucwa::http::HeaderMap;

use crate::header_value::{Cursor, HeaderSyntaxError};

/// The header's name (matched without case, as every header name is).
pub const HEADER: &str = "x-ms-diagnostics";

/// One diagnostic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostic {
    /// The diagnostic's number.
    pub id: u32,
    /// The server that produced it (`source`).
    pub source: Option<String>,
    /// Why, in words (`reason`).
    pub reason: Option<String>,
    /// A fault code (`faultcode`), when the server gives one.
    pub fault_code: Option<String>,
    /// Any other keys, in the order sent, names as sent.
    pub other: Vec<(String, String)>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "diagnostic {}", self.id)?;
        if let Some(source) = &self.source {
            write!(f, " from {source}")?;
        }
        if let Some(reason) = &self.reason {
            write!(f, ": {reason}")?;
        }
        if let Some(fault_code) = &self.fault_code {
            write!(f, " (fault {fault_code})")?;
        }
        Ok(())
    }
}

/// The diagnostics of one header value.
pub fn parse(value: &str) -> Result<Vec<Diagnostic>, HeaderSyntaxError> {
    let mut cursor = Cursor::new(value);
    let mut all = Vec::new();
    loop {
        while cursor.skip_space() || cursor.eat(b',') {}
        if cursor.at_end() {
            return Ok(all);
        }
        all.push(one(&mut cursor)?);
        cursor.skip_space();
        if !cursor.at_end() && cursor.peek() != Some(b',') {
            return Err(cursor.error("expected `;` or `,`"));
        }
    }
}

fn one(cursor: &mut Cursor<'_>) -> Result<Diagnostic, HeaderSyntaxError> {
    let start = cursor.position();
    let digits = cursor.bare(b";,");
    let id = digits
        .parse::<u32>()
        .ok()
        .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(HeaderSyntaxError {
            position: start,
            reason: format!("expected the diagnostic's number, found `{digits}`"),
        })?;
    let mut diagnostic = Diagnostic {
        id,
        ..Diagnostic::default()
    };
    loop {
        cursor.skip_space();
        if !cursor.eat(b';') {
            return Ok(diagnostic);
        }
        cursor.skip_space();
        let name = cursor
            .token()
            .ok_or_else(|| cursor.error("expected a key after `;`"))?;
        cursor.skip_space();
        if !cursor.eat(b'=') {
            return Err(cursor.error(format!("expected `=` after `{name}`")));
        }
        cursor.skip_space();
        let value = cursor.value(b";,")?;
        let slot = match name.to_ascii_lowercase().as_str() {
            "source" => &mut diagnostic.source,
            "reason" => &mut diagnostic.reason,
            "faultcode" => &mut diagnostic.fault_code,
            _ => {
                diagnostic.other.push((name.to_owned(), value));
                continue;
            }
        };
        // The first value is the one the server meant; a repeat is kept with the others.
        if slot.is_none() {
            *slot = Some(value);
        } else {
            diagnostic.other.push((name.to_owned(), value));
        }
    }
}

/// Every diagnostic of a response, from all its `X-Ms-Diagnostics` headers; a header that does
/// not parse is skipped, since a diagnostic only explains an error and must not hide it.
pub fn from_headers(headers: &HeaderMap) -> Vec<Diagnostic> {
    headers
        .get_all(HEADER)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| parse(v).ok())
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucwa::http::{HeaderName, HeaderValue};

    #[test]
    fn id_source_and_reason() {
        let all = parse(r#"28020;source="server.contoso.com";reason="No valid security token.""#)
            .unwrap();
        assert_eq!(
            all,
            [Diagnostic {
                id: 28020,
                source: Some("server.contoso.com".into()),
                reason: Some("No valid security token.".into()),
                ..Diagnostic::default()
            }]
        );
        assert_eq!(
            all[0].to_string(),
            "diagnostic 28020 from server.contoso.com: No valid security token."
        );
    }

    #[test]
    fn fault_code_other_keys_bare_values_and_spaces() {
        let all = parse(
            r#" 1032 ; Reason="Bad; really" ;FaultCode=ServerFault; ms-flag=1;source=fe1;reason="again" "#,
        )
        .unwrap();
        assert_eq!(
            all,
            [Diagnostic {
                id: 1032,
                source: Some("fe1".into()),
                reason: Some("Bad; really".into()),
                fault_code: Some("ServerFault".into()),
                other: vec![
                    ("ms-flag".into(), "1".into()),
                    ("reason".into(), "again".into())
                ],
            }]
        );
        assert_eq!(
            all[0].to_string(),
            "diagnostic 1032 from fe1: Bad; really (fault ServerFault)"
        );
    }

    #[test]
    fn a_number_alone_and_several_in_one_value() {
        let all = parse(r#"7, 28029;reason="Authentication type not allowed.""#).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].id, &all[0].reason), (7, &None));
        assert_eq!(
            all[1].reason.as_deref(),
            Some("Authentication type not allowed.")
        );
        assert_eq!(parse("").unwrap(), []);
    }

    #[test]
    fn errors_name_the_position() {
        let cases = [
            (
                "abc;reason=x",
                0,
                "expected the diagnostic's number, found `abc`",
            ),
            (
                "99999999999",
                0,
                "expected the diagnostic's number, found `99999999999`",
            ),
            ("1;=x", 2, "expected a key after `;`"),
            ("1;reason x", 9, "expected `=` after `reason`"),
            (
                "1;reason=",
                9,
                "expected a value (a token or a quoted string)",
            ),
            (
                "1;reason=\"open",
                9,
                "the quoted string that starts here is not closed",
            ),
            ("1;reason=\"a\" x", 13, "expected `;` or `,`"),
        ];
        for (value, position, reason) in cases {
            assert_eq!(
                parse(value),
                Err(HeaderSyntaxError {
                    position,
                    reason: reason.into()
                }),
                "{value}"
            );
        }
    }

    #[test]
    fn headers_in_any_case_and_bad_ones_skipped() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("X-Ms-Diagnostics", "1;reason=\"one\""),
            ("x-ms-diagnostics", "not a diagnostic"),
            ("X-MS-DIAGNOSTICS", "3;source=\"s\""),
        ] {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let ids: Vec<u32> = from_headers(&headers).iter().map(|d| d.id).collect();
        assert_eq!(ids, [1, 3]);
    }
}
