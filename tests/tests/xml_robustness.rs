//! Hostile and broken XML: errors with their byte offset, never a panic, no entity expansion,
//! bounded nesting.

mod common;

use common::fixture;
use ucwa::resources::{AudioVideoInvitation, Participant};
use ucwa::{DecodeError, Format, Position};

fn decode(xml: &str) -> Result<Participant, DecodeError> {
    ucwa::xml::from_str(xml)
}

fn offset(err: &DecodeError) -> u64 {
    assert_eq!(err.format(), Some(Format::Xml));
    match err.position() {
        Some(Position::Offset(offset)) => offset,
        other => panic!("no byte offset: {other:?}"),
    }
}

#[test]
fn malformed_xml_is_reported_with_its_byte_offset() {
    let xml = r#"<resource rel="participant"><property name="name">Ann</propertyy></resource>"#;
    let err = decode(xml).unwrap_err();
    assert!(err.message().starts_with("malformed XML"), "{err}");
    assert_eq!(offset(&err), xml.find("</propertyy>").unwrap() as u64);
    assert!(err.to_string().starts_with(&format!(
        "invalid UCWA XML payload at byte {}",
        offset(&err)
    )));

    let err = decode(
        r#"<resource rel="participant"><property name="inLobby">maybe</property></resource>"#,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "property `inLobby`: expected `True` or `False`, found `maybe`"
    );
    assert_eq!(offset(&err), 28);

    let err = decode(r#"<resource rel="audioVideoInvitation"></resource>"#).unwrap_err();
    assert_eq!(
        err.message(),
        "expected a `participant` resource (or `acceptedByParticipant`, `from`, `localParticipant`, which share its type), found rel `audioVideoInvitation`"
    );

    let err =
        decode(r#"<resource rel="participant"><property>x</property></resource>"#).unwrap_err();
    assert_eq!(
        err.message(),
        "a <property> element needs a `name` attribute"
    );

    let err = decode(r#"<resource rel="participant"><widget/></resource>"#).unwrap_err();
    assert!(
        err.message().starts_with("unexpected element <widget>"),
        "{err}"
    );

    let err = decode("<resource rel=\"participant\">\u{0}").unwrap_err();
    assert_eq!(err.format(), Some(Format::Xml));

    let err =
        ucwa::xml::from_slice::<Participant>(b"<resource rel=\"participant\">\xff</resource>")
            .unwrap_err();
    assert_eq!(err.message(), "the payload is not UTF-8");
    assert_eq!(offset(&err), 28);

    let err = decode("").unwrap_err();
    assert!(
        err.message().contains("found the end of the document"),
        "{err}"
    );
}

#[test]
fn no_dtd_and_no_entity_is_ever_expanded() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<resource rel="participant"><property name="name">&lol2;</property></resource>"#;
    let err = decode(billion_laughs).unwrap_err();
    assert!(err.message().contains("DTD"), "{err}");
    assert_eq!(
        offset(&err),
        billion_laughs.find("<!DOCTYPE").unwrap() as u64
    );

    let err = decode(
        r#"<resource rel="participant"><property name="name">&custom;</property></resource>"#,
    )
    .unwrap_err();
    assert!(
        err.message().starts_with("unknown entity `&custom;`"),
        "{err}"
    );

    // The predefined entities and character references are text, as XML defines them.
    let p = decode(r#"<resource rel="participant"><property name="name">A &amp; B &lt;&#65;&#x42;&gt;</property></resource>"#).unwrap();
    assert_eq!(p.name.as_deref(), Some("A & B <AB>"));
}

#[test]
fn nesting_is_bounded() {
    let depth = ucwa::xml::MAX_DEPTH + 5;
    let mut xml = String::from(r#"<resource rel="audioVideoInvitation">"#);
    for _ in 0..depth {
        xml.push_str(r#"<resource rel="futureThing">"#);
    }
    for _ in 0..=depth {
        xml.push_str("</resource>");
    }
    let err = ucwa::xml::from_str::<AudioVideoInvitation>(&xml).unwrap_err();
    assert_eq!(
        err.message(),
        format!(
            "resources nest more than {} levels deep",
            ucwa::xml::MAX_DEPTH
        )
    );

    // Within the limit, unknown nested resources are kept.
    let xml = r#"<resource rel="audioVideoInvitation"><resource rel="futureThing" href="/f/1"><resource rel="inner"><property name="x">1</property></resource></resource></resource>"#;
    let inv: AudioVideoInvitation = ucwa::xml::from_str(xml).unwrap();
    assert_eq!(
        inv.embedded.unknown["futureThing"],
        serde_json::json!([{"_links": {"self": {"href": "/f/1"}}, "_embedded": {"inner": [{"x": "1"}]}}])
    );
}

#[test]
fn every_truncation_and_corruption_of_the_samples_fails_cleanly() {
    for name in [
        "participant.response.xml",
        "audioVideoInvitation.response.xml",
    ] {
        let sample = fixture(name);
        for end in 0..sample.len() {
            // Never a panic; an error, or (for cuts in trailing whitespace) the whole value.
            let _ = ucwa::xml::from_slice::<AudioVideoInvitation>(&sample[..end]);
            let _ = ucwa::xml::from_slice::<Participant>(&sample[..end]);
        }
        for at in (0..sample.len()).step_by(7) {
            for byte in [b'<', b'>', b'"', b'&', b'/', 0, 0xff] {
                let mut corrupted = sample.clone();
                corrupted[at] = byte;
                let _ = ucwa::xml::from_slice::<AudioVideoInvitation>(&corrupted);
            }
        }
    }
}

#[test]
fn unknown_members_survive_xml() {
    let xml = r#"<resource rel="participant" href="/p/1">
  <link rel="futureLink" href="/p/1/future" title="Future" />
  <property name="rel">participant</property>
  <property name="name">Ann</property>
  <property name="x1f3a">please pass me in a PUT request</property>
  <propertyList name="futureList"><item>a</item><item>b</item></propertyList>
</resource>"#;
    let p = decode(xml).unwrap();
    assert_eq!(p.unknown["x1f3a"], "please pass me in a PUT request");
    assert_eq!(p.unknown["futureList"], serde_json::json!(["a", "b"]));
    // One link the schema does not know is kept as one (XML cannot tell it from a list of one).
    assert_eq!(
        p.links.unknown["futureLink"],
        serde_json::json!({"href": "/p/1/future", "title": "Future"})
    );
    let again = decode(&ucwa::xml::to_string(&p).unwrap()).unwrap();
    assert_eq!(again, p);
    // And a PUT in JSON carries them too.
    let json: serde_json::Value = serde_json::from_slice(&ucwa::json::to_vec(&p)).unwrap();
    assert_eq!(json["x1f3a"], "please pass me in a PUT request");
}

/// Messages show values as a person reads them: the text in backticks, a list's items, an
/// enumeration's members — never a Rust debug form such as `Text("contact")`.
#[test]
fn error_messages_show_values_as_written() {
    let ns = r#"xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa""#;
    let err = decode(&format!(
        r#"<resource rel="participant" {ns}><property name="rel">contact</property></resource>"#
    ))
    .unwrap_err();
    assert!(err.message().ends_with("found rel `contact`"), "{err}");
    let err = decode(&format!(
        r#"<resource rel="participant" {ns}><propertyList name="rel"><item>a</item><item>b</item></propertyList></resource>"#
    ))
    .unwrap_err();
    assert!(
        err.message().ends_with("found rel a list [`a`, `b`]"),
        "{err}"
    );
    let err = decode(&format!(
        r#"<resource rel="participant" {ns}><property name="role">Boss</property></resource>"#
    ));
    // An enumeration keeps a value it does not know; the message form is for scalars that
    // must be one of a set.
    assert!(err.is_ok());
    let message = ucwa::__private::not_a_member("a `Role` value", &["Leader", "Attendee"], "Boss");
    assert_eq!(
        message,
        "expected a `Role` value: one of `Leader`, `Attendee`, found `Boss`"
    );
}

/// Unknown attributes of `<resource>` are kept as `@name` members and written back as
/// attributes; properties whose names the representation uses itself (`_links`, `_embedded`,
/// `@..`) stay properties. In XML, and through JSON.
#[test]
fn unknown_attributes_and_colliding_property_names_survive() {
    let ns = r#"xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa""#;
    let xml = format!(
        r#"<resource rel="participant" href="/p/1" etag="42" xml:lang="en" {ns}><property name="_links">text</property><property name="_embedded">more</property><property name="@odd name">x</property><property name="name">Ann</property></resource>"#
    );
    let participant = decode(&xml).unwrap();
    let unknown = &participant.unknown;
    assert_eq!(unknown["@etag"], "42");
    assert_eq!(unknown["_links"], "text");
    assert_eq!(unknown["_embedded"], "more");
    assert_eq!(unknown["@odd name"], "x");
    // A property named as an attribute `<resource>` writes itself stays a property (found by
    // fuzzing: `@rel` written as a second `rel` attribute).
    let at_rel = decode(&format!(
        r#"<resource rel="participant" {ns}><property name="@rel">x</property></resource>"#
    ))
    .unwrap();
    let written = ucwa::xml::to_vec(&at_rel).unwrap();
    assert_eq!(
        decode(std::str::from_utf8(&written).unwrap()).unwrap(),
        at_rel
    );
    let written = String::from_utf8(ucwa::xml::to_vec(&participant).unwrap()).unwrap();
    assert!(written.contains(r#"etag="42""#), "{written}");
    assert!(
        written.contains(r#"<property name="_links">text</property>"#),
        "{written}"
    );
    assert!(
        written.contains(r#"<property name="@odd name">x</property>"#),
        "{written}"
    );
    assert_eq!(decode(&written).unwrap(), participant);
    // On a `<link>` of a known rel too, in the link's own unknown members.
    let linked = decode(&format!(
        r#"<resource rel="participant" {ns}><link rel="contact" href="/c/1" flavour="odd" /></resource>"#
    ))
    .unwrap();
    let contact = linked.links.contact.as_ref().unwrap();
    assert_eq!(contact.unknown["flavour"], "odd");
    let written = String::from_utf8(ucwa::xml::to_vec(&linked).unwrap()).unwrap();
    assert!(written.contains(r#"flavour="odd""#), "{written}");
    assert_eq!(decode(&written).unwrap(), linked);
    // Through JSON an attribute is a member like any other, and back in XML an attribute.
    // (A property named `_links` or `_embedded` has no JSON form: JSON uses those names.)
    let attributed = decode(&format!(
        r#"<resource rel="participant" href="/p/1" etag="42" {ns}><property name="name">Ann</property></resource>"#
    ))
    .unwrap();
    let json = ucwa::json::to_vec(&attributed);
    assert!(String::from_utf8_lossy(&json).contains(r#""@etag":"42""#));
    let from_json: Participant = ucwa::json::from_slice(&json).unwrap();
    assert_eq!(from_json, attributed);
    let again = String::from_utf8(ucwa::xml::to_vec(&from_json).unwrap()).unwrap();
    assert!(again.contains(r#"etag="42""#), "{again}");
    // A resource the schema does not know keeps them too (through `AnyResource`).
    let other = format!(
        r#"<resource rel="participant" href="/p/1" {ns}><resource rel="mystery" href="/m" flavour="odd"><property name="_links">t</property></resource></resource>"#
    );
    let participant = decode(&other).unwrap();
    let written = String::from_utf8(ucwa::xml::to_vec(&participant).unwrap()).unwrap();
    assert!(written.contains(r#"flavour="odd""#), "{written}");
    assert_eq!(decode(&written).unwrap(), participant);
}

/// The encoder never writes a document no XML reader accepts: a character XML 1.0 cannot carry
/// (most controls, even as `&#1;`) is an error naming where it is. JSON carries it.
#[test]
fn characters_xml_cannot_carry_are_an_encode_error_naming_the_place() {
    let mut p = Participant {
        name: Some("Ann\u{1}".into()),
        ..Participant::default()
    };
    let error = ucwa::xml::to_vec(&p).unwrap_err();
    assert_eq!(error.place(), "property `name`");
    assert_eq!(error.character(), Some('\u{1}'));
    assert!(error.to_string().contains("U+0001"), "{error}");
    let json = ucwa::json::to_vec(&p);
    assert_eq!(ucwa::json::from_slice::<Participant>(&json).unwrap(), p);
    // Tab, line feed and carriage return are fine; so is every other character.
    p.name = Some("a\tb\nc\r d é 😀".into());
    let xml = ucwa::xml::to_vec(&p).unwrap();
    assert_eq!(ucwa::xml::from_slice::<Participant>(&xml).unwrap(), p);
    // In an attribute (a link's title), in an unknown member, in an error body.
    p.links.self_ = Some(ucwa::Link::new("/p/1"));
    p.links.self_.as_mut().unwrap().title = Some("\u{FFFF}".into());
    assert_eq!(
        ucwa::xml::to_vec(&p).unwrap_err().place(),
        "attribute `title`"
    );
    let mut error_body = ucwa::ErrorBody {
        code: "Conflict".into(),
        message: Some("bad \u{1b}[0m".into()),
        ..ucwa::ErrorBody::default()
    };
    assert_eq!(error_body.to_xml().unwrap_err().place(), "<message>");
    error_body.message = None;
    assert!(error_body.to_xml().is_ok());
    // A request body in XML is refused before anything is sent.
    use ucwa::operations::{ApplicationsPost, ApplicationsPostBody};
    let origin = ucwa::Origin::parse("https://fe1.contoso.com").unwrap();
    let body = ApplicationsPostBody {
        user_agent: Some("bot\u{0}".into()),
        ..ApplicationsPostBody::default()
    };
    let link = ucwa::Link::to("/ucwa/oauth/v1/applications");
    let error = ApplicationsPost::request(&origin, &link, &body, ucwa::Format::Xml).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot send the body: cannot encode in XML: property `userAgent`"),
        "{error}"
    );
    assert!(ApplicationsPost::request(&origin, &link, &body, ucwa::Format::Json).is_ok());
}

/// Well-formedness the reader checks itself: an attribute twice (also past the first eight of
/// an element), and text between elements that is not XML whitespace (a no-break space is not).
#[test]
fn duplicate_attributes_and_stray_text_are_refused() {
    let ns = r#"xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa""#;
    let twice = format!(r#"<resource rel="participant" href="/a" href="/b" {ns}/>"#);
    let error = decode(&twice).unwrap_err();
    assert_eq!(error.message(), "malformed attribute: `href` appears twice");
    let many: String = (0..12).map(|i| format!(r#" a{i}="{i}""#)).collect();
    let late = format!(r#"<resource rel="participant"{many} a10="x" {ns}/>"#);
    let error = decode(&late).unwrap_err();
    assert_eq!(error.message(), "malformed attribute: `a10` appears twice");
    let nbsp = format!(
        "<resource rel=\"participant\" {ns}>\u{a0}<property name=\"name\">A</property></resource>"
    );
    assert!(
        decode(&nbsp)
            .unwrap_err()
            .message()
            .starts_with("unexpected text")
    );
    let spaced = format!(
        "<resource rel=\"participant\" {ns}>\n\t \r\n<property name=\"name\">A</property></resource>"
    );
    assert_eq!(decode(&spaced).unwrap().name.as_deref(), Some("A"));
}
