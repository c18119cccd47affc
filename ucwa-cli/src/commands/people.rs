//! `ucwa contacts`, `ucwa groups`.

use serde::Serialize;
use ucwa::resources::Contact;

use super::or_dash;
use crate::cli::ContactsAction;
use crate::connect::Connection;
use crate::failure::{Context, Failure};
use crate::output::Output;

/// A contact as listed.
#[derive(Serialize)]
struct ContactView {
    name: Option<String>,
    uri: Option<String>,
    title: Option<String>,
    department: Option<String>,
    company: Option<String>,
}

impl From<Contact> for ContactView {
    fn from(contact: Contact) -> Self {
        ContactView {
            name: contact.name,
            uri: contact.uri.map(|u| u.as_str().to_owned()),
            title: contact.title,
            department: contact.department,
            company: contact.company,
        }
    }
}

/// `contacts list|search`.
pub async fn contacts(
    connection: &Connection,
    action: &ContactsAction,
    out: Output,
) -> Result<(), Failure> {
    let people = connection.session.people();
    let found: Vec<ContactView> = match action {
        ContactsAction::List => people.contacts().await.doing("Listing the contacts")?,
        ContactsAction::Search { query, limit } => {
            people
                .search(query, *limit)
                .await
                .doing("Searching")?
                .embedded
                .contact
        }
    }
    .into_iter()
    .map(ContactView::from)
    .collect();
    out.show(&found, || {
        let rows = found
            .iter()
            .map(|c| {
                vec![
                    or_dash(c.name.as_deref()),
                    or_dash(c.uri.as_deref()),
                    or_dash(c.title.as_deref()),
                    or_dash(c.department.as_deref()),
                ]
            })
            .collect();
        out.table(&["name", "uri", "title", "department"], rows, "No one.")
    });
    Ok(())
}

/// A group as listed.
#[derive(Serialize)]
struct GroupView {
    id: Option<String>,
    name: Option<String>,
}

/// `groups`.
pub async fn groups(connection: &Connection, out: Output) -> Result<(), Failure> {
    let groups: Vec<GroupView> = connection
        .session
        .people()
        .groups()
        .await
        .doing("Listing the groups")?
        .into_iter()
        .map(|g| GroupView {
            id: g.id,
            name: g.name,
        })
        .collect();
    out.show(&groups, || {
        let rows = groups
            .iter()
            .map(|g| vec![or_dash(g.name.as_deref()), or_dash(g.id.as_deref())])
            .collect();
        out.table(&["name", "id"], rows, "No groups.")
    });
    Ok(())
}
