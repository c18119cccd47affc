//! The people the user can reach: the contact list, groups, one contact's data and presence,
//! search, and presence subscriptions (for selected contacts or a group), whose updates come
//! on the event channel.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa_client::people::presence_update;
//!
//! let people = session.people();
//! let contacts = people.contacts().await?;
//! let ann = people.contact("ann@contoso.com").await?;
//! println!("{:?}", people.contact_presence(&ann).await?.availability);
//! let mut events = session.events();
//! let mut subscription = people.subscribe(&["sip:ann@contoso.com"], 15).await?;
//! while let Ok(event) = events.recv().await {
//!     if let Some(link) = presence_update(&event) {
//!         println!("now {:?}", people.presence_at(&link).await?.availability);
//!         break;
//!     }
//! }
//! subscription.extend(30).await?;
//! subscription.delete().await?;
//! # let _ = contacts; Ok(()) }
//! ```
//!
//! Every method is one request built by the generated operation of [`ucwa::operations`] (but
//! [`PeopleHandle::groups`], which reads `myGroups` and follows its group links) and answers
//! its typed error; the handle finds its links in the `people` resource that the application
//! in use embeds when a method is called. A subscription lasts 10 to 30 minutes unless extended; a duration outside
//! that range is refused before anything is sent ([`ClientError::Request`]).

use ucwa::events::{Event, EventType};
use ucwa::operations::{
    AddToPresenceSubscriptionPost, AddToPresenceSubscriptionPostBody,
    AddToPresenceSubscriptionPostError, ContactGet, ContactGetError, ContactLocationGet,
    ContactLocationGetError, ContactNoteGet, ContactNoteGetError, ContactPresenceGet,
    ContactPresenceGetError, GroupContactsGet, GroupContactsGetError, GroupContactsGetQuery,
    GroupGet, MyContactsGet, MyContactsGetError, MyContactsGetQuery, MyGroupsGet, MyGroupsGetError,
    MyGroupsGetQuery, PresenceSubscriptionDelete, PresenceSubscriptionDeleteError,
    PresenceSubscriptionPost, PresenceSubscriptionPostBody, PresenceSubscriptionPostError,
    PresenceSubscriptionPostQuery, PresenceSubscriptionsPost, PresenceSubscriptionsPostBody,
    PresenceSubscriptionsPostError, SearchGet, SearchGetError, SearchGetQuery,
    SubscribeToGroupPresencePost, SubscribeToGroupPresencePostBody,
    SubscribeToGroupPresencePostError, SubscribeToGroupPresencePostQuery,
};
use ucwa::resources::{
    AnyResource, Application, Contact, ContactLocation, ContactNote, ContactPresence, Group,
    People, PeopleLinks, PresenceSubscription, PresenceSubscriptionMemberships, Search,
};
use ucwa::{Link, Untyped};

mod about;
mod list;

pub use list::{
    ContactList, ContactListError, Expansion, ListChange, ListResult, ListedGroup, SpecialGroup,
    list_change,
};

use crate::link::{MissingLink, required};
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// The `people` hub of an application and the requests on what it links to. Cheap to make and
/// to clone; it reads the application in use at each call.
#[derive(Clone, Debug)]
pub struct PeopleHandle {
    source: Source,
}

impl Client {
    /// The people of `application`, from the `people` resource it embeds (no request).
    pub fn people(&self, application: &Application) -> PeopleHandle {
        PeopleHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// The people of the application the session holds at each call ([`crate::people`]).
    pub fn people(&self) -> PeopleHandle {
        PeopleHandle {
            source: self.source(),
        }
    }
}

/// The link of the contact's presence that an event says was updated: an `updated` event about
/// a `contactPresence` (what a presence subscription delivers). Read it with
/// [`PeopleHandle::presence_at`].
pub fn presence_update(event: &Event<AnyResource>) -> Option<Link<ContactPresence>> {
    contact_update(event, "contactPresence")
}

/// As [`presence_update`], for a contact's note (`contactNote`).
pub fn note_update(event: &Event<AnyResource>) -> Option<Link<ContactNote>> {
    contact_update(event, "contactNote")
}

/// As [`presence_update`], for a contact's location (`contactLocation`).
pub fn location_update(event: &Event<AnyResource>) -> Option<Link<ContactLocation>> {
    contact_update(event, "contactLocation")
}

fn contact_update<T>(event: &Event<AnyResource>, rel: &str) -> Option<Link<T>> {
    (event.event_type == EventType::Updated && event.rel == rel).then(|| event.link.to_cast())
}

/// Whether `event` says the contact at `contact` (its `self` link) is what it is about: the
/// event's `in` link, or its own link for an event about the contact itself.
pub fn is_about(event: &Event<AnyResource>, contact: &Contact) -> bool {
    let Some(own) = &contact.links.self_ else {
        return false;
    };
    event.in_link.as_ref().map(|l| &l.href) == Some(&own.href) || event.link.href == own.href
}

impl PeopleHandle {
    /// The `people` resource the application in use embeds (the links of what it offers), if
    /// it embeds one.
    pub fn resource(&self) -> Option<People> {
        self.source
            .current()
            .application
            .embedded
            .people
            .as_deref()
            .cloned()
    }

    /// The client in use, and the link of the embedded `people` that `pick` takes.
    fn link<T>(
        &self,
        pick: impl FnOnce(&PeopleLinks) -> Option<&Link<T>>,
        rel: &'static str,
    ) -> Result<(Client, Link<T>), MissingLink> {
        let current = self.source.current();
        let link = match current.application.embedded.people.as_deref() {
            Some(people) => required(pick(&people.links), "people", rel)?,
            None => required(None::<&Link<T>>, "application", "people")?,
        };
        Ok((current.client, link))
    }

    /// The client in use, for the requests on links the caller gives.
    fn client(&self) -> Client {
        self.source.current().client
    }

    /// The user's contacts (`myContacts`), each with its links.
    pub async fn contacts(&self) -> Result<Vec<Contact>, ClientError<MyContactsGetError>> {
        let (client, link) = self.link(|l| l.my_contacts.as_ref(), "myContacts")?;
        let query = MyContactsGetQuery::default();
        let contacts = client
            .call(|origin, format| MyContactsGet::request(origin, &link, &query, format))
            .await?;
        Ok(contacts.embedded.contact)
    }

    /// The user's groups: those `myGroups` embeds, then the default and pinned groups it
    /// links, each read.
    pub async fn groups(&self) -> Result<Vec<Group>, ClientError<MyGroupsGetError>> {
        let (client, link) = self.link(|l| l.my_groups.as_ref(), "myGroups")?;
        let query = MyGroupsGetQuery::default();
        let my_groups = client
            .call(|origin, format| MyGroupsGet::request(origin, &link, &query, format))
            .await?;
        let mut groups = my_groups.embedded.group;
        let linked = [
            &my_groups.links.default_group,
            &my_groups.links.pinned_group,
        ];
        for link in linked.into_iter().flatten() {
            let group = client
                .call(|origin, format| GroupGet::request(origin, link, format))
                .await?;
            groups.push(group);
        }
        Ok(groups)
    }

    /// The contacts of `group` (its `groupContacts`).
    pub async fn group_contacts(
        &self,
        group: &Group,
    ) -> Result<Vec<Contact>, ClientError<GroupContactsGetError>> {
        let link = required(
            group.links.group_contacts.as_ref(),
            "group",
            "groupContacts",
        )?;
        let query = GroupContactsGetQuery::default();
        let contacts = self
            .client()
            .call(|origin, format| GroupContactsGet::request(origin, &link, &query, format))
            .await?;
        Ok(contacts.embedded.contact)
    }

    /// The contact `address` (a sign-in address or SIP URI), at `people/<address>` as the
    /// walkthroughs lay contacts out: someone the server does not know is 404
    /// (`ContactGetError::Common`, `ResourceNotFound`).
    pub async fn contact(&self, address: &str) -> Result<Contact, ClientError<ContactGetError>> {
        let (client, people) = self.link(|l| l.self_.as_ref(), "self")?;
        let mut url = client.origin().resolve(&people.href)?;
        let address = address.strip_prefix("sip:").unwrap_or(address);
        if let Ok(mut segments) = url.path_segments_mut() {
            // Pushed as one segment: a `/` or `?` in it is escaped, not followed.
            segments.push(address);
        }
        let link = Link::<Contact>::to(url.as_str());
        client
            .call(|origin, format| ContactGet::request(origin, &link, format))
            .await
    }

    /// `contact`'s presence (availability, activity, device).
    pub async fn contact_presence(
        &self,
        contact: &Contact,
    ) -> Result<ContactPresence, ClientError<ContactPresenceGetError>> {
        let link = contact_link(contact, |l| l.contact_presence.as_ref(), "contactPresence")?;
        self.presence_at(&link).await
    }

    /// The presence at `link`: one a contact links to, or one an event names
    /// ([`presence_update`]).
    pub async fn presence_at(
        &self,
        link: &Link<ContactPresence>,
    ) -> Result<ContactPresence, ClientError<ContactPresenceGetError>> {
        self.client()
            .call(|origin, format| ContactPresenceGet::request(origin, link, format))
            .await
    }

    /// `contact`'s note.
    pub async fn contact_note(
        &self,
        contact: &Contact,
    ) -> Result<ContactNote, ClientError<ContactNoteGetError>> {
        let link = contact_link(contact, |l| l.contact_note.as_ref(), "contactNote")?;
        self.client()
            .call(|origin, format| ContactNoteGet::request(origin, &link, format))
            .await
    }

    /// `contact`'s location.
    pub async fn contact_location(
        &self,
        contact: &Contact,
    ) -> Result<ContactLocation, ClientError<ContactLocationGetError>> {
        let link = contact_link(contact, |l| l.contact_location.as_ref(), "contactLocation")?;
        self.client()
            .call(|origin, format| ContactLocationGet::request(origin, &link, format))
            .await
    }

    /// Searches by name or address for at most `limit` people (1 to 100; the server's default
    /// when `None`). The contacts found are in `embedded.contact`; `more_results_available`
    /// says whether the limit cut the list.
    pub async fn search(
        &self,
        query: &str,
        limit: Option<u32>,
    ) -> Result<Search, ClientError<SearchGetError>> {
        let (client, link) = self.link(|l| l.search.as_ref(), "search")?;
        let query = SearchGetQuery {
            query: query.to_owned(),
            limit: limit.map(|l| l.to_string()),
        };
        client
            .call(|origin, format| SearchGet::request(origin, &link, &query, format))
            .await
    }

    /// Subscribes to the presence of the contacts `uris` (SIP URIs) for `minutes` (10 to 30).
    pub async fn subscribe(
        &self,
        uris: &[&str],
        minutes: u32,
    ) -> Result<Subscription, ClientError<PresenceSubscriptionsPostError>> {
        let (client, link) = self.link(
            |l| l.presence_subscriptions.as_ref(),
            "presenceSubscriptions",
        )?;
        let body = PresenceSubscriptionsPostBody {
            duration: Some(minutes.into()),
            uris: Some(uris.iter().map(|u| (*u).to_owned()).collect()),
            ..PresenceSubscriptionsPostBody::default()
        };
        let subscription = client
            .call(|origin, format| PresenceSubscriptionsPost::request(origin, &link, &body, format))
            .await?;
        Ok(Subscription::new(client, subscription))
    }

    /// Subscribes to the presence of everyone in `group` for `minutes` (10 to 30), on its
    /// `subscribeToGroupPresence` link.
    pub async fn subscribe_group(
        &self,
        group: &Group,
        minutes: u32,
    ) -> Result<Subscription, ClientError<SubscribeToGroupPresencePostError>> {
        let link = required(
            group.links.subscribe_to_group_presence.as_ref(),
            "group",
            "subscribeToGroupPresence",
        )?;
        let query = SubscribeToGroupPresencePostQuery {
            duration: minutes.to_string(),
        };
        // The link names the group already; the body repeats it, as the operation's fields
        // have it.
        let body = SubscribeToGroupPresencePostBody {
            duration: Some(minutes.into()),
            group_id: group.id.clone(),
            ..SubscribeToGroupPresencePostBody::default()
        };
        let client = self.client();
        let subscription = client
            .call(|origin, format| {
                SubscribeToGroupPresencePost::request(origin, &link, &query, &body, format)
            })
            .await?;
        Ok(Subscription::new(client, subscription))
    }
}

fn contact_link<T>(
    contact: &Contact,
    pick: impl FnOnce(&ucwa::resources::ContactLinks) -> Option<&Link<T>>,
    rel: &'static str,
) -> Result<Link<T>, MissingLink> {
    required(pick(&contact.links), "contact", rel)
}

/// A presence subscription: while it lives, the application's event channel hears each
/// change of its contacts' presence, note and location. It belongs to the application it was
/// made on: after a recovery, subscribe again.
#[derive(Clone, Debug)]
pub struct Subscription {
    client: Client,
    subscription: PresenceSubscription,
}

impl Subscription {
    fn new(client: Client, subscription: PresenceSubscription) -> Self {
        Subscription {
            client,
            subscription,
        }
    }

    /// The `presenceSubscription` resource as last read.
    pub fn resource(&self) -> &PresenceSubscription {
        &self.subscription
    }

    /// Its id.
    pub fn id(&self) -> Option<&str> {
        self.subscription.id.as_deref()
    }

    fn own(&self) -> Result<Link<PresenceSubscription>, MissingLink> {
        let own = required(
            self.subscription.links.self_.as_ref(),
            "presenceSubscription",
            "self",
        )?;
        Ok(own.cast())
    }

    /// Makes it last `minutes` (10 to 30) from now. One that expired is 404: subscribe again.
    pub async fn extend(
        &mut self,
        minutes: u32,
    ) -> Result<(), ClientError<PresenceSubscriptionPostError>> {
        let link = self.own()?;
        let query = PresenceSubscriptionPostQuery {
            duration: minutes.to_string(),
        };
        let body = PresenceSubscriptionPostBody {
            duration: Some(minutes.into()),
            ..PresenceSubscriptionPostBody::default()
        };
        self.subscription = self
            .client
            .call(|origin, format| {
                PresenceSubscriptionPost::request(origin, &link, &query, &body, format)
            })
            .await?;
        Ok(())
    }

    /// Adds the contacts `uris` (SIP URIs); the answer lists the memberships made.
    pub async fn add(
        &self,
        uris: &[&str],
    ) -> Result<PresenceSubscriptionMemberships, ClientError<AddToPresenceSubscriptionPostError>>
    {
        let link = required(
            self.subscription
                .links
                .add_to_presence_subscription
                .as_ref(),
            "presenceSubscription",
            "addToPresenceSubscription",
        )?;
        let body = AddToPresenceSubscriptionPostBody {
            contact_uris: Some(uris.iter().map(|u| (*u).to_owned()).collect()),
            ..AddToPresenceSubscriptionPostBody::default()
        };
        self.client
            .call(|origin, format| {
                AddToPresenceSubscriptionPost::request(origin, &link, &body, format)
            })
            .await
    }

    /// Its memberships, one per contact (its `memberships` link, which the server answers
    /// with a `presenceSubscriptionMemberships`).
    pub async fn memberships(&self) -> Result<PresenceSubscriptionMemberships, ClientError> {
        let link = required(
            self.subscription.links.memberships.as_ref(),
            "presenceSubscription",
            "memberships",
        )?;
        let link: Link<Untyped> = link.cast();
        self.client
            .get::<PresenceSubscriptionMemberships>(&link.cast())
            .await
    }

    /// Ends it: no more updates come for its contacts.
    pub async fn delete(self) -> Result<(), ClientError<PresenceSubscriptionDeleteError>> {
        let link = self.own()?;
        self.client
            .call(|origin, format| PresenceSubscriptionDelete::request(origin, &link, format))
            .await
    }
}
