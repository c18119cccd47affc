//! The people of the deployment the emulator stands for: who may sign in, and what each one
//! publishes (availability, activity, note, location, photo) for their own applications and
//! their contacts to read.
//!
//! The configured user ([`crate::Config::user`]) is the first; [`crate::Config::people`] are
//! the others. Everyone's contact list starts with everyone else in it, in the default group,
//! so that two users of the same emulator can see each other's presence and message each other
//! without setting anything up; each user's list then changes on its own. The directory's
//! distribution groups ([`DistributionList`]) are found by search and expanded.

use std::sync::{Arc, Mutex, MutexGuard};

use ucwa::enumerations::Availability;

use crate::lock::lock;

/// Someone else who can sign in to the emulator ([`crate::Config::people`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The sign-in address (`user@domain`); the SIP URI is `sip:` and this.
    pub address: String,
    /// The display name.
    pub name: String,
    /// The password of the `password` grant.
    pub password: String,
    /// The availability others see before this person sets any (`Online` by default; a
    /// person who never signs in stays as configured, which is how a test meets someone
    /// `Offline`).
    pub availability: Availability,
}

impl Person {
    /// A person with this address, name and password, `Online`.
    pub fn new(address: &str, name: &str, password: &str) -> Person {
        Person {
            address: address.to_owned(),
            name: name.to_owned(),
            password: password.to_owned(),
            availability: Availability::Online,
        }
    }

    /// The same person with another initial availability.
    pub fn availability(mut self, availability: Availability) -> Person {
        self.availability = availability;
        self
    }
}

/// A distribution group of the directory ([`crate::Config::distribution_groups`]): a
/// mail-enabled group users find by search, put on their contact list and expand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistributionList {
    /// Its mail address, which is also its id (`sales@contoso.com`).
    pub address: String,
    /// The display name.
    pub name: String,
    /// Its members by address: someone who can sign in, someone the directory does not
    /// know (shown with their address as name), or another distribution group (nested, not
    /// expanded with this one).
    pub members: Vec<String>,
}

impl DistributionList {
    /// A group with this address and name, and these members.
    pub fn new(address: &str, name: &str, members: &[&str]) -> DistributionList {
        DistributionList {
            address: address.to_owned(),
            name: name.to_owned(),
            members: members.iter().map(|m| (*m).to_owned()).collect(),
        }
    }
}

/// The distribution groups of a new emulator: one of Ann and John, and one holding Lene and
/// that one.
pub(crate) fn default_distribution_groups() -> Vec<DistributionList> {
    vec![
        DistributionList::new(
            "sales@contoso.com",
            "Contoso Sales",
            &["ann@contoso.com", "john@contoso.com"],
        ),
        DistributionList::new(
            "everyone@contoso.com",
            "Contoso Everyone",
            &["lene@contoso.com", "sales@contoso.com"],
        ),
    ]
}

/// The people a new emulator knows besides its user.
pub(crate) fn default_people() -> Vec<Person> {
    vec![
        Person::new("ann@contoso.com", "Ann Remote", "pass@word1"),
        Person::new("john@contoso.com", "John Doe", "pass@word1").availability(Availability::Away),
    ]
}

/// One user, as the server knows them.
#[derive(Debug)]
pub struct User {
    /// The sign-in address, as configured.
    pub address: String,
    pub name: String,
    /// The index in the directory: the first is the configured user; a meeting's guest has
    /// one of [`GUEST_INDEX`] and up, its own.
    pub index: usize,
    /// For a meeting's guest, the URI of the one meeting its anonymous grant was for.
    pub meeting: Option<String>,
    published: Mutex<Published>,
}

/// The first index of meetings' guests (one per anonymous grant, numbered from here), far
/// above any configured directory.
pub const GUEST_INDEX: usize = usize::MAX / 2;

/// What a user publishes.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub availability: Availability,
    /// The availability before any was set, which a reset returns to.
    pub default_availability: Availability,
    pub activity: Option<String>,
    /// The personal note; `None` once reset.
    pub note: Option<String>,
    pub location: Option<String>,
}

impl User {
    fn new(index: usize, address: &str, name: &str, availability: Availability) -> User {
        User {
            address: address.to_owned(),
            name: name.to_owned(),
            index,
            meeting: None,
            published: Mutex::new(Published {
                availability: availability.clone(),
                default_availability: availability,
                activity: None,
                note: None,
                location: None,
            }),
        }
    }

    /// Someone the directory does not know (an invitation's unknown invitee), who never signs
    /// in.
    pub fn stranger(address: &str) -> User {
        User::new(usize::MAX, address, address, Availability::Offline)
    }

    /// A meeting's guest: the `number`th anonymous grant, for the meeting at `meeting`, shown
    /// with the name the guest gave. Its address is its own (`guest-N@anonymous.invalid`), so
    /// that two guests of one meeting are two participants.
    pub fn guest(number: usize, name: &str, meeting: &str) -> User {
        let index = GUEST_INDEX.saturating_add(number).min(usize::MAX - 1);
        let mut user = User::new(
            index,
            &format!("guest-{number}@anonymous.invalid"),
            name,
            Availability::Online,
        );
        user.meeting = Some(meeting.to_owned());
        user
    }

    /// Whether this is nobody of the directory: a meeting's guest (or a stranger).
    pub fn is_anonymous(&self) -> bool {
        self.index >= GUEST_INDEX
    }

    /// `sip:` and the address.
    pub fn sip_uri(&self) -> String {
        format!("sip:{}", self.address)
    }

    /// Whether `address` (a sign-in address or a SIP URI, in any case) names this user.
    pub fn is(&self, address: &str) -> bool {
        let address = address.strip_prefix("sip:").unwrap_or(address);
        address.eq_ignore_ascii_case(&self.address)
    }

    pub fn published(&self) -> MutexGuard<'_, Published> {
        lock(&self.published)
    }
}

/// Everyone who may sign in, the configured user first. A meeting's guest is nobody of it
/// ([`User::guest`], made per anonymous grant).
#[derive(Debug)]
pub struct Directory {
    users: Vec<Arc<User>>,
    passwords: Vec<Mutex<String>>,
}

impl Directory {
    pub fn new(user: &str, password: &str, people: &[Person]) -> Directory {
        let mut users = vec![Arc::new(User::new(
            0,
            user,
            "Lene Aaling",
            Availability::Online,
        ))];
        let mut passwords = vec![Mutex::new(password.to_owned())];
        for person in people {
            users.push(Arc::new(User::new(
                users.len(),
                &person.address,
                &person.name,
                person.availability.clone(),
            )));
            passwords.push(Mutex::new(person.password.clone()));
        }
        Directory { users, passwords }
    }

    /// The configured user.
    pub fn first(&self) -> &Arc<User> {
        &self.users[0]
    }

    /// The user `address` names (sign-in address or SIP URI, any case).
    pub fn find(&self, address: &str) -> Option<&Arc<User>> {
        self.users.iter().find(|u| u.is(address))
    }

    /// Everyone `user` has as a contact: all the others of the directory, in its order (the
    /// anonymous guest has none).
    pub fn contacts_of(&self, user: &User) -> impl Iterator<Item = &Arc<User>> {
        let member = self.users.iter().any(|u| u.index == user.index);
        self.users
            .iter()
            .filter(move |u| member && u.index != user.index)
    }

    /// Everyone who may sign in, the configured user first.
    pub fn everyone(&self) -> impl Iterator<Item = &Arc<User>> {
        self.users.iter()
    }

    /// The user whose credentials these are.
    pub fn sign_in(&self, address: &str, password: &str) -> Option<&Arc<User>> {
        let user = self.find(address)?;
        let known = lock(&self.passwords[user.index]).as_str() == password;
        known.then_some(user)
    }

    #[cfg_attr(not(feature = "windows-auth"), allow(dead_code))]
    /// The account an integrated (NTLM) sign-in names, as `user@domain` (its sign-in address)
    /// or `DOMAIN\\user` (the first label of its domain, any case), with its password.
    pub fn windows_account(&self, account: &str) -> Option<(&Arc<User>, String)> {
        let user = match account.split_once('\\') {
            None => self.find(account)?,
            Some((domain, name)) => self.users.iter().find(|u| {
                let (local, host) = u.address.split_once('@').unwrap_or((&u.address, ""));
                let netbios = host.split('.').next().unwrap_or("");
                local.eq_ignore_ascii_case(name) && netbios.eq_ignore_ascii_case(domain)
            })?,
        };
        let password = lock(&self.passwords[user.index]).clone();
        Some((user, password))
    }

    /// Changes the configured user's password.
    pub fn set_password(&self, password: String) {
        *lock(&self.passwords[0]) = password;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_guest_is_someone_of_its_own_and_nobody_of_the_directory() {
        let meeting = "sip:lene@contoso.com;gruu;opaque=app:conf:focus:id:017WDRQP";
        let cathy = User::guest(1, "Cathy Arnold", meeting);
        let dev = User::guest(2, "Dev Patel", meeting);
        assert_ne!(cathy.address, dev.address);
        assert_ne!(cathy.index, dev.index);
        assert_eq!(cathy.name, "Cathy Arnold");
        assert_eq!(cathy.meeting.as_deref(), Some(meeting));
        assert!(cathy.is_anonymous() && dev.is_anonymous());
        let directory = Directory::new("lene@contoso.com", "pw", &default_people());
        assert!(
            directory
                .everyone()
                .all(|u| !u.is_anonymous() && u.meeting.is_none())
        );
        assert!(directory.find(&cathy.address).is_none());
        assert_eq!(directory.contacts_of(&cathy).count(), 0);
    }
}
