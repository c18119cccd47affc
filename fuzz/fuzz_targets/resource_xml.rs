//! An XML resource: decoded into the type of its `rel` (every resource of the schema, through
//! `AnyResource`) and into a few types directly, then encoded in both
//! representations. Nothing may panic, hang or grow without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::Format;
use ucwa_fuzz::{any_decode, any_encode, typed_decode};

fuzz_target!(|data: &[u8]| {
    // Under an audit, as `ucwa-import` and the sample tests decode: it lists what was unknown.
    let (decoded, _unknown) = ucwa::audit::unknown_members(|| any_decode(Format::Xml, data));
    if let Ok(resource) = decoded {
        let _ = any_encode(Format::Json, &resource);
        let _ = any_encode(Format::Xml, &resource);
    }
    typed_decode(Format::Xml, data);
});
