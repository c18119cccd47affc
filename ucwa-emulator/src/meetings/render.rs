//! The resources of online meetings and the events of a join.

use std::sync::Arc;

use axum::response::Response;
use ucwa::enumerations::{AccessLevel, InvitationState, OnlineMeetingRel};
use ucwa::events::EventType;
use ucwa::http::{HeaderValue, StatusCode, header};
use ucwa::resources::{
    AnyResource, Application, MyOnlineMeeting, OnlineMeeting, OnlineMeetingInvitation,
    OnlineMeetings,
};
use ucwa::{Enumeration, Format, Link, Uri};

use crate::channel::{Queued, with_resource as embedded};
use crate::paths;
use crate::protocol::payload;
use crate::state::App;

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

/// The meeting as the joiner's conversation `number` sees it.
pub(super) fn joined_meeting(app: u64, number: u64, scheduled: &Meeting) -> OnlineMeeting {
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
pub(super) fn announce_join(
    app: &App,
    invitation: OnlineMeetingInvitation,
    meeting: OnlineMeeting,
) {
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
