//! The people a user can reach: `people` (embedded in the application), the contact list
//! (`myContacts`), groups (`myGroups`, a group and its `groupContacts`), each `contact` with
//! its `contactPresence`, `contactNote` and `contactLocation`, `search`, and presence
//! subscriptions (`presenceSubscriptions`, one `presenceSubscription`, its memberships,
//! `subscribedContacts`).
//!
//! Each user has their own contact list ([`list`]), which starts with everyone else in the
//! directory in the default group "Other Contacts" (at most `max_contacts_per_user` of them),
//! and changes with UCWA 2.0's requests: a personal group made by POST on `myGroups`
//! (`displayName`, 204), renamed by PUT on it (`If-Match` required; groups carry no entity tag,
//! so any value is taken) and deleted by DELETE; a contact added to a group, or the default
//! one without `groupId`, by POST on `myGroupMemberships` (`contactUri`, 201 with the
//! membership), taken out of one by DELETE on its membership, and out of all by POST on
//! `myGroupMemberships/removeContactFromAllGroups` (which `myGroupMemberships` links, as Skype
//! for Business Online does; the reference's sample posts there). A
//! contact is on the list while it is in some group; deleting a group drops those only in it.
//! These changes are UCWA 2.0's: each needs `X-MS-RequiresMinResourceVersion` of 2 or more,
//! without which it is a request to the 1.0 resource, which has no such method (405).
//! Group names are unique per user without case, the server's groups' names included (409
//! `AlreadyExists`); a user makes at most `max_groups_per_user` groups (409 `TooManyGroups`)
//! and holds at most `max_contacts_per_user` contacts (409 `LimitExceeded`). The server's
//! groups: default, pinned ("Favorites") and delegates take contacts as personal ones do
//! but cannot be renamed or deleted (403); delegators (who made the user their delegate) and
//! the organization (everyone else of the user's domain) are read only. Distribution groups
//! come from [`crate::Config::distribution_groups`]: found by search (in the same `limit` as
//! people), put on the list (`addToContactList`, at most `max_groups_per_user`) and taken off
//! (`removeFromContactList`), and expanded (the group with its members embedded, nested
//! groups not expanded; more than `max_expanded_members` answers 403 `TooManyContacts`).
//!
//! Every change of the list is announced to each application of its user whose
//! subscription to the list's changes lives (`myContactsAndGroupsSubscription`, started or
//! extended for 10 to 60 minutes, stopped): `added`, `updated` and `deleted` about groups in
//! `myGroups` (the group embedded while it exists), about contacts in the group they joined or
//! left, and in `myContacts` when they joined or left the list. A user's privacy relationship
//! with a contact (`contactPrivacyRelationship`: `Colleagues` unless set; read, set by PUT,
//! reset) decides what that contact sees of them: `Blocked` shows them offline with no note or
//! location, `External` and `Unknown` their availability alone.
//!
//! What a contact publishes is what that user publishes
//! ([`crate::directory::User::published`]); when it changes ([`hear`]), every application with a live
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

//!
//! The models ([`model`]: the subscriptions, and the values a client sends; [`list`]: the
//! contact lists) are tested without
//! HTTP; [`render`] makes the resources and events; [`mod@routes`] holds the handlers. What a user
//! publishes reaches subscribers through the notifier: [`hear`] is this task's listener.

mod list;
mod model;
mod render;
mod routes;

use ucwa::Link;
use ucwa::events::{Event, EventType};

use crate::paths;
use crate::state::{News, Publication, State};

pub(crate) use render::people;
pub(crate) use routes::routes;

/// The listener of this task: when a user publishes, every application with a live
/// subscription to them hears `updated` about `contactPresence` (or `contactNote`,
/// `contactLocation`) in the `contact`, sent by `people`, without the resource embedded.
pub(crate) fn hear(state: &State, news: News<'_>) {
    let News::Published { user, what } = news;
    let contact_rel = match what {
        Publication::Presence => "contactPresence",
        Publication::Note => "contactNote",
        Publication::Location => "contactLocation",
    };
    let now = state.clock.now();
    for app in state.apps.all() {
        if model::of(&app, now).watches(user) {
            let contact = paths::contact(app.id, user);
            let event = render::in_contact(
                Event::new(
                    EventType::Updated,
                    contact_rel,
                    Link::new(paths::in_contact(app.id, user, what.rel())),
                ),
                "contact",
                contact,
            );
            render::announce(&app, event);
        }
    }
}
