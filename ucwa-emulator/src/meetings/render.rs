//! The resources of online meetings, and a meeting as the book of joinable meetings holds it.

use axum::response::Response;
use ucwa::enumerations::{AccessLevel, AutomaticLeaderAssignment, OnlineMeetingRel};
use ucwa::http::{HeaderValue, StatusCode, header};
use ucwa::resources::{Application, MyOnlineMeeting, OnlineMeeting, OnlineMeetings};
use ucwa::{Enumeration, Format, Link, Uri};

use crate::focus::{Admission, AutoLeaders, Booked};
use crate::paths;
use crate::protocol::payload;

use super::model::{Meeting, meeting_uri};

/// Embeds in `application` the dashboard of online meetings.
pub(crate) fn embed(application: &mut Application, app: u64) {
    application.embedded.online_meetings = Some(Box::new(dashboard(app)));
}

pub(super) fn dashboard(app: u64) -> OnlineMeetings {
    let mut dashboard = OnlineMeetings::default();
    dashboard.links.self_ = Some(Link::to(paths::online_meetings(app)));
    dashboard.links.my_online_meetings = Some(Link::to(paths::my_meetings(app)));
    dashboard
}

/// The meeting as its organizer's application `app` sees it.
pub(super) fn resource(app: u64, meeting: &Meeting) -> MyOnlineMeeting {
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

/// The meeting as 200 (or 201) with its `ETag` header.
pub(super) fn answer(format: Format, status: StatusCode, app: u64, meeting: &Meeting) -> Response {
    let mut response = payload(format, status, &resource(app, meeting));
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", meeting.etag)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The meeting as the book of joinable meetings holds it: who leads it, who may enter, and the
/// `onlineMeeting` a joiner sees (its links are the joiner's).
pub(super) fn booked(scheduled: &Meeting) -> Booked {
    let s = &scheduled.settings;
    let meeting = OnlineMeeting {
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
    Booked {
        uri: meeting_uri(&scheduled.organizer, &scheduled.id),
        organizer: scheduled.organizer.clone(),
        subject: s.subject.clone(),
        leaders: s.leaders.clone(),
        attendees: s.attendees.clone(),
        admission: Admission::from_access_level(&s.access_level),
        auto_leaders: match s.automatic_leader_assignment {
            AutomaticLeaderAssignment::Everyone => AutoLeaders::Everyone,
            AutomaticLeaderAssignment::SameEnterprise => AutoLeaders::SameEnterprise,
            _ => AutoLeaders::Disabled,
        },
        meeting,
        scheduled: true,
    }
}
