//! `ucwa audit`: what the signed-in user can read, fetched in JSON and in XML, decoded with the
//! schema, and what does not fit it listed — members the schema does not know, answers that do
//! not decode, and what the two formats disagree on — as a report to attach to a bug report.
//!
//! The walk starts at the application and follows the links of every resource read (its
//! embedded resources' included) whose rel the schema reads with a `GET`, once per href,
//! within a number of requests and a time. The report keeps hrefs (with addresses and numbers
//! in them blanked) and member names; no value, name, address, number, message or token is in
//! it.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use serde::Serialize;
use ucwa::events::ResourceSet;
use ucwa::http::{HeaderMap, Method};
use ucwa::operation::{Operation, Request, Success, UcwaError, build_request};
use ucwa::resources::AnyResource;
use ucwa::xml::XmlReader;
use ucwa::{DecodeError, Format, Link, Untyped};
use ucwa_client::{Client, ClientError};

use crate::cli::AuditArgs;
use crate::connect::Connection;
use crate::failure::{Failure, Kind};
use crate::output::{Output, Progress};

/// The rels the schema reads with a `GET` answering a resource: the links the walk follows.
/// `events` is left out (a pending GET waits for the long poll), and so are the photos and
/// the XFrame page, which are not resources. `tests::readable_rels_are_the_schemas` checks
/// this list against `schema/`.
const READABLE: &[&str] = &[
    "acceptedByContact",
    "acceptedByParticipant",
    "application",
    "applicationSharer",
    "applicationSharing",
    "applicationSharingRenegotiation",
    "applications",
    "attendees",
    "audioTranscript",
    "audioVideo",
    "audioVideoInvitation",
    "audioVideoNegotiation",
    "audioVideoPolicies",
    "audioVideoRenegotiation",
    "audioVideoSession",
    "callForwardingSettings",
    "communication",
    "contact",
    "contactLocation",
    "contactNote",
    "contactPresence",
    "contactPrivacyRelationship",
    "contactSupportedModalities",
    "conversation",
    "conversationLog",
    "conversationLogRecipient",
    "conversationLogTranscript",
    "conversationLogTranscripts",
    "conversationLogs",
    "conversations",
    "dataCollaboration",
    "defaultGroup",
    "delegatesGroup",
    "delegator",
    "delegatorsGroup",
    "derivedAudioVideo",
    "derivedConversation",
    "derivedMessaging",
    "derivedPhoneAudio",
    "dialInRegion",
    "distributionGroup",
    "errorTranscript",
    "expandDistributionGroup",
    "failedDeliveryParticipant",
    "forwardedBy",
    "from",
    "group",
    "groupContacts",
    "groupMemberships",
    "immediateForwardSettings",
    "invitations",
    "leaders",
    "lobby",
    "localParticipant",
    "location",
    "me",
    "mediaPolicies",
    "mediaRelay",
    "mediaRelayAccessToken",
    "memberships",
    "message",
    "messageTranscript",
    "messages",
    "messaging",
    "messagingInvitation",
    "missedItems",
    "myAssignedOnlineMeeting",
    "myContacts",
    "myContactsAndGroupsSubscription",
    "myGroupMembership",
    "myGroupMemberships",
    "myGroups",
    "myOnlineMeeting",
    "myOnlineMeetings",
    "myOrganizationGroup",
    "myPrivacyRelationship",
    "myPrivacyRelationships",
    "nextConversationLogTranscripts",
    "note",
    "onBehalfOf",
    "onlineMeeting",
    "onlineMeetingDefaultValues",
    "onlineMeetingEligibleValues",
    "onlineMeetingExtension",
    "onlineMeetingExtensions",
    "onlineMeetingInvitation",
    "onlineMeetingInvitationCustomization",
    "onlineMeetingPolicies",
    "onlineMeetings",
    "organizer",
    "participant",
    "participantApplicationSharing",
    "participantAudio",
    "participantDataCollaboration",
    "participantInvitation",
    "participantMessaging",
    "participantPanoramicVideo",
    "participantVideo",
    "people",
    "phone",
    "phoneAudio",
    "phoneAudioInvitation",
    "phoneDialInInformation",
    "phones",
    "pinnedGroup",
    "policies",
    "presence",
    "presenceSubscription",
    "presenceSubscriptionMembership",
    "presenceSubscriptionMemberships",
    "presenceSubscriptions",
    "reason",
    "redirect",
    "replacesAudioVideo",
    "replacesPhoneAudio",
    "root",
    "search",
    "sessions",
    "simultaneousRingSettings",
    "subscribedContacts",
    "to",
    "transferredBy",
    "unansweredCallSettings",
    "user",
    "videoLockedOnParticipant",
];

/// The most findings a report lists; more are counted.
const MAX_FINDINGS: usize = 1_000;
/// The most differences between JSON and XML listed per resource.
const MAX_DIFFERENCES: usize = 20;

/// A GET of any resource, its answer kept as the bytes it came in (in the format asked for).
struct RawGet;

impl Operation for RawGet {
    const METHOD: Method = Method::GET;
    const REL: &'static str = "resource";
    type Output = Raw;
    type Error = UcwaError;
}

/// A UCWA answer's body.
struct Raw(Vec<u8>);

impl Success for Raw {
    fn from_success(_: Format, _: &HeaderMap, body: &[u8]) -> Result<Raw, DecodeError> {
        Ok(Raw(body.to_vec()))
    }
}

/// One thing that does not fit the schema.
#[derive(Debug, Serialize)]
struct Finding {
    /// The resource's href (addresses and numbers blanked).
    href: String,
    /// Its rel.
    rel: String,
    /// `json`, `xml`, or `both` for a difference between them.
    format: &'static str,
    /// `unknown member`, `does not decode`, `not in the schema`, `formats differ`.
    kind: &'static str,
    /// Where: the member's name and what it was in, the place that does not decode, the path
    /// that differs.
    detail: String,
}

/// One resource read, and how each format answered.
#[derive(Debug, Serialize)]
struct Visited {
    href: String,
    rel: String,
    /// `ok`, an HTTP status, `no answer`, `not UCWA`.
    json: String,
    xml: String,
}

/// The report.
#[derive(Debug, Serialize)]
struct Report {
    /// Resources read (in both formats, each).
    resources: usize,
    /// GETs sent.
    requests: u32,
    /// How long the walk took, in milliseconds.
    elapsed_ms: u128,
    /// Why the walk stopped before reading everything it found, if it did.
    stopped: Option<String>,
    /// What does not fit the schema.
    findings: Vec<Finding>,
    /// Findings beyond [`MAX_FINDINGS`], not listed.
    findings_left_out: usize,
    /// Every resource read.
    visited: Vec<Visited>,
}

/// What one format's answer was.
enum Fetched {
    Body(Vec<u8>),
    Failed(String),
}

/// `ucwa audit`.
pub async fn audit(
    connection: &Connection,
    args: &AuditArgs,
    progress: &Progress,
    out: Output,
) -> Result<(), Failure> {
    let client: Client = connection.session.client();
    let start = connection
        .session
        .application()
        .links
        .self_
        .as_ref()
        .map(|l| l.href.as_str().to_owned())
        .ok_or_else(|| {
            Failure::new(
                Kind::NotFound,
                "The application has no self link to start the audit from.",
            )
        })?;
    let report = walk(&client, start, args, progress).await;
    progress.done();
    out.show(&report, || human(&report, out));
    Ok(())
}

async fn walk(client: &Client, start: String, args: &AuditArgs, progress: &Progress) -> Report {
    let began = Instant::now();
    let deadline = began + Duration::from_secs(args.time_limit);
    let mut queue = VecDeque::from([(start.clone(), "application".to_owned())]);
    let mut seen = HashSet::from([start]);
    let mut report = Report {
        resources: 0,
        requests: 0,
        elapsed_ms: 0,
        stopped: None,
        findings: Vec::new(),
        findings_left_out: 0,
        visited: Vec::new(),
    };
    while let Some((href, rel)) = queue.pop_front() {
        if report.requests + 2 > args.max_requests {
            report.stopped = Some(format!(
                "the request limit ({}): {} links not followed",
                args.max_requests,
                queue.len() + 1
            ));
            break;
        }
        if Instant::now() >= deadline {
            report.stopped = Some(format!(
                "the time limit ({} s): {} links not followed",
                args.time_limit,
                queue.len() + 1
            ));
            break;
        }
        progress.say(&format!(
            "audit: {} resources read, {} requests",
            report.resources, report.requests
        ));
        let json = fetch(client, &href, Format::Json, deadline).await;
        let xml = fetch(client, &href, Format::Xml, deadline).await;
        report.requests += 2;
        report.resources += 1;
        let mut findings = Vec::new();
        let shown = blank(&href);
        let (json_status, json_value, json_decoded) = match &json {
            Fetched::Body(body) => {
                let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
                let rel = value
                    .as_ref()
                    .and_then(|v| v.get("rel"))
                    .and_then(|r| r.as_str())
                    .unwrap_or(&rel)
                    .to_owned();
                let decoded = decode(Format::Json, body, &rel, &shown, &mut findings);
                ("ok".to_owned(), value, decoded)
            }
            Fetched::Failed(why) => (why.clone(), None, None),
        };
        let (xml_status, xml_decoded) = match &xml {
            Fetched::Body(body) => (
                "ok".to_owned(),
                decode(Format::Xml, body, &rel, &shown, &mut findings),
            ),
            Fetched::Failed(why) => (why.clone(), None),
        };
        if let (Some(a), Some(b)) = (&json_decoded, &xml_decoded) {
            let mut paths = Vec::new();
            differences(&a.to_json(), &b.to_json(), String::new(), &mut paths);
            for path in paths {
                findings.push(Finding {
                    href: shown.clone(),
                    rel: a.rel().to_owned(),
                    format: "both",
                    kind: "formats differ",
                    detail: path,
                });
            }
        }
        // The links to follow: from the JSON as sent, else from what the XML decoded into.
        let links_from = json_value.or_else(|| xml_decoded.as_ref().map(|r| r.to_json()));
        if let Some(value) = links_from {
            let mut found = Vec::new();
            links(&value, 0, &mut found);
            for (rel, next) in found {
                // Only what this origin serves: a link elsewhere is not requested (nor
                // counted).
                let here = client
                    .origin()
                    .resolve(&Link::<Untyped>::to(next.as_str()).href);
                if here.is_ok()
                    && READABLE.contains(&rel.as_str())
                    && seen.len() < SEEN_MAX
                    && seen.insert(next.clone())
                {
                    queue.push_back((next, rel));
                }
            }
        }
        for finding in findings {
            if report.findings.len() < MAX_FINDINGS {
                report.findings.push(finding);
            } else {
                report.findings_left_out += 1;
            }
        }
        report.visited.push(Visited {
            href: shown,
            rel,
            json: json_status,
            xml: xml_status,
        });
    }
    report.elapsed_ms = began.elapsed().as_millis();
    report
}

/// The most hrefs the walk remembers (each is read at most once).
const SEEN_MAX: usize = 10_000;

/// GETs `href` in `format`, no later than `deadline`.
async fn fetch(client: &Client, href: &str, format: Format, deadline: Instant) -> Fetched {
    let link = Link::<Untyped>::to(href);
    let request = match client
        .origin()
        .resolve(&link.href)
        .and_then(|url| build_request(Method::GET, url, &[], format, None))
    {
        Ok(request) => Request::<RawGet>::from_http(request),
        Err(_) => return Fetched::Failed("not requested (another origin)".to_owned()),
    };
    let left = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(left, client.send(request)).await {
        Err(_) => Fetched::Failed("no answer in time".to_owned()),
        Ok(Ok(Raw(body))) => Fetched::Body(body),
        Ok(Err(error)) => Fetched::Failed(status_of(&error)),
    }
}

/// What a failed GET shows: its status, or that no answer came.
fn status_of(error: &ClientError<UcwaError>) -> String {
    if let Some(status) = error.status() {
        return match error {
            ClientError::Response(ucwa::ResponseError::NotUcwa(_)) => {
                format!("{} (not UCWA)", status.as_u16())
            }
            _ => status.as_u16().to_string(),
        };
    }
    if error.is_timeout() || error.is_connect() || error.transport().is_some() {
        "no answer".to_owned()
    } else if error.is_refused_grant() {
        "token refused".to_owned()
    } else {
        "not sent".to_owned()
    }
}

/// Decodes `body` (of `format`) as the resource of its rel, listing what does not fit.
fn decode(
    format: Format,
    body: &[u8],
    rel: &str,
    href: &str,
    findings: &mut Vec<Finding>,
) -> Option<AnyResource> {
    let name = match format {
        Format::Json => "json",
        _ => "xml",
    };
    let (decoded, unknown) = ucwa::audit::unknown_members(|| match format {
        Format::Json => AnyResource::from_json(rel, body),
        _ => decode_xml(body).map_err(|e| e.to_string()),
    });
    let finding = |kind, detail| Finding {
        href: href.to_owned(),
        rel: rel.to_owned(),
        format: name,
        kind,
        detail,
    };
    for member in unknown {
        findings.push(finding(
            "unknown member",
            format!("`{}` in {}", member.name, member.within),
        ));
    }
    match decoded {
        Ok(AnyResource::Other { rel, .. }) => {
            findings.push(finding(
                "not in the schema",
                format!("no resource of rel `{}`", blank_text(&rel)),
            ));
            None
        }
        Ok(resource) => Some(resource),
        Err(error) => {
            findings.push(finding("does not decode", blank_text(&error)));
            None
        }
    }
}

/// An XML answer as the resource its root names.
fn decode_xml(body: &[u8]) -> Result<AnyResource, DecodeError> {
    let mut reader = XmlReader::new(body)?;
    let start = reader.root_resource_of(None)?;
    let resource = AnyResource::read_xml(&mut reader, start)?;
    reader.finish()?;
    Ok(resource)
}

/// The links of a resource and of the resources it embeds: `(rel, href)`. An embedded
/// resource's `self` link is its own href, under the rel it is embedded as.
fn links(value: &serde_json::Value, depth: usize, found: &mut Vec<(String, String)>) {
    links_of(value, None, depth, found);
}

fn links_of(
    value: &serde_json::Value,
    embedded_as: Option<&str>,
    depth: usize,
    found: &mut Vec<(String, String)>,
) {
    if depth > 8 {
        return;
    }
    if let Some(map) = value.get("_links").and_then(|l| l.as_object()) {
        for (rel, link) in map {
            let rel = match (rel.as_str(), embedded_as) {
                ("self", Some(embedded)) => embedded,
                _ => rel.as_str(),
            };
            let each = match link {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for link in each {
                if let Some(href) = link.get("href").and_then(|h| h.as_str()) {
                    found.push((rel.to_owned(), href.to_owned()));
                }
            }
        }
    }
    if let Some(map) = value.get("_embedded").and_then(|e| e.as_object()) {
        for (rel, embedded) in map {
            match embedded {
                serde_json::Value::Array(items) => {
                    for item in items {
                        links_of(item, Some(rel), depth + 1, found);
                    }
                }
                other => links_of(other, Some(rel), depth + 1, found),
            }
        }
    }
}

/// The paths (JSON pointers) at which `a` and `b` differ, at most [`MAX_DIFFERENCES`].
fn differences(a: &serde_json::Value, b: &serde_json::Value, at: String, out: &mut Vec<String>) {
    use serde_json::Value;
    if out.len() >= MAX_DIFFERENCES || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = format!("{at}/{}", blank_segment(key));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => differences(p, q, path, out),
                    (Some(_), None) => push(out, format!("{path}: only in JSON")),
                    (None, Some(_)) => push(out, format!("{path}: only in XML")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, format!("{at}/{i}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => push(
            out,
            format!(
                "{}: {} items in JSON, {} in XML",
                slash(&at),
                x.len(),
                y.len()
            ),
        ),
        _ => push(out, format!("{}: the values differ", slash(&at))),
    }
}

fn slash(at: &str) -> &str {
    if at.is_empty() { "/" } else { at }
}

fn push(out: &mut Vec<String>, text: String) {
    if out.len() < MAX_DIFFERENCES {
        out.push(text);
    }
}

/// Whether a segment of an href or a path holds an address or a number: a SIP or tel URI,
/// anything with `@`.
fn personal(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    lower.contains('@')
        || lower.contains("%40")
        || lower.starts_with("sip:")
        || lower.starts_with("sip%3a")
        || lower.starts_with("tel:")
        || lower.starts_with("tel%3a")
        || lower.starts_with('+')
}

fn blank_segment(segment: &str) -> String {
    if personal(segment) {
        "{blanked}".to_owned()
    } else {
        segment.to_owned()
    }
}

/// An href as the report shows it: the path only (no query, which holds searches), each
/// segment that holds an address or a number blanked.
fn blank(href: &str) -> String {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(blank_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A message with what it quotes (in backticks or double quotes) kept only when it is a name
/// (a member, a rel, a type); a quoted value — possibly a name, an address or a message — is
/// blanked.
fn blank_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().unwrap_or('`');
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            out.push_str(after);
            return out;
        };
        let quoted = &after[..close];
        let name = quoted.len() <= 64
            && quoted
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && quoted
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
            && !personal(quoted);
        out.push_str(if name { quoted } else { "…" });
        out.push(quote);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The report for people: a summary line, then the findings as a table.
fn human(report: &Report, out: Output) -> String {
    let mut text = format!(
        "Read {} resources in JSON and XML ({} requests, {:.1} s)",
        report.resources,
        report.requests,
        report.elapsed_ms as f64 / 1000.0
    );
    match &report.stopped {
        Some(why) => text.push_str(&format!("; stopped at {why}.\n")),
        None => text.push_str(".\n"),
    }
    let unread = report
        .visited
        .iter()
        .filter(|v| v.json != "ok" || v.xml != "ok")
        .count();
    if unread > 0 {
        text.push_str(&format!(
            "{unread} could not be read in one format or both (see --json's `visited`).\n"
        ));
    }
    let rows = report
        .findings
        .iter()
        .map(|f| {
            vec![
                f.href.clone(),
                f.rel.clone(),
                f.format.to_owned(),
                f.kind.to_owned(),
                f.detail.clone(),
            ]
        })
        .collect();
    text.push_str(&out.table(
        &["href", "rel", "format", "kind", "detail"],
        rows,
        "Everything read fits the schema: nothing unknown, nothing undecodable, JSON and XML agree.",
    ));
    if report.findings_left_out > 0 {
        text.push_str(&format!(
            "\n… and {} more findings.",
            report.findings_left_out
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_rels_are_the_schemas() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/resources");
        let mut rels = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            let name = schema["name"].as_str().unwrap();
            let reads = schema["operations"].as_array().is_some_and(|ops| {
                ops.iter()
                    .any(|o| o["method"] == "GET" && o["response"]["resource"].is_string())
            });
            if reads && name != "events" {
                rels.insert(
                    name.trim_end_matches(|c: char| c.is_ascii_digit())
                        .to_owned(),
                );
            }
        }
        let listed: std::collections::BTreeSet<String> =
            READABLE.iter().map(|r| r.to_string()).collect();
        assert_eq!(listed, rels);
    }

    #[test]
    fn hrefs_and_messages_lose_addresses_numbers_and_values() {
        assert_eq!(
            blank("/ucwa/oauth/v1/applications/7/people/ann@contoso.com/presence?x=Ann"),
            "/ucwa/oauth/v1/applications/7/people/{blanked}/presence"
        );
        assert_eq!(
            blank("/a/people/sip%3Aann%40contoso.com/tel:+1555"),
            "/a/people/{blanked}/{blanked}"
        );
        assert_eq!(
            blank_text("expected `True` or `False`, found `Ann Smith` in `availability`"),
            "expected `True` or `False`, found `…` in `availability`"
        );
        assert_eq!(
            blank_text(r#"invalid type: string "ann@contoso.com", expected u32"#),
            r#"invalid type: string "…", expected u32"#
        );
        assert_eq!(blank_text("unclosed `quote"), "unclosed `quote");
    }

    #[test]
    fn differences_name_paths_only() {
        let a = serde_json::json!({"rel": "me", "name": "Ann", "_links": {"self": {"href": "/x"}}, "list": [1, 2]});
        let b = serde_json::json!({"rel": "me", "name": "Anne", "extra": 1, "_links": {"self": {"href": "/x"}}, "list": [1]});
        let mut paths = Vec::new();
        differences(&a, &b, String::new(), &mut paths);
        assert_eq!(
            paths,
            [
                "/extra: only in XML",
                "/list: 2 items in JSON, 1 in XML",
                "/name: the values differ"
            ]
        );
    }

    #[test]
    fn links_are_found_in_embedded_resources_too() {
        let value = serde_json::json!({
            "_links": {"self": {"href": "/a"}, "me": {"href": "/a/me"}},
            "_embedded": {"people": {"_links": {"myContacts": {"href": "/a/c"}}},
                          "x": [{"_links": {"contact": [{"href": "/c/1"}, {"href": "/c/2"}]}}]}
        });
        let mut found = Vec::new();
        links(&value, 0, &mut found);
        found.sort();
        assert_eq!(found.len(), 5);
        assert!(found.contains(&("contact".to_owned(), "/c/2".to_owned())));
        assert!(found.contains(&("myContacts".to_owned(), "/a/c".to_owned())));
        // The embedded `people`'s own href, under the rel it is embedded as.
        let value =
            serde_json::json!({"_embedded": {"people": {"_links": {"self": {"href": "/p"}}}}});
        let mut found = Vec::new();
        links(&value, 0, &mut found);
        assert_eq!(found, [("people".to_owned(), "/p".to_owned())]);
    }
}
