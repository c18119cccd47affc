//! The routes of `people` and their handlers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::get;
use axum::{Extension, Router};
use ucwa::Link;
use ucwa::enumerations::ContactDeviceType;
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode};
use ucwa::operations::{MembershipsPostBody, PresenceSubscriptionsPostBody};
use ucwa::resources::{
    Contact, ContactPresence, GroupContacts, Location, LocationRel, MyContacts, MyGroups, Note,
    NoteRel, PresenceSubscriptions, Search, SubscribedContacts,
};

use crate::directory::User;
use crate::handler::{Answer, Caller, Shared, application_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, decode_or_default, invalid_parameters, limit_exceeded,
    no_content, not_found, payload, query_parameter, unknown_member,
};
use crate::state::{App, State};

use super::model::{
    self, DEFAULT_GROUP, DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY, duration, members_named, uris_in,
};
use super::render::{
    announce, announce_members, announce_presence, contact, default_group, membership, memberships,
    people, subscription,
};

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
    match query_parameter(&query, "groupId") {
        None => {
            let mut list = MyContacts::default();
            list.links.self_ = Some(Link::to(paths::in_people(id, "contacts")));
            list.embedded.contact = contacts;
            Ok(payload(format, StatusCode::OK, &list))
        }
        Some(group) if group == DEFAULT_GROUP => {
            let mut list = GroupContacts::default();
            list.links.self_ = Some(Link::to(paths::group_contacts(id, DEFAULT_GROUP)));
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
    state.directory.find(address).cloned().ok_or_else(not_found)
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
    let online = !state.apps.of(&user).is_empty();
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
    result.links.self_ = Some(Link::to(paths::search(id, &href)));
    result.embedded.contact = found.iter().take(limit).map(|u| contact(id, u)).collect();
    Ok(payload(format, StatusCode::OK, &result))
}

async fn get_subscribed_contacts(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let members = model::of(&app, state.clock.now()).subscribed();
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
    list.embedded.presence_subscription = model::of(&app, state.clock.now())
        .live
        .keys()
        .map(|key| subscription(id, key))
        .collect();
    Ok(payload(format, StatusCode::OK, &list))
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
            Some(uris) => members_named(&state.directory, &uris)
                .map_err(|p| problems.push(p))
                .ok(),
        },
    };
    let (Some(duration), Some(members), true) = (duration, members, problems.is_empty()) else {
        return Err(invalid_parameters(&problems));
    };
    let now = state.clock.now();
    let max = state.config.limits.max_presence_subscriptions;
    let made =
        model::of(&app, now).subscribe(group.as_deref(), members.clone(), now + duration, max);
    let subscription_id = made.map_err(|refused| match refused {
        model::Refused::TooMany => limit_exceeded(&format!(
            "This application has {max} presence subscriptions already \
             (`limits.max_presence_subscriptions`)."
        )),
        model::Refused::GroupTaken => {
            already_exists("This group's presence is subscribed to already.")
        }
    })?;
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
    if !model::of(&app, state.clock.now()).live.contains_key(&key) {
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
        let mut subscriptions = model::of(&app, now);
        let subscription = subscriptions.live.get_mut(&key).ok_or_else(not_found)?;
        subscription.expires_at = now + duration;
    }
    Ok(payload(format, StatusCode::OK, &subscription(id, &key)))
}

async fn unsubscribe(
    Extract(state): Extract<Shared>,
    Path((id, key)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let removed = model::of(&app, state.clock.now()).live.remove(&key);
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
        let subscriptions = model::of(&app, state.clock.now());
        let subscription = subscriptions.live.get(&key).ok_or_else(not_found)?;
        subscription.members.clone()
    };
    Ok(payload(
        format,
        StatusCode::OK,
        &memberships(id, &key, &members),
    ))
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
    let named = members_named(&state.directory, &uris).map_err(|p| invalid_parameters(&[p]))?;
    let added = model::of(&app, state.clock.now())
        .add_members(&key, named)
        .ok_or_else(not_found)?;
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
    let subscriptions = model::of(app, state.clock.now());
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
    if let Some(subscription) = model::of(&app, state.clock.now()).live.get_mut(&key) {
        subscription.members.retain(|m| m.index != user.index);
    }
    announce_members(&app, EventType::Deleted, &[user]);
    Ok(no_content())
}
