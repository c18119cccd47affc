//! An answer of the event channel, read as JSON and as XML (`EventBatch::decode` by content
//! type, over every resource of the schema), then encoded in both representations. Nothing
//! may panic, hang or grow without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::Format;
use ucwa_fuzz::{batch_decode, batch_encode};

fuzz_target!(|data: &[u8]| {
    for content_type in [
        "application/json",
        "application/vnd.microsoft.com.ucwa+xml; charset=utf-8",
    ] {
        if let Ok(batch) = batch_decode(content_type, data) {
            let _ = batch.follow();
            let _ = batch.events().count();
            let _ = batch_encode(&batch, Format::Json);
            let _ = batch_encode(&batch, Format::Xml);
        }
    }
});
