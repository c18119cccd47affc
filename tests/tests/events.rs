//! The event channel: batches in JSON and XML, with senders, typed events, embedded resources
//! decoded into their generated types, and the `next`/`resync`/`resume` links.

mod common;

use common::fixture;
use ucwa::Format;
use ucwa::events::EventType;
use ucwa::resources::{AnyResource, AudioVideo, AudioVideoInvitation, EventBatch, Participant};

fn json(name: &str) -> EventBatch {
    EventBatch::from_json(&fixture(&format!("events/{name}")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_event_samples_of_the_reference_pages_decode() {
    let cases: [(&str, &str, EventType, &str); 6] = [
        (
            "audioVideoInvitation.started.json",
            "communication",
            EventType::Started,
            "audioVideoInvitation",
        ),
        (
            "audioVideoInvitation.updated.json",
            "communication",
            EventType::Updated,
            "audioVideoInvitation",
        ),
        (
            "participant.added.json",
            "conversation",
            EventType::Added,
            "participant",
        ),
        (
            "participant.updated.json",
            "conversation",
            EventType::Updated,
            "participant",
        ),
        (
            "participant.deleted.json",
            "conversation",
            EventType::Deleted,
            "participant",
        ),
        (
            "audioVideo.updated.json",
            "conversation",
            EventType::Updated,
            "audioVideo",
        ),
    ];
    for (name, sender, event_type, rel) in cases {
        let batch = json(name);
        assert_eq!(
            batch.self_link.as_ref().unwrap().href.as_str(),
            "http://sample:80/ucwa/v1/applications/appId/events?ack=1",
            "{name}"
        );
        assert_eq!(
            batch.next.as_ref().unwrap().href.as_str(),
            "http://sample:80/ucwa/v1/applications/appId/events?ack=2"
        );
        assert_eq!(batch.follow(), batch.next.as_ref());
        let events: Vec<_> = batch.events().collect();
        assert_eq!(events.len(), 1, "{name}");
        let (s, event) = events[0];
        assert_eq!(s.rel, sender, "{name}");
        assert_eq!(event.event_type, event_type, "{name}");
        assert_eq!(event.rel, rel, "{name}");
        assert!(
            event
                .link
                .href
                .as_str()
                .starts_with("https://fe1.contoso.com:443/ucwa/v1/applications/192/")
        );
    }
    // Matching an event to the generated type it names.
    let batch = json("audioVideoInvitation.started.json");
    let (_, event) = batch.events().next().unwrap();
    assert!(event.names::<AudioVideoInvitation>());
    assert!(!event.names::<Participant>());
}

#[test]
fn the_channel_samples_decode_alike_in_json_and_xml() {
    let from_json = json("channel.json");
    let from_xml = EventBatch::from_xml(&fixture("events/channel.xml")).unwrap();

    for batch in [&from_json, &from_xml] {
        assert_eq!(
            batch.next.as_ref().unwrap().href.as_str(),
            "/ucwa/oauth/v1/applications/102/events?ack=2"
        );
        assert_eq!(batch.senders.len(), 2);
        assert_eq!(batch.senders[1].rel, "me");
        let types: Vec<_> = batch
            .events()
            .map(|(_, e)| (e.event_type.clone(), e.rel.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                (EventType::Updated, "communication"),
                (EventType::Updated, "me"),
                (EventType::Added, "presence"),
                (EventType::Added, "note"),
                (EventType::Added, "location"),
            ]
        );
        // `communication`, typed; the member its page does not list (the token a PUT must
        // carry back) is kept.
        let (_, first) = batch.events().next().unwrap();
        match first.resource.as_ref().unwrap() {
            AnyResource::Communication(communication) => {
                assert_eq!(
                    communication.unknown["56de7bbf-1081-43e6-bbf2-1cabf3224c83"],
                    "please pass this in a PUT request"
                );
                assert_eq!(
                    communication.links.self_.as_ref().unwrap().href.as_str(),
                    "/ucwa/oauth/v1/applications/102/communication"
                );
                assert_eq!(
                    communication.supported_modalities.as_deref(),
                    Some(&[ucwa::enumerations::ModalityType::Messaging][..])
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(from_json.self_link, from_xml.self_link);
    assert_eq!(
        EventBatch::decode(
            "application/vnd.microsoft.com.ucwa+xml",
            &fixture("events/channel.xml")
        )
        .unwrap(),
        from_xml
    );
}

#[test]
fn embedded_resources_decode_into_their_generated_types() {
    let invitation = String::from_utf8(fixture("audioVideoInvitation.response.json")).unwrap();
    let json = format!(
        r#"{{"_links": {{"self": {{"href": "/events?ack=3"}}, "next": {{"href": "/events?ack=4"}}}},
            "sender": [{{"rel": "communication", "href": "/communication", "events": [
              {{"link": {{"rel": "audioVideoInvitation", "href": "/communication/invitations/507"}},
                "_embedded": {{"audioVideoInvitation": {invitation}}}, "type": "started"}},
              {{"link": {{"rel": "audioVideo", "href": "/conversations/137/audioVideo"}},
                "in": {{"rel": "conversation", "href": "/conversations/137"}}, "type": "brandNew", "priority": "high"}}
            ]}}]}}"#
    );
    let batch = EventBatch::from_json(json.as_bytes()).unwrap();
    let events: Vec<_> = batch.events().map(|(_, e)| e).collect();
    match events[0].resource.as_ref() {
        Some(AnyResource::AudioVideoInvitation(inv)) => {
            assert_eq!(inv.subject.as_deref(), Some("Strategy for next quarter"));
            assert!(inv.links.media_offer.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events[1].event_type, EventType::Other("brandNew".into()));
    assert_eq!(events[1].in_rel.as_deref(), Some("conversation"));
    assert_eq!(
        events[1].in_link.as_ref().unwrap().href.as_str(),
        "/conversations/137"
    );
    assert_eq!(events[1].unknown["priority"], "high");
    assert!(events[1].names::<AudioVideo>());

    // The same in XML, with the invitation's XML sample embedded, and a failed operation.
    let invitation_xml = String::from_utf8(fixture("audioVideoInvitation.response.xml")).unwrap();
    let resource = invitation_xml.split_once("?>").unwrap().1;
    let xml = format!(
        r#"<events href="/events?ack=3" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
  <link rel="next" href="/events?ack=4" />
  <sender rel="communication" href="/communication">
    <started rel="audioVideoInvitation" href="/communication/invitations/507">{resource}</started>
    <completed rel="escalateAudioVideo" href="/av/escalateAudioVideo" status="Failure">
      <reason><code>Gone</code><subcode>CannotRedirect</subcode></reason>
    </completed>
  </sender>
</events>"#
    );
    let batch = EventBatch::from_xml(xml.as_bytes()).unwrap();
    let events: Vec<_> = batch.events().map(|(_, e)| e).collect();
    let Some(AnyResource::AudioVideoInvitation(inv)) = events[0].resource.as_ref() else {
        panic!("{:?}", events[0].resource)
    };
    let expected: AudioVideoInvitation = ucwa::xml::from_slice(invitation_xml.as_bytes()).unwrap();
    assert_eq!(**inv, expected);
    assert_eq!(events[1].event_type, EventType::Completed);
    assert_eq!(events[1].status.as_deref(), Some("Failure"));
    assert_eq!(
        events[1].reason.as_ref().unwrap().subcode.as_deref(),
        Some("CannotRedirect")
    );
}

#[test]
fn resync_and_resume_are_followed_first() {
    let batch =
        EventBatch::from_json(br#"{"_links": {"resync": {"href": "/events?ack=1"}}}"#).unwrap();
    assert_eq!(batch.follow().unwrap().href.as_str(), "/events?ack=1");
    assert!(batch.senders.is_empty());
    let batch = EventBatch::from_xml(
        br#"<events href="/e?ack=9"><link rel="resume" href="/e?ack=10"/></events>"#,
    )
    .unwrap();
    assert_eq!(batch.follow().unwrap().href.as_str(), "/e?ack=10");
}

#[test]
fn broken_events_and_batches_say_where() {
    // An event that cannot be read is kept aside, with where and why.
    let batch = EventBatch::from_json(
        br#"{"sender": [{"rel": "me", "href": "/me", "events": [{"type": "added"}]}]}"#,
    )
    .unwrap();
    assert_eq!(
        batch.senders[0].unreadable[0].error.message(),
        "at $.sender[0].events[0]: an event needs a `link`"
    );
    // A member twice in one event is refused, as in a resource, not silently one of the two.
    let batch = EventBatch::from_json(
        br#"{"sender": [{"rel": "me", "href": "/me", "events": [
            {"link": {"rel": "me", "href": "/me"}, "type": "updated"},
            {"link": {"rel": "me", "href": "/me"}, "type": "added", "type": "deleted"}]}]}"#,
    )
    .unwrap();
    assert_eq!(batch.senders[0].events.len(), 1);
    assert_eq!(
        batch.senders[0].unreadable[0].error.message(),
        "at $.sender[0].events[1]: duplicate member `type`"
    );
    // The batch itself must be an object.
    let error = EventBatch::from_json(b"[1, 2]").unwrap_err();
    assert_eq!(
        error.message(),
        "at $: invalid type: sequence, expected an object"
    );
    let xml = br#"<events><sender rel="me" href="/me"><added href="/x"/></sender></events>"#;
    let batch = EventBatch::from_xml(xml).unwrap();
    let error = &batch.senders[0].unreadable[0].error;
    assert_eq!(error.message(), "a <added> element needs a `rel` attribute");
    // The offset is the event's in the whole batch.
    assert_eq!(
        error.position(),
        Some(ucwa::Position::Offset(
            xml.windows(6).position(|w| w == b"<added").unwrap() as u64
        ))
    );
    // A batch that is not one is an error.
    let err = EventBatch::from_json(br#"{"sender": [{"href": "/me"}]}"#).unwrap_err();
    assert_eq!(err.message(), "at $.sender[0]: expected a string `rel`");
    let err = EventBatch::from_xml(b"<events><sender").unwrap_err();
    assert!(err.message().starts_with("malformed XML"), "{err}");
    let err = EventBatch::decode("text/html", b"<html/>").unwrap_err();
    assert_eq!(err.format(), None);
}

#[test]
fn batches_encode_and_decode_back_in_both_formats() {
    let invitation: AudioVideoInvitation =
        ucwa::json::from_slice(&fixture("audioVideoInvitation.response.json")).unwrap();
    let mut batch = json("channel.json");
    let (_, first) = batch.events().next().unwrap();
    let mut started = first.clone();
    started.event_type = EventType::Started;
    started.rel = "audioVideoInvitation".into();
    started.resource = Some(AnyResource::AudioVideoInvitation(Box::new(invitation)));
    started.in_link = Some(ucwa::Link::new("/conversations/137"));
    started.in_rel = Some("conversation".into());
    started.status = Some("Success".into());
    batch.senders[0].events.push(started);
    batch.senders[1].events[0].reason = Some(ucwa::ErrorBody {
        code: "Gone".into(),
        ..Default::default()
    });
    for format in [ucwa::Format::Json, ucwa::Format::Xml] {
        let bytes = batch.encode(format).unwrap();
        let back = EventBatch::decode(format.media_type(), &bytes)
            .unwrap_or_else(|e| panic!("{format}: {e}\n{}", String::from_utf8_lossy(&bytes)));
        assert_eq!(back.events().count(), batch.events().count());
        assert_eq!(back.next, batch.next);
        let (_, last) = back
            .events()
            .filter(|(s, _)| s.rel == "communication")
            .last()
            .unwrap();
        assert_eq!(last.event_type, EventType::Started);
        assert_eq!(last.in_rel.as_deref(), Some("conversation"));
        assert!(
            matches!(&last.resource, Some(AnyResource::AudioVideoInvitation(inv)) if inv.subject.as_deref() == Some("Strategy for next quarter")),
            "{format}"
        );
        if format == ucwa::Format::Json {
            // JSON keeps everything: the batch comes back equal.
            assert_eq!(back, batch);
        }
    }
}

/// A batch with a resource that does not decode (a boolean where a newer server might send a
/// string) and an event without a link, among good events: the good ones are typed, the bad
/// resource is delivered as `undecoded` with its source and why, the unreadable event is kept
/// aside, and the batch encodes back with both as they came.
#[test]
fn one_bad_event_does_not_spoil_its_batch() {
    let json = br#"{"_links": {"next": {"href": "/e?ack=2"}}, "sender": [{"rel": "conversation", "href": "/c/1", "events": [
        {"link": {"rel": "participant", "href": "/c/1/p/1"}, "type": "added", "_embedded": {"participant": {"rel": "participant", "name": "One"}}},
        {"link": {"rel": "participant", "href": "/c/1/p/2"}, "type": "added", "_embedded": {"participant": {"rel": "participant", "inLobby": "sometimes"}}},
        {"type": "added"},
        {"link": {"rel": "participant", "href": "/c/1/p/3"}, "type": "added", "_embedded": {"participant": {"rel": "participant", "name": "Three"}}}
    ]}]}"#;
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<events href="/e?ack=1" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
  <link rel="next" href="/e?ack=2" />
  <sender rel="conversation" href="/c/1">
    <added rel="participant" href="/c/1/p/1"><resource rel="participant" href="/c/1/p/1"><property name="name">One</property></resource></added>
    <added rel="participant" href="/c/1/p/2"><resource rel="participant" href="/c/1/p/2"><property name="inLobby">sometimes</property></resource></added>
    <added><resource rel="participant" href="/c/1/p/9" /></added>
    <added rel="participant" href="/c/1/p/3"><resource rel="participant" href="/c/1/p/3"><property name="name">Three</property></resource></added>
  </sender>
</events>"#;
    for (format, payload) in [(Format::Json, &json[..]), (Format::Xml, &xml[..])] {
        let batch = EventBatch::decode(format.media_type(), payload).unwrap();
        assert_eq!(batch.next.as_ref().unwrap().href.as_str(), "/e?ack=2");
        let sender = &batch.senders[0];
        let names: Vec<_> = sender
            .events
            .iter()
            .map(|e| match &e.resource {
                Some(AnyResource::Participant(p)) => p.name.clone(),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            [Some("One".to_owned()), None, Some("Three".to_owned())],
            "{format}"
        );
        let undecoded = sender.events[1].undecoded.as_ref().expect("kept");
        assert_eq!(undecoded.rel, "participant");
        assert!(
            undecoded.error.to_string().contains("sometimes"),
            "{format}: {}",
            undecoded.error
        );
        assert_eq!(sender.events[1].link.href.as_str(), "/c/1/p/2");
        assert_eq!(sender.unreadable.len(), 1, "{format}");
        assert!(
            sender.unreadable[0].error.to_string().contains("link")
                || sender.unreadable[0].error.to_string().contains("rel"),
            "{format}: {}",
            sender.unreadable[0].error
        );
        // Written back as they came, and read again the same.
        let again =
            EventBatch::decode(format.media_type(), &batch.encode(format).unwrap()).unwrap();
        assert_eq!(again.senders[0].events.len(), 3);
        assert_eq!(
            again.senders[0].events[1]
                .undecoded
                .as_ref()
                .unwrap()
                .source,
            undecoded.source
        );
        assert_eq!(again.senders[0].unreadable.len(), 1);
    }
}

/// What this version does not know at the batch, sender and event level is kept and written
/// back, in JSON (members) and in XML (attributes); an `in` link keeps its title (real servers
/// put a participant's display name there) in both formats.
#[test]
fn unknown_members_and_in_titles_survive_both_formats() {
    let json = br#"{
        "_links": {"next": {"href": "/e?ack=2"}},
        "batchHint": "a",
        "sender": [{
            "rel": "conversation", "href": "/c/1", "senderHint": "b",
            "events": [{
                "link": {"rel": "participant", "href": "/c/1/p/7", "title": "Ann"},
                "in": {"rel": "localParticipant", "href": "/c/1/p", "title": "Ann Smith"},
                "type": "added",
                "eventHint": "c"
            }]
        }]
    }"#;
    let batch = EventBatch::from_json(json).unwrap();
    assert_eq!(batch.unknown["batchHint"], "a");
    let sender = &batch.senders[0];
    assert_eq!(sender.unknown["senderHint"], "b");
    let event = &sender.events[0];
    assert_eq!(event.unknown["eventHint"], "c");
    assert_eq!(
        event.in_link.as_ref().unwrap().title.as_deref(),
        Some("Ann Smith")
    );
    assert_eq!(event.in_rel.as_deref(), Some("localParticipant"));

    for format in [Format::Json, Format::Xml] {
        let encoded = batch.encode(format).unwrap();
        let again = match format {
            Format::Json => EventBatch::from_json(&encoded),
            Format::Xml => EventBatch::from_xml(&encoded),
        }
        .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(
            again,
            batch,
            "{format}: {}",
            String::from_utf8_lossy(&encoded)
        );
    }
    // From XML: attributes the schema does not name, on each level.
    let xml = br#"<events href="/e?ack=1" batchHint="a" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><sender rel="me" href="/me" senderHint="b"><updated rel="me" href="/me" eventHint="c"><in rel="x" href="/y" title="Z"/></updated></sender></events>"#;
    let batch = EventBatch::from_xml(xml).unwrap();
    assert_eq!(batch.unknown["batchHint"], "a");
    assert_eq!(batch.senders[0].unknown["senderHint"], "b");
    let event = &batch.senders[0].events[0];
    assert_eq!(event.unknown["eventHint"], "c");
    assert_eq!(event.in_link.as_ref().unwrap().title.as_deref(), Some("Z"));
    assert_eq!(
        EventBatch::from_xml(&batch.encode(Format::Xml).unwrap()).unwrap(),
        batch
    );
    assert_eq!(
        EventBatch::from_json(&batch.encode(Format::Json).unwrap()).unwrap(),
        batch
    );
}

/// Found by fuzzing (`fuzz/`, targets `round_trip` and `event_batch`): after a byte order mark
/// (which .NET writes before XML), the source kept for an event that did not decode was cut
/// three bytes early — written back, the batch no longer parsed — and panicked when that cut
/// fell inside a character.
#[test]
fn fuzz_regression_a_byte_order_mark_before_an_xml_batch() {
    // A non-ASCII character just before an event: the cut fell inside it.
    let panicked = "\u{feff}<events><sender rel=\"me\" href=\"/m\u{e9}\"><updated rel=\"note\" href=\"/n\"/></sender></events>";
    let batch = EventBatch::decode("application/xml", panicked.as_bytes()).unwrap();
    assert_eq!(batch.senders[0].events[0].link.href.as_str(), "/n");

    // An embedded resource that does not decode is kept from its start tag to its end tag.
    let resource = r#"<resource rel="note" href="/n"><property name="message">a</property><bogus/></resource>"#;
    let xml = format!(
        "\u{feff}<events><sender rel=\"me\" href=\"/m\"><updated rel=\"note\" href=\"/n\">{resource}</updated></sender></events>"
    );
    let batch = EventBatch::decode("application/xml", xml.as_bytes()).unwrap();
    let undecoded = batch.senders[0].events[0].undecoded.as_ref().expect("kept");
    assert_eq!(
        undecoded.source,
        ucwa::events::Source::Xml(resource.to_owned())
    );
    let again = EventBatch::decode("application/xml", &batch.encode(Format::Xml).unwrap()).unwrap();
    assert_eq!(
        again.senders[0].events[0]
            .undecoded
            .as_ref()
            .unwrap()
            .source,
        undecoded.source
    );
}

/// Found by CI's fuzz run (`event_batch`): quick-xml skips a second byte order mark as it skips
/// the first, so the positions that cut an undecoded event's source were off again and
/// panicked inside a character. Two marks are refused, as JSON refuses them, with the position.
#[test]
fn fuzz_regression_two_byte_order_marks() {
    let xml = "\u{feff}\u{feff}<events><sender rel=\"me\" href=\"/m\u{e9}\"><updated rel=\"note\" href=\"/n\"/></sender></events>";
    let error = EventBatch::decode("application/xml", xml.as_bytes()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("byte order mark") && text.contains("3"),
        "{text}"
    );
    let json = "\u{feff}\u{feff}{\"sender\": []}";
    assert!(EventBatch::decode("application/json", json.as_bytes()).is_err());
    // One mark is read in both.
    assert!(EventBatch::decode("application/xml", &xml.as_bytes()[3..]).is_ok());
    assert!(EventBatch::decode("application/json", &json.as_bytes()[3..]).is_ok());
}

/// Found by fuzzing (`fuzz/`, target `round_trip`): an XML event's type is the name of its
/// element, and an event type that is not an XML name (`a b` from JSON) was written as a
/// malformed element.
#[test]
fn fuzz_regression_an_event_type_that_is_not_an_xml_name() {
    let json = br#"{"sender": [{"rel": "me", "href": "/m", "events": [
        {"link": {"rel": "note", "href": "/n"}, "type": "a b"},
        {"link": {"rel": "note", "href": "/n"}, "type": "updated"}
    ]}]}"#;
    let batch = EventBatch::decode("application/json", json).unwrap();
    // The type names the event's element in XML: one that is not an XML name is an encode
    // error, never a malformed document; JSON carries it.
    let error = batch.encode(Format::Xml).unwrap_err();
    assert_eq!(error.place(), "`a b`");
    assert_eq!(error.character(), None);
    assert!(error.to_string().contains("is not an XML name"), "{error}");
    let json_again = batch.encode(Format::Json).unwrap();
    assert_eq!(EventBatch::from_json(&json_again).unwrap(), batch);
}

/// A batch read from JSON with an event that could not be read and a resource that did not
/// decode, written as XML: the resource is written as any resource the schema does not know
/// (and reads back, still undecoded, with its members), and the unreadable event fails the
/// write, naming it and why, rather than leave a batch one event shorter.
#[test]
fn json_to_xml_keeps_what_did_not_decode_or_says_why() {
    let with_unreadable = br#"{"_links": {"next": {"href": "/e?ack=2"}}, "sender": [{"rel": "conversation", "href": "/c/1", "events": [
        {"link": {"rel": "participant", "href": "/c/1/p/1"}, "type": "added"},
        {"type": "added"}
    ]}]}"#;
    let batch = EventBatch::from_json(with_unreadable).unwrap();
    assert_eq!(batch.senders[0].unreadable.len(), 1);
    let error = batch.encode(Format::Xml).unwrap_err();
    assert!(error.is_source_only(), "{error}");
    assert_eq!(error.character(), None);
    let text = error.to_string();
    assert!(
        text.contains("cannot encode in XML")
            && text.contains("unreadable event 0 of sender `conversation` (/c/1)")
            && text.contains("JSON source"),
        "{text}"
    );
    // JSON still writes it back.
    assert_eq!(
        EventBatch::from_json(&batch.encode(Format::Json).unwrap()).unwrap(),
        batch
    );

    let with_undecoded = br#"{"sender": [{"rel": "conversation", "href": "/c/1", "events": [
        {"link": {"rel": "participant", "href": "/c/1/p/2"}, "type": "added", "_embedded": {"participant": {"rel": "participant", "inLobby": "sometimes", "name": "Two", "_links": {"self": {"href": "/c/1/p/2"}}}}}
    ]}]}"#;
    let batch = EventBatch::from_json(with_undecoded).unwrap();
    assert!(batch.senders[0].events[0].undecoded.is_some());
    let xml = batch.encode(Format::Xml).unwrap();
    let back = EventBatch::from_xml(&xml)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&xml)));
    let event = &back.senders[0].events[0];
    let undecoded = event.undecoded.as_ref().expect("still undecoded, and kept");
    assert_eq!(undecoded.rel, "participant");
    let ucwa::events::Source::Xml(source) = &undecoded.source else {
        panic!("read from XML");
    };
    assert!(
        source.contains("sometimes") && source.contains("Two"),
        "{source}"
    );
    // And back to JSON: the same members as the JSON it came from.
    let json: serde_json::Value =
        serde_json::from_slice(&back.encode(Format::Json).unwrap()).unwrap();
    let embedded = &json["sender"][0]["events"][0]["_embedded"]["participant"];
    assert_eq!(embedded["inLobby"], "sometimes");
    assert_eq!(embedded["name"], "Two");
    assert_eq!(embedded["_links"]["self"]["href"], "/c/1/p/2");
}

/// The other way: a batch read from XML, written as JSON. A resource that did not decode is
/// read generically into JSON; an event that could not be read fails the write, naming it.
#[test]
fn xml_to_json_keeps_what_did_not_decode_or_says_why() {
    let xml = br#"<events href="/e?ack=1" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa">
  <sender rel="conversation" href="/c/1">
    <added rel="participant" href="/c/1/p/2"><resource rel="participant" href="/c/1/p/2"><property name="inLobby">sometimes</property><property name="name">Two</property></resource></added>
  </sender>
</events>"#;
    let batch = EventBatch::from_xml(xml).unwrap();
    assert!(batch.senders[0].events[0].undecoded.is_some());
    let json: serde_json::Value =
        serde_json::from_slice(&batch.encode(Format::Json).unwrap()).unwrap();
    let embedded = &json["sender"][0]["events"][0]["_embedded"]["participant"];
    assert_eq!(embedded["inLobby"], "sometimes");
    assert_eq!(embedded["name"], "Two");
    assert_eq!(embedded["_links"]["self"]["href"], "/c/1/p/2");
    let again = EventBatch::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    assert!(again.senders[0].events[0].undecoded.is_some());

    let unreadable = br#"<events xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><sender rel="me" href="/me"><updated rel="note" href="/n"/><added><resource rel="participant" href="/p/9" /></added></sender></events>"#;
    let batch = EventBatch::from_xml(unreadable).unwrap();
    assert_eq!(batch.senders[0].events.len(), 1);
    assert_eq!(batch.senders[0].unreadable.len(), 1);
    let error = batch.encode(Format::Json).unwrap_err();
    assert!(error.is_source_only(), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("cannot encode in JSON")
            && text.contains("unreadable event 0 of sender `me` (/me)")
            && text.contains("XML source"),
        "{text}"
    );
    // XML still writes it back.
    let back = EventBatch::from_xml(&batch.encode(Format::Xml).unwrap()).unwrap();
    assert_eq!(back.senders[0].unreadable.len(), 1);
}

/// Links of a batch, an event's own link (kept apart from the event's own members: in XML, as
/// a `<link rel="self">` child of the event) and its `in` link keep their attributes beyond
/// `href` and `title` in both formats.
#[test]
fn extra_attributes_of_batch_event_and_in_links_survive_both_formats() {
    let json = br#"{
        "_links": {"self": {"href": "/e?ack=1", "title": "t", "hint": "s"}, "next": {"href": "/e?ack=2", "hint": "n"}},
        "sender": [{"rel": "conversation", "href": "/c/1", "events": [
            {"link": {"rel": "participant", "href": "/c/1/p/7", "title": "Ann", "hint": "l"}, "in": {"rel": "participants", "href": "/c/1/p", "hint": "i"}, "type": "added", "eventHint": "e"}
        ]}]
    }"#;
    let batch = EventBatch::from_json(json).unwrap();
    let xml = batch.encode(Format::Xml).unwrap();
    let back = EventBatch::from_xml(&xml)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&xml)));
    assert_eq!(back, batch, "{}", String::from_utf8_lossy(&xml));
    let json_again: serde_json::Value =
        serde_json::from_slice(&back.encode(Format::Json).unwrap()).unwrap();
    assert_eq!(
        json_again,
        serde_json::from_slice::<serde_json::Value>(json).unwrap()
    );
}
