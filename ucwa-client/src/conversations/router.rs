//! The router: one task reading the session's events, answering invitations by the policy and
//! handing each conversation's events to its queue without ever waiting on one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use ucwa::enumerations::Direction;
use ucwa::events::{Event, EventType};
use ucwa::operations::{AcceptPostError, DeclinePostError};
use ucwa::resources::AnyResource;
use ucwa::{Link, resources};

use super::conversation::{Conversation, ConversationEvent, Shared};
use super::invitation::{Handles, Invitation, InvitationInfo, InvitationKind};
use crate::{ClientError, Session, Status};

/// What to do with an incoming invitation, messaging or meeting alike.
#[derive(Clone)]
#[non_exhaustive]
pub enum Policy {
    /// Accept every one.
    AcceptAll,
    /// Accept those the filter passes; decline the others.
    AcceptFrom(Arc<dyn Fn(&InvitationInfo) -> bool + Send + Sync>),
    /// Hand each to the user ([`Conversations::next_invitation`]), who accepts
    /// ([`Conversations::accept`]) or declines.
    Ask,
}

impl Policy {
    /// Accept the invitations `filter` passes (by the inviter, the subject, the kind), decline
    /// the others. A meeting invitation names its inviter only by display name
    /// ([`InvitationInfo::from_uri`] is then `None`).
    pub fn accept_from(filter: impl Fn(&InvitationInfo) -> bool + Send + Sync + 'static) -> Self {
        Policy::AcceptFrom(Arc::new(filter))
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::AcceptAll => "AcceptAll",
            Policy::AcceptFrom(_) => "AcceptFrom(..)",
            Policy::Ask => "Ask",
        })
    }
}

/// The runtime's bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The most events one conversation's queue holds (64); more are dropped and counted.
    pub queue: usize,
    /// The most messages a conversation's history keeps (200).
    pub history: usize,
    /// The most new conversations and invitations waiting for the user to take them (256);
    /// more are dropped (and an invitation that would wait is declined) and counted.
    pub pending: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            queue: 64,
            history: 200,
            pending: 256,
        }
    }
}

impl Options {
    /// These options with `queue` events per conversation (at least 1).
    pub fn queue(mut self, queue: usize) -> Self {
        self.queue = queue.max(1);
        self
    }

    /// These options with `history` messages per conversation (at least 1).
    pub fn history(mut self, history: usize) -> Self {
        self.history = history.max(1);
        self
    }

    /// These options with `pending` conversations and invitations waiting (at least 1).
    pub fn pending(mut self, pending: usize) -> Self {
        self.pending = pending.max(1);
        self
    }
}

/// What the runtime counted since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Invitations accepted (by the policy or the user).
    pub accepted: u64,
    /// Invitations declined by the policy's filter or by the user
    /// ([`Conversations::decline`]).
    pub declined: u64,
    /// Accepts or declines the server refused, and meetings whose chat could not be added.
    pub failed: u64,
    /// Events dropped because a conversation's queue was full, plus conversations and
    /// invitations dropped because the user did not take them.
    pub dropped: u64,
    /// Events of no conversation the runtime knows.
    pub unrouted: u64,
    /// Events the runtime missed (it read the session's events too slowly).
    pub missed: u64,
    /// Times the session replaced a gone application: the conversations known then ended
    /// with it (each heard [`ConversationEvent::Ended`]), and what happened meanwhile is lost.
    pub recovered: u64,
    /// Conversations ended that way.
    pub lost: u64,
    /// Times the server told the session to drop cached state (`resync`): events may have
    /// been missed.
    pub resynchronized: u64,
}

#[derive(Default)]
struct Count {
    accepted: AtomicU64,
    declined: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    unrouted: AtomicU64,
    missed: AtomicU64,
    recovered: AtomicU64,
    lost: AtomicU64,
    resynchronized: AtomicU64,
}

fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

/// Where one conversation's events go.
struct Route {
    queue: mpsc::Sender<ConversationEvent>,
    shared: Arc<Shared>,
    /// A meeting accepted here whose chat is to be added once it connects.
    add_chat: bool,
    /// A meeting whose chat has not connected yet ([`ConversationEvent::ChatReady`] is due).
    chat_due: bool,
}

struct Inner {
    handles: Handles,
    options: Options,
    count: Count,
    /// The conversations by their URL.
    routes: Mutex<HashMap<String, Route>>,
}

impl Inner {
    // Plain map updates: a panic cannot leave it half changed, so a poisoned lock is used as
    // is.
    fn routes(&self) -> MutexGuard<'_, HashMap<String, Route>> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes the conversation at `link` known (before anything is sent about it), and its
    /// handle; `None` if it is known already.
    fn register(
        &self,
        link: &Link<resources::Conversation>,
        kind: InvitationKind,
    ) -> Option<Conversation> {
        let mut routes = self.routes();
        let key = link.href.as_str().to_owned();
        if routes.contains_key(&key) {
            return None;
        }
        let (queue, events) = mpsc::channel(self.options.queue.max(1));
        let shared = Arc::new(Shared::new(self.options.history));
        routes.insert(
            key,
            Route {
                queue,
                shared: shared.clone(),
                add_chat: kind == InvitationKind::Meeting,
                chat_due: kind == InvitationKind::Meeting,
            },
        );
        Some(Conversation {
            link: link.clone(),
            kind,
            events,
            shared,
            messaging: self.handles.messaging.clone(),
            handle: tokio::sync::Mutex::new(None),
        })
    }

    /// The application was replaced: every conversation known ended with the old one.
    fn end_all(&self) {
        let ended: Vec<Route> = self.routes().drain().map(|(_, route)| route).collect();
        add(&self.count.lost, ended.len() as u64);
        for route in ended {
            route.shared.end();
            if route.queue.try_send(ConversationEvent::Ended).is_err() {
                route.shared.count_drop();
                add(&self.count.dropped, 1);
            }
        }
    }

    /// Hands `event` to its conversation, never waiting.
    fn route(self: &Arc<Self>, event: &Event<AnyResource>) {
        let href = event
            .in_link
            .as_ref()
            .unwrap_or(&event.link)
            .href
            .as_str()
            .to_owned();
        let mut routes = self.routes();
        // The conversation's URL begins the event's: try the URL, then each parent.
        let mut key = href.split(['?', '#']).next().unwrap_or("").to_owned();
        let found = loop {
            if routes.contains_key(&key) {
                break Some(key);
            }
            match key.rfind('/') {
                Some(at) if at > 0 => key.truncate(at),
                _ => break None,
            }
        };
        let Some(key) = found else {
            add(&self.count.unrouted, 1);
            return;
        };
        let Some(route) = routes.get_mut(&key) else {
            return;
        };
        let told = route.shared.apply(event);
        if route.add_chat && route.shared.connected() {
            // A meeting accepted here connected: its chat is added now.
            route.add_chat = false;
            self.add_chat(&key, route.queue.clone(), route.shared.clone());
        }
        if route.chat_due && chat_connected(event) {
            route.chat_due = false;
            // After what the event itself tells, if anything.
            if let Some(told) = told
                && route.queue.try_send(told).is_err()
            {
                route.shared.count_drop();
                add(&self.count.dropped, 1);
            }
            if route.queue.try_send(ConversationEvent::ChatReady).is_err() {
                route.shared.count_drop();
                add(&self.count.dropped, 1);
            }
            return;
        }
        let Some(told) = told else {
            return;
        };
        let ended = told == ConversationEvent::Ended;
        if route.queue.try_send(told).is_err() {
            route.shared.count_drop();
            add(&self.count.dropped, 1);
        }
        if ended {
            // The queue's sender goes: the handler's `next` ends after what is queued.
            routes.remove(&key);
        }
    }
}

impl Inner {
    /// Adds messaging to the joined meeting at `href` (unless the invitation brought it), on a
    /// task of its own; a failure is counted in [`Counters::failed`] and told to the
    /// conversation ([`ConversationEvent::ChatFailed`]).
    fn add_chat(
        self: &Arc<Self>,
        href: &str,
        queue: mpsc::Sender<ConversationEvent>,
        shared: Arc<Shared>,
    ) {
        let inner = self.clone();
        let link: Link<resources::Conversation> = Link::to(href.to_owned());
        tokio::spawn(async move {
            let added = match inner.handles.messaging.conversation(&link).await {
                // The invitation brought the chat when the meeting's messaging does not
                // offer addMessaging.
                Ok(meeting)
                    if meeting
                        .messaging()
                        .is_some_and(|m| m.links.add_messaging.is_some()) =>
                {
                    meeting
                        .add_messaging()
                        .await
                        .map(drop)
                        .map_err(|e| format!("adding the meeting's chat: {e}"))
                }
                Ok(_) => Ok(()),
                Err(e) => Err(format!("reading the meeting: {e}")),
            };
            if let Err(reason) = added {
                add(&inner.count.failed, 1);
                if queue
                    .try_send(ConversationEvent::ChatFailed { reason })
                    .is_err()
                {
                    shared.count_drop();
                    add(&inner.count.dropped, 1);
                }
            }
        });
    }
}

/// The runtime: new conversations as they come ([`Conversations::next`]), invitations the
/// policy hands over, and what was counted. Dropping it stops the router.
pub struct Conversations {
    inner: Arc<Inner>,
    conversations: mpsc::Receiver<Conversation>,
    invitations: mpsc::Receiver<Invitation>,
    task: JoinHandle<()>,
}

impl fmt::Debug for Conversations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conversations")
            .field("counters", &self.counters())
            .finish_non_exhaustive()
    }
}

impl Drop for Conversations {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Conversations {
    /// Starts routing the events of `session` with `policy` and the default [`Options`].
    pub fn start(session: &Session, policy: Policy) -> Conversations {
        Conversations::start_with(session, policy, Options::default())
    }

    /// Starts routing the events of `session` with `policy` within `options`.
    pub fn start_with(session: &Session, policy: Policy, options: Options) -> Conversations {
        let inner = Arc::new(Inner {
            handles: Handles {
                messaging: session.messaging(),
                #[cfg(feature = "online-meetings")]
                meetings: session.online_meetings(),
            },
            options,
            count: Count::default(),
            routes: Mutex::new(HashMap::new()),
        });
        let (found, conversations) = mpsc::channel(options.pending.max(1));
        let (asked, invitations) = mpsc::channel(options.pending.max(1));
        let sources = (session.events(), session.status());
        let task = tokio::spawn(run(inner.clone(), sources, policy, found, asked));
        Conversations {
            inner,
            conversations,
            invitations,
            task,
        }
    }

    /// The next conversation: accepted by the policy, or started from this application
    /// (startMessaging). `None` once the router stopped.
    pub async fn next(&mut self) -> Option<Conversation> {
        self.conversations.recv().await
    }

    /// The next invitation handed to the user ([`Policy::Ask`]): messaging or meeting
    /// ([`Invitation::info`] says who from and what).
    pub async fn next_invitation(&mut self) -> Option<Invitation> {
        self.invitations.recv().await
    }

    /// Accepts `invitation`: its conversation, whose events are routed from now on (a
    /// meeting's chat is added once the meeting connects, and [`Conversation::reply`] answers
    /// in it).
    pub async fn accept(
        &self,
        invitation: &Invitation,
    ) -> Result<Conversation, ClientError<AcceptPostError>> {
        let link = invitation.conversation()?;
        // A conversation known already (accepted twice) gets a new queue: the server answers
        // the second accept, and its events go to the handle returned last.
        self.inner.routes().remove(link.href.as_str());
        let conversation = self.inner.register(&link, invitation.kind());
        let accepted = invitation.accept(&self.inner.handles).await;
        if let Err(error) = accepted {
            self.inner.routes().remove(link.href.as_str());
            add(&self.inner.count.failed, 1);
            return Err(error);
        }
        add(&self.inner.count.accepted, 1);
        conversation.ok_or(ClientError::MissingLink {
            resource: "invitation",
            rel: "conversation",
        })
    }

    /// Declines `invitation` (the inviter hears it declined).
    pub async fn decline(
        &self,
        invitation: &Invitation,
    ) -> Result<(), ClientError<DeclinePostError>> {
        let declined = invitation.decline(&self.inner.handles).await;
        if declined.is_ok() {
            add(&self.inner.count.declined, 1);
        }
        declined
    }

    /// What was counted so far.
    pub fn counters(&self) -> Counters {
        let c = &self.inner.count;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Counters {
            accepted: load(&c.accepted),
            declined: load(&c.declined),
            failed: load(&c.failed),
            dropped: load(&c.dropped),
            unrouted: load(&c.unrouted),
            missed: load(&c.missed),
            recovered: load(&c.recovered),
            lost: load(&c.lost),
            resynchronized: load(&c.resynchronized),
        }
    }
}

/// The router's loop: until the session's events end.
async fn run(
    inner: Arc<Inner>,
    (mut events, mut status): (crate::EventReceiver, broadcast::Receiver<Status>),
    policy: Policy,
    found: mpsc::Sender<Conversation>,
    asked: mpsc::Sender<Invitation>,
) {
    loop {
        let received = tokio::select! {
            // What the owner reports first: a recovery ends the old application's
            // conversations before any event of the new one is routed.
            biased;
            reported = status.recv() => {
                match reported {
                    Ok(Status::Recovered { .. }) => {
                        add(&inner.count.recovered, 1);
                        inner.end_all();
                    }
                    Ok(Status::Resynchronized) => add(&inner.count.resynchronized, 1),
                    // Statuses missed (none matters here but those two) or no more.
                    Ok(_) | Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => {}
                }
                continue;
            }
            received = events.recv() => received,
        };
        let event = match received {
            Ok(event) => event,
            Err(RecvError::Lagged(n)) => {
                add(&inner.count.missed, n);
                continue;
            }
            Err(RecvError::Closed) => break,
        };
        if let Some(invitation) = Invitation::from_event(&event) {
            invited(&inner, &policy, invitation, &found, &asked);
            continue;
        }
        if let Some(link) = started_here(&event)
            && let Some(conversation) = inner.register(&link, InvitationKind::Messaging)
        {
            hand_over(&inner, &found, conversation);
            continue;
        }
        inner.route(&event);
    }
}

/// Whether `event` says a conversation's messaging connected.
fn chat_connected(event: &Event<AnyResource>) -> bool {
    match &event.resource {
        Some(AnyResource::Messaging(messaging)) => messaging.state.as_deref() == Some("Connected"),
        _ => false,
    }
}

/// The conversation an outgoing invitation of this application started.
fn started_here(event: &Event<AnyResource>) -> Option<Link<resources::Conversation>> {
    if event.event_type != EventType::Started {
        return None;
    }
    match &event.resource {
        Some(AnyResource::MessagingInvitation(invitation))
            if invitation.direction == Some(Direction::Outgoing) =>
        {
            invitation.links.conversation.clone()
        }
        _ => None,
    }
}

fn hand_over(inner: &Inner, found: &mpsc::Sender<Conversation>, conversation: Conversation) {
    if let Err(full) = found.try_send(conversation) {
        // No one takes it: forget it, so its events are not queued for no one.
        let conversation = match full {
            mpsc::error::TrySendError::Full(c) | mpsc::error::TrySendError::Closed(c) => c,
        };
        inner.routes().remove(conversation.link.href.as_str());
        add(&inner.count.dropped, 1);
    }
}

/// Answers `invitation` by `policy`; the requests run on their own tasks, so the router goes
/// on reading.
fn invited(
    inner: &Arc<Inner>,
    policy: &Policy,
    invitation: Invitation,
    found: &mpsc::Sender<Conversation>,
    asked: &mpsc::Sender<Invitation>,
) {
    let accept = match policy {
        Policy::AcceptAll => true,
        Policy::AcceptFrom(filter) => filter(&invitation.info()),
        Policy::Ask => match asked.try_send(invitation) {
            Ok(()) => return,
            // No room to wait: declined, so that the inviter is not left ringing.
            Err(
                mpsc::error::TrySendError::Full(invitation)
                | mpsc::error::TrySendError::Closed(invitation),
            ) => {
                add(&inner.count.dropped, 1);
                let inner = inner.clone();
                tokio::spawn(async move {
                    if invitation.decline(&inner.handles).await.is_err() {
                        add(&inner.count.failed, 1);
                    }
                });
                return;
            }
        },
    };
    let inner = inner.clone();
    if !accept {
        tokio::spawn(async move {
            match invitation.decline(&inner.handles).await {
                Ok(()) => add(&inner.count.declined, 1),
                Err(_) => add(&inner.count.failed, 1),
            }
        });
        return;
    }
    let Ok(link) = invitation.conversation() else {
        add(&inner.count.failed, 1);
        return;
    };
    // Known before the accept, so that no event of it is missed.
    let Some(conversation) = inner.register(&link, invitation.kind()) else {
        return;
    };
    hand_over(&inner, found, conversation);
    tokio::spawn(async move {
        match invitation.accept(&inner.handles).await {
            Ok(()) => add(&inner.count.accepted, 1),
            Err(_) => add(&inner.count.failed, 1),
        }
    });
}
