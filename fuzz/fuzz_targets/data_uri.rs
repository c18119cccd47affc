//! `data:` URIs: any string parsed (and, when it parses, its parts read, its content decoded and
//! the URI carried through a JSON link unchanged); and `DataUri::from_bytes` with any media type
//! and content, whose URI must parse back to the same media type and bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::DataUri;
use ucwa_fuzz::show;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(uri) = DataUri::parse(text) {
        assert_eq!(uri.as_str(), text);
        assert_eq!(uri.to_string(), text);
        let (media_type, data) = (uri.media_type(), uri.data());
        assert!(!media_type.is_empty());
        assert!(text.ends_with(data));
        let _ = (uri.is_base64(), uri.decode());
        // In a payload, a data URI is a link whose href is the URI.
        let json = ucwa::json::to_vec(&uri);
        let back: DataUri = ucwa::json::from_slice(&json)
            .unwrap_or_else(|e| panic!("{} does not decode back: {e}", show(&json)));
        assert_eq!(back, uri);
    }

    // The first line is a media type, the rest the content.
    let (media_type, content) = text.split_once('\n').unwrap_or((text, ""));
    // `from_bytes` refuses a media type a URI cannot carry unchanged; one it accepts reads
    // back as the same media type, parameters and bytes.
    let Ok(uri) = DataUri::from_bytes(media_type, content.as_bytes()) else {
        return;
    };
    let parsed = DataUri::parse(uri.as_str())
        .unwrap_or_else(|e| panic!("from_bytes made {uri:?}, which does not parse: {e}"));
    assert_eq!(parsed, uri);
    assert!(parsed.is_base64(), "{uri:?}");
    let mut header = parsed.media_type().to_owned();
    for (name, value) in parsed.parameters() {
        header.push_str(&format!(";{name}={value}"));
    }
    assert_eq!(header, media_type);
    assert_eq!(parsed.decode().as_deref(), Ok(content.as_bytes()));
});
