//! The resources of `people` and the events that announce subscriptions and what contacts
//! publish.

use std::sync::Arc;

use ucwa::enumerations::{ContactType, SourceNetwork, SubscriptionState};
use ucwa::events::{Event, EventType};
use ucwa::resources::{
    AnyResource, Contact, DistributionGroup, Group, GroupRel, MyContactsAndGroupsSubscription,
    MyGroupMembership, People, PresenceSubscription, PresenceSubscriptionMembership,
    PresenceSubscriptionMemberships,
};
use ucwa::{Link, Uri};

use crate::channel::Queued;
use crate::directory::{DistributionList, User};
use crate::paths;
use crate::state::App;

use super::list::{self, Kind};

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
    links.my_group_memberships = Some(Link::to(paths::group_memberships(app)));
    links.my_contacts_and_groups_subscription = Some(Link::to(paths::list_subscription(app, None)));
    links.my_privacy_relationships = Some(Link::to(paths::in_people(app, "privacyRelationships")));
    people
}

/// `user` as a contact seen from application `app`.
pub(super) fn contact(app: u64, user: &User) -> Contact {
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
    links.contact_privacy_relationship = Some(Link::to(paths::in_contact(
        app,
        user,
        "privacyRelationship",
    )));
    links.contact_supported_modalities = Some(Link::to(paths::in_contact(
        app,
        user,
        "supportedModalities",
    )));
    contact
}

/// A member of a distribution group the directory does not know: shown by address.
pub(super) fn stranger(app: u64, address: &str) -> Contact {
    let user = User::stranger(address);
    let mut contact = contact(app, &user);
    contact.name = Some(address.to_owned());
    contact.source_network = None;
    contact
}

/// The group `id` named `name`, of `kind` (its rel), seen from application `app`.
pub(super) fn group(app: u64, id: &str, name: &str, kind: Kind) -> Group {
    let rel = match kind {
        Kind::Default => GroupRel::DefaultGroup,
        Kind::Pinned => GroupRel::PinnedGroup,
        Kind::Delegates => GroupRel::DelegatesGroup,
        Kind::Delegators => GroupRel::DelegatorsGroup,
        Kind::Organization => GroupRel::MyOrganizationGroup,
        Kind::Personal => GroupRel::Group,
    };
    let mut group = Group {
        rel,
        id: Some(id.to_owned()),
        name: Some(name.to_owned()),
        ..Group::default()
    };
    group.links.self_ = Some(Link::to(paths::group(app, id)));
    group.links.group_contacts = Some(Link::to(paths::group_contacts(app, id)));
    group.links.subscribe_to_group_presence = Some(Link::to(paths::group_subscriptions(app, id)));
    group
}

/// A group the list keeps.
pub(super) fn kept_group(app: u64, kept: &list::Group) -> Group {
    group(app, &kept.id, &kept.name, kept.kind)
}

/// A distribution group of the directory; `on_list`: whether the user put it on their list
/// (it then links `removeFromContactList`, else `addToContactList`).
pub(super) fn distribution_group(
    app: u64,
    found: &DistributionList,
    on_list: bool,
) -> DistributionGroup {
    let mut group = DistributionGroup {
        uri: Some(Uri::new(format!("sip:{}", found.address.to_lowercase()))),
        id: Some(found.address.to_lowercase()),
        name: Some(found.name.clone()),
        ..DistributionGroup::default()
    };
    let links = &mut group.links;
    links.self_ = Some(Link::to(paths::distribution_group(
        app,
        &found.address,
        None,
    )));
    links.expand_distribution_group = Some(Link::to(paths::distribution_group(
        app,
        &found.address,
        Some("expand"),
    )));
    if on_list {
        links.remove_from_contact_list = Some(Link::to(paths::in_people(
            app,
            "groups/removeFromContactList",
        )));
    } else {
        links.add_to_contact_list =
            Some(Link::to(paths::in_people(app, "groups/addToContactList")));
    }
    group
}

/// The membership of `user` in the group `id` of `kind` (default, pinned or personal: the
/// membership has no link for the others).
pub(super) fn group_membership(app: u64, id: &str, kind: Kind, user: &User) -> MyGroupMembership {
    let mut membership = MyGroupMembership::default();
    let links = &mut membership.links;
    links.self_ = Some(Link::to(paths::group_membership(app, id, user)));
    links.contact = Some(Link::to(paths::contact(app, user)));
    let group = paths::group(app, id);
    match kind {
        Kind::Default => links.default_group = Some(Link::to(group)),
        Kind::Pinned => links.pinned_group = Some(Link::to(group)),
        _ => links.group = Some(Link::to(group)),
    }
    membership
}

/// The subscription to the list's changes, `Connected` while it lives.
pub(super) fn list_subscription(app: u64, live: bool) -> MyContactsAndGroupsSubscription {
    let mut subscription = MyContactsAndGroupsSubscription {
        state: Some(if live {
            SubscriptionState::Connected
        } else {
            SubscriptionState::Disconnected
        }),
        ..MyContactsAndGroupsSubscription::default()
    };
    let links = &mut subscription.links;
    links.self_ = Some(Link::to(paths::list_subscription(app, None)));
    links.start_or_refresh_subscription_to_contacts_and_groups = Some(Link::to(
        paths::list_subscription(app, Some("startOrRefresh")),
    ));
    links.stop_subscription_to_contacts_and_groups =
        Some(Link::to(paths::list_subscription(app, Some("stop"))));
    subscription
}

pub(super) fn subscription(app: u64, id: &str) -> PresenceSubscription {
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

pub(super) fn membership(app: u64, id: &str, user: &User) -> PresenceSubscriptionMembership {
    let mut membership = PresenceSubscriptionMembership::default();
    let links = &mut membership.links;
    links.self_ = Some(Link::to(paths::membership(app, id, user)));
    links.contact = Some(Link::to(paths::contact(app, user)));
    links.presence_subscription = Some(Link::to(paths::subscription(app, id)));
    membership
}

pub(super) fn memberships(
    app: u64,
    key: &str,
    members: &[Arc<User>],
) -> PresenceSubscriptionMemberships {
    let mut memberships = PresenceSubscriptionMemberships::default();
    memberships.links.self_ = Some(Link::to(paths::memberships(app, key)));
    memberships.embedded.presence_subscription_membership =
        members.iter().map(|u| membership(app, key, u)).collect();
    memberships
}

pub(super) fn in_contact(
    mut event: Event<AnyResource>,
    rel: &str,
    href: String,
) -> Event<AnyResource> {
    event.in_rel = Some(rel.to_owned());
    event.in_link = Some(Link::new(href));
    event
}

pub(super) fn announce(app: &App, event: Event<AnyResource>) {
    app.channel.push(Arc::new(Queued::new(
        "people",
        &paths::people(app.id),
        event,
    )));
}

/// The events of `members` joining (`added`) or leaving (`deleted`) the subscribed contacts.
pub(super) fn announce_members(app: &App, event_type: EventType, members: &[Arc<User>]) {
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
pub(super) fn announce_presence(app: &App, members: &[Arc<User>]) {
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
