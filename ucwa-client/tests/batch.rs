//! Batching against the emulator, in both formats: several GETs in one round trip, each typed;
//! a part failing alone with its operation's typed error; the batch failing as a whole (a
//! fault, the part limit on either side); malformed batches refused by the emulator.

use ucwa::enumerations::Availability;
use ucwa::http::{Method, StatusCode};
use ucwa::operation::BatchError;
use ucwa::operations::{
    ApplicationGet, AudioVideoGet, BatchPost, BatchPostError, EventsGet, MakeMeAvailablePost,
    MakeMeAvailablePostBody, MeGet, PresenceGet, PresenceGetError,
};
use ucwa::resources::Application;
use ucwa::{Format, Link, ResponseError};
use ucwa_client::{Client, ClientError};
use ucwa_emulator::{Config, Emulator, Fault, Limits};

mod common;

use common::FORMATS;

/// An emulator with `config`, and its configured user's client with a new application.
async fn signed_in(config: Config, format: Format) -> (Emulator, Client, Application) {
    let emulator = Emulator::start(config).await.unwrap();
    let (client, application) =
        common::application(&emulator, "lene@contoso.com", format, false).await;
    (emulator, client, application)
}

fn app_path(application: &Application) -> String {
    application.links.self_.as_ref().unwrap().href.to_string()
}

async fn make_me_available(client: &Client, application: &Application) {
    let link = application
        .embedded
        .me
        .as_ref()
        .and_then(|me| me.links.make_me_available.clone())
        .unwrap();
    let body = MakeMeAvailablePostBody::default();
    let request =
        MakeMeAvailablePost::request(client.origin(), &link, &body, client.format()).unwrap();
    client.send(request).await.unwrap();
}

#[tokio::test]
async fn a_batch_of_gets_answers_each_part_typed() {
    for format in FORMATS {
        let (emulator, client, application) = signed_in(Config::default(), format).await;
        make_me_available(&client, &application).await;
        let app = app_path(&application);
        let (origin, me_path) = (client.origin(), format!("{app}/me"));

        let mut batch = client.batch(&application);
        let own = batch
            .add(ApplicationGet::request(origin, &Link::to(app.as_str()), format).unwrap())
            .unwrap();
        let me = batch
            .add(MeGet::request(origin, &Link::to(me_path.as_str()), format).unwrap())
            .unwrap();
        let presence_link = Link::to(format!("{app}/me/presence"));
        let presence = batch
            .add(PresenceGet::request(origin, &presence_link, format).unwrap())
            .unwrap();
        let av_path = format!("{app}/communication/conversations/1/audioVideo");
        let audio_video = batch
            .add(AudioVideoGet::request(origin, &Link::to(av_path.as_str()), format).unwrap())
            .unwrap();
        assert_eq!(batch.len(), 4);
        let answers = batch.send().await.unwrap();
        assert_eq!(answers.len(), 4);

        let own = answers.get(own).unwrap();
        assert_eq!(
            own.user_agent.as_deref(),
            Some("ucwa-client-tests/1"),
            "{format:?}"
        );
        let me = answers.get(me).unwrap();
        assert_eq!(me.name.as_deref(), Some("Lene Aaling"));
        assert!(me.links.presence.is_some(), "made available: {me:?}");
        let presence = answers.get(presence).unwrap();
        assert_eq!(presence.availability, Some(Availability::Online));
        let audio_video = answers.get(audio_video).unwrap();
        assert_eq!(audio_video.links.self_.unwrap().href.as_str(), av_path);

        // One POST went over the wire; each part went through the same routes as alone.
        assert_eq!(
            emulator
                .observed()
                .request_count(&Method::POST, &format!("{app}/batch")),
            1
        );
        assert_eq!(emulator.observed().request_count(&Method::GET, &me_path), 1);
    }
}

#[tokio::test]
async fn a_failing_part_fails_alone_with_its_typed_error() {
    for format in FORMATS {
        // Not made available: presence answers 409 MakeMeAvailableRequired.
        let (_emulator, client, application) = signed_in(Config::default(), format).await;
        let app = app_path(&application);
        let origin = client.origin();
        let mut batch = client.batch(&application);
        let me = batch
            .add(MeGet::request(origin, &Link::to(format!("{app}/me")), format).unwrap())
            .unwrap();
        let presence = batch
            .add(
                PresenceGet::request(origin, &Link::to(format!("{app}/me/presence")), format)
                    .unwrap(),
            )
            .unwrap();
        let missing = format!("{app}/communication/conversations/2/audioVideo");
        let missing = batch
            .add(AudioVideoGet::request(origin, &Link::to(missing), format).unwrap())
            .unwrap();
        let answers = batch.send().await.unwrap();

        assert_eq!(
            answers.get(me).unwrap().name.as_deref(),
            Some("Lene Aaling")
        );
        match answers.get(presence) {
            Err(ClientError::Response(ResponseError::Ucwa(
                PresenceGetError::MakeMeAvailableRequired(body),
            ))) => assert_eq!(body.code, "Conflict"),
            other => panic!("{format:?}: {other:?}"),
        }
        match answers.get(missing) {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(error.status(), 404);
                assert_eq!(error.body().code, "NotFound");
            }
            other => panic!("{format:?}: {other:?}"),
        }
        // The raw answer is there too.
        assert_eq!(
            answers.response(presence).unwrap().status(),
            StatusCode::CONFLICT
        );
    }
}

#[tokio::test]
async fn the_batch_itself_fails_typed() {
    for format in FORMATS {
        let (emulator, client, application) = signed_in(Config::default(), format).await;
        let app = app_path(&application);
        let me = Link::to(format!("{app}/me"));
        let batch_path = format!("{app}/batch");
        emulator
            .faults()
            .inject(Fault::service_failure(Method::POST, batch_path.clone()))
            .unwrap();
        let mut batch = client.batch(&application);
        batch
            .add(MeGet::request(client.origin(), &me, format).unwrap())
            .unwrap();
        match batch.send().await {
            Err(ClientError::Response(ResponseError::Ucwa(BatchPostError::Common(error)))) => {
                assert_eq!(error.status(), 503)
            }
            other => panic!("{format:?}: {other:?}"),
        }
        assert_eq!(
            emulator
                .observed()
                .request_count(&Method::GET, &format!("{app}/me")),
            0
        );

        // What a batch cannot carry, or another operation's request, is refused before sending.
        let mut batch = client.batch(&application);
        let events = Link::to(format!("{app}/events"));
        assert_eq!(
            batch
                .add(
                    EventsGet::request(client.origin(), &events, &Default::default(), format)
                        .unwrap()
                )
                .unwrap_err(),
            BatchError::NotBatchable { rel: "events" }
        );
        // Another operation's request typed by hand as a `MeGet` (a generated one cannot be
        // added as another operation's: it does not compile).
        let post = BatchPost::request(client.origin(), &Link::to(batch_path), vec![]);
        let mistyped = ucwa::operation::Request::<MeGet>::from_http(post.unwrap().into_http());
        assert!(matches!(
            batch.add(mistyped),
            Err(BatchError::WrongMethod { .. })
        ));
        assert!(matches!(
            batch.send().await,
            Err(ClientError::Batch(BatchError::Empty))
        ));
    }
}

#[tokio::test]
async fn the_part_limit_is_kept_by_the_client_and_by_the_emulator() {
    for format in FORMATS {
        let config = Config {
            limits: Limits {
                max_batch_parts: 3,
                ..Limits::default()
            },
            ..Config::default()
        };
        let (emulator, client, application) = signed_in(config, format).await;
        let app = app_path(&application);
        let me = Link::to(format!("{app}/me"));

        // The client: 100 at most, refused before anything is sent.
        let mut batch = client.batch(&application);
        for _ in 0..ucwa_client::batch::Batch::MAX_PARTS {
            batch
                .add(MeGet::request(client.origin(), &me, format).unwrap())
                .unwrap();
        }
        assert_eq!(
            batch
                .add(MeGet::request(client.origin(), &me, format).unwrap())
                .unwrap_err(),
            BatchError::TooManyParts { max: 100 }
        );

        // The emulator, set to 3: a batch of 4 is answered 429 and none of it runs.
        let mut batch = client.batch(&application);
        for _ in 0..4 {
            batch
                .add(MeGet::request(client.origin(), &me, format).unwrap())
                .unwrap();
        }
        match batch.send().await {
            Err(ClientError::Response(ResponseError::Ucwa(BatchPostError::TooManyRequests(
                body,
            )))) => assert_eq!(body.code, "TooManyRequests"),
            other => panic!("{format:?}: {other:?}"),
        }
        assert_eq!(
            emulator
                .observed()
                .request_count(&Method::GET, &format!("{app}/me")),
            0
        );
    }
}

/// A raw batch, sent by hand: what the emulator answers to what the client never sends.
async fn raw(
    emulator: &Emulator,
    path: &str,
    format: Format,
    content_type: &str,
    body: String,
) -> (StatusCode, String, String) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", emulator.origin()))
        .bearer_auth(emulator.token())
        .header(
            "Accept",
            format!("multipart/batching, {}", format.media_type()),
        )
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

fn part(method: &str, path: &str, format: Format) -> String {
    format!(
        "Content-Type: application/http; msgtype=request\r\n\r\n\
         {method} {path} HTTP/1.1\r\nAccept: {}\r\n\r\n",
        format.media_type()
    )
}

#[tokio::test]
async fn malformed_batches_are_refused_with_typed_errors() {
    for format in FORMATS {
        let config = Config {
            limits: Limits {
                max_batch_parts: 2,
                ..Limits::default()
            },
            ..Config::default()
        };
        let (emulator, client, application) = signed_in(config, format).await;
        let app = app_path(&application);
        let batch = format!("{app}/batch");
        let me = part("GET", &format!("{app}/me"), format);
        let multipart = "multipart/batching; boundary=b";

        // The reference's sample, as the generated operation reads it: the typed error.
        let refused = |body: &'static [u8], content_type: &'static str| {
            let mut request =
                BatchPost::request(client.origin(), &Link::to(batch.as_str()), body.to_vec())
                    .unwrap();
            ucwa::operation::Batch::prepare(content_type, request.as_http_mut()).unwrap();
            request
                .as_http_mut()
                .headers_mut()
                .insert("accept", format.media_type().parse().unwrap());
            request
        };
        match client
            .send(refused(
                b"--b\r\nContent-Type: application/http\r\n\r\nGET /",
                multipart,
            ))
            .await
        {
            Err(ClientError::Response(ResponseError::Ucwa(BatchPostError::Common(error)))) => {
                assert_eq!(error.status(), 400);
                let message = error.body().message.clone().unwrap();
                assert!(message.contains("at byte 44"), "{message}");
                assert!(message.contains("closing delimiter"), "{message}");
            }
            other => panic!("{format:?}: {other:?}"),
        }
        match client.send(refused(b"{}", "application/json")).await {
            Err(ClientError::Response(ResponseError::Ucwa(BatchPostError::Common(error)))) => {
                assert_eq!(error.status(), 415);
                assert_eq!(error.body().code, "UnsupportedMediaType");
            }
            other => panic!("{format:?}: {other:?}"),
        }

        // Over the limit, by hand: 429, nothing run.
        let three = format!("--b\r\n{me}\r\n--b\r\n{me}\r\n--b\r\n{me}\r\n--b--\r\n");
        let (status, _, body) = raw(&emulator, &batch, format, multipart, three).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(body.contains("TooManyRequests"), "{body}");
        assert_eq!(
            emulator
                .observed()
                .request_count(&Method::GET, &format!("{app}/me")),
            0
        );

        // Parts a batch cannot carry are refused in their place; the others run.
        let events = part("GET", &format!("{app}/events"), format);
        let two = format!("--b\r\n{events}\r\n--b\r\n{me}\r\n--b--\r\n");
        let (status, content_type, body) = raw(&emulator, &batch, format, multipart, two).await;
        assert_eq!(status, StatusCode::OK);
        let answers = ucwa::operation::multipart::read_responses(
            &content_type,
            body.as_bytes(),
            &ucwa::operation::multipart::Limits {
                max_parts: 2,
                max_part_size: 1 << 20,
            },
        )
        .unwrap();
        assert_eq!(answers[0].status(), StatusCode::BAD_REQUEST);
        assert_eq!(answers[1].status(), StatusCode::OK);
        assert_eq!(
            answers[1].headers()["content-type"].to_str().unwrap(),
            format.media_type()
        );
        assert!(String::from_utf8_lossy(answers[1].body()).contains("Lene Aaling"));
    }
}
