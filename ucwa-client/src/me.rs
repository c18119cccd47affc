//! The signed-in user's own resources: presence (availability), note, location, photo.
//!
//! ```no_run
//! # async fn run(session: ucwa_client::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa::enumerations::PreferredAvailability;
//!
//! let me = session.me();
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
//! [`PresenceGetError::MakeMeAvailableRequired`], for instance). Each finds its link in the
//! `me` that the application in use embeds when it is called; a session's application is read
//! again after makeMeAvailable, which brings the links of presence, note and location (an
//! application given to [`Client::me`] must have been read after it too).

use ucwa::Link;
use ucwa::enumerations::PreferredAvailability;
use ucwa::operation::MediaBody;
use ucwa::operations::{
    LocationGet, LocationGetError, LocationPost, LocationPostBody, LocationPostError, MeGet,
    MeGetError, NoteGet, NoteGetError, NotePost, NotePostBody, NotePostError, PhotoGet,
    PhotoGetError, PhotoGetQuery, PresenceGet, PresenceGetError, PresencePost, PresencePostBody,
    PresencePostError,
};
use ucwa::resources::{Application, Location, Me, MeLinks, Note, Presence};

use crate::link::{MissingLink, required};
use crate::source::Source;
use crate::{Client, ClientError, Session};

/// The signed-in user (`me`) of an application, and the requests on what they publish. Cheap
/// to make and to clone; it reads the application in use at each call.
#[derive(Clone, Debug)]
pub struct MeHandle {
    source: Source,
}

impl Client {
    /// The user of `application` (which must have been read after makeMeAvailable for the
    /// links of presence, note and location). No request is made here.
    pub fn me(&self, application: &Application) -> MeHandle {
        MeHandle {
            source: Source::fixed(self, application),
        }
    }
}

impl Session {
    /// The signed-in user, in the application the session holds at each call ([`crate::me`]).
    pub fn me(&self) -> MeHandle {
        MeHandle {
            source: self.source(),
        }
    }
}

impl MeHandle {
    /// The client in use and the link of the embedded `me` that `pick` takes.
    fn link<T>(
        &self,
        pick: impl FnOnce(&MeLinks) -> Option<&Link<T>>,
        rel: &'static str,
    ) -> Result<(Client, Link<T>), MissingLink> {
        let current = self.source.current();
        let me = current.application.embedded.me.as_deref();
        let link = match me {
            Some(me) => required(pick(&me.links), "me", rel)?,
            None => required(None::<&Link<T>>, "application", "me")?,
        };
        Ok((current.client, link))
    }

    /// The `me` resource, read now: name, URI, addresses, links.
    pub async fn get(&self) -> Result<Me, ClientError<MeGetError>> {
        let (client, link) = self.link(|l| l.self_.as_ref(), "self")?;
        let link: Link<Me> = link.cast();
        client
            .call(|origin, format| MeGet::request(origin, &link, format))
            .await
    }

    /// The user's availability and activity.
    pub async fn presence(&self) -> Result<Presence, ClientError<PresenceGetError>> {
        let (client, link) = self.link(|l| l.presence.as_ref(), "presence")?;
        client
            .call(|origin, format| PresenceGet::request(origin, &link, format))
            .await
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
        let (client, link) = self.link(|l| l.presence.as_ref(), "presence")?;
        client
            .call(|origin, format| PresencePost::request(origin, &link, &body, format))
            .await
    }

    /// The user's note.
    pub async fn note(&self) -> Result<Note, ClientError<NoteGetError>> {
        let (client, link) = self.link(|l| l.note.as_ref(), "note")?;
        client
            .call(|origin, format| NoteGet::request(origin, &link, format))
            .await
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
        let (client, link) = self.link(|l| l.note.as_ref(), "note")?;
        let query = ucwa::operations::NotePostQuery::default();
        client
            .call(|origin, format| NotePost::request(origin, &link, &query, &body, format))
            .await
    }

    /// The user's location.
    pub async fn location(&self) -> Result<Location, ClientError<LocationGetError>> {
        let (client, link) = self.link(|l| l.location.as_ref(), "location")?;
        client
            .call(|origin, format| LocationGet::request(origin, &link, format))
            .await
    }

    /// Publishes a location (at most 60 characters: a longer one is refused before sending).
    pub async fn set_location(&self, location: &str) -> Result<(), ClientError<LocationPostError>> {
        let (client, link) = self.link(|l| l.location.as_ref(), "location")?;
        let body = LocationPostBody {
            location: Some(location.to_owned()),
            ..LocationPostBody::default()
        };
        client
            .call(|origin, format| LocationPost::request(origin, &link, &body, format))
            .await
    }

    /// The user's photo: the picture itself, with its media type (`image/jpeg`, `image/png`,
    /// …), asked for as any image whatever the client's format. `size` is the size asked for
    /// as the server spells it, `HR<height>X<width>` (`Some("HR64X64")`); without it the server
    /// answers its default. A size the server refuses is a `400`; an answer that is not an
    /// image is [`NotUcwa`](ucwa::operation::NotUcwa).
    pub async fn photo(&self, size: Option<&str>) -> Result<MediaBody, ClientError<PhotoGetError>> {
        let (client, link) = self.link(|l| l.photo.as_ref(), "photo")?;
        let query = PhotoGetQuery {
            size: size.map(str::to_owned),
        };
        client
            .call(|origin, _| PhotoGet::request(origin, &link, &query))
            .await
    }
}
