//! The event channel as a sequence of pending GETs, which never sticks: events whose resource
//! does not decode are delivered with [`Event::undecoded`] set, events that cannot be read at
//! all are kept aside ([`EventChannel::take_unreadable`]), and an answer that is not an event
//! batch at all is reported once, after which the channel starts again from its first link
//! (the server answers that with `resync` when it must) instead of asking for it again.

use std::collections::VecDeque;
use std::time::Duration;

use ucwa::Link;
use ucwa::ResponseError;
use ucwa::events::{Event, Unreadable};
use ucwa::http::Method;
use ucwa::operation::UcwaError;
use ucwa::resources::Events;
use ucwa::resources::{AnyResource, EventBatch};

use crate::{Client, ClientError};

/// Reads the event channel: each pending GET follows the `next` link of the answer before it
/// (or `resync`/`resume` when the server sends one), so no batch is skipped or read twice.
#[derive(Debug)]
pub struct EventChannel {
    client: Client,
    /// The link the channel started from, where it starts again after an answer that is not
    /// an event batch.
    start: Link<Events>,
    next: Link<Events>,
    long_poll: Duration,
    /// The server's aggregation timers (`low`, `medium`) and this request's `priority`, sent
    /// when set.
    low: Option<Duration>,
    medium: Option<Duration>,
    priority: Option<u32>,
    pending: VecDeque<Event<AnyResource>>,
    /// Events that could not be read, oldest first, at most [`EventChannel::UNREADABLE_KEPT`].
    unreadable: VecDeque<Unreadable>,
    /// Unreadable events dropped because more arrived than are kept.
    unreadable_dropped: u64,
    /// Set when the server sent `resync` or `resume`, or the channel started again: cached
    /// transient state is stale.
    reset: bool,
    /// Set when the last answer was not an event batch: the channel has started again, and an
    /// event stream goes on.
    recovered: bool,
}

impl EventChannel {
    pub(crate) fn new(client: Client, start: Link<Events>, long_poll: Duration) -> Self {
        EventChannel {
            client,
            next: start.clone(),
            start,
            long_poll,
            low: None,
            medium: None,
            priority: None,
            pending: VecDeque::new(),
            unreadable: VecDeque::new(),
            unreadable_dropped: 0,
            reset: false,
            recovered: false,
        }
    }

    /// How many unreadable events are kept for [`EventChannel::take_unreadable`]; older ones
    /// are dropped (and counted) when more arrive before they are taken.
    pub const UNREADABLE_KEPT: usize = 64;

    /// The events that could not be read at all since the last call (each with its source and
    /// why), and how many more were dropped because they were not taken in time.
    pub fn take_unreadable(&mut self) -> (Vec<Unreadable>, u64) {
        (
            self.unreadable.drain(..).collect(),
            std::mem::take(&mut self.unreadable_dropped),
        )
    }

    /// How long the server may gather low- and medium-urgency events before answering (its
    /// `low` and `medium` parameters; the server takes 5 s to 1800 s, 15 s and 5 s when
    /// unset).
    pub fn aggregation(mut self, low: Duration, medium: Duration) -> Self {
        self.low = Some(low);
        self.medium = Some(medium);
        self
    }

    /// This channel's requests' `priority`: of two pending GETs for the same `ack`, the
    /// server keeps the one with the higher priority.
    pub fn priority(mut self, priority: u32) -> Self {
        self.priority = Some(priority);
        self
    }

    /// The URL of the next pending GET: the `next` link with the long-poll parameters (sent
    /// each time, since the server keeps them only until a `resume`).
    fn request_url(&self) -> Result<url::Url, ucwa::RequestError> {
        const OURS: [&str; 4] = ["timeout", "low", "medium", "priority"];
        let mut url = self.client.origin().resolve(&self.next.href)?;
        let others: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !OURS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut pairs = url.query_pairs_mut();
        pairs.clear().extend_pairs(others);
        pairs.append_pair("timeout", &self.long_poll.as_secs().to_string());
        if let Some(low) = self.low {
            pairs.append_pair("low", &low.as_secs().to_string());
        }
        if let Some(medium) = self.medium {
            pairs.append_pair("medium", &medium.as_secs().to_string());
        }
        if let Some(priority) = self.priority {
            pairs.append_pair("priority", &priority.to_string());
        }
        drop(pairs);
        Ok(url)
    }

    /// The link the next pending GET will follow.
    pub fn position(&self) -> &Link<Events> {
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
        let url = self.request_url()?;
        let request =
            ucwa::operation::build_request(Method::GET, url, &[], self.client.format(), None)?;
        // The server holds the request for up to the long poll; give it a margin.
        // Saturating: the long poll is checked when the client is built, but must never panic.
        let wait = self.long_poll.saturating_add(Duration::from_secs(15));
        let response = self.client.execute::<UcwaError>(request, wait).await?;
        self.recovered = false;
        let parsed =
            ucwa::operation::parse_response::<_, _, UcwaError>(&response, |format, body| {
                match format {
                    ucwa::Format::Json => EventBatch::from_json(body),
                    ucwa::Format::Xml => EventBatch::from_xml(body),
                }
            });
        let batch: EventBatch = match parsed {
            Ok(batch) => batch,
            // A success that is not an event batch (a proxy's page, a cut answer): asking for
            // the same link again could get it again, forever. Start again from the first
            // link; the server says `resync` if state was lost.
            Err(error @ (ResponseError::Decode { .. } | ResponseError::NotUcwa(_)))
                if response.status().is_success() =>
            {
                self.next = self.start.clone();
                self.reset = true;
                self.recovered = true;
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
        };
        if batch.resync.is_some() || batch.resume.is_some() {
            self.reset = true;
        }
        if let Some(next) = batch.follow() {
            self.next = next.to_cast();
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
            for sender in batch.senders {
                self.pending.extend(sender.events);
                for unreadable in sender.unreadable {
                    if self.unreadable.len() == Self::UNREADABLE_KEPT {
                        self.unreadable.pop_front();
                        self.unreadable_dropped += 1;
                    }
                    self.unreadable.push_back(unreadable);
                }
            }
            if self.pending.is_empty() && !had_next && before == self.next {
                return Ok(None);
            }
        }
    }

    /// The events as an async stream. An error is an item; the stream goes on after one the
    /// channel recovered from (an answer that was not an event batch) and ends after any other.
    pub fn into_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<Event<AnyResource>, ClientError>> {
        futures_util::stream::unfold(Some(self), |channel| async move {
            let mut channel = channel?;
            match channel.next_event().await {
                Ok(Some(event)) => Some((Ok(event), Some(channel))),
                Ok(None) => None,
                Err(error) => {
                    let goes_on = channel.recovered;
                    Some((Err(error), goes_on.then_some(channel)))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_poll_out_of_range_is_refused_when_the_client_is_built() {
        for (given, text) in [
            (Duration::MAX, format!("{:?}", Duration::MAX)),
            (Duration::ZERO, "0ns".to_owned()),
            (Duration::from_secs(901), "901s".to_owned()),
        ] {
            match Client::builder("https://fe1.contoso.com", "t")
                .long_poll(given)
                .build()
            {
                Err(crate::BuildError::Setting(error)) => assert_eq!(
                    error.to_string(),
                    format!("`long_poll` is {text}; it must be between 1 s and 15 min")
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn timeouts_out_of_range_are_refused_when_the_client_is_built() {
        let built = |builder: crate::ClientBuilder| match builder.build() {
            Err(crate::BuildError::Setting(error)) => error.parameter,
            other => panic!("{other:?}"),
        };
        let builder = || Client::builder("https://fe1.contoso.com", "t");
        assert_eq!(
            built(builder().request_timeout(Duration::ZERO)),
            "request_timeout"
        );
        assert_eq!(
            built(builder().connect_timeout(Duration::MAX)),
            "connect_timeout"
        );
    }

    #[test]
    fn the_long_poll_parameters_replace_those_of_the_link() {
        let client = Client::builder("https://fe1.contoso.com", "t")
            .build()
            .unwrap();
        let link = Link::to("/ucwa/oauth/v1/applications/1/events?ack=5&timeout=900&low=1&x=y");
        let channel = client.events(&link);
        assert_eq!(
            channel.request_url().unwrap().as_str(),
            "https://fe1.contoso.com/ucwa/oauth/v1/applications/1/events?ack=5&x=y&timeout=180"
        );
        let channel = channel
            .aggregation(Duration::from_secs(600), Duration::from_secs(300))
            .priority(2);
        assert_eq!(
            channel.request_url().unwrap().as_str(),
            "https://fe1.contoso.com/ucwa/oauth/v1/applications/1/events?ack=5&x=y&timeout=180&low=600&medium=300&priority=2"
        );
    }
}
