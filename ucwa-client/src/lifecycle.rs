//! The application's life after sign-in, in one background task per application (the
//! [`Session`](crate::Session) that [`SignIn::start`](crate::SignIn::start) gives is in
//! `session.rs`):
//!
//! - it creates the application and makes the user available (409 `AlreadyExists` is fine:
//!   the user already is), then reads the application again, so that its embedded `me` has the
//!   links of what the user publishes (they come with makeMeAvailable);
//! - it reports activity on a timer (every 150 s by default, inside the four minutes after
//!   which the user's availability drops), and calls makeMeAvailable again when the server
//!   answers `MakeMeAvailableRequired`;
//! - it owns the event channel: one reader task keeps exactly one pending GET outstanding, so
//!   the server never sees the application idle, and hands every event to subscribers through
//!   a bounded queue that holds only what subscribers have not read (`queue.rs`). A subscriber that falls behind is told how many events it
//!   missed (`RecvError::Lagged`) and never slows the reader, so no subscriber can make the
//!   application expire. A failed pending GET (or a batch with no `next` link) is retried
//!   after the retry delay, doubled after each failure in a row up to 60 s; another client's
//!   pending GET replacing the reader's (409 `PGetReplaced`) stops the reader for good
//!   ([`Status::PGetReplaced`]) rather than replace that client's in turn, forever;
//! - credentials refused for good (`invalid_grant`, or a fresh token refused) stop the owner
//!   with [`Status::Stopped`]: retrying would be a password grant each time, which can lock
//!   the account out;
//! - when the application is gone (404 `ApplicationNotFound`, 410 `InactiveApplicationExpired`
//!   on any of its requests) it creates a new one, makes the user available again and says
//!   so on the status stream ([`Status::Recovered`]); the session's task handles read the
//!   application the owner holds at each call, so they work on the new one; when creating fails with 403 or 502 it
//!   runs discovery again first, as the reference says;
//! - [`Session::shutdown`](crate::Session::shutdown) deletes the application.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;
use ucwa::events::Event;
use ucwa::operation::OperationError;
use ucwa::operations::{
    ApplicationDelete, ApplicationsPost, ApplicationsPostBody, MakeMeAvailablePost,
    MakeMeAvailablePostBody, MakeMeAvailablePostError, ReportMyActivityPost,
    ReportMyActivityPostError,
};
use ucwa::resources::{AnyResource, Application};
use ucwa::{Link, ResponseError};

use crate::auth::hosts::Hosts;
use crate::auth::{AuthError, TokenError, TokenErrorCode};
use crate::discovery::{Discovered, DiscoveryCache, RequestOutcome};
use crate::link::required;
use crate::resume::{Resumption, SavedSession, StateStore};
use crate::source::Current;
use crate::{Client, ClientError, Session, SessionError, SignIn, Status, settings};

/// What the application is created and kept with.
#[derive(Clone, Debug)]
pub(crate) struct LifecycleConfig {
    pub user_agent: String,
    pub endpoint_id: String,
    pub culture: String,
    pub keep_alive: Duration,
    pub retry_delay: Duration,
    pub event_queue: usize,
    pub make_me_available: MakeMeAvailablePostBody,
    /// The event channel's `low` and `medium`, sent when set.
    pub aggregation: Option<(Duration, Duration)>,
    /// The event channel's `priority`, sent when set.
    pub priority: Option<u32>,
    /// A meeting's guest: the application is created at `anonApplications`, beside
    /// `applications` (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/anonapplications_ref>).
    pub anonymous: bool,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            user_agent: concat!("ucwa-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            endpoint_id: "ucwa-client".to_owned(),
            culture: "en-US".to_owned(),
            keep_alive: Duration::from_secs(150),
            retry_delay: Duration::from_secs(1),
            event_queue: 256,
            make_me_available: MakeMeAvailablePostBody {
                supported_modalities: Some(vec![ucwa::enumerations::ModalityType::Messaging]),
                supported_message_formats: Some(vec![
                    ucwa::enumerations::MessageFormat::Plain,
                    ucwa::enumerations::MessageFormat::Html,
                ]),
                ..MakeMeAvailablePostBody::default()
            },
            aggregation: None,
            priority: None,
            anonymous: false,
        }
    }
}

/// What the owner task holds.
struct Owner {
    /// Where the session's state is saved, when it is.
    store: Option<Arc<dyn StateStore>>,
    /// Where the first reader starts, for an application resumed.
    resumed_events: Option<Link<ucwa::resources::Events>>,
    signin: SignIn,
    http: reqwest::Client,
    hosts: Arc<Hosts>,
    cache: DiscoveryCache,
    config: LifecycleConfig,
    current: watch::Sender<Current>,
    events: crate::queue::Sender<Event<AnyResource>>,
    status: broadcast::Sender<Status>,
}

/// The status and subcode of an error answer, if the server gave one.
fn answer<E: OperationError>(error: &ClientError<E>) -> Option<(u16, Option<&str>)> {
    match error {
        ClientError::Response(ResponseError::Ucwa(e)) => {
            Some((e.status(), e.body().subcode.as_deref()))
        }
        ClientError::Response(ResponseError::NotUcwa(n)) => Some((n.status.as_u16(), None)),
        _ => None,
    }
}

/// Why the application is gone, when `error` says it is.
fn gone<E: OperationError>(error: &ClientError<E>) -> Option<String> {
    match answer(error)? {
        (404, Some("ApplicationNotFound")) => Some("404 ApplicationNotFound".to_owned()),
        (410, Some("InactiveApplicationExpired")) => {
            Some("410 InactiveApplicationExpired".to_owned())
        }
        _ => None,
    }
}

fn outcome<E: OperationError>(error: &ClientError<E>) -> Option<RequestOutcome> {
    match error {
        ClientError::Transport(_) => Some(RequestOutcome::ConnectionError),
        _ => answer(error).and_then(|(status, _)| {
            ucwa::http::StatusCode::from_u16(status)
                .ok()
                .map(RequestOutcome::Status)
        }),
    }
}

/// The link of the application's embedded `me` that `pick` takes.
fn me_link<T>(
    application: &Application,
    pick: fn(&ucwa::resources::MeLinks) -> Option<&Link<T>>,
    rel: &'static str,
) -> Result<Link<T>, SessionError> {
    let me = application.embedded.me.as_ref();
    Ok(required(me.and_then(|me| pick(&me.links)), "me", rel)?)
}

/// Signs in and starts the owner task: discovery, the application, the user made available,
/// the keep-alive and the event channel.
pub(crate) async fn start(signin: SignIn, span: tracing::Span) -> Result<Session, SessionError> {
    let (http, hosts) = signin.parts()?;
    let discovered = signin.discover_with(&http, &hosts).await?;
    let mut client = signin.client_for(&http, hosts.clone(), &discovered)?;
    let mut cache = DiscoveryCache::default();
    cache.store(discovered.clone());
    let config = signin.lifecycle.clone();
    let (resumed, resumption) = resume(&signin, &client).await;
    let resumed_events = resumed.as_ref().map(|(_, events)| events.clone());
    let created = match resumed {
        Some((application, _)) => Ok(application),
        None => create(&client, &discovered, &config).await,
    };
    let application = match created {
        Ok(application) => application,
        // The pool's result for the domain may lead elsewhere than this user's pool: the
        // server says so as it says a result no longer holds, and this user discovers again.
        Err(SessionError::Create(error))
            if signin.pool.is_some() && outcome(&error).is_some_and(|o| cache.observe(o)) =>
        {
            let discovered = signin.discover_again(&http, &hosts).await?;
            client = signin.client_for(&http, hosts.clone(), &discovered)?;
            cache.store(discovered.clone());
            create(&client, &discovered, &config).await?
        }
        Err(error) => return Err(error),
    };
    // A session resumed keeps its first events for its first subscriber: they are what
    // arrived while the process was down.
    let events = if resumed_events.is_some() {
        crate::queue::holding(config.event_queue)
    } else {
        crate::queue::channel(config.event_queue)
    };
    let (status, _) = broadcast::channel(64);
    let application = make_available(&client, application, &config, &status).await?;
    // Saved before the session is given: a process that stops at once resumes this one.
    let start_at = resumed_events
        .as_ref()
        .or(application.links.events.as_ref())
        .map(|link| link.href.clone());
    if let (Some(store), Some(link), Some(events)) =
        (&signin.store, &application.links.self_, start_at)
    {
        store.save(&SavedSession::new(
            signin.address.as_str(),
            &link.href,
            &events,
        ));
    }
    let (current, watching) = watch::channel(Current {
        client,
        application: Arc::new(application),
    });
    let (stop, stopped) = oneshot::channel();
    let store = signin.store.clone();
    let owner = Owner {
        store,
        resumed_events,
        signin,
        http,
        hosts,
        cache,
        config,
        current,
        events: events.clone(),
        status: status.clone(),
    };
    let owner = tokio::spawn(
        owner
            .run(stopped)
            .instrument(tracing::info_span!(parent: &span, "application")),
    );
    let task = tokio::spawn(supervise(owner, status.clone()));
    Ok(Session {
        current: watching,
        events,
        status,
        stop: Some(stop),
        task: Some(task),
        resumption,
    })
}

/// The application the store saved, if it is still there, with the event channel's position;
/// and what the start is to report.
async fn resume(
    signin: &SignIn,
    client: &Client,
) -> (
    Option<(Application, Link<ucwa::resources::Events>)>,
    Resumption,
) {
    let saved = signin.store.as_ref().and_then(|store| store.load());
    let Some(saved) = saved.filter(|s| s.address.eq_ignore_ascii_case(signin.address.as_str()))
    else {
        return (None, Resumption::Fresh);
    };
    let down_for = saved.age();
    let link: Link<Application> = Link::to(saved.application.as_str());
    match client.get::<Application>(&link).await {
        Ok(application) => {
            tracing::info!(application = %saved.application, "resumed the application saved");
            let events = Link::to(saved.events.as_str());
            let resumption = Resumption::Resumed {
                application: saved.application,
                events: saved.events,
                down_for,
            };
            (Some((application, events)), resumption)
        }
        Err(error) => {
            let reason = gone(&error).unwrap_or_else(|| error.to_string());
            tracing::warn!(application = %saved.application, %reason, "the application saved is gone; creating a new one");
            let resumption = Resumption::Recreated {
                previous: saved.application,
                reason,
                down_for,
            };
            (None, resumption)
        }
    }
}

/// Waits for the owner; if it panicked, says so on the status stream, since the application
/// it kept is then neither kept alive nor deleted, and nobody would otherwise know.
async fn supervise(owner: JoinHandle<()>, status: broadcast::Sender<Status>) {
    let Err(error) = owner.await else { return };
    let reason = if error.is_panic() {
        let payload = error.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("the application's owner panicked: {message}; the application was not deleted")
    } else {
        // Cancelled: only a runtime shutting down does that (the session never aborts it).
        format!("the application's owner was cancelled: {error}")
    };
    tracing::error!(%reason, "the session stopped");
    let _ = status.send(Status::Stopped { reason });
}

async fn create(
    client: &Client,
    discovered: &Discovered,
    config: &LifecycleConfig,
) -> Result<Application, SessionError> {
    let body = ApplicationsPostBody {
        culture: Some(config.culture.clone()),
        endpoint_id: Some(config.endpoint_id.clone()),
        user_agent: Some(config.user_agent.clone()),
        ..ApplicationsPostBody::default()
    };
    let mut link = Link::to(discovered.applications.as_str());
    if config.anonymous {
        let mut url = discovered.applications.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop().push("anonApplications");
        }
        link = Link::to(url.as_str());
    }
    let application = client
        .call(|origin, format| ApplicationsPost::request(origin, &link, &body, format))
        .instrument(tracing::info_span!("create_application"))
        .await
        .map_err(SessionError::Create)?;
    tracing::info!(
        application = application
            .links
            .self_
            .as_ref()
            .map(|l| l.href.as_str())
            .unwrap_or_default(),
        "application created"
    );
    Ok(application)
}

/// Makes the user available on `application`, then reads it again: the links of what the
/// user publishes (presence, note, location) come with makeMeAvailable, and the task handles
/// find them in the application's embedded `me`. A read that fails keeps the application as it
/// was (logged: only the handles' requests for those links fail, naming the missing link).
async fn make_available(
    client: &Client,
    application: Application,
    config: &LifecycleConfig,
    status: &broadcast::Sender<Status>,
) -> Result<Application, SessionError> {
    // An application that is available already (a session resumed) has the links of what
    // the user publishes and no makeMeAvailable any more.
    let me = application.embedded.me.as_ref();
    if me.is_some_and(|me| me.links.make_me_available.is_none() && me.links.presence.is_some()) {
        tracing::info!("available already");
        let _ = status.send(Status::Available);
        return Ok(application);
    }
    let link = me_link(
        &application,
        |l| l.make_me_available.as_ref(),
        "makeMeAvailable",
    )?;
    let body = &config.make_me_available;
    let answer = client
        .call(|origin, format| MakeMeAvailablePost::request(origin, &link, body, format))
        .instrument(tracing::info_span!("make_me_available"))
        .await;
    match answer {
        // Already available: what this call was for.
        Ok(())
        | Err(ClientError::Response(ResponseError::Ucwa(
            MakeMeAvailablePostError::AlreadyExists(_),
        ))) => {
            tracing::info!("available");
            let _ = status.send(Status::Available);
            Ok(read_again(client, application).await)
        }
        Err(error) => Err(SessionError::MakeMeAvailable(error)),
    }
}

/// `application` as the server has it now, or as it was when it cannot be read.
async fn read_again(client: &Client, application: Application) -> Application {
    let Some(link) = application.links.self_.clone() else {
        return application;
    };
    // The application's `self` link is untyped in the schema; it is the application.
    match client.get::<Application>(&link.cast()).await {
        Ok(fresh) => fresh,
        Err(error) => {
            tracing::warn!(%error, "reading the application after makeMeAvailable failed");
            application
        }
    }
}

/// Saves the session's state after each batch: the application and the channel's position.
struct Saver {
    store: Arc<dyn StateStore>,
    address: String,
    application: ucwa::Href,
}

impl Saver {
    fn save(&self, position: &Link<ucwa::resources::Events>) {
        self.store.save(&SavedSession::new(
            &self.address,
            &self.application,
            &position.href,
        ));
    }
}

/// Why the event reader stopped.
#[derive(Debug)]
enum End {
    /// The application is gone (the reason): the owner replaces it.
    Gone(String),
    /// Another client's pending GET replaced this one. Asking again would replace the other
    /// one's in turn, and so on every second: the reader stops, the keep-alive goes on.
    Replaced,
    /// The credentials are refused for good (the reason): every retry would be another
    /// password grant, which can lock the account out. The owner stops.
    Refused(String),
}

/// Whether `error` says the credentials are refused for good: the token endpoint's
/// `invalid_grant`, or the server refusing a token fresh from the provider.
fn refused<E: std::error::Error + 'static>(error: &ClientError<E>) -> bool {
    matches!(
        error,
        ClientError::Auth(
            AuthError::Rejected { .. }
                | AuthError::Refused(TokenError {
                    code: TokenErrorCode::InvalidGrant,
                    ..
                })
        )
    )
}

/// The wait after `delay`: doubled, up to [`settings::MAX_RETRY_DELAY`], so that a server
/// or token endpoint that keeps failing is asked less and less often.
fn back_off(delay: Duration) -> Duration {
    delay.saturating_mul(2).min(settings::MAX_RETRY_DELAY)
}

/// How much earlier than `period` this application's first keep-alive comes: up to a fifth of
/// the period, from a hash of the application's `self` link, so that the keep-alives of
/// sessions started together are spread over that fifth instead of all firing at once (and
/// stay spread: each then comes every `period`). The same application always gets the same
/// offset, so a test on tokio's paused clock knows when it comes.
fn spread(period: Duration, application: &Application) -> Duration {
    use std::hash::{Hash, Hasher};
    let Some(link) = &application.links.self_ else {
        return Duration::ZERO;
    };
    // SipHash with fixed keys: the same offset in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    link.href.as_str().hash(&mut hasher);
    let fifth = period / 5;
    let nanos = u64::try_from(fifth.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(hasher.finish() % nanos.saturating_add(1))
}

/// Keeps one pending GET outstanding until the application is gone, another client takes the
/// channel or the credentials are refused; returns which.
async fn read_events(
    client: Client,
    start: Link<ucwa::resources::Events>,
    config: LifecycleConfig,
    events: crate::queue::Sender<Event<AnyResource>>,
    status: broadcast::Sender<Status>,
    saver: Option<Saver>,
) -> End {
    let retry_delay = config.retry_delay;
    let mut channel = client.events(&start);
    if let Some((low, medium)) = config.aggregation {
        channel = channel.aggregation(low, medium);
    }
    if let Some(priority) = config.priority {
        channel = channel.priority(priority);
    }
    // The wait before the next pending GET after a failure; back to `retry_delay` after a
    // batch that goes on.
    let mut delay = retry_delay;
    loop {
        match channel.next_batch().await {
            Ok(batch) => {
                if channel.take_reset() {
                    let _ = status.send(Status::Resynchronized);
                }
                let goes_on = batch.follow().is_some();
                for sender in batch.senders {
                    for event in sender.events {
                        // No receiver is not an error: events are offered, not owed.
                        events.send(event);
                    }
                }
                if goes_on {
                    if let Some(saver) = &saver {
                        saver.save(channel.position());
                    }
                    delay = retry_delay;
                    continue;
                }
                // No `next`: the channel asks for the same link again. A server always sends
                // one, so this is a broken answer (a proxy's, a cut one); asking again at once
                // would spin, and ending the channel would leave the application with no
                // pending GET. So it counts as a failure: reported, and retried after the
                // backoff, as the server answers a repeated `ack` with the same batch or a
                // `resync`.
                let report = Status::EventChannelFailed {
                    reason: format!(
                        "the batch has no `next` link; asking for the same one again in {delay:?}"
                    ),
                };
                tracing::warn!(?report, "event channel");
                let _ = status.send(report);
            }
            Err(error) => {
                if let Some(reason) = gone(&error) {
                    return End::Gone(reason);
                }
                if refused(&error) {
                    return End::Refused(error.to_string());
                }
                if let Some((409, Some("PGetReplaced"))) = answer(&error) {
                    tracing::warn!("event channel: another pending GET replaced this one");
                    let _ = status.send(Status::PGetReplaced);
                    return End::Replaced;
                }
                let report = Status::EventChannelFailed {
                    reason: error.to_string(),
                };
                tracing::warn!(?report, "event channel");
                let _ = status.send(report);
            }
        }
        tokio::time::sleep(delay).await;
        delay = back_off(delay);
    }
}

impl Owner {
    fn current(&self) -> Current {
        self.current.borrow().clone()
    }

    fn spawn_reader(&mut self) -> Result<JoinHandle<End>, SessionError> {
        let Current {
            client,
            application,
        } = self.current();
        let start = match self.resumed_events.take() {
            Some(position) => position,
            None => required(application.links.events.as_ref(), "application", "events")?,
        };
        let saver = match (&self.store, &application.links.self_) {
            (Some(store), Some(link)) => {
                let saver = Saver {
                    store: store.clone(),
                    address: self.signin.address.as_str().to_owned(),
                    application: link.href.clone(),
                };
                // Saved at once: a process that stops before the first batch resumes here.
                saver.save(&start);
                Some(saver)
            }
            _ => None,
        };
        Ok(tokio::spawn(
            read_events(
                client,
                start,
                self.config.clone(),
                self.events.clone(),
                self.status.clone(),
                saver,
            )
            .in_current_span(),
        ))
    }

    /// Runs until told to stop (`true`: delete the application; `false`: keep it, and the
    /// state saved, for the next process) or the credentials are refused.
    async fn run(mut self, mut stopped: oneshot::Receiver<bool>) {
        let period = self.config.keep_alive;
        let first = period.saturating_sub(spread(period, &self.current().application));
        let mut keep_alive = tokio::time::interval_at(tokio::time::Instant::now() + first, period);
        keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reader = self.spawn_reader().ok();
        let mut keep = false;
        let refused = loop {
            let end = tokio::select! {
                told = &mut stopped => {
                    keep = told == Ok(false);
                    break None;
                }
                _ = keep_alive.tick() => match self.report_activity().await {
                    Ok(()) => continue,
                    Err(end) => end,
                },
                end = async {
                    match reader.as_mut() {
                        Some(reader) => reader.await.unwrap_or_else(|e| End::Gone(e.to_string())),
                        None => std::future::pending().await,
                    }
                } => {
                    reader = None;
                    end
                }
            };
            match end {
                End::Gone(reason) => {
                    if let Err(reason) = self.recover(reason, &mut reader).await {
                        break Some(reason);
                    }
                }
                // Reported by the reader; the keep-alive goes on without it.
                End::Replaced => {}
                End::Refused(reason) => break Some(reason),
            }
        };
        if let Some(reader) = reader {
            reader.abort();
        }
        if let Some(reason) = refused {
            // Deleting would need a token, and so another refused password grant; the
            // server deletes the application itself once it has been idle long enough.
            let reason = format!(
                "the credentials were refused ({reason}); stopped without deleting the application"
            );
            tracing::error!(%reason, "the session stopped");
            let _ = self.status.send(Status::Stopped { reason });
            return;
        }
        if keep {
            tracing::info!("suspended: the application is kept for the next process");
            return;
        }
        self.delete().await;
        if let Some(store) = &self.store {
            store.clear();
        }
    }

    /// One keep-alive; `Err` when the application is gone or the credentials are refused.
    async fn report_activity(&mut self) -> Result<(), End> {
        let Current {
            client,
            application,
        } = self.current();
        let link = match me_link(
            &application,
            |l| l.report_my_activity.as_ref(),
            "reportMyActivity",
        ) {
            Ok(link) => link,
            Err(error) => {
                let _ = self.status.send(Status::KeepAliveFailed {
                    reason: error.to_string(),
                });
                return Ok(());
            }
        };
        let result = client
            .call(|origin, format| ReportMyActivityPost::request(origin, &link, format))
            .await;
        match result {
            Ok(()) => {
                tracing::debug!("activity reported");
                Ok(())
            }
            Err(error) => {
                if let Some(reason) = gone(&error) {
                    return Err(End::Gone(reason));
                }
                if refused(&error) {
                    return Err(End::Refused(error.to_string()));
                }
                if let ClientError::Response(ResponseError::Ucwa(
                    ReportMyActivityPostError::MakeMeAvailableRequired(_),
                )) = &error
                {
                    // The server forgot the user's availability: give it again. The application
                    // as last read has no makeMeAvailable link (the user was available then):
                    // read it again, which offers one now.
                    let again = read_again(&client, (*application).clone()).await;
                    if let Ok(application) =
                        make_available(&client, again, &self.config, &self.status).await
                    {
                        self.current.send_modify(|current| {
                            current.application = Arc::new(application);
                        });
                        return Ok(());
                    }
                }
                if let Some(outcome) = outcome(&error) {
                    self.cache.observe(outcome);
                }
                let _ = self.status.send(Status::KeepAliveFailed {
                    reason: error.to_string(),
                });
                Ok(())
            }
        }
    }

    /// Replaces a gone application; on failure, reports it and leaves the next keep-alive
    /// to try again, unless the credentials are refused (`Err` with why: the owner stops).
    async fn recover(
        &mut self,
        reason: String,
        reader: &mut Option<JoinHandle<End>>,
    ) -> Result<(), String> {
        if let Some(old) = reader.take() {
            old.abort();
        }
        let previous = self.current().application.links.self_.clone();
        tracing::warn!(%reason, "the application is gone; creating a new one");
        match self.replace().await {
            Ok(current) => {
                let application = current.application.links.self_.clone();
                self.current.send_replace(current);
                *reader = self.spawn_reader().ok();
                let _ = self.status.send(Status::Recovered {
                    previous: previous.map(|l| l.href),
                    application: application.map(|l| l.href),
                    reason,
                });
                Ok(())
            }
            Err(error) => {
                let credentials_refused = match &error {
                    SessionError::Create(e) => refused(e),
                    SessionError::MakeMeAvailable(e) => refused(e),
                    _ => false,
                };
                if credentials_refused {
                    return Err(error.to_string());
                }
                let _ = self.status.send(Status::RecoveryFailed {
                    reason: error.to_string(),
                });
                Ok(())
            }
        }
    }

    async fn replace(&mut self) -> Result<Current, SessionError> {
        let mut client = self.current().client;
        let discovered = match self.cache.get() {
            Some(discovered) => discovered.clone(),
            None => self.rediscover(&mut client).await?,
        };
        let application = match create(&client, &discovered, &self.config).await {
            Ok(application) => application,
            Err(SessionError::Create(error)) => {
                let dropped = outcome(&error).is_some_and(|o| self.cache.observe(o));
                if !dropped {
                    return Err(SessionError::Create(error));
                }
                let discovered = self.rediscover(&mut client).await?;
                create(&client, &discovered, &self.config).await?
            }
            Err(other) => return Err(other),
        };
        let application = make_available(&client, application, &self.config, &self.status).await?;
        Ok(Current {
            client,
            application: Arc::new(application),
        })
    }

    async fn rediscover(&mut self, client: &mut Client) -> Result<Discovered, SessionError> {
        tracing::info!("running discovery again");
        let discovered = self.signin.discover_again(&self.http, &self.hosts).await?;
        *client = self
            .signin
            .client_for(&self.http, self.hosts.clone(), &discovered)?;
        self.cache.store(discovered.clone());
        Ok(discovered)
    }

    async fn delete(&self) {
        let Current {
            client,
            application,
        } = self.current();
        let Some(link) = application.links.self_.clone() else {
            return;
        };
        // The application's `self` link is untyped in the schema; it is the application.
        let link = link.cast();
        let result = client
            .call(|origin, format| ApplicationDelete::request(origin, &link, format))
            .await;
        match result {
            Ok(()) => tracing::info!("application deleted"),
            // Gone already is what deleting wants.
            Err(error) if gone(&error).is_some() => {}
            Err(error) => tracing::warn!(%error, "deleting the application failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_up_to_a_minute() {
        let mut delay = Duration::from_secs(1);
        let mut waits = Vec::new();
        for _ in 0..9 {
            waits.push(delay.as_secs());
            delay = back_off(delay);
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(
            back_off(settings::MAX_RETRY_DELAY),
            settings::MAX_RETRY_DELAY
        );
    }

    #[test]
    fn keep_alives_of_applications_started_together_are_spread_over_a_fifth_of_the_period() {
        let period = Duration::from_secs(150);
        let offsets: Vec<Duration> = (0..200)
            .map(|i| {
                let mut application = Application::default();
                application.links.self_ = Some(Link::to(
                    format!("/ucwa/oauth/v1/applications/{i}").as_str(),
                ));
                spread(period, &application)
            })
            .collect();
        assert!(offsets.iter().all(|o| *o <= period / 5), "{offsets:?}");
        // Spread, not bunched: each sixth of the window holds some of them.
        for part in 0..6u32 {
            let (from, to) = (period / 5 / 6 * part, period / 5 / 6 * (part + 1));
            assert!(
                offsets.iter().any(|o| (from..to).contains(o)),
                "none in {from:?}..{to:?}"
            );
        }
        // The same application, the same offset.
        let mut application = Application::default();
        application.links.self_ = Some(Link::to("/ucwa/oauth/v1/applications/7"));
        assert_eq!(spread(period, &application), offsets[7]);
        assert_eq!(spread(period, &Application::default()), Duration::ZERO);
    }

    #[tokio::test]
    async fn a_panicking_owner_is_reported_as_stopped() {
        let (status, mut watching) = broadcast::channel(4);
        let owner = tokio::spawn(async { panic!("boom") });
        supervise(owner, status).await;
        assert_eq!(
            watching.recv().await.unwrap(),
            Status::Stopped {
                reason: "the application's owner panicked: boom; the application was not deleted"
                    .to_owned()
            }
        );
    }

    #[tokio::test]
    async fn an_owner_that_ends_normally_reports_nothing() {
        let (status, mut watching) = broadcast::channel(4);
        supervise(tokio::spawn(async {}), status).await;
        assert!(matches!(
            watching.try_recv(),
            Err(broadcast::error::TryRecvError::Closed)
        ));
    }
}
