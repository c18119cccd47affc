//! A user's phone numbers and the changes to them, checked, without HTTP.

use std::collections::HashMap;

/// The kinds of phone a user has, in the order they are listed.
pub(super) const TYPES: [&str; 4] = ["Work", "Mobile", "Home", "Other"];

/// The longest number the reference allows.
pub(super) const MAX_NUMBER: usize = 80;

/// One phone of a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Phone {
    /// `Work`, `Mobile`, `Home` or `Other`.
    pub kind: &'static str,
    /// A `tel:` URI; `None` when not set.
    pub number: Option<String>,
    pub in_contact_card: bool,
}

/// One user's phones, in [`TYPES`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Phones(pub Vec<Phone>);

impl Phones {
    /// What a user starts with: a work number (`tel:+1425555` and four digits from
    /// `index`), shown, and the others empty.
    pub(super) fn initial(index: usize) -> Phones {
        Phones(
            TYPES
                .iter()
                .map(|kind| Phone {
                    kind,
                    number: (*kind == "Work").then(|| format!("tel:+1425555{:04}", index % 10_000)),
                    in_contact_card: *kind == "Work",
                })
                .collect(),
        )
    }

    /// The phone whose id (its type in lower case) is `id`.
    pub(super) fn get_mut(&mut self, id: &str) -> Option<&mut Phone> {
        self.0.iter_mut().find(|p| p.kind.eq_ignore_ascii_case(id))
    }
}

/// Every user's phones, by sign-in address in lower case (in the emulator's slots).
#[derive(Default)]
pub(super) struct AllPhones(pub HashMap<String, Phones>);

/// What is wrong with what an operation was given: (parameter, what it must be).
pub(super) type Problems = Vec<(&'static str, String)>;

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// A parameter out of range (400 `ParameterValidationFailure`).
    Problems(Problems),
    /// A number that is not one (400 `NormalizationFailed`, the reference's row for
    /// changeNumber).
    NotANumber,
}

impl From<Problems> for Refused {
    fn from(problems: Problems) -> Self {
        Refused::Problems(problems)
    }
}

/// `number` as kept: a `tel:` URI without separators; `Ok(None)` clears it.
pub(super) fn number(given: Option<&str>) -> Result<Option<String>, Refused> {
    let Some(given) = given.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if given.chars().count() > MAX_NUMBER {
        return Err(vec![("number", format!("at most {MAX_NUMBER} characters"))].into());
    }
    let bare = given.strip_prefix("tel:").unwrap_or(given).trim();
    let digits = bare.strip_prefix('+').unwrap_or(bare);
    let well_formed = digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || " -().".contains(c));
    if !well_formed {
        return Err(Refused::NotANumber);
    }
    let kept: String = bare
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    Ok(Some(format!("tel:{kept}")))
}

/// `includeInContactCard` as changeVisibility takes it.
pub(super) fn visibility(given: Option<&str>) -> Result<bool, Problems> {
    match given.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        _ => Err(vec![(
            "includeInContactCard",
            "required: true or false".to_owned(),
        )]),
    }
}

impl Phone {
    /// changeNumber: a new number (or none), and whether it is shown (kept as it was when not
    /// given; a cleared number is not shown).
    pub(super) fn change_number(
        &mut self,
        given: Option<&str>,
        shown: Option<bool>,
    ) -> Result<(), Refused> {
        let number = number(given)?;
        if number.is_none() && shown == Some(true) {
            return Err(vec![(
                "includeInContactCard",
                "an empty number cannot be shown".to_owned(),
            )]
            .into());
        }
        self.in_contact_card = number.is_some() && shown.unwrap_or(self.in_contact_card);
        self.number = number;
        Ok(())
    }

    /// changeVisibility.
    pub(super) fn change_visibility(&mut self, shown: bool) -> Result<(), Refused> {
        if shown && self.number.is_none() {
            return Err(vec![(
                "includeInContactCard",
                "an empty number cannot be shown".to_owned(),
            )]
            .into());
        }
        self.in_contact_card = shown;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_kept_as_tel_uris_and_cleared() {
        assert_eq!(
            number(Some("+1 (425) 555-0199")),
            Ok(Some("tel:+14255550199".into()))
        );
        assert_eq!(number(Some("  ")), Ok(None));
        assert_eq!(number(None), Ok(None));
        assert_eq!(number(Some("call me")), Err(Refused::NotANumber));
        assert_eq!(
            number(Some(&"1".repeat(81))),
            Err(vec![("number", "at most 80 characters".to_owned())].into())
        );
        assert_eq!(visibility(Some("TRUE")), Ok(true));
        assert!(visibility(Some("yes")).is_err());
    }

    #[test]
    fn changes_keep_visibility_sensible() {
        let mut phones = Phones::initial(3);
        assert_eq!(phones.0[0].number.as_deref(), Some("tel:+14255550003"));
        let mobile = phones.get_mut("mobile").unwrap();
        assert!(mobile.change_visibility(true).is_err());
        mobile
            .change_number(Some("+1 555 0101"), Some(true))
            .unwrap();
        assert!(mobile.in_contact_card);
        mobile.change_number(Some("+1 555 0102"), None).unwrap();
        assert!(mobile.in_contact_card, "kept when not given");
        mobile.change_number(None, None).unwrap();
        assert_eq!(
            (mobile.number.clone(), mobile.in_contact_card),
            (None, false)
        );
        assert!(mobile.change_number(None, Some(true)).is_err());
        assert!(phones.get_mut("fax").is_none());
    }
}
