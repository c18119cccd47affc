//! The event channel as a sequence of pending GETs.

use std::collections::VecDeque;
use std::time::Duration;

use ucwa::Link;
use ucwa::events::Event;
use ucwa::http::Method;
use ucwa::operation::UcwaError;
use ucwa::resources::{AnyResource, EventBatch};

use crate::{Client, ClientError};

/// Reads the event channel: each pending GET follows the `next` link of the answer before it
/// (or `resync`/`resume` when the server sends one), so no batch is skipped or read twice.
#[derive(Debug)]
pub struct EventChannel {
    client: Client,
    next: Link,
    long_poll: Duration,
    pending: VecDeque<Event<AnyResource>>,
    /// Set when the server sent `resync` or `resume`: cached transient state is stale.
    reset: bool,
}

impl EventChannel {
    pub(crate) fn new(client: Client, start: Link, long_poll: Duration) -> Self {
        EventChannel {
            client,
            next: start,
            long_poll,
            pending: VecDeque::new(),
            reset: false,
        }
    }

    /// The link the next pending GET will follow.
    pub fn position(&self) -> &Link {
        &self.next
    }

    /// Whether the last batch told the client to drop cached transient state (`resync` or
    /// `resume`); reading it clears it.
    pub fn take_reset(&mut self) -> bool {
        std::mem::take(&mut self.reset)
    }

    /// The next batch: one pending GET, held by the server until it has events or the long poll
    /// ends (an empty batch).
    pub async fn next_batch(&mut self) -> Result<EventBatch, ClientError> {
        let mut url = self.client.origin().resolve(&self.next.href)?;
        // The server remembers `timeout`; sending it each time keeps it after a `resume`.
        let seconds = self.long_poll.as_secs().to_string();
        let others: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != "timeout")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(others)
            .append_pair("timeout", &seconds);
        let request =
            ucwa::operation::build_request(Method::GET, url, &[], self.client.format(), None)?;
        // The server holds the request for up to the long poll; give it a margin.
        let wait = self.long_poll + Duration::from_secs(15);
        let response = self.client.execute::<UcwaError>(request, wait).await?;
        let batch: EventBatch =
            ucwa::operation::parse_response::<_, _, UcwaError>(&response, |format, body| {
                match format {
                    ucwa::Format::Json => EventBatch::from_json(body),
                    ucwa::Format::Xml => EventBatch::from_xml(body),
                }
            })?;
        if batch.resync.is_some() || batch.resume.is_some() {
            self.reset = true;
        }
        if let Some(next) = batch.follow() {
            self.next = next.clone();
        }
        Ok(batch)
    }

    /// The next event, waiting through as many pending GETs as needed; `None` never comes from
    /// a live server (the channel is endless), only if a batch has no `next` link.
    pub async fn next_event(&mut self) -> Result<Option<Event<AnyResource>>, ClientError> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Ok(Some(event));
            }
            let before = self.next.clone();
            let batch = self.next_batch().await?;
            let had_next = batch.follow().is_some();
            self.pending
                .extend(batch.senders.into_iter().flat_map(|sender| sender.events));
            if self.pending.is_empty() && !had_next && before == self.next {
                return Ok(None);
            }
        }
    }

    /// The events as an async stream.
    pub fn into_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<Event<AnyResource>, ClientError>> {
        futures_util::stream::unfold(Some(self), |channel| async move {
            let mut channel = channel?;
            match channel.next_event().await {
                Ok(Some(event)) => Some((Ok(event), Some(channel))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
    }
}
