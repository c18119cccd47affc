//! The client against the emulator on loopback: the escalation flow in both formats, every
//! error path of escalateAudioVideo, the cross-origin refusal, and concurrent escalations
//! with no event lost or duplicated.

mod common;

use common::create_application;

use std::collections::HashSet;
use std::time::Duration;

use ucwa::enumerations::InvitationState;
use ucwa::events::EventType;
use ucwa::http::StatusCode;
use ucwa::operation::{GenericError, UcwaError};
use ucwa::operations::{
    EscalateAudioVideoPost, EscalateAudioVideoPostError, EscalateAudioVideoPostQuery,
};
use ucwa::resources::{
    AnyResource, AudioVideo, AudioVideoInvitation, EscalateAudioVideo, Participant,
};
use ucwa::{ErrorBody, Format, Link, RequestError, Resource, ResponseError};
use ucwa_client::{Client, ClientError, EventChannel};
use ucwa_emulator::{Config, Emulator};

const SDP: &[u8] = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 50010 RTP/AVP 0\r\nm=video 50020 RTP/AVP 96\r\n";

async fn emulator() -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(10),
        ..Config::default()
    })
    .await
    .unwrap()
}

fn client(emulator: &Emulator, format: Format) -> Client {
    Client::builder(emulator.origin(), emulator.token())
        .format(format)
        .long_poll(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The call announced on a new application's event channel.
async fn the_call(events: &mut EventChannel) -> AudioVideo {
    let event = events.next_event().await.unwrap().unwrap();
    assert_eq!(event.event_type, EventType::Added);
    assert!(event.names::<AudioVideo>());
    match event.resource {
        Some(AnyResource::AudioVideo(audio_video)) => *audio_video,
        other => panic!("{other:?}"),
    }
}

/// A new application's event channel, past the announcement of its call, and the call's
/// `escalateAudioVideo` link.
async fn escalation_link(client: &Client) -> (EventChannel, Link<EscalateAudioVideo>) {
    let application = create_application(client).await;
    let mut events = client.events(application.links.events.as_ref().unwrap());
    let link = the_call(&mut events)
        .await
        .links
        .escalate_audio_video
        .unwrap();
    (events, link)
}

fn query(operation_id: &str) -> EscalateAudioVideoPostQuery {
    EscalateAudioVideoPostQuery {
        operation_id: operation_id.to_owned(),
        session_context: "e2e-session".into(),
    }
}

async fn escalate(
    client: &Client,
    link: &Link<EscalateAudioVideo>,
    operation_id: &str,
) -> Result<AudioVideoInvitation, ClientError<EscalateAudioVideoPostError>> {
    let request = EscalateAudioVideoPost::request(
        client.origin(),
        link,
        &query(operation_id),
        SDP.to_vec(),
        client.format(),
    )?;
    client.send(request).await
}

#[tokio::test]
async fn the_escalation_flow_in_both_formats() {
    let emulator = emulator().await;
    for format in [Format::Json, Format::Xml] {
        let client = client(&emulator, format);
        let application = create_application(&client).await;
        assert_eq!(application.user_agent.as_deref(), Some("ucwa-tests/1"));
        let mut events = client.events(application.links.events.as_ref().unwrap());
        let call = the_call(&mut events).await;
        let link = call.links.escalate_audio_video.clone().unwrap();

        let created = escalate(&client, &link, "flow-1").await.unwrap();
        assert_eq!(created.state, Some(InvitationState::Connecting), "{format}");
        assert_eq!(
            created
                .links
                .media_offer
                .as_ref()
                .unwrap()
                .decode()
                .unwrap(),
            SDP
        );

        let event = events.next_event().await.unwrap().unwrap();
        assert_eq!(event.event_type, EventType::Started);
        assert!(event.names::<AudioVideoInvitation>());
        let Some(AnyResource::AudioVideoInvitation(announced)) = event.resource else {
            panic!("{:?}", event.resource)
        };
        assert_eq!(*announced, created, "{format}");

        // The invitation and its participant by GET, following links.
        let fetched: AudioVideoInvitation = client
            .get(&created.typed_self_link().unwrap())
            .await
            .unwrap();
        // Answered at once by the emulator's far end, the invitation is Connected by now.
        assert_eq!(fetched.state, Some(InvitationState::Connected), "{format}");
        assert_eq!(
            AudioVideoInvitation {
                state: created.state.clone(),
                ..fetched
            },
            created
        );
        let from: Participant = client
            .get(created.links.from.as_ref().unwrap())
            .await
            .unwrap();
        // Outgoing: from the signed-in user (local), to the remote party.
        assert_eq!(from.name.as_deref(), Some("Lene Aaling"), "{format}");
        assert_eq!(from.local, Some(true));
        assert_eq!(
            created.to.as_ref().map(|u| u.as_str()),
            Some("sip:ann@contoso.com")
        );
    }
}

#[tokio::test]
async fn every_error_path_of_escalate_audio_video() {
    let emulator = emulator().await;
    let client = client(&emulator, Format::Json);
    let (_events, link) = escalation_link(&client).await;

    // The server's own checks.
    escalate(&client, &link, "dup").await.unwrap();
    match escalate(&client, &link, "dup").await {
        Err(ClientError::Response(ResponseError::Ucwa(
            EscalateAudioVideoPostError::AlreadyExists(body),
        ))) => {
            assert_eq!(body.code, "Conflict");
        }
        other => panic!("{other:?}"),
    }

    // Parameters the generated builder refuses, sent by hand to see the server refuse them too.
    let by_hand = |pairs: Vec<(&str, String)>, content_type: &str| {
        let url = client.origin().resolve(&link.href).unwrap();
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ucwa::operation::Request::<EscalateAudioVideoPost>::from_http(
            ucwa::operation::build_request(
                ucwa::http::Method::POST,
                url,
                &pairs,
                Format::Json,
                Some(ucwa::operation::Body {
                    media_type: content_type.to_owned(),
                    bytes: SDP.to_vec(),
                }),
            )
            .unwrap(),
        )
    };
    let long = "x".repeat(51);
    for (pairs, parameter) in [
        (vec![("sessionContext", "s".to_owned())], "operationId"),
        (
            vec![
                ("operationId", long.clone()),
                ("sessionContext", "s".to_owned()),
            ],
            "operationId",
        ),
        (
            vec![
                ("operationId", "ok".to_owned()),
                ("sessionContext", long.clone()),
            ],
            "sessionContext",
        ),
    ] {
        match client.send(by_hand(pairs, "application/sdp")).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                EscalateAudioVideoPostError::Common(UcwaError::Generic { status, kind, body }),
            ))) => {
                assert_eq!(status, 400);
                assert_eq!(kind, GenericError::ParameterValidationFailure);
                assert!(
                    body.parameters.as_ref().unwrap().get(parameter).is_some(),
                    "{body:?}"
                );
            }
            other => panic!("{parameter}: {other:?}"),
        }
    }
    match client
        .send(by_hand(
            vec![("operationId", "ct".into()), ("sessionContext", "s".into())],
            "text/plain",
        ))
        .await
    {
        Err(ClientError::Response(ResponseError::Ucwa(EscalateAudioVideoPostError::Common(
            UcwaError::Generic {
                status: 415, kind, ..
            },
        )))) => {
            assert_eq!(kind, GenericError::UnsupportedMediaType);
        }
        other => panic!("{other:?}"),
    }

    // The rows a healthy server does not produce on its own, injected.
    // AlreadyExists came from the server itself above.
    let rows = common::ESCALATE_ERROR_ROWS
        .into_iter()
        .filter(|(_, _, subcode, _)| *subcode != Some("AlreadyExists"));
    for (i, (status, code, subcode, is_variant)) in rows.enumerate() {
        for format in [Format::Json, Format::Xml] {
            emulator
                .faults()
                .fail_next_escalation(
                    StatusCode::from_u16(status).unwrap(),
                    ErrorBody {
                        code: code.into(),
                        subcode: subcode.map(Into::into),
                        ..Default::default()
                    },
                )
                .unwrap();
            let client = self::client(&emulator, format);
            match escalate(&client, &link, &format!("fault-{i}-{format}")).await {
                Err(failure @ ClientError::Response(ResponseError::Ucwa(_))) => {
                    // The server's X-Ms-Diagnostics, parsed.
                    let diagnostics = failure.diagnostics();
                    assert_eq!(diagnostics.len(), 1, "{failure:?}");
                    assert_eq!(diagnostics[0].id, ucwa_emulator::DIAGNOSTIC_ID);
                    assert_eq!(
                        diagnostics[0].reason.as_deref(),
                        Some(subcode.unwrap_or(code))
                    );
                    assert_eq!(diagnostics[0].source.as_deref(), Some("ucwa-emulator"));
                    let ClientError::Response(ResponseError::Ucwa(error)) = failure else {
                        unreachable!()
                    };
                    assert!(
                        is_variant(&error),
                        "{status} {subcode:?} {format}: {error:?}"
                    );
                    assert_eq!(error.status(), status);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    // No token: the 401 of the web server, which is not UCWA.
    let anonymous = Client::builder(emulator.origin(), "wrong").build().unwrap();
    match escalate(&anonymous, &link, "anonymous").await {
        Err(ClientError::Response(ResponseError::NotUcwa(answer))) => {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert_eq!(answer.content_type.as_deref(), Some("text/html"));
            assert!(
                answer.excerpt.contains("401 - Unauthorized"),
                "{}",
                answer.excerpt
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn requests_for_another_origin_are_refused_before_any_connection() {
    // A server that counts the connections it gets.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere_addr = elsewhere.local_addr().unwrap();
    let accepted = tokio::spawn(async move {
        tokio::time::timeout(Duration::from_millis(500), elsewhere.accept())
            .await
            .is_ok()
    });

    let emulator = emulator().await;
    let client = client(&emulator, Format::Json);
    let foreign = Link::new(format!(
        "http://{elsewhere_addr}/ucwa/oauth/v1/applications/1/x"
    ));
    // Through a generated operation…
    match escalate(&client, &foreign.to_cast(), "x").await {
        Err(ClientError::Request(RequestError::CrossOrigin { href, origin })) => {
            assert_eq!(href, foreign.href.as_str());
            assert_eq!(origin, emulator.origin());
        }
        other => panic!("{other:?}"),
    }
    // …by following a link…
    let err = client
        .get::<Participant>(&foreign.to_cast())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Request(RequestError::CrossOrigin { .. })),
        "{err}"
    );
    // …or with a request built by hand.
    let request = ucwa::operation::Request::<EscalateAudioVideoPost>::from_http(
        ucwa::http::Request::get(foreign.href.as_str())
            .body(Vec::new())
            .unwrap(),
    );
    let err = client.send(request).await.unwrap_err();
    assert!(
        matches!(err, ClientError::Request(RequestError::CrossOrigin { .. })),
        "{err}"
    );
    assert!(err.to_string().starts_with("refusing to follow"), "{err}");

    assert!(
        !accepted.await.unwrap(),
        "a connection was made to another origin"
    );
}

#[tokio::test]
async fn the_token_is_not_in_debug_output() {
    let client = Client::builder("https://fe1.contoso.com", "cwt=SECRET-TOKEN")
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("SECRET-TOKEN"), "{debug}");
    assert!(debug.contains("Token(<redacted>)"), "{debug}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_escalations_lose_and_duplicate_no_event() {
    // Three events an escalation (started, answered, connected) and two as the call first
    // connects: 302, more than the default backlog of 256 if the reader falls behind, which
    // would end in a resync. This test is about delivery, not that bound: room for all.
    let emulator = Emulator::start(Config {
        long_poll: Duration::from_secs(10),
        limits: ucwa_emulator::Limits {
            event_backlog: 512,
            ..ucwa_emulator::Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&emulator, Format::Json);
    let (mut events, link) = escalation_link(&client).await;

    // The channel is read while the escalations are in flight.
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        // Each escalation is announced, then answered (its negotiation `updated`), then
        // connected (the invitation `completed`).
        let mut answers = 0;
        let mut connected = 0;
        while seen.len() < 100 || answers < 100 || connected < 100 {
            let event = tokio::time::timeout(Duration::from_secs(30), events.next_event())
                .await
                .unwrap_or_else(|_| panic!("events stopped: {} {answers} {connected}", seen.len()))
                .unwrap()
                .unwrap();
            match event.resource {
                Some(AnyResource::AudioVideoInvitation(_))
                    if event.event_type == EventType::Completed =>
                {
                    connected += 1;
                }
                Some(AnyResource::AudioVideoInvitation(invitation)) => {
                    seen.push(invitation.operation_id.unwrap());
                }
                Some(AnyResource::AudioVideoNegotiation(_)) => answers += 1,
                _ => {}
            }
        }
        (seen, events)
    });
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            let link = link.clone();
            tokio::spawn(async move {
                escalate(&client, &link, &format!("concurrent-{i:03}"))
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let (seen, mut events) = reader.await.unwrap();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 100);
    assert_eq!(unique.len(), 100, "an event was delivered twice");
    let expected: HashSet<String> = (0..100).map(|i| format!("concurrent-{i:03}")).collect();
    assert_eq!(unique, expected.iter().collect());

    // Nothing else is left: the next pending GET times out empty.
    let quiet = Client::builder(emulator.origin(), emulator.token())
        .long_poll(Duration::from_secs(1))
        .build()
        .unwrap();
    let mut rest = quiet.events(events.position());
    let batch = rest.next_batch().await.unwrap();
    assert_eq!(batch.events().count(), 0);
    let _ = events.take_reset();
}

#[tokio::test]
async fn a_lost_answer_is_asked_again_and_resync_is_followed() {
    let emulator = emulator().await;
    let client = client(&emulator, Format::Xml);
    let application = create_application(&client).await;
    let start = application.links.events.clone().unwrap();

    // Asking twice for the same batch gives the same batch (an answer lost on the way).
    let first = client.events(&start).next_batch().await.unwrap();
    let again = client.events(&start).next_batch().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(first.events().count(), 1);

    // An ack the server cannot serve: resync, which the channel follows and reports.
    let mut lost = client.events(&Link::to(start.href.as_str().replace("ack=1", "ack=99")));
    let batch = lost.next_batch().await.unwrap();
    assert!(batch.resync.is_some());
    assert!(lost.take_reset());
    assert_eq!(lost.position().href.as_str(), start.href.as_str());
}

#[tokio::test]
async fn a_server_that_does_not_answer_times_out() {
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", silent.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let client = Client::builder(origin, "t")
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client
        .get::<Participant>(&Link::to("/ucwa/p/1"))
        .await
        .unwrap_err();
    match &err {
        ClientError::Transport(error) => {
            assert_eq!(error.method(), "GET");
            assert!(err.is_timeout(), "{err:?}");
            let reason = error.reason();
            assert!(reason.starts_with("timed out"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    holder.abort();
}

#[tokio::test]
async fn the_event_channel_is_a_stream() {
    use futures_util::StreamExt;

    let emulator = emulator().await;
    let client = client(&emulator, Format::Xml);
    let application = create_application(&client).await;
    let mut stream = Box::pin(
        client
            .events(application.links.events.as_ref().unwrap())
            .into_stream(),
    );
    let first = stream.next().await.unwrap().unwrap();
    let Some(AnyResource::AudioVideo(call)) = first.resource else {
        panic!("{:?}", first.resource)
    };
    escalate(
        &client,
        call.links.escalate_audio_video.as_ref().unwrap(),
        "streamed",
    )
    .await
    .unwrap();
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!(second.event_type, EventType::Started);
    assert!(second.names::<AudioVideoInvitation>());
}

/// Every answer is read up to the client's limit: a longer one is an error naming the limit
/// and the setting, not an allocation — whether the server announces its length or streams it
/// in chunks; a limit out of range is refused when building.
#[tokio::test]
async fn an_answer_longer_than_the_clients_limit_is_an_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // A server on loopback that answers every request with a 2,000-byte JSON body, announced
    // (Content-Length) on the first connection and chunked on the second.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let body = format!(
            "{{\"rel\":\"participant\",\"name\":\"{}\"}}",
            "x".repeat(1960)
        );
        for chunked in [false, true] {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await.unwrap();
            let head = if chunked {
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
            };
            let mut answer = head.into_bytes();
            if chunked {
                for piece in body.as_bytes().chunks(500) {
                    answer.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
                    answer.extend_from_slice(piece);
                    answer.extend_from_slice(b"\r\n");
                }
                answer.extend_from_slice(b"0\r\n\r\n");
            } else {
                answer.extend_from_slice(body.as_bytes());
            }
            let _ = socket.write_all(&answer).await;
        }
    });
    let small = Client::builder(origin.as_str(), "cwt=token")
        .max_body_size(1024)
        .build()
        .unwrap();
    for how in ["announced", "chunked"] {
        match small.get::<Participant>(&Link::to("/ucwa/p/1")).await {
            Err(ClientError::Transport(error)) => {
                let reason = error.reason();
                assert!(reason.contains("longer than 1024 bytes"), "{how}: {reason}");
                assert!(reason.contains("max_body_size"), "{how}: {reason}");
            }
            other => panic!("{how}: {other:?}"),
        }
    }

    let emulator = Emulator::start(Config::default()).await.unwrap();
    let err = Client::builder(emulator.origin(), emulator.token())
        .max_body_size(10)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`max_body_size` is 10 bytes; it must be from 1 KiB (1024 bytes) to 1 GiB"
    );
    assert_eq!(ucwa_client::DEFAULT_MAX_BODY_SIZE, 8 * 1024 * 1024);
}
