//! Payloads the benches share: the reference's samples, a busy batch, an error body.

#![allow(dead_code)]

use ucwa::Format;
use ucwa::resources::EventBatch;

pub const AVI_JSON: &[u8] = include_bytes!("../../fixtures/audioVideoInvitation.response.json");
pub const AVI_XML: &[u8] = include_bytes!("../../fixtures/audioVideoInvitation.response.xml");
const PARTICIPANT_JSON: &str = include_str!("../../fixtures/participant.response.json");

/// A batch of `n` events from one sender, each a participant added with the participant
/// embedded, as a busy conference's channel carries them (JSON).
pub fn synthetic_batch(n: usize) -> String {
    let participant = PARTICIPANT_JSON.trim();
    let events: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"link":{{"rel":"participant","href":"/ucwa/oauth/v1/applications/102/communication/conversations/1/participants/{i}","title":"Participant {i}"}},"in":{{"rel":"localParticipant","href":"/ucwa/oauth/v1/applications/102/communication/conversations/1/participants"}},"_embedded":{{"participant":{participant}}},"type":"added"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"_links":{{"self":{{"href":"/ucwa/oauth/v1/applications/102/events?ack=7"}},"next":{{"href":"/ucwa/oauth/v1/applications/102/events?ack=8"}}}},"sender":[{{"rel":"conversation","href":"/ucwa/oauth/v1/applications/102/communication/conversations/1","events":[{}]}}]}}"#,
        events.join(",")
    )
}

/// The largest event sample of the reference pages (JSON), when they are beside the
/// repository.
pub fn largest_reference_event() -> Option<String> {
    let reference = ucwa_import::reference_for_tests()?;
    reference
        .resources
        .iter()
        .flat_map(|page| page.event_samples.iter())
        .filter(|sample| EventBatch::from_json(sample.as_bytes()).is_ok())
        .max_by_key(|sample| sample.len())
        .cloned()
}

/// A JSON batch in XML, as an XML server sends the same events.
pub fn batch_as_xml(json: &str) -> Vec<u8> {
    let batch = EventBatch::from_json(json.as_bytes()).expect("the batch decodes");
    let xml = batch.encode(Format::Xml).expect("the batch encodes");
    assert_eq!(EventBatch::from_xml(&xml).expect("the XML decodes"), batch);
    xml
}

pub const ERROR_JSON: &[u8] = br#"{"code":"Conflict","subcode":"AlreadyExists","message":"The application already exists.","debugInfo":{"diagnostics":"1000;reason=\"already exists\"","requestId":"8e1b2a"},"parameters":[{"name":"endpointId","value":"e2e"}]}"#;

pub fn error_xml() -> Vec<u8> {
    let error: ucwa::ErrorBody = ucwa::json::from_slice(ERROR_JSON).expect("the error decodes");
    error.to_xml().expect("the error encodes")
}

/// quick-xml reading the events and attributes of a document, building nothing.
pub fn floor(xml: &[u8]) -> usize {
    let text = std::str::from_utf8(xml).unwrap();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut n = 0usize;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break n,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for attribute in e.attributes() {
                    n += attribute.unwrap().value.len();
                }
            }
            _ => n += 1,
        }
    }
}
