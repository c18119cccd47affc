//! What a decode kept without knowing it: the members, links, embedded resources and link
//! attributes that went to an `unknown` field because the type has no field for them.
//!
//! Keeping them is what makes a PUT carry back what the client does not understand; listing
//! them is how a schema is checked against real payloads (the reference's samples, a server's
//! answers): a payload that decodes with nothing unknown is fully typed.
//!
//! ```
//! #[derive(Debug, ucwa_runtime::Resource)]
//! #[ucwa(rel = "note")]
//! struct Note {
//!     message: Option<String>,
//!     #[ucwa(unknown)]
//!     unknown: ucwa_runtime::Unknown,
//! }
//!
//! let (note, unknown) = ucwa_runtime::audit::unknown_members(|| {
//!     ucwa_runtime::json::from_slice::<Note>(br#"{"rel": "note", "message": "hi", "type": "Personal"}"#)
//! });
//! assert_eq!(note.unwrap().message.as_deref(), Some("hi"));
//! assert_eq!(unknown.len(), 1);
//! assert_eq!(unknown[0].name, "type");
//! assert_eq!(unknown[0].within, "a `note` resource");
//! ```

use std::cell::RefCell;

/// The most members one audit lists; what comes after is counted in
/// [`UnknownMember::name`] of a last entry (`"… N more"`), so that an audit of a hostile
/// payload stays bounded.
pub const MAX_LISTED: usize = 1_000;

/// A member a decode kept in an `unknown` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownMember {
    /// What it was found in, e.g. "a `participant` resource", "the `_links` of
    /// `ParticipantLinks`", "a link".
    pub within: &'static str,
    /// Its name (a property, a rel, an attribute).
    pub name: String,
}

thread_local! {
    static AUDIT: RefCell<Option<Audit>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Audit {
    listed: Vec<UnknownMember>,
    more: usize,
}

/// Runs `decode` (any decoding on this thread) and lists what it kept without knowing it.
pub fn unknown_members<T>(decode: impl FnOnce() -> T) -> (T, Vec<UnknownMember>) {
    let outer = AUDIT.with(|audit| audit.borrow_mut().replace(Audit::default()));
    let value = decode();
    let audit = AUDIT.with(|audit| std::mem::replace(&mut *audit.borrow_mut(), outer));
    let Audit { mut listed, more } = audit.unwrap_or_default();
    if more > 0 {
        listed.push(UnknownMember {
            within: "the audit",
            name: format!("… {more} more"),
        });
    }
    (value, listed)
}

/// Notes a member kept without being known, when an audit is running on this thread.
pub(crate) fn record(within: &'static str, name: &str) {
    AUDIT.with(|audit| {
        if let Some(audit) = audit.borrow_mut().as_mut() {
            if audit.listed.len() < MAX_LISTED {
                audit.listed.push(UnknownMember {
                    within,
                    name: name.to_owned(),
                });
            } else {
                audit.more += 1;
            }
        }
    });
}
