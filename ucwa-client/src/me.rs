//! The signed-in user's own resources: presence (availability), note, location, photo.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa::enumerations::PreferredAvailability;
//!
//! let me = session.me().await?;
//! me.set_availability(PreferredAvailability::Busy).await?;
//! me.set_note("In the lab until noon").await?;
//! println!("{:?}", me.presence().await?.availability);
//! me.reset_availability().await?;
//! let photo = me.photo(Some("HR64X64")).await?;
//! println!("{} bytes of {}", photo.bytes.len(), photo.media_type);
//! # Ok(()) }
//! ```
//!
//! Every method is one request built by the generated operation of [`ucwa::operations`] and
//! answers its typed error (`409 MakeMeAvailableRequired` is
//! [`PresenceGetError::MakeMeAvailableRequired`], for instance).

use ucwa::Link;
use ucwa::enumerations::PreferredAvailability;
use ucwa::operation::MediaBody;
use ucwa::operations::{
    LocationGet, LocationGetError, LocationPost, LocationPostBody, LocationPostError, MeGet,
    MeGetError, NoteGet, NoteGetError, NotePost, NotePostBody, NotePostError, PhotoGet,
    PhotoGetError, PhotoGetQuery, PresenceGet, PresenceGetError, PresencePost, PresencePostBody,
    PresencePostError,
};
use ucwa::resources::{Application, Location, Me, Note, Presence};

use crate::{Client, ClientError};

/// The signed-in user (`me`), as read when this handle was made, and the requests on what
/// they publish. Make a new one ([`MeHandle::refresh`]) after makeMeAvailable: the links of
/// presence, note and location come with it.
#[derive(Clone, Debug)]
pub struct MeHandle {
    client: Client,
    me: Me,
}

impl Client {
    /// The user of `application`, read fresh from the server (the copy embedded in the
    /// application is the one from its creation, before the user was made available).
    pub async fn me(&self, application: &Application) -> Result<MeHandle, ClientError<MeGetError>> {
        let link = application
            .embedded
            .me
            .as_ref()
            .and_then(|me| me.links.self_.clone())
            .ok_or(ClientError::MissingLink {
                resource: "application",
                rel: "me",
            })?;
        MeHandle::read(self.clone(), &link.cast()).await
    }
}

impl MeHandle {
    async fn read(client: Client, link: &Link<Me>) -> Result<MeHandle, ClientError<MeGetError>> {
        let request = MeGet::request(client.origin(), link, client.format())?;
        let me = client.send::<MeGet>(request).await?;
        Ok(MeHandle { client, me })
    }

    /// The `me` resource as read: name, URI, addresses, links.
    pub fn resource(&self) -> &Me {
        &self.me
    }

    /// Reads `me` again.
    pub async fn refresh(&self) -> Result<MeHandle, ClientError<MeGetError>> {
        let link = self
            .me
            .links
            .self_
            .clone()
            .ok_or(ClientError::MissingLink {
                resource: "me",
                rel: "self",
            })?;
        MeHandle::read(self.client.clone(), &link.cast()).await
    }

    fn link<T, E: std::error::Error>(
        &self,
        pick: impl Fn(&ucwa::resources::MeLinks) -> Option<&Link<T>>,
        rel: &'static str,
    ) -> Result<&Link<T>, ClientError<E>> {
        pick(&self.me.links).ok_or(ClientError::MissingLink {
            resource: "me",
            rel,
        })
    }

    /// The user's availability and activity.
    pub async fn presence(&self) -> Result<Presence, ClientError<PresenceGetError>> {
        let link = self.link(|l| l.presence.as_ref(), "presence")?;
        let request = PresenceGet::request(self.client.origin(), link, self.client.format())?;
        self.client.send::<PresenceGet>(request).await
    }

    /// Publishes an availability of the user's choosing.
    pub async fn set_availability(
        &self,
        availability: PreferredAvailability,
    ) -> Result<(), ClientError<PresencePostError>> {
        self.post_presence(PresencePostBody {
            availability: Some(availability),
            ..PresencePostBody::default()
        })
        .await
    }

    /// Gives the availability back to the server, which derives it from activity and calendar
    /// (an empty `presence` POST).
    pub async fn reset_availability(&self) -> Result<(), ClientError<PresencePostError>> {
        self.post_presence(PresencePostBody::default()).await
    }

    async fn post_presence(
        &self,
        body: PresencePostBody,
    ) -> Result<(), ClientError<PresencePostError>> {
        let link = self.link(|l| l.presence.as_ref(), "presence")?;
        let request =
            PresencePost::request(self.client.origin(), link, &body, self.client.format())?;
        self.client.send::<PresencePost>(request).await
    }

    /// The user's note.
    pub async fn note(&self) -> Result<Note, ClientError<NoteGetError>> {
        let link = self.link(|l| l.note.as_ref(), "note")?;
        let request = NoteGet::request(self.client.origin(), link, self.client.format())?;
        self.client.send::<NoteGet>(request).await
    }

    /// Publishes a personal note.
    pub async fn set_note(&self, message: &str) -> Result<(), ClientError<NotePostError>> {
        self.post_note(NotePostBody {
            message: Some(message.to_owned()),
            ..NotePostBody::default()
        })
        .await
    }

    /// Clears the personal note (a `note` POST without a message).
    pub async fn reset_note(&self) -> Result<(), ClientError<NotePostError>> {
        self.post_note(NotePostBody::default()).await
    }

    async fn post_note(&self, body: NotePostBody) -> Result<(), ClientError<NotePostError>> {
        let link = self.link(|l| l.note.as_ref(), "note")?;
        let query = ucwa::operations::NotePostQuery::default();
        let request = NotePost::request(
            self.client.origin(),
            link,
            &query,
            &body,
            self.client.format(),
        )?;
        self.client.send::<NotePost>(request).await
    }

    /// The user's location.
    pub async fn location(&self) -> Result<Location, ClientError<LocationGetError>> {
        let link = self.link(|l| l.location.as_ref(), "location")?;
        let request = LocationGet::request(self.client.origin(), link, self.client.format())?;
        self.client.send::<LocationGet>(request).await
    }

    /// Publishes a location (at most 60 characters: a longer one is refused before sending).
    pub async fn set_location(&self, location: &str) -> Result<(), ClientError<LocationPostError>> {
        let link = self.link(|l| l.location.as_ref(), "location")?;
        let body = LocationPostBody {
            location: Some(location.to_owned()),
            ..LocationPostBody::default()
        };
        let request =
            LocationPost::request(self.client.origin(), link, &body, self.client.format())?;
        self.client.send::<LocationPost>(request).await
    }

    /// The user's photo: the picture itself, with its media type (`image/jpeg`, `image/png`,
    /// …), asked for as any image whatever the client's format. `size` is the size asked for
    /// as the server spells it, `HR<height>X<width>` (`Some("HR64X64")`); without it the server
    /// answers its default. A size the server refuses is a `400`; an answer that is not an
    /// image is [`NotUcwa`](ucwa::operation::NotUcwa).
    pub async fn photo(&self, size: Option<&str>) -> Result<MediaBody, ClientError<PhotoGetError>> {
        let link = self.link(|l| l.photo.as_ref(), "photo")?;
        let query = PhotoGetQuery {
            size: size.map(str::to_owned),
        };
        let request = PhotoGet::request(self.client.origin(), link, &query)?;
        self.client.send::<PhotoGet>(request).await
    }
}
