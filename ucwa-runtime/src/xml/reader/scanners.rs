//! What the reader looks at byte by byte: references, names, attributes and the texts that
//! need no normalization, scanned once where they can be (a whole payload, a whole tag).

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::BytesStart;

use crate::DecodeError;

/// Characters that make a text or an attribute value differ from what is written, absent from
/// a whole payload (UCWA's almost always: no references, no tabs, `\n` line ends).
#[derive(Clone, Copy, Debug)]
pub(super) struct Plain {
    /// No `\r` anywhere: texts need no line-end normalization.
    pub(super) no_cr: bool,
    /// No `&`, tab or `\r` anywhere: an attribute value is its own text unless it holds a line
    /// feed (normalization makes it a space).
    no_amp_tab_cr: bool,
}

impl Plain {
    pub(super) fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let no_cr = memchr::memchr(b'\r', bytes).is_none();
        Plain {
            no_cr,
            no_amp_tab_cr: no_cr && memchr::memchr2(b'&', b'\t', bytes).is_none(),
        }
    }

    /// Whether the raw attributes of a tag are their own values.
    #[inline]
    fn tag(self, attributes: &[u8]) -> bool {
        if self.no_amp_tab_cr {
            !has_line_feed(attributes)
        } else {
            is_plain(attributes)
        }
    }
}

/// Appends what a `&..;` reference stands for: a character, or one of the five predefined
/// entities. Any other entity is refused, never expanded.
pub(super) fn push_reference(
    text: &mut String,
    r: &quick_xml::events::BytesRef<'_>,
    offset: u64,
) -> Result<(), DecodeError> {
    if r.is_char_ref() {
        match r.resolve_char_ref() {
            Ok(Some(c)) => text.push(c),
            _ => {
                return Err(DecodeError::xml(
                    offset,
                    format!("invalid character reference `&{};`", r.xml10_content()),
                ));
            }
        }
    } else {
        let name = r.xml10_content();
        match resolve_predefined_entity(&name) {
            Some(value) => text.push_str(value),
            None => {
                return Err(DecodeError::xml(
                    offset,
                    format!(
                        "unknown entity `&{name};`: only the five predefined XML entities are accepted"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The name of an element without its prefix. Names are short: a plain loop finds the `:`
/// sooner than a call to a vectorized search would start.
#[inline]
pub(super) fn local<'e>(e: &'e BytesStart<'_>) -> Cow<'e, str> {
    let name = e.name().into_inner();
    Cow::Borrowed(match name.bytes().position(|b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    })
}

/// Calls `f` with each attribute of an element (local name, unescaped value borrowed from the
/// payload `input` when it holds no reference), skipping namespace declarations.
pub(super) fn for_each_attribute<'a>(
    input: &'a str,
    plain: Plain,
    e: &BytesStart<'_>,
    offset: u64,
    mut f: impl FnMut(Cow<'a, str>, Cow<'a, str>),
) -> Result<(), DecodeError> {
    // Normalization changes only references and the whitespace characters it replaces; most
    // tags hold neither, and then every value is its raw text. One look at the whole tag
    // instead of one per value (a tag spread over lines is looked at value by value).
    let tag_plain = plain.tag(e.attributes_raw().as_bytes());
    // Attribute names must be unique; quick-xml's own check allocates for every element, and
    // UCWA elements have a handful of attributes, so they are compared here, on the stack.
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    let mut seen: [&str; 8] = [""; 8];
    let mut count = 0;
    let mut more: Vec<&str> = Vec::new();
    for attr in attributes {
        let attr =
            attr.map_err(|err| DecodeError::xml(offset, format!("malformed attribute: {err}")))?;
        let key = attr.key;
        let full = key.into_inner();
        if seen[..count].contains(&full) || more.contains(&full) {
            return Err(DecodeError::xml(
                offset,
                format!("malformed attribute: `{full}` appears twice"),
            ));
        }
        if count < seen.len() {
            seen[count] = full;
            count += 1;
        } else {
            more.push(full);
        }
        if key.as_namespace_binding().is_some() {
            continue;
        }
        // The local name, found as `local` finds an element's (names are short).
        let name = match full.bytes().position(|b| b == b':') {
            Some(colon) => &full[colon + 1..],
            None => full,
        };
        // The names UCWA's elements carry are names; any other is looked at.
        if !matches!(name, "rel" | "href" | "title" | "name") && !crate::xml::is_name(name) {
            return Err(DecodeError::xml(
                offset,
                format!("malformed attribute name `{name}`"),
            ));
        }
        let value = if tag_plain || is_plain(attr.value.as_bytes()) {
            attr.value
        } else {
            attr.normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| {
                    DecodeError::xml(offset, format!("malformed value of `{name}`: {err}"))
                })?
        };
        let value = match value {
            Cow::Borrowed(v) => {
                reborrow(input, v).map_or_else(|| Cow::Owned(v.to_owned()), Cow::Borrowed)
            }
            Cow::Owned(v) => Cow::Owned(v),
        };
        let name = reborrow(input, name).map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed);
        f(name, value);
    }
    Ok(())
}

/// Whether attribute text holds no reference (`&`) and no character below space (the tab and
/// line ends that normalization replaces; the others are not XML): then it is its own value.
/// Eight bytes at a time: this runs over every tag of a payload that has a reference or a tab.
fn is_plain(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        let amp = word ^ AMP;
        // A byte below 0x20 (classic "has less than"), or a zero byte of `amp` (an `&`); exact
        // as to whether any byte qualifies, whatever the byte order.
        if ((word.wrapping_sub(SPACE) & !word) | (amp.wrapping_sub(ONES) & !amp)) & HIGH != 0 {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b >= b' ' && b != b'&')
}

/// Whether attribute text holds a line feed: memchr's vector search of one byte, which a tag's
/// hundred bytes of attributes go through in a few steps.
fn has_line_feed(bytes: &[u8]) -> bool {
    memchr::memchr(b'\n', bytes).is_some()
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
const AMP: u64 = u64::from_ne_bytes([b'&'; 8]);
const SPACE: u64 = u64::from_ne_bytes([b' '; 8]);

/// `part`, a slice of `input` that was reached through a shorter borrow, with the lifetime of
/// `input`; `None` if it is not inside `input`. Safe: it slices `input` by the same range.
pub(super) fn reborrow<'a>(input: &'a str, part: &str) -> Option<&'a str> {
    let start = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    input.get(start..start.checked_add(part.len())?)
}

pub(super) fn name_attribute<'a>(
    input: &'a str,
    plain: Plain,
    e: &BytesStart<'_>,
    offset: u64,
) -> Result<Cow<'a, str>, DecodeError> {
    let mut found = None;
    for_each_attribute(input, plain, e, offset, |name, value| {
        if name == "name" {
            found = Some(value);
        }
    })?;
    found.ok_or_else(|| {
        DecodeError::xml(
            offset,
            format!("a <{}> element needs a `name` attribute", local(e)),
        )
    })
}

/// Whether a text between elements is only XML whitespace (space, tab, line ends), looked at
/// as written: no need to resolve or normalize it to know.
pub(super) fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Appends to text that is borrowed until a second run makes it owned.
pub(super) fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time rule `is_plain` must agree with.
    fn plain_slowly(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| b >= b' ' && b != b'&')
    }

    #[test]
    fn plain_agrees_with_the_byte_rule_at_every_position() {
        let base = "/ucwa/oauth/v1/applications/102/é/participants".as_bytes();
        assert!(is_plain(base));
        for len in 0..=base.len() {
            let text = &base[..len];
            assert_eq!(is_plain(text), plain_slowly(text), "{text:?}");
            for at in 0..len {
                for odd in [b'&', b'\t', b'\n', b'\r', 0x00, 0x1f] {
                    let mut changed = text.to_vec();
                    changed[at] = odd;
                    assert!(!is_plain(&changed), "{odd:#x} at {at} of {len}");
                    assert_eq!(has_line_feed(&changed), odd == b'\n', "{odd:#x} at {at}");
                }
                for fine in [b' ', b'%', b'\'', 0x7f, 0x80, 0xff] {
                    let mut changed = text.to_vec();
                    changed[at] = fine;
                    assert_eq!(is_plain(&changed), plain_slowly(&changed));
                    assert!(is_plain(&changed), "{fine:#x} at {at} of {len}");
                    assert!(!has_line_feed(&changed));
                }
            }
        }
    }
}
