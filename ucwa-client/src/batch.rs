//! Several requests in one round trip: the application's `batch` link takes a
//! `multipart/batching` body of requests and answers with one part per request, in order.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa::operations::ApplicationGet;
//!
//! let client = session.client();
//! let application = session.application();
//! let link = application.links.self_.clone().ok_or("no self link")?.cast();
//!
//! let mut batch = session.batch();
//! let ticket = batch.add(ApplicationGet::request(
//!     client.origin(),
//!     &link,
//!     client.format(),
//! )?)?;
//! let answers = batch.send().await?;
//! println!("{:?}", answers.get(ticket)?.user_agent);
//! # Ok(()) }
//! ```
//!
//! Each request is built by its generated operation, as for [`Client::send`], and gives a
//! typed [`Ticket`]; [`Answers::get`] reads its part with that operation: its output, or its
//! own typed error (a part can fail while the others succeed). The batch itself can fail as a
//! whole: [`BatchPostError`] (429 `TooManyRequests` when it holds more requests than the server
//! runs at once, and then none ran), or [`ClientError::Batch`] for an answer that is not a
//! well-formed `multipart/batching` body with one part per request.
//!
//! A batch holds at most [`Batch::MAX_PARTS`] (100) requests, the reference's server limit: one
//! more is refused by [`Batch::add`], before anything is sent. The whole answer is read under
//! the client's body limit ([`crate::ClientBuilder::max_body_size`]), which bounds each part too.
//! The reference does not allow a batch, the event channel or a photo in a batch: `add`
//! refuses them. A batch is a `POST`, so it is never sent twice by the retry policy.
//!
//! Like the other task handles, a batch finds its link (the application's `batch`) when it is
//! sent, in the application in use then: a session's batch made before a recovery goes to the
//! new application.

use ucwa::operation::Origin;
use ucwa::operation::{self, BatchError, Operation, Ticket};
use ucwa::operations::{BatchPost, BatchPostError};
use ucwa::resources::Application;
use ucwa::{RequestError, http};

use crate::link::required;
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// Requests to send in one round trip, to the `batch` link of the application in use when it
/// is sent.
#[derive(Debug)]
pub struct Batch {
    source: Source,
    /// The origin the requests were checked against.
    origin: Origin,
    batch: operation::Batch,
}

impl Client {
    /// A batch for `application` (its `batch` link, found when the batch is sent).
    pub fn batch(&self, application: &Application) -> Batch {
        Batch::new(Source::fixed(self, application))
    }
}

impl Session {
    /// A batch for the application the session holds when it is sent.
    pub fn batch(&self) -> Batch {
        Batch::new(self.source())
    }
}

impl Batch {
    /// The most requests in a batch.
    pub const MAX_PARTS: usize = operation::Batch::MAX_PARTS;

    fn new(source: Source) -> Self {
        // The requests are checked against the origin of the client in use now; if discovery
        // leads elsewhere before the batch is sent, sending it says so.
        let origin = source.current().client.origin().clone();
        Batch {
            source,
            batch: operation::Batch::new(origin.clone()),
            origin,
        }
    }

    /// Adds a request built by operation `O` (`O::request(client.origin(), ..)`, which types it
    /// as `O`'s); the ticket reads its answer from [`Answers`]. Refused: one request more than
    /// the batch holds, one for another origin, one a batch cannot carry, one typed by hand
    /// whose method is not `O`'s.
    pub fn add<O: Operation>(
        &mut self,
        request: operation::Request<O>,
    ) -> Result<Ticket<O>, BatchError> {
        self.batch.add(request)
    }

    /// How many requests it holds.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether it holds none (an empty batch is not sent: [`BatchError::Empty`]).
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Sends the requests as one `POST` to the `batch` link and reads the answer into one
    /// answer per request.
    pub async fn send(self) -> Result<Answers, ClientError<BatchPostError>> {
        let current = self.source.current();
        let link = required(
            current.application.links.batch.as_ref(),
            "application",
            "batch",
        )?;
        let client = &current.client;
        if *client.origin() != self.origin {
            return Err(RequestError::CrossOrigin {
                href: link.href.as_str().to_owned(),
                origin: self.origin.to_string(),
            }
            .into());
        }
        let encoded = self.batch.encode()?;
        let mut request = BatchPost::request(client.origin(), &link, encoded.body)?.into_http();
        operation::Batch::prepare(&encoded.content_type, &mut request)?;
        let response = client.execute(request, client.request_timeout).await?;
        let answers = self
            .batch
            .answers::<BatchPostError, _>(&response, client.max_body)?;
        Ok(Answers(answers))
    }
}

/// The answers to a batch, one per request.
#[derive(Debug)]
pub struct Answers(operation::Answers);

impl Answers {
    /// The answer to the ticket's request, read by its operation: its output, or its typed
    /// error for this part alone.
    pub fn get<O: Operation>(&self, ticket: Ticket<O>) -> Result<O::Output, ClientError<O::Error>> {
        Ok(self.0.get(ticket)?)
    }

    /// The raw answer to the ticket's request (status, headers, body).
    pub fn response<O>(&self, ticket: Ticket<O>) -> Result<&http::Response<Vec<u8>>, BatchError> {
        self.0.response(ticket)
    }

    /// How many answers there are: as many as requests sent.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
