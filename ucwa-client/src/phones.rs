//! The user's phone numbers (`me`'s `phones`): list them, change a number, show or hide it on
//! the contact card. See <https://learn.microsoft.com/en-us/skype-sdk/ucwa/phones_ref> and
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/phone_ref>.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! let phones = session.phones();
//! for phone in phones.list().await? {
//!     println!("{}: {:?} (shown: {})", phone.kind, phone.number, phone.shown);
//! }
//! let mobile = phones.find("Mobile").await?.expect("a mobile phone");
//! phones.change_number(&mobile, Some("+1 425 555 0199"), Some(true)).await?;
//! # Ok(()) }
//! ```
//!
//! A change is announced on the event channel (an `updated` phone) to every application of
//! the user ([`PhoneNumber::from_event`]).

use ucwa::events::{Event, EventType};
use ucwa::operations::{
    ChangeNumberPost, ChangeNumberPostBody, ChangeNumberPostError, ChangeNumberPostQuery,
    ChangeVisibilityPost, ChangeVisibilityPostBody, ChangeVisibilityPostError,
    ChangeVisibilityPostQuery, PhonesGet, PhonesGetError,
};
use ucwa::resources::{AnyResource, Application, Phone};

use crate::link::required;
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// One of the user's phones as read.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneNumber {
    /// Its type as the server gives it (`Work`, `Mobile`, `Home`, `Other`), trimmed.
    pub kind: String,
    /// The number (a `tel:` URI), `None` when not set.
    pub number: Option<String>,
    /// Whether it is shown on the user's contact card.
    pub shown: bool,
    /// The resource as read, with its links.
    pub resource: Phone,
}

impl PhoneNumber {
    fn of(resource: Phone) -> Self {
        PhoneNumber {
            kind: resource.r#type.as_deref().unwrap_or("").trim().to_owned(),
            number: resource.number.clone().filter(|n| !n.is_empty()),
            shown: resource.include_in_contact_card.unwrap_or(false),
            resource,
        }
    }

    /// The phone an `updated` event carries, if it carries one.
    pub fn from_event(event: &Event<AnyResource>) -> Option<Self> {
        if event.event_type != EventType::Updated {
            return None;
        }
        match event.resource.as_ref()? {
            AnyResource::Phone(phone) => Some(Self::of((**phone).clone())),
            _ => None,
        }
    }
}

/// The user's phones. Cheap to make and to clone; it reads the application in use at each
/// call.
#[derive(Clone, Debug)]
pub struct PhonesHandle {
    source: Source,
}

impl Client {
    /// The phones of the user of `application` (its embedded `me`).
    pub fn phones(&self, application: &Application) -> PhonesHandle {
        PhonesHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// The signed-in user's phones, in the application the session holds at each call
    /// ([`crate::phones`]).
    pub fn phones(&self) -> PhonesHandle {
        PhonesHandle {
            source: self.source(),
        }
    }
}

impl PhonesHandle {
    /// Every phone of the user, read now.
    pub async fn list(&self) -> Result<Vec<PhoneNumber>, ClientError<PhonesGetError>> {
        let current = self.source.current();
        let me = current.application.embedded.me.as_deref();
        let link = required(me.and_then(|m| m.links.phones.as_ref()), "me", "phones")?;
        let phones = current
            .client
            .call(|origin, format| PhonesGet::request(origin, &link, format))
            .await?;
        Ok(phones
            .embedded
            .phone
            .into_iter()
            .map(PhoneNumber::of)
            .collect())
    }

    /// The phone of type `kind` (`Work`, `Mobile`, ...; any case), read now.
    pub async fn find(
        &self,
        kind: &str,
    ) -> Result<Option<PhoneNumber>, ClientError<PhonesGetError>> {
        Ok(self
            .list()
            .await?
            .into_iter()
            .find(|p| p.kind.eq_ignore_ascii_case(kind)))
    }

    /// Sets `phone`'s number (`None` clears it) and, when given, whether it is shown on the
    /// contact card (changeNumber).
    pub async fn change_number(
        &self,
        phone: &PhoneNumber,
        number: Option<&str>,
        shown: Option<bool>,
    ) -> Result<(), ClientError<ChangeNumberPostError>> {
        let link = required(
            phone.resource.links.change_number.as_ref(),
            "phone",
            "changeNumber",
        )?;
        let body = ChangeNumberPostBody {
            number: Some(number.unwrap_or("").to_owned()),
            include_in_contact_card: shown,
            ..ChangeNumberPostBody::default()
        };
        let query = ChangeNumberPostQuery::default();
        self.source
            .current()
            .client
            .call(|origin, format| ChangeNumberPost::request(origin, &link, &query, &body, format))
            .await
    }

    /// Shows `phone` on the contact card, or hides it (changeVisibility).
    pub async fn set_shown(
        &self,
        phone: &PhoneNumber,
        shown: bool,
    ) -> Result<(), ClientError<ChangeVisibilityPostError>> {
        let link = required(
            phone.resource.links.change_visibility.as_ref(),
            "phone",
            "changeVisibility",
        )?;
        let body = ChangeVisibilityPostBody {
            include_in_contact_card: Some(shown.to_string()),
            ..ChangeVisibilityPostBody::default()
        };
        let query = ChangeVisibilityPostQuery::default();
        self.source
            .current()
            .client
            .call(|origin, format| {
                ChangeVisibilityPost::request(origin, &link, &query, &body, format)
            })
            .await
    }
}
