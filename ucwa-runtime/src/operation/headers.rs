//! The headers UCWA gives meaning to beyond `Accept` and `Content-Type`: the entity tag of a
//! resource (`ETag` on an answer, `If-Match` on the PUT that replaces it) and the minimum
//! resource version a request needs (`X-MS-RequiresMinResourceVersion`).

use std::fmt;

use http::{HeaderName, HeaderValue, Request, Response, header};

use super::RequestError;

/// The header naming the oldest version of a resource's input the server must understand.
pub const REQUIRES_MIN_RESOURCE_VERSION: HeaderName =
    HeaderName::from_static("x-ms-requiresminresourceversion");

/// The entity tag of a resource's state, as the server gave it: in the `ETag` header of an
/// answer, or in the resource's own `etag` property.
///
/// UCWA refuses a PUT without `If-Match` (428, `PreconditionRequired`) and a PUT whose tag is
/// no longer the resource's (412, `PreconditionFailed`: read it again, then retry); the
/// generated request of every PUT takes one. The value is sent back exactly as received,
/// quotes included.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ETag(HeaderValue);

impl ETag {
    /// An entity tag from its text (e.g. a resource's `etag` property).
    ///
    /// Fails with [`RequestError::InvalidHeader`] for a value a header cannot carry (empty,
    /// control characters, non-ASCII).
    pub fn new(value: &str) -> Result<Self, RequestError> {
        let invalid = |reason: &str| RequestError::InvalidHeader {
            name: "If-Match",
            reason: reason.to_owned(),
        };
        if value.trim().is_empty() {
            return Err(invalid("an entity tag must not be empty"));
        }
        if !value.is_ascii() {
            return Err(invalid("an entity tag must be ASCII"));
        }
        HeaderValue::from_str(value)
            .map(ETag)
            .map_err(|_| invalid("an entity tag must not contain control characters"))
    }

    /// The `ETag` of an answer, if it has a usable one.
    pub fn of<B>(response: &Response<B>) -> Option<Self> {
        let value = response.headers().get(header::ETAG)?;
        value.to_str().ok().and_then(|text| ETag::new(text).ok())
    }

    /// The tag as the server wrote it.
    pub fn as_str(&self) -> &str {
        // Only built from checked ASCII text.
        self.0.to_str().unwrap_or_default()
    }

    /// Sets `If-Match: <tag>` on a request.
    pub fn set_if_match<B>(&self, request: &mut Request<B>) {
        request
            .headers_mut()
            .insert(header::IF_MATCH, self.0.clone());
    }
}

impl fmt::Debug for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ETag").field(&self.as_str()).finish()
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource version, `major.minor` (e.g. `4.0`), for `X-MS-RequiresMinResourceVersion`: a
/// request that sends parameters or properties of a newer revision asks the server to refuse
/// it (404, `APIVersionNotSupported`) rather than ignore what it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceVersion {
    /// The major version.
    pub major: u32,
    /// The minor version.
    pub minor: u32,
}

impl ResourceVersion {
    /// The version `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Self {
        ResourceVersion { major, minor }
    }

    /// Reads `4`, `4.0` or `4.12`.
    pub fn parse(text: &str) -> Result<Self, RequestError> {
        let invalid = || RequestError::InvalidHeader {
            name: "X-MS-RequiresMinResourceVersion",
            reason: format!("expected a version such as `4.0`, found `{text}`"),
        };
        let (major, minor) = text.split_once('.').unwrap_or((text, "0"));
        let number = |part: &str| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse::<u32>().map_err(|_| invalid())
        };
        Ok(ResourceVersion::new(number(major)?, number(minor)?))
    }

    /// Sets `X-MS-RequiresMinResourceVersion: <major>.<minor>` on a request.
    pub fn require_on<B>(&self, request: &mut Request<B>) {
        let value = HeaderValue::from_str(&self.to_string())
            .expect("digits and a dot are a valid header value");
        request
            .headers_mut()
            .insert(REQUIRES_MIN_RESOURCE_VERSION, value);
    }
}

impl fmt::Display for ResourceVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_goes_back_as_it_came() {
        let response = Response::builder()
            .header("ETag", "\"3109609770\"")
            .body(())
            .unwrap();
        let tag = ETag::of(&response).unwrap();
        assert_eq!(tag.as_str(), "\"3109609770\"");
        let mut request = Request::new(());
        tag.set_if_match(&mut request);
        assert_eq!(request.headers()["if-match"], "\"3109609770\"");
        assert_eq!(ETag::of(&Response::new(())), None);
    }

    #[test]
    fn a_bad_etag_names_the_header_and_the_fault() {
        for (value, fault) in [
            ("", "empty"),
            ("a\nb", "control characters"),
            ("é", "ASCII"),
        ] {
            let err = ETag::new(value).unwrap_err();
            assert!(err.to_string().contains("If-Match"), "{err}");
            assert!(err.to_string().contains(fault), "{value:?}: {err}");
        }
    }

    #[test]
    fn versions_parse_and_are_sent() {
        assert_eq!(
            ResourceVersion::parse("4").unwrap(),
            ResourceVersion::new(4, 0)
        );
        assert_eq!(
            ResourceVersion::parse("4.12").unwrap(),
            ResourceVersion::new(4, 12)
        );
        assert!(ResourceVersion::new(4, 12) > ResourceVersion::new(4, 2));
        for bad in ["", "4.", ".1", "v4", "4.0.1", "-1", "99999999999"] {
            let err = ResourceVersion::parse(bad).unwrap_err();
            assert!(
                err.to_string().contains("X-MS-RequiresMinResourceVersion"),
                "{err}"
            );
        }
        let mut request = Request::new(());
        ResourceVersion::new(4, 0).require_on(&mut request);
        assert_eq!(request.headers()["x-ms-requiresminresourceversion"], "4.0");
    }
}
