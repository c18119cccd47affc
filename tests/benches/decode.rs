//! Decoding the audioVideoInvitation response sample: the generated types against what a user
//! would write instead, in the same run.
//!
//! - JSON: `ucwa::json::from_slice::<AudioVideoInvitation>` vs a hand-written serde struct for
//!   the same payload vs `serde_json::Value`;
//! - XML: `ucwa::xml::from_slice::<AudioVideoInvitation>` vs building a generic tree with
//!   roxmltree.
//!
//! `cargo bench -p ucwa-tests --bench decode`

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;
use ucwa::resources::AudioVideoInvitation;

const JSON: &[u8] = include_bytes!("../fixtures/audioVideoInvitation.response.json");
const XML: &[u8] = include_bytes!("../fixtures/audioVideoInvitation.response.xml");

/// What a careful user would write by hand for this payload with serde: every property typed,
/// links and embedded participants as structs (unknown members ignored, as serde does).
#[allow(dead_code)]
mod hand_written {
    use super::*;

    #[derive(Deserialize)]
    pub struct Link {
        pub href: String,
        pub title: Option<String>,
    }

    #[derive(Deserialize)]
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
        pub links: InvitationLinks,
        #[serde(rename = "_embedded")]
        pub embedded: InvitationEmbedded,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct InvitationLinks {
        #[serde(rename = "self")]
        pub self_: Option<Link>,
        pub custom_content: Option<Link>,
        pub media_offer: Option<Link>,
        pub from: Option<Link>,
        pub accepted_by_contact: Option<Link>,
        pub accept_with_answer: Option<Link>,
        pub accept_with_phone_audio: Option<Link>,
        pub audio_video: Option<Link>,
        pub cancel: Option<Link>,
        pub conversation: Option<Link>,
        pub decline: Option<Link>,
        pub delegator: Option<Link>,
        pub derived_audio_video: Option<Link>,
        pub derived_conversation: Option<Link>,
        pub forwarded_by: Option<Link>,
        pub on_behalf_of: Option<Link>,
        pub replaces_audio_video: Option<Link>,
        pub report_media_diagnostics: Option<Link>,
        pub send_provisional_answer: Option<Link>,
        pub to: Option<Link>,
        pub transferred_by: Option<Link>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct InvitationEmbedded {
        pub accepted_by_participant: Vec<Participant>,
        pub from: Option<Participant>,
    }

    #[derive(Deserialize)]
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

fn decode(c: &mut Criterion) {
    let mut json = c.benchmark_group("decode audioVideoInvitation JSON");
    json.throughput(Throughput::Bytes(JSON.len() as u64));
    json.bench_function("generated (ucwa)", |b| {
        b.iter(|| ucwa::json::from_slice::<AudioVideoInvitation>(black_box(JSON)).unwrap())
    });
    json.bench_function("hand-written serde struct", |b| {
        b.iter(|| serde_json::from_slice::<hand_written::Invitation>(black_box(JSON)).unwrap())
    });
    json.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(JSON)).unwrap())
    });
    json.finish();

    let mut xml = c.benchmark_group("decode audioVideoInvitation XML");
    xml.throughput(Throughput::Bytes(XML.len() as u64));
    xml.bench_function("generated (ucwa)", |b| {
        b.iter(|| ucwa::xml::from_slice::<AudioVideoInvitation>(black_box(XML)).unwrap())
    });
    // From bytes, as a user holding an HTTP body has them (ucwa validates UTF-8 too).
    xml.bench_function("roxmltree tree", |b| {
        b.iter(|| roxmltree::Document::parse(std::str::from_utf8(black_box(XML)).unwrap()).unwrap())
    });
    xml.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(4));
    targets = decode
}
criterion_main!(benches);
