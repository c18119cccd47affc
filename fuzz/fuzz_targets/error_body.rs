//! The body of an error answer, in JSON and XML: decoded, encoded in both representations,
//! and classified as an operation's typed error would classify it. Nothing may panic, hang or
//! grow without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::operation::{OperationError, UcwaError};
use ucwa::{ErrorBody, Format};
use ucwa_fuzz::read_answer;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::Xml] {
        if let Ok(body) = ucwa::codec::decode_as::<ErrorBody>(format, data) {
            let _ = ucwa::codec::encode(Format::Json, &body);
            let _ = ucwa::codec::encode(Format::Xml, &body);
            let status = ucwa::http::StatusCode::CONFLICT;
            let _ = UcwaError::classify(status, body.clone()).to_string();
        }
        // The same body as an error answer of two operations (with and without a table of
        // their own rows), under each status a table names.
        for status in [400, 404, 409, 410, 500, 503] {
            let response = ucwa::http::Response::builder()
                .status(status)
                .header("content-type", format.media_type())
                .header("x-ms-diagnostics", "1000;reason=\"fuzz\"")
                .body(data)
                .expect("a valid response");
            read_answer(&response);
        }
    }
});
