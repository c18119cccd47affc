//! The user's photo, in JSON and in XML: the picture itself (not a resource) from the
//! emulator, at the default size and at one asked for, a size the server refuses as the typed
//! `400`, and — from a small server on loopback that answers what each case needs — the
//! `Accept` a photo request sends and the answers that are not an image.
#![cfg(feature = "me")]

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ucwa::operation::{GenericError, UcwaError};
use ucwa::operations::PhotoGetError;
use ucwa::resources::{Application, ApplicationEmbedded, Me, MeLinks};
use ucwa::{Format, Link, ResponseError};
use ucwa_client::{Client, ClientError};
use ucwa_emulator::{Config, Emulator, PHOTO_PNG};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[tokio::test]
async fn the_photo_is_the_picture_in_json_and_xml() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    for format in [Format::Json, Format::Xml] {
        for address in ["lene@contoso.com", "ann@contoso.com"] {
            let session = common::session(&emulator, address, format).await;
            let me = session.me();
            let link = me.get().await.unwrap().links.photo.clone().unwrap();
            assert!(
                link.href.as_str().ends_with(&format!("/photos/{address}")),
                "{format}: {}",
                link.href.as_str()
            );

            for size in [None, Some("HR64X64"), Some("hr96x96")] {
                let photo = me.photo(size).await.unwrap();
                assert_eq!(photo.media_type, "image/png", "{format} {size:?}");
                assert_eq!(photo.essence(), "image/png");
                assert!(photo.bytes.starts_with(PNG_SIGNATURE), "{format}");
                assert_eq!(photo.bytes, PHOTO_PNG, "{format} {size:?}");
            }

            // A size not as the server spells it: its typed 400, naming the parameter.
            match me.photo(Some("64X64")).await {
                Err(ClientError::Response(ResponseError::Ucwa(PhotoGetError::Common(
                    UcwaError::Generic {
                        status: 400,
                        kind: GenericError::ParameterValidationFailure,
                        body,
                    },
                )))) => {
                    let parameters = body.parameters.as_ref().map(|p| p.to_string());
                    assert!(
                        parameters.as_deref().unwrap_or_default().contains("size"),
                        "{format}: {parameters:?}"
                    );
                }
                other => panic!("{format}: expected the typed 400, got {other:?}"),
            }
            session.shutdown().await;
        }
    }
}

/// An answer of the small server: status, `Content-Type` (none without), body.
type Answer = (StatusCode, Option<&'static str>, Vec<u8>);

/// What the small server answers a photo request with, and what it was asked.
#[derive(Default)]
struct Photo {
    answer: Mutex<Option<Answer>>,
    accepts: Mutex<Vec<Option<String>>>,
}

const APP: &str = "/ucwa/oauth/v1/applications/7";

/// `me` (with a photo link) in the representation asked for, and the photo as set.
async fn fake_server(state: Arc<Photo>) -> SocketAddr {
    async fn me(headers: HeaderMap) -> Response {
        let format = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .and_then(Format::from_content_type)
            .unwrap_or(Format::Json);
        let me = Me {
            name: Some("Lene Aaling".into()),
            links: MeLinks {
                self_: Some(Link::to(format!("{APP}/me"))),
                photo: Some(Link::to(format!("{APP}/photos/lene@contoso.com"))),
                ..MeLinks::default()
            },
            ..Me::default()
        };
        let body = ucwa::codec::encode(format, &me).unwrap();
        ([(header::CONTENT_TYPE, format.media_type())], body).into_response()
    }
    async fn photo(State(photo): State<Arc<Photo>>, headers: HeaderMap) -> Response {
        let accept = headers
            .get(header::ACCEPT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        photo.accepts.lock().unwrap().push(accept);
        let (status, content_type, body) = photo.answer.lock().unwrap().clone().unwrap();
        let mut response = (status, body).into_response();
        // axum labels bytes `application/octet-stream`: set or remove it as the case says.
        let headers = response.headers_mut();
        match content_type {
            Some(content_type) => {
                headers.insert(header::CONTENT_TYPE, content_type.parse().unwrap());
            }
            None => {
                headers.remove(header::CONTENT_TYPE);
            }
        }
        response
    }
    let router = Router::new()
        .route(&format!("{APP}/me"), get(me))
        .route(&format!("{APP}/photos/{{address}}"), get(photo))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

#[tokio::test]
async fn a_photo_request_asks_for_an_image_and_takes_nothing_else() {
    let state = Arc::new(Photo::default());
    let addr = fake_server(state.clone()).await;
    // The application as read after makeMeAvailable: its `me` links the photo.
    let application = Application {
        embedded: ApplicationEmbedded {
            me: Some(Box::new(Me {
                links: MeLinks {
                    self_: Some(Link::to(format!("{APP}/me"))),
                    photo: Some(Link::to(format!("{APP}/photos/lene@contoso.com"))),
                    ..MeLinks::default()
                },
                ..Me::default()
            })),
            ..ApplicationEmbedded::default()
        },
        ..Application::default()
    };
    let set = |status: u16, content_type: Option<&'static str>, body: &[u8]| {
        *state.answer.lock().unwrap() = Some((
            StatusCode::from_u16(status).unwrap(),
            content_type,
            body.to_vec(),
        ));
    };
    for format in [Format::Json, Format::Xml] {
        let client = Client::builder(format!("http://{addr}"), "cwt=token")
            .format(format)
            .build()
            .unwrap();
        let me = client.me(&application);
        assert_eq!(me.get().await.unwrap().name.as_deref(), Some("Lene Aaling"));
        state.accepts.lock().unwrap().clear();

        // A JPEG, with parameters on its type: taken as sent.
        set(200, Some("image/jpeg; x=1"), b"\xff\xd8\xff\xe0 jpeg");
        let photo = me.photo(Some("HR48X48")).await.unwrap();
        assert_eq!(photo.media_type, "image/jpeg; x=1", "{format}");
        assert_eq!(photo.essence(), "image/jpeg");
        assert_eq!(photo.bytes, b"\xff\xd8\xff\xe0 jpeg");

        // Not an image: a `photo` resource in JSON or XML, a proxy's page, no type at all.
        let json = br#"{"rel":"photo","_links":{"self":{"href":"/x"}}}"#;
        let xml = br#"<resource rel="photo" href="/x" xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"/>"#;
        for (content_type, body) in [
            (Some("application/json"), &json[..]),
            (Some("application/vnd.microsoft.com.ucwa+xml"), &xml[..]),
            (
                Some("text/html"),
                b"<html><body>Sign in to the proxy</body></html>",
            ),
            (Some("application/octet-stream"), PNG_SIGNATURE),
            (None, PNG_SIGNATURE),
        ] {
            set(200, content_type, body);
            match me.photo(None).await {
                Err(ClientError::Response(ResponseError::NotUcwa(not))) => {
                    assert_eq!(not.status, 200, "{format}");
                    assert_eq!(not.content_type.as_deref(), content_type, "{format}");
                    assert!(not.reason.contains("image/*"), "{format}: {}", not.reason);
                }
                other => panic!("{format} {content_type:?}: expected NotUcwa, got {other:?}"),
            }
        }

        // An error answer is still read as the operation's error, in whichever representation.
        let conflict = br#"{"code":"Conflict","subcode":"AlreadyExists","message":"x"}"#;
        set(409, Some("application/json"), conflict);
        assert!(
            matches!(
                me.photo(None).await,
                Err(ClientError::Response(ResponseError::Ucwa(
                    PhotoGetError::AlreadyExists(_)
                )))
            ),
            "{format}"
        );

        // Every one asked for an image, whatever the client's format.
        let accepts = state.accepts.lock().unwrap().clone();
        assert_eq!(accepts.len(), 7, "{format}");
        assert!(
            accepts.iter().all(|a| a.as_deref() == Some("image/*")),
            "{format}: {accepts:?}"
        );
    }
}
