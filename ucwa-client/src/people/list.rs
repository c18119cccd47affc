//! Changing the contact list: groups made, renamed and deleted; contacts added to a group (or
//! the default one), taken out of one or all, moved and copied; the groups the server keeps;
//! distribution groups put on the list and expanded; the subscription to the list's changes,
//! whose events become [`ListChange`]s that keep a [`ContactList`] in step.
//!
//! The requests are UCWA 2.0's (`myGroups2`, `group2`, `myGroupMemberships2`,
//! `myGroupMembership2`, `removeContactFromAllGroups2`), sent to the links of the version 1
//! resources the `people` hub gives, which a 2.0 server serves at the same addresses. Every
//! refusal is one [`ContactListError`], whichever request it answered.

use std::collections::{BTreeMap, BTreeSet};

use ucwa::events::{Event, EventType};
use ucwa::operation::{ETag, OperationError, UcwaError};
use ucwa::operations::{
    AddToContactListPost, AddToContactListPostBody, AddToContactListPostQuery,
    DistributionGroupGet, Group2Delete, Group2Put, Group2PutBody, GroupContactsGet,
    GroupContactsGetQuery, GroupGet, MyContactsAndGroupsSubscriptionGet, MyContactsGet,
    MyContactsGetQuery, MyGroupMembership2Delete, MyGroupMemberships2Post,
    MyGroupMemberships2PostBody, MyGroupMemberships2PostQuery, MyGroupMembershipsGet,
    MyGroupMembershipsGetQuery, MyGroups2Post, MyGroups2PostBody, MyGroupsGet, MyGroupsGetQuery,
    RemoveContactFromAllGroups2Post, RemoveContactFromAllGroups2PostBody,
    RemoveContactFromAllGroups2PostQuery, RemoveFromContactListPost, RemoveFromContactListPostBody,
    RemoveFromContactListPostQuery, StartOrRefreshSubscriptionToContactsAndGroupsPost,
    StartOrRefreshSubscriptionToContactsAndGroupsPostBody,
    StartOrRefreshSubscriptionToContactsAndGroupsPostQuery,
    StopSubscriptionToContactsAndGroupsPost,
};
use ucwa::resources::{
    AnyResource, Contact, DistributionGroup, Group, GroupRel, MyContactsAndGroupsSubscription,
    MyGroupMembership, MyGroups,
};
use ucwa::{ErrorBody, Link};

use super::PeopleHandle;
use crate::ClientError;
use crate::link::required;

/// Why the server refused a change of the contact list (or a read of a group), by what it
/// means; the body is the server's error.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ContactListError {
    /// The list holds as many contacts as the server allows (`LimitExceeded`, 409 or 403).
    #[error("the contact list is full: {}", message(.0))]
    TooManyContacts(Box<ErrorBody>),
    /// The user has as many groups as the server allows (409 `TooManyGroups`).
    #[error("too many groups: {}", message(.0))]
    TooManyGroups(Box<ErrorBody>),
    /// It is there already: a group of that name, the contact in that group, the
    /// distribution group on the list (409 `AlreadyExists`).
    #[error("already there: {}", message(.0))]
    AlreadyExists(Box<ErrorBody>),
    /// The group, the contact in it, or the distribution group on the list is not there (404).
    #[error("not found: {}", message(.0))]
    NotFound(Box<ErrorBody>),
    /// Not allowed: a group the server keeps cannot be renamed or deleted, and only the
    /// default, pinned, delegates and personal groups take contacts (403).
    #[error("not allowed: {}", message(.0))]
    Forbidden(Box<ErrorBody>),
    /// The distribution group is too large for the server to expand (403 `TooManyContacts`).
    #[error("too many members to expand: {}", message(.0))]
    TooManyMembers(Box<ErrorBody>),
    /// Anything else the server answered, classified as every operation's errors are.
    #[error(transparent)]
    Other(UcwaError),
}

fn message(body: &ErrorBody) -> String {
    match (&body.subcode, &body.message) {
        (Some(subcode), Some(message)) => format!("{} ({subcode}): {message}", body.code),
        (Some(subcode), None) => format!("{} ({subcode})", body.code),
        (None, Some(message)) => format!("{}: {message}", body.code),
        (None, None) => body.code.clone(),
    }
}

impl ContactListError {
    /// Classifies the error of any operation by status and subcode.
    pub fn of<E: OperationError>(error: E) -> Self {
        let status = error.status();
        let body = error.body().clone();
        let subcode = body.subcode.clone().unwrap_or_default();
        let body = Box::new(body);
        match (status, subcode.as_str()) {
            (403 | 409, "LimitExceeded") => ContactListError::TooManyContacts(body),
            (409, "TooManyGroups") => ContactListError::TooManyGroups(body),
            (409, "AlreadyExists") => ContactListError::AlreadyExists(body),
            (403, "TooManyContacts") => ContactListError::TooManyMembers(body),
            (404, _) => ContactListError::NotFound(body),
            (403, "") => ContactListError::Forbidden(body),
            _ => ContactListError::Other(<UcwaError as OperationError>::classify(
                ucwa::http::StatusCode::from_u16(status)
                    .unwrap_or(ucwa::http::StatusCode::INTERNAL_SERVER_ERROR),
                *body,
            )),
        }
    }

    /// The server's error body.
    pub fn body(&self) -> &ErrorBody {
        match self {
            ContactListError::TooManyContacts(b)
            | ContactListError::TooManyGroups(b)
            | ContactListError::AlreadyExists(b)
            | ContactListError::NotFound(b)
            | ContactListError::Forbidden(b)
            | ContactListError::TooManyMembers(b) => b,
            ContactListError::Other(e) => e.body(),
        }
    }
}

/// The result of the requests of this module.
pub type ListResult<T> = Result<T, ClientError<ContactListError>>;

/// Asks for UCWA 2.0's version of the resource (`X-MS-RequiresMinResourceVersion: 2`, as the
/// reference's MultiTabSupport page and the connectors that change lists against Skype for
/// Business Online send it): without it a server reads the request as one for the 1.0
/// resource, which takes no such change.
pub(super) fn version_2<O>(
    request: Result<ucwa::operation::Request<O>, ucwa::operation::RequestError>,
) -> Result<ucwa::operation::Request<O>, ucwa::operation::RequestError> {
    let mut request = request?;
    request.as_http_mut().headers_mut().insert(
        "x-ms-requiresminresourceversion",
        ucwa::http::HeaderValue::from_static("2"),
    );
    Ok(request)
}

fn typed<E: OperationError>(error: ClientError<E>) -> ClientError<ContactListError> {
    error.map_operation(ContactListError::of)
}

/// The groups the server makes and keeps for every user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpecialGroup {
    /// Where contacts go when no group is named ("Other Contacts").
    Default,
    /// The contacts the user pinned: favourites.
    Pinned,
    /// Those the user made their delegates (add to it as to any group).
    Delegates,
    /// Those who made the user their delegate (read only).
    Delegators,
    /// The user's organization (read only).
    Organization,
}

/// What an expansion of a distribution group gave: its members, contacts and nested groups
/// (those not expanded), at most the number asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expansion {
    /// The members who are people.
    pub contacts: Vec<Contact>,
    /// The members that are distribution groups themselves.
    pub groups: Vec<DistributionGroup>,
    /// Whether the server sent more members than asked for (those beyond were dropped).
    pub truncated: bool,
}

/// The longest `contactUri` the server takes (the reference's bound), checked before
/// anything is sent.
const MAX_CONTACT_URI: usize = 250;

/// The longest group name, checked before anything is sent.
const MAX_GROUP_NAME: usize = 256;

fn checked(
    value: &str,
    what: &'static str,
    max: usize,
) -> Result<String, ClientError<ContactListError>> {
    let value = value.trim();
    let found = value.chars().count();
    if found == 0 {
        return Err(ClientError::Request(
            ucwa::operation::RequestError::MissingParameter { name: what },
        ));
    }
    if found > max {
        return Err(ClientError::Request(
            ucwa::operation::RequestError::ParameterTooLong {
                name: what,
                max,
                found,
            },
        ));
    }
    Ok(value.to_owned())
}

fn contact_uri(contact: &Contact) -> Result<String, ClientError<ContactListError>> {
    let uri =
        contact
            .uri
            .as_ref()
            .map(|u| u.as_str().to_owned())
            .ok_or(ClientError::MissingLink {
                resource: "contact",
                rel: "uri",
            })?;
    checked(&uri, "contactUri", MAX_CONTACT_URI)
}

impl PeopleHandle {
    async fn my_groups(&self) -> ListResult<MyGroups> {
        let (client, link) = self.link(|l| l.my_groups.as_ref(), "myGroups")?;
        let query = MyGroupsGetQuery::default();
        client
            .call(|origin, format| MyGroupsGet::request(origin, &link, &query, format))
            .await
            .map_err(typed)
    }

    /// Reads the group at `link`.
    pub async fn group_at(&self, link: &Link<Group>) -> ListResult<Group> {
        self.client()
            .call(|origin, format| GroupGet::request(origin, link, format))
            .await
            .map_err(typed)
    }

    /// One of the groups the server keeps, read.
    pub async fn special_group(&self, which: SpecialGroup) -> ListResult<Group> {
        let groups = self.my_groups().await?;
        let links = &groups.links;
        let (link, rel) = match which {
            SpecialGroup::Default => (
                links.default_group.as_ref().map(Link::to_cast),
                "defaultGroup",
            ),
            SpecialGroup::Pinned => (
                links.pinned_group.as_ref().map(Link::to_cast),
                "pinnedGroup",
            ),
            SpecialGroup::Delegates => (
                links.delegates_group.as_ref().map(Link::to_cast),
                "delegatesGroup",
            ),
            SpecialGroup::Delegators => (
                links.delegators_group.as_ref().map(Link::to_cast),
                "delegatorsGroup",
            ),
            SpecialGroup::Organization => (
                links.my_organization_group.as_ref().map(Link::to_cast),
                "myOrganizationGroup",
            ),
        };
        let link: Link<Group> = required(link.as_ref(), "myGroups", rel)?;
        self.group_at(&link).await
    }

    /// The user's personal group named `name` (compared without case), if there is one.
    pub async fn group_named(&self, name: &str) -> ListResult<Option<Group>> {
        let groups = self.my_groups().await?;
        Ok(groups.embedded.group.into_iter().find(|g| {
            g.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name.trim()))
        }))
    }

    /// Makes a personal group named `name` (1 to 256 characters; unique among the user's
    /// groups, without case), and reads it back. A name in use is
    /// [`ContactListError::AlreadyExists`]; one group too many
    /// [`ContactListError::TooManyGroups`].
    pub async fn create_group(&self, name: &str) -> ListResult<Group> {
        let name = checked(name, "displayName", MAX_GROUP_NAME)?;
        let (client, link) = self.link(|l| l.my_groups.as_ref(), "myGroups")?;
        let link = link.cast();
        let body = MyGroups2PostBody {
            display_name: Some(name.clone()),
            ..MyGroups2PostBody::default()
        };
        client
            .call(|origin, format| version_2(MyGroups2Post::request(origin, &link, &body, format)))
            .await
            .map_err(typed)?;
        // The server answers 204: the group is read back from the list.
        self.group_named(&name)
            .await?
            .ok_or(ClientError::MissingLink {
                resource: "myGroups",
                rel: "group",
            })
    }

    /// Renames personal `group` to `name` (sent with `If-Match: *`: whatever version the
    /// server holds).
    pub async fn rename_group(&self, group: &Group, name: &str) -> ListResult<()> {
        let name = checked(name, "name", MAX_GROUP_NAME)?;
        let link = required(group.links.self_.as_ref(), "group", "self")?.cast();
        let body = Group2PutBody {
            id: group.id.clone(),
            name: Some(name),
            ..Group2PutBody::default()
        };
        let any = ETag::new("*")?;
        self.client()
            .call(|origin, format| {
                version_2(Group2Put::request(origin, &link, &body, &any, format))
            })
            .await
            .map_err(typed)
    }

    /// Deletes personal `group`: its contacts in no other group leave the list.
    pub async fn delete_group(&self, group: &Group) -> ListResult<()> {
        let link = required(group.links.self_.as_ref(), "group", "self")?.cast();
        self.client()
            .call(|origin, format| version_2(Group2Delete::request(origin, &link, format)))
            .await
            .map_err(typed)
    }

    /// Adds the person `uri` (a SIP URI or sign-in address, as search finds them) to `group`,
    /// or to the default group when `None`: the membership made. One too many contacts is
    /// [`ContactListError::TooManyContacts`]; already in the group,
    /// [`ContactListError::AlreadyExists`].
    pub async fn add_contact(
        &self,
        uri: &str,
        group: Option<&Group>,
    ) -> ListResult<MyGroupMembership> {
        let uri = checked(uri, "contactUri", MAX_CONTACT_URI)?;
        let (client, link) =
            self.link(|l| l.my_group_memberships.as_ref(), "myGroupMemberships")?;
        let link = link.cast();
        let group_id = group.and_then(|g| g.id.clone());
        let query = MyGroupMemberships2PostQuery {
            contact_uri: uri.clone(),
            group_id: group_id.clone(),
        };
        let body = MyGroupMemberships2PostBody {
            contact_uri: Some(uri),
            group_id,
            ..MyGroupMemberships2PostBody::default()
        };
        client
            .call(|origin, format| {
                version_2(MyGroupMemberships2Post::request(
                    origin, &link, &query, &body, format,
                ))
            })
            .await
            .map_err(typed)
    }

    /// The user's group memberships, of `group` alone when given: one per contact and group.
    pub async fn memberships(&self, group: Option<&Group>) -> ListResult<Vec<MyGroupMembership>> {
        let (client, link) =
            self.link(|l| l.my_group_memberships.as_ref(), "myGroupMemberships")?;
        let query = MyGroupMembershipsGetQuery {
            group_id: group.and_then(|g| g.id.clone()),
        };
        let memberships = client
            .call(|origin, format| MyGroupMembershipsGet::request(origin, &link, &query, format))
            .await
            .map_err(typed)?;
        Ok(memberships.embedded.my_group_membership)
    }

    /// Takes `contact` out of `group` (it stays on the list while it is in another).
    pub async fn remove_from_group(&self, contact: &Contact, group: &Group) -> ListResult<()> {
        let own = required(contact.links.self_.as_ref(), "contact", "self")?;
        let memberships = self.memberships(Some(group)).await?;
        let membership = memberships
            .iter()
            .find(|m| {
                m.links
                    .contact
                    .as_ref()
                    .is_some_and(|c| same(c.href.as_str(), own.href.as_str()))
            })
            .and_then(|m| m.links.self_.as_ref())
            .ok_or_else(|| {
                ClientError::Response(ucwa::ResponseError::Ucwa(ContactListError::NotFound(
                    Box::new(ErrorBody {
                        code: "NotFound".into(),
                        message: Some("the contact is not in this group".into()),
                        ..ErrorBody::default()
                    }),
                )))
            })?;
        let link = membership.to_cast();
        self.client()
            .call(|origin, format| {
                version_2(MyGroupMembership2Delete::request(origin, &link, format))
            })
            .await
            .map_err(typed)
    }

    /// Takes `contact` off the list: out of every group. It follows the
    /// `removeContactFromAllGroups` link of `myGroupMemberships` (read first), which servers
    /// give though no reference page lists it; without one, it posts where the reference's
    /// sample does, under `myGroupMemberships`
    /// (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/removecontactfromallgroups2_ref>).
    pub async fn remove_contact(&self, contact: &Contact) -> ListResult<()> {
        let uri = contact_uri(contact)?;
        let (client, memberships) =
            self.link(|l| l.my_group_memberships.as_ref(), "myGroupMemberships")?;
        let query = MyGroupMembershipsGetQuery::default();
        let read = client
            .call(|origin, format| {
                MyGroupMembershipsGet::request(origin, &memberships, &query, format)
            })
            .await
            .map_err(typed)?;
        let link = match read.links.remove_contact_from_all_groups {
            Some(link) => link,
            None => Link::to(format!(
                "{}/removeContactFromAllGroups",
                memberships.href.as_str().trim_end_matches('/')
            )),
        };
        let query = RemoveContactFromAllGroups2PostQuery {
            contact_uri: uri.clone(),
        };
        let body = RemoveContactFromAllGroups2PostBody {
            contact_uri: Some(uri),
            ..RemoveContactFromAllGroups2PostBody::default()
        };
        client
            .call(|origin, format| {
                version_2(RemoveContactFromAllGroups2Post::request(
                    origin, &link, &query, &body, format,
                ))
            })
            .await
            .map_err(typed)
    }

    /// Moves `contact` from `from` to `to`: added to `to` (already being there is fine), then
    /// taken out of `from`.
    pub async fn move_contact(
        &self,
        contact: &Contact,
        from: &Group,
        to: &Group,
    ) -> ListResult<()> {
        match self.copy_contact(contact, to).await {
            Ok(_)
            | Err(ClientError::Response(ucwa::ResponseError::Ucwa(
                ContactListError::AlreadyExists(_),
            ))) => {}
            Err(other) => return Err(other),
        }
        self.remove_from_group(contact, from).await
    }

    /// Copies `contact` into `to`, keeping it where it is.
    pub async fn copy_contact(
        &self,
        contact: &Contact,
        to: &Group,
    ) -> ListResult<MyGroupMembership> {
        let uri = contact_uri(contact)?;
        self.add_contact(&uri, Some(to)).await
    }

    /// Expands distribution group `group` (found by [`PeopleHandle::search`]) into at most
    /// `max` members; a group the server finds too large is
    /// [`ContactListError::TooManyMembers`].
    pub async fn expand(&self, group: &DistributionGroup, max: usize) -> ListResult<Expansion> {
        let link = required(
            group.links.expand_distribution_group.as_ref(),
            "distributionGroup",
            "expandDistributionGroup",
        )?;
        // The expansion is the group with its members embedded, which is how it is read.
        let link = link.cast();
        let expanded = self
            .client()
            .call(|origin, format| DistributionGroupGet::request(origin, &link, format))
            .await
            .map_err(typed)?;
        let mut contacts = expanded.embedded.contact;
        let mut groups = expanded.embedded.distribution_group;
        let truncated = contacts.len() + groups.len() > max;
        contacts.truncate(max);
        groups.truncate(max - contacts.len());
        Ok(Expansion {
            contacts,
            groups,
            truncated,
        })
    }

    /// Puts distribution group `group` on the contact list.
    pub async fn add_distribution_group(&self, group: &DistributionGroup) -> ListResult<()> {
        let link = required(
            group.links.add_to_contact_list.as_ref(),
            "distributionGroup",
            "addToContactList",
        )?;
        let name = checked(
            group.name.as_deref().unwrap_or_default(),
            "displayName",
            MAX_GROUP_NAME,
        )
        .or_else(|_| {
            checked(
                group.id.as_deref().unwrap_or_default(),
                "displayName",
                MAX_GROUP_NAME,
            )
        })?;
        let address = group
            .uri
            .as_ref()
            .map(|u| u.as_str().trim_start_matches("sip:").to_owned())
            .or_else(|| group.id.clone())
            .unwrap_or_default();
        let address = checked(&address, "smtpAddress", MAX_CONTACT_URI)?;
        let query = AddToContactListPostQuery {
            display_name: name.clone(),
            smtp_address: address.clone(),
        };
        let body = AddToContactListPostBody {
            display_name: Some(name),
            smtp_address: Some(address),
            ..AddToContactListPostBody::default()
        };
        self.client()
            .call(|origin, format| {
                AddToContactListPost::request(origin, &link, &query, &body, format)
            })
            .await
            .map_err(typed)
    }

    /// Takes distribution group `group` off the contact list (read it from the list or a
    /// search again after adding it: only then does it link `removeFromContactList`).
    pub async fn remove_distribution_group(&self, group: &DistributionGroup) -> ListResult<()> {
        let link = required(
            group.links.remove_from_contact_list.as_ref(),
            "distributionGroup",
            "removeFromContactList",
        )?;
        let id = checked(
            group.id.as_deref().unwrap_or_default(),
            "groupId",
            MAX_GROUP_NAME,
        )?;
        let query = RemoveFromContactListPostQuery {
            group_id: id.clone(),
        };
        let body = RemoveFromContactListPostBody {
            group_id: Some(id),
            ..RemoveFromContactListPostBody::default()
        };
        self.client()
            .call(|origin, format| {
                RemoveFromContactListPost::request(origin, &link, &query, &body, format)
            })
            .await
            .map_err(typed)
    }

    /// The distribution groups on the user's list.
    pub async fn distribution_groups(&self) -> ListResult<Vec<DistributionGroup>> {
        Ok(self.my_groups().await?.embedded.distribution_group)
    }

    async fn list_subscription(&self) -> ListResult<MyContactsAndGroupsSubscription> {
        let (client, link) = self.link(
            |l| l.my_contacts_and_groups_subscription.as_ref(),
            "myContactsAndGroupsSubscription",
        )?;
        client
            .call(|origin, format| {
                MyContactsAndGroupsSubscriptionGet::request(origin, &link, format)
            })
            .await
            .map_err(typed)
    }

    /// Starts the subscription to the contact list's changes for `minutes` (10 to 60), or
    /// extends the one that lives: until it ends, this application's event channel hears
    /// every change of the list ([`list_change`]).
    pub async fn start_list_subscription(
        &self,
        minutes: u32,
    ) -> ListResult<MyContactsAndGroupsSubscription> {
        let subscription = self.list_subscription().await?;
        let link = required(
            subscription
                .links
                .start_or_refresh_subscription_to_contacts_and_groups
                .as_ref(),
            "myContactsAndGroupsSubscription",
            "startOrRefreshSubscriptionToContactsAndGroups",
        )?;
        let query = StartOrRefreshSubscriptionToContactsAndGroupsPostQuery {
            duration: minutes.to_string(),
        };
        let body = StartOrRefreshSubscriptionToContactsAndGroupsPostBody {
            duration: Some(minutes.into()),
            ..StartOrRefreshSubscriptionToContactsAndGroupsPostBody::default()
        };
        self.client()
            .call(|origin, format| {
                StartOrRefreshSubscriptionToContactsAndGroupsPost::request(
                    origin, &link, &query, &body, format,
                )
            })
            .await
            .map_err(typed)
    }

    /// Stops the subscription to the list's changes.
    pub async fn stop_list_subscription(&self) -> ListResult<()> {
        let subscription = self.list_subscription().await?;
        let link = required(
            subscription
                .links
                .stop_subscription_to_contacts_and_groups
                .as_ref(),
            "myContactsAndGroupsSubscription",
            "stopSubscriptionToContactsAndGroups",
        )?;
        self.client()
            .call(|origin, format| {
                StopSubscriptionToContactsAndGroupsPost::request(origin, &link, format)
            })
            .await
            .map_err(typed)
    }

    /// The whole list as the server has it now: every group with its contacts, the contacts
    /// on the list, the distribution groups on it. One request per group and two more.
    pub async fn contact_list(&self) -> ListResult<ContactList> {
        let groups = self.my_groups().await?;
        let mut found: Vec<Group> = groups.embedded.group.clone();
        let links = &groups.links;
        let linked: [Option<Link<Group>>; 5] = [
            links.default_group.as_ref().map(Link::to_cast),
            links.pinned_group.as_ref().map(Link::to_cast),
            links.delegates_group.as_ref().map(Link::to_cast),
            links.delegators_group.as_ref().map(Link::to_cast),
            links.my_organization_group.as_ref().map(Link::to_cast),
        ];
        for link in linked.iter().flatten() {
            found.push(self.group_at(link).await?);
        }
        let mut list = ContactList::default();
        for group in found {
            let contacts = self.contacts_of(&group).await?;
            list.put_group(&group, contacts);
        }
        let (client, link) = self.link(|l| l.my_contacts.as_ref(), "myContacts")?;
        let query = MyContactsGetQuery::default();
        let contacts = client
            .call(|origin, format| MyContactsGet::request(origin, &link, &query, format))
            .await
            .map_err(typed)?;
        list.contacts = contacts
            .embedded
            .contact
            .iter()
            .filter_map(|c| c.links.self_.as_ref().map(|l| key(l.href.as_str())))
            .collect();
        list.distribution_groups = groups
            .embedded
            .distribution_group
            .iter()
            .filter_map(|d| {
                let own = d.links.self_.as_ref()?;
                Some((key(own.href.as_str()), d.name.clone()))
            })
            .collect();
        Ok(list)
    }

    async fn contacts_of(&self, group: &Group) -> ListResult<Vec<Contact>> {
        let link = required(
            group.links.group_contacts.as_ref(),
            "group",
            "groupContacts",
        )?;
        let query = GroupContactsGetQuery::default();
        let contacts = self
            .client()
            .call(|origin, format| GroupContactsGet::request(origin, &link, &query, format))
            .await
            .map_err(typed)?;
        Ok(contacts.embedded.contact)
    }

    /// Reads again what `list` marked stale ([`ContactList::stale`]): each group an event
    /// said changed without saying how.
    pub async fn refresh(&self, list: &mut ContactList) -> ListResult<()> {
        let stale: Vec<String> = list.stale.iter().cloned().collect();
        for href in stale {
            let group = self.group_at(&Link::to(href.clone())).await?;
            let contacts = self.contacts_of(&group).await?;
            list.put_group(&group, contacts);
            list.stale.remove(&href);
        }
        Ok(())
    }
}

/// An href without its scheme and host: servers send events with absolute URLs and resources
/// with paths (as the reference's samples do), and both name the same resource.
fn key(href: &str) -> String {
    for scheme in ["https://", "http://"] {
        if href
            .get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        {
            let after = &href[scheme.len()..];
            return match after.find('/') {
                Some(slash) => after[slash..].to_owned(),
                None => "/".to_owned(),
            };
        }
    }
    href.to_owned()
}

fn same(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

/// The rel of a group type, as events name it.
fn group_rel(rel: GroupRel) -> &'static str {
    match rel {
        GroupRel::DefaultGroup => "defaultGroup",
        GroupRel::PinnedGroup => "pinnedGroup",
        GroupRel::DelegatesGroup => "delegatesGroup",
        GroupRel::DelegatorsGroup => "delegatorsGroup",
        GroupRel::MyOrganizationGroup => "myOrganizationGroup",
        _ => "group",
    }
}

const GROUP_RELS: [&str; 6] = [
    "group",
    "defaultGroup",
    "pinnedGroup",
    "delegatesGroup",
    "delegatorsGroup",
    "myOrganizationGroup",
];

/// One change of the contact list, from an event of the subscription to it
/// ([`list_change`]). Links are as the server sent them.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ListChange {
    /// A group was made (or appeared: the server's groups are announced so too).
    GroupAdded {
        /// Its link.
        link: Link,
        /// Its rel (`group`, `pinnedGroup`, …).
        rel: String,
        /// The group, when the event embeds it.
        group: Option<Box<Group>>,
    },
    /// A group changed: its name, or (the delegators and organization groups) who is in it.
    GroupUpdated {
        /// Its link.
        link: Link,
        /// Its rel.
        rel: String,
        /// The group, when the event embeds it.
        group: Option<Box<Group>>,
    },
    /// A group was deleted.
    GroupRemoved {
        /// Its link.
        link: Link,
        /// Its rel.
        rel: String,
    },
    /// A contact joined a group, or the list itself (`group` is `None`: `myContacts`).
    ContactAdded {
        /// The contact's link.
        contact: Link,
        /// The group's link.
        group: Option<Link>,
    },
    /// A contact left a group, or the list itself (`group` is `None`).
    ContactRemoved {
        /// The contact's link.
        contact: Link,
        /// The group's link.
        group: Option<Link>,
    },
    /// A distribution group was put on the list.
    DistributionGroupAdded {
        /// Its link.
        link: Link,
        /// The group, when the event embeds it.
        group: Option<Box<DistributionGroup>>,
    },
    /// A distribution group was taken off the list.
    DistributionGroupRemoved {
        /// Its link.
        link: Link,
    },
    /// The subscription to the list's changes started, was extended or stopped.
    SubscriptionUpdated,
}

/// The change of the contact list `event` announces, if it is one: events about groups in
/// `myGroups`, about contacts in a group or in `myContacts`, about distribution groups, and
/// about the subscription itself. Presence subscriptions' events (`subscribedContacts`) are
/// not.
pub fn list_change(event: &Event<AnyResource>) -> Option<ListChange> {
    let in_rel = event.in_rel.as_deref();
    let rel = event.rel.as_str();
    if rel == "myContactsAndGroupsSubscription" {
        return Some(ListChange::SubscriptionUpdated);
    }
    if GROUP_RELS.contains(&rel) && matches!(in_rel, None | Some("myGroups")) {
        let group = match &event.resource {
            Some(AnyResource::Group(group)) => Some(group.clone()),
            _ => None,
        };
        let link = event.link.clone();
        let rel = rel.to_owned();
        return match event.event_type {
            EventType::Added => Some(ListChange::GroupAdded { link, rel, group }),
            EventType::Updated => Some(ListChange::GroupUpdated { link, rel, group }),
            EventType::Deleted => Some(ListChange::GroupRemoved { link, rel }),
            _ => None,
        };
    }
    if rel == "distributionGroup" && in_rel == Some("myGroups") {
        let link = event.link.clone();
        return match event.event_type {
            EventType::Added => Some(ListChange::DistributionGroupAdded {
                link,
                group: match &event.resource {
                    Some(AnyResource::DistributionGroup(group)) => Some(group.clone()),
                    _ => None,
                },
            }),
            EventType::Deleted => Some(ListChange::DistributionGroupRemoved { link }),
            _ => None,
        };
    }
    if rel == "contact" {
        let group = match in_rel {
            Some("myContacts") => None,
            Some(r) if GROUP_RELS.contains(&r) => Some(event.in_link.clone()?),
            _ => return None,
        };
        let contact = event.link.clone();
        return match event.event_type {
            EventType::Added => Some(ListChange::ContactAdded { contact, group }),
            EventType::Deleted => Some(ListChange::ContactRemoved { contact, group }),
            _ => None,
        };
    }
    None
}

/// A group of a [`ContactList`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListedGroup {
    /// Its rel (`group`, `defaultGroup`, `pinnedGroup`, …).
    pub rel: String,
    /// Its id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its contacts' links (paths).
    pub contacts: BTreeSet<String>,
}

/// A copy of the contact list, kept in step by applying each [`ListChange`]: read it whole
/// with [`PeopleHandle::contact_list`], subscribe ([`PeopleHandle::start_list_subscription`]),
/// and [`ContactList::apply`] what [`list_change`] finds in each event. Resources are keyed by
/// the path of their link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactList {
    groups: BTreeMap<String, ListedGroup>,
    contacts: BTreeSet<String>,
    distribution_groups: BTreeMap<String, Option<String>>,
    /// Groups an event said changed without saying how: [`PeopleHandle::refresh`] reads them.
    stale: BTreeSet<String>,
}

impl ContactList {
    /// The groups, by the path of their link.
    pub fn groups(&self) -> &BTreeMap<String, ListedGroup> {
        &self.groups
    }

    /// The group named `name` (compared without case).
    pub fn group_named(&self, name: &str) -> Option<&ListedGroup> {
        self.groups.values().find(|g| {
            g.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    }

    /// The contacts on the list, by the path of their link.
    pub fn contacts(&self) -> &BTreeSet<String> {
        &self.contacts
    }

    /// The distribution groups on the list: path and name.
    pub fn distribution_groups(&self) -> &BTreeMap<String, Option<String>> {
        &self.distribution_groups
    }

    /// The groups an event said changed without saying how: read them again with
    /// [`PeopleHandle::refresh`] to be in step.
    pub fn stale(&self) -> &BTreeSet<String> {
        &self.stale
    }

    fn put_group(&mut self, group: &Group, contacts: Vec<Contact>) {
        let Some(own) = &group.links.self_ else {
            return;
        };
        self.groups.insert(
            key(own.href.as_str()),
            ListedGroup {
                rel: group_rel(group.rel).to_owned(),
                id: group.id.clone(),
                name: group.name.clone(),
                contacts: contacts
                    .iter()
                    .filter_map(|c| c.links.self_.as_ref().map(|l| key(l.href.as_str())))
                    .collect(),
            },
        );
    }

    /// Applies `change`; whether the copy is complete after it (`false`: some group must be
    /// read again, [`ContactList::stale`]).
    pub fn apply(&mut self, change: &ListChange) -> bool {
        match change {
            ListChange::GroupAdded { link, rel, group }
            | ListChange::GroupUpdated { link, rel, group } => {
                let href = key(link.href.as_str());
                match group {
                    Some(group)
                        if !matches!(rel.as_str(), "delegatorsGroup" | "myOrganizationGroup") =>
                    {
                        let entry = self.groups.entry(href).or_default();
                        entry.rel = rel.clone();
                        entry.id = group.id.clone();
                        entry.name = group.name.clone();
                    }
                    _ => {
                        self.groups.entry(href.clone()).or_default().rel = rel.clone();
                        self.stale.insert(href);
                    }
                }
            }
            ListChange::GroupRemoved { link, .. } => {
                let href = key(link.href.as_str());
                self.groups.remove(&href);
                self.stale.remove(&href);
            }
            ListChange::ContactAdded { contact, group } => {
                let contact = key(contact.href.as_str());
                match group {
                    None => {
                        self.contacts.insert(contact);
                    }
                    Some(group) => {
                        let href = key(group.href.as_str());
                        if !self.groups.contains_key(&href) {
                            self.stale.insert(href.clone());
                        }
                        self.groups
                            .entry(href)
                            .or_default()
                            .contacts
                            .insert(contact);
                    }
                }
            }
            ListChange::ContactRemoved { contact, group } => {
                let contact = key(contact.href.as_str());
                match group {
                    None => {
                        self.contacts.remove(&contact);
                    }
                    Some(group) => {
                        if let Some(group) = self.groups.get_mut(&key(group.href.as_str())) {
                            group.contacts.remove(&contact);
                        }
                    }
                }
            }
            ListChange::DistributionGroupAdded { link, group } => {
                self.distribution_groups.insert(
                    key(link.href.as_str()),
                    group.as_ref().and_then(|g| g.name.clone()),
                );
            }
            ListChange::DistributionGroupRemoved { link } => {
                self.distribution_groups.remove(&key(link.href.as_str()));
            }
            ListChange::SubscriptionUpdated => {}
        }
        self.stale.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_the_scheme_and_host() {
        assert_eq!(
            key("https://fe1.contoso.com:443/ucwa/v1/x?y=1"),
            "/ucwa/v1/x?y=1"
        );
        assert_eq!(key("/ucwa/v1/x"), "/ucwa/v1/x");
        assert_eq!(key("HTTP://host"), "/");
        assert!(same("http://a/b", "/b"));
    }

    #[test]
    fn the_reference_samples_become_changes() {
        // The event of the reference's `group2` page, added contact in a group.
        let mut event = Event::new(
            EventType::Added,
            "contact",
            Link::new("https://fe1.contoso.com:443/ucwa/v1/applications/192/people/282"),
        );
        event.in_rel = Some("group".into());
        event.in_link = Some(Link::new(
            "https://fe1.contoso.com:443/ucwa/v1/applications/192/groups/group",
        ));
        let change = list_change(&event).unwrap();
        let mut list = ContactList::default();
        assert!(!list.apply(&change), "a group not seen yet is stale");
        assert!(
            list.groups["/ucwa/v1/applications/192/groups/group"]
                .contacts
                .contains("/ucwa/v1/applications/192/people/282")
        );
        // A presence subscription's contact is no change of the list.
        event.in_rel = Some("subscribedContacts".into());
        assert!(list_change(&event).is_none());
    }
}
