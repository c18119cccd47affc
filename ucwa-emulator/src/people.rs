//! The people a user can reach: `people` (embedded in the application), the contact list
//! (`myContacts`), groups (`myGroups`, a group and its `groupContacts`), each `contact` with
//! its `contactPresence`, `contactNote` and `contactLocation`, `search`, and presence
//! subscriptions (`presenceSubscriptions`, one `presenceSubscription`, its memberships,
//! `subscribedContacts`).
//!
//! Everyone in the directory but the user is their contact, all in one group, the default
//! group "Other Contacts". What a contact publishes is what that user publishes
//! ([`User::published`]); when it changes ([`published_changed`]), every application with a live
//! subscription to that user hears `updated` about `contactPresence` (or `contactNote`,
//! `contactLocation`) in the `contact`, sent by `people`, without the resource embedded, as
//! the reference's event samples show.
//!
//! Subscriptions follow the walkthroughs: created by POST on `presenceSubscriptions` with
//! `duration` and `uris` in the body (keys taken in any case: the walkthrough sends `Uris`),
//! or on a group's `subscribeToGroupPresence` link (`presenceSubscriptions?groupId=`, with
//! `duration` in the query or the body); extended by POST on the subscription with `duration`
//! in the query (or the body), answered 200 with the subscription; deleted by DELETE (204).
//! Creating one announces `added` for each contact in `subscribedContacts`, `added` for the
//! subscription and `updated` for each contact's presence; deleting one announces `deleted`
//! for both. A duration is a whole number of minutes from 10 to 30 (400
//! `ParameterValidationFailure` otherwise); an application holds at most
//! [`crate::Limits::max_presence_subscriptions`] live subscriptions (403 `LimitExceeded`, the
//! row the reference gives for the POST).
//!
//! Where the reference is silent or disagrees with itself:
//! - `myGroups` links the default group (`defaultGroup`) as the reference page's sample does,
//!   rather than embedding it as a walkthrough does: the schema, read from the reference
//!   page, has no embedded `defaultGroup`, so a client could not read it typed.
//! - A group subscription's id is the group's id, as in the walkthrough; subscribing to the
//!   same group again while that one lives answers 409 `AlreadyExists`.
//! - A subscription that expired stops delivering at once and is forgotten; nothing announces
//!   it (the emulator sends no "about to expire" `updated`). Extending or deleting one that
//!   expired answers 404 `ResourceNotFound`: the walkthrough's sample says
//!   `ApplicationNotFound`, which tells a client its application is gone and would make it
//!   create a new one.
//! - A URI to subscribe to must be someone in the directory (400 naming `uris` otherwise);
//!   duplicates count once. Search looks through the whole directory (the user included), by
//!   name or address, case-insensitively; `limit` is 10 when not given.
//! - `deviceType` is `Web` while the user has a live application (they all are browsers'),
//!   `Unknown` otherwise.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::get;
use axum::{Extension, Router};
use ucwa::enumerations::{ContactDeviceType, ContactType, SourceNetwork};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{MembershipsPostBody, PresenceSubscriptionsPostBody};
use ucwa::resources::{
    AnyResource, Contact, ContactPresence, Group, GroupContacts, GroupRel, Location, LocationRel,
    MyContacts, MyGroups, Note, NoteRel, People, PresenceSubscription,
    PresenceSubscriptionMembership, PresenceSubscriptionMemberships, PresenceSubscriptions, Search,
    SubscribedContacts,
};
use ucwa::{Link, Unknown, Uri};

use crate::channel::Queued;
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, decode_or_default, invalid_parameters, limit_exceeded,
    no_content, not_found, payload, query_parameter, unknown_member,
};
use crate::state::{App, State};
use crate::tokens::Caller;

/// The id of the default group, as the walkthroughs spell it.
const DEFAULT_GROUP: &str = "default_group_id";
/// Its name.
const DEFAULT_GROUP_NAME: &str = "Other Contacts";
/// The fewest and most minutes a subscription lasts.
const MIN_DURATION: i64 = 10;
const MAX_DURATION: i64 = 30;
/// The results of a search that does not give `limit`, and the most it may ask for.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;
/// The longest search query.
const MAX_QUERY: usize = 256;

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::PEOPLE, get(get_people))
        .route(route::CONTACTS, get(get_contacts))
        .route(route::GROUPS, get(get_groups))
        .route(route::GROUP, get(get_group))
        .route(route::SEARCH, get(search))
        .route(route::SUBSCRIBED_CONTACTS, get(get_subscribed_contacts))
        .route(route::SUBSCRIPTIONS, get(get_subscriptions).post(subscribe))
        .route(
            route::SUBSCRIPTION,
            get(get_subscription).post(extend).delete(unsubscribe),
        )
        .route(route::MEMBERSHIPS, get(get_memberships).post(add_members))
        .route(route::MEMBERSHIP, get(get_membership).delete(remove_member))
        .route(route::CONTACT, get(get_contact))
        .route(route::CONTACT_PRESENCE, get(get_presence))
        .route(route::CONTACT_NOTE, get(get_note))
        .route(route::CONTACT_LOCATION, get(get_location))
}

/// The presence subscriptions of one application (a field of [`App`]).
#[derive(Debug, Default)]
pub struct Subscriptions(Mutex<Inner>);

#[derive(Debug, Default)]
struct Inner {
    /// Numbers the ids of subscriptions to selected contacts.
    next: u64,
    live: BTreeMap<String, Subscription>,
}

#[derive(Debug)]
struct Subscription {
    /// Directory users, each once, in the order added.
    members: Vec<Arc<User>>,
    /// On the emulator's clock.
    expires_at: Duration,
}

impl Subscriptions {
    /// The live subscriptions, those expired by `now` forgotten first.
    fn live(&self, now: Duration) -> MutexGuard<'_, Inner> {
        let mut inner = crate::lock::lock(&self.0);
        inner.live.retain(|_, s| s.expires_at > now);
        inner
    }

    /// Whether a live subscription covers `user`.
    fn watches(&self, user: &User, now: Duration) -> bool {
        self.live(now)
            .live
            .values()
            .any(|s| s.members.iter().any(|m| m.index == user.index))
    }
}

/// The `people` hub of application `app`, with the links this module serves.
pub(crate) fn people(app: u64) -> People {
    let mut people = People::default();
    let links = &mut people.links;
    links.self_ = Some(Link::to(paths::people(app)));
    links.my_contacts = Some(Link::to(paths::in_people(app, "contacts")));
    links.my_groups = Some(Link::to(paths::in_people(app, "groups")));
    links.search = Some(Link::to(paths::in_people(app, "search")));
    links.presence_subscriptions = Some(Link::to(paths::in_people(app, "presenceSubscriptions")));
    links.subscribed_contacts = Some(Link::to(paths::in_people(app, "subscribedContacts")));
    people
}

/// `user` as a contact seen from application `app`.
fn contact(app: u64, user: &User) -> Contact {
    let mut contact = Contact {
        uri: Some(Uri::new(user.sip_uri())),
        name: Some(user.name.clone()),
        email_addresses: Some(vec![user.address.clone()]),
        source_network: Some(SourceNetwork::SameEnterprise),
        r#type: Some(ContactType::User),
        ..Contact::default()
    };
    let links = &mut contact.links;
    links.self_ = Some(Link::to(paths::contact(app, user)));
    links.contact_photo = Some(Link::to(paths::photo(app, &user.address)));
    links.contact_presence = Some(Link::to(paths::in_contact(app, user, "presence")));
    links.contact_note = Some(Link::to(paths::in_contact(app, user, "note")));
    links.contact_location = Some(Link::to(paths::in_contact(app, user, "location")));
    contact
}

fn default_group(app: u64) -> Group {
    let mut group = Group {
        rel: GroupRel::DefaultGroup,
        id: Some(DEFAULT_GROUP.to_owned()),
        name: Some(DEFAULT_GROUP_NAME.to_owned()),
        ..Group::default()
    };
    group.links.self_ = Some(Link::to(paths::in_people(
        app,
        &format!("groups/{DEFAULT_GROUP}"),
    )));
    group.links.group_contacts = Some(Link::to(paths::in_people(
        app,
        &format!("contacts?groupId={DEFAULT_GROUP}"),
    )));
    group.links.subscribe_to_group_presence = Some(Link::to(paths::in_people(
        app,
        &format!("presenceSubscriptions?groupId={DEFAULT_GROUP}"),
    )));
    group
}

fn subscription(app: u64, id: &str) -> PresenceSubscription {
    let mut subscription = PresenceSubscription {
        id: Some(id.to_owned()),
        ..PresenceSubscription::default()
    };
    let links = &mut subscription.links;
    links.self_ = Some(Link::to(paths::subscription(app, id)));
    links.memberships = Some(Link::to(paths::memberships(app, id)));
    links.add_to_presence_subscription = Some(Link::to(paths::memberships(app, id)));
    subscription
}

fn membership(app: u64, id: &str, user: &User) -> PresenceSubscriptionMembership {
    let mut membership = PresenceSubscriptionMembership::default();
    let links = &mut membership.links;
    links.self_ = Some(Link::to(paths::membership(app, id, user)));
    links.contact = Some(Link::to(paths::contact(app, user)));
    links.presence_subscription = Some(Link::to(paths::subscription(app, id)));
    membership
}

/// Tells every application subscribed to `user` that what they publish as `rel` (`presence`,
/// `note` or `location`, as [`crate::me`] names them) changed.
pub(crate) fn published_changed(state: &State, user: &User, rel: &str) {
    let contact_rel = match rel {
        "presence" => "contactPresence",
        "note" => "contactNote",
        "location" => "contactLocation",
        _ => return,
    };
    let now = state.clock.now();
    for app in state.apps() {
        if app.people.watches(user, now) {
            let contact = paths::contact(app.id, user);
            let event = in_contact(
                Event::new(
                    EventType::Updated,
                    contact_rel,
                    Link::new(paths::in_contact(app.id, user, rel)),
                ),
                "contact",
                contact,
            );
            announce(&app, event);
        }
    }
}

fn in_contact(mut event: Event<AnyResource>, rel: &str, href: String) -> Event<AnyResource> {
    event.in_rel = Some(rel.to_owned());
    event.in_link = Some(Link::new(href));
    event
}

fn announce(app: &App, event: Event<AnyResource>) {
    app.channel.push(Arc::new(Queued::new(
        "people",
        &paths::people(app.id),
        event,
    )));
}

/// The events of `members` joining (`added`) or leaving (`deleted`) the subscribed contacts.
fn announce_members(app: &App, event_type: EventType, members: &[Arc<User>]) {
    let subscribed = paths::in_people(app.id, "subscribedContacts");
    for user in members {
        let event = Event::new(
            event_type.clone(),
            "contact",
            Link::new(paths::contact(app.id, user)),
        );
        announce(
            app,
            in_contact(event, "subscribedContacts", subscribed.clone()),
        );
    }
}

/// The presence of each of `members` is there to read now.
fn announce_presence(app: &App, members: &[Arc<User>]) {
    for user in members {
        let contact = paths::contact(app.id, user);
        let event = Event::new(
            EventType::Updated,
            "contactPresence",
            Link::new(paths::in_contact(app.id, user, "presence")),
        );
        announce(app, in_contact(event, "contact", contact));
    }
}

async fn get_people(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &people(id)))
}

/// `myContacts`, or with `groupId` that group's `groupContacts`.
async fn get_contacts(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let contacts: Vec<Contact> = state
        .directory
        .contacts_of(&user)
        .map(|u| contact(id, u))
        .collect();
    let base = paths::in_people(id, "contacts");
    match query_parameter(&query, "groupId") {
        None => {
            let mut list = MyContacts::default();
            list.links.self_ = Some(Link::to(base));
            list.embedded.contact = contacts;
            Ok(payload(format, StatusCode::OK, &list))
        }
        Some(group) if group == DEFAULT_GROUP => {
            let mut list = GroupContacts::default();
            list.links.self_ = Some(Link::to(format!("{base}?groupId={DEFAULT_GROUP}")));
            list.embedded.contact = contacts;
            Ok(payload(format, StatusCode::OK, &list))
        }
        Some(_) => Err(not_found()),
    }
}

async fn get_groups(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let mut groups = MyGroups::default();
    groups.links.self_ = Some(Link::to(paths::in_people(id, "groups")));
    groups.links.default_group = default_group(id).links.self_.map(Link::cast);
    Ok(payload(format, StatusCode::OK, &groups))
}

async fn get_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    if group != DEFAULT_GROUP {
        return Err(not_found());
    }
    Ok(payload(format, StatusCode::OK, &default_group(id)))
}

/// The directory user `address` names (a sign-in address or SIP URI, any case), or 404.
fn person(state: &State, address: &str) -> Result<Arc<User>, Refusal> {
    state
        .directory
        .find(address)
        .cloned()
        .ok_or_else(not_found)
}

async fn get_contact(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let user = person(&state, &address)?;
    Ok(payload(format, StatusCode::OK, &contact(id, &user)))
}

async fn get_presence(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let user = person(&state, &address)?;
    let online = !state.apps_of(&user).is_empty();
    let published = user.published().clone();
    let mut presence = ContactPresence {
        availability: Some(published.availability),
        activity: published.activity,
        device_type: Some(if online {
            ContactDeviceType::Web
        } else {
            ContactDeviceType::Unknown
        }),
        ..ContactPresence::default()
    };
    presence.links.self_ = Some(Link::to(paths::in_contact(id, &user, "presence")));
    Ok(payload(format, StatusCode::OK, &presence))
}

async fn get_note(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let user = person(&state, &address)?;
    let message = user.published().note.clone();
    let mut note = Note {
        rel: NoteRel::ContactNote,
        r#type: message
            .as_ref()
            .map(|_| ucwa::enumerations::NoteType::Personal),
        message,
        ..Note::default()
    };
    note.links.self_ = Some(Link::to(paths::in_contact(id, &user, "note")));
    Ok(payload(format, StatusCode::OK, &note))
}

async fn get_location(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let user = person(&state, &address)?;
    let mut location = Location {
        rel: LocationRel::ContactLocation,
        location: user.published().location.clone(),
        ..Location::default()
    };
    location.links.self_ = Some(Link::to(paths::in_contact(id, &user, "location")));
    Ok(payload(format, StatusCode::OK, &location))
}

async fn search(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    application_at(&state, id)?;
    let mut problems = Vec::new();
    let text = query_parameter(&query, "query").unwrap_or_default();
    if text.trim().is_empty() {
        problems.push(("query", "required".to_owned()));
    } else if text.chars().count() > MAX_QUERY {
        problems.push(("query", format!("at most {MAX_QUERY} characters")));
    }
    let limit = match query_parameter(&query, "limit") {
        None => DEFAULT_LIMIT,
        Some(limit) => match limit.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                problems.push(("limit", format!("a whole number from 1 to {MAX_LIMIT}")));
                0
            }
        },
    };
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let needle = text.trim().to_lowercase();
    let needle = needle.strip_prefix("sip:").unwrap_or(&needle);
    let found: Vec<&Arc<User>> = state
        .directory
        .everyone()
        .filter(|u| {
            u.name.to_lowercase().contains(needle) || u.address.to_lowercase().contains(needle)
        })
        .collect();
    let mut result = Search {
        more_results_available: Some(found.len() > limit),
        ..Search::default()
    };
    let href: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("query", text)
        .append_pair("limit", &limit.to_string())
        .finish();
    result.links.self_ = Some(Link::to(paths::in_people(id, &format!("search?{href}"))));
    result.embedded.contact = found.iter().take(limit).map(|u| contact(id, u)).collect();
    Ok(payload(format, StatusCode::OK, &result))
}

async fn get_subscribed_contacts(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut members: Vec<Arc<User>> = Vec::new();
    for subscription in app.people.live(state.clock.now()).live.values() {
        for user in &subscription.members {
            if !members.iter().any(|m| m.index == user.index) {
                members.push(user.clone());
            }
        }
    }
    let mut list = SubscribedContacts::default();
    list.links.self_ = Some(Link::to(paths::in_people(id, "subscribedContacts")));
    list.links.contact = members
        .iter()
        .map(|u| Link::to(paths::contact(id, u)))
        .collect();
    Ok(payload(format, StatusCode::OK, &list))
}

async fn get_subscriptions(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut list = PresenceSubscriptions::default();
    list.links.self_ = Some(Link::to(paths::in_people(id, "presenceSubscriptions")));
    list.embedded.presence_subscription = app
        .people
        .live(state.clock.now())
        .live
        .keys()
        .map(|key| subscription(id, key))
        .collect();
    Ok(payload(format, StatusCode::OK, &list))
}

/// The duration in minutes from the query, else the body: a whole number from 10 to 30.
fn duration(
    query: &HashMap<String, String>,
    body: Option<i64>,
    unknown: &Unknown,
) -> Result<Duration, (&'static str, String)> {
    let given = match query_parameter(query, "duration") {
        Some(text) => text.trim().parse::<i64>().ok(),
        None => body.or_else(|| {
            unknown_member(unknown, "duration").and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
        }),
    };
    match given {
        Some(minutes) if (MIN_DURATION..=MAX_DURATION).contains(&minutes) => {
            Ok(Duration::from_secs(minutes.unsigned_abs() * 60))
        }
        _ => Err((
            "duration",
            format!("a whole number of minutes from {MIN_DURATION} to {MAX_DURATION}"),
        )),
    }
}

/// The directory users `uris` name, each once; the first unknown one is an error.
fn members_named(state: &State, uris: &[String]) -> Result<Vec<Arc<User>>, (&'static str, String)> {
    let mut members: Vec<Arc<User>> = Vec::new();
    for uri in uris {
        let Some(user) = state.directory.find(uri) else {
            return Err(("uris", format!("`{uri}` is nobody in the directory")));
        };
        if !members.iter().any(|m| m.index == user.index) {
            members.push(user.clone());
        }
    }
    Ok(members)
}

/// The strings of a list member of the body (`uris`, `contactUris`), in any case of its name.
fn uris_in(typed: Option<Vec<String>>, unknown: &Unknown, name: &str) -> Option<Vec<String>> {
    typed.or_else(|| {
        let value = unknown_member(unknown, name)?;
        match value {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            serde_json::Value::String(one) => Some(vec![one.clone()]),
            _ => None,
        }
    })
}

/// Creates a subscription: to a group with `groupId` (the `subscribeToGroupPresence` link),
/// else to the contacts whose URIs the body lists.
async fn subscribe(
    Extract(state): Extract<Shared>,
    Extension(Caller(user)): Extension<Caller>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: PresenceSubscriptionsPostBody = decode_or_default(&headers, &body)?;
    let group = query_parameter(&query, "groupId")
        .map(str::to_owned)
        .or_else(|| {
            unknown_member(&input.unknown, "groupId").and_then(|v| v.as_str().map(str::to_owned))
        });
    let mut problems = Vec::new();
    let duration = duration(&query, input.duration, &input.unknown)
        .map_err(|p| problems.push(p))
        .ok();
    let members = match &group {
        Some(group) if group == DEFAULT_GROUP => {
            Some(state.directory.contacts_of(&user).cloned().collect())
        }
        Some(_) => return Err(not_found()),
        None => match uris_in(input.uris, &input.unknown, "uris") {
            None => {
                problems.push(("uris", "required: the SIP URIs to subscribe to".to_owned()));
                None
            }
            Some(uris) if uris.is_empty() => {
                problems.push(("uris", "at least one SIP URI".to_owned()));
                None
            }
            Some(uris) => members_named(&state, &uris)
                .map_err(|p| problems.push(p))
                .ok(),
        },
    };
    let (Some(duration), Some(members), true) = (duration, members, problems.is_empty()) else {
        return Err(invalid_parameters(&problems));
    };
    let now = state.clock.now();
    let subscription_id = {
        let mut subscriptions = app.people.live(now);
        let max = state.config.limits.max_presence_subscriptions;
        if subscriptions.live.len() >= max {
            return Err(limit_exceeded(&format!(
                "This application has {max} presence subscriptions already \
                     (`limits.max_presence_subscriptions`)."
            )));
        }
        let key = match &group {
            Some(group) => {
                if subscriptions.live.contains_key(group) {
                    return Err(already_exists(
                        "This group's presence is subscribed to already.",
                    ));
                }
                group.clone()
            }
            None => {
                subscriptions.next += 1;
                // Numbered, but spelled like the walkthroughs' ids (eight hex digits).
                format!("{:08x}", subscriptions.next)
            }
        };
        subscriptions.live.insert(
            key.clone(),
            Subscription {
                members: members.clone(),
                expires_at: now + duration,
            },
        );
        key
    };
    announce_members(&app, EventType::Added, &members);
    announce(
        &app,
        Event::new(
            EventType::Added,
            "presenceSubscription",
            Link::new(paths::subscription(id, &subscription_id)),
        ),
    );
    announce_presence(&app, &members);
    Ok(payload(
        format,
        StatusCode::CREATED,
        &subscription(id, &subscription_id),
    ))
}

async fn get_subscription(
    Extract(state): Extract<Shared>,
    Path((id, key)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    if !app.people.live(state.clock.now()).live.contains_key(&key) {
        return Err(not_found());
    }
    Ok(payload(format, StatusCode::OK, &subscription(id, &key)))
}

/// Extends a live subscription to `duration` minutes from now: 200 with it.
async fn extend(
    Extract(state): Extract<Shared>,
    Path((id, key)): Path<(u64, String)>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: ucwa::operations::PresenceSubscriptionPostBody = decode_or_default(&headers, &body)?;
    let duration =
        duration(&query, input.duration, &input.unknown).map_err(|p| invalid_parameters(&[p]))?;
    let now = state.clock.now();
    {
        let mut subscriptions = app.people.live(now);
        let subscription = subscriptions
            .live
            .get_mut(&key)
            .ok_or_else(not_found)?;
        subscription.expires_at = now + duration;
    }
    Ok(payload(format, StatusCode::OK, &subscription(id, &key)))
}

async fn unsubscribe(
    Extract(state): Extract<Shared>,
    Path((id, key)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let removed = app.people.live(state.clock.now()).live.remove(&key);
    let removed = removed.ok_or_else(not_found)?;
    announce_members(&app, EventType::Deleted, &removed.members);
    announce(
        &app,
        Event::new(
            EventType::Deleted,
            "presenceSubscription",
            Link::new(paths::subscription(id, &key)),
        ),
    );
    Ok(no_content())
}

/// The subscription `presenceSubscriptionId` names, as a query parameter.
fn subscription_named(query: &HashMap<String, String>) -> Result<String, Refusal> {
    query_parameter(query, "presenceSubscriptionId")
        .map(str::to_owned)
        .ok_or_else(|| invalid_parameters(&[("presenceSubscriptionId", "required".to_owned())]))
}

/// A subscription's `memberships`: as the reference's sample of it shows, a
/// `presenceSubscriptionMemberships` with each membership embedded (the `memberships` type
/// holds a single link).
async fn get_memberships(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let key = subscription_named(&query)?;
    let members = {
        let subscriptions = app.people.live(state.clock.now());
        let subscription = subscriptions.live.get(&key).ok_or_else(not_found)?;
        subscription.members.clone()
    };
    Ok(payload(
        format,
        StatusCode::OK,
        &memberships(id, &key, &members),
    ))
}

fn memberships(app: u64, key: &str, members: &[Arc<User>]) -> PresenceSubscriptionMemberships {
    let mut memberships = PresenceSubscriptionMemberships::default();
    memberships.links.self_ = Some(Link::to(paths::memberships(app, key)));
    memberships.embedded.presence_subscription_membership =
        members.iter().map(|u| membership(app, key, u)).collect();
    memberships
}

/// `addToPresenceSubscription`: adds the contacts `contactUris` names (201 with the
/// memberships made; one already there is left as it is).
async fn add_members(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let key = subscription_named(&query)?;
    let input: MembershipsPostBody = decode_or_default(&headers, &body)?;
    let uris = uris_in(input.contact_uris, &input.unknown, "contactUris")
        .filter(|uris| !uris.is_empty())
        .ok_or_else(|| invalid_parameters(&[("contactUris", "at least one SIP URI".to_owned())]))?;
    let named = members_named(&state, &uris).map_err(|p| invalid_parameters(&[p]))?;
    let added: Vec<Arc<User>> = {
        let mut subscriptions = app.people.live(state.clock.now());
        let subscription = subscriptions
            .live
            .get_mut(&key)
            .ok_or_else(not_found)?;
        let added: Vec<Arc<User>> = named
            .into_iter()
            .filter(|u| !subscription.members.iter().any(|m| m.index == u.index))
            .collect();
        subscription.members.extend(added.iter().cloned());
        added
    };
    announce_members(&app, EventType::Added, &added);
    announce_presence(&app, &added);
    Ok(payload(
        format,
        StatusCode::CREATED,
        &memberships(id, &key, &added),
    ))
}

/// The member `address` of subscription `key`, or 404.
fn member_of(app: &App, state: &State, key: &str, address: &str) -> Result<Arc<User>, Refusal> {
    let subscriptions = app.people.live(state.clock.now());
    subscriptions
        .live
        .get(key)
        .and_then(|s| s.members.iter().find(|m| m.is(address)).cloned())
        .ok_or_else(not_found)
}

async fn get_membership(
    Extract(state): Extract<Shared>,
    Path((id, key, address)): Path<(u64, String, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = member_of(&app, &state, &key, &address)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &membership(id, &key, &user),
    ))
}

/// Takes one contact out of a subscription (204); the subscription stays, even empty, until
/// it is deleted or expires.
async fn remove_member(
    Extract(state): Extract<Shared>,
    Path((id, key, address)): Path<(u64, String, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = member_of(&app, &state, &key, &address)?;
    if let Some(subscription) = app.people.live(state.clock.now()).live.get_mut(&key) {
        subscription.members.retain(|m| m.index != user.index);
    }
    announce_members(&app, EventType::Deleted, &[user]);
    Ok(no_content())
}
