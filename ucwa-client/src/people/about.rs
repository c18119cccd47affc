//! About one contact: their photo, the modalities they can be reached by, and the privacy
//! relationship the user chose for them (which decides what the contact sees of the user's
//! presence, note and location).

use ucwa::enumerations::{ModalityType, PrivacyRelationshipLevel};
use ucwa::operation::{ETag, MediaBody};
use ucwa::operations::{
    ContactPhotoGet, ContactPhotoGetError, ContactPhotoGetQuery, ContactPrivacyRelationship2Get,
    ContactPrivacyRelationship2GetError, ContactPrivacyRelationship2Put,
    ContactPrivacyRelationship2PutBody, ContactPrivacyRelationship2PutError,
    ContactSupportedModalitiesGet, ContactSupportedModalitiesGetError, MyPrivacyRelationshipsGet,
    MyPrivacyRelationshipsGetError, ResetContactPrivacyRelationshipPost,
    ResetContactPrivacyRelationshipPostError,
};
use ucwa::resources::{Contact, ContactPrivacyRelationship2, MyPrivacyRelationship};
use ucwa::{Link, Untyped};

use super::{PeopleHandle, contact_link};
use crate::ClientError;
use crate::link::required;

impl PeopleHandle {
    /// `contact`'s photo: the picture itself with its media type, as
    /// [`MeHandle::photo`](crate::me::MeHandle::photo) reads the user's (`size` as the server
    /// spells it, `HR<height>X<width>`).
    pub async fn contact_photo(
        &self,
        contact: &Contact,
        size: Option<&str>,
    ) -> Result<MediaBody, ClientError<ContactPhotoGetError>> {
        let link = contact_link(contact, |l| l.contact_photo.as_ref(), "contactPhoto")?;
        let query = ContactPhotoGetQuery {
            size: size.map(str::to_owned),
        };
        self.client()
            .call(|origin, _| ContactPhotoGet::request(origin, &link, &query))
            .await
    }

    /// The modalities `contact` can be reached by now (none while they are offline or do not
    /// let the user see them).
    pub async fn supported_modalities(
        &self,
        contact: &Contact,
    ) -> Result<Vec<ModalityType>, ClientError<ContactSupportedModalitiesGetError>> {
        let link = contact_link(
            contact,
            |l| l.contact_supported_modalities.as_ref(),
            "contactSupportedModalities",
        )?;
        let modalities = self
            .client()
            .call(|origin, format| ContactSupportedModalitiesGet::request(origin, &link, format))
            .await?;
        Ok(modalities.modalities.unwrap_or_default())
    }

    fn privacy_link(
        contact: &Contact,
    ) -> Result<Link<ContactPrivacyRelationship2>, crate::link::MissingLink> {
        let link = contact_link(
            contact,
            |l| l.contact_privacy_relationship.as_ref(),
            "contactPrivacyRelationship",
        )?;
        let link: Link<Untyped> = link.cast();
        Ok(link.cast())
    }

    /// The relationship the user has with `contact` (`Colleagues` unless they set another).
    pub async fn privacy_relationship(
        &self,
        contact: &Contact,
    ) -> Result<ContactPrivacyRelationship2, ClientError<ContactPrivacyRelationship2GetError>> {
        let link = Self::privacy_link(contact)?;
        self.client()
            .call(|origin, format| ContactPrivacyRelationship2Get::request(origin, &link, format))
            .await
    }

    /// Sets the relationship with `contact` to `level` (sent with `If-Match: *`). `Blocked`:
    /// the contact sees the user offline; `External`: their availability only.
    pub async fn set_privacy_relationship(
        &self,
        contact: &Contact,
        level: PrivacyRelationshipLevel,
    ) -> Result<(), ClientError<ContactPrivacyRelationship2PutError>> {
        let link = Self::privacy_link(contact)?;
        let body = ContactPrivacyRelationship2PutBody {
            relationship_level: Some(level),
            ..ContactPrivacyRelationship2PutBody::default()
        };
        let any = ETag::new("*")?;
        self.client()
            .call(|origin, format| {
                ContactPrivacyRelationship2Put::request(origin, &link, &body, &any, format)
            })
            .await
    }

    /// Resets the relationship with `contact` to the server's default.
    pub async fn reset_privacy_relationship(
        &self,
        contact: &Contact,
    ) -> Result<(), ClientError<ResetContactPrivacyRelationshipPostError>> {
        let relationship = self
            .privacy_relationship(contact)
            .await
            .map_err(|e| e.map_operation(reset_error))?;
        let link = required(
            relationship
                .links
                .reset_contact_privacy_relationship
                .as_ref(),
            "contactPrivacyRelationship",
            "resetContactPrivacyRelationship",
        )?;
        self.client()
            .call(|origin, format| {
                ResetContactPrivacyRelationshipPost::request(origin, &link, format)
            })
            .await
    }

    /// Every relationship the user set, one per level, each linking its contacts.
    pub async fn privacy_relationships(
        &self,
    ) -> Result<Vec<MyPrivacyRelationship>, ClientError<MyPrivacyRelationshipsGetError>> {
        let (client, link) = self.link(
            |l| l.my_privacy_relationships.as_ref(),
            "myPrivacyRelationships",
        )?;
        let relationships = client
            .call(|origin, format| MyPrivacyRelationshipsGet::request(origin, &link, format))
            .await?;
        Ok(relationships.embedded.my_privacy_relationship)
    }
}

/// A failed read of the relationship, reported as the reset's error: both tables hold the
/// same common errors, which is all a read can add.
fn reset_error(
    error: ContactPrivacyRelationship2GetError,
) -> ResetContactPrivacyRelationshipPostError {
    use ucwa::operation::OperationError;
    let status = ucwa::http::StatusCode::from_u16(error.status())
        .unwrap_or(ucwa::http::StatusCode::INTERNAL_SERVER_ERROR);
    ResetContactPrivacyRelationshipPostError::classify(status, error.body().clone())
}
