//! The README's operation example, compiled and run; the test also checks that the README shows
//! exactly this code.

mod common;

use std::error::Error;

fn readme_example(
    audio_video_json: &[u8],
    invitation_json: Vec<u8>,
    sdp_offer: &[u8],
) -> Result<(), Box<dyn Error>> {
    // README begin
    use ucwa::enumerations::InvitationState;
    use ucwa::operation::Operation;
    use ucwa::operations::{
        EscalateAudioVideoPost, EscalateAudioVideoPostError, EscalateAudioVideoPostQuery,
    };
    use ucwa::resources::AudioVideo;
    use ucwa::{Format, Origin, ResponseError, http};

    let origin = Origin::parse("https://fe1.contoso.com")?;
    let audio_video: AudioVideo = ucwa::json::from_slice(audio_video_json)?;
    let link = audio_video
        .links
        .escalate_audio_video
        .as_ref()
        .ok_or("no escalation offered")?;

    let query = EscalateAudioVideoPostQuery {
        operation_id: "74cb7404e0a247d5a2d4eb0376a47dbf".into(),
        session_context: "8efd502350ff419cb615018ae561f97e".into(),
    };
    let request =
        EscalateAudioVideoPost::request(&origin, link, &query, sdp_offer.to_vec(), Format::Json)?;
    assert_eq!(request.headers()["content-type"], "application/sdp");
    // Send it with any HTTP client, with your bearer token; then read the answer.

    let created = http::Response::builder()
        .status(201)
        .header("content-type", "application/json")
        .body(invitation_json)?;
    let invitation = EscalateAudioVideoPost::response(&created)?;
    assert_eq!(invitation.state, Some(InvitationState::Connecting));

    let conflict = http::Response::builder()
        .status(409)
        .header("content-type", "application/json")
        .body(br#"{"code": "Conflict", "subcode": "AlreadyExists"}"#.to_vec())?;
    match EscalateAudioVideoPost::response(&conflict) {
        Err(ResponseError::Ucwa(EscalateAudioVideoPostError::AlreadyExists(body))) => {
            assert_eq!(body.code, "Conflict");
        }
        other => return Err(format!("unexpected: {other:?}").into()),
    }

    let too_long = EscalateAudioVideoPostQuery {
        operation_id: "x".repeat(51),
        ..query
    };
    let refused =
        EscalateAudioVideoPost::request(&origin, link, &too_long, sdp_offer.to_vec(), Format::Json);
    assert_eq!(
        refused.unwrap_err().to_string(),
        "the query parameter `operationId` is 51 characters long; the limit is 50"
    );
    // README end
    Ok(())
}

#[test]
fn the_readme_example_runs() {
    readme_example(
        &common::fixture("audioVideo.response.json"),
        common::fixture("escalateAudioVideo.response.json"),
        b"v=0\r\nm=audio 6020 RTP/AVP 0\r\nm=video 6022 RTP/AVP 96\r\n",
    )
    .unwrap();
}

#[test]
fn the_readme_shows_this_example() {
    let source = include_str!("readme_example.rs");
    let begin = source.find("// README begin\n").unwrap() + "// README begin\n".len();
    let end = source.find("    // README end").unwrap();
    let code: String = source[begin..end]
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    assert!(
        readme.contains(&format!("```rust\n{code}```")),
        "README.md must show the example of tests/tests/readme_example.rs as:\n{code}"
    );
}
