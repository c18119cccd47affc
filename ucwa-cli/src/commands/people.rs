//! `ucwa contacts`, `ucwa groups`: the contact list read, searched and changed, and
//! distribution groups expanded.

use serde::Serialize;
use ucwa::resources::{Contact, DistributionGroup, Group};
use ucwa_client::ClientError;
use ucwa_client::people::{ContactListError, PeopleHandle, SpecialGroup};

use super::{or_dash, sip};
use crate::cli::{ContactsAction, GroupsAction};
use crate::connect::Connection;
use crate::failure::{Classify, Context, Failure, Kind};
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

/// `contacts list|search|add|remove|move|copy`.
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
        ContactsAction::Add { .. }
        | ContactsAction::Remove { .. }
        | ContactsAction::Move { .. }
        | ContactsAction::Copy { .. } => {
            let change = change_contact(&people, action).await?;
            out.show(&change, || change.sentence());
            return Ok(());
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

/// A change of the contact list as shown: what was done, to whom, from and to which group
/// (`to` absent with `add`: the default group; `from` absent with `remove`: every group).
#[derive(Serialize)]
struct ContactChange {
    action: &'static str,
    contact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
}

impl ContactChange {
    /// The sentence people read.
    fn sentence(&self) -> String {
        let contact = &self.contact;
        match (self.action, &self.from, &self.to) {
            ("added", _, Some(to)) => format!("Added {contact} to {to}."),
            ("added", _, None) => format!("Added {contact} to the contact list."),
            ("removed", Some(from), _) => format!("Removed {contact} from {from}."),
            ("removed", None, _) => format!("Removed {contact} from the contact list."),
            (_, Some(from), Some(to)) => format!("Moved {contact} from {from} to {to}."),
            (_, _, Some(to)) => format!("Copied {contact} to {to}."),
            (action, _, _) => format!("{contact}: {action}."),
        }
    }
}

/// What to tell people when the server refuses a change of the list: a name already in use
/// (or someone already there), and something not there.
struct Advice<'a> {
    conflict: &'a str,
    missing: &'a str,
}

/// An error of the contact list's requests, classified as every library error is.
struct ListError<'a>(&'a ClientError<ContactListError>);

impl std::fmt::Display for ListError<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Classify for ListError<'_> {
    fn kind(&self) -> Kind {
        let error = self.0;
        if error.is_connect() || error.is_timeout() {
            return Kind::Network;
        }
        if error.is_refused_grant() {
            return Kind::SignIn;
        }
        match error {
            ClientError::Auth(_) => Kind::SignIn,
            ClientError::MissingLink { .. } => Kind::NotFound,
            _ => Kind::Other,
        }
    }
}

/// `error` from a change of the contact list, while `doing` something: a refusal in one
/// sentence that names what to do, with its exit code (not found: 4; others: 1).
fn refused(doing: &str, error: &ClientError<ContactListError>, advice: &Advice<'_>) -> Failure {
    let ClientError::Response(ucwa::ResponseError::Ucwa(refusal)) = error else {
        return Failure::from_error(doing, &ListError(error));
    };
    let (kind, what) = match refusal {
        ContactListError::TooManyContacts(_) => (
            Kind::Other,
            "your contact list is as long as the server allows: remove someone first \
             (`ucwa contacts remove ADDRESS`)",
        ),
        ContactListError::TooManyGroups(_) => (
            Kind::Other,
            "you have as many groups as the server allows: delete one first \
             (`ucwa groups delete NAME`)",
        ),
        ContactListError::AlreadyExists(_) => (Kind::Other, advice.conflict),
        ContactListError::NotFound(_) => (Kind::NotFound, advice.missing),
        ContactListError::Forbidden(_) => (
            Kind::Other,
            "the server does not allow that change of this group: only your own groups can be \
             renamed or deleted, and only they, the default group, Favorites and Delegates take \
             contacts",
        ),
        ContactListError::TooManyMembers(_) => (
            Kind::Other,
            "it has more members than the server expands: search for the people in it instead \
             (`ucwa contacts search NAME`)",
        ),
        other => {
            // A parameter the server refused, named with its reason when it gives one.
            let reasons: Vec<String> = match &other.body().parameters {
                Some(serde_json::Value::Object(parameters)) => parameters
                    .iter()
                    .filter_map(|(name, why)| Some(format!("{name}: {}", why.as_str()?)))
                    .collect(),
                _ => Vec::new(),
            };
            if reasons.is_empty() {
                return Failure::from_error(doing, &ListError(error));
            }
            return Failure::new(
                Kind::Other,
                format!(
                    "{doing} failed: the server refused {}; check what was given.",
                    reasons.join(", ").trim_end_matches('.')
                ),
            );
        }
    };
    Failure::new(kind, format!("{doing} failed: {what}."))
}

/// The group named `name` (without case): one of the user's own, or one the server keeps
/// ("Other Contacts", "Favorites", …).
async fn find_group(people: &PeopleHandle, name: &str) -> Result<Group, Failure> {
    let advice = Advice {
        conflict: "",
        missing: "the groups are not there: run `ucwa login` again",
    };
    if let Some(group) = people
        .group_named(name)
        .await
        .map_err(|e| refused("Reading the groups", &e, &advice))?
    {
        return Ok(group);
    }
    for which in [
        SpecialGroup::Default,
        SpecialGroup::Pinned,
        SpecialGroup::Delegates,
        SpecialGroup::Delegators,
        SpecialGroup::Organization,
    ] {
        match people.special_group(which).await {
            Ok(group)
                if group
                    .name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name.trim())) =>
            {
                return Ok(group);
            }
            // A server that keeps fewer groups links fewer.
            Ok(_) | Err(ClientError::MissingLink { .. }) => {}
            Err(error) => return Err(refused("Reading the groups", &error, &advice)),
        }
    }
    Err(Failure::new(
        Kind::NotFound,
        format!("No group is named {name}: `ucwa groups` lists them."),
    ))
}

/// The contact `address` as the server knows them.
async fn find_contact(people: &PeopleHandle, address: &str) -> Result<Contact, Failure> {
    people
        .contact(address)
        .await
        .doing(&format!("Finding {address}"))
}

/// `contacts add|remove|move|copy`.
async fn change_contact(
    people: &PeopleHandle,
    action: &ContactsAction,
) -> Result<ContactChange, Failure> {
    let missing = "they are not in that group: `ucwa groups` and `ucwa contacts list` show who is \
                   where";
    match action {
        ContactsAction::Add {
            contact: address,
            group,
        } => {
            let uri = sip(address);
            let group = match group {
                Some(name) => Some(find_group(people, name).await?),
                None => None,
            };
            let conflict = format!(
                "{uri} is in {} already",
                group
                    .as_ref()
                    .and_then(|g| g.name.as_deref())
                    .unwrap_or("the default group")
            );
            people
                .add_contact(&uri, group.as_ref())
                .await
                .map_err(|e| {
                    refused(
                        &format!("Adding {uri}"),
                        &e,
                        &Advice {
                            conflict: &conflict,
                            missing: "the server does not know them: check the address \
                                      (`ucwa contacts search NAME`)",
                        },
                    )
                })?;
            Ok(ContactChange {
                action: "added",
                contact: uri,
                from: None,
                to: group.and_then(|g| g.name),
            })
        }
        ContactsAction::Remove {
            contact: address,
            group,
        } => {
            let uri = sip(address);
            let contact = find_contact(people, address).await?;
            let advice = Advice {
                conflict: "",
                missing,
            };
            let doing = format!("Removing {uri}");
            let from = match group {
                Some(name) => {
                    let group = find_group(people, name).await?;
                    people
                        .remove_from_group(&contact, &group)
                        .await
                        .map_err(|e| refused(&doing, &e, &advice))?;
                    group.name
                }
                None => {
                    people
                        .remove_contact(&contact)
                        .await
                        .map_err(|e| refused(&doing, &e, &advice))?;
                    None
                }
            };
            Ok(ContactChange {
                action: "removed",
                contact: uri,
                from,
                to: None,
            })
        }
        ContactsAction::Move {
            contact: address,
            from,
            to,
        } => {
            let uri = sip(address);
            let contact = find_contact(people, address).await?;
            let from = find_group(people, from).await?;
            let to = find_group(people, to).await?;
            // Checked first: the move adds to `to` before it takes out of `from`, and someone
            // not in `from` would be left copied.
            let members = people
                .group_contacts(&from)
                .await
                .doing("Reading the group")?;
            if !members.iter().any(|m| m.uri == contact.uri) {
                return Err(Failure::new(
                    Kind::NotFound,
                    format!(
                        "{uri} is not in {}: `ucwa contacts copy` adds them to another group \
                         without taking them out of one.",
                        or_dash(from.name.as_deref())
                    ),
                ));
            }
            people
                .move_contact(&contact, &from, &to)
                .await
                .map_err(|e| {
                    refused(
                        &format!("Moving {uri}"),
                        &e,
                        &Advice {
                            conflict: "",
                            missing,
                        },
                    )
                })?;
            Ok(ContactChange {
                action: "moved",
                contact: uri,
                from: from.name,
                to: to.name,
            })
        }
        ContactsAction::Copy {
            contact: address,
            to,
        } => {
            let uri = sip(address);
            let contact = find_contact(people, address).await?;
            let to = find_group(people, to).await?;
            let conflict = format!(
                "{uri} is in {} already",
                to.name.as_deref().unwrap_or("that group")
            );
            people.copy_contact(&contact, &to).await.map_err(|e| {
                refused(
                    &format!("Copying {uri}"),
                    &e,
                    &Advice {
                        conflict: &conflict,
                        missing,
                    },
                )
            })?;
            Ok(ContactChange {
                action: "copied",
                contact: uri,
                from: None,
                to: to.name,
            })
        }
        ContactsAction::List | ContactsAction::Search { .. } => {
            unreachable!("listed, not changed")
        }
    }
}

/// A group as listed: its name, kind (`group` for the user's own, else the rel of the one the
/// server keeps), id and how many contacts it holds.
#[derive(Serialize)]
struct GroupView {
    name: Option<String>,
    kind: String,
    id: Option<String>,
    contacts: usize,
}

/// A group as made.
#[derive(Serialize)]
struct MadeGroup {
    id: Option<String>,
    name: Option<String>,
}

/// `groups [list|create|rename|delete|expand]`.
pub async fn groups(
    connection: &Connection,
    action: Option<&GroupsAction>,
    out: Output,
) -> Result<(), Failure> {
    let people = connection.session.people();
    let name_taken =
        |name: &str| format!("a group named {name} exists already: choose another name");
    let no_group = "the group is not there any more: `ucwa groups` lists them";
    match action.unwrap_or(&GroupsAction::List) {
        GroupsAction::List => list_groups(&people, out).await?,
        GroupsAction::Create { name } => {
            let made = people.create_group(name).await.map_err(|e| {
                refused(
                    &format!("Creating group {name}"),
                    &e,
                    &Advice {
                        conflict: &name_taken(name),
                        missing: no_group,
                    },
                )
            })?;
            let view = MadeGroup {
                id: made.id,
                name: made.name,
            };
            out.show(&view, || {
                format!(
                    "Created group {} (id {}).",
                    or_dash(view.name.as_deref()),
                    or_dash(view.id.as_deref())
                )
            });
        }
        GroupsAction::Rename { name, new_name } => {
            let group = find_group(&people, name).await?;
            people.rename_group(&group, new_name).await.map_err(|e| {
                refused(
                    &format!("Renaming group {name}"),
                    &e,
                    &Advice {
                        conflict: &name_taken(new_name),
                        missing: no_group,
                    },
                )
            })?;
            #[derive(Serialize)]
            struct Renamed<'a> {
                id: Option<&'a str>,
                renamed: &'a str,
                name: &'a str,
            }
            let view = Renamed {
                id: group.id.as_deref(),
                renamed: group.name.as_deref().unwrap_or(name),
                name: new_name.trim(),
            };
            out.show(&view, || {
                format!("Renamed group {} to {}.", view.renamed, view.name)
            });
        }
        GroupsAction::Delete { name } => {
            let group = find_group(&people, name).await?;
            people.delete_group(&group).await.map_err(|e| {
                refused(
                    &format!("Deleting group {name}"),
                    &e,
                    &Advice {
                        conflict: "",
                        missing: no_group,
                    },
                )
            })?;
            #[derive(Serialize)]
            struct Deleted<'a> {
                id: Option<&'a str>,
                deleted: &'a str,
            }
            let view = Deleted {
                id: group.id.as_deref(),
                deleted: group.name.as_deref().unwrap_or(name),
            };
            out.show(&view, || format!("Deleted group {}.", view.deleted));
        }
        GroupsAction::Expand { name, max } => expand(&people, name, *max, out).await?,
    }
    Ok(())
}

/// `groups list`: the whole list as the server has it.
async fn list_groups(people: &PeopleHandle, out: Output) -> Result<(), Failure> {
    let list = people.contact_list().await.map_err(|e| {
        refused(
            "Listing the groups",
            &e,
            &Advice {
                conflict: "",
                missing: "a group went away while it was read: try again",
            },
        )
    })?;
    let mut groups: Vec<GroupView> = list
        .groups()
        .values()
        .map(|g| GroupView {
            name: g.name.clone(),
            kind: g.rel.clone(),
            id: g.id.clone(),
            contacts: g.contacts.len(),
        })
        .collect();
    // The user's own groups first, by name; then those the server keeps, in the order above.
    let rank = |kind: &str| match kind {
        "group" => 0,
        "defaultGroup" => 1,
        "pinnedGroup" => 2,
        "delegatesGroup" => 3,
        "delegatorsGroup" => 4,
        "myOrganizationGroup" => 5,
        _ => 6,
    };
    groups.sort_by(|a, b| {
        (rank(&a.kind), a.name.as_deref().map(str::to_lowercase))
            .cmp(&(rank(&b.kind), b.name.as_deref().map(str::to_lowercase)))
    });
    out.show(&groups, || {
        let rows = groups
            .iter()
            .map(|g| {
                vec![
                    or_dash(g.name.as_deref()),
                    g.kind.clone(),
                    g.contacts.to_string(),
                    or_dash(g.id.as_deref()),
                ]
            })
            .collect();
        out.table(&["name", "kind", "contacts", "id"], rows, "No groups.")
    });
    Ok(())
}

/// A distribution group as listed (a member of another, or the one expanded).
#[derive(Serialize)]
struct DistributionView {
    id: Option<String>,
    name: Option<String>,
    uri: Option<String>,
}

impl From<&DistributionGroup> for DistributionView {
    fn from(group: &DistributionGroup) -> Self {
        DistributionView {
            id: group.id.clone(),
            name: group.name.clone(),
            uri: group.uri.as_ref().map(|u| u.as_str().to_owned()),
        }
    }
}

/// An expansion as shown.
#[derive(Serialize)]
struct ExpansionView {
    group: DistributionView,
    contacts: Vec<ContactView>,
    groups: Vec<DistributionView>,
    /// Whether there were more members than `--max` (those are left out).
    truncated: bool,
}

/// Whether distribution group `group` is the one `name` names: its name, id or address
/// (without case, with or without `sip:`).
fn names(group: &DistributionGroup, name: &str) -> bool {
    let name = name.trim();
    let bare = |v: &str| {
        v.strip_prefix("sip:")
            .or_else(|| v.strip_prefix("mailto:"))
            .unwrap_or(v)
            .to_owned()
    };
    let wanted = bare(name);
    [
        group.name.clone(),
        group.id.clone(),
        group.uri.as_ref().map(|u| u.as_str().to_owned()),
    ]
    .into_iter()
    .flatten()
    .any(|v| bare(&v).eq_ignore_ascii_case(&wanted))
}

/// `groups expand NAME --max N`: found by search, then expanded.
async fn expand(people: &PeopleHandle, name: &str, max: u32, out: Output) -> Result<(), Failure> {
    let found = people
        .search(name, Some(100))
        .await
        .doing("Searching for the distribution group")?
        .embedded
        .distribution_group;
    let group = match found.iter().find(|g| names(g, name)) {
        Some(group) => group,
        None if found.len() == 1 => &found[0],
        None if found.is_empty() => {
            return Err(Failure::new(
                Kind::NotFound,
                format!(
                    "No distribution group is named {name}: check the name or give its mail \
                     address."
                ),
            ));
        }
        None => {
            let candidates: Vec<String> = found
                .iter()
                .take(5)
                .map(|g| or_dash(g.name.as_deref().or(g.id.as_deref())))
                .collect();
            return Err(Failure::new(
                Kind::Other,
                format!(
                    "{name} matches {} distribution groups ({}): give one's full name or mail \
                     address.",
                    found.len(),
                    candidates.join(", ")
                ),
            ));
        }
    };
    let expansion = people.expand(group, max as usize).await.map_err(|e| {
        refused(
            &format!("Expanding {name}"),
            &e,
            &Advice {
                conflict: "",
                missing: "the server no longer knows it: check the name",
            },
        )
    })?;
    let view = ExpansionView {
        group: DistributionView::from(group),
        contacts: expansion
            .contacts
            .into_iter()
            .map(ContactView::from)
            .collect(),
        groups: expansion
            .groups
            .iter()
            .map(DistributionView::from)
            .collect(),
        truncated: expansion.truncated,
    };
    out.show(&view, || {
        let mut rows: Vec<Vec<String>> = view
            .contacts
            .iter()
            .map(|c| {
                vec![
                    or_dash(c.name.as_deref()),
                    or_dash(c.uri.as_deref()),
                    "person".to_owned(),
                ]
            })
            .collect();
        rows.extend(view.groups.iter().map(|g| {
            vec![
                or_dash(g.name.as_deref()),
                or_dash(g.uri.as_deref().or(g.id.as_deref())),
                "group".to_owned(),
            ]
        }));
        let mut text = out.table(&["name", "address", "kind"], rows, "No members.");
        if view.truncated {
            text.push_str(&format!(
                "\nThe first {max} members only: raise --max to see the rest."
            ));
        }
        text
    });
    Ok(())
}
