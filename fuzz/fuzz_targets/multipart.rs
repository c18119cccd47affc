//! `multipart/batching` bodies (`operation::multipart`), read as the answers a client receives
//! and as the requests a server receives, under small limits: a body either reads, within the
//! limits, or is an error at an offset inside it; what reads is written again and reads back the
//! same (the headers a writer sets itself aside), and a second writing gives the same bytes.
//!
//! An input starting with `multipart/` carries its `Content-Type` on its first line; any other
//! is a body under `multipart/batching; boundary=batch`, so that most inputs reach the parts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::http::{HeaderMap, Request, Response, header};
use ucwa::operation::multipart::{self, Limits};
use ucwa_fuzz::show;

const LIMITS: Limits = Limits {
    max_parts: 16,
    max_part_size: 4096,
};

/// What a writer makes: no limit is in the way of reading it back.
const UNLIMITED: Limits = Limits {
    max_parts: usize::MAX,
    max_part_size: usize::MAX,
};

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().position(|&b| b == b'\n') {
        Some(end) if data.starts_with(b"multipart/") => match std::str::from_utf8(&data[..end]) {
            Ok(content_type) => (content_type, &data[end + 1..]),
            Err(_) => return,
        },
        _ => ("multipart/batching; boundary=batch", data),
    };

    check(
        content_type,
        body,
        multipart::read_responses,
        multipart::write_responses,
        |first, second, written| {
            assert_eq!(first.status(), second.status());
            assert_eq!(first.body(), second.body(), "{}", show(written));
            same_headers(first.headers(), second.headers(), &[]);
        },
    );
    check(
        content_type,
        body,
        multipart::read_requests,
        multipart::write_requests,
        |first, second, written| {
            assert_eq!(first.method(), second.method());
            // Written as a path and query: the server is the batch's.
            let target = |r: &Request<Vec<u8>>| {
                r.uri()
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned()
            };
            assert_eq!(target(first), target(second));
            assert_eq!(first.body(), second.body(), "{}", show(written));
            same_headers(first.headers(), second.headers(), &[header::HOST]);
        },
    );
});

type Read<T> = fn(&str, &[u8], &Limits) -> Result<Vec<T>, multipart::MultipartError>;
type Write<T> = fn(&str, &[T]) -> Vec<u8>;

/// A part type (an answer or a request) whose body is bytes.
trait Part {
    fn body_bytes(&self) -> &[u8];
}

impl Part for Response<Vec<u8>> {
    fn body_bytes(&self) -> &[u8] {
        self.body()
    }
}

impl Part for Request<Vec<u8>> {
    fn body_bytes(&self) -> &[u8] {
        self.body()
    }
}

/// Reads `body` under the limits; what reads is written, read back and compared part by part
/// (`same`, given what was written), and written again to the same bytes. An error is at an
/// offset inside the body.
fn check<T: Part>(
    content_type: &str,
    body: &[u8],
    read: Read<T>,
    write: Write<T>,
    same: impl Fn(&T, &T, &[u8]),
) {
    match read(content_type, body, &LIMITS) {
        Ok(parts) => {
            assert!(parts.len() <= LIMITS.max_parts);
            for part in &parts {
                assert!(part.body_bytes().len() <= LIMITS.max_part_size);
            }
            let written = write_with_type(&parts, write);
            let again = read_back(&written, read);
            assert_eq!(again.len(), parts.len());
            for (first, second) in parts.iter().zip(&again) {
                same(first, second, &written);
            }
            assert_eq!(write_with_type(&again, write), written);
        }
        Err(error) => assert!(error.offset <= body.len(), "{error}"),
    }
}

/// A boundary none of the bodies holds, the same for the same bodies (a random one, as
/// `choose_boundary` draws, would make runs differ).
fn boundary<'a>(bodies: impl Iterator<Item = &'a [u8]> + Clone) -> String {
    (0..)
        .map(|n| format!("fuzz-boundary-{n}"))
        .find(|candidate| {
            !bodies.clone().any(|body| {
                body.windows(candidate.len())
                    .any(|w| w == candidate.as_bytes())
            })
        })
        .expect("some boundary is free")
}

/// `Content-Type` line, then what `write` makes of `parts` with a boundary they do not hold.
fn write_with_type<T: Part>(parts: &[T], write: Write<T>) -> Vec<u8> {
    let boundary = boundary(parts.iter().map(Part::body_bytes));
    let mut written = multipart::content_type(&boundary).into_bytes();
    written.push(b'\n');
    written.extend(write(&boundary, parts));
    written
}

/// Reads what `write_with_type` made: its `Content-Type` line, then the body.
fn read_back<T>(written: &[u8], read: Read<T>) -> Vec<T> {
    let end = written
        .iter()
        .position(|&b| b == b'\n')
        .expect("a first line");
    let content_type = std::str::from_utf8(&written[..end]).expect("an ASCII Content-Type");
    read(content_type, &written[end + 1..], &UNLIMITED).unwrap_or_else(|e| {
        panic!(
            "what was written does not read back: {e}\n{}",
            show(written)
        )
    })
}

/// The same headers, but those a writer sets itself (the length of the body as written) or
/// leaves out (hop by hop), and `also`.
fn same_headers(first: &HeaderMap, second: &HeaderMap, also: &[header::HeaderName]) {
    let kept = |headers: &HeaderMap| {
        let mut kept: Vec<(String, Vec<u8>)> = headers
            .iter()
            .filter(|(name, _)| {
                !matches!(
                    **name,
                    header::CONTENT_LENGTH | header::TRANSFER_ENCODING | header::CONNECTION
                ) && !also.contains(name)
            })
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        kept.sort();
        kept
    };
    assert_eq!(kept(first), kept(second));
}
