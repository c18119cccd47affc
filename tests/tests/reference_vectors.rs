//! Every response and event sample of every reference page, decoded through the generic entry
//! points (`AnyResource`, event batches) in the representation it is in, and encoded back.
//!
//! Each must decode into its typed resource with nothing unknown (`ucwa::audit`), encode back
//! equal (JSON as values; XML decoded again and compared typed), and the JSON and XML samples of
//! one answer must decode to equal values. What does not is listed, each finding with its
//! reason, in `tests/reference-differences.json`; a finding not listed, or listed but gone,
//! fails the test. Samples whose body has no `rel` (a JSON collection or an empty answer) are not
//! counted.

use serde_json::Value;
use ucwa::audit::{UnknownMember, unknown_members};
use ucwa::events::ResourceSet;
use ucwa::resources::{AnyResource, EventBatch};
use ucwa::xml::XmlReader;

#[derive(Debug, Default)]
struct Tally {
    samples: usize,
    typed: usize,
    /// Typed with no unknown member left.
    complete: usize,
    equal: usize,
    failures: Vec<String>,
}

impl Tally {
    fn unknown(&mut self, page: &str, what: &str, unknown: &[UnknownMember]) {
        if unknown.is_empty() {
            self.complete += 1;
        }
        for member in unknown {
            self.failures.push(format!(
                "{page} ({what}): unknown `{}` in {}",
                member.name, member.within
            ));
        }
    }
}

fn json_resource(body: &str, tally: &mut Tally, page: &str) -> Option<AnyResource> {
    let value = serde_json::from_str::<Value>(body).ok()?;
    let rel = value
        .get("rel")
        .and_then(Value::as_str)
        .map(str::to_owned)?;
    tally.samples += 1;
    let (decoded, unknown) = unknown_members(|| AnyResource::from_json(&rel, body.as_bytes()));
    match decoded {
        Ok(AnyResource::Other { .. }) => tally
            .failures
            .push(format!("{page} (JSON): `{rel}` untyped")),
        Ok(resource) => {
            tally.typed += 1;
            tally.unknown(page, "JSON", &unknown);
            let back = resource.to_json();
            if back == value {
                tally.equal += 1;
            } else {
                let mut paths = Vec::new();
                differences(&value, &back, String::new(), &mut paths);
                tally.failures.push(format!(
                    "{page} (JSON): `{rel}` encodes back different at {}",
                    paths.join(", ")
                ));
            }
            return Some(resource);
        }
        Err(e) => tally.failures.push(format!("{page} (JSON): `{rel}`: {e}")),
    }
    None
}

fn xml_resource(body: &str, tally: &mut Tally, page: &str) -> Option<AnyResource> {
    roxmltree::Document::parse(body).ok()?;
    tally.samples += 1;
    let decode = |bytes: &[u8]| -> Result<AnyResource, ucwa::DecodeError> {
        let mut reader = XmlReader::new(bytes)?;
        let start = reader.root_resource()?;
        let resource = AnyResource::read_xml(&mut reader, start)?;
        reader.finish()?;
        Ok(resource)
    };
    let (decoded, unknown) = unknown_members(|| decode(body.as_bytes()));
    match decoded {
        Ok(AnyResource::Other { rel, .. }) => tally
            .failures
            .push(format!("{page} (XML): `{rel}` untyped")),
        Ok(resource) => {
            tally.typed += 1;
            tally.unknown(page, "XML", &unknown);
            let mut writer = ucwa::xml::XmlWriter::new();
            resource.write_xml(&mut writer);
            match decode(&writer.finish().unwrap()) {
                Ok(again) if again == resource => tally.equal += 1,
                _ => tally.failures.push(format!(
                    "{page} (XML): `{}` encodes back different",
                    resource.rel()
                )),
            }
            return Some(resource);
        }
        Err(e) => tally.failures.push(format!("{page} (XML): {e}")),
    }
    None
}

/// Where two values differ, as JSON paths (`$._links.self.href`).
fn differences(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let (p, q) = (x.get(key), y.get(key));
                if p != q {
                    differences(
                        p.unwrap_or(&Value::Null),
                        q.unwrap_or(&Value::Null),
                        format!("{at}.{key}"),
                        out,
                    );
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("${at}")),
        _ => {}
    }
}

#[test]
fn the_reference_samples_decode_through_the_generic_entry_points() {
    let Some(reference) = ucwa_import::reference_for_tests() else {
        return;
    };
    let (mut json, mut xml, mut events) = (Tally::default(), Tally::default(), Tally::default());
    let mut both = Tally::default();
    for page in &reference.resources {
        for op in &page.operations {
            let from_json = op
                .json_response
                .as_ref()
                .and_then(|m| json_resource(&m.body, &mut json, &page.name));
            let from_xml = op
                .xml_response
                .as_ref()
                .and_then(|m| xml_resource(&m.body, &mut xml, &page.name));
            // The two samples of one answer: the same value, typed.
            if let (Some(a), Some(b)) = (from_json, from_xml) {
                both.samples += 1;
                if a == b {
                    both.equal += 1;
                } else {
                    let mut paths = Vec::new();
                    differences(&a.to_json(), &b.to_json(), String::new(), &mut paths);
                    both.failures.push(format!(
                        "{}: the JSON and XML samples differ at {}",
                        page.name,
                        paths.join(", ")
                    ));
                }
            }
        }
        for sample in &page.event_samples {
            if serde_json::from_str::<Value>(sample).is_err() {
                continue;
            }
            events.samples += 1;
            let (decoded, unknown) = unknown_members(|| EventBatch::from_json(sample.as_bytes()));
            match decoded {
                Ok(batch) => {
                    events.unknown(&page.name, "events", &unknown);
                    let clean = batch.senders.iter().all(|s| {
                        s.unreadable.is_empty() && s.events.iter().all(|e| e.undecoded.is_none())
                    });
                    if clean {
                        events.typed += 1;
                        let back: Value =
                            serde_json::from_slice(&batch.encode(ucwa::Format::Json).unwrap())
                                .unwrap();
                        if Some(back) == serde_json::from_str(sample).ok() {
                            events.equal += 1;
                        } else {
                            events
                                .failures
                                .push(format!("{}: the batch encodes back different", page.name));
                        }
                    } else {
                        events
                            .failures
                            .push(format!("{}: an event did not decode", page.name));
                    }
                }
                Err(e) => events.failures.push(format!("{}: {e}", page.name)),
            }
        }
    }
    for (what, tally) in [("JSON", &json), ("XML", &xml), ("event", &events)] {
        eprintln!(
            "{what} samples: {} read, {} typed, {} with nothing unknown, {} encoded back equal",
            tally.samples, tally.typed, tally.complete, tally.equal
        );
    }
    eprintln!(
        "answers with both samples typed: {}, decoding to equal values: {}",
        both.samples, both.equal
    );
    // Today's figures, which README states.
    assert_eq!(
        [json.samples, json.typed, json.complete, json.equal],
        [145, 145, 126, 139]
    );
    assert_eq!(
        [xml.samples, xml.typed, xml.complete, xml.equal],
        [152, 145, 127, 145]
    );
    assert_eq!(
        [events.samples, events.typed, events.complete, events.equal],
        [124, 124, 124, 124]
    );
    assert_eq!([both.samples, both.equal], [145, 97]);
    // Everything short of typed, complete and equal is listed, with its reason, in one file;
    // and nothing is listed that no longer happens.
    let found: std::collections::BTreeSet<String> = [&json, &xml, &events, &both]
        .iter()
        .flat_map(|t| t.failures.iter().cloned())
        .collect();
    let file: Value = serde_json::from_str(include_str!("../reference-differences.json")).unwrap();
    let mut listed = std::collections::BTreeSet::new();
    for entry in file["differences"].as_array().unwrap() {
        let finding = entry["finding"].as_str().unwrap().to_owned();
        let reason = entry["reason"].as_str().unwrap_or_default();
        assert!(!reason.trim().is_empty(), "no reason for {finding:?}");
        assert!(listed.insert(finding.clone()), "listed twice: {finding:?}");
    }
    let unlisted: Vec<&String> = found.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "tests/reference-differences.json must list exactly what the samples do not meet.\nnot listed:\n  {}\nlisted, but no longer found:\n  {}",
        unlisted
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    eprintln!(
        "listed in tests/reference-differences.json: {}",
        listed.len()
    );
}
