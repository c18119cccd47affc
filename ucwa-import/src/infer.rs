//! Types from evidence: the property tables carry no types, so a property's type comes from
//! an enumeration its description links to, else from the values the samples show. What the
//! evidence cannot settle is `None`, for the overrides file to decide.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::observe::Seen;

/// A property type, as the schema format writes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    String,
    Boolean,
    Integer,
    Number,
    Date,
    /// A duration (`TimeSpan` in the tables).
    TimeSpan,
    Uri,
    Enumeration(String),
    Array(Box<Type>),
}

/// The enumerations of the reference: name → members.
pub type Enumerations = BTreeMap<String, BTreeSet<String>>;

/// Why a type was chosen, for the importer's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The description links to an enumeration's page.
    Enumeration,
    /// The property is named for an enumeration (`direction`: `Direction`; `state` of an
    /// invitation: `InvitationState`) and every value seen is one of its members.
    EnumerationName,
    /// The samples' values.
    Samples,
}

/// The type of property `name` of `resource`: the enumeration its description links to, else
/// the enumeration it is named for (when the values seen are members), else what the values
/// seen agree on.
pub fn property_type(
    resource: &str,
    name: &str,
    refs: &[String],
    enumerations: &Enumerations,
    seen: &[Seen],
) -> Option<(Type, Evidence)> {
    let enumeration = refs.iter().find(|r| enumerations.contains_key(*r));
    let from_samples = from_samples(seen);
    if enumeration.is_none()
        && matches!(from_samples, None | Some(Type::String))
        && let Some(named) = enumeration_named(resource, name, enumerations, seen)
    {
        return Some((Type::Enumeration(named), Evidence::EnumerationName));
    }
    match (enumeration, from_samples) {
        // An array of enumeration values: the samples say array, the description says which.
        (Some(name), Some(Type::Array(_))) => Some((
            Type::Array(Box::new(Type::Enumeration(name.clone()))),
            Evidence::Enumeration,
        )),
        (Some(name), _) => Some((Type::Enumeration(name.clone()), Evidence::Enumeration)),
        (None, Some(ty)) => Some((ty, Evidence::Samples)),
        (None, None) => None,
    }
}

/// The enumeration `name` is named for: `Name` itself, or `XName` where `X` ends the
/// resource's name (`audioVideoInvitation.state`: `InvitationState`), the longest such `X`
/// first; only when every string value seen is one of its members.
fn enumeration_named(
    resource: &str,
    name: &str,
    enumerations: &Enumerations,
    seen: &[Seen],
) -> Option<String> {
    let upper = |s: &str| {
        let mut chars = s.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    let property = upper(name);
    let resource = upper(resource);
    // The suffixes of the resource's name at word (capital) boundaries, longest first, then
    // none.
    let mut prefixes: Vec<&str> = resource
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| &resource[i..])
        .collect();
    prefixes.push("");
    let values: Vec<&str> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Json(Value::String(v)) => Some(v.as_str()),
            Seen::XmlText(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    prefixes.into_iter().find_map(|prefix| {
        let candidate = format!("{prefix}{property}");
        let members = enumerations.get(&candidate)?;
        values
            .iter()
            .all(|v| members.contains(*v))
            .then_some(candidate)
    })
}

/// The one type every value seen agrees on; `None` when nothing was seen or values disagree
/// in a way that no type covers.
fn from_samples(seen: &[Seen]) -> Option<Type> {
    // JSON carries types and XML does not (`<property>1234567</property>` may be a string of
    // digits): XML decides only when no JSON sample shows the property.
    let json: Vec<&Seen> = seen.iter().filter(|s| matches!(s, Seen::Json(_))).collect();
    let evidence: Vec<&Seen> = if json.is_empty() {
        seen.iter().collect()
    } else {
        json
    };
    let types: BTreeSet<Type> = evidence.into_iter().filter_map(seen_type).collect();
    let mut types = types.into_iter();
    let first = types.next()?;
    types.try_fold(first, unify)
}

/// Two types of one property, as one: integers widen to numbers, URIs and dates to strings
/// (a placeholder such as "samplevalue" where another sample has a URI), arrays item by item.
fn unify(a: Type, b: Type) -> Option<Type> {
    use Type::*;
    Some(match (a, b) {
        (a, b) if a == b => a,
        (Integer, Number) | (Number, Integer) => Number,
        (String, Uri | Date) | (Uri | Date, String) | (Uri, Date) | (Date, Uri) => String,
        (Array(a), Array(b)) => Array(Box::new(unify(*a, *b)?)),
        _ => return None,
    })
}

fn seen_type(seen: &Seen) -> Option<Type> {
    match seen {
        Seen::Json(value) => json_type(value),
        Seen::XmlText(text) => Some(xml_text_type(text)),
        Seen::XmlList(items) => {
            let item = items.iter().map(|t| xml_text_type(t)).try_fold(
                None::<Type>,
                |acc, t| match acc {
                    None => Some(Some(t)),
                    Some(a) => unify(a, t).map(Some),
                },
            )??;
            Some(Type::Array(Box::new(item)))
        }
    }
}

fn json_type(value: &Value) -> Option<Type> {
    Some(match value {
        Value::Bool(_) => Type::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => Type::Integer,
        Value::Number(_) => Type::Number,
        Value::String(s) => string_type(s, false),
        Value::Array(items) => {
            let mut item = None;
            for value in items {
                let t = json_type(value)?;
                item = Some(match item {
                    None => t,
                    Some(a) => unify(a, t)?,
                });
            }
            // An empty array says nothing of its items.
            Type::Array(Box::new(item?))
        }
        Value::Null | Value::Object(_) => return None,
    })
}

/// XML carries no types: `True`/`False` are booleans, digits integers, ISO 8601 dates dates.
fn xml_text_type(text: &str) -> Type {
    let text = text.trim();
    if text == "True" || text == "False" {
        return Type::Boolean;
    }
    if !text.is_empty()
        && text
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return Type::Integer;
    }
    string_type(text, true)
}

fn string_type(s: &str, xml: bool) -> Type {
    let is_date = if xml {
        // 2013-04-01T12:00:00.0000000Z, with or without fraction and offset.
        s.len() >= 19
            && s.as_bytes()[4] == b'-'
            && s.as_bytes()[7] == b'-'
            && s.as_bytes()[10] == b'T'
            && s[..4].bytes().all(|b| b.is_ascii_digit())
    } else {
        s.starts_with("/Date(") && s.ends_with(")/")
    };
    if is_date {
        return Type::Date;
    }
    const URI_SCHEMES: [&str; 3] = ["sip:", "tel:", "mailto:"];
    if URI_SCHEMES.iter().any(|scheme| s.starts_with(scheme)) {
        return Type::Uri;
    }
    Type::String
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enums() -> Enumerations {
        [
            ("Role", &["Attendee", "Leader"][..]),
            ("InvitationState", &["Connecting", "Connected"][..]),
            ("Direction", &["Incoming", "Outgoing"][..]),
        ]
        .into_iter()
        .map(|(name, members)| {
            (
                name.to_owned(),
                members.iter().map(|m| (*m).to_owned()).collect(),
            )
        })
        .collect()
    }

    #[test]
    fn a_property_named_for_an_enumeration_is_one_when_its_values_are_members() {
        let seen = [Seen::Json("Connecting".into())];
        assert_eq!(
            property_type("audioVideoInvitation", "state", &[], &enums(), &seen),
            Some((
                Type::Enumeration("InvitationState".into()),
                Evidence::EnumerationName
            ))
        );
        assert_eq!(
            property_type("audioVideoInvitation", "direction", &[], &enums(), &[]),
            Some((
                Type::Enumeration("Direction".into()),
                Evidence::EnumerationName
            ))
        );
        // A value that is no member: a string after all.
        let other = [Seen::Json("Sideways".into())];
        assert_eq!(
            property_type("audioVideoInvitation", "direction", &[], &enums(), &other),
            Some((Type::String, Evidence::Samples))
        );
    }

    #[test]
    fn an_enumeration_link_wins_over_sample_strings() {
        let seen = [
            Seen::Json("Attendee".into()),
            Seen::XmlText("Leader".into()),
        ];
        assert_eq!(
            property_type("participant", "role", &["Role".into()], &enums(), &seen),
            Some((Type::Enumeration("Role".into()), Evidence::Enumeration))
        );
    }

    #[test]
    fn json_and_xml_values_agree_on_a_type() {
        let seen = [Seen::Json(true.into()), Seen::XmlText("False".into())];
        assert_eq!(from_samples(&seen), Some(Type::Boolean));
        let dates = [
            Seen::Json("/Date(1364856373000)/".into()),
            Seen::XmlText("2013-04-01T22:46:13.0000000Z".into()),
        ];
        assert_eq!(from_samples(&dates), Some(Type::Date));
        let uris = [
            Seen::Json("sip:a@b".into()),
            Seen::Json("samplevalue".into()),
        ];
        assert_eq!(from_samples(&uris), Some(Type::String));
        let list = [Seen::XmlList(vec!["1".into(), "2".into()])];
        assert_eq!(
            from_samples(&list),
            Some(Type::Array(Box::new(Type::Integer)))
        );
        assert_eq!(from_samples(&[Seen::Json(Value::Array(vec![]))]), None);
        assert_eq!(from_samples(&[]), None);
        let digits = [
            Seen::Json("1234567".into()),
            Seen::XmlText("1234567".into()),
        ];
        assert_eq!(from_samples(&digits), Some(Type::String));
        let conflict = [Seen::Json(true.into()), Seen::Json(3.into())];
        assert_eq!(from_samples(&conflict), None);
    }
}
