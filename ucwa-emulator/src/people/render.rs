//! The resources of `people` and the events that announce subscriptions and what contacts
//! publish.

use std::sync::Arc;

use ucwa::enumerations::{ContactType, SourceNetwork};
use ucwa::events::{Event, EventType};
use ucwa::resources::{
    AnyResource, Contact, Group, GroupRel, People, PresenceSubscription,
    PresenceSubscriptionMembership, PresenceSubscriptionMemberships,
};
use ucwa::{Link, Uri};

use crate::channel::Queued;
use crate::directory::User;
use crate::paths;
use crate::state::App;

use super::model::{DEFAULT_GROUP, DEFAULT_GROUP_NAME};

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
    contact
}

pub(super) fn default_group(app: u64) -> Group {
    let mut group = Group {
        rel: GroupRel::DefaultGroup,
        id: Some(DEFAULT_GROUP.to_owned()),
        name: Some(DEFAULT_GROUP_NAME.to_owned()),
        ..Group::default()
    };
    group.links.self_ = Some(Link::to(paths::group(app, DEFAULT_GROUP)));
    group.links.group_contacts = Some(Link::to(paths::group_contacts(app, DEFAULT_GROUP)));
    group.links.subscribe_to_group_presence =
        Some(Link::to(paths::group_subscriptions(app, DEFAULT_GROUP)));
    group
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
