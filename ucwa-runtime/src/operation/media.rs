//! Answers that are raw content rather than a UCWA representation: a user's or a contact's
//! photo is the image itself (`image/jpeg` in the reference's samples), not a resource.
//!
//! An operation declares the media types its success is in ([`Operation::MEDIA_TYPES`],
//! `image/*` for a photo); its request asks for them in `Accept`, and its answer is
//! [`MediaBody`] only when its `Content-Type` is one of them. Anything else — JSON where an
//! image was expected, an HTML page from a proxy, no `Content-Type` — is [`NotUcwa`]: content
//! of an unknown type is never handed over as if it were the picture.
//!
//! [`Operation::MEDIA_TYPES`]: super::Operation::MEDIA_TYPES

use http::{HeaderMap, Response, header};

use super::response::{NotUcwa, Success};
use crate::{DecodeError, Format};

/// The body of a success that is raw content (an image), with its media type.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaBody {
    /// The answer's `Content-Type`, as sent (`image/png`, parameters included).
    pub media_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl MediaBody {
    /// The media type without its parameters, in lowercase (`image/png`).
    pub fn essence(&self) -> String {
        essence(&self.media_type)
    }
}

// The bytes are not text: show their length, not a dump of the picture.
impl std::fmt::Debug for MediaBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaBody")
            .field("media_type", &self.media_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// Reads the content and its `Content-Type`. Whether that type is one the operation answers
/// is checked before ([`check_media_type`]); on its own this still refuses an answer without a
/// `Content-Type` and one in a UCWA representation (JSON or XML), which is never raw content.
impl Success for MediaBody {
    fn from_success(_: Format, headers: &HeaderMap, body: &[u8]) -> Result<Self, DecodeError> {
        let media_type = headers
            .get(header::CONTENT_TYPE)
            .ok_or_else(|| DecodeError::header("raw content without a `Content-Type` header"))?
            .to_str()
            .map_err(|_| DecodeError::header("the `Content-Type` header is not ASCII text"))?;
        if Format::from_content_type(media_type).is_some() {
            return Err(DecodeError::header(&format!(
                "raw content expected, but the `Content-Type` `{media_type}` is a UCWA representation"
            )));
        }
        Ok(MediaBody {
            media_type: media_type.to_owned(),
            bytes: body.to_vec(),
        })
    }
}

/// `image/png; q=1` → `image/png`.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether `content_type` (an answer's, parameters allowed) is one of `accepted` (media types
/// as a schema declares them: `image/png`, `image/*` or `*/*`), ignoring case.
pub fn media_type_matches(content_type: &str, accepted: &[&str]) -> bool {
    let essence = essence(content_type);
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    if kind.is_empty() || subtype.is_empty() {
        return false;
    }
    accepted.iter().any(|pattern| {
        let pattern = pattern.trim().to_ascii_lowercase();
        match pattern.split_once('/') {
            Some(("*", "*")) => true,
            Some((k, "*")) => k == kind,
            Some((k, s)) => k == kind && s == subtype,
            None => false,
        }
    })
}

/// Checks that a success is in one of the media types the operation answers; an error status
/// is left to the error reading (UCWA sends error bodies in JSON or XML whatever was asked).
pub fn check_media_type<B: AsRef<[u8]>>(
    response: &Response<B>,
    accepted: &[&str],
) -> Result<(), NotUcwa> {
    if !response.status().is_success() {
        return Ok(());
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str());
    let reason = match content_type {
        Some(Ok(content_type)) if media_type_matches(content_type, accepted) => return Ok(()),
        Some(Ok(_)) => format!(
            "a success in another media type than {}",
            accepted.join(", ")
        ),
        Some(Err(_)) => "a success whose `Content-Type` is not ASCII text".to_owned(),
        None => format!(
            "a success without a `Content-Type`, where {} was expected",
            accepted.join(", ")
        ),
    };
    Err(NotUcwa::new(response, reason))
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::operation::{Operation, ResponseError, UcwaError};

    /// A stand-in for a generated operation answering an image.
    struct PhotoGet;

    impl Operation for PhotoGet {
        const METHOD: http::Method = http::Method::GET;
        const REL: &'static str = "photo";
        type Output = MediaBody;
        type Error = UcwaError;
        const MEDIA_TYPES: &'static [&'static str] = &["image/*"];
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn answer(status: u16, content_type: Option<&str>, body: &[u8]) -> Response<Vec<u8>> {
        let mut builder = Response::builder().status(status);
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder.body(body.to_vec()).unwrap()
    }

    fn not_ucwa(result: Result<MediaBody, ResponseError<UcwaError>>) -> NotUcwa {
        match result {
            Err(ResponseError::NotUcwa(not_ucwa)) => not_ucwa,
            other => panic!("expected NotUcwa, got {other:?}"),
        }
    }

    #[test]
    fn patterns_match_by_type_and_subtype_ignoring_case_and_parameters() {
        assert!(media_type_matches("image/png", &["image/*"]));
        assert!(media_type_matches("Image/JPEG; q=1", &["image/*"]));
        assert!(media_type_matches(
            "image/jpeg",
            &["image/png", "image/jpeg"]
        ));
        assert!(media_type_matches("application/sdp", &["*/*"]));
        assert!(!media_type_matches("image/png", &["image/jpeg"]));
        assert!(!media_type_matches("application/json", &["image/*"]));
        assert!(!media_type_matches("text/html", &["image/*"]));
        assert!(!media_type_matches("imagepng", &["*/*"]));
        assert!(!media_type_matches("image/", &["image/*"]));
        assert!(!media_type_matches("image/png", &[]));
    }

    #[test]
    fn an_image_is_read_with_its_media_type() {
        let body = PhotoGet::response(&answer(200, Some("image/png"), PNG)).unwrap();
        assert_eq!(body.media_type, "image/png");
        assert_eq!(body.essence(), "image/png");
        assert_eq!(body.bytes, PNG);
        assert_eq!(
            format!("{body:?}"),
            r#"MediaBody { media_type: "image/png", bytes: 16 bytes }"#
        );
        // Parameters are kept as sent; the essence drops them.
        let body = PhotoGet::response(&answer(200, Some("IMAGE/JPEG; x=1"), b"jpg")).unwrap();
        assert_eq!(body.media_type, "IMAGE/JPEG; x=1");
        assert_eq!(body.essence(), "image/jpeg");
    }

    #[test]
    fn an_answer_in_another_media_type_is_not_ucwa() {
        for (content_type, body) in [
            ("application/json", &br#"{"rel":"photo"}"#[..]),
            ("application/xml", b"<resource rel=\"photo\"/>"),
            ("text/html", b"<html>proxy login</html>"),
        ] {
            let error = not_ucwa(PhotoGet::response(&answer(200, Some(content_type), body)));
            assert_eq!(error.status, StatusCode::OK);
            assert_eq!(error.content_type.as_deref(), Some(content_type));
            assert_eq!(error.reason, "a success in another media type than image/*");
            assert_eq!(error.excerpt, String::from_utf8_lossy(body));
        }
        let error = not_ucwa(PhotoGet::response(&answer(200, None, PNG)));
        assert_eq!(
            error.reason,
            "a success without a `Content-Type`, where image/* was expected"
        );
    }

    #[test]
    fn an_error_status_is_read_as_the_operations_error() {
        let body = br#"{"code":"BadRequest","subcode":"ParameterValidationFailure","message":"Invalid parameters: size."}"#;
        match PhotoGet::response(&answer(400, Some("application/json"), body)) {
            Err(ResponseError::Ucwa(error)) => {
                assert_eq!(error.status(), 400);
                assert_eq!(error.body().code, "BadRequest");
            }
            other => panic!("expected the typed error, got {other:?}"),
        }
        // An error page is still not UCWA.
        let error = not_ucwa(PhotoGet::response(&answer(
            502,
            Some("text/html"),
            b"<html>bad gateway</html>",
        )));
        assert_eq!(error.status, StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn on_its_own_the_success_refuses_ucwa_representations_and_a_missing_type() {
        let headers = |content_type: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            headers
        };
        let read = |headers: &HeaderMap| MediaBody::from_success(Format::Json, headers, PNG);
        assert_eq!(read(&headers("image/gif")).unwrap().media_type, "image/gif");
        for ucwa in ["application/json", "application/vnd.microsoft.com.ucwa+xml"] {
            assert!(read(&headers(ucwa)).is_err(), "{ucwa}");
        }
        let error = read(&HeaderMap::new()).unwrap_err();
        assert!(
            error.message().contains("without a `Content-Type`"),
            "{error}"
        );
        let error = read(&headers("application/json")).unwrap_err();
        assert!(
            error.message().contains("is a UCWA representation"),
            "{error}"
        );
    }
}
