//! Online meetings: the `onlineMeetings` dashboard, the user's scheduled meetings
//! (`myOnlineMeetings`, each a `myOnlineMeeting`: schedule, list, read, update, delete), and
//! joining a meeting by its URI (`joinOnlineMeeting` on `communication`).
//!
//! Meetings belong to their organizer, not to one application: every application of the user
//! lists the same ones, and a user sees only their own. Each meeting has an entity tag that
//! changes on every update, given both as the `ETag` header and as the `etag` property (as the
//! walkthroughs show it); a PUT must send it back in `If-Match` (428 `PreconditionRequired`
//! without, 412 `PreconditionFailed` when the meeting changed since). Anyone who knows a
//! meeting's URI may join it.
//!
//! Where the reference is silent, the emulator chooses:
//! - a subject is at most 250 characters (as a join's subject), a description at most 2000;
//!   attendees and leaders are `sip:` URIs of the organizer's domain ("part of the
//!   organization"), at most 250 of each;
//! - a PUT replaces every settable property: one it leaves out returns to its default (as
//!   when scheduling), so a client sends the meeting back whole, as the walkthrough does;
//! - the server's clock for `expirationTime` (one year back to ten years ahead, 8 hours from
//!   now when not given) is the machine's; a meeting is not deleted when it expires;
//! - scheduling, updating and deleting send no events (the reference shows none);
//! - a join answers 201 with the invitation's `Location` and then, on the event channel, the
//!   invitation `started` (`Connecting`), the conversation's `onlineMeeting` `added`, and the
//!   invitation `completed` (`Connected`): the meeting has no one to wait for. A join without
//!   `onlineMeetingUri` (an ad hoc meeting) is refused as a missing parameter; an unknown URI
//!   is 404 `DestinationNotFound`. The joined meeting's `onlineMeeting` is served under the
//!   conversation the invitation links to (numbered from [`paths::JOINED_MEETINGS`], apart from
//!   the scripted call's and those of instant messaging); that conversation itself is not
//!   served (the emulator's meetings carry no modality to converse in);
//! - paths are those of the walkthroughs (`onlineMeetings/myOnlineMeetings/{id}`,
//!   `communication/onlineMeetingInvitations/{n}`).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::response::Response;
use axum::routing::{get, post};
use ucwa::enumerations::{
    AccessLevel, AutomaticLeaderAssignment, Direction, EntryExitAnnouncement, Importance,
    InvitationState, LobbyBypassForPhoneUsers, OnlineMeetingRel, PhoneUserAdmission,
};
use ucwa::events::EventType;
use ucwa::http::{HeaderMap, HeaderValue, StatusCode, header};
use ucwa::operations::{
    JoinOnlineMeetingPostBody, MyOnlineMeetingPutBody, MyOnlineMeetingsPostBody,
};
use ucwa::resources::{
    AnyResource, Application, MyOnlineMeeting, MyOnlineMeetings, OnlineMeeting,
    OnlineMeetingExtensions, OnlineMeetingInvitation, OnlineMeetings,
};
use ucwa::{Enumeration, Format, Link, Timestamp, Uri};

use crate::channel::{Queued, with_resource as embedded};
use crate::directory::User;
use crate::handler::{Answer, Shared, application_at};
use crate::paths::{self, route};
use crate::protocol::{
    Negotiated, Refusal, check, conflict, decode, invalid_parameters, no_content, not_found,
    not_found_as, payload, precondition_failed, precondition_required,
};
use crate::state::App;

/// The longest subject.
const MAX_SUBJECT: usize = 250;
/// The longest description.
const MAX_DESCRIPTION: usize = 2000;
/// The most attendees, and the most leaders, of one meeting.
const MAX_PEOPLE: usize = 250;
/// The longest `operationId` of a join.
const MAX_OPERATION_ID: usize = 50;
/// How long a meeting lasts when no `expirationTime` is given.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// How far back, and ahead, an `expirationTime` may be.
const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// Every user's meetings and the latest joins (a field of the emulator's state).
#[derive(Default)]
pub(crate) struct Meetings(Mutex<Inner>);

#[derive(Default)]
struct Inner {
    /// By the organizer's index in the directory, then by meeting id.
    by_user: HashMap<usize, BTreeMap<String, Meeting>>,
    /// Numbers meeting ids, conference ids and entity tags.
    counter: u64,
    /// The latest joins, oldest first (at most `limits.max_meeting_joins`).
    joins: VecDeque<Join>,
    next_join: u64,
}

/// A scheduled meeting: what its organizer set, and what the server gave it.
#[derive(Clone)]
struct Meeting {
    id: String,
    conference_id: String,
    etag: String,
    organizer: Arc<User>,
    settings: Settings,
}

/// What a POST or PUT sets, checked.
#[derive(Clone)]
struct Settings {
    access_level: String,
    attendees: Vec<String>,
    automatic_leader_assignment: AutomaticLeaderAssignment,
    description: Option<String>,
    entry_exit_announcement: EntryExitAnnouncement,
    expiration_time: Timestamp,
    leaders: Vec<String>,
    lobby_bypass_for_phone_users: LobbyBypassForPhoneUsers,
    phone_user_admission: PhoneUserAdmission,
    subject: Option<String>,
}

/// One join: which application made it, the invitation as it ended, and the meeting as joined.
struct Join {
    app: u64,
    number: u64,
    invitation: OnlineMeetingInvitation,
    meeting: OnlineMeeting,
}

/// The body of a POST or a PUT (the same fields, two generated types).
struct Input {
    access_level: Option<AccessLevel>,
    attendees: Option<Vec<String>>,
    automatic_leader_assignment: Option<AutomaticLeaderAssignment>,
    description: Option<String>,
    entry_exit_announcement: Option<EntryExitAnnouncement>,
    expiration_time: Option<String>,
    leaders: Option<Vec<String>>,
    lobby_bypass_for_phone_users: Option<LobbyBypassForPhoneUsers>,
    phone_user_admission: Option<PhoneUserAdmission>,
    subject: Option<String>,
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

impl Meetings {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        crate::lock::lock(&self.0)
    }
}

/// The routes of this module, under the application's path `app`.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(route::ONLINE_MEETINGS, get(get_online_meetings))
        .route(route::MY_MEETINGS, get(list).post(schedule))
        .route(
            route::MY_MEETING,
            get(get_meeting).put(update).delete(delete),
        )
        .route(route::MEETING_EXTENSIONS, get(get_extensions))
        .route(route::MEETING_JOINS, post(join))
        .route(route::MEETING_JOIN, get(get_invitation))
        .route(route::JOINED_MEETING, get(get_joined_meeting))
}

/// Embeds in `application` the dashboard of online meetings.
pub(crate) fn embed(application: &mut Application, app: u64) {
    application.embedded.online_meetings = Some(Box::new(dashboard(app)));
}

fn dashboard(app: u64) -> OnlineMeetings {
    let mut dashboard = OnlineMeetings::default();
    dashboard.links.self_ = Some(Link::to(paths::online_meetings(app)));
    dashboard.links.my_online_meetings = Some(Link::to(paths::my_meetings(app)));
    dashboard
}

/// The meeting as its organizer's application `app` sees it.
fn resource(app: u64, meeting: &Meeting) -> MyOnlineMeeting {
    let s = &meeting.settings;
    let organizer = &meeting.organizer;
    let (local, domain) = organizer
        .address
        .split_once('@')
        .unwrap_or((&organizer.address, "contoso.com"));
    let mut resource = MyOnlineMeeting {
        access_level: Some(s.access_level.clone()),
        attendees: Some(s.attendees.iter().map(Uri::new).collect()),
        automatic_leader_assignment: Some(s.automatic_leader_assignment.clone()),
        conference_id: Some(meeting.conference_id.clone()),
        description: s.description.clone(),
        entry_exit_announcement: Some(s.entry_exit_announcement.clone()),
        expiration_time: Some(s.expiration_time),
        join_url: Some(format!("https://meet.{domain}/{local}/{}", meeting.id)),
        leaders: Some(s.leaders.iter().map(Uri::new).collect()),
        lobby_bypass_for_phone_users: Some(s.lobby_bypass_for_phone_users.clone()),
        online_meeting_id: Some(meeting.id.clone()),
        online_meeting_rel: Some(OnlineMeetingRel::MyOnlineMeetings),
        online_meeting_uri: Some(Uri::new(meeting_uri(organizer, &meeting.id))),
        organizer_uri: Some(Uri::new(organizer.sip_uri())),
        phone_user_admission: Some(s.phone_user_admission.clone()),
        subject: s.subject.clone(),
        ..MyOnlineMeeting::default()
    };
    resource
        .unknown
        .insert("etag".to_owned(), meeting.etag.clone().into());
    resource.links.online_meeting_extensions =
        Some(Link::to(paths::meeting_extensions(app, &meeting.id)));
    resource.links.self_ = Some(Link::to(paths::my_meeting(app, &meeting.id)));
    resource
}

fn meeting_uri(organizer: &User, id: &str) -> String {
    format!("{};gruu;opaque=app:conf:focus:id:{id}", organizer.sip_uri())
}

/// The meeting as 200 (or 201) with its `ETag` header.
fn answer(format: Format, status: StatusCode, app: u64, meeting: &Meeting) -> Response {
    let mut response = payload(format, status, &resource(app, meeting));
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", meeting.etag)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// Eight characters of `A`–`Z`, `0`–`9` for the `n`th meeting, looking as a server's do: `n`
/// times an odd number not divisible by 3 is a bijection modulo 36⁸, so ids never repeat.
fn meeting_id(n: u64) -> String {
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
fn settings(input: Input, organizer: &User) -> Result<Settings, Vec<(&'static str, String)>> {
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

fn known<E: Enumeration>(value: &E) -> bool {
    E::MEMBERS.contains(&value.as_str())
}

fn unknown_value<E: Enumeration>(value: &E) -> String {
    format!("`{}` is not one of its values", value.as_str())
}

/// `sip:` and an address at `domain`, in any case.
fn in_domain(uri: &str, domain: &str) -> bool {
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
fn expiration(text: &str, now: SystemTime) -> Result<SystemTime, String> {
    let time = Timestamp::parse_json(text)
        .or_else(|_| Timestamp::parse_iso8601(text))
        .map_err(|_| format!("`{text}` is not a date"))?
        .to_system_time();
    if time < now - YEAR || time > now + 10 * YEAR {
        return Err("must be between one year ago and ten years from now".to_owned());
    }
    Ok(time)
}

async fn get_online_meetings(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    Ok(payload(format, StatusCode::OK, &dashboard(app.id)))
}

async fn list(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let mut mine = MyOnlineMeetings::default();
    mine.links.self_ = Some(Link::to(paths::my_meetings(app.id)));
    if let Some(meetings) = state.meetings.lock().by_user.get(&app.user.index) {
        mine.embedded.my_online_meeting = meetings.values().map(|m| resource(app.id, m)).collect();
    }
    Ok(payload(format, StatusCode::OK, &mine))
}

async fn schedule(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: MyOnlineMeetingsPostBody = decode(&headers, &body)?;
    let settings = settings(input.into(), &app.user).map_err(|p| invalid_parameters(&p))?;
    let max = state.config.limits.max_meetings_per_user;
    let meeting = {
        let mut inner = state.meetings.lock();
        if inner.by_user.get(&app.user.index).map_or(0, BTreeMap::len) >= max {
            return Err(conflict(
                "TooManyOnlineMeetings",
                &format!(
                    "This user has {max} online meetings already (`limits.max_meetings_per_user`)."
                ),
            ));
        }
        inner.counter += 1;
        let n = inner.counter;
        let meeting = Meeting {
            id: meeting_id(n),
            conference_id: format!("{}", 10_000_000 + n),
            etag: format!("{}", 1_000_000_000 + n),
            organizer: app.user.clone(),
            settings,
        };
        inner
            .by_user
            .entry(app.user.index)
            .or_default()
            .insert(meeting.id.clone(), meeting.clone());
        meeting
    };
    Ok(answer(format, StatusCode::CREATED, app.id, &meeting))
}

/// The caller's meeting `meeting`, or 404.
fn find(state: &crate::state::State, app: &App, meeting: &str) -> Result<Meeting, Refusal> {
    state
        .meetings
        .lock()
        .by_user
        .get(&app.user.index)
        .and_then(|meetings| meetings.get(meeting))
        .cloned()
        .ok_or_else(not_found)
}

async fn get_meeting(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let meeting = find(&state, &app, &meeting)?;
    Ok(answer(format, StatusCode::OK, app.id, &meeting))
}

async fn get_extensions(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let meeting = find(&state, &app, &meeting)?;
    let mut extensions = OnlineMeetingExtensions::default();
    extensions.links.self_ = Some(Link::to(paths::meeting_extensions(app.id, &meeting.id)));
    Ok(payload(format, StatusCode::OK, &extensions))
}

/// An entity tag as `If-Match` carries it, without quotes or the weak marker, so that the
/// `ETag` header and the `etag` property both match.
fn bare_tag(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
}

async fn update(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
    Negotiated(format): Negotiated,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    find(&state, &app, &meeting)?;
    let Some(if_match) = headers.get(header::IF_MATCH) else {
        return Err(precondition_required());
    };
    let if_match = if_match.to_str().unwrap_or_default().to_owned();
    let input: MyOnlineMeetingPutBody = decode(&headers, &body)?;
    let settings = settings(input.into(), &app.user).map_err(|p| invalid_parameters(&p))?;
    let updated = {
        let mut inner = state.meetings.lock();
        inner.counter += 1;
        let n = inner.counter;
        // Read again under the lock: it may have changed or gone since `find`.
        let Some(current) = inner
            .by_user
            .get_mut(&app.user.index)
            .and_then(|meetings| meetings.get_mut(&meeting))
        else {
            return Err(not_found());
        };
        let matches = if_match
            .split(',')
            .any(|tag| tag.trim() == "*" || bare_tag(tag) == current.etag);
        if !matches {
            return Err(precondition_failed());
        }
        current.settings = settings;
        current.etag = format!("{}", 1_000_000_000 + n);
        current.clone()
    };
    Ok(answer(format, StatusCode::OK, app.id, &updated))
}

async fn delete(
    Extract(state): Extract<Shared>,
    Path((id, meeting)): Path<(u64, String)>,
) -> Answer {
    let app = application_at(&state, id)?;
    let removed = state
        .meetings
        .lock()
        .by_user
        .get_mut(&app.user.index)
        .and_then(|meetings| meetings.remove(&meeting));
    removed.ok_or_else(not_found)?;
    Ok(no_content())
}

/// The scheduled meeting whose URI is `uri` (any organizer), in any case.
fn scheduled(inner: &Inner, uri: &str) -> Option<Meeting> {
    let id = uri.rsplit_once("focus:id:").map(|(_, id)| id)?;
    inner
        .by_user
        .values()
        .find_map(|meetings| meetings.get(id))
        .filter(|m| meeting_uri(&m.organizer, &m.id).eq_ignore_ascii_case(uri))
        .cloned()
}

/// `joinOnlineMeeting`: joins the meeting `onlineMeetingUri` names (body or query).
async fn join(
    Extract(state): Extract<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let app = application_at(&state, id)?;
    let input: JoinOnlineMeetingPostBody = crate::protocol::decode_or_default(&headers, &body)?;
    let uri = input
        .online_meeting_uri
        .clone()
        .or_else(|| query.get("onlineMeetingUri").cloned());
    let mut problems = Vec::new();
    check(&mut problems, "onlineMeetingUri", uri.as_deref(), 1000);
    if let Some(operation_id) = &input.operation_id
        && operation_id.chars().count() > MAX_OPERATION_ID
    {
        problems.push((
            "operationId",
            format!("at most {MAX_OPERATION_ID} characters"),
        ));
    }
    if let Some(subject) = &input.subject
        && subject.chars().count() > MAX_SUBJECT
    {
        problems.push(("subject", format!("at most {MAX_SUBJECT} characters")));
    }
    if !problems.is_empty() {
        return Err(invalid_parameters(&problems));
    }
    let uri = uri.unwrap_or_default();
    let (number, connecting, meeting) = {
        let mut inner = state.meetings.lock();
        let Some(scheduled) = scheduled(&inner, &uri) else {
            return Err(not_found_as(
                "DestinationNotFound",
                "There is no online meeting with this URI.",
            ));
        };
        inner.next_join += 1;
        let number = inner.next_join;
        let meeting = joined_meeting(app.id, number, &scheduled);
        let mut invitation = OnlineMeetingInvitation {
            direction: Some(Direction::Outgoing),
            importance: Some(input.importance.clone().unwrap_or(Importance::Normal)),
            online_meeting_uri: Some(Uri::new(uri.clone())),
            operation_id: input.operation_id.clone(),
            state: Some(InvitationState::Connecting),
            subject: input
                .subject
                .clone()
                .or_else(|| scheduled.settings.subject.clone()),
            thread_id: Some(
                input
                    .thread_id
                    .clone()
                    .unwrap_or_else(|| format!("{:032x}", app.id * 1_000_000 + number)),
            ),
            available_modalities: Some(vec!["Messaging".to_owned()]),
            to: Some(Uri::new(uri.clone())),
            ..OnlineMeetingInvitation::default()
        };
        invitation.links.self_ = Some(Link::to(paths::meeting_join(app.id, number)));
        invitation.links.conversation = Some(Link::to(paths::joined_conversation(app.id, number)));
        let mut connected = invitation.clone();
        connected.state = Some(InvitationState::Connected);
        if inner.joins.len() >= state.config.limits.max_meeting_joins {
            inner.joins.pop_front();
        }
        inner.joins.push_back(Join {
            app: app.id,
            number,
            invitation: connected,
            meeting: meeting.clone(),
        });
        (number, invitation, meeting)
    };
    announce_join(&app, connecting, meeting);
    let location = paths::meeting_join(app.id, number);
    let mut response = no_content();
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The meeting as the joiner's conversation `number` sees it.
fn joined_meeting(app: u64, number: u64, scheduled: &Meeting) -> OnlineMeeting {
    let s = &scheduled.settings;
    let mut meeting = OnlineMeeting {
        access_level: AccessLevel::from_wire(&s.access_level),
        attendees: Some(s.attendees.iter().map(Uri::new).collect()),
        automatic_leader_assignment: Some(s.automatic_leader_assignment.clone()),
        conference_id: Some(scheduled.conference_id.clone()),
        description: s.description.clone(),
        entry_exit_announcement: Some(s.entry_exit_announcement.clone()),
        expiration_time: Some(s.expiration_time),
        leaders: Some(s.leaders.clone()),
        online_meeting_id: Some(scheduled.id.clone()),
        online_meeting_rel: Some(OnlineMeetingRel::MyOnlineMeetings),
        online_meeting_uri: Some(meeting_uri(&scheduled.organizer, &scheduled.id)),
        organizer_name: Some(scheduled.organizer.name.clone()),
        organizer_uri: Some(scheduled.organizer.sip_uri()),
        subject: s.subject.clone(),
        ..OnlineMeeting::default()
    };
    meeting.links.self_ = Some(Link::to(paths::in_conversation(
        app,
        paths::JOINED_MEETINGS + number,
        "onlineMeeting",
    )));
    meeting.links.conversation = Some(Link::to(paths::joined_conversation(app, number)));
    meeting
}

/// The events of a join: the invitation started, the meeting in its conversation, the
/// invitation completed (connected).
fn announce_join(app: &App, invitation: OnlineMeetingInvitation, meeting: OnlineMeeting) {
    let communication = paths::communication(app.id);
    let link = invitation.links.self_.clone().unwrap_or_default();
    let mut connected = invitation.clone();
    connected.state = Some(InvitationState::Connected);
    let conversation = meeting
        .links
        .conversation
        .as_ref()
        .map(|l| l.href.to_string())
        .unwrap_or_default();
    let meeting_link = meeting.links.self_.clone().unwrap_or_default();
    let events = [
        (
            "communication",
            communication.clone(),
            embedded(
                EventType::Started,
                "onlineMeetingInvitation",
                link.clone(),
                AnyResource::OnlineMeetingInvitation(Box::new(invitation)),
            ),
        ),
        (
            "conversation",
            conversation,
            embedded(
                EventType::Added,
                "onlineMeeting",
                meeting_link,
                AnyResource::OnlineMeeting(Box::new(meeting)),
            ),
        ),
        (
            "communication",
            communication,
            embedded(
                EventType::Completed,
                "onlineMeetingInvitation",
                link,
                AnyResource::OnlineMeetingInvitation(Box::new(connected)),
            ),
        ),
    ];
    for (sender, href, event) in events {
        app.channel
            .push(Arc::new(Queued::new(sender, &href, event)));
    }
}

async fn get_invitation(
    Extract(state): Extract<Shared>,
    Path((id, number)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let inner = state.meetings.lock();
    let join = inner
        .joins
        .iter()
        .find(|j| j.app == app.id && j.number == number)
        .ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &join.invitation))
}

async fn get_joined_meeting(
    Extract(state): Extract<Shared>,
    Path((id, conversation)): Path<(u64, u64)>,
    Negotiated(format): Negotiated,
) -> Answer {
    let app = application_at(&state, id)?;
    let number = conversation.checked_sub(paths::JOINED_MEETINGS);
    let inner = state.meetings.lock();
    let join = inner
        .joins
        .iter()
        .find(|j| j.app == app.id && Some(j.number) == number)
        .ok_or_else(not_found)?;
    Ok(payload(format, StatusCode::OK, &join.meeting))
}

#[cfg(test)]
mod tests {
    use super::*;

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
