//! The routes of `people` and their handlers.

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::routing::{get, post};
use axum::{Extension, Router};
use ucwa::Link;
use ucwa::enumerations::{ContactDeviceType, ModalityType, PrivacyRelationshipLevel};
use ucwa::events::{Event, EventType};
use ucwa::http::{HeaderMap, StatusCode, header};
use ucwa::operations::{
    AddToContactListPostBody, ContactPrivacyRelationship2PutBody, Group2PutBody,
    MembershipsPostBody, MyGroupMemberships2PostBody, MyGroups2PostBody,
    PresenceSubscriptionsPostBody, RemoveContactFromAllGroups2PostBody,
    RemoveFromContactListPostBody, StartOrRefreshSubscriptionToContactsAndGroupsPostBody,
};
use ucwa::resources::{
    AnyResource, ContactPresence, ContactPrivacyRelationship2, ContactSupportedModalities,
    GroupContacts, Location, LocationRel, MyContacts, MyGroupMemberships, MyGroups,
    MyPrivacyRelationship, MyPrivacyRelationships, Note, NoteRel, PresenceSubscriptions, Search,
    SubscribedContacts,
};

use crate::channel::with_resource;
use crate::directory::{DistributionList, User};
use crate::handler::{Answer, Caller, Shared, application_at};
use crate::lock::lock;
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, already_exists, check, conflict, decode, decode_or_default, forbidden,
    invalid_parameters, limit_exceeded, method_not_allowed, no_content, not_found, payload,
    precondition_required, query_parameter, unknown_member,
};
use crate::state::{App, State};

use super::list::{
    self, ContactList, DELEGATORS_GROUP, DELEGATORS_GROUP_NAME, Kind, Lists, MAX_GROUP_NAME,
    ORGANIZATION_GROUP, ORGANIZATION_GROUP_NAME, Watch,
};
use super::model::{self, DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY, duration, members_named, uris_in};
use super::render::{
    self, announce, announce_members, announce_presence, contact, membership, memberships, people,
    subscription,
};

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::PEOPLE, get(get_people))
        .route(route::CONTACTS, get(get_contacts))
        .route(route::GROUPS, get(get_groups).post(create_group))
        .route(
            route::GROUP,
            get(get_group).put(rename_group).delete(delete_group),
        )
        .route(route::ADD_TO_CONTACT_LIST, post(add_to_contact_list))
        .route(
            route::REMOVE_FROM_CONTACT_LIST,
            post(remove_from_contact_list),
        )
        .route(route::DISTRIBUTION_GROUP, get(get_distribution_group))
        .route(
            route::EXPAND_DISTRIBUTION_GROUP,
            get(expand_distribution_group),
        )
        .route(
            route::GROUP_MEMBERSHIPS,
            get(get_group_memberships).post(add_to_group),
        )
        .route(
            route::GROUP_MEMBERSHIP,
            get(get_group_membership).delete(remove_from_group),
        )
        .route(route::REMOVE_FROM_ALL_GROUPS, post(remove_from_all_groups))
        .route(route::LIST_SUBSCRIPTION, get(get_list_subscription))
        .route(
            route::START_LIST_SUBSCRIPTION,
            post(start_list_subscription),
        )
        .route(route::STOP_LIST_SUBSCRIPTION, post(stop_list_subscription))
        .route(route::PRIVACY_RELATIONSHIPS, get(get_privacy_relationships))
        .route(
            route::CONTACT_PRIVACY,
            get(get_contact_privacy).put(set_contact_privacy),
        )
        .route(route::RESET_CONTACT_PRIVACY, post(reset_contact_privacy))
        .route(route::CONTACT_MODALITIES, get(get_supported_modalities))
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
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    match query_parameter(&query, "groupId") {
        None => {
            let on_list = with_list(&state, &app.user, |list| list.contacts());
            let mut list = MyContacts::default();
            list.links.self_ = Some(Link::to(paths::in_people(id, "contacts")));
            list.embedded.contact = users_at(&state, &on_list)
                .iter()
                .map(|u| contact(id, u))
                .collect();
            Ok(payload(format, StatusCode::OK, &list))
        }
        Some(group) => {
            let (_, _, members) = group_of(&state, &app.user, group).ok_or_else(not_found)?;
            let mut list = GroupContacts::default();
            list.links.self_ = Some(Link::to(paths::group_contacts(id, group)));
            list.embedded.contact = members.iter().map(|u| contact(id, u)).collect();
            Ok(payload(format, StatusCode::OK, &list))
        }
    }
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
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let shown = shown_to(&state, &user, &app.user);
    let online = !state.apps.of(&user).is_empty() && shown != list::Shown::Nothing;
    let published = user.published().clone();
    let mut presence = ContactPresence {
        availability: Some(if shown == list::Shown::Nothing {
            ucwa::enumerations::Availability::Offline
        } else {
            published.availability
        }),
        activity: published
            .activity
            .filter(|_| shown == list::Shown::Everything),
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

/// A contact's note and location are shown only to those the contact lets see everything.
async fn get_note(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let message = user
        .published()
        .note
        .clone()
        .filter(|_| shown_to(&state, &user, &app.user) == list::Shown::Everything);
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
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let mut location = Location {
        rel: LocationRel::ContactLocation,
        location: user
            .published()
            .location
            .clone()
            .filter(|_| shown_to(&state, &user, &app.user) == list::Shown::Everything),
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
    let app = application_at(&state, id)?;
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
    // Distribution groups of the directory, by name or address, in the same `limit`.
    let room = limit.saturating_sub(result.embedded.contact.len());
    let groups: Vec<&DistributionList> = state
        .config
        .distribution_groups
        .iter()
        .filter(|d| {
            d.name.to_lowercase().contains(needle) || d.address.to_lowercase().contains(needle)
        })
        .collect();
    if found.len() + groups.len() > limit {
        result.more_results_available = Some(true);
    }
    let on_list = with_list(&state, &app.user, |list| list.distribution.clone());
    result.embedded.distribution_group = groups
        .into_iter()
        .take(room)
        .map(|d| {
            let listed = on_list.iter().any(|l| l.eq_ignore_ascii_case(&d.address));
            render::distribution_group(id, d, listed)
        })
        .collect();
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
        Some(group) => Some(group_members(&state, &user, group).ok_or_else(not_found)?),
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

// The contact list: groups, memberships, the subscription to its changes, distribution
// groups, privacy relationships.

/// Every user's list, under the emulator-wide lock; never held across an await or while
/// announcing.
fn lists(state: &State) -> MutexGuard<'_, Lists> {
    lock(state.data.get::<Lists>())
}

/// Runs `f` on `user`'s list (made on first use: everyone else of the directory in the
/// default group, as many as `max_contacts_per_user` allows).
fn with_list<T>(state: &State, user: &User, f: impl FnOnce(&mut ContactList) -> T) -> T {
    let mut lists = lists(state);
    let list = lists.of(user.index, || first_list(state, user));
    f(list)
}

fn first_list(state: &State, user: &User) -> Vec<usize> {
    state
        .directory
        .contacts_of(user)
        .take(state.config.limits.max_contacts_per_user)
        .map(|u| u.index)
        .collect()
}

/// The directory user at `index`.
fn user_at(state: &State, index: usize) -> Option<Arc<User>> {
    state
        .directory
        .everyone()
        .find(|u| u.index == index)
        .cloned()
}

fn users_at(state: &State, indexes: &[usize]) -> Vec<Arc<User>> {
    indexes.iter().filter_map(|i| user_at(state, *i)).collect()
}

/// Those in the user's organization group: everyone else of the directory in their domain.
fn organization_of(state: &State, user: &User) -> Vec<Arc<User>> {
    let domain = |address: &str| {
        address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
    };
    let own = domain(&user.address);
    state
        .directory
        .contacts_of(user)
        .filter(|u| domain(&u.address) == own)
        .cloned()
        .collect()
}

/// The group `id` of `user` with its members: one the list keeps, or the delegators or
/// organization group.
fn group_of(state: &State, user: &User, id: &str) -> Option<(String, Kind, Vec<Arc<User>>)> {
    match Kind::of(id) {
        Kind::Delegators => {
            let delegators = {
                let mut lists = lists(state);
                lists.of(user.index, || first_list(state, user));
                lists.delegators_of(user.index)
            };
            Some((
                DELEGATORS_GROUP_NAME.to_owned(),
                Kind::Delegators,
                users_at(state, &delegators),
            ))
        }
        Kind::Organization => Some((
            ORGANIZATION_GROUP_NAME.to_owned(),
            Kind::Organization,
            organization_of(state, user),
        )),
        _ => {
            let kept = with_list(state, user, |list| list.group(id).cloned())?;
            Some((kept.name, kept.kind, users_at(state, &kept.members)))
        }
    }
}

/// The members of the caller's group `id`, for a group presence subscription.
pub(super) fn group_members(state: &State, user: &User, id: &str) -> Option<Vec<Arc<User>>> {
    group_of(state, user, id).map(|(_, _, members)| members)
}

/// Sends the events `make` gives for each application of `owner` whose subscription to the
/// list's changes lives.
fn tell(state: &State, owner: &User, make: impl Fn(u64) -> Vec<Event<AnyResource>>) {
    let now = state.clock.now();
    for app in state.apps.of(owner) {
        if lock(app.data.get::<Watch>()).live(now) {
            for event in make(app.id) {
                announce(&app, event);
            }
        }
    }
}

/// `added` or `deleted` about contact `user` in the collection `in_rel` at `in_href`.
fn contact_event(
    app: u64,
    event_type: EventType,
    user: &User,
    in_rel: &str,
    in_href: String,
) -> Event<AnyResource> {
    let event = Event::new(event_type, "contact", Link::new(paths::contact(app, user)));
    render::in_contact(event, in_rel, in_href)
}

/// A group event in `myGroups`, with the group embedded when it is still there.
fn group_event(
    app: u64,
    event_type: EventType,
    id: &str,
    kind: Kind,
    resource: Option<ucwa::resources::Group>,
) -> Event<AnyResource> {
    let link = Link::new(paths::group(app, id));
    let event = match resource {
        Some(group) => with_resource(
            event_type,
            kind.rel(),
            link,
            AnyResource::Group(Box::new(group)),
        ),
        None => Event::new(event_type, kind.rel(), link),
    };
    render::in_contact(event, "myGroups", paths::in_people(app, "groups"))
}

/// The 4xx a refused change of the list is answered with.
fn refusal(refused: list::Refused, state: &State) -> Refusal {
    let limits = &state.config.limits;
    match refused {
        list::Refused::NoGroup | list::Refused::NotMember | list::Refused::NoDistribution => {
            not_found()
        }
        list::Refused::SystemGroup => forbidden(
            "The server keeps this group: it cannot be renamed or deleted, and only the \
             default, pinned and delegates groups take contacts.",
        ),
        list::Refused::NameTaken => already_exists("Another group has this name."),
        list::Refused::AlreadyMember => already_exists("The contact is in this group already."),
        list::Refused::DistributionTaken => {
            already_exists("This distribution group is on the contact list already.")
        }
        list::Refused::TooManyGroups | list::Refused::TooManyDistributionGroups => conflict(
            "TooManyGroups",
            &format!(
                "The user has {} groups of this kind already (`limits.max_groups_per_user`).",
                limits.max_groups_per_user
            ),
        ),
        list::Refused::TooManyContacts => conflict(
            "LimitExceeded",
            &format!(
                "The contact list holds {} contacts already (`limits.max_contacts_per_user`).",
                limits.max_contacts_per_user
            ),
        ),
    }
}

/// A text the client sends in the query or the body (`name` in any case), trimmed.
fn text_of(
    query: &HashMap<String, String>,
    name: &str,
    typed: Option<String>,
    unknown: &ucwa::Unknown,
) -> Option<String> {
    query_parameter(query, name)
        .map(str::to_owned)
        .or(typed)
        .or_else(|| unknown_member(unknown, name).and_then(|v| v.as_str().map(str::to_owned)))
        .map(|t| t.trim().to_owned())
}

/// A group name: 1 to 256 characters.
fn group_name(name: Option<String>, parameter: &'static str) -> Result<String, Refusal> {
    let mut problems = Vec::new();
    check(&mut problems, parameter, name.as_deref(), MAX_GROUP_NAME);
    match name {
        Some(name) if problems.is_empty() => Ok(name),
        _ => Err(invalid_parameters(&problems)),
    }
}

/// The directory user `contactUri` names: someone else who can sign in (400 naming it
/// otherwise).
fn contact_named(state: &State, owner: &User, uri: Option<String>) -> Result<Arc<User>, Refusal> {
    let problem = |why: &str| invalid_parameters(&[("contactUri", why.to_owned())]);
    let uri = uri
        .filter(|u| !u.is_empty())
        .ok_or_else(|| problem("required"))?;
    if uri.chars().count() > MAX_CONTACT_URI {
        return Err(problem("at most 250 characters"));
    }
    let user = state
        .directory
        .find(&uri)
        .cloned()
        .ok_or_else(|| problem(&format!("`{uri}` is nobody in the directory")))?;
    if user.index == owner.index {
        return Err(problem("the user cannot be their own contact"));
    }
    Ok(user)
}

/// UCWA 2.0's changes of the list need `X-MS-RequiresMinResourceVersion` of 2 or more (`2` as
/// the reference's MultiTabSupport page and the connectors the schema's override names send
/// it, or `2.0`): without it the request is for the 1.0 resource, which takes no such method
/// (405).
fn version_2(headers: &HeaderMap) -> Result<(), Refusal> {
    let major = headers
        .get("x-ms-requiresminresourceversion")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(major) if major >= 2 => Ok(()),
        _ => Err(method_not_allowed()),
    }
}

/// The longest `contactUri` (the reference's bound).
const MAX_CONTACT_URI: usize = 250;

async fn get_groups(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (kept, distribution) = with_list(&state, &app.user, |list| {
        (list.groups.clone(), list.distribution.clone())
    });
    let mut groups = MyGroups::default();
    groups.links.self_ = Some(Link::to(paths::in_people(id, "groups")));
    for group in &kept {
        let href = paths::group(id, &group.id);
        match group.kind {
            Kind::Default => groups.links.default_group = Some(Link::to(href)),
            Kind::Pinned => groups.links.pinned_group = Some(Link::to(href)),
            Kind::Delegates => groups.links.delegates_group = Some(Link::to(href)),
            _ => groups.embedded.group.push(render::kept_group(id, group)),
        }
    }
    groups.links.delegators_group = Some(Link::to(paths::group(id, DELEGATORS_GROUP)));
    groups.links.my_organization_group = Some(Link::to(paths::group(id, ORGANIZATION_GROUP)));
    groups.embedded.distribution_group = distribution
        .iter()
        .filter_map(|d| distribution_list(&state, d))
        .map(|d| render::distribution_group(id, &d, true))
        .collect();
    Ok(payload(format, StatusCode::OK, &groups))
}

/// Creates a personal group (`myGroups2`'s POST): 204, and `added` about the group.
async fn create_group(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    let input: MyGroups2PostBody = decode_or_default(&headers, &body)?;
    let name = group_name(
        text_of(&query, "displayName", input.display_name, &input.unknown),
        "displayName",
    )?;
    let max = state.config.limits.max_groups_per_user;
    let group = with_list(&state, &app.user, |list| list.create_group(&name, max))
        .map_err(|r| refusal(r, &state))?;
    tell(&state, &app.user, |app| {
        let made = render::group(app, &group, &name, Kind::Personal);
        vec![group_event(
            app,
            EventType::Added,
            &group,
            Kind::Personal,
            Some(made),
        )]
    });
    Ok(no_content())
}

async fn get_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let (name, kind, _) = group_of(&state, &app.user, &group).ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &render::group(id, &group, &name, kind),
    ))
}

/// Renames a personal group (`group2`'s PUT, `If-Match` required: the emulator gives groups no
/// entity tag, so any value is taken): 200 with it, and `updated` about it.
async fn rename_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    if !headers.contains_key(header::IF_MATCH) {
        return Err(precondition_required());
    }
    let input: Group2PutBody = decode(&headers, &body)?;
    let name = group_name(input.name.map(|n| n.trim().to_owned()), "name")?;
    with_list(&state, &app.user, |list| list.rename_group(&group, &name))
        .map_err(|r| refusal(r, &state))?;
    tell(&state, &app.user, |app| {
        let renamed = render::group(app, &group, &name, Kind::Personal);
        let link = Link::new(paths::group(app, &group));
        vec![with_resource(
            EventType::Updated,
            "group",
            link,
            AnyResource::Group(Box::new(renamed)),
        )]
    });
    Ok(payload(
        format,
        StatusCode::OK,
        &render::group(id, &group, &name, Kind::Personal),
    ))
}

/// Deletes a personal group (`group2`'s DELETE): 204; `deleted` about it, and about each
/// contact that was only in it, in `myContacts`.
async fn delete_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    headers: HeaderMap,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    let left = with_list(&state, &app.user, |list| list.delete_group(&group))
        .map_err(|r| refusal(r, &state))?;
    let left = users_at(&state, &left);
    tell(&state, &app.user, |app| {
        let mut events = vec![group_event(
            app,
            EventType::Deleted,
            &group,
            Kind::Personal,
            None,
        )];
        let contacts = paths::in_people(app, "contacts");
        for user in &left {
            events.push(contact_event(
                app,
                EventType::Deleted,
                user,
                "myContacts",
                contacts.clone(),
            ));
        }
        events
    });
    Ok(no_content())
}

/// The caller's memberships (`myGroupMemberships`), of one group with `groupId`.
async fn get_group_memberships(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let only = query_parameter(&query, "groupId").map(str::to_owned);
    let groups = with_list(&state, &app.user, |list| list.groups.clone());
    if let Some(only) = &only
        && !groups.iter().any(|g| &g.id == only)
    {
        return Err(not_found());
    }
    let mut memberships = MyGroupMemberships::default();
    memberships.links.self_ = Some(Link::to(paths::group_memberships(id)));
    // Linked as Skype for Business Online links it (the schema's override names the
    // connectors that read it), at the path the reference's sample posts to.
    memberships.links.remove_contact_from_all_groups =
        Some(Link::to(paths::remove_from_all_groups(id)));
    for group in groups
        .iter()
        .filter(|g| only.as_ref().is_none_or(|o| *o == g.id))
    {
        if group.kind == Kind::Delegates {
            continue;
        }
        for user in users_at(&state, &group.members) {
            memberships
                .embedded
                .my_group_membership
                .push(render::group_membership(id, &group.id, group.kind, &user));
        }
    }
    Ok(payload(format, StatusCode::OK, &memberships))
}

/// Adds a contact to a group, the default one when no `groupId` is given
/// (`myGroupMemberships2`'s POST): 201 with the membership; `added` about the contact in the
/// group, and in `myContacts` when it is new to the list.
async fn add_to_group(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    let input: MyGroupMemberships2PostBody = decode_or_default(&headers, &body)?;
    let uri = text_of(&query, "contactUri", input.contact_uri, &input.unknown);
    let group =
        text_of(&query, "groupId", input.group_id, &input.unknown).filter(|g| !g.is_empty());
    let user = contact_named(&state, &app.user, uri)?;
    let max = state.config.limits.max_contacts_per_user;
    let added = with_list(&state, &app.user, |list| {
        list.add(user.index, group.as_deref(), max)
    })
    .map_err(|r| refusal(r, &state))?;
    let change = added.clone();
    let changed = user.clone();
    tell(&state, &app.user, move |app| {
        let mut events = vec![contact_event(
            app,
            EventType::Added,
            &changed,
            change.kind.rel(),
            paths::group(app, &change.group),
        )];
        if change.new_to_list {
            events.push(contact_event(
                app,
                EventType::Added,
                &changed,
                "myContacts",
                paths::in_people(app, "contacts"),
            ));
        }
        events
    });
    if added.kind == Kind::Delegates {
        announce_delegators(&state, &user);
    }
    Ok(payload(
        format,
        StatusCode::CREATED,
        &render::group_membership(id, &added.group, added.kind, &user),
    ))
}

/// The delegators group of `delegate` changed: `updated` about it to their applications.
fn announce_delegators(state: &State, delegate: &User) {
    tell(state, delegate, |app| {
        let event = Event::new(
            EventType::Updated,
            "delegatorsGroup",
            Link::new(paths::group(app, DELEGATORS_GROUP)),
        );
        vec![render::in_contact(
            event,
            "myGroups",
            paths::in_people(app, "groups"),
        )]
    });
}

async fn get_group_membership(
    Extract(state): Extract<Shared>,
    Path((id, group, address)): Path<(u64, String, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let kind = with_list(&state, &app.user, |list| {
        list.group(&group)
            .filter(|g| g.members.contains(&user.index))
            .map(|g| g.kind)
    })
    .ok_or_else(not_found)?;
    Ok(payload(
        format,
        StatusCode::OK,
        &render::group_membership(id, &group, kind, &user),
    ))
}

/// Takes a contact out of one group (`myGroupMembership2`'s DELETE): 204; `deleted` about it
/// in the group, and in `myContacts` when it is in no group any more.
async fn remove_from_group(
    Extract(state): Extract<Shared>,
    Path((id, group, address)): Path<(u64, String, String)>,
    headers: HeaderMap,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    let user = person(&state, &address)?;
    let kind = Kind::of(&group);
    let left = with_list(&state, &app.user, |list| list.remove(user.index, &group))
        .map_err(|r| refusal(r, &state))?;
    announce_removal(&state, &app.user, &user, &[(group, kind)], left);
    if kind == Kind::Delegates {
        announce_delegators(&state, &user);
    }
    Ok(no_content())
}

/// `deleted` about `user` in each of `groups`, and in `myContacts` when `left` the list.
fn announce_removal(
    state: &State,
    owner: &User,
    user: &User,
    groups: &[(String, Kind)],
    left: bool,
) {
    tell(state, owner, |app| {
        let mut events: Vec<Event<AnyResource>> = groups
            .iter()
            .map(|(group, kind)| {
                contact_event(
                    app,
                    EventType::Deleted,
                    user,
                    kind.rel(),
                    paths::group(app, group),
                )
            })
            .collect();
        if left {
            events.push(contact_event(
                app,
                EventType::Deleted,
                user,
                "myContacts",
                paths::in_people(app, "contacts"),
            ));
        }
        events
    });
}

/// Takes a contact off the list, out of every group (`removeContactFromAllGroups2`): 204,
/// also when it was on no group.
async fn remove_from_all_groups(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    version_2(&headers)?;
    let input: RemoveContactFromAllGroups2PostBody = decode_or_default(&headers, &body)?;
    let uri = text_of(&query, "contactUri", input.contact_uri, &input.unknown);
    let user = contact_named(&state, &app.user, uri)?;
    let left = with_list(&state, &app.user, |list| list.remove_everywhere(user.index));
    if !left.is_empty() {
        announce_removal(&state, &app.user, &user, &left, true);
    }
    if left.iter().any(|(_, kind)| *kind == Kind::Delegates) {
        announce_delegators(&state, &user);
    }
    Ok(no_content())
}

async fn get_list_subscription(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let live = lock(app.data.get::<Watch>()).live(state.clock.now());
    Ok(payload(
        format,
        StatusCode::OK,
        &render::list_subscription(id, live),
    ))
}

/// Starts or extends the subscription to the list's changes for `duration` minutes (10 to
/// 60): 201 with it, and `updated` about it.
async fn start_list_subscription(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: StartOrRefreshSubscriptionToContactsAndGroupsPostBody =
        decode_or_default(&headers, &body)?;
    let minutes = match query_parameter(&query, "duration") {
        Some(text) => text.trim().parse::<i64>().ok(),
        None => input.duration,
    };
    let minutes = minutes
        .filter(|m| (MIN_LIST_SUBSCRIPTION..=MAX_LIST_SUBSCRIPTION).contains(m))
        .ok_or_else(|| {
            invalid_parameters(&[(
                "duration",
                format!(
                    "a whole number of minutes from {MIN_LIST_SUBSCRIPTION} to \
                     {MAX_LIST_SUBSCRIPTION}"
                ),
            )])
        })?;
    let until = state.clock.now() + Duration::from_secs(minutes.unsigned_abs() * 60);
    lock(app.data.get::<Watch>()).until = Some(until);
    announce(
        &app,
        Event::new(
            EventType::Updated,
            "myContactsAndGroupsSubscription",
            Link::new(paths::list_subscription(id, None)),
        ),
    );
    Ok(payload(
        format,
        StatusCode::CREATED,
        &render::list_subscription(id, true),
    ))
}

/// The fewest and most minutes the subscription to the list's changes lasts (the reference's
/// bounds).
const MIN_LIST_SUBSCRIPTION: i64 = 10;
const MAX_LIST_SUBSCRIPTION: i64 = 60;

/// Stops the subscription to the list's changes: 204 (also when none lives), and `updated`
/// about it when one did.
async fn stop_list_subscription(Extract(state): Extract<Shared>, Path(id): Path<u64>) -> Answer {
    let app = application_at(&state, id)?;
    let was_live = {
        let mut watch = lock(app.data.get::<Watch>());
        let live = watch.live(state.clock.now());
        watch.until = None;
        live
    };
    if was_live {
        announce(
            &app,
            Event::new(
                EventType::Updated,
                "myContactsAndGroupsSubscription",
                Link::new(paths::list_subscription(id, None)),
            ),
        );
    }
    Ok(no_content())
}

/// The directory's distribution group `address` (any case).
fn distribution_list(state: &State, address: &str) -> Option<DistributionList> {
    let address = address.strip_prefix("sip:").unwrap_or(address);
    state
        .config
        .distribution_groups
        .iter()
        .find(|d| d.address.eq_ignore_ascii_case(address))
        .cloned()
}

async fn get_distribution_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = distribution_list(&state, &group).ok_or_else(not_found)?;
    let on_list = with_list(&state, &app.user, |list| {
        list.distribution
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&found.address))
    });
    Ok(payload(
        format,
        StatusCode::OK,
        &render::distribution_group(id, &found, on_list),
    ))
}

/// Expands a distribution group: the group with its members embedded, contacts and nested
/// groups (not expanded); one with more than `max_expanded_members` is refused, 403
/// `TooManyContacts`.
async fn expand_distribution_group(
    Extract(state): Extract<Shared>,
    Path((id, group)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let found = distribution_list(&state, &group).ok_or_else(not_found)?;
    let max = state.config.limits.max_expanded_members;
    if found.members.len() > max {
        return Err(Refusal::with(
            StatusCode::FORBIDDEN,
            "Forbidden",
            Some("TooManyContacts"),
            &format!(
                "This distribution group has {} members; the server expands at most {max} \
                 (`limits.max_expanded_members`).",
                found.members.len()
            ),
        ));
    }
    let on_list = with_list(&state, &app.user, |list| {
        list.distribution
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&found.address))
    });
    let mut expanded = render::distribution_group(id, &found, on_list);
    for member in &found.members {
        if let Some(nested) = distribution_list(&state, member) {
            expanded
                .embedded
                .distribution_group
                .push(render::distribution_group(id, &nested, false));
        } else if let Some(user) = state.directory.find(member) {
            expanded.embedded.contact.push(contact(id, user));
        } else {
            expanded.embedded.contact.push(render::stranger(id, member));
        }
    }
    Ok(payload(format, StatusCode::OK, &expanded))
}

/// Puts a distribution group on the list (`addToContactList`, by `smtpAddress`): 204, and
/// `added` about it in `myGroups`.
async fn add_to_contact_list(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: AddToContactListPostBody = decode_or_default(&headers, &body)?;
    let address = text_of(&query, "smtpAddress", input.smtp_address, &input.unknown);
    let found = address
        .as_deref()
        .and_then(|a| distribution_list(&state, a))
        .ok_or_else(|| {
            invalid_parameters(&[(
                "smtpAddress",
                "the address of a distribution group of the directory".to_owned(),
            )])
        })?;
    let max = state.config.limits.max_groups_per_user;
    let key = found.address.to_lowercase();
    with_list(&state, &app.user, |list| list.add_distribution(&key, max))
        .map_err(|r| refusal(r, &state))?;
    tell(&state, &app.user, |app| {
        let group = render::distribution_group(app, &found, true);
        let event = with_resource(
            EventType::Added,
            "distributionGroup",
            Link::new(paths::distribution_group(app, &key, None)),
            AnyResource::DistributionGroup(Box::new(group)),
        );
        vec![render::in_contact(
            event,
            "myGroups",
            paths::in_people(app, "groups"),
        )]
    });
    Ok(no_content())
}

/// Takes a distribution group off the list (`removeFromContactList`, by `groupId`): 204, and
/// `deleted` about it in `myGroups`.
async fn remove_from_contact_list(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: RemoveFromContactListPostBody = decode_or_default(&headers, &body)?;
    let key = text_of(&query, "groupId", input.group_id, &input.unknown)
        .filter(|g| !g.is_empty())
        .ok_or_else(|| invalid_parameters(&[("groupId", "required".to_owned())]))?
        .to_lowercase();
    with_list(&state, &app.user, |list| list.remove_distribution(&key))
        .map_err(|r| refusal(r, &state))?;
    tell(&state, &app.user, |app| {
        let event = Event::new(
            EventType::Deleted,
            "distributionGroup",
            Link::new(paths::distribution_group(app, &key, None)),
        );
        vec![render::in_contact(
            event,
            "myGroups",
            paths::in_people(app, "groups"),
        )]
    });
    Ok(no_content())
}

/// The relationships the user set (`myPrivacyRelationships`): one per level in use, linking
/// its contacts.
async fn get_privacy_relationships(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let set = with_list(&state, &app.user, |list| list.relationships().clone());
    let mut by_level: Vec<MyPrivacyRelationship> = Vec::new();
    for (index, level) in set {
        let Some(user) = user_at(&state, index) else {
            continue;
        };
        let link = Link::to(paths::contact(id, &user));
        match by_level
            .iter_mut()
            .find(|r| r.relationship_level.as_ref() == Some(&level))
        {
            Some(relationship) => relationship.links.contact.push(link),
            None => {
                let mut relationship = MyPrivacyRelationship {
                    relationship_level: Some(level),
                    ..MyPrivacyRelationship::default()
                };
                relationship.links.contact.push(link);
                by_level.push(relationship);
            }
        }
    }
    let mut relationships = MyPrivacyRelationships::default();
    relationships.links.self_ = Some(Link::to(paths::in_people(id, "privacyRelationships")));
    relationships.embedded.my_privacy_relationship = by_level;
    Ok(payload(format, StatusCode::OK, &relationships))
}

fn privacy_of(
    app: u64,
    user: &User,
    level: PrivacyRelationshipLevel,
) -> ContactPrivacyRelationship2 {
    let mut relationship = ContactPrivacyRelationship2 {
        relationship_level: Some(level),
        ..ContactPrivacyRelationship2::default()
    };
    relationship.links.self_ = Some(Link::to(paths::in_contact(
        app,
        user,
        "privacyRelationship",
    )));
    relationship.links.reset_contact_privacy_relationship = Some(Link::to(paths::in_contact(
        app,
        user,
        "privacyRelationship/reset",
    )));
    relationship
}

async fn get_contact_privacy(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let level = with_list(&state, &app.user, |list| list.relationship(user.index));
    Ok(payload(
        format,
        StatusCode::OK,
        &privacy_of(id, &user, level),
    ))
}

/// Sets the relationship with a contact (PUT, `If-Match` required, any value taken): 200 with
/// it. What the contact sees of the user's presence, note and location follows at once.
async fn set_contact_privacy(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    if !headers.contains_key(header::IF_MATCH) {
        return Err(precondition_required());
    }
    let input: ContactPrivacyRelationship2PutBody = decode(&headers, &body)?;
    let level = input
        .relationship_level
        .filter(|l| !matches!(l, PrivacyRelationshipLevel::Other(_)))
        .ok_or_else(|| {
            invalid_parameters(&[(
                "relationshipLevel",
                "required: Blocked, External, Colleagues, Workgroup or FriendsAndFamily".to_owned(),
            )])
        })?;
    change_privacy(&state, &app.user, &user, Some(level.clone()));
    Ok(payload(
        format,
        StatusCode::OK,
        &privacy_of(id, &user, level),
    ))
}

/// Resets the relationship with a contact to the default: 204.
async fn reset_contact_privacy(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    change_privacy(&state, &app.user, &user, None);
    Ok(no_content())
}

/// Sets or resets `owner`'s relationship with `contact`; when it changed, `owner`'s
/// applications hear `updated` about it, and the contact's applications that watch `owner`
/// hear that `owner`'s presence changed.
fn change_privacy(
    state: &State,
    owner: &Arc<User>,
    contact: &User,
    level: Option<PrivacyRelationshipLevel>,
) {
    let changed = with_list(state, owner, |list| {
        list.set_relationship(contact.index, level)
    });
    if !changed {
        return;
    }
    for app in state.apps.of(owner) {
        let event = Event::new(
            EventType::Updated,
            "contactPrivacyRelationship",
            Link::new(paths::in_contact(app.id, contact, "privacyRelationship")),
        );
        announce(
            &app,
            render::in_contact(event, "contact", paths::contact(app.id, contact)),
        );
    }
    let now = state.clock.now();
    for app in state.apps.of(contact) {
        if model::of(&app, now).watches(owner) {
            announce_presence(&app, std::slice::from_ref(owner));
        }
    }
}

/// What `viewer` may see of `owner`'s presence.
fn shown_to(state: &State, owner: &User, viewer: &User) -> list::Shown {
    if owner.index == viewer.index {
        return list::Shown::Everything;
    }
    list::shown(&with_list(state, owner, |list| {
        list.relationship(viewer.index)
    }))
}

/// The modalities a contact can be reached by: instant messages and audio while they have an
/// application, nothing otherwise.
async fn get_supported_modalities(
    Extract(state): Extract<Shared>,
    Path((id, address)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let user = person(&state, &address)?;
    let online = !state.apps.of(&user).is_empty()
        && shown_to(&state, &user, &app.user) != list::Shown::Nothing;
    let mut modalities = ContactSupportedModalities {
        modalities: Some(if online {
            vec![ModalityType::Messaging, ModalityType::Audio]
        } else {
            Vec::new()
        }),
        ..ContactSupportedModalities::default()
    };
    modalities.links.self_ = Some(Link::to(paths::in_contact(
        id,
        &user,
        "supportedModalities",
    )));
    Ok(payload(format, StatusCode::OK, &modalities))
}
