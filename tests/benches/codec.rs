//! Decoding and encoding with the generated types, against what a user would do instead, in one
//! run, ending with a table of ratios (medians):
//!
//! - XML decode of a resource (the audioVideoInvitation sample), of event batches (the largest
//!   event sample of the reference, and 100 participants added) and of an error body, against
//!   `floor` (quick-xml reading the same events and attributes, building nothing: no decoder on
//!   quick-xml can beat it), `floor-owned` (the floor plus a `String` of every `href`:
//!   what an owned typed value holds at least) and a roxmltree tree (a generic tree, what a user
//!   without typed bindings builds);
//! - JSON decode of the resource against a hand-written serde struct and `serde_json::Value`;
//! - encode of the resource, JSON against the hand-written struct's serde `Serialize`, XML
//!   against quick-xml `Writer` calls written by hand for the same document.
//!
//! `cargo bench -p ucwa-tests --bench codec`

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;

use common::{AVI_JSON, AVI_XML, batch_as_xml, error_xml, floor, largest_reference_event};
use criterion::{Criterion, Throughput};
use serde::{Deserialize, Serialize};
use ucwa::ErrorBody;
use ucwa::resources::{AudioVideoInvitation, EventBatch};

/// What a careful user would write by hand for the audioVideoInvitation payload with serde:
/// every property typed, links and embedded participants as structs.
#[allow(dead_code)]
mod hand_written {
    use super::*;

    #[derive(Deserialize, Serialize)]
    pub struct Link {
        pub href: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub title: Option<String>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Invitation {
        pub rel: String,
        pub address: Option<String>,
        pub bandwidth_control_id: Option<String>,
        pub building: Option<String>,
        pub city: Option<String>,
        pub country: Option<String>,
        pub delegator: Option<String>,
        pub direction: Option<String>,
        pub importance: Option<String>,
        pub join_audio_muted: Option<bool>,
        pub join_video_muted: Option<bool>,
        pub location_state: Option<String>,
        pub operation_id: Option<String>,
        pub private_line: Option<bool>,
        pub session_context: Option<String>,
        pub state: Option<String>,
        pub subject: Option<String>,
        pub thread_id: Option<String>,
        pub to: Option<String>,
        pub zip: Option<String>,
        #[serde(rename = "_links")]
        pub links: BTreeMap<String, Link>,
        #[serde(rename = "_embedded")]
        pub embedded: InvitationEmbedded,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct InvitationEmbedded {
        pub accepted_by_participant: Vec<Participant>,
        pub from: Option<Participant>,
    }

    #[derive(Deserialize, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Participant {
        pub rel: String,
        pub anonymous: Option<bool>,
        pub in_lobby: Option<bool>,
        pub local: Option<bool>,
        pub name: Option<String>,
        pub organizer: Option<bool>,
        pub other_phone_number: Option<String>,
        pub role: Option<String>,
        pub source_network: Option<String>,
        pub uri: Option<String>,
        pub work_phone_number: Option<String>,
        #[serde(rename = "_links")]
        pub links: BTreeMap<String, Link>,
    }
}

/// The same document written by hand with quick-xml's `Writer`, from the hand-written struct.
mod hand_xml {
    use quick_xml::Writer;
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

    use super::hand_written::{Invitation, Link, Participant};

    type W = Writer<Vec<u8>>;

    fn link(w: &mut W, rel: &str, link: &Link) {
        let mut start = BytesStart::new("link");
        start.push_attribute(("rel", rel));
        start.push_attribute(("href", link.href.as_str()));
        if let Some(title) = &link.title {
            start.push_attribute(("title", title.as_str()));
        }
        w.write_event(Event::Empty(start)).unwrap();
    }

    fn property(w: &mut W, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            w.create_element("property")
                .with_attribute(("name", name))
                .write_text_content(BytesText::new(value))
                .unwrap();
        }
    }

    fn boolean(b: Option<bool>) -> Option<&'static str> {
        b.map(|b| if b { "True" } else { "False" })
    }

    fn participant(w: &mut W, rel: &str, p: &Participant) {
        let mut start = BytesStart::new("resource");
        start.push_attribute(("rel", rel));
        if let Some(own) = p.links.get("self") {
            start.push_attribute(("href", own.href.as_str()));
        }
        w.write_event(Event::Start(start)).unwrap();
        for (rel, l) in p.links.iter().filter(|(rel, _)| *rel != "self") {
            link(w, rel, l);
        }
        property(w, "rel", Some(&p.rel));
        property(w, "anonymous", boolean(p.anonymous));
        property(w, "inLobby", boolean(p.in_lobby));
        property(w, "local", boolean(p.local));
        property(w, "name", p.name.as_deref());
        property(w, "organizer", boolean(p.organizer));
        property(w, "otherPhoneNumber", p.other_phone_number.as_deref());
        property(w, "role", p.role.as_deref());
        property(w, "sourceNetwork", p.source_network.as_deref());
        property(w, "uri", p.uri.as_deref());
        property(w, "workPhoneNumber", p.work_phone_number.as_deref());
        w.write_event(Event::End(BytesEnd::new("resource")))
            .unwrap();
    }

    pub fn write(inv: &Invitation) -> Vec<u8> {
        let mut w = Writer::new_with_indent(Vec::with_capacity(8192), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
            .unwrap();
        let mut start = BytesStart::new("resource");
        start.push_attribute(("rel", "audioVideoInvitation"));
        if let Some(own) = inv.links.get("self") {
            start.push_attribute(("href", own.href.as_str()));
        }
        start.push_attribute(("xmlns", "http://schemas.microsoft.com/rtc/2012/03/ucwa"));
        w.write_event(Event::Start(start)).unwrap();
        for (rel, l) in inv.links.iter().filter(|(rel, _)| *rel != "self") {
            link(&mut w, rel, l);
        }
        for (name, value) in [
            ("rel", Some(inv.rel.as_str())),
            ("address", inv.address.as_deref()),
            ("bandwidthControlId", inv.bandwidth_control_id.as_deref()),
            ("building", inv.building.as_deref()),
            ("city", inv.city.as_deref()),
            ("country", inv.country.as_deref()),
            ("delegator", inv.delegator.as_deref()),
            ("direction", inv.direction.as_deref()),
            ("importance", inv.importance.as_deref()),
            ("joinAudioMuted", boolean(inv.join_audio_muted)),
            ("joinVideoMuted", boolean(inv.join_video_muted)),
            ("locationState", inv.location_state.as_deref()),
            ("operationId", inv.operation_id.as_deref()),
            ("privateLine", boolean(inv.private_line)),
            ("sessionContext", inv.session_context.as_deref()),
            ("state", inv.state.as_deref()),
            ("subject", inv.subject.as_deref()),
            ("threadId", inv.thread_id.as_deref()),
            ("to", inv.to.as_deref()),
            ("zip", inv.zip.as_deref()),
        ] {
            property(&mut w, name, value);
        }
        for p in &inv.embedded.accepted_by_participant {
            participant(&mut w, "acceptedByParticipant", p);
        }
        if let Some(p) = &inv.embedded.from {
            participant(&mut w, "from", p);
        }
        w.write_event(Event::End(BytesEnd::new("resource")))
            .unwrap();
        w.into_inner()
    }
}

/// The floor, plus a `String` of every `href`: every link and resource of a typed value owns
/// its href (its texts it owns too, but for booleans and numbers, which this leaves out). An
/// owned typed decoder on quick-xml cannot go below it.
fn floor_owned(xml: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(xml).unwrap();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut owned = Vec::with_capacity(xml.len() / 64);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break owned,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for attribute in e.attributes() {
                    let attribute = attribute.unwrap();
                    if attribute.key.into_inner() == "href" {
                        owned.push(attribute.value.into_owned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A generic tree, from bytes, as a user holding an HTTP body has them (ucwa validates UTF-8 too).
fn roxmltree_tree(xml: &[u8]) -> usize {
    let text = std::str::from_utf8(xml).unwrap();
    roxmltree::Document::parse(text)
        .unwrap()
        .descendants()
        .count()
}

/// The XML decode rows of one payload: typed, floor, roxmltree (unless `tree` is false).
fn xml_group<T>(
    c: &mut Criterion,
    name: &str,
    xml: &[u8],
    decode: impl Fn(&[u8]) -> T,
    tree: bool,
) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("ucwa", |b| b.iter(|| decode(black_box(xml))));
    group.bench_function("floor", |b| b.iter(|| floor(black_box(xml))));
    group.bench_function("floor-owned", |b| b.iter(|| floor_owned(black_box(xml))));
    if tree {
        group.bench_function("roxmltree", |b| b.iter(|| roxmltree_tree(black_box(xml))));
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
        .configure_from_args();

    // XML decode.
    xml_group(
        &mut c,
        "xml-decode-resource",
        AVI_XML,
        |xml| ucwa::xml::from_slice::<AudioVideoInvitation>(xml).unwrap(),
        true,
    );
    let mut batches = Vec::new();
    if let Some(sample) = largest_reference_event() {
        batches.push(("xml-decode-batch-reference", batch_as_xml(&sample)));
    }
    batches.push((
        "xml-decode-batch-100",
        batch_as_xml(&common::synthetic_batch(100)),
    ));
    for (name, xml) in &batches {
        xml_group(
            &mut c,
            name,
            xml,
            |xml| EventBatch::from_xml(xml).unwrap(),
            true,
        );
    }
    let error = error_xml();
    xml_group(
        &mut c,
        "xml-decode-error",
        &error,
        |xml| ErrorBody::from_xml(xml).unwrap(),
        false,
    );

    // JSON decode.
    let mut json = c.benchmark_group("json-decode-resource");
    json.throughput(Throughput::Bytes(AVI_JSON.len() as u64));
    json.bench_function("ucwa", |b| {
        b.iter(|| ucwa::json::from_slice::<AudioVideoInvitation>(black_box(AVI_JSON)).unwrap())
    });
    json.bench_function("serde", |b| {
        b.iter(|| serde_json::from_slice::<hand_written::Invitation>(black_box(AVI_JSON)).unwrap())
    });
    json.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(AVI_JSON)).unwrap())
    });
    json.finish();

    // Encode.
    let typed: AudioVideoInvitation = ucwa::json::from_slice(AVI_JSON).unwrap();
    let hand: hand_written::Invitation = serde_json::from_slice(AVI_JSON).unwrap();
    let mut encode = c.benchmark_group("json-encode-resource");
    encode.bench_function("ucwa", |b| b.iter(|| ucwa::json::to_vec(black_box(&typed))));
    encode.bench_function("serde", |b| {
        b.iter(|| serde_json::to_vec(black_box(&hand)).unwrap())
    });
    encode.finish();
    let mut encode = c.benchmark_group("xml-encode-resource");
    encode.bench_function("ucwa", |b| {
        b.iter(|| ucwa::xml::to_vec(black_box(&typed)).unwrap())
    });
    encode.bench_function("quick-xml", |b| {
        b.iter(|| hand_xml::write(black_box(&hand)))
    });
    encode.finish();

    c.final_summary();
    summary(&batches.iter().map(|(name, _)| *name).collect::<Vec<_>>());
}

/// The median of one benchmark of this run, from criterion's files.
fn median(group: &str, function: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target
        .join("criterion")
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn summary(batches: &[&str]) {
    let ratio = |group: &str, a: &str, b: &str| match (median(group, a), median(group, b)) {
        (Some(a), Some(b)) => format!("{:.2}x ({:.1} / {:.1} µs)", a / b, a / 1e3, b / 1e3),
        _ => "—".to_owned(),
    };
    println!(
        "\n| payload | ucwa / floor | ucwa / roxmltree | floor-owned / floor | floor-owned / roxmltree |"
    );
    println!("|---|---|---|---|---|");
    let mut rows = vec!["xml-decode-resource"];
    rows.extend_from_slice(batches);
    for group in rows {
        println!(
            "| {group} | {} | {} | {} | {} |",
            ratio(group, "ucwa", "floor"),
            ratio(group, "ucwa", "roxmltree"),
            ratio(group, "floor-owned", "floor"),
            ratio(group, "floor-owned", "roxmltree")
        );
    }
    println!(
        "| xml-decode-error | {} | — | {} | — |",
        ratio("xml-decode-error", "ucwa", "floor"),
        ratio("xml-decode-error", "floor-owned", "floor")
    );
    println!("\n| | ucwa / hand-written |");
    println!("|---|---|");
    println!(
        "| json-decode-resource (serde struct) | {} |",
        ratio("json-decode-resource", "ucwa", "serde")
    );
    println!(
        "| json-encode-resource (serde Serialize) | {} |",
        ratio("json-encode-resource", "ucwa", "serde")
    );
    println!(
        "| xml-encode-resource (quick-xml Writer) | {} |",
        ratio("xml-encode-resource", "ucwa", "quick-xml")
    );
}
