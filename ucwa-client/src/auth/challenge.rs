//! The `WWW-Authenticate` challenges of a 401 (RFC 9110 §11.6.1), as UCWA servers send them:
//! `MsRtcOAuth` with the token endpoint (`href`, quoted or not) and the grants it accepts
//! (`grant_type`, one quoted comma-separated list), and `Bearer` with what an Azure AD client
//! needs (`authorization_uri`, `client_id`). Several challenges may come in separate headers or
//! merged into one value by a proxy; a comma then separates both parameters and challenges,
//! which is why this is a parser and not a split on commas: after a comma, a token followed by
//! `=` is a parameter, and a token followed by anything else starts the next challenge.

use std::collections::HashSet;

use ucwa::http::HeaderMap;
use ucwa::http::header::WWW_AUTHENTICATE;

use crate::header_value::{Cursor, HeaderSyntaxError};

/// The longest `WWW-Authenticate` value read, in bytes: UCWA's challenges take a few hundred;
/// anything near this is not a challenge worth the parse.
pub const MAX_HEADER_LEN: usize = 16 * 1024;

/// The most parameters one challenge may have: UCWA's have two to four.
pub const MAX_PARAMS: usize = 64;

/// One challenge: a scheme and either a token68 or parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme as sent (`MsRtcOAuth`, `Bearer`); compare it without case.
    pub scheme: String,
    /// The token68 form (`Negotiate YIIB...`), when the challenge has one instead of parameters.
    pub token68: Option<String>,
    /// The parameters in the order sent, names as sent, values unquoted.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// Whether the scheme is `scheme`, in any case.
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The value of the parameter `name`, matched without case as RFC 9110 says.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A grant a token endpoint accepts, from `grant_type`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GrantType {
    /// `password`: user name and password.
    Password,
    /// `urn:microsoft.rtc:windows`: integrated Windows authentication (not implemented here).
    Windows,
    /// `urn:microsoft.rtc:anonmeeting`: joining a meeting anonymously with its key.
    AnonMeeting,
    /// `urn:microsoft.rtc:passive`: passive (federated) authentication (not implemented here).
    Passive,
    /// Any other grant, as sent.
    Other(String),
}

impl GrantType {
    /// The grant as it is named on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            GrantType::Password => "password",
            GrantType::Windows => "urn:microsoft.rtc:windows",
            GrantType::AnonMeeting => "urn:microsoft.rtc:anonmeeting",
            GrantType::Passive => "urn:microsoft.rtc:passive",
            GrantType::Other(other) => other,
        }
    }

    /// The grant named `name` (without case: servers are not consistent).
    pub fn from_name(name: &str) -> GrantType {
        [
            GrantType::Password,
            GrantType::Windows,
            GrantType::AnonMeeting,
            GrantType::Passive,
        ]
        .into_iter()
        .find(|g| g.as_str().eq_ignore_ascii_case(name))
        .unwrap_or_else(|| GrantType::Other(name.to_owned()))
    }
}

/// The `MsRtcOAuth` challenge: where to get a token, and with which grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsRtcOAuth {
    /// The token endpoint.
    pub href: url::Url,
    /// The grants it accepts, in the order sent.
    pub grant_types: Vec<GrantType>,
}

/// The `Bearer` challenge: what an OAuth client (Azure AD) needs to get a token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bearer {
    /// Where to authorize (`authorization_uri`).
    pub authorization_uri: Option<String>,
    /// The server's client id (`client_id`).
    pub client_id: Option<String>,
    /// The issuers the server trusts (`trusted_issuers`).
    pub trusted_issuers: Option<String>,
}

/// A `WWW-Authenticate` header that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// A header value is not valid syntax.
    #[error("WWW-Authenticate header #{header}: {source}")]
    Syntax {
        /// Which `WWW-Authenticate` header (from 1), in the order received.
        header: usize,
        /// Where and what.
        source: HeaderSyntaxError,
    },
    /// A header value is not text.
    #[error("WWW-Authenticate header #{header} is not visible ASCII text")]
    NotText {
        /// Which header (from 1).
        header: usize,
    },
    /// A parameter appears twice in one challenge.
    #[error("WWW-Authenticate header #{header}: the {scheme} challenge has `{name}` twice")]
    Duplicate {
        /// Which header (from 1).
        header: usize,
        /// The challenge's scheme.
        scheme: String,
        /// The parameter.
        name: String,
    },
    /// A header value is longer than [`MAX_HEADER_LEN`].
    #[error("WWW-Authenticate header #{header} is {length} bytes long; the limit is {max}")]
    TooLong {
        /// Which header (from 1).
        header: usize,
        /// Its length, in bytes.
        length: usize,
        /// The limit ([`MAX_HEADER_LEN`]).
        max: usize,
    },
    /// A challenge has more than [`MAX_PARAMS`] parameters.
    #[error(
        "WWW-Authenticate header #{header}: the {scheme} challenge has more than {max} parameters"
    )]
    TooManyParameters {
        /// Which header (from 1).
        header: usize,
        /// The challenge's scheme.
        scheme: String,
        /// The limit ([`MAX_PARAMS`]).
        max: usize,
    },
    /// The `MsRtcOAuth` challenge has no `href`.
    #[error("the MsRtcOAuth challenge has no `href`")]
    NoHref,
    /// The `MsRtcOAuth` challenge's `href` is not an absolute URL.
    #[error("the MsRtcOAuth challenge's href `{href}` is not an absolute URL: {reason}")]
    BadHref {
        /// The value sent.
        href: String,
        /// Why it is not a URL.
        reason: String,
    },
}

/// Every challenge of a response, from all its `WWW-Authenticate` headers (`HeaderMap` matches
/// header names without case).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Challenges(pub Vec<Challenge>);

impl Challenges {
    /// The challenges of every `WWW-Authenticate` header in `headers`, in order. A header that
    /// cannot be read is skipped when another can (a proxy's malformed `Basic` challenge must
    /// not hide the server's `MsRtcOAuth`); when none can, the first one's error is returned.
    pub fn from_headers(headers: &HeaderMap) -> Result<Challenges, ChallengeError> {
        let mut all = Vec::new();
        let mut first_error = None;
        let mut any_read = false;
        for (index, value) in headers.get_all(WWW_AUTHENTICATE).iter().enumerate() {
            let header = index + 1;
            let parsed = value
                .to_str()
                .map_err(|_| ChallengeError::NotText { header })
                .and_then(|text| parse_header(header, text));
            match parsed {
                Ok(challenges) => {
                    any_read = true;
                    all.extend(challenges);
                }
                Err(error) => {
                    tracing::debug!(%error, "skipping a WWW-Authenticate header");
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            Some(error) if !any_read => Err(error),
            _ => Ok(Challenges(all)),
        }
    }

    /// The first challenge with `scheme`, in any case.
    pub fn find(&self, scheme: &str) -> Option<&Challenge> {
        self.0.iter().find(|c| c.is(scheme))
    }

    /// The `MsRtcOAuth` challenge, if there is one; an error if it has no usable `href`.
    pub fn ms_rtc_oauth(&self) -> Result<Option<MsRtcOAuth>, ChallengeError> {
        let Some(challenge) = self.find("MsRtcOAuth") else {
            return Ok(None);
        };
        let href = challenge.param("href").ok_or(ChallengeError::NoHref)?;
        let href = url::Url::parse(href).map_err(|e| ChallengeError::BadHref {
            href: href.to_owned(),
            reason: e.to_string(),
        })?;
        let grant_types = challenge
            .param("grant_type")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(GrantType::from_name)
            .collect();
        Ok(Some(MsRtcOAuth { href, grant_types }))
    }

    /// The `Bearer` challenge, if there is one.
    pub fn bearer(&self) -> Option<Bearer> {
        self.find("Bearer").map(|c| Bearer {
            authorization_uri: c.param("authorization_uri").map(str::to_owned),
            client_id: c.param("client_id").map(str::to_owned),
            trusted_issuers: c.param("trusted_issuers").map(str::to_owned),
        })
    }
}

/// The challenges of one header value (`#challenge` of RFC 9110, with the unquoted URLs UCWA
/// servers send).
pub fn parse(value: &str) -> Result<Vec<Challenge>, ChallengeError> {
    parse_header(1, value)
}

fn parse_header(header: usize, value: &str) -> Result<Vec<Challenge>, ChallengeError> {
    if value.len() > MAX_HEADER_LEN {
        return Err(ChallengeError::TooLong {
            header,
            length: value.len(),
            max: MAX_HEADER_LEN,
        });
    }
    let syntax = |source| ChallengeError::Syntax { header, source };
    let mut cursor = Cursor::new(value);
    let mut challenges = Vec::new();
    loop {
        // Empty list elements are allowed (RFC 9110 §5.6.1).
        while cursor.skip_space() || cursor.eat(b',') {}
        if cursor.at_end() {
            return Ok(challenges);
        }
        let scheme = cursor
            .token()
            .ok_or_else(|| syntax(cursor.error("expected an authentication scheme")))?;
        let mut challenge = Challenge {
            scheme: scheme.to_owned(),
            token68: None,
            params: Vec::new(),
        };
        let spaced = cursor.skip_space();
        if spaced && !cursor.at_end() && cursor.peek() != Some(b',') {
            if let Some(token68) = token68(&mut cursor) {
                challenge.token68 = Some(token68.to_owned());
            } else {
                match params(&mut cursor, &mut challenge) {
                    Ok(()) => {}
                    Err(ParamsError::Syntax(source)) => return Err(syntax(source)),
                    Err(ParamsError::TooMany) => {
                        return Err(ChallengeError::TooManyParameters {
                            header,
                            scheme: challenge.scheme,
                            max: MAX_PARAMS,
                        });
                    }
                }
            }
        }
        if let Some(name) = duplicate(&challenge) {
            return Err(ChallengeError::Duplicate {
                header,
                scheme: challenge.scheme,
                name,
            });
        }
        challenges.push(challenge);
        cursor.skip_space();
        if !cursor.at_end() && cursor.peek() != Some(b',') {
            return Err(syntax(
                cursor.error("expected `,` before the next challenge"),
            ));
        }
    }
}

/// A token68 (`1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`), when it is
/// followed by the end or a comma; otherwise nothing is consumed, and what follows is read as
/// parameters.
fn token68<'a>(cursor: &mut Cursor<'a>) -> Option<&'a str> {
    let start = cursor.position();
    let text = cursor.bare(b",");
    let body = text.trim_end_matches('=');
    let is_token68 = !body.is_empty()
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~+/".contains(&c));
    let after = cursor.position();
    cursor.skip_space();
    if is_token68 && (cursor.at_end() || cursor.peek() == Some(b',')) {
        cursor.set_position(after);
        return Some(text);
    }
    cursor.set_position(start);
    None
}

enum ParamsError {
    Syntax(HeaderSyntaxError),
    /// More than [`MAX_PARAMS`].
    TooMany,
}

impl From<HeaderSyntaxError> for ParamsError {
    fn from(error: HeaderSyntaxError) -> Self {
        ParamsError::Syntax(error)
    }
}

/// The parameters of one challenge, up to the end or the comma before the next challenge.
fn params(cursor: &mut Cursor<'_>, challenge: &mut Challenge) -> Result<(), ParamsError> {
    loop {
        if challenge.params.len() == MAX_PARAMS {
            return Err(ParamsError::TooMany);
        }
        let name = cursor
            .token()
            .ok_or_else(|| cursor.error("expected a parameter name"))?;
        cursor.skip_space();
        if !cursor.eat(b'=') {
            return Err(cursor.error(format!("expected `=` after `{name}`")).into());
        }
        cursor.skip_space();
        let value = cursor.value(b",")?;
        challenge.params.push((name.to_owned(), value));
        // After a comma: another parameter (`name =`), or the next challenge.
        let before = cursor.position();
        cursor.skip_space();
        if !cursor.eat(b',') {
            cursor.set_position(before);
            return Ok(());
        }
        while cursor.skip_space() || cursor.eat(b',') {}
        let next = cursor.position();
        let is_param = cursor.token().is_some() && {
            cursor.skip_space();
            cursor.peek() == Some(b'=')
        };
        cursor.set_position(next);
        if !is_param {
            // The comma is left for the caller, which reads the next challenge from `next`.
            cursor.set_position(before);
            return Ok(());
        }
    }
}

/// The first parameter name seen twice (without case), in one pass.
fn duplicate(challenge: &Challenge) -> Option<String> {
    let mut seen = HashSet::with_capacity(challenge.params.len());
    challenge
        .params
        .iter()
        .find(|(name, _)| !seen.insert(name.to_ascii_lowercase()))
        .map(|(name, _)| name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucwa::http::{HeaderName, HeaderValue};

    fn one(value: &str) -> Challenge {
        let mut all = parse(value).unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    fn params(c: &Challenge) -> Vec<(&str, &str)> {
        c.params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    const TOKEN_URL: &str = "https://lyncweb.contoso.com/WebTicket/oauthtoken";

    #[test]
    fn ms_rtc_oauth_with_an_unquoted_href() {
        let c = one(
            "MsRtcOAuth href=https://lyncweb.contoso.com/WebTicket/oauthtoken,grant_type=\"urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password\"",
        );
        assert_eq!(c.scheme, "MsRtcOAuth");
        assert_eq!(
            params(&c),
            [
                ("href", TOKEN_URL),
                (
                    "grant_type",
                    "urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password"
                )
            ]
        );
    }

    #[test]
    fn ms_rtc_oauth_with_a_quoted_href_and_spaces_around_the_equals_signs() {
        let c = one(&format!(
            "msrtcoauth  href = \"{TOKEN_URL}\" ,  grant_type= \"password\""
        ));
        assert!(c.is("MsRtcOAuth"));
        assert_eq!(c.param("HREF"), Some(TOKEN_URL));
        assert_eq!(c.param("grant_type"), Some("password"));
    }

    #[test]
    fn the_grant_list_becomes_typed_grants() {
        let challenges = Challenges(parse(&format!(
            "MsRtcOAuth href=\"{TOKEN_URL}\",grant_type=\"urn:microsoft.rtc:windows, urn:microsoft.rtc:anonmeeting,,password,urn:example:new\""
        )).unwrap());
        let oauth = challenges.ms_rtc_oauth().unwrap().unwrap();
        assert_eq!(oauth.href.as_str(), TOKEN_URL);
        assert_eq!(
            oauth.grant_types,
            [
                GrantType::Windows,
                GrantType::AnonMeeting,
                GrantType::Password,
                GrantType::Other("urn:example:new".into())
            ]
        );
        assert_eq!(oauth.grant_types[3].as_str(), "urn:example:new");
    }

    #[test]
    fn bearer_then_ms_rtc_oauth_merged_into_one_value() {
        let all = parse(&format!(
            "Bearer trusted_issuers=\"00000002-0000-0ff1-ce00-000000000000@contoso.com\", client_id=\"00000004-0000-0ff1-ce00-000000000000\", MsRtcOAuth href={TOKEN_URL},grant_type=\"password\""
        ))
        .unwrap();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(all[0].scheme, "Bearer");
        assert_eq!(
            params(&all[0]),
            [
                (
                    "trusted_issuers",
                    "00000002-0000-0ff1-ce00-000000000000@contoso.com"
                ),
                ("client_id", "00000004-0000-0ff1-ce00-000000000000")
            ]
        );
        assert_eq!(all[1].scheme, "MsRtcOAuth");
        assert_eq!(
            params(&all[1]),
            [("href", TOKEN_URL), ("grant_type", "password")]
        );
    }

    #[test]
    fn ms_rtc_oauth_then_bearer_merged_with_an_empty_element_between() {
        let all = parse(&format!(
            "MsRtcOAuth href=\"{TOKEN_URL}\",grant_type=\"password\", , Bearer authorization_uri=\"https://login.windows.net/common/oauth2/authorize\",client_id=\"00000004\""
        ))
        .unwrap();
        let challenges = Challenges(all);
        assert_eq!(
            challenges.bearer(),
            Some(Bearer {
                authorization_uri: Some("https://login.windows.net/common/oauth2/authorize".into()),
                client_id: Some("00000004".into()),
                trusted_issuers: None,
            })
        );
        assert_eq!(
            challenges.ms_rtc_oauth().unwrap().unwrap().grant_types,
            [GrantType::Password]
        );
    }

    #[test]
    fn a_trailing_equals_sign_alone_is_a_token68_as_rfc_9110_reads() {
        let all = parse("Bearer realm=, x").unwrap();
        assert_eq!(all[0].token68.as_deref(), Some("realm="));
        assert_eq!(all[1].scheme, "x");
    }

    #[test]
    fn schemes_without_parameters_and_token68() {
        let all = parse("Negotiate, NTLM TlRMTVNTUAACAAAA==, Basic realm=\"x\"").unwrap();
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(
            (all[0].scheme.as_str(), &all[0].token68),
            ("Negotiate", &None)
        );
        assert!(all[0].params.is_empty());
        assert_eq!(all[1].token68.as_deref(), Some("TlRMTVNTUAACAAAA=="));
        assert_eq!(params(&all[2]), [("realm", "x")]);
    }

    #[test]
    fn quoted_strings_keep_commas_and_unescape() {
        let c = one(r#"Bearer error_description="a, \"b\" \\ c", error="invalid_token""#);
        assert_eq!(c.param("error_description"), Some(r#"a, "b" \ c"#));
        assert_eq!(c.param("error"), Some("invalid_token"));
    }

    #[test]
    fn an_empty_value_and_an_empty_quoted_value() {
        assert_eq!(parse("").unwrap(), []);
        assert_eq!(parse("  ,  ").unwrap(), []);
        let c = one("Bearer trusted_issuers=\"\", client_id=\"1\"");
        assert_eq!(c.param("trusted_issuers"), Some(""));
    }

    #[test]
    fn separate_headers_in_any_name_case() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            (
                "www-authenticate",
                "Bearer client_id=\"c\", authorization_uri=\"https://login.example/authorize\"",
            ),
            (
                "WWW-Authenticate",
                "MsRtcOAuth href=https://fe.example/WebTicket/oauthtoken,grant_type=\"password\"",
            ),
            ("Www-Authenticate", "Negotiate"),
        ] {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers.insert("x-other", HeaderValue::from_static("MsRtcOAuth href=x"));
        let challenges = Challenges::from_headers(&headers).unwrap();
        let schemes: Vec<&str> = challenges.0.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Bearer", "MsRtcOAuth", "Negotiate"]);
        assert_eq!(
            challenges.bearer().unwrap().authorization_uri.as_deref(),
            Some("https://login.example/authorize")
        );
        assert_eq!(
            challenges.ms_rtc_oauth().unwrap().unwrap().href.as_str(),
            "https://fe.example/WebTicket/oauthtoken"
        );
        assert!(
            Challenges::from_headers(&HeaderMap::new())
                .unwrap()
                .0
                .is_empty()
        );
    }

    #[test]
    fn errors_name_the_header_and_the_position() {
        let unclosed = parse("MsRtcOAuth href=\"https://x/y,grant_type=password").unwrap_err();
        assert_eq!(
            unclosed,
            ChallengeError::Syntax {
                header: 1,
                source: HeaderSyntaxError {
                    position: 16,
                    reason: "the quoted string that starts here is not closed".into()
                }
            }
        );
        assert_eq!(
            unclosed.to_string(),
            "WWW-Authenticate header #1: at byte 16: the quoted string that starts here is not closed"
        );

        let no_value = parse("Bearer realm=\"a\", x=, y=1").unwrap_err();
        assert!(
            matches!(&no_value, ChallengeError::Syntax { source, .. } if source.position == 20),
            "{no_value}"
        );
        let no_scheme = parse("=abc").unwrap_err();
        assert!(
            no_scheme
                .to_string()
                .contains("at byte 0: expected an authentication scheme")
        );
        let junk = parse("Bearer a=\"1\" b=\"2\"").unwrap_err();
        assert!(
            junk.to_string().contains("at byte 13: expected `,`"),
            "{junk}"
        );

        // When no header can be read, the first one's error is the answer.
        let mut headers = HeaderMap::new();
        headers.append(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer a=\"1"));
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=a b"),
        );
        let first = Challenges::from_headers(&headers).unwrap_err();
        assert!(
            first
                .to_string()
                .starts_with("WWW-Authenticate header #1: at byte 9"),
            "{first}"
        );
    }

    #[test]
    fn a_malformed_header_is_skipped_when_another_is_readable() {
        // A proxy's malformed `Basic` challenge before and after the server's.
        let mut headers = HeaderMap::new();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=a b"),
        );
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("MsRtcOAuth href=https://a.example/t,grant_type=\"password\""),
        );
        headers.append(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer a=\"1"));
        let challenges = Challenges::from_headers(&headers).unwrap();
        assert_eq!(
            challenges.ms_rtc_oauth(),
            Ok(Some(MsRtcOAuth {
                href: "https://a.example/t".parse().unwrap(),
                grant_types: vec![GrantType::Password],
            }))
        );
        assert_eq!(challenges.0.len(), 1, "{challenges:?}");
    }

    #[test]
    fn huge_headers_and_too_many_parameters_are_errors_naming_the_limit() {
        let long = format!("Bearer realm=\"{}\"", "a".repeat(MAX_HEADER_LEN));
        let error = parse(&long).unwrap_err();
        assert_eq!(
            error,
            ChallengeError::TooLong {
                header: 1,
                length: MAX_HEADER_LEN + 15,
                max: MAX_HEADER_LEN
            }
        );
        assert_eq!(
            error.to_string(),
            format!(
                "WWW-Authenticate header #1 is {} bytes long; the limit is 16384",
                MAX_HEADER_LEN + 15
            )
        );
        // At the limit, a value is read.
        let at_limit = format!("Bearer realm=\"{}\"", "a".repeat(MAX_HEADER_LEN - 15));
        assert_eq!(at_limit.len(), MAX_HEADER_LEN);
        assert_eq!(parse(&at_limit).unwrap().len(), 1);

        let many = |n: usize| {
            let params: Vec<String> = (0..n).map(|i| format!("p{i}=v")).collect();
            format!("Bearer {}", params.join(", "))
        };
        assert_eq!(one(&many(MAX_PARAMS)).params.len(), 64);
        let error = parse(&many(MAX_PARAMS + 1)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "WWW-Authenticate header #1: the Bearer challenge has more than 64 parameters"
        );
        // The duplicate check still finds the last of many distinct names repeated.
        let mut repeated = many(MAX_PARAMS - 1);
        repeated.push_str(", P62=w");
        assert_eq!(
            parse(&repeated).unwrap_err().to_string(),
            "WWW-Authenticate header #1: the Bearer challenge has `P62` twice"
        );
    }

    #[test]
    fn duplicates_and_missing_or_bad_hrefs_are_errors() {
        let twice = parse("MsRtcOAuth href=a, HREF=b").unwrap_err();
        assert_eq!(
            twice.to_string(),
            "WWW-Authenticate header #1: the MsRtcOAuth challenge has `HREF` twice"
        );
        let no_href = Challenges(parse("MsRtcOAuth grant_type=\"password\"").unwrap());
        assert_eq!(no_href.ms_rtc_oauth(), Err(ChallengeError::NoHref));
        let relative = Challenges(parse("MsRtcOAuth href=/WebTicket/oauthtoken").unwrap());
        assert!(
            matches!(relative.ms_rtc_oauth(), Err(ChallengeError::BadHref { href, .. }) if href == "/WebTicket/oauthtoken")
        );
        assert_eq!(Challenges::default().ms_rtc_oauth(), Ok(None));
    }

    #[test]
    fn arbitrary_text_never_panics() {
        // Every prefix of every sample, and some noise: an answer or an error, never a panic.
        let samples = [
            "Bearer trusted_issuers=\"\", client_id=\"0\", MsRtcOAuth href=https://h/x,grant_type=\"a,b\"",
            "Negotiate abc==, NTLM, Basic realm=\"\\\"",
            "é=\"ü\", ,, =,\"",
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = parse(&sample[..end]);
            }
        }
    }
}
