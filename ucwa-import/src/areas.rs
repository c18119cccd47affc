//! The area of each resource — communication, people, me, online meetings, or the core every
//! application needs — which becomes a cargo feature of the generated crate, so that a user who
//! needs one area compiles only it.
//!
//! A resource's area is where it lives: the first path segment after the application
//! (`/ucwa/oauth/v1/applications/192/people/…`) in the URLs its page's sample requests are sent
//! to. A page without request samples takes the area of the resource that sends its events, or
//! else of the resources that link to it, when they agree; otherwise it is core. The resources
//! of the application's lifecycle (`me`, makeMeAvailable) are core.

use std::collections::{BTreeMap, BTreeSet};

use crate::page::ResourcePage;

/// Each area and the path segments under the application that belong to it. Anything else
/// under the application (its own URL, `policies`, `batch`, `events`, `reportMyActivity`) is
/// the core.
pub const AREAS: [(&str, &[&str]); 4] = [
    (
        "communication",
        &[
            "communication",
            "mediaPolicies",
            "mediaRelayAccessToken",
            "reportMyNetwork",
        ],
    ),
    (
        "people",
        &[
            "people",
            "contacts",
            "search",
            "subscribedContacts",
            "groups",
            "presenceSubscription",
            "presenceSubscriptions",
            "presenceSubscriptionMemberships",
            "myPrivacyRelationships",
            "myGroupMemberships",
        ],
    ),
    ("me", &["me", "photo"]),
    ("online-meetings", &["onlineMeetings"]),
];

/// The resources of the application's lifecycle, core whatever paths their samples use: every
/// application that wants to be reachable makes itself available through `me`
/// (makeMeAvailable's samples post under `communication`, the link is on `me`).
pub const LIFECYCLE: [&str; 3] = ["me", "makeMeAvailable", "makeMeAvailable2"];

fn area_of_segment(segment: &str) -> Option<&'static str> {
    AREAS
        .iter()
        .find(|(_, segments)| segments.contains(&segment))
        .map(|(area, _)| *area)
}

/// The path segment after `/applications/<id>` in a request's start line, `""` for the
/// application itself; `None` when the URL is not under an application.
fn segment(start_line: &str) -> Option<&str> {
    let at = start_line.find("/applications/")?;
    let rest = &start_line[at + "/applications/".len()..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix('/').unwrap_or("");
    Some(rest.split(['/', '?', ' ', '#']).next().unwrap_or_default())
}

/// The area of every page (`None`: core).
pub fn areas(pages: &[ResourcePage]) -> BTreeMap<String, Option<&'static str>> {
    let mut found: BTreeMap<String, Option<&'static str>> = BTreeMap::new();
    for page in pages {
        let segments: BTreeSet<&str> = page
            .operations
            .iter()
            .flat_map(|op| [&op.json_request, &op.xml_request])
            .flatten()
            .filter_map(|request| segment(&request.start))
            .collect();
        // One page's requests go to one place; if not, the first in order decides.
        if let Some(segment) = segments.first() {
            found.insert(page.name.clone(), area_of_segment(segment));
            continue;
        }
        // Without requests, the resource that sends its events (`communication`).
        let senders: BTreeSet<Option<&'static str>> = page
            .events
            .iter()
            .map(|e| area_of_segment(&e.sender))
            .collect();
        if let [Some(area)] = senders.into_iter().collect::<Vec<_>>()[..] {
            found.insert(page.name.clone(), Some(area));
        }
    }
    // Pages without a request sample: from those that link to them, until nothing changes.
    loop {
        let mut changed = false;
        for page in pages {
            if found.contains_key(&page.name) {
                continue;
            }
            let linkers: BTreeSet<Option<&'static str>> = pages
                .iter()
                .filter(|p| p.links.iter().any(|l| l.name == page.name))
                .filter_map(|p| found.get(&p.name).copied())
                .collect();
            if let [area] = linkers.into_iter().collect::<Vec<_>>()[..] {
                found.insert(page.name.clone(), area);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    pages
        .iter()
        .map(|p| {
            let area = found.get(&p.name).copied().flatten();
            let area = area.filter(|_| !LIFECYCLE.contains(&p.name.as_str()));
            (p.name.clone(), area)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_segment_after_the_application_decides() {
        let s = "Post https://fe1.contoso.com:443/ucwa/oauth/v1/applications/192/communication/startMessaging HTTP/1.1";
        assert_eq!(segment(s), Some("communication"));
        assert_eq!(
            segment("Get https://fe1.contoso.com:443/ucwa/v1/applications/192 HTTP/1.1"),
            Some("")
        );
        assert_eq!(segment("Get https://fe1.contoso.com/autodiscover"), None);
        assert_eq!(area_of_segment("groups"), Some("people"));
        assert_eq!(area_of_segment("policies"), None);
    }
}
