//! Content types: `Format::from_content_type`, and every reader that chooses a representation by
//! one (`codec::decode`, `EventBatch::decode`, an operation reading an answer, a `data:` URI's
//! media type). The first line is the content type, the rest the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::{DataUri, ErrorBody, Format};
use ucwa_fuzz::{batch_decode, read_answer};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (content_type, body) = text.split_once('\n').unwrap_or((text, ""));
    let format = Format::from_content_type(content_type);
    // Case and parameters are ignored; a format's own media type names it.
    assert_eq!(
        Format::from_content_type(&content_type.to_ascii_uppercase()),
        format
    );
    assert_eq!(
        Format::from_content_type(&format!("{content_type}; charset=utf-8")),
        format
    );
    if let Some(format) = format {
        assert_eq!(Format::from_content_type(format.media_type()), Some(format));
    }

    // Every reader chooses the same representation.
    let by_type = ucwa::codec::decode::<ErrorBody>(content_type, body.as_bytes());
    match format {
        None => assert!(by_type.is_err()),
        Some(format) => {
            assert_eq!(
                by_type,
                ucwa::codec::decode_as::<ErrorBody>(format, body.as_bytes())
            )
        }
    }
    let batch = batch_decode(content_type, body.as_bytes());
    assert!(format.is_some() || batch.is_err());

    // An answer carrying it, as a success and as an error.
    if let Ok(value) = ucwa::http::HeaderValue::from_str(content_type) {
        for status in [200, 201, 204, 409, 500] {
            let response = ucwa::http::Response::builder()
                .status(status)
                .header("content-type", value.clone())
                .header("location", "/ucwa/v1/applications/1/invitations/2")
                .body(body.as_bytes())
                .expect("a valid response");
            read_answer(&response);
        }
    }

    // As the media type of a data: URI.
    if !content_type.contains(',') {
        let uri = DataUri::parse(format!("data:{content_type},{body}"))
            .expect("a data: URI with a comma parses");
        let _ = (uri.media_type(), uri.is_base64(), uri.decode());
    }
});
