//! Shared shapes: resources whose properties, links and embedded resources are those of
//! another (`from`, `localParticipant` and `acceptedByParticipant` are participants; `to` and
//! `delegator` are contacts) get `"shape": "<that one>"` and no lists of their own, so that
//! the generator makes one type for all of them.
//!
//! The rule, on what the import made: resources with at least one property and the same
//! properties, links and embedded resources form a group; the group shares the type of a
//! resource outside it whose lists hold all of theirs, when that resource's name ends one of
//! theirs (`participant` for `acceptedByParticipant`); otherwise that of the member whose name
//! ends the others' (`contact` for `acceptedByContact`), or else the shortest name.

use std::collections::BTreeMap;

use crate::json::Json;

const LISTS: [&str; 3] = ["properties", "links", "embedded"];

/// The three lists of a resource file, as comparable items.
fn lists(file: &Json) -> [Vec<&Json>; 3] {
    LISTS.map(|key| match file.get(key) {
        Some(Json::Array(items)) => {
            let mut items: Vec<&Json> = items.iter().collect();
            items.sort_by_key(|item| format!("{item:?}"));
            items
        }
        _ => Vec::new(),
    })
}

/// Whether `name` ends with `suffix` at a word boundary (`acceptedByParticipant`,
/// `participant`).
fn ends_with_word(name: &str, suffix: &str) -> bool {
    if name.len() <= suffix.len() {
        return false;
    }
    let cut = name.len() - suffix.len();
    let (head, tail) = name.split_at(cut);
    let mut first = suffix.chars();
    let capitalized = first
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + first.as_str())
        .unwrap_or_default();
    !head.is_empty() && tail == capitalized
}

/// Marks the resources that share another's type (see the module's rule).
pub fn share(resources: &mut BTreeMap<String, Json>) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, file) in resources.iter() {
        let [properties, links, embedded] = lists(file);
        if properties.is_empty() {
            continue;
        }
        groups
            .entry(format!("{properties:?}{links:?}{embedded:?}"))
            .or_default()
            .push(name.clone());
    }
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for members in groups.values() {
        let [properties, links, embedded] = lists(&resources[&members[0]]);
        let holds_all = |file: &Json| {
            let [p, l, e] = lists(file);
            properties.iter().all(|i| p.contains(i))
                && links.iter().all(|i| l.contains(i))
                && embedded.iter().all(|i| e.contains(i))
        };
        let outside = resources.iter().find(|(name, file)| {
            !members.contains(name)
                && members.iter().any(|m| ends_with_word(m, name))
                && holds_all(file)
        });
        let owner = match outside {
            Some((name, _)) => name.clone(),
            None if members.len() > 1 => members
                .iter()
                .find(|candidate| {
                    members
                        .iter()
                        .filter(|m| m != candidate)
                        .any(|m| ends_with_word(m, candidate))
                })
                .or_else(|| members.iter().min_by_key(|m| (m.len(), m.as_str())))
                .cloned()
                .unwrap_or_default(),
            None => continue,
        };
        for member in members.iter().filter(|m| **m != owner) {
            owners.insert(member.clone(), owner.clone());
        }
    }
    // An owner that itself shares another's type passes its sharers on.
    let resolved: Vec<(String, String)> = owners
        .iter()
        .map(|(member, owner)| {
            let mut owner = owner.clone();
            while let Some(next) = owners.get(&owner) {
                owner = next.clone();
            }
            (member.clone(), owner)
        })
        .collect();
    for (member, owner) in resolved {
        let Some(Json::Object(members)) = resources.get_mut(&member) else {
            continue;
        };
        members.retain(|(key, _)| !LISTS.contains(&key.as_str()));
        let at = members
            .iter()
            .position(|(key, _)| key == "name")
            .map_or(0, |i| i + 1);
        members.insert(at, ("shape".to_owned(), Json::from(owner)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, properties: &[&str], links: &[&str]) -> Json {
        Json::object()
            .with("name", name)
            .with(
                "properties",
                properties
                    .iter()
                    .map(|p| Json::object().with("name", *p).with("type", "string"))
                    .collect::<Vec<_>>(),
            )
            .with(
                "links",
                links
                    .iter()
                    .map(|l| Json::object().with("rel", *l).with("kind", "resource"))
                    .collect::<Vec<_>>(),
            )
    }

    #[test]
    fn groups_share_the_type_their_names_point_to() {
        let mut resources: BTreeMap<String, Json> = [
            file("participant", &["name", "role"], &["contact", "admit"]),
            file("from", &["name", "role"], &["contact"]),
            file("acceptedByParticipant", &["name", "role"], &["contact"]),
            file("contact", &["name", "uri"], &[]),
            file("to", &["name", "uri"], &[]),
            file("acceptedByContact", &["name", "uri"], &[]),
            file("note", &["message"], &[]),
        ]
        .into_iter()
        .map(|f| {
            let name = match f.get("name") {
                Some(Json::String(n)) => n.clone(),
                _ => unreachable!(),
            };
            (name, f)
        })
        .collect();
        share(&mut resources);
        let shape = |name: &str| match resources[name].get("shape") {
            Some(Json::String(owner)) => Some(owner.clone()),
            _ => None,
        };
        assert_eq!(shape("from").as_deref(), Some("participant"));
        assert_eq!(
            shape("acceptedByParticipant").as_deref(),
            Some("participant")
        );
        assert_eq!(shape("to").as_deref(), Some("contact"));
        assert_eq!(shape("acceptedByContact").as_deref(), Some("contact"));
        for owner in ["participant", "contact", "note"] {
            assert_eq!(shape(owner), None, "{owner}");
        }
        assert!(resources["from"].get("properties").is_none());
        assert!(resources["participant"].get("properties").is_some());
        assert!(ends_with_word("acceptedByParticipant", "participant"));
        assert!(!ends_with_word("participant", "participant"));
        assert!(!ends_with_word("antiparticipant", "participant"));
    }
}
