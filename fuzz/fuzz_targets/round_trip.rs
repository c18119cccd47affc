//! Round trips. Whatever decodes must encode, decode again to an equal value, and encode to the
//! same bytes again: a resource (any of the schema, by its `rel`), an event batch and an error
//! body, each in the representation it came in; and a resource of a few types that decodes
//! from JSON with nothing unknown, through XML and back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucwa::resources::EventBatch;
use ucwa::{DecodeError, ErrorBody, Format};
use ucwa_fuzz::{any_decode, any_encode, batch_decode, batch_encode, show, typed_across};

/// decode → encode → decode → encode: equal values (once `align` has made what may differ
/// equal), equal encodings; but for what `known_to_fail` leaves out.
fn same_format<T: PartialEq + std::fmt::Debug, E: std::fmt::Display>(
    what: &str,
    format: Format,
    data: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, E>,
    encode: impl Fn(&T) -> Result<Vec<u8>, ucwa::EncodeError>,
    align: impl Fn(&T, &mut T),
    known_to_fail: impl Fn(&T) -> bool,
) {
    let Ok(first) = decode(data) else { return };
    if known_to_fail(&first) {
        return;
    }
    // XML refuses what it cannot carry (`EncodeError`): an answer, not a bug.
    let Ok(encoded) = encode(&first) else { return };
    let mut second = decode(&encoded).unwrap_or_else(|e| {
        panic!(
            "{what} in {format}: {} decoded, was encoded as {}, which does not decode: {e}",
            show(data),
            show(&encoded)
        )
    });
    align(&first, &mut second);
    assert_eq!(
        first,
        second,
        "{what} in {format}: {} decoded, was encoded as {}, which decodes to another value",
        show(data),
        show(&encoded)
    );
    assert_eq!(
        show(&encode(&second).expect("what was encoded once encodes again")),
        show(&encoded),
        "{what} in {format}: the second encoding differs"
    );
}

/// A part of a batch that did not read because a member appears twice is kept as a
/// `serde_json::Value` (`Source::Json`), which holds one value per key: written back, it reads.
/// A limit of what the source is kept as, not a round-trip bug.
fn kept_with_a_duplicate(batch: &EventBatch) -> bool {
    let duplicate = |e: &DecodeError| e.message().contains("duplicate");
    batch.senders.iter().any(|s| {
        s.unreadable.iter().any(|u| duplicate(&u.error))
            || s.events
                .iter()
                .any(|e| e.undecoded.as_ref().is_some_and(|u| duplicate(&u.error)))
    })
}

/// The errors an event batch keeps (of a resource that did not decode into its type, of an event
/// that could not be read) give their place in the batch (an offset, a path with indices), which
/// moves when the batch is written again: an unreadable event is written after its sender's
/// readable ones, as `Sender` keeps them apart. `second` takes the errors of `first` where only
/// the place differs.
fn align_errors(first: &EventBatch, second: &mut EventBatch) {
    let placeless = |e: &DecodeError| e.message().replace(|c: char| c.is_ascii_digit(), "");
    let same =
        |a: &DecodeError, b: &DecodeError| a.format() == b.format() && placeless(a) == placeless(b);
    for (a, b) in first.senders.iter().zip(&mut second.senders) {
        for (a, b) in a.events.iter().zip(&mut b.events) {
            if let (Some(a), Some(b)) = (&a.undecoded, &mut b.undecoded)
                && same(&a.error, &b.error)
            {
                b.error = a.error.clone();
            }
        }
        for (a, b) in a.unreadable.iter().zip(&mut b.unreadable) {
            if same(&a.error, &b.error) {
                b.error = a.error.clone();
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::Xml] {
        same_format(
            "a resource",
            format,
            data,
            |d| any_decode(format, d),
            |r| any_encode(format, r),
            |_, _| {},
            |_| false,
        );
        same_format(
            "an event batch",
            format,
            data,
            |d| batch_decode(format.media_type(), d),
            |b| batch_encode(b, format),
            align_errors,
            kept_with_a_duplicate,
        );
        same_format(
            "an error body",
            format,
            data,
            |d| ucwa::codec::decode_as::<ErrorBody>(format, d),
            |b| ucwa::codec::encode(format, b),
            |_, _| {},
            |_| false,
        );
    }
    typed_across(data);
    // Whatever decodes from JSON is written as XML that reads back (equal only when nothing
    // was unknown: XML keeps unknown values as strings).
    if let Ok(resource) = any_decode(Format::Json, data) {
        let Ok(xml) = any_encode(Format::Xml, &resource) else {
            return;
        };
        if let Err(e) = any_decode(Format::Xml, &xml) {
            panic!("{} as XML {} does not decode: {e}", show(data), show(&xml));
        }
    }
    if let Ok(body) = ucwa::codec::decode_as::<ErrorBody>(Format::Json, data) {
        let Ok(xml) = ucwa::codec::encode(Format::Xml, &body) else {
            return;
        };
        if let Err(e) = ucwa::codec::decode_as::<ErrorBody>(Format::Xml, &xml) {
            panic!("{} as XML {} does not decode: {e}", show(data), show(&xml));
        }
    }
});
