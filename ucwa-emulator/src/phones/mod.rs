//! Phones: `me`'s `phones`, embedding each of the user's `phone` numbers (work, mobile, home,
//! other), with `changeNumber` and `changeVisibility`
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/phones_ref>,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/phone_ref>).
//!
//! The numbers are the user's, shared by all their applications; each change is announced to
//! every one of them (`updated` phone, from `me`). Where the reference is silent, as the
//! emulator chooses:
//! - each user starts with a work number, shown on their contact card, and empty mobile, home
//!   and other numbers; a phone's href ends in its type in lower case (`…/me/phones/mobile`);
//! - changeNumber takes `number` (a `tel:` URI or digits, with a leading `+` and the
//!   separators people write; at most 80 characters; empty or absent clears it) and
//!   optionally `includeInContactCard`; a cleared number is not shown; a number is kept as a
//!   `tel:` URI without separators;
//! - changeVisibility takes `includeInContactCard` as `true` or `false` (any case; the
//!   reference types it as a string); an empty number cannot be shown;
//! - what does not pass: 400 `ParameterValidationFailure` naming the parameter, nothing
//!   changes.
//!
//! [`model`] holds the numbers and their checks, [`render`] the resources and the event,
//! [`mod@routes`] the handlers.

mod model;
mod render;
mod routes;

pub(crate) use routes::routes;

/// What `me` gains from phones: the `phones` link.
pub(crate) fn extend_me(app: u64, me: &mut ucwa::resources::Me) {
    me.links.phones = Some(ucwa::Link::to(crate::paths::phones(app)));
}
