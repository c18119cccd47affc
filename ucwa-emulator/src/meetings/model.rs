//! Online meetings without HTTP: every user's scheduled meetings with their entity tags, the
//! rules for what a client may set.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, MutexGuard};
use std::time::{Duration, SystemTime};

use ucwa::enumerations::{
    AccessLevel, AutomaticLeaderAssignment, EntryExitAnnouncement, LobbyBypassForPhoneUsers,
    PhoneUserAdmission,
};
use ucwa::operations::{MyOnlineMeetingPutBody, MyOnlineMeetingsPostBody};
use ucwa::{Enumeration, Timestamp};

use crate::directory::User;
use crate::lock::lock;
use crate::state::State;

/// The longest subject.
pub(super) const MAX_SUBJECT: usize = 250;

/// The longest description.
pub(super) const MAX_DESCRIPTION: usize = 2000;

/// The most attendees, and the most leaders, of one meeting.
pub(super) const MAX_PEOPLE: usize = 250;

/// How long a meeting lasts when no `expirationTime` is given.
pub(super) const DEFAULT_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// How far back, and ahead, an `expirationTime` may be.
pub(super) const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// Every user's meetings (in the emulator's slots).
#[derive(Default)]
pub(crate) struct Meetings {
    /// By the organizer's index in the directory, then by meeting id.
    pub(super) by_user: HashMap<usize, BTreeMap<String, Meeting>>,
    /// Numbers meeting ids, conference ids and entity tags.
    counter: u64,
}

/// A scheduled meeting: what its organizer set, and what the server gave it.
#[derive(Clone, Debug)]
pub(super) struct Meeting {
    pub(super) id: String,
    pub(super) conference_id: String,
    pub(super) etag: String,
    pub(super) organizer: Arc<User>,
    pub(super) settings: Settings,
}

/// What a POST or PUT sets, checked.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    pub(super) access_level: String,
    pub(super) attendees: Vec<String>,
    pub(super) automatic_leader_assignment: AutomaticLeaderAssignment,
    pub(super) description: Option<String>,
    pub(super) entry_exit_announcement: EntryExitAnnouncement,
    pub(super) expiration_time: Timestamp,
    pub(super) leaders: Vec<String>,
    pub(super) lobby_bypass_for_phone_users: LobbyBypassForPhoneUsers,
    pub(super) phone_user_admission: PhoneUserAdmission,
    pub(super) subject: Option<String>,
}

/// The body of a POST or a PUT (the same fields, two generated types).
pub(super) struct Input {
    pub(super) access_level: Option<AccessLevel>,
    pub(super) attendees: Option<Vec<String>>,
    pub(super) automatic_leader_assignment: Option<AutomaticLeaderAssignment>,
    pub(super) description: Option<String>,
    pub(super) entry_exit_announcement: Option<EntryExitAnnouncement>,
    pub(super) expiration_time: Option<String>,
    pub(super) leaders: Option<Vec<String>>,
    pub(super) lobby_bypass_for_phone_users: Option<LobbyBypassForPhoneUsers>,
    pub(super) phone_user_admission: Option<PhoneUserAdmission>,
    pub(super) subject: Option<String>,
}

macro_rules! input_from {
    ($body:ty) => {
        impl From<$body> for Input {
            fn from(b: $body) -> Input {
                Input {
                    access_level: b.access_level,
                    attendees: b.attendees,
                    automatic_leader_assignment: b.automatic_leader_assignment,
                    description: b.description,
                    entry_exit_announcement: b.entry_exit_announcement,
                    expiration_time: b.expiration_time,
                    leaders: b.leaders,
                    lobby_bypass_for_phone_users: b.lobby_bypass_for_phone_users,
                    phone_user_admission: b.phone_user_admission,
                    subject: b.subject,
                }
            }
        }
    };
}
input_from!(MyOnlineMeetingsPostBody);
input_from!(MyOnlineMeetingPutBody);

/// Every user's meetings (in the emulator's slots).
pub(super) fn of(state: &State) -> MutexGuard<'_, Meetings> {
    lock(state.data.get::<Meetings>())
}

/// Why an update was not made.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Stale {
    /// The meeting is gone.
    Gone,
    /// `If-Match` is not its entity tag any more.
    Changed,
}

impl Meetings {
    /// Schedules a meeting of `organizer`, numbered and tagged anew; `None` when they have
    /// `max` already.
    pub(super) fn schedule(
        &mut self,
        organizer: &Arc<User>,
        settings: Settings,
        max: usize,
    ) -> Option<Meeting> {
        if self.by_user.get(&organizer.index).map_or(0, BTreeMap::len) >= max {
            return None;
        }
        self.counter += 1;
        let n = self.counter;
        let meeting = Meeting {
            id: meeting_id(n),
            conference_id: format!("{}", 10_000_000 + n),
            etag: format!("{}", 1_000_000_000 + n),
            organizer: organizer.clone(),
            settings,
        };
        self.by_user
            .entry(organizer.index)
            .or_default()
            .insert(meeting.id.clone(), meeting.clone());
        Some(meeting)
    }

    /// The meeting `id` of `organizer`.
    pub(super) fn find(&self, organizer: &User, id: &str) -> Option<&Meeting> {
        self.by_user.get(&organizer.index)?.get(id)
    }

    /// Replaces the settings of `organizer`'s meeting `id` when `if_match` (an `If-Match`
    /// value: tags, quoted or not, or `*`) names its entity tag, which then changes.
    pub(super) fn update(
        &mut self,
        organizer: &User,
        id: &str,
        if_match: &str,
        settings: Settings,
    ) -> Result<Meeting, Stale> {
        self.counter += 1;
        let n = self.counter;
        let current = self
            .by_user
            .get_mut(&organizer.index)
            .and_then(|meetings| meetings.get_mut(id))
            .ok_or(Stale::Gone)?;
        let matches = if_match
            .split(',')
            .any(|tag| tag.trim() == "*" || bare_tag(tag) == current.etag);
        if !matches {
            return Err(Stale::Changed);
        }
        current.settings = settings;
        current.etag = format!("{}", 1_000_000_000 + n);
        Ok(current.clone())
    }

    /// Deletes `organizer`'s meeting `id`; whether there was one.
    pub(super) fn delete(&mut self, organizer: &User, id: &str) -> bool {
        self.by_user
            .get_mut(&organizer.index)
            .and_then(|meetings| meetings.remove(id))
            .is_some()
    }
}

pub(super) fn meeting_uri(organizer: &User, id: &str) -> String {
    format!("{};gruu;opaque=app:conf:focus:id:{id}", organizer.sip_uri())
}

/// Eight characters of `A`–`Z`, `0`–`9` for the `n`th meeting, looking as a server's do: `n`
/// times an odd number not divisible by 3 is a bijection modulo 36⁸, so ids never repeat.
pub(super) fn meeting_id(n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut value = n.wrapping_mul(2_654_435_761) % 36u64.pow(8);
    let mut id = [b'0'; 8];
    for slot in id.iter_mut().rev() {
        *slot = DIGITS[(value % 36) as usize];
        value /= 36;
    }
    String::from_utf8_lossy(&id).into_owned()
}

/// Checks what a POST or PUT sets, naming each invalid field.
pub(super) fn settings(
    input: Input,
    organizer: &User,
) -> Result<Settings, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let mut text = |name: &'static str, value: &Option<String>, max: usize| {
        if let Some(value) = value
            && value.chars().count() > max
        {
            problems.push((
                name,
                format!("{} characters; at most {max}", value.chars().count()),
            ));
        }
    };
    text("subject", &input.subject, MAX_SUBJECT);
    text("description", &input.description, MAX_DESCRIPTION);
    let domain = organizer
        .address
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain);
    for (name, people) in [("attendees", &input.attendees), ("leaders", &input.leaders)] {
        let people = people.as_deref().unwrap_or_default();
        if people.len() > MAX_PEOPLE {
            problems.push((
                name,
                format!("{} people; at most {MAX_PEOPLE}", people.len()),
            ));
        } else if let Some(bad) = people.iter().find(|p| !in_domain(p, domain)) {
            problems.push((
                name,
                format!("`{bad}` is not a sip: URI of the organization ({domain})"),
            ));
        }
    }
    // "None" is an access level the reference lists, though not a member of the enumeration.
    let access_level = match &input.access_level {
        None => AccessLevel::SameEnterprise.as_str().to_owned(),
        Some(level) if known(level) || level.as_str() == "None" => level.as_str().to_owned(),
        Some(level) => {
            problems.push(("accessLevel", unknown_value(level)));
            String::new()
        }
    };
    let mut member = |name: &'static str, value: Option<&dyn Named>| {
        if let Some(value) = value
            && !value.is_member()
        {
            problems.push((name, format!("`{}` is not one of its values", value.name())));
        }
    };
    member(
        "automaticLeaderAssignment",
        input.automatic_leader_assignment.as_ref().map(|v| v as _),
    );
    member(
        "entryExitAnnouncement",
        input.entry_exit_announcement.as_ref().map(|v| v as _),
    );
    member(
        "lobbyBypassForPhoneUsers",
        input.lobby_bypass_for_phone_users.as_ref().map(|v| v as _),
    );
    member(
        "phoneUserAdmission",
        input.phone_user_admission.as_ref().map(|v| v as _),
    );
    let now = SystemTime::now();
    let expiration_time = match input.expiration_time.as_deref() {
        None => Ok(now + DEFAULT_LIFETIME),
        Some(text) => expiration(text, now),
    };
    let expiration_time = expiration_time
        .and_then(|time| {
            let millis = time
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_err(|_| "before 1970".to_owned())?
                .as_millis();
            i64::try_from(millis)
                .ok()
                .and_then(Timestamp::from_unix_millis)
                .ok_or_else(|| "out of range".to_owned())
        })
        .map_err(|reason| problems.push(("expirationTime", reason)))
        .ok();
    let Some(expiration_time) = expiration_time.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    Ok(Settings {
        access_level,
        attendees: input.attendees.unwrap_or_default(),
        automatic_leader_assignment: input
            .automatic_leader_assignment
            .unwrap_or(AutomaticLeaderAssignment::Disabled),
        description: input.description,
        entry_exit_announcement: input
            .entry_exit_announcement
            .unwrap_or(EntryExitAnnouncement::Disabled),
        expiration_time,
        leaders: input.leaders.unwrap_or_default(),
        lobby_bypass_for_phone_users: input
            .lobby_bypass_for_phone_users
            .unwrap_or(LobbyBypassForPhoneUsers::Disabled),
        phone_user_admission: input
            .phone_user_admission
            .unwrap_or(PhoneUserAdmission::Disabled),
        subject: input.subject,
    })
}

/// An enumeration value, whether the server knows it.
trait Named {
    fn name(&self) -> &str;
    fn is_member(&self) -> bool;
}

impl<E: Enumeration> Named for E {
    fn name(&self) -> &str {
        self.as_str()
    }

    fn is_member(&self) -> bool {
        known(self)
    }
}

pub(super) fn known<E: Enumeration>(value: &E) -> bool {
    E::MEMBERS.contains(&value.as_str())
}

pub(super) fn unknown_value<E: Enumeration>(value: &E) -> String {
    format!("`{}` is not one of its values", value.as_str())
}

/// `sip:` and an address at `domain`, in any case.
pub(super) fn in_domain(uri: &str, domain: &str) -> bool {
    let is_sip = uri.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("sip:"));
    let Some(address) = uri.get(4..).filter(|_| is_sip) else {
        return false;
    };
    match address.rsplit_once('@') {
        Some((local, at)) => !local.is_empty() && at.eq_ignore_ascii_case(domain),
        None => false,
    }
}

/// An `expirationTime` as JSON (`/Date(ms)/`) or ISO 8601 writes it, within a year back and
/// ten years ahead of `now`.
pub(super) fn expiration(text: &str, now: SystemTime) -> Result<SystemTime, String> {
    let time = Timestamp::parse_json(text)
        .or_else(|_| Timestamp::parse_iso8601(text))
        .map_err(|_| format!("`{text}` is not a date"))?
        .to_system_time();
    if time < now - YEAR || time > now + 10 * YEAR {
        return Err("must be between one year ago and ten years from now".to_owned());
    }
    Ok(time)
}

/// An entity tag as `If-Match` carries it, without quotes or the weak marker, so that the
/// `ETag` header and the `etag` property both match.
pub(super) fn bare_tag(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_of(organizer: &User) -> Settings {
        let input = Input::from(MyOnlineMeetingsPostBody::default());
        settings(input, organizer).unwrap()
    }

    #[test]
    fn a_meeting_is_scheduled_updated_with_its_tag_and_deleted() {
        let lene = Arc::new(User::stranger("lene@contoso.com"));
        let mut meetings = Meetings::default();
        let meeting = meetings.schedule(&lene, settings_of(&lene), 1).unwrap();
        assert!(meetings.schedule(&lene, settings_of(&lene), 1).is_none());
        let stale = meetings.update(&lene, &meeting.id, "\"0\"", settings_of(&lene));
        assert_eq!(stale.unwrap_err(), Stale::Changed);
        let tag = format!("W/\"{}\"", meeting.etag);
        let updated = meetings
            .update(&lene, &meeting.id, &tag, settings_of(&lene))
            .unwrap();
        assert_ne!(updated.etag, meeting.etag);
        assert_eq!(
            meetings.find(&lene, &meeting.id).unwrap().etag,
            updated.etag
        );
        assert!(meetings.delete(&lene, &meeting.id));
        let gone = meetings.update(&lene, &meeting.id, "*", settings_of(&lene));
        assert_eq!(gone.unwrap_err(), Stale::Gone);
    }

    #[test]
    fn meeting_ids_are_distinct_and_look_like_a_servers() {
        let ids: std::collections::HashSet<String> = (1..5000).map(meeting_id).collect();
        assert_eq!(ids.len(), 4999);
        for id in &ids {
            assert_eq!(id.len(), 8);
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
        }
    }

    #[test]
    fn entity_tags_match_quoted_or_not() {
        assert_eq!(bare_tag("\"123\""), "123");
        assert_eq!(bare_tag("W/\"123\""), "123");
        assert_eq!(bare_tag(" 123 "), "123");
    }

    #[test]
    fn people_must_be_of_the_organization() {
        assert!(in_domain("sip:chris@contoso.com", "contoso.com"));
        assert!(in_domain("SIP:Chris@Contoso.com", "contoso.com"));
        assert!(!in_domain("chris@contoso.com", "contoso.com"));
        assert!(!in_domain("sip:chris@fabrikam.com", "contoso.com"));
        assert!(!in_domain("sip:@contoso.com", "contoso.com"));
        assert!(!in_domain("sip:", "contoso.com"));
    }

    #[test]
    fn expiration_times_are_within_the_window() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(expiration("/Date(1700000000000)/", now).is_ok());
        assert!(expiration("2023-11-14T22:13:20Z", now).is_ok());
        assert!(
            expiration("/Date(1000)/", now)
                .unwrap_err()
                .contains("one year")
        );
        assert!(
            expiration("tomorrow", now)
                .unwrap_err()
                .contains("not a date")
        );
    }
}
