//! The wire format of a batch: a `multipart/batching` body (RFC 2046's multipart syntax) whose
//! parts are each one HTTP message, `application/http; msgtype=request` on the way out and
//! `msgtype=response` on the way back, written as HTTP/1.1 puts them on the wire (start line,
//! headers, blank line, body).
//!
//! Reading is strict and bounded: the boundary must be the one the `Content-Type` names, each
//! line ends in CRLF (a bare LF is taken too: hand-written batches have them), the closing
//! delimiter must be there, at most [`Limits::max_parts`] parts of at most
//! [`Limits::max_part_size`] bytes each; every error names the byte offset in the body where the
//! problem is. A part's own `Content-Length` MIME header is not used (the boundary delimits the
//! part), but the HTTP message's `Content-Length`, when it has one, must match its body.

use std::hash::{BuildHasher, Hasher};

use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, header};

/// The media type of a batch, its request and its answer.
pub const BATCH_MEDIA_TYPE: &str = "multipart/batching";

/// The longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY: usize = 70;

/// How much a reader takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most parts in one body.
    pub max_parts: usize,
    /// The most bytes of one part, its MIME headers included.
    pub max_part_size: usize,
}

/// Why a `multipart/batching` body could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed multipart/batching body at byte {offset}: {kind}")]
pub struct MultipartError {
    /// The byte offset in the body (0 for a problem with the `Content-Type`).
    pub offset: usize,
    /// What is wrong there.
    pub kind: MultipartErrorKind,
}

/// What is wrong with a `multipart/batching` body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MultipartErrorKind {
    /// The `Content-Type` is not `multipart/batching`.
    #[error("the Content-Type is {found:?}, not multipart/batching")]
    NotMultipart {
        /// The `Content-Type` given (empty when there was none).
        found: String,
    },
    /// The `Content-Type` has no usable `boundary` parameter.
    #[error("bad boundary parameter: {reason}")]
    Boundary {
        /// What is wrong with it.
        reason: String,
    },
    /// The body does not start with the boundary (after an optional preamble).
    #[error("no delimiter line `--<boundary>` opens the first part")]
    NoOpeningDelimiter,
    /// The body ends before the closing delimiter `--<boundary>--`.
    #[error("the body ends before the closing delimiter `--<boundary>--`")]
    MissingClosingDelimiter,
    /// The boundary is followed by something other than `--`, white space and a line end.
    #[error("the boundary is followed by something other than a line end or `--`")]
    BadDelimiterLine,
    /// More parts than [`Limits::max_parts`].
    #[error("more than {max} parts")]
    TooManyParts {
        /// The limit.
        max: usize,
    },
    /// A part longer than [`Limits::max_part_size`].
    #[error("a part of {size} bytes; the limit is {max}")]
    PartTooLarge {
        /// The part's length.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A MIME part header or an HTTP header line is not `name: value`.
    #[error("bad header line: {reason}")]
    Header {
        /// What is wrong with it.
        reason: String,
    },
    /// A part is not `application/http` with the expected `msgtype`.
    #[error("a part's Content-Type is {found:?}, expected application/http; msgtype={expected}")]
    NotHttp {
        /// The part's `Content-Type` (empty when it has none).
        found: String,
        /// `request` or `response`.
        expected: &'static str,
    },
    /// A part in a `Content-Transfer-Encoding` other than the identity ones.
    #[error("a part in Content-Transfer-Encoding {found:?} (only binary, 8bit, 7bit are read)")]
    TransferEncoding {
        /// The encoding.
        found: String,
    },
    /// The request line or status line of a part's HTTP message does not parse.
    #[error("bad start line: {reason}")]
    StartLine {
        /// What is wrong with it.
        reason: String,
    },
    /// A part's HTTP message says `Content-Length` and its body is another length.
    #[error("the message says Content-Length {declared} and its body is {actual} bytes")]
    ContentLength {
        /// The header's value.
        declared: usize,
        /// The body's length.
        actual: usize,
    },
}

fn fail<T>(offset: usize, kind: MultipartErrorKind) -> Result<T, MultipartError> {
    Err(MultipartError { offset, kind })
}

/// The boundary of a `multipart/batching` `Content-Type` (its `boundary` parameter, a token or a
/// quoted string), checked against RFC 2046's syntax.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let mut pieces = content_type.split(';');
    let media_type = pieces.next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case(BATCH_MEDIA_TYPE) {
        return fail(
            0,
            MultipartErrorKind::NotMultipart {
                found: content_type.chars().take(100).collect(),
            },
        );
    }
    let boundary_error = |reason: &str| MultipartError {
        offset: 0,
        kind: MultipartErrorKind::Boundary {
            reason: reason.to_owned(),
        },
    };
    // Parameter values here never hold `;` (a boundary cannot), so splitting is enough.
    let value = pieces
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim())
        .ok_or_else(|| boundary_error("there is none"))?;
    let value = match value.strip_prefix('"') {
        Some(rest) => rest
            .strip_suffix('"')
            .ok_or_else(|| boundary_error("an unterminated quoted string"))?,
        None => value,
    };
    check_boundary(value).map_err(boundary_error)?;
    Ok(value.to_owned())
}

/// RFC 2046: 1 to 70 characters of `bchars`, not ending in a space.
fn check_boundary(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("it is empty");
    }
    if value.len() > MAX_BOUNDARY {
        return Err("it is longer than 70 characters");
    }
    if value.ends_with(' ') {
        return Err("it ends with a space");
    }
    let allowed = |c: u8| c.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&c);
    if !value.bytes().all(allowed) {
        return Err("it holds a character RFC 2046 does not allow");
    }
    Ok(())
}

/// A fresh boundary that occurs in none of `contents` (random, shaped like the reference's
/// GUIDs; drawn again in the unlikely case it does occur).
pub fn choose_boundary<'a>(contents: impl Iterator<Item = &'a [u8]> + Clone) -> String {
    loop {
        let random = |salt: u64| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(salt);
            hasher.finish()
        };
        let (a, b) = (random(1), random(2));
        let candidate = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        );
        if !contents
            .clone()
            .any(|c| find(c, candidate.as_bytes(), 0).is_some())
        {
            return candidate;
        }
    }
}

/// The `Content-Type` of a batch with `boundary`.
pub fn content_type(boundary: &str) -> String {
    format!("{BATCH_MEDIA_TYPE}; boundary=\"{boundary}\"")
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Writes requests as a `multipart/batching` body: each an `application/http; msgtype=request`
/// part with its request line (path and query: the server is the batch's), `Host`, its
/// headers, and its body with its `Content-Length`.
pub fn write_requests(boundary: &str, requests: &[Request<Vec<u8>>]) -> Vec<u8> {
    let mut out = Vec::new();
    for request in requests {
        open_part(&mut out, boundary, "request");
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        out.extend_from_slice(format!("{} {target} HTTP/1.1\r\n", request.method()).as_bytes());
        if !request.headers().contains_key(header::HOST)
            && let Some(authority) = request.uri().authority()
        {
            // Spelled as the other headers are written (a `HeaderMap` holds names in lower
            // case), so that a batch read and written again is the same bytes.
            out.extend_from_slice(format!("host: {authority}\r\n").as_bytes());
        }
        write_message(&mut out, request.headers(), request.body());
    }
    close(&mut out, boundary);
    out
}

/// Writes answers as a `multipart/batching` body: each an `application/http;
/// msgtype=response` part with its status line, headers, and body with its `Content-Length`.
pub fn write_responses(boundary: &str, responses: &[Response<Vec<u8>>]) -> Vec<u8> {
    let mut out = Vec::new();
    for response in responses {
        open_part(&mut out, boundary, "response");
        let status = response.status();
        out.extend_from_slice(
            format!(
                "HTTP/1.1 {} {}\r\n",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .as_bytes(),
        );
        write_message(&mut out, response.headers(), response.body());
    }
    close(&mut out, boundary);
    out
}

fn open_part(out: &mut Vec<u8>, boundary: &str, msgtype: &str) {
    out.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/http; msgtype={msgtype}\r\n\r\n")
            .as_bytes(),
    );
}

fn write_message(out: &mut Vec<u8>, headers: &HeaderMap, body: &[u8]) {
    for (name, value) in headers {
        // The length is the body's as written here; hop-by-hop headers mean nothing in a part.
        if matches!(
            *name,
            header::CONTENT_LENGTH | header::TRANSFER_ENCODING | header::CONNECTION
        ) {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    // This line end belongs to the next delimiter (RFC 2046), not to the body.
    out.extend_from_slice(b"\r\n");
}

fn close(out: &mut Vec<u8>, boundary: &str) {
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
}

/// One part of a multipart body: where it starts in the body, and its bytes (MIME headers,
/// blank line, content).
struct Part<'a> {
    offset: usize,
    bytes: &'a [u8],
}

/// Splits `body` into its parts at `boundary`, under `limits`.
fn split<'a>(
    body: &'a [u8],
    boundary: &str,
    limits: &Limits,
) -> Result<Vec<Part<'a>>, MultipartError> {
    let dash = format!("--{boundary}");
    let dash = dash.as_bytes();
    // The first delimiter may open the body; any other follows a line end, which is its own.
    let mut at = match find_delimiter(body, dash, 0) {
        Some((_, start)) => start,
        None => return fail(0, MultipartErrorKind::NoOpeningDelimiter),
    };
    let mut parts = Vec::new();
    loop {
        let after = at + dash.len();
        if body[after..].starts_with(b"--") {
            // The close delimiter: what follows is the epilogue, ignored.
            return Ok(parts);
        }
        let content_start = end_of_delimiter_line(body, after)?;
        let Some((content_end, next)) = find_delimiter(body, dash, content_start) else {
            return fail(body.len(), MultipartErrorKind::MissingClosingDelimiter);
        };
        if parts.len() == limits.max_parts {
            return fail(
                at,
                MultipartErrorKind::TooManyParts {
                    max: limits.max_parts,
                },
            );
        }
        let size = content_end - content_start;
        if size > limits.max_part_size {
            return fail(
                content_start,
                MultipartErrorKind::PartTooLarge {
                    size,
                    max: limits.max_part_size,
                },
            );
        }
        parts.push(Part {
            offset: content_start,
            bytes: &body[content_start..content_end],
        });
        at = next;
    }
}

/// The next delimiter at or after `from`: where the content before it ends (before its line
/// end) and where its `--boundary` starts. A delimiter is `--boundary` at the start of the body
/// or of a line.
fn find_delimiter(body: &[u8], dash: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut search = from;
    loop {
        let start = find(body, dash, search)?;
        if start == 0 {
            return Some((0, 0));
        }
        if body[start - 1] == b'\n' {
            let mut end = start - 1;
            if end > 0 && body[end - 1] == b'\r' {
                end -= 1;
            }
            // An empty part: the line end before this delimiter ended the previous one.
            return Some((end.max(from), start));
        }
        search = start + 1;
    }
}

/// After `--boundary`: optional white space (RFC 2046's transport padding), then a line end;
/// gives where the next line starts.
fn end_of_delimiter_line(body: &[u8], mut at: usize) -> Result<usize, MultipartError> {
    while at < body.len() && (body[at] == b' ' || body[at] == b'\t') {
        at += 1;
    }
    if body[at..].starts_with(b"\r\n") {
        Ok(at + 2)
    } else if body[at..].starts_with(b"\n") {
        Ok(at + 1)
    } else if at == body.len() {
        fail(at, MultipartErrorKind::MissingClosingDelimiter)
    } else {
        fail(at, MultipartErrorKind::BadDelimiterLine)
    }
}

/// Header lines from `at` up to a blank line or the end of `bytes`: the headers and where what
/// follows the blank line starts (`bytes.len()` when there is none). `base` is the offset of
/// `bytes` in the whole body, for errors.
fn read_headers(
    bytes: &[u8],
    mut at: usize,
    base: usize,
) -> Result<(Vec<(String, String)>, usize), MultipartError> {
    let mut headers = Vec::new();
    while at < bytes.len() {
        let (line, next) = line_at(bytes, at);
        if line.is_empty() {
            return Ok((headers, next));
        }
        let header_error = |reason: &str| MultipartError {
            offset: base + at,
            kind: MultipartErrorKind::Header {
                reason: reason.to_owned(),
            },
        };
        let line = std::str::from_utf8(line).map_err(|_| header_error("not UTF-8 text"))?;
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| header_error("no `:` in it"))?;
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(header_error("an empty name, or white space in the name"));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
        at = next;
    }
    Ok((headers, bytes.len()))
}

/// The line at `at` without its line end, and where the next starts.
fn line_at(bytes: &[u8], at: usize) -> (&[u8], usize) {
    match bytes[at..].iter().position(|&b| b == b'\n') {
        Some(n) => {
            let line = &bytes[at..at + n];
            (line.strip_suffix(b"\r").unwrap_or(line), at + n + 1)
        }
        None => (&bytes[at..], bytes.len()),
    }
}

fn value_of<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One part's HTTP message: its start line, headers and body, after checking the part's MIME
/// headers say it is one of `msgtype`.
struct Message<'a> {
    start: &'a str,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn read_message<'a>(part: &Part<'a>, msgtype: &'static str) -> Result<Message<'a>, MultipartError> {
    let (mime, start) = read_headers(part.bytes, 0, part.offset)?;
    let found = value_of(&mime, "content-type").unwrap_or("");
    let is_http = {
        let mut pieces = found.split(';').map(str::trim);
        let media_type_ok = pieces
            .next()
            .is_some_and(|m| m.eq_ignore_ascii_case("application/http"));
        let mut msgtypes = pieces
            .filter_map(|p| p.split_once('='))
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case("msgtype"));
        media_type_ok
            && msgtypes.all(|(_, v)| v.trim().trim_matches('"').eq_ignore_ascii_case(msgtype))
    };
    if !is_http {
        return fail(
            part.offset,
            MultipartErrorKind::NotHttp {
                found: found.chars().take(100).collect(),
                expected: msgtype,
            },
        );
    }
    if let Some(encoding) = value_of(&mime, "content-transfer-encoding")
        && !["binary", "8bit", "7bit"]
            .iter()
            .any(|e| encoding.eq_ignore_ascii_case(e))
    {
        return fail(
            part.offset,
            MultipartErrorKind::TransferEncoding {
                found: encoding.chars().take(40).collect(),
            },
        );
    }
    if start >= part.bytes.len() {
        return fail(
            part.offset + start,
            MultipartErrorKind::StartLine {
                reason: "the part holds no HTTP message".to_owned(),
            },
        );
    }
    let (line, after) = line_at(part.bytes, start);
    let start_line = std::str::from_utf8(line).map_err(|_| MultipartError {
        offset: part.offset + start,
        kind: MultipartErrorKind::StartLine {
            reason: "not UTF-8 text".to_owned(),
        },
    })?;
    let (fields, body_start) = read_headers(part.bytes, after, part.offset)?;
    let mut headers = HeaderMap::new();
    for (name, value) in &fields {
        let header_error = |reason: String| MultipartError {
            offset: part.offset + after,
            kind: MultipartErrorKind::Header { reason },
        };
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| header_error(format!("{name:?} is not a header name")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| header_error(format!("the value of {name} is not a header value")))?;
        headers.append(name, value);
    }
    let mut body = &part.bytes[body_start..];
    if let Some(declared) = headers.get(header::CONTENT_LENGTH) {
        let declared = declared
            .to_str()
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .ok_or_else(|| MultipartError {
                offset: part.offset + after,
                kind: MultipartErrorKind::Header {
                    reason: "Content-Length is not a number".to_owned(),
                },
            })?;
        // A writer may end the body with a line end of its own before the delimiter's.
        let rest = body.get(declared..).unwrap_or(b"x");
        if !matches!(rest, b"" | b"\r\n" | b"\n") {
            return fail(
                part.offset + body_start,
                MultipartErrorKind::ContentLength {
                    declared,
                    actual: body.len(),
                },
            );
        }
        body = &body[..declared];
    }
    Ok(Message {
        start: start_line,
        headers,
        body: body.to_vec(),
    })
}

fn start_line_error(offset: usize, reason: impl Into<String>) -> MultipartError {
    MultipartError {
        offset,
        kind: MultipartErrorKind::StartLine {
            reason: reason.into(),
        },
    }
}

/// The offset of the start line in a part: after its MIME headers.
fn start_offset(part: &Part<'_>) -> usize {
    read_headers(part.bytes, 0, part.offset).map_or(part.offset, |(_, at)| part.offset + at)
}

fn http_version(version: &str) -> bool {
    matches!(version, "HTTP/1.1" | "HTTP/1.0")
}

/// Reads a `multipart/batching` body of requests (what a server receives). Each request's
/// target is kept as written: a path and query, or an absolute URL.
pub fn read_requests(
    content_type: &str,
    body: &[u8],
    limits: &Limits,
) -> Result<Vec<Request<Vec<u8>>>, MultipartError> {
    let boundary = boundary(content_type)?;
    let mut requests = Vec::new();
    for part in split(body, &boundary, limits)? {
        let message = read_message(&part, "request")?;
        let offset = start_offset(&part);
        let mut words = message.start.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(start_line_error(
                offset,
                "expected `METHOD target HTTP/1.1`",
            ));
        };
        if !http_version(version) {
            return Err(start_line_error(
                offset,
                format!("unknown version {version:?}"),
            ));
        }
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| start_line_error(offset, format!("{method:?} is not a method")))?;
        let mut request = Request::builder()
            .method(method)
            .uri(target)
            .body(message.body)
            .map_err(|_| start_line_error(offset, format!("{target:?} is not a request target")))?;
        *request.headers_mut() = message.headers;
        requests.push(request);
    }
    Ok(requests)
}

/// Reads a `multipart/batching` body of answers (what a client receives).
pub fn read_responses(
    content_type: &str,
    body: &[u8],
    limits: &Limits,
) -> Result<Vec<Response<Vec<u8>>>, MultipartError> {
    let boundary = boundary(content_type)?;
    let mut responses = Vec::new();
    for part in split(body, &boundary, limits)? {
        let message = read_message(&part, "response")?;
        let offset = start_offset(&part);
        let mut words = message.start.splitn(3, ' ');
        let (Some(version), Some(code)) = (words.next(), words.next()) else {
            return Err(start_line_error(offset, "expected `HTTP/1.1 code reason`"));
        };
        if !http_version(version) {
            return Err(start_line_error(
                offset,
                format!("unknown version {version:?}"),
            ));
        }
        let status = (code.len() == 3)
            .then(|| StatusCode::from_bytes(code.as_bytes()).ok())
            .flatten()
            .ok_or_else(|| start_line_error(offset, format!("{code:?} is not a status code")))?;
        let mut response = Response::new(message.body);
        *response.status_mut() = status;
        *response.headers_mut() = message.headers;
        responses.push(response);
    }
    Ok(responses)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_parts: 10,
        max_part_size: 4096,
    };

    fn request(method: Method, uri: &str, body: &[u8]) -> Request<Vec<u8>> {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, "application/json");
        if !body.is_empty() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        builder.body(body.to_vec()).unwrap()
    }

    #[test]
    fn requests_round_trip() {
        let sent = vec![
            request(
                Method::GET,
                "https://fe1.contoso.com/ucwa/oauth/v1/applications/103/me",
                b"",
            ),
            request(
                Method::POST,
                "https://fe1.contoso.com/ucwa/oauth/v1/applications/103/me/note?x=1",
                b"{\"message\":\"--almost a boundary\\r\\n\"}",
            ),
        ];
        let boundary = choose_boundary(sent.iter().map(|r| r.body().as_slice()));
        let body = write_requests(&boundary, &sent);
        let read = read_requests(&content_type(&boundary), &body, &LIMITS).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].method(), Method::GET);
        assert_eq!(read[0].uri(), "/ucwa/oauth/v1/applications/103/me");
        assert_eq!(read[0].headers()[header::HOST], "fe1.contoso.com");
        assert_eq!(read[0].headers()[header::ACCEPT], "application/json");
        assert!(read[0].body().is_empty());
        assert_eq!(read[1].method(), Method::POST);
        assert_eq!(read[1].uri(), "/ucwa/oauth/v1/applications/103/me/note?x=1");
        assert_eq!(read[1].body(), sent[1].body());
        assert_eq!(
            read[1].headers()[header::CONTENT_LENGTH],
            sent[1].body().len().to_string().as_str()
        );
    }

    /// Found by fuzzing (`multipart`): a request whose target has an authority and no `Host`
    /// header got one spelled `Host`, and `host` (as a `HeaderMap` has it) once read and written
    /// again.
    #[test]
    fn a_batch_read_and_written_again_is_the_same_bytes() {
        let body = b"--batch\r\nContent-Type: application/http; msgtype=request\r\n\r\n\
            POST http://fe1.contoso.com/me HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\r\n--batch--\r\n";
        let read = read_requests("multipart/batching; boundary=batch", body, &LIMITS).unwrap();
        let once = write_requests("b1", &read);
        let again = write_requests(
            "b1",
            &read_requests(&content_type("b1"), &once, &LIMITS).unwrap(),
        );
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&once)
        );
        assert!(once.windows(23).any(|w| w == b"host: fe1.contoso.com\r\n"));
    }

    #[test]
    fn responses_round_trip() {
        let mut created = Response::new(b"<resource rel=\"me\"/>".to_vec());
        created.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.microsoft.com.ucwa+xml"),
        );
        let mut missing = Response::new(Vec::new());
        *missing.status_mut() = StatusCode::NOT_FOUND;
        let boundary = "0cac9abd";
        let body = write_responses(boundary, &[created, missing]);
        let read = read_responses(&content_type(boundary), &body, &LIMITS).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].status(), StatusCode::OK);
        assert_eq!(read[0].body(), b"<resource rel=\"me\"/>");
        assert_eq!(
            read[0].headers()[header::CONTENT_TYPE],
            "application/vnd.microsoft.com.ucwa+xml"
        );
        assert_eq!(read[1].status(), StatusCode::NOT_FOUND);
        assert!(read[1].body().is_empty());
    }

    /// The reference's request, as its concept page shows it: no body, no blank line between
    /// the last header and the delimiter, LF line ends, the boundary unquoted.
    #[test]
    fn the_reference_sample_reads() {
        let body = "--77f2569d\nContent-Type: application/http; msgtype=request\n\n\
                    GET /ucwa/oauth/v1/applications/103/people/contacts HTTP/1.1\n\
                    Host: lyncweb.contoso.com\nAccept: application/json\n\n\
                    --77f2569d\nContent-Type: application/http; msgtype=request\n\n\
                    GET /ucwa/oauth/v1/applications/103/me HTTP/1.1\nHost: lyncweb.contoso.com\n\
                    Accept: application/json\n\n--77f2569d--\n";
        let read = read_requests(
            "multipart/batching;boundary=77f2569d",
            body.as_bytes(),
            &LIMITS,
        )
        .unwrap();
        let paths: Vec<_> = read.iter().map(|r| r.uri().to_string()).collect();
        assert_eq!(
            paths,
            [
                "/ucwa/oauth/v1/applications/103/people/contacts",
                "/ucwa/oauth/v1/applications/103/me"
            ]
        );
        assert!(read.iter().all(|r| r.body().is_empty()));
    }

    #[test]
    fn a_preamble_and_an_epilogue_are_skipped() {
        let body = "preamble\r\n--b\r\nContent-Type: application/http; msgtype=response\r\n\r\n\
                    HTTP/1.1 204 No Content\r\n\r\n--b--\r\nepilogue";
        let read = read_responses(
            "multipart/batching; boundary=\"b\"",
            body.as_bytes(),
            &LIMITS,
        )
        .unwrap();
        assert_eq!(read[0].status(), StatusCode::NO_CONTENT);
    }

    fn error(content_type: &str, body: &str, limits: &Limits) -> MultipartError {
        read_responses(content_type, body.as_bytes(), limits).unwrap_err()
    }

    const PART: &str =
        "Content-Type: application/http; msgtype=response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";

    #[test]
    fn a_bad_boundary_is_refused() {
        let body = format!("--b\r\n{PART}\r\n--b--\r\n");
        let reason = |content_type: &str| match error(content_type, &body, &LIMITS).kind {
            MultipartErrorKind::Boundary { reason } => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason("multipart/batching"), "there is none");
        assert_eq!(reason("multipart/batching; boundary="), "it is empty");
        assert_eq!(
            reason(&format!("multipart/batching; boundary={}", "x".repeat(71))),
            "it is longer than 70 characters"
        );
        assert_eq!(
            reason("multipart/batching; boundary=\"a{b}\""),
            "it holds a character RFC 2046 does not allow"
        );
        assert_eq!(
            reason("multipart/batching; boundary=\"ab"),
            "an unterminated quoted string"
        );
        assert!(matches!(
            error("application/json", &body, &LIMITS).kind,
            MultipartErrorKind::NotMultipart { .. }
        ));
        // A boundary the body does not use.
        assert_eq!(
            error("multipart/batching; boundary=c", &body, &LIMITS),
            MultipartError {
                offset: 0,
                kind: MultipartErrorKind::NoOpeningDelimiter
            }
        );
    }

    #[test]
    fn a_missing_closing_delimiter_is_refused_at_the_end() {
        let body = format!("--b\r\n{PART}\r\n--b\r\n{PART}");
        assert_eq!(
            error("multipart/batching; boundary=b", &body, &LIMITS),
            MultipartError {
                offset: body.len(),
                kind: MultipartErrorKind::MissingClosingDelimiter
            }
        );
        // The reference's own sample ends with an opening delimiter and nothing after it.
        let body = format!("--b\r\n{PART}\r\n--b");
        assert_eq!(
            error("multipart/batching; boundary=b", &body, &LIMITS).kind,
            MultipartErrorKind::MissingClosingDelimiter
        );
    }

    #[test]
    fn a_boundary_followed_by_text_is_refused_where_it_is() {
        let body = format!("--b\r\n{PART}\r\n--bx\r\n{PART}\r\n--b--");
        let err = error("multipart/batching; boundary=b", &body, &LIMITS);
        assert_eq!(err.kind, MultipartErrorKind::BadDelimiterLine);
        assert_eq!(err.offset, body.find("--bx").unwrap() + 3);
        assert!(err.to_string().starts_with(&format!(
            "malformed multipart/batching body at byte {}:",
            err.offset
        )));
    }

    #[test]
    fn an_oversize_part_and_too_many_parts_are_refused() {
        let big = format!("--b\r\n{PART}{}\r\n--b--\r\n", "x".repeat(100));
        let small = Limits {
            max_parts: 2,
            max_part_size: 100,
        };
        assert_eq!(
            error("multipart/batching; boundary=b", &big, &small),
            MultipartError {
                offset: 5,
                kind: MultipartErrorKind::PartTooLarge {
                    size: PART.len() + 100,
                    max: 100
                }
            }
        );
        let three = format!("--b\r\n{PART}\r\n--b\r\n{PART}\r\n--b\r\n{PART}\r\n--b--\r\n");
        let err = error("multipart/batching; boundary=b", &three, &small);
        assert_eq!(err.kind, MultipartErrorKind::TooManyParts { max: 2 });
        assert_eq!(err.offset, 2 * (5 + PART.len() + 2));
    }

    #[test]
    fn a_part_that_is_not_an_http_message_is_refused() {
        let body = "--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b--";
        assert_eq!(
            error("multipart/batching; boundary=b", body, &LIMITS),
            MultipartError {
                offset: 5,
                kind: MultipartErrorKind::NotHttp {
                    found: "application/json".into(),
                    expected: "response"
                }
            }
        );
        // A request where an answer is expected.
        let body = "--b\r\nContent-Type: application/http; msgtype=request\r\n\r\n\
                    GET / HTTP/1.1\r\n\r\n--b--";
        assert!(matches!(
            error("multipart/batching; boundary=b", body, &LIMITS).kind,
            MultipartErrorKind::NotHttp { .. }
        ));
        let body = "--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: base64\r\n\r\n\
                    SFRUUC8xLjEgMjAwIE9L\r\n--b--";
        assert!(matches!(
            error("multipart/batching; boundary=b", body, &LIMITS).kind,
            MultipartErrorKind::TransferEncoding { .. }
        ));
    }

    #[test]
    fn bad_messages_are_refused_with_their_offset() {
        let head = "--b\r\nContent-Type: application/http; msgtype=response\r\n\r\n";
        let at = |message: &str| {
            let body = format!("{head}{message}\r\n--b--");
            error("multipart/batching; boundary=b", &body, &LIMITS)
        };
        let err = at("HTTP/1.1 2000 OK");
        assert_eq!(err.offset, head.len());
        assert!(matches!(err.kind, MultipartErrorKind::StartLine { .. }));
        assert!(matches!(
            at("HTTP/2 200 OK").kind,
            MultipartErrorKind::StartLine { .. }
        ));
        let err = at("HTTP/1.1 200 OK\r\nno colon here\r\n");
        assert_eq!(err.offset, head.len() + "HTTP/1.1 200 OK\r\n".len());
        assert!(matches!(err.kind, MultipartErrorKind::Header { .. }));
        assert!(matches!(
            at("HTTP/1.1 200 OK\r\nContent-Type : text/plain\r\n").kind,
            MultipartErrorKind::Header { .. }
        ));
        assert_eq!(
            at("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").kind,
            MultipartErrorKind::ContentLength {
                declared: 10,
                actual: 5
            }
        );
        // A body the writer ended with a line end of its own.
        let body = format!("{head}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n\r\n--b--");
        let read = read_responses("multipart/batching; boundary=b", body.as_bytes(), &LIMITS);
        assert_eq!(read.unwrap()[0].body(), b"ok");
        let err = at("");
        assert!(matches!(err.kind, MultipartErrorKind::StartLine { .. }));
    }

    #[test]
    fn a_chosen_boundary_is_valid_and_not_in_the_parts() {
        let boundary = choose_boundary([b"abc".as_slice()].into_iter());
        assert_eq!(check_boundary(&boundary), Ok(()));
        assert_eq!(boundary.len(), 36);
        assert_ne!(boundary, choose_boundary([b"abc".as_slice()].into_iter()));
    }
}
