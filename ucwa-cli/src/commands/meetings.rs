//! `ucwa meetings`.

use serde::Serialize;
use ucwa::operations::MyOnlineMeetingsPostBody;
use ucwa::resources::MyOnlineMeeting;
use ucwa_client::meetings::OnlineMeetingsHandle;

use super::{or_dash, sip};
use crate::cli::MeetingsAction;
use crate::connect::Connection;
use crate::failure::{Context, Failure, Kind};
use crate::output::Output;

/// A meeting as listed.
#[derive(Serialize)]
struct MeetingView {
    id: Option<String>,
    subject: Option<String>,
    description: Option<String>,
    uri: Option<String>,
    join_url: Option<String>,
    attendees: Vec<String>,
    expires: Option<String>,
}

impl From<&MyOnlineMeeting> for MeetingView {
    fn from(m: &MyOnlineMeeting) -> Self {
        MeetingView {
            id: m.online_meeting_id.clone(),
            subject: m.subject.clone(),
            description: m.description.clone(),
            uri: m.online_meeting_uri.as_ref().map(|u| u.as_str().to_owned()),
            join_url: m.join_url.clone(),
            attendees: m
                .attendees
                .iter()
                .flatten()
                .map(|a| a.as_str().to_owned())
                .collect(),
            expires: m.expiration_time.map(|t| t.to_iso8601()),
        }
    }
}

/// `meetings list|create|update|delete|link`.
pub async fn meetings(
    connection: &Connection,
    action: &MeetingsAction,
    out: Output,
) -> Result<(), Failure> {
    let meetings = connection.session.online_meetings();
    match action {
        MeetingsAction::List => {
            let listed: Vec<MeetingView> = meetings
                .list()
                .await
                .doing("Listing the meetings")?
                .iter()
                .map(MeetingView::from)
                .collect();
            out.show(&listed, || {
                let rows = listed
                    .iter()
                    .map(|m| {
                        vec![
                            or_dash(m.id.as_deref()),
                            or_dash(m.subject.as_deref()),
                            m.attendees.len().to_string(),
                            or_dash(m.join_url.as_deref()),
                        ]
                    })
                    .collect();
                out.table(
                    &["id", "subject", "attendees", "join url"],
                    rows,
                    "No meetings.",
                )
            });
        }
        MeetingsAction::Create {
            subject,
            description,
            attendees,
        } => {
            let made = meetings
                .schedule(&MyOnlineMeetingsPostBody {
                    subject: Some(subject.clone()),
                    description: description.clone(),
                    attendees: (!attendees.is_empty())
                        .then(|| attendees.iter().map(|a| sip(a)).collect()),
                    ..Default::default()
                })
                .await
                .doing("Scheduling the meeting")?;
            show_one(&made, out);
        }
        MeetingsAction::Update {
            id,
            subject,
            description,
        } => {
            let meeting = find(&meetings, id).await?;
            let updated = meetings
                .update(&meeting, |body| {
                    if let Some(subject) = subject {
                        body.subject = Some(subject.clone());
                    }
                    if let Some(description) = description {
                        body.description = Some(description.clone());
                    }
                })
                .await
                .doing("Updating the meeting")?;
            show_one(&updated, out);
        }
        MeetingsAction::Delete { id } => {
            let meeting = find(&meetings, id).await?;
            meetings
                .delete(&meeting)
                .await
                .doing("Deleting the meeting")?;
            #[derive(Serialize)]
            struct Deleted<'a> {
                deleted: &'a str,
            }
            out.show(&Deleted { deleted: id }, || {
                format!("Deleted meeting {id}.")
            });
        }
        MeetingsAction::Link { id } => {
            let meeting = find(&meetings, id).await?;
            let view = MeetingView::from(&meeting);
            out.show(&view, || {
                view.join_url
                    .clone()
                    .unwrap_or_else(|| "(no join link)".to_owned())
            });
        }
    }
    Ok(())
}

fn show_one(meeting: &MyOnlineMeeting, out: Output) {
    let view = MeetingView::from(meeting);
    out.show(&view, || {
        format!(
            "id:        {}\nsubject:   {}\nuri:       {}\njoin url:  {}\nattendees: {}",
            or_dash(view.id.as_deref()),
            or_dash(view.subject.as_deref()),
            or_dash(view.uri.as_deref()),
            or_dash(view.join_url.as_deref()),
            if view.attendees.is_empty() {
                "-".to_owned()
            } else {
                view.attendees.join(", ")
            },
        )
    });
}

/// The meeting whose id is `id`, among the user's.
async fn find(meetings: &OnlineMeetingsHandle, id: &str) -> Result<MyOnlineMeeting, Failure> {
    meetings
        .list()
        .await
        .doing("Listing the meetings")?
        .into_iter()
        .find(|m| m.online_meeting_id.as_deref() == Some(id))
        .ok_or_else(|| {
            Failure::new(
                Kind::NotFound,
                format!("No meeting has the id {id}: `ucwa meetings list` shows them."),
            )
        })
}
