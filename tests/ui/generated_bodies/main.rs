// The driver of the generated request bodies: `tests/derive_ui.rs` appends the code generated
// from `tests/schemas/bodies` (the reviewed snapshot `generated_bodies`) to this file, then
// compiles and runs the whole with the other UI cases.
#![deny(warnings)]

use operations::{
    NotePost, NotePostBody, NotePostQuery, NotePut, PictureGet, PictureGetError, PictureGetQuery,
    SendMessagePost,
};
use resources::Note;
use ucwa_runtime::operation::{Body, ETag, MediaBody, Operation, RequestError};
use ucwa_runtime::ResponseError;
use ucwa_runtime::{Format, Link, Origin, Timestamp};

fn main() {
    let origin = Origin::parse("https://fe1.contoso.com").unwrap();
    let link = Link::to("/ucwa/v1/applications/1/me/note");
    let note = Note {
        message: Some("Out until 3 & back <soon>".into()),
        r#type: Some("Personal".into()),
        ..Default::default()
    };
    for format in [Format::Json, Format::Xml] {
        // PUT with the resource as the body, in the chosen format, and its entity tag.
        let etag = ETag::new("\"3109609770\"").unwrap();
        let request = NotePut::request(&origin, &link, &note, &etag, format).unwrap();
        assert_eq!(request.method(), "PUT");
        assert_eq!(request.headers()["if-match"], "\"3109609770\"");
        assert_eq!(request.headers()["content-type"], format.media_type());
        let sent: Note = ucwa_runtime::codec::decode(format.media_type(), request.body()).unwrap();
        assert_eq!(sent, note);
        let done = ucwa_runtime::http::Response::builder().status(204).body(Vec::new()).unwrap();
        NotePut::response(&done).unwrap();

        // POST with fields, and an optional query parameter.
        let body = NotePostBody {
            message: Some("hello".into()),
            expires: Timestamp::from_unix_millis(1_364_856_373_000),
            ..Default::default()
        };
        let query = NotePostQuery { etag: Some("7".into()) };
        let request = NotePost::request(&origin, &link, &query, &body, format).unwrap();
        assert_eq!(request.uri().query(), Some("etag=7"));
        let sent: NotePostBody = ucwa_runtime::codec::decode(format.media_type(), request.body()).unwrap();
        assert_eq!(sent, body);
        // An operation's input: no `rel` in JSON, an `<input>` root in XML.
        let text = String::from_utf8(request.body().clone()).unwrap();
        match format {
            Format::Json => assert!(!text.contains("\"rel\""), "{text}"),
            Format::Xml => assert!(text.contains("<input xmlns="), "{text}"),
        }
        let too_long = NotePostQuery { etag: Some("12345678901".into()) };
        assert!(NotePost::request(&origin, &link, &too_long, &body, format).is_err());
        assert!(NotePost::request(&origin, &link, &NotePostQuery { etag: None }, &body, format).is_ok());

        // Bytes in one of several media types: the caller names it, the request checks it.
        let send = Link::to("/ucwa/v1/applications/1/messages");
        let html = Body { media_type: "text/html; charset=utf-8".into(), bytes: b"<b>hi</b>".to_vec() };
        let request = SendMessagePost::request(&origin, &send, html, format).unwrap();
        assert_eq!(request.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(request.body(), b"<b>hi</b>");
        let json = Body { media_type: "application/json".into(), bytes: b"{}".to_vec() };
        match SendMessagePost::request(&origin, &send, json, format) {
            Err(RequestError::MediaType { found, accepted }) => {
                assert_eq!(found, "application/json");
                assert_eq!(accepted, ["text/plain", "text/html"]);
            }
            other => panic!("{other:?}"),
        }
    }

    // GET of raw content: `Accept` is its media types (there is no `format` to give), the
    // answer its bytes, and a success in another media type is not accepted.
    let link = Link::to("/ucwa/v1/applications/1/me/picture");
    let query = PictureGetQuery { size: Some("HR64X64".into()) };
    let request = PictureGet::request(&origin, &link, &query).unwrap();
    assert_eq!(request.headers()["accept"], "image/png, image/jpeg");
    assert_eq!(request.uri().query(), Some("size=HR64X64"));
    let too_long = PictureGetQuery { size: Some("HR64X64HR64X64".into()) };
    assert!(PictureGet::request(&origin, &link, &too_long).is_err());
    let answer = |status: u16, content_type: &str, body: &[u8]| {
        ucwa_runtime::http::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(body.to_vec())
            .unwrap()
    };
    let picture = PictureGet::response(&answer(200, "image/jpeg", b"\xff\xd8\xff")).unwrap();
    assert_eq!(picture, MediaBody { media_type: "image/jpeg".into(), bytes: b"\xff\xd8\xff".to_vec() });
    for (content_type, body) in [("image/gif", &b"GIF89a"[..]), ("application/json", b"{}")] {
        match PictureGet::response(&answer(200, content_type, body)) {
            Err(ResponseError::NotUcwa(e)) => assert_eq!(e.content_type.as_deref(), Some(content_type)),
            other => panic!("{content_type}: {other:?}"),
        }
    }
    let missing = br#"{"code":"NotFound","subcode":"PictureMissing"}"#;
    match PictureGet::response(&answer(404, "application/json", missing)) {
        Err(ResponseError::Ucwa(PictureGetError::PictureMissing(body))) => assert_eq!(body.code, "NotFound"),
        other => panic!("{other:?}"),
    }
}
