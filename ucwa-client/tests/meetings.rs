//! Online meetings end to end against the emulator, in JSON and in XML: schedule, list, update
//! with the meeting's entity tag (and the typed 412 with a stale one), delete, join by URI, and
//! the typed errors the task can meet.

mod common;

use common::{FORMATS, emulator};
use ucwa::enumerations::{AccessLevel, InvitationState};
use ucwa::events::EventType;
use ucwa::operation::{GenericError, Operation, UcwaError};
use ucwa::operations::{
    JoinOnlineMeetingPostError, MyOnlineMeetingGetError, MyOnlineMeetingPut,
    MyOnlineMeetingPutError, MyOnlineMeetingsPostBody, MyOnlineMeetingsPostError,
};
use ucwa::resources::{AnyResource, Application, MyOnlineMeeting};
use ucwa::{ErrorBody, Format, Link, ResponseError};
use ucwa_client::meetings::{OnlineMeetingsHandle, etag, put_body};
use ucwa_client::{Client, ClientError};
use ucwa_emulator::{Emulator, Limits};

/// `address`'s client and a new application.
async fn signed_in(emulator: &Emulator, address: &str, format: Format) -> (Client, Application) {
    common::application(emulator, address, format, false).await
}

fn quarterly() -> MyOnlineMeetingsPostBody {
    MyOnlineMeetingsPostBody {
        subject: Some("Quarterly numbers".into()),
        description: Some("Review & projections <draft>".into()),
        attendees: Some(vec![
            "sip:ann@contoso.com".into(),
            "sip:john@contoso.com".into(),
        ]),
        access_level: Some(AccessLevel::Invited),
        ..Default::default()
    }
}

fn self_link(meeting: &MyOnlineMeeting) -> Link<MyOnlineMeeting> {
    meeting.links.self_.clone().unwrap().cast()
}

/// The generic error a common error is, with its status.
fn generic(error: &UcwaError) -> (u16, GenericError) {
    match error {
        UcwaError::Generic { status, kind, .. } => (*status, *kind),
        other => panic!("not a generic error: {other:?}"),
    }
}

/// The parameters a 400 `ParameterValidationFailure` names.
fn named_parameters(body: &ErrorBody) -> Vec<String> {
    body.parameters
        .as_ref()
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn schedule_list_update_and_delete() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let meetings = client.online_meetings(&application);

        let meeting = meetings.schedule(&quarterly()).await.unwrap();
        assert_eq!(
            meeting.subject.as_deref(),
            Some("Quarterly numbers"),
            "{format:?}"
        );
        assert_eq!(
            meeting.description.as_deref(),
            Some("Review & projections <draft>")
        );
        assert_eq!(
            meeting.organizer_uri.as_ref().unwrap().as_str(),
            "sip:lene@contoso.com"
        );
        assert_eq!(meeting.access_level.as_deref(), Some("Invited"));
        let id = meeting.online_meeting_id.clone().unwrap();
        assert_eq!(id.len(), 8);
        assert_eq!(
            meeting.online_meeting_uri.as_ref().unwrap().as_str(),
            format!("sip:lene@contoso.com;gruu;opaque=app:conf:focus:id:{id}")
        );
        assert_eq!(
            meeting.join_url.as_deref(),
            Some(format!("https://meet.contoso.com/lene/{id}").as_str())
        );
        assert!(meeting.expiration_time.is_some());
        let first_tag = etag(&meeting).expect("an etag");

        // Listed by every application of the user.
        let (other_client, other_application) =
            signed_in(&emulator, "lene@contoso.com", format).await;
        let listed = other_client
            .online_meetings(&other_application)
            .list()
            .await
            .unwrap();
        let found = listed
            .iter()
            .find(|m| m.online_meeting_id.as_deref() == Some(&id))
            .expect("the new meeting is listed");
        assert_eq!(found.subject, meeting.subject);
        // Not by another user's.
        let (ann, ann_application) = signed_in(&emulator, "ann@contoso.com", format).await;
        let anns = ann.online_meetings(&ann_application).list().await.unwrap();
        assert!(
            anns.iter()
                .all(|m| m.online_meeting_id.as_deref() != Some(&id))
        );

        // An update with the current etag: the change is made, the rest kept, the etag new.
        let updated = meetings
            .update(&meeting, |m| {
                m.subject = Some("Quarterly numbers (moved)".into())
            })
            .await
            .unwrap();
        assert_eq!(
            updated.subject.as_deref(),
            Some("Quarterly numbers (moved)")
        );
        assert_eq!(updated.attendees, meeting.attendees);
        assert_eq!(updated.description, meeting.description);
        assert_eq!(updated.access_level.as_deref(), Some("Invited"));
        let second_tag = etag(&updated).unwrap();
        assert_ne!(first_tag, second_tag);
        let read = meetings.get(&self_link(&meeting)).await.unwrap();
        assert_eq!(read.subject, updated.subject);
        assert_eq!(etag(&read), Some(second_tag));

        // With the stale one: 412, typed.
        match meetings
            .update(&meeting, |m| m.subject = Some("lost".into()))
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(MyOnlineMeetingPutError::Common(
                error,
            )))) => assert_eq!(generic(&error), (412, GenericError::PreconditionFailed)),
            other => panic!("{format:?}: expected 412, got {other:?}"),
        }
        assert_eq!(
            meetings.get(&self_link(&meeting)).await.unwrap().subject,
            updated.subject,
            "a refused update changes nothing"
        );

        // Another user cannot read it.
        match ann
            .online_meetings(&ann_application)
            .get(&self_link(&meeting))
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(_))) => {}
            other => panic!("{format:?}: expected an error, got {other:?}"),
        }

        meetings.delete(&updated).await.unwrap();
        match meetings.get(&self_link(&meeting)).await {
            Err(ClientError::Response(ResponseError::Ucwa(MyOnlineMeetingGetError::Common(
                error,
            )))) => assert_eq!(generic(&error), (404, GenericError::ResourceNotFound)),
            other => panic!("{format:?}: expected 404, got {other:?}"),
        }
        let listed = meetings.list().await.unwrap();
        assert!(
            listed
                .iter()
                .all(|m| m.online_meeting_id.as_deref() != Some(&id))
        );
    }
}

#[tokio::test]
async fn a_put_without_if_match_is_precondition_required() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let meeting = client
            .online_meetings(&application)
            .schedule(&quarterly())
            .await
            .unwrap();
        let mut request = MyOnlineMeetingPut::request(
            client.origin(),
            &self_link(&meeting),
            &put_body(&meeting),
            &etag(&meeting).unwrap(),
            format,
        )
        .unwrap()
        .into_http();
        request.headers_mut().remove("if-match");
        let (parts, body) = request.into_parts();
        let answer = reqwest::Client::new()
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .bearer_auth(emulator.token_for("lene@contoso.com").unwrap())
            .body(body)
            .send()
            .await
            .unwrap();
        let mut response = ucwa::http::Response::builder().status(answer.status().as_u16());
        for (name, value) in answer.headers() {
            response = response.header(name.as_str(), value.as_bytes());
        }
        let response = response
            .body(answer.bytes().await.unwrap().to_vec())
            .unwrap();
        match MyOnlineMeetingPut::response(&response) {
            Err(ResponseError::Ucwa(MyOnlineMeetingPutError::Common(error))) => {
                assert_eq!(generic(&error), (428, GenericError::PreconditionRequired));
            }
            other => panic!("{format:?}: expected 428, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn invalid_settings_are_refused_naming_the_field() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (client, application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let meetings = client.online_meetings(&application);
        let cases: [(&str, MyOnlineMeetingsPostBody); 4] = [
            (
                "subject",
                MyOnlineMeetingsPostBody {
                    subject: Some("x".repeat(251)),
                    ..Default::default()
                },
            ),
            (
                "attendees",
                MyOnlineMeetingsPostBody {
                    attendees: Some(vec!["sip:eve@fabrikam.com".into()]),
                    ..Default::default()
                },
            ),
            (
                "expirationTime",
                MyOnlineMeetingsPostBody {
                    expiration_time: Some("/Date(1000)/".into()),
                    ..Default::default()
                },
            ),
            (
                "accessLevel",
                MyOnlineMeetingsPostBody {
                    access_level: Some(AccessLevel::Other("Anybody".into())),
                    ..Default::default()
                },
            ),
        ];
        for (field, body) in cases {
            match meetings.schedule(&body).await {
                Err(ClientError::Response(ResponseError::Ucwa(
                    MyOnlineMeetingsPostError::Common(error),
                ))) => {
                    assert_eq!(
                        generic(&error),
                        (400, GenericError::ParameterValidationFailure)
                    );
                    assert_eq!(named_parameters(error.body()), [field], "{format:?}");
                }
                other => panic!("{format:?} {field}: expected 400, got {other:?}"),
            }
        }
        assert!(
            meetings.list().await.unwrap().is_empty(),
            "nothing scheduled"
        );

        // An update is checked the same way, and changes nothing when refused.
        let meeting = meetings.schedule(&quarterly()).await.unwrap();
        match meetings
            .update(&meeting, |m| {
                m.leaders = Some(vec!["ann@contoso.com".into()])
            })
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(MyOnlineMeetingPutError::Common(
                error,
            )))) => assert_eq!(named_parameters(error.body()), ["leaders"]),
            other => panic!("{format:?}: expected 400, got {other:?}"),
        }
        let read = meetings.get(&self_link(&meeting)).await.unwrap();
        assert_eq!(etag(&read), etag(&meeting));
        meetings.delete(&read).await.unwrap();
    }
}

#[tokio::test]
async fn scheduling_is_bounded_per_user() {
    let emulator = emulator(Limits {
        max_meetings_per_user: 2,
        ..Limits::default()
    })
    .await;
    for format in FORMATS {
        let (client, application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let meetings = client.online_meetings(&application);
        let first = meetings.schedule(&quarterly()).await.unwrap();
        meetings.schedule(&quarterly()).await.unwrap();
        match meetings.schedule(&quarterly()).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                MyOnlineMeetingsPostError::TooManyOnlineMeetings(body),
            ))) => assert!(
                body.message
                    .as_deref()
                    .unwrap_or_default()
                    .contains("max_meetings_per_user")
            ),
            other => panic!("{format:?}: expected 409 TooManyOnlineMeetings, got {other:?}"),
        }
        assert_eq!(meetings.list().await.unwrap().len(), 2);
        // The bound is each user's own.
        let (ann, ann_application) = signed_in(&emulator, "ann@contoso.com", format).await;
        let ann_meetings = ann.online_meetings(&ann_application);
        let anns = ann_meetings.schedule(&quarterly()).await.unwrap();
        // A deleted meeting makes room again.
        meetings.delete(&first).await.unwrap();
        let again = meetings.schedule(&quarterly()).await.unwrap();
        for meeting in meetings.list().await.unwrap() {
            meetings.delete(&meeting).await.unwrap();
        }
        assert_ne!(again.online_meeting_id, first.online_meeting_id);
        ann_meetings.delete(&anns).await.unwrap();
    }
}

/// The next events of `handle`'s channel, until `count` have arrived.
async fn events(
    channel: &mut ucwa_client::EventChannel,
    count: usize,
) -> Vec<(String, ucwa::events::Event<AnyResource>)> {
    let mut seen = Vec::new();
    for _ in 0..10 {
        let batch = channel.next_batch().await.unwrap();
        for (sender, event) in batch.events() {
            seen.push((sender.rel.clone(), event.clone()));
        }
        if seen.len() >= count {
            break;
        }
    }
    seen
}

async fn join_unknown(meetings: &OnlineMeetingsHandle, uri: &str) -> JoinOnlineMeetingPostError {
    match meetings.join(uri).await {
        Err(ClientError::Response(ResponseError::Ucwa(error))) => error,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_scheduled_meeting_is_joined_by_its_uri() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let (lene, lene_application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let scheduled = lene
            .online_meetings(&lene_application)
            .schedule(&quarterly())
            .await
            .unwrap();
        let uri = scheduled.online_meeting_uri.clone().unwrap();

        // Ann, who knows the URI, joins from her application.
        let (ann, ann_application) = signed_in(&emulator, "ann@contoso.com", format).await;
        let mut channel = ann.events(&ann_application.links.events.clone().unwrap());
        // The scripted call's `added` comes first on every new application.
        let _ = events(&mut channel, 1).await;
        let meetings = ann.online_meetings(&ann_application);
        let invitation = meetings.join(uri.as_str()).await.unwrap();
        let read = meetings.invitation(&invitation).await.unwrap();
        assert_eq!(read.state, Some(InvitationState::Connected), "{format:?}");
        assert_eq!(read.online_meeting_uri.as_ref(), Some(&uri));
        assert_eq!(read.subject.as_deref(), Some("Quarterly numbers"));
        assert!(read.links.conversation.is_some());

        // The join as the walkthroughs show it: the invitation started, the conversation
        // added and connected, the local participant, the meeting, the invitation completed.
        let seen = events(&mut channel, 6).await;
        let summary: Vec<(&str, &EventType, &str)> = seen
            .iter()
            .map(|(sender, e)| (sender.as_str(), &e.event_type, e.rel.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "communication",
                    &EventType::Started,
                    "onlineMeetingInvitation"
                ),
                ("communication", &EventType::Added, "conversation"),
                ("communication", &EventType::Updated, "conversation"),
                ("conversation", &EventType::Added, "localParticipant"),
                ("conversation", &EventType::Added, "onlineMeeting"),
                (
                    "communication",
                    &EventType::Completed,
                    "onlineMeetingInvitation"
                ),
            ],
            "{format:?}"
        );
        let seen: Vec<_> = seen
            .into_iter()
            .filter(|(_, e)| e.rel.starts_with("onlineMeeting"))
            .collect();
        assert_eq!(seen[0].1.link.href, invitation.href);
        match &seen[0].1.resource {
            Some(AnyResource::OnlineMeetingInvitation(started)) => {
                assert_eq!(started.state, Some(InvitationState::Connecting));
            }
            other => panic!("{format:?}: {other:?}"),
        }
        match &seen[1].1.resource {
            Some(AnyResource::OnlineMeeting(meeting)) => {
                assert_eq!(meeting.subject.as_deref(), Some("Quarterly numbers"));
                assert_eq!(
                    meeting.organizer_uri.as_deref(),
                    Some("sip:lene@contoso.com")
                );
                assert_eq!(meeting.online_meeting_id, scheduled.online_meeting_id);
            }
            other => panic!("{format:?}: {other:?}"),
        }

        // An unknown meeting, or one deleted since: 404 DestinationNotFound, typed.
        let unknown = format!(
            "{};gruu;opaque=app:conf:focus:id:NOSUCHID",
            "sip:lene@contoso.com"
        );
        assert!(matches!(
            join_unknown(&meetings, &unknown).await,
            JoinOnlineMeetingPostError::DestinationNotFound(_)
        ));
        lene.online_meetings(&lene_application)
            .delete(&scheduled)
            .await
            .unwrap();
        assert!(matches!(
            join_unknown(&meetings, uri.as_str()).await,
            JoinOnlineMeetingPostError::DestinationNotFound(_)
        ));
        // No URI at all is a parameter missing.
        match join_unknown(&meetings, "").await {
            JoinOnlineMeetingPostError::Common(error) => {
                assert_eq!(error.status(), 400);
                assert_eq!(named_parameters(error.body()), ["onlineMeetingUri"]);
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn meetings_in_progress_are_bounded() {
    for format in FORMATS {
        let emulator = emulator(Limits {
            max_meeting_joins: 1,
            ..Limits::default()
        })
        .await;
        let (client, application) = signed_in(&emulator, "lene@contoso.com", format).await;
        let meetings = client.online_meetings(&application);
        let first = meetings.schedule(&quarterly()).await.unwrap();
        let second = meetings.schedule(&quarterly()).await.unwrap();
        let joined = meetings
            .join(first.online_meeting_uri.as_ref().unwrap().as_str())
            .await
            .unwrap();
        // Joining the same meeting again is another side of the one in progress.
        let again = meetings
            .join(first.online_meeting_uri.as_ref().unwrap().as_str())
            .await
            .unwrap();
        assert_ne!(joined.href, again.href);
        // Another meeting would be one more in progress: 403 `LimitExceeded`.
        match meetings
            .join(second.online_meeting_uri.as_ref().unwrap().as_str())
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(ucwa::operation::OperationError::status(&error), 403);
            }
            other => panic!("{format:?}: expected 403, got {other:?}"),
        }
        assert!(meetings.invitation(&joined).await.is_ok());
        meetings.delete(&first).await.unwrap();
        meetings.delete(&second).await.unwrap();
    }
}
