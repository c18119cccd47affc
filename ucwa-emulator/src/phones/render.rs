//! The resources of phones and the event that announces a change.

use std::sync::Arc;

use ucwa::Link;
use ucwa::events::EventType;
use ucwa::resources::{AnyResource, Phone as PhoneResource, Phones as PhonesResource};

use crate::channel::{Queued, with_resource};
use crate::paths;
use crate::state::App;

use super::model::{Phone, Phones};

/// A phone of application `app`'s user, with its operations.
pub(super) fn phone(app: u64, phone: &Phone) -> PhoneResource {
    let id = phone.kind.to_ascii_lowercase();
    let mut resource = PhoneResource {
        include_in_contact_card: Some(phone.in_contact_card),
        number: phone.number.clone(),
        r#type: Some(phone.kind.to_owned()),
        ..PhoneResource::default()
    };
    resource.links.self_ = Some(Link::to(paths::phone(app, &id)));
    resource.links.change_number = Some(Link::to(paths::in_phone(app, &id, "changeNumber")));
    resource.links.change_visibility =
        Some(Link::to(paths::in_phone(app, &id, "changeVisibility")));
    resource
}

/// The user's phones.
pub(super) fn phones(app: u64, all: &Phones) -> PhonesResource {
    let mut resource = PhonesResource::default();
    resource.links.self_ = Some(Link::to(paths::phones(app)));
    resource.embedded.phone = all.0.iter().map(|p| phone(app, p)).collect();
    resource
}

/// `phone` changed: `updated`, from `me`, to application `app`.
pub(super) fn changed(app: &App, changed: &Phone) {
    let resource = phone(app.id, changed);
    let event = with_resource(
        EventType::Updated,
        "phone",
        resource.links.self_.clone().unwrap_or_default(),
        AnyResource::Phone(Box::new(resource)),
    );
    app.channel
        .push(Arc::new(Queued::new("me", &paths::me(app.id), event)));
}
