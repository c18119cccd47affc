//! Several requests in one round trip: a [`Batch`] collects requests built by the generated
//! operations, each giving a typed [`Ticket`]; its body is one `multipart/batching` request for
//! the application's `batch` link (the generated `BatchPost` builds that request), and the
//! `multipart/batching` answer becomes [`Answers`], where each ticket reads its own part with
//! its operation's [`Operation::response`]: its typed output or its typed error, part by part.
//!
//! A batch holds at most [`Batch::MAX_PARTS`] requests: the reference gives 100 outstanding
//! requests per user as the server's limit (beyond it, the whole batch is refused with 429 and
//! none runs), so a bigger batch could never succeed. It refuses the requests the reference
//! says a batch cannot carry (a batch, the event channel, a photo), and requests for another
//! origin than the batch's own.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderValue, Request, Response, header};

use super::multipart::{self, BATCH_MEDIA_TYPE, Limits, MultipartError};
use super::typed;
use super::{Operation, OperationError, Origin, RequestError, ResponseError, parse_response};

/// The rels whose requests cannot be in a batch: a batch itself, the event channel (a long
/// poll would hold the whole batch), and photos (an image answer).
pub const NOT_BATCHABLE: [&str; 4] = ["batch", "events", "photo", "contactPhoto"];

/// Why a request cannot join a batch, or a batch's answer cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The batch already holds its most requests; send it and start another.
    #[error("a batch holds at most {max} requests")]
    TooManyParts {
        /// The limit.
        max: usize,
    },
    /// A batch with no request is not sent.
    #[error("the batch is empty")]
    Empty,
    /// The reference does not allow this operation in a batch.
    #[error("a `{rel}` request cannot be in a batch")]
    NotBatchable {
        /// The operation's rel.
        rel: &'static str,
    },
    /// The request's method is not the operation's: it was built by another operation.
    #[error("the request is a {found}, but the operation is a {expected} on `{rel}`")]
    WrongMethod {
        /// The operation's rel.
        rel: &'static str,
        /// The operation's method.
        expected: String,
        /// The request's.
        found: String,
    },
    /// The request goes to another origin than the batch's.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The answer's body is not a well-formed `multipart/batching` body of HTTP answers.
    #[error(transparent)]
    Multipart(#[from] MultipartError),
    /// The answer has another number of parts than the batch had requests.
    #[error("the batch sent {sent} requests and the answer has {answered} parts")]
    PartCount {
        /// Requests sent.
        sent: usize,
        /// Parts answered.
        answered: usize,
    },
    /// The ticket is from another batch than these answers'.
    #[error("the ticket is from another batch")]
    ForeignTicket,
}

/// Why a batch, or one of its parts, gave no result.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError<E: std::error::Error + 'static> {
    /// The server answered the batch, or this part, with an error (typed by the operation), or
    /// with something that is not UCWA.
    #[error(transparent)]
    Response(ResponseError<E>),
    /// The batch itself is wrong, or its answer is malformed.
    #[error(transparent)]
    Batch(BatchError),
}

/// Where a request's answer will be in the batch's [`Answers`], typed by its operation.
pub struct Ticket<O> {
    batch: u64,
    index: usize,
    operation: PhantomData<fn() -> O>,
}

impl<O> Ticket<O> {
    /// The request's position in the batch (from 0), which is its answer's.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<O> Clone for Ticket<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for Ticket<O> {}

impl<O> std::fmt::Debug for Ticket<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("operation", &std::any::type_name::<O>())
            .field("index", &self.index)
            .finish()
    }
}

/// Tells batches apart, so that a ticket cannot read another batch's answers.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Requests to send as one `multipart/batching` request.
#[derive(Debug)]
pub struct Batch {
    id: u64,
    origin: Origin,
    requests: Vec<Request<Vec<u8>>>,
    max_parts: usize,
}

/// A batch's body and its `Content-Type` (with the boundary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    /// `multipart/batching; boundary="…"`.
    pub content_type: String,
    /// The parts.
    pub body: Vec<u8>,
}

impl Batch {
    /// The most requests in a batch: the server's limit of outstanding requests per user.
    pub const MAX_PARTS: usize = 100;

    /// An empty batch for the server at `origin`, of at most [`Batch::MAX_PARTS`] requests.
    pub fn new(origin: Origin) -> Batch {
        Batch {
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            origin,
            requests: Vec::new(),
            max_parts: Self::MAX_PARTS,
        }
    }

    /// At most `max` requests (clamped to 1 ..= [`Batch::MAX_PARTS`]), for a server that
    /// allows fewer.
    pub fn max_parts(mut self, max: usize) -> Batch {
        self.max_parts = max.clamp(1, Self::MAX_PARTS);
        self
    }

    /// Adds a request built by operation `O`'s `request(..)`; its answer is read with the
    /// ticket, by `O`.
    pub fn add<O: Operation>(
        &mut self,
        request: typed::Request<O>,
    ) -> Result<Ticket<O>, BatchError> {
        let request = request.into_http();
        if NOT_BATCHABLE.contains(&O::REL) {
            return Err(BatchError::NotBatchable { rel: O::REL });
        }
        if request.method() != O::METHOD {
            return Err(BatchError::WrongMethod {
                rel: O::REL,
                expected: O::METHOD.to_string(),
                found: request.method().to_string(),
            });
        }
        let uri = request.uri().to_string();
        // The generated requests are resolved against an origin already; one built by hand for
        // another server would be sent with this server's token.
        self.origin.resolve(&crate::Href::from(uri.as_str()))?;
        if self.requests.len() >= self.max_parts {
            return Err(BatchError::TooManyParts {
                max: self.max_parts,
            });
        }
        self.requests.push(request);
        Ok(Ticket {
            batch: self.id,
            index: self.requests.len() - 1,
            operation: PhantomData,
        })
    }

    /// How many requests the batch holds.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The requests, in order.
    pub fn requests(&self) -> &[Request<Vec<u8>>] {
        &self.requests
    }

    /// The `multipart/batching` body of the requests, with a boundary found in none of them.
    pub fn encode(&self) -> Result<Encoded, BatchError> {
        if self.requests.is_empty() {
            return Err(BatchError::Empty);
        }
        let boundary = multipart::choose_boundary(self.requests.iter().map(|r| {
            let body: &[u8] = r.body();
            body
        }));
        Ok(Encoded {
            content_type: multipart::content_type(&boundary),
            body: multipart::write_requests(&boundary, &self.requests),
        })
    }

    /// Makes `request` (the generated `BatchPost`'s, with [`Batch::encode`]'s body) carry the
    /// batch's `content_type` ([`Encoded::content_type`]) and ask for a `multipart/batching` answer.
    pub fn prepare(content_type: &str, request: &mut Request<Vec<u8>>) -> Result<(), RequestError> {
        let content_type =
            HeaderValue::from_str(content_type).map_err(|e| RequestError::InvalidHeader {
                name: "Content-Type",
                reason: e.to_string(),
            })?;
        let headers = request.headers_mut();
        headers.insert(header::CONTENT_TYPE, content_type);
        headers.insert(header::ACCEPT, HeaderValue::from_static(BATCH_MEDIA_TYPE));
        Ok(())
    }

    /// Reads the answer to the batch: an error status becomes `E` (the batch operation's
    /// error), a success must be a `multipart/batching` body with one HTTP answer per request,
    /// each at most `max_part_size` bytes.
    pub fn answers<E: OperationError, B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
        max_part_size: usize,
    ) -> Result<Answers, AnswerError<E>> {
        if !response.status().is_success()
            && let Err(e) = parse_response::<_, (), E>(response, |_, _| Ok(()))
        {
            return Err(AnswerError::Response(e));
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let limits = Limits {
            max_parts: self.max_parts,
            max_part_size,
        };
        let parts = multipart::read_responses(&content_type, response.body().as_ref(), &limits)
            .map_err(|e| AnswerError::Batch(e.into()))?;
        if parts.len() != self.requests.len() {
            return Err(AnswerError::Batch(BatchError::PartCount {
                sent: self.requests.len(),
                answered: parts.len(),
            }));
        }
        Ok(Answers {
            batch: self.id,
            parts,
        })
    }
}

/// The answers to a batch, one per request, in the order sent.
#[derive(Debug)]
pub struct Answers {
    batch: u64,
    parts: Vec<Response<Vec<u8>>>,
}

impl Answers {
    /// The answer to the ticket's request, read by its operation: the output, or the
    /// operation's typed error for this part alone.
    pub fn get<O: Operation>(&self, ticket: Ticket<O>) -> Result<O::Output, AnswerError<O::Error>> {
        let response = self.response(ticket).map_err(AnswerError::Batch)?;
        O::response(response).map_err(AnswerError::Response)
    }

    /// The raw answer to the ticket's request.
    pub fn response<O>(&self, ticket: Ticket<O>) -> Result<&Response<Vec<u8>>, BatchError> {
        if ticket.batch != self.batch {
            return Err(BatchError::ForeignTicket);
        }
        self.parts
            .get(ticket.index)
            .ok_or(BatchError::ForeignTicket)
    }

    /// How many answers there are.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are none (never, for a batch that was sent).
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};

    use super::*;
    use crate::operation::UcwaError;

    /// A `POST` answering `201` with the `Location` of what it made.
    struct Make;
    impl Operation for Make {
        const METHOD: Method = Method::POST;
        const REL: &'static str = "thing";
        type Output = crate::Link;
        type Error = UcwaError;
    }

    struct Events;
    impl Operation for Events {
        const METHOD: Method = Method::GET;
        const REL: &'static str = "events";
        type Output = ();
        type Error = UcwaError;
    }

    fn origin() -> Origin {
        Origin::parse("https://fe1.contoso.com").unwrap()
    }

    /// A request `Make` built.
    fn post(uri: &str) -> typed::Request<Make> {
        typed::Request::from_http(Request::post(uri).body(Vec::new()).unwrap())
    }

    fn answer(parts: &[Response<Vec<u8>>]) -> Response<Vec<u8>> {
        let mut response = Response::new(multipart::write_responses("b", parts));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/batching; boundary=b"),
        );
        response
    }

    fn created(location: &'static str) -> Response<Vec<u8>> {
        let mut response = Response::new(Vec::new());
        *response.status_mut() = StatusCode::CREATED;
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static(location));
        response
    }

    #[test]
    fn requests_that_cannot_be_in_a_batch_are_refused() {
        let mut batch = Batch::new(origin()).max_parts(2);
        assert_eq!(
            batch
                .add(typed::Request::<Events>::from_http(
                    Request::get("https://fe1.contoso.com/e")
                        .body(vec![])
                        .unwrap()
                ))
                .unwrap_err(),
            BatchError::NotBatchable { rel: "events" }
        );
        assert!(matches!(
            // Built by hand and said to be `Make`'s, but not a `POST`.
            batch.add(typed::Request::<Make>::from_http(
                Request::get("https://fe1.contoso.com/t")
                    .body(vec![])
                    .unwrap()
            )),
            Err(BatchError::WrongMethod { .. })
        ));
        assert!(matches!(
            batch.add(post("https://elsewhere.example/t")),
            Err(BatchError::Request(RequestError::CrossOrigin { .. }))
        ));
        assert_eq!(batch.encode().unwrap_err(), BatchError::Empty);
        batch.add(post("https://fe1.contoso.com/a")).unwrap();
        batch.add(post("https://fe1.contoso.com/b")).unwrap();
        assert_eq!(
            batch.add(post("https://fe1.contoso.com/c")).unwrap_err(),
            BatchError::TooManyParts { max: 2 }
        );
        assert_eq!(batch.len(), 2);
    }

    #[test]
    fn each_ticket_reads_its_own_part() {
        let mut batch = Batch::new(origin());
        let first = batch.add(post("https://fe1.contoso.com/a")).unwrap();
        let second = batch.add(post("https://fe1.contoso.com/b")).unwrap();
        let mut request = post("https://fe1.contoso.com/batch").into_http();
        let encoded = batch.encode().unwrap();
        Batch::prepare(&encoded.content_type, &mut request).unwrap();
        assert_eq!(request.headers()[header::ACCEPT], BATCH_MEDIA_TYPE);
        let sent = multipart::read_requests(
            request.headers()[header::CONTENT_TYPE].to_str().unwrap(),
            &encoded.body,
            &Limits {
                max_parts: 2,
                max_part_size: 1024,
            },
        )
        .unwrap();
        assert_eq!(sent[1].uri(), "/b");

        let mut refused =
            Response::new(br#"{"code":"Conflict","subcode":"AlreadyExists"}"#.to_vec());
        *refused.status_mut() = StatusCode::CONFLICT;
        refused.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let response = answer(&[created("/a/1"), refused]);
        let answers = batch.answers::<UcwaError, _>(&response, 1024).unwrap();
        assert_eq!(answers.get(first).unwrap().href.as_str(), "/a/1");
        match answers.get(second) {
            Err(AnswerError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 409);
                assert_eq!(error.body().subcode.as_deref(), Some("AlreadyExists"));
            }
            other => panic!("{other:?}"),
        }

        // A ticket of another batch reads nothing here.
        let mut other = Batch::new(origin());
        let foreign = other.add(post("https://fe1.contoso.com/a")).unwrap();
        assert!(matches!(
            answers.get(foreign),
            Err(AnswerError::Batch(BatchError::ForeignTicket))
        ));
    }

    #[test]
    fn an_answer_that_does_not_match_the_batch_is_refused() {
        let mut batch = Batch::new(origin());
        batch.add(post("https://fe1.contoso.com/a")).unwrap();
        batch.add(post("https://fe1.contoso.com/b")).unwrap();
        let one = answer(&[created("/a/1")]);
        assert!(matches!(
            batch.answers::<UcwaError, _>(&one, 1024),
            Err(AnswerError::Batch(BatchError::PartCount {
                sent: 2,
                answered: 1
            }))
        ));
        let mut json = Response::new(b"{}".to_vec());
        json.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(matches!(
            batch.answers::<UcwaError, _>(&json, 1024),
            Err(AnswerError::Batch(BatchError::Multipart(_)))
        ));
        let mut too_many = Response::new(br#"{"code":"TooManyRequests"}"#.to_vec());
        *too_many.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        too_many.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        match batch.answers::<UcwaError, _>(&too_many, 1024) {
            Err(AnswerError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 429)
            }
            other => panic!("{other:?}"),
        }
    }
}
