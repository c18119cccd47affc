//! Types from evidence: the property tables carry no types, so a property's type comes from
//! an enumeration its description links to, else from the values the samples show. What the
//! evidence cannot settle is `None`, for the overrides file to decide.

use std::collections::BTreeSet;

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

/// Why a type was chosen, for the importer's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The description links to an enumeration's page.
    Enumeration,
    /// The samples' values.
    Samples,
}

/// The type of a property from the enumerations its description links to and the values seen.
pub fn property_type(
    refs: &[String],
    enumerations: &BTreeSet<String>,
    seen: &[Seen],
) -> Option<(Type, Evidence)> {
    let enumeration = refs.iter().find(|r| enumerations.contains(*r));
    let from_samples = from_samples(seen);
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

/// The one type every value seen agrees on; `None` when nothing was seen or values disagree
/// in a way that no type covers.
fn from_samples(seen: &[Seen]) -> Option<Type> {
    let types: BTreeSet<Type> = seen.iter().filter_map(seen_type).collect();
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

    fn enums() -> BTreeSet<String> {
        ["Role".to_owned()].into()
    }

    #[test]
    fn an_enumeration_link_wins_over_sample_strings() {
        let seen = [
            Seen::Json("Attendee".into()),
            Seen::XmlText("Leader".into()),
        ];
        assert_eq!(
            property_type(&["Role".into()], &enums(), &seen),
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
        let conflict = [Seen::Json(true.into()), Seen::Json(3.into())];
        assert_eq!(from_samples(&conflict), None);
    }
}
