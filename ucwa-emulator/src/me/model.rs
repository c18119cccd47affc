//! What a user may publish, and how it changes, without HTTP: the rules the handlers apply to
//! the directory's [`Published`].

use ucwa::Enumeration;
use ucwa::enumerations::Availability;

use crate::directory::Published;

/// The longest location a user may publish.
pub(super) const MAX_LOCATION: usize = 60;

/// Sets the availability to `preferred` (by its name), or with `None` returns it to the one
/// the user had before any was set; the activity is cleared either way. A name that is not an
/// availability is refused (the reason is the error), and nothing changes.
pub(super) fn set_availability(
    published: &mut Published,
    preferred: Option<&str>,
) -> Result<(), String> {
    let availability = match preferred {
        None => published.default_availability.clone(),
        Some(name) => Availability::from_wire(name)
            .filter(|a| Availability::MEMBERS.contains(&a.as_str()))
            .ok_or_else(|| format!("`{name}` is not an availability"))?,
    };
    published.availability = availability;
    published.activity = None;
    Ok(())
}

/// Sets the personal note; none, or an empty one, clears it.
pub(super) fn set_note(published: &mut Published, message: Option<String>) {
    published.note = message.filter(|m| !m.is_empty());
}

/// Sets the location (at most [`MAX_LOCATION`] characters); none, or an empty one, clears it.
pub(super) fn set_location(
    published: &mut Published,
    location: Option<String>,
) -> Result<(), String> {
    if let Some(location) = &location
        && location.chars().count() > MAX_LOCATION
    {
        return Err(format!(
            "{} characters; at most {MAX_LOCATION}",
            location.chars().count()
        ));
    }
    published.location = location.filter(|l| !l.is_empty());
    Ok(())
}

/// A photo size: `HR` and two numbers joined by `X` (`HR48X48`), in any case.
pub(super) fn is_photo_size(size: &str) -> bool {
    let upper = size.to_ascii_uppercase();
    let Some(rest) = upper.strip_prefix("HR") else {
        return false;
    };
    let Some((height, width)) = rest.split_once('X') else {
        return false;
    };
    [height, width]
        .iter()
        .all(|n| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Published {
        Published {
            availability: Availability::Away,
            default_availability: Availability::Online,
            activity: Some("InAMeeting".into()),
            note: None,
            location: None,
        }
    }

    #[test]
    fn availability_is_set_by_name_and_reset_to_the_default() {
        let mut p = published();
        set_availability(&mut p, Some("Busy")).unwrap();
        assert_eq!(p.availability, Availability::Busy);
        assert_eq!(p.activity, None);
        set_availability(&mut p, None).unwrap();
        assert_eq!(p.availability, Availability::Online);
    }

    #[test]
    fn unknown_names_are_refused_and_change_nothing() {
        let mut p = published();
        let reason = set_availability(&mut p, Some("Sleepy")).unwrap_err();
        assert!(reason.contains("`Sleepy`"), "{reason}");
        assert_eq!(p.availability, Availability::Away);
        assert_eq!(p.activity.as_deref(), Some("InAMeeting"));
    }

    #[test]
    fn notes_and_locations_are_cleared_when_empty() {
        let mut p = published();
        set_note(&mut p, Some("out".into()));
        assert_eq!(p.note.as_deref(), Some("out"));
        set_note(&mut p, Some(String::new()));
        assert_eq!(p.note, None);
        set_location(&mut p, Some("Oslo".into())).unwrap();
        assert_eq!(p.location.as_deref(), Some("Oslo"));
        let long = "x".repeat(MAX_LOCATION + 1);
        assert!(
            set_location(&mut p, Some(long))
                .unwrap_err()
                .contains("at most 60")
        );
        assert_eq!(p.location.as_deref(), Some("Oslo"));
        set_location(&mut p, None).unwrap();
        assert_eq!(p.location, None);
    }

    #[test]
    fn photo_sizes() {
        assert!(is_photo_size("HR64X64"));
        assert!(is_photo_size("hr48x48"));
        assert!(!is_photo_size("64X64"));
        assert!(!is_photo_size("HRX64"));
        assert!(!is_photo_size("HR64X99999"));
    }
}
