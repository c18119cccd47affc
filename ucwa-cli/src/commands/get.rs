//! `ucwa get PATH`: any resource, decoded as its type and printed.

use serde::Serialize;
use ucwa::Link;
use ucwa::resources::{
    Application, Communication, Conversations, Location, Me, MyContacts, MyGroups,
    MyOnlineMeetings, MyPrivacyRelationships, Note, OnlineMeetings, People, Phones, Presence,
};
use ucwa_client::Client;

use crate::connect::Connection;
use crate::failure::{Context, Failure, Kind};
use crate::output::Output;

/// Fetches `href` as the resource of `rel` and gives it as JSON (the schema's field names).
macro_rules! typed {
    ($client:expr, $href:expr, $rel:expr, { $($name:literal => $ty:ty,)* }) => {
        match $rel {
            $($name => {
                let link: Link<$ty> = Link::<ucwa::Untyped>::to($href).cast();
                let value = $client.get(&link).await.doing(&format!("Reading {}", $href))?;
                Ok(to_json(&value))
            })*
            other => Err(Failure::new(
                Kind::Other,
                format!(
                    "`{other}` is not a rel `ucwa get` decodes: give --as one of {}.",
                    [$($name),*].join(", ")
                ),
            )),
        }
    };
}

/// The resource at `path` (an href, or a path under the application such as `me/presence`),
/// decoded as `rel` (by default the last segment of the path) and printed as JSON.
pub async fn get(
    connection: &Connection,
    path: &str,
    rel: Option<&str>,
    out: Output,
) -> Result<(), Failure> {
    let application = connection.session.application();
    let base = application
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let href = if path.starts_with('/') || path.contains("://") {
        path.to_owned()
    } else if path.is_empty() || path == "application" {
        base.clone()
    } else {
        format!("{base}/{}", path.trim_start_matches('/'))
    };
    let rel = rel.map(str::to_owned).unwrap_or_else(|| rel_of(path));
    let client: Client = connection.session.client();
    let value = typed!(client, href.as_str(), rel.as_str(), {
        "application" => Application,
        "me" => Me,
        "presence" => Presence,
        "note" => Note,
        "location" => Location,
        "phones" => Phones,
        "people" => People,
        "myContacts" => MyContacts,
        "myGroups" => MyGroups,
        "myPrivacyRelationships" => MyPrivacyRelationships,
        "communication" => Communication,
        "conversations" => Conversations,
        "onlineMeetings" => OnlineMeetings,
        "myOnlineMeetings" => MyOnlineMeetings,
    })?;
    if out.json {
        out.json_line(&value);
    } else {
        out.show(&value, || {
            serde_json::to_string_pretty(&value).expect("JSON prints")
        });
    }
    Ok(())
}

/// The rel a path names by its last segment (`me/presence` → `presence`; the path's own
/// spellings of the people's lists map to their rels).
fn rel_of(path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match last {
        "" | "applications" => "application".to_owned(),
        other => other.to_owned(),
    }
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("resources serialize")
}
