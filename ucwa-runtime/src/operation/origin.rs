//! The origin rule: which hrefs may be requested. A request goes only to the scheme, host and
//! port the client was given, so a link in a payload can never send the token elsewhere.

use std::fmt;

use url::Url;

use super::RequestError;
use crate::Href;

/// The scheme, host and port of a UCWA server: every href is resolved against it, and nothing
/// is sent anywhere else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(Url);

impl Origin {
    /// Parses an origin such as `https://fe1.contoso.com` (a path, if any, is ignored).
    pub fn parse(origin: &str) -> Result<Self, RequestError> {
        let url = Url::parse(origin).map_err(|e| RequestError::InvalidOrigin {
            origin: origin.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(RequestError::InvalidOrigin {
                origin: origin.to_owned(),
                reason: "expected an http or https URL with a host".to_owned(),
            });
        }
        let mut root = url;
        root.set_path("/");
        root.set_query(None);
        root.set_fragment(None);
        Ok(Origin(root))
    }

    /// The origin as a URL (with path `/`).
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// Resolves `href` against the origin; an href naming another scheme, host or port, or one
    /// that is not a URL at all (such as a `data:` URI), is refused.
    pub fn resolve(&self, href: &Href) -> Result<Url, RequestError> {
        let url = self
            .0
            .join(href.as_str())
            .map_err(|e| RequestError::InvalidHref {
                href: href.as_str().to_owned(),
                reason: e.to_string(),
            })?;
        if url.origin() != self.0.origin() {
            return Err(RequestError::CrossOrigin {
                href: href.as_str().to_owned(),
                origin: self.0.origin().ascii_serialization(),
            });
        }
        Ok(url)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.origin().ascii_serialization())
    }
}
