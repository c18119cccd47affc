//! The README's examples (calling an operation; an instant message), compiled and run; the test
//! also checks that the README shows exactly this code.

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

fn readme_im_example(
    communication_json: &[u8],
    messaging_json: &[u8],
) -> Result<(), Box<dyn Error>> {
    // README begin
    use ucwa::operation::{Body, Operation};
    use ucwa::operations::{
        SendMessagePost, SendMessagePostQuery, StartMessagingPost, StartMessagingPostBody,
        StartMessagingPostBodyLinks, StartMessagingPostQuery,
    };
    use ucwa::resources::{Communication, Messaging, MessagingInvitation};
    use ucwa::{DataUri, Format, Link, Origin, http};

    let origin = Origin::parse("https://fe1.contoso.com")?;
    // The application's `communication` resource offers `startMessaging`.
    let communication: Communication = ucwa::json::from_slice(communication_json)?;
    let start = communication
        .links
        .start_messaging
        .as_ref()
        .ok_or("messaging not offered")?;
    let body = StartMessagingPostBody {
        to: Some("sip:john@contoso.com".into()),
        subject: Some("Build status".into()),
        operation_id: Some("74cb7404e0a247d5a2d4eb0376a47dbf".into()),
        // The first message travels in the invitation, as a `data:` URI.
        links: StartMessagingPostBodyLinks {
            message: Some(DataUri::from_bytes("text/plain", b"The build is green.")?),
            ..Default::default()
        },
        ..Default::default()
    };
    let query = StartMessagingPostQuery::default();
    let request = StartMessagingPost::request(&origin, start, &query, &body, Format::Json)?;
    let sent: serde_json::Value = serde_json::from_slice(request.body())?;
    assert_eq!(
        sent["_links"]["message"]["href"],
        "data:text/plain;base64,VGhlIGJ1aWxkIGlzIGdyZWVuLg=="
    );

    // UCWA answers 201 with the invitation's link; its progress comes on the event channel.
    let created = http::Response::builder()
        .status(201)
        .header(
            "location",
            "/ucwa/oauth/v1/applications/192/communication/messagingInvitations/602",
        )
        .body(Vec::new())?;
    let invitation: Link<MessagingInvitation> = StartMessagingPost::response(&created)?;
    assert!(
        invitation
            .href
            .as_str()
            .ends_with("/messagingInvitations/602")
    );

    // Once connected, the conversation's `messaging` resource offers `sendMessage`.
    let messaging: Messaging = ucwa::json::from_slice(messaging_json)?;
    let send = messaging
        .links
        .send_message
        .as_ref()
        .ok_or("cannot send yet")?;
    let query = SendMessagePostQuery {
        operation_id: "5a6d1ef3b3464a4ab1bd8ba71ea5ee7b".into(),
    };
    // A message is plain text or HTML: the body names its media type.
    let text = Body {
        media_type: "text/plain; charset=utf-8".into(),
        bytes: b"Deploying now.".to_vec(),
    };
    let request = SendMessagePost::request(&origin, send, &query, text, Format::Json)?;
    assert_eq!(
        request.headers()["content-type"],
        "text/plain; charset=utf-8"
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
fn the_readme_im_example_runs() {
    readme_im_example(
        &common::fixture("communication.response.json"),
        &common::fixture("messaging.response.json"),
    )
    .unwrap();
}

#[test]
fn the_readme_shows_these_examples() {
    let source = include_str!("readme_example.rs");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut rest = source;
    let mut shown = 0;
    while let Some(begin) = rest.find("    // README begin\n") {
        rest = &rest[begin + "    // README begin\n".len()..];
        let end = rest.find("    // README end").unwrap();
        let code: String = rest[..end]
            .lines()
            .map(|line| line.strip_prefix("    ").unwrap_or(line))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(
            readme.contains(&format!("```rust\n{code}```")),
            "README.md must show this example of tests/tests/readme_example.rs:\n{code}"
        );
        rest = &rest[end..];
        shown += 1;
    }
    assert_eq!(shown, 2, "the examples between README begin/end markers");
}
