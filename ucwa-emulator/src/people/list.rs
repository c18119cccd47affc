//! Contact lists without HTTP: each user's groups and who is in them, the groups the server
//! makes (default, pinned, delegates), the distribution groups a user put on their list, and
//! the privacy relationship the user chose for each contact.
//!
//! Contacts are directory users, kept by their index; a contact is on the list while it is in
//! at least one of the user's groups (default, pinned, delegates or personal). The default
//! group is where a contact goes when no group is named, and every user's list starts with
//! everyone else of the directory in it (as the emulator had it before lists could change).
//! Group names are unique per user, compared without case, the server's names included.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use ucwa::enumerations::PrivacyRelationshipLevel;

/// The id of the default group, as the walkthroughs spell it.
pub(super) const DEFAULT_GROUP: &str = "default_group_id";

/// Its name.
pub(super) const DEFAULT_GROUP_NAME: &str = "Other Contacts";

/// The ids and names of the groups the server makes.
pub(super) const PINNED_GROUP: &str = "pinned_group_id";
pub(super) const PINNED_GROUP_NAME: &str = "Favorites";
pub(super) const DELEGATES_GROUP: &str = "delegates_group_id";
pub(super) const DELEGATES_GROUP_NAME: &str = "Delegates";
pub(super) const DELEGATORS_GROUP: &str = "delegators_group_id";
pub(super) const DELEGATORS_GROUP_NAME: &str = "Delegators";
pub(super) const ORGANIZATION_GROUP: &str = "my_organization_group_id";
pub(super) const ORGANIZATION_GROUP_NAME: &str = "My Organization";

/// The longest group name (the reference's `name`).
pub(super) const MAX_GROUP_NAME: usize = 256;

/// What kind of group an id names; its rel on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Default,
    Pinned,
    Delegates,
    /// Who made the user their delegate: kept by the others' lists, read only.
    Delegators,
    /// Everyone of the user's domain: from the directory, read only.
    Organization,
    Personal,
}

impl Kind {
    /// The group's rel (and the `in` rel of events about its contacts).
    pub(super) fn rel(self) -> &'static str {
        match self {
            Kind::Default => "defaultGroup",
            Kind::Pinned => "pinnedGroup",
            Kind::Delegates => "delegatesGroup",
            Kind::Delegators => "delegatorsGroup",
            Kind::Organization => "myOrganizationGroup",
            Kind::Personal => "group",
        }
    }

    /// The kind of the server's group `id`, or `Personal`.
    pub(super) fn of(id: &str) -> Kind {
        match id {
            DEFAULT_GROUP => Kind::Default,
            PINNED_GROUP => Kind::Pinned,
            DELEGATES_GROUP => Kind::Delegates,
            DELEGATORS_GROUP => Kind::Delegators,
            ORGANIZATION_GROUP => Kind::Organization,
            _ => Kind::Personal,
        }
    }
}

/// A group the list keeps (not the delegators or organization group, which are computed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: Kind,
    /// Directory indexes, each once, in the order added.
    pub(super) members: Vec<usize>,
}

/// One user's contact list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ContactList {
    /// Default, pinned and delegates first, then the personal groups in the order made.
    pub(super) groups: Vec<Group>,
    /// Numbers the personal groups' ids.
    next: u64,
    /// The ids of the distribution groups on the list, in the order added.
    pub(super) distribution: Vec<String>,
    /// The relationship the user set for a contact; absent is the default.
    privacy: BTreeMap<usize, PrivacyRelationshipLevel>,
}

/// Why a change was refused; each is answered with the reference's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// No such group (404).
    NoGroup,
    /// The contact is not in that group (404).
    NotMember,
    /// The group is the server's: it cannot be renamed or deleted, or (delegators,
    /// organization) changed at all (403).
    SystemGroup,
    /// The name is another group's (409 `AlreadyExists`).
    NameTaken,
    /// The contact is in that group already (409 `AlreadyExists`).
    AlreadyMember,
    /// The user has `max_groups_per_user` personal groups (409 `TooManyGroups`).
    TooManyGroups,
    /// The list holds `max_contacts_per_user` contacts (409 `LimitExceeded`).
    TooManyContacts,
    /// The distribution group is on the list already (409 `AlreadyExists`).
    DistributionTaken,
    /// The list holds `max_groups_per_user` distribution groups (409 `TooManyGroups`).
    TooManyDistributionGroups,
    /// The distribution group is not on the list (404).
    NoDistribution,
}

/// What an addition did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Added {
    /// The group's id and kind.
    pub(super) group: String,
    pub(super) kind: Kind,
    /// Whether the contact was on the list before.
    pub(super) new_to_list: bool,
}

impl ContactList {
    /// A new list: `contacts` in the default group, the pinned and delegates groups empty.
    pub(super) fn new(contacts: impl IntoIterator<Item = usize>) -> ContactList {
        let system = |id: &str, name: &str, kind| Group {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            members: Vec::new(),
        };
        let mut default = system(DEFAULT_GROUP, DEFAULT_GROUP_NAME, Kind::Default);
        default.members = contacts.into_iter().collect();
        ContactList {
            groups: vec![
                default,
                system(PINNED_GROUP, PINNED_GROUP_NAME, Kind::Pinned),
                system(DELEGATES_GROUP, DELEGATES_GROUP_NAME, Kind::Delegates),
            ],
            next: 0,
            distribution: Vec::new(),
            privacy: BTreeMap::new(),
        }
    }

    /// The group `id` the list keeps.
    pub(super) fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Everyone on the list, each once, in the order of the groups.
    pub(super) fn contacts(&self) -> Vec<usize> {
        let mut contacts: Vec<usize> = Vec::new();
        for group in &self.groups {
            for member in &group.members {
                if !contacts.contains(member) {
                    contacts.push(*member);
                }
            }
        }
        contacts
    }

    /// Whether `contact` is on the list.
    pub(super) fn has(&self, contact: usize) -> bool {
        self.groups.iter().any(|g| g.members.contains(&contact))
    }

    fn personal(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| g.kind == Kind::Personal)
            .count()
    }

    fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        let reserved = [DELEGATORS_GROUP_NAME, ORGANIZATION_GROUP_NAME];
        reserved.iter().any(|r| r.eq_ignore_ascii_case(name))
            || self
                .groups
                .iter()
                .any(|g| Some(g.id.as_str()) != except && g.name.eq_ignore_ascii_case(name))
    }

    /// Makes a personal group named `name` (trimmed, checked by the caller); its id.
    pub(super) fn create_group(&mut self, name: &str, max: usize) -> Result<String, Refused> {
        if self.name_taken(name, None) {
            return Err(Refused::NameTaken);
        }
        if self.personal() >= max {
            return Err(Refused::TooManyGroups);
        }
        self.next += 1;
        let id = format!("group{}", self.next);
        self.groups.push(Group {
            id: id.clone(),
            name: name.to_owned(),
            kind: Kind::Personal,
            members: Vec::new(),
        });
        Ok(id)
    }

    fn personal_mut(&mut self, id: &str) -> Result<&mut Group, Refused> {
        match Kind::of(id) {
            Kind::Personal => self
                .groups
                .iter_mut()
                .find(|g| g.id == id)
                .ok_or(Refused::NoGroup),
            _ => Err(Refused::SystemGroup),
        }
    }

    /// Renames personal group `id`.
    pub(super) fn rename_group(&mut self, id: &str, name: &str) -> Result<(), Refused> {
        self.personal_mut(id)?;
        if self.name_taken(name, Some(id)) {
            return Err(Refused::NameTaken);
        }
        self.personal_mut(id)?.name = name.to_owned();
        Ok(())
    }

    /// Deletes personal group `id`; its members that are in no other group leave the list
    /// (returned).
    pub(super) fn delete_group(&mut self, id: &str) -> Result<Vec<usize>, Refused> {
        self.personal_mut(id)?;
        let position = self.groups.iter().position(|g| g.id == id);
        let Some(group) = position.map(|p| self.groups.remove(p)) else {
            return Err(Refused::NoGroup);
        };
        Ok(group
            .members
            .into_iter()
            .filter(|m| !self.has(*m))
            .collect())
    }

    /// Adds `contact` to group `id` (the default group when `None`). A contact new to the list
    /// counts against `max_contacts`.
    pub(super) fn add(
        &mut self,
        contact: usize,
        id: Option<&str>,
        max_contacts: usize,
    ) -> Result<Added, Refused> {
        let id = id.unwrap_or(DEFAULT_GROUP);
        let kind = Kind::of(id);
        if matches!(kind, Kind::Delegators | Kind::Organization) {
            return Err(Refused::SystemGroup);
        }
        let new_to_list = !self.has(contact);
        let count = self.contacts().len();
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or(Refused::NoGroup)?;
        if group.members.contains(&contact) {
            return Err(Refused::AlreadyMember);
        }
        if new_to_list && count >= max_contacts {
            return Err(Refused::TooManyContacts);
        }
        group.members.push(contact);
        Ok(Added {
            group: id.to_owned(),
            kind,
            new_to_list,
        })
    }

    /// Takes `contact` out of group `id`; whether it left the list with it.
    pub(super) fn remove(&mut self, contact: usize, id: &str) -> Result<bool, Refused> {
        if matches!(Kind::of(id), Kind::Delegators | Kind::Organization) {
            return Err(Refused::SystemGroup);
        }
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or(Refused::NoGroup)?;
        let before = group.members.len();
        group.members.retain(|m| *m != contact);
        if group.members.len() == before {
            return Err(Refused::NotMember);
        }
        Ok(!self.has(contact))
    }

    /// Takes `contact` out of every group; the ids and kinds of those it was in.
    pub(super) fn remove_everywhere(&mut self, contact: usize) -> Vec<(String, Kind)> {
        let mut left = Vec::new();
        for group in &mut self.groups {
            let before = group.members.len();
            group.members.retain(|m| *m != contact);
            if group.members.len() != before {
                left.push((group.id.clone(), group.kind));
            }
        }
        left
    }

    /// Puts distribution group `id` on the list; at most `max` of them.
    pub(super) fn add_distribution(&mut self, id: &str, max: usize) -> Result<(), Refused> {
        if self.distribution.iter().any(|d| d == id) {
            return Err(Refused::DistributionTaken);
        }
        if self.distribution.len() >= max {
            return Err(Refused::TooManyDistributionGroups);
        }
        self.distribution.push(id.to_owned());
        Ok(())
    }

    /// Takes distribution group `id` off the list.
    pub(super) fn remove_distribution(&mut self, id: &str) -> Result<(), Refused> {
        let before = self.distribution.len();
        self.distribution.retain(|d| d != id);
        if self.distribution.len() == before {
            return Err(Refused::NoDistribution);
        }
        Ok(())
    }

    /// The relationship the user has with `contact`: what they set, or `Colleagues`, what a
    /// server gives a contact of the same enterprise when nobody set one.
    pub(super) fn relationship(&self, contact: usize) -> PrivacyRelationshipLevel {
        self.privacy
            .get(&contact)
            .cloned()
            .unwrap_or(PrivacyRelationshipLevel::Colleagues)
    }

    /// Every relationship the user set, by contact.
    pub(super) fn relationships(&self) -> &BTreeMap<usize, PrivacyRelationshipLevel> {
        &self.privacy
    }

    /// Sets (`Some`) or resets (`None`) the relationship with `contact`; whether it changed.
    pub(super) fn set_relationship(
        &mut self,
        contact: usize,
        level: Option<PrivacyRelationshipLevel>,
    ) -> bool {
        let before = self.relationship(contact);
        match level {
            Some(level) => {
                self.privacy.insert(contact, level);
            }
            None => {
                self.privacy.remove(&contact);
            }
        }
        self.relationship(contact) != before
    }
}

/// Every user's list, by directory index (in the emulator's slots), made on first use.
#[derive(Debug, Default)]
pub(super) struct Lists {
    pub(super) by_user: HashMap<usize, ContactList>,
}

impl Lists {
    /// The list of `user`, made from `contacts` the first time.
    pub(super) fn of(
        &mut self,
        user: usize,
        contacts: impl FnOnce() -> Vec<usize>,
    ) -> &mut ContactList {
        self.by_user
            .entry(user)
            .or_insert_with(|| ContactList::new(contacts()))
    }

    /// Who has `user` in their delegates group (those whose lists exist: a list not made yet
    /// has no delegates).
    pub(super) fn delegators_of(&self, user: usize) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .by_user
            .iter()
            .filter(|(_, list)| {
                list.group(DELEGATES_GROUP)
                    .is_some_and(|g| g.members.contains(&user))
            })
            .map(|(owner, _)| *owner)
            .collect();
        found.sort_unstable();
        found
    }
}

/// The subscription of one application to its user's list's changes (in its slots): live
/// until `until` on the emulator's clock.
#[derive(Debug, Default)]
pub(super) struct Watch {
    pub(super) until: Option<Duration>,
}

impl Watch {
    pub(super) fn live(&self, now: Duration) -> bool {
        self.until.is_some_and(|until| until > now)
    }
}

/// What someone whose relationship with the viewer is `level` may see of their presence: the
/// availability, the activity, and the note and location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shown {
    /// Nothing: they appear offline.
    Nothing,
    /// The availability only.
    Availability,
    /// Everything they publish.
    Everything,
}

pub(super) fn shown(level: &PrivacyRelationshipLevel) -> Shown {
    match level {
        PrivacyRelationshipLevel::Blocked => Shown::Nothing,
        PrivacyRelationshipLevel::External | PrivacyRelationshipLevel::Unknown => {
            Shown::Availability
        }
        _ => Shown::Everything,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_list_holds_the_directory_in_the_default_group() {
        let list = ContactList::new([1, 2]);
        assert_eq!(list.contacts(), vec![1, 2]);
        assert_eq!(list.group(DEFAULT_GROUP).unwrap().name, "Other Contacts");
        assert!(list.group(PINNED_GROUP).unwrap().members.is_empty());
    }

    #[test]
    fn groups_have_unique_names_and_are_bounded() {
        let mut list = ContactList::new([1]);
        let team = list.create_group("Team", 2).unwrap();
        assert_eq!(team, "group1");
        assert_eq!(list.create_group("team", 2), Err(Refused::NameTaken));
        assert_eq!(list.create_group("favorites", 2), Err(Refused::NameTaken));
        assert_eq!(
            list.create_group("My Organization", 2),
            Err(Refused::NameTaken)
        );
        let other = list.create_group("Other", 2).unwrap();
        assert_eq!(list.create_group("Third", 2), Err(Refused::TooManyGroups));
        assert_eq!(list.rename_group(&other, "TEAM"), Err(Refused::NameTaken));
        assert_eq!(list.rename_group(&other, "other"), Ok(()));
        assert_eq!(list.group(&other).unwrap().name, "other");
        assert_eq!(
            list.rename_group(DEFAULT_GROUP, "Mine"),
            Err(Refused::SystemGroup)
        );
        assert_eq!(list.delete_group(PINNED_GROUP), Err(Refused::SystemGroup));
        assert_eq!(list.delete_group("group9"), Err(Refused::NoGroup));
        assert_eq!(list.delete_group(&team), Ok(vec![]));
        assert!(list.group(&team).is_none());
    }

    #[test]
    fn contacts_join_and_leave_groups_and_the_list() {
        let mut list = ContactList::new([1]);
        let team = list.create_group("Team", 5).unwrap();
        let added = list.add(2, Some(&team), 2).unwrap();
        assert!(added.new_to_list);
        assert_eq!(added.kind, Kind::Personal);
        assert_eq!(list.add(2, Some(&team), 2), Err(Refused::AlreadyMember));
        assert_eq!(list.add(3, None, 2), Err(Refused::TooManyContacts));
        // Copying one already on the list does not count against the bound.
        assert!(!list.add(1, Some(&team), 2).unwrap().new_to_list);
        assert_eq!(list.add(1, Some("nope"), 2), Err(Refused::NoGroup));
        assert_eq!(
            list.add(1, Some(ORGANIZATION_GROUP), 2),
            Err(Refused::SystemGroup)
        );
        // Move 1 out of the default group: still on the list.
        assert_eq!(list.remove(1, DEFAULT_GROUP), Ok(false));
        assert_eq!(list.remove(1, DEFAULT_GROUP), Err(Refused::NotMember));
        assert!(list.has(1) && list.group(&team).unwrap().members.contains(&1));
        assert_eq!(
            list.add(1, Some(PINNED_GROUP), 2).unwrap().kind,
            Kind::Pinned
        );
        let left = list.remove_everywhere(1);
        assert_eq!(left.len(), 2);
        assert!(!list.has(1));
        // Deleting a group drops those only in it.
        assert_eq!(list.delete_group(&team), Ok(vec![2]));
        assert!(list.contacts().is_empty());
    }

    #[test]
    fn distribution_groups_and_privacy() {
        let mut list = ContactList::new([1]);
        list.add_distribution("sales", 1).unwrap();
        assert_eq!(
            list.add_distribution("sales", 2),
            Err(Refused::DistributionTaken)
        );
        assert_eq!(
            list.add_distribution("it", 1),
            Err(Refused::TooManyDistributionGroups)
        );
        assert_eq!(list.remove_distribution("it"), Err(Refused::NoDistribution));
        list.remove_distribution("sales").unwrap();
        assert_eq!(list.relationship(1), PrivacyRelationshipLevel::Colleagues);
        assert!(list.set_relationship(1, Some(PrivacyRelationshipLevel::Blocked)));
        assert_eq!(shown(&list.relationship(1)), Shown::Nothing);
        assert!(!list.set_relationship(1, Some(PrivacyRelationshipLevel::Blocked)));
        assert!(list.set_relationship(1, None));
        assert_eq!(shown(&list.relationship(1)), Shown::Everything);
    }

    #[test]
    fn delegators_are_those_who_named_the_user() {
        let mut lists = Lists::default();
        lists
            .of(0, || vec![1, 2])
            .add(1, Some(DELEGATES_GROUP), 10)
            .unwrap();
        lists
            .of(2, || vec![0, 1])
            .add(1, Some(DELEGATES_GROUP), 10)
            .unwrap();
        assert_eq!(lists.delegators_of(1), vec![0, 2]);
        assert!(lists.delegators_of(0).is_empty());
    }
}
