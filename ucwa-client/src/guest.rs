//! A meeting's guest: someone without an account joins a meeting by its URI and key. The
//! anonymous meeting grant (`urn:microsoft.rtc:anonmeeting`) gives the token, renewed with the
//! token it replaces so that the guest keeps one identity for the whole meeting
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/authenticationinucwa>); the guest's
//! application is created at `anonApplications`
//! (<https://learn.microsoft.com/en-us/skype-sdk/ucwa/anonapplications_ref>). Then the guest
//! joins as anyone does: a meeting that keeps guests in its lobby completes the join once a
//! leader admits them ([`crate::roster`]), or fails it (`Rejected`) if one turns them away.
//! Each guest is someone of its own, shown with the name it gives
//! ([`GuestSignIn::display_name`]); its token is good for its meeting only, and joining
//! another is refused (`Forbidden`,
//! <https://learn.microsoft.com/en-us/skype-sdk/ucwa/joinonlinemeeting_ref>).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ucwa_client::guest::GuestSignIn;
//!
//! let uri = "sip:lene@contoso.com;gruu;opaque=app:conf:focus:id:017WDRQP";
//! let guest = GuestSignIn::meeting(uri, "10000001")?
//!     .display_name("Cathy Arnold")
//!     .start()
//!     .await?;
//! let invitation = guest.join().await?; // then wait for its `completed` event
//! # let _ = invitation;
//! guest.shutdown().await;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use ucwa::Link;
use ucwa::operations::JoinOnlineMeetingPostError;
use ucwa::resources::OnlineMeetingInvitation;

use crate::auth::AnonymousMeeting;
use crate::{ClientError, Session, SessionError, SignIn, SignInError};

/// How a guest signs in: the meeting's URI and key, and the [`SignIn`] settings (discovery,
/// format, HTTP client…) any sign-in takes.
#[derive(Debug, Clone)]
pub struct GuestSignIn {
    signin: SignIn,
    meeting_uri: String,
    grant: AnonymousMeeting,
}

impl GuestSignIn {
    /// A guest of the meeting at `meeting_uri` (`sip:organizer@domain;gruu;opaque=…`), with its
    /// key. Discovery starts from the organizer's domain, as a user's starts from theirs.
    pub fn meeting(meeting_uri: &str, key: &str) -> Result<GuestSignIn, SignInError> {
        let address = meeting_uri.strip_prefix("sip:").unwrap_or(meeting_uri);
        let address = address.split(';').next().unwrap_or_default();
        let domain = address.rsplit_once('@').map_or("", |(_, domain)| domain);
        let mut signin = SignIn::new(&format!("guest@{domain}"))?;
        signin.lifecycle.anonymous = true;
        Ok(GuestSignIn {
            signin,
            meeting_uri: meeting_uri.to_owned(),
            grant: AnonymousMeeting::new(meeting_uri, key),
        })
    }

    /// The name the guest gives, which the meeting's others see (its participant's name and
    /// the sender of its messages). It goes with the grant, so that each guest is one identity
    /// from the first request on, kept by the token's renewals.
    pub fn display_name(mut self, name: &str) -> Self {
        self.grant = self.grant.display_name(name);
        self
    }

    /// Changes the sign-in settings (`allow_http`, `http_client`, `format`, `long_poll`…).
    pub fn with(mut self, change: impl FnOnce(SignIn) -> SignIn) -> Self {
        self.signin = change(self.signin);
        self.signin.lifecycle.anonymous = true;
        self
    }

    /// Signs the guest in: discovery, the anonymous token, the guest's application kept alive
    /// and its events read, as a user's session.
    pub async fn start(self) -> Result<Guest, SessionError> {
        let session = self
            .signin
            .token_provider(Arc::new(self.grant))
            .start()
            .await?;
        Ok(Guest {
            session,
            meeting_uri: self.meeting_uri,
        })
    }
}

/// A guest signed in: its session (events, handles) and the meeting it came for.
#[derive(Debug)]
pub struct Guest {
    session: Session,
    meeting_uri: String,
}

impl Guest {
    /// The guest's session: its events, `online_meetings()` for the join's invitation and
    /// conversation, and the meeting's chat.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The meeting's URI.
    pub fn meeting_uri(&self) -> &str {
        &self.meeting_uri
    }

    /// Joins the meeting: the invitation, which completes on the event channel when the
    /// guest is let in.
    pub async fn join(
        &self,
    ) -> Result<Link<OnlineMeetingInvitation>, ClientError<JoinOnlineMeetingPostError>> {
        self.session.online_meetings().join(&self.meeting_uri).await
    }

    /// Deletes the guest's application and stops its session.
    pub async fn shutdown(self) {
        self.session.shutdown().await;
    }
}
