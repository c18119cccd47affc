//! Test vectors: the JSON and XML response samples of the reference pages, extracted into
//! `tests/fixtures/` (see `fixtures_match_the_reference_pages` in `reference_samples.rs`).

#![allow(dead_code)]

use std::path::PathBuf;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn json_value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("the fixture is valid JSON")
}

use ucwa::operations::{ApplicationsPost, ApplicationsPostBody, EscalateAudioVideoPostError};
use ucwa::resources::Application;

/// Creates an application on the server `client` talks to (the emulator's `applications`).
pub async fn create_application(client: &ucwa_client::Client) -> Application {
    let body = ApplicationsPostBody {
        culture: Some("en-US".into()),
        endpoint_id: Some("e2e".into()),
        user_agent: Some("ucwa-tests/1".into()),
        ..Default::default()
    };
    let request = ApplicationsPost::request(
        client.origin(),
        &ucwa::Link::to(ucwa_emulator::APPLICATIONS_PATH),
        &body,
        client.format(),
    )
    .unwrap();
    client.send(request).await.unwrap()
}

/// A row of escalateAudioVideo's error table: status, code, subcode, and the check that an
/// error is the row's own variant.
pub type EscalateRow = (
    u16,
    &'static str,
    Option<&'static str>,
    fn(&EscalateAudioVideoPostError) -> bool,
);

/// escalateAudioVideo's error table, from its reference page.
pub const ESCALATE_ERROR_ROWS: [EscalateRow; 5] = [
    (500, "ServiceFailure", Some("CallbackChannelError"), |e| {
        matches!(e, EscalateAudioVideoPostError::CallbackChannelError(_))
    }),
    (409, "Conflict", Some("AlreadyExists"), |e| {
        matches!(e, EscalateAudioVideoPostError::AlreadyExists(_))
    }),
    (409, "Conflict", Some("TooManyGroups"), |e| {
        matches!(e, EscalateAudioVideoPostError::TooManyGroups(_))
    }),
    (409, "Conflict", None, |e| {
        matches!(e, EscalateAudioVideoPostError::Conflict(_))
    }),
    (410, "Gone", Some("CannotRedirect"), |e| {
        matches!(e, EscalateAudioVideoPostError::CannotRedirect(_))
    }),
];
