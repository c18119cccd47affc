//! The requests of the reference's walkthroughs, sent as those pages send them (their bodies,
//! keys, query parameters and headers verbatim, only the users changed to the emulator's), so
//! that a client written against a real server runs against the emulator unchanged: set and
//! reset presence and note (SetMyPresenceInformation, ResetMyPresenceInformation,
//! ResetMyNoteInfo), send an IM (SendAnIM) and receive one (ReceiveAnIM).

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use ucwa_emulator::{APPLICATIONS_PATH, Config, Emulator};

/// A user's HTTP client with their token, and their application, made available with the body
/// the walkthroughs send (`SupportedModalities`, capitalised as they write it).
struct User {
    http: Client,
    origin: String,
    token: String,
    app: String,
}

impl User {
    async fn new(emulator: &Emulator, address: &str) -> User {
        let user = User {
            http: Client::new(),
            origin: emulator.origin(),
            token: emulator.token_for(address).unwrap(),
            app: String::new(),
        };
        let created = user
            .post(
                APPLICATIONS_PATH,
                Some("application/json"),
                r#"{"UserAgent":"UCWA Samples","EndpointId":"a917c6f4-976c-4cf3-847d-cdfffa28ccdf","Culture":"en-US"}"#,
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let application: Value = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
        let app = application["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .to_owned();
        let user = User { app, ..user };
        let available = user
            .post(
                &format!("{}/me/makeMeAvailable", user.app),
                Some("application/json"),
                r#"{"SupportedModalities": ["Messaging"]}"#,
            )
            .await;
        assert_eq!(available.status(), StatusCode::NO_CONTENT);
        user
    }

    async fn post(&self, path: &str, content_type: Option<&str>, body: &str) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}{path}", self.origin))
            .bearer_auth(&self.token)
            .header("Accept", "application/json")
            .header("X-Requested-With", "XMLHttpRequest")
            .body(body.to_owned());
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request.send().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let answer = self
            .http
            .get(format!("{}{path}", self.origin))
            .bearer_auth(&self.token)
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "GET {path}");
        serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap()
    }

    /// Event batches from `ack`, until one has an event `pick` accepts; returns it and the next
    /// ack.
    async fn event_where(&self, mut ack: u64, pick: impl Fn(&Value) -> bool) -> (Value, u64) {
        for _ in 0..20 {
            let batch = self
                .get(&format!("{}/events?ack={ack}&timeout=2", self.app))
                .await;
            ack = batch["_links"]["next"]["href"]
                .as_str()
                .and_then(|h| h.rsplit("ack=").next())
                .and_then(|n| n.parse().ok())
                .unwrap();
            let events = batch["sender"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| s["events"].as_array().into_iter().flatten());
            for event in events {
                if pick(event) {
                    return (event.clone(), ack);
                }
            }
        }
        panic!("no such event");
    }
}

async fn emulator() -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(2),
        ..Config::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn presence_and_note_as_the_walkthroughs_set_and_reset_them() {
    let emulator = emulator().await;
    let lene = User::new(&emulator, "lene@contoso.com").await;
    let presence = format!("{}/me/presence", lene.app);
    let set = lene
        .post(
            &presence,
            Some("application/json"),
            r#"{"availability":"Online"}"#,
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let busy = lene
        .post(
            &presence,
            Some("application/json"),
            r#"{"availability":"Busy"}"#,
        )
        .await;
    assert_eq!(busy.status(), StatusCode::NO_CONTENT);
    assert_eq!(lene.get(&presence).await["availability"], "Busy");
    // Reset: a POST with an empty body, as ResetMyPresenceInformation sends it.
    let reset = lene.post(&presence, Some("application/json"), "").await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(lene.get(&presence).await["availability"], "Online");

    // A method the resource does not take: a UCWA error, not an empty answer.
    let put = lene
        .http
        .put(format!("{}{presence}", lene.origin))
        .bearer_auth(&lene.token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = serde_json::from_slice(&put.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "MethodNotAllowed");

    let note = format!("{}/me/note", lene.app);
    let set = lene
        .post(
            &note,
            Some("application/json"),
            r#"{"message":"Working from home"}"#,
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(lene.get(&note).await["message"], "Working from home");
    // ResetMyNoteInfo: `Content-Length: 0` and no Content-Type at all.
    let reset = lene.post(&note, None, "").await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert!(lene.get(&note).await.get("message").is_none());
}

#[tokio::test]
async fn an_im_as_send_an_im_and_receive_an_im_exchange_it() {
    let emulator = emulator().await;
    let lene = User::new(&emulator, "lene@contoso.com").await;
    let ann = User::new(&emulator, "ann@contoso.com").await;
    let application = lene.get(&lene.app).await;
    let start = application["_embedded"]["communication"]["_links"]["startMessaging"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    // SendAnIM's body, verbatim but for `to` (and `telemetryId: null`, which it sends too).
    let body = r#"{
"importance":"Normal",
"sessionContext":"33dc0ef6-0570-4467-bb7e-49fcbea8e944",
"subject":"Task Sample",
"telemetryId":null,
"to":"sip:ann@contoso.com",
"operationId":"5028e824-2268-4b14-9e59-1abad65ff393"
}"#;
    let started = lene.post(&start, Some("application/json"), body).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let invitation = started.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(invitation.contains("/communication/messagingInvitations/"));
    assert_eq!(started.content_length(), Some(0));

    // Ann's side: the incoming invitation, accepted with `?sessionContext=` and no body.
    let (incoming, _) = ann
        .event_where(1, |e| {
            e["type"] == "started" && e["link"]["rel"] == "messagingInvitation"
        })
        .await;
    let incoming = &incoming["_embedded"]["messagingInvitation"];
    assert_eq!(incoming["direction"], "Incoming");
    assert_eq!(incoming["subject"], "Task Sample");
    assert_eq!(incoming["_embedded"]["from"]["name"], "Lene Aaling");
    let accept = incoming["_links"]["accept"]["href"].as_str().unwrap();
    let accepted = ann
        .post(
            &format!("{accept}?sessionContext=2687ba8f-048e-4ffa-83b3-0849c6b9004c"),
            None,
            "",
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::NO_CONTENT);

    // Lene's side: the invitation completes, and messaging offers sendMessage.
    let (completed, ack) = lene
        .event_where(1, |e| {
            e["type"] == "completed" && e["link"]["rel"] == "messagingInvitation"
        })
        .await;
    assert_eq!(completed["status"], "Success");
    let conversation =
        completed["_embedded"]["messagingInvitation"]["_links"]["conversation"]["href"]
            .as_str()
            .unwrap()
            .to_owned();
    let conversation = lene.get(&conversation).await;
    assert_eq!(conversation["state"], "Connected");
    let messaging = lene
        .get(
            conversation["_links"]["messaging"]["href"]
                .as_str()
                .unwrap(),
        )
        .await;
    let send = messaging["_links"]["sendMessage"]["href"].as_str().unwrap();
    // SendAnIM sends `OperationContext` (the reference's table says `operationId`).
    let sent = lene
        .post(
            &format!("{send}?OperationContext=6b6ce55c-d4b9-4303-a61f-5813ecb2d7b1"),
            Some("text/plain"),
            "What's up?",
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert!(
        sent.headers()[LOCATION]
            .to_str()
            .unwrap()
            .contains("/messaging/messages/")
    );
    let (outgoing, _) = lene
        .event_where(ack, |e| {
            e["type"] == "completed" && e["link"]["rel"] == "message"
        })
        .await;
    assert_eq!(outgoing["_embedded"]["message"]["direction"], "Outgoing");

    // Ann receives it as ReceiveAnIM shows: `plainMessage`, a data URI.
    let (message, _) = ann
        .event_where(1, |e| {
            e["type"] == "completed" && e["_embedded"]["message"]["direction"] == "Incoming"
        })
        .await;
    let text = message["_embedded"]["message"]["_links"]["plainMessage"]["href"]
        .as_str()
        .unwrap();
    assert!(text.starts_with("data:text/plain"), "{text}");
    let decoded = ucwa::DataUri::parse(text).unwrap().decode().unwrap();
    assert_eq!(decoded, b"What's up?");

    // stopMessaging with `Content-Length: 0`.
    let stop = messaging["_links"]["stopMessaging"]["href"]
        .as_str()
        .unwrap();
    assert_eq!(
        lene.post(stop, None, "").await.status(),
        StatusCode::NO_CONTENT
    );
}

/// What other clients send as a server takes it: form fields, header names, the
/// authentication scheme, body keys and query parameters in any case; and what a batch's shape
/// holds is written even when empty (`sender`, an array, in a batch that timed out empty).
#[tokio::test]
async fn any_casing_a_server_accepts_and_an_empty_batch_keeps_its_sender_list() {
    let emulator = emulator().await;
    let http = Client::new();
    let origin = emulator.origin();
    // The token endpoint's form fields, capitalised.
    let answer = http
        .post(format!("{origin}{}", ucwa_emulator::TOKEN_PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Grant_Type=password&UserName=lene%40contoso.com&PASSWORD=pass%40word1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let issued: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    let token = issued["access_token"].as_str().unwrap().to_owned();
    // The scheme in lower case, header names in odd case, the media type capitalised, the
    // body's keys capitalised.
    let created = http
        .post(format!("{origin}{APPLICATIONS_PATH}"))
        .header("AUTHORIZATION", format!("bearer {token}"))
        .header("ACCEPT", "application/JSON")
        .header("Content-TYPE", "Application/Json")
        .body(r#"{"UserAgent":"casing","EndpointId":"casing-1","Culture":"en-US"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let application: Value = serde_json::from_slice(&created.bytes().await.unwrap()).unwrap();
    assert_eq!(application["userAgent"], "casing");
    assert_eq!(application["endpointId"], "casing-1");
    let app = application["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let lene = User {
        http,
        origin,
        token,
        app,
    };
    let available = lene
        .post(
            &format!("{}/me/makeMeAvailable", lene.app),
            Some("application/json"),
            r#"{"SupportedModalities":["Messaging"]}"#,
        )
        .await;
    assert_eq!(available.status(), StatusCode::NO_CONTENT);
    let note = format!("{}/me/note", lene.app);
    let set = lene
        .post(
            &note,
            Some("application/json"),
            r#"{"Message":"In casing"}"#,
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(lene.get(&note).await["message"], "In casing");

    // The event channel's `ack` and `timeout` in other cases; read until a batch times out
    // with nothing in it, in both representations.
    let mut ack = 1u64;
    let mut empty = None;
    for _ in 0..10 {
        let batch = lene
            .get(&format!("{}/events?Ack={ack}&TIMEOUT=1", lene.app))
            .await;
        ack = batch["_links"]["next"]["href"]
            .as_str()
            .and_then(|h| h.rsplit("ack=").next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        if batch["sender"].as_array().is_some_and(|s| s.is_empty()) {
            empty = Some(batch);
            break;
        }
        assert!(batch["sender"].is_array(), "{batch}");
    }
    let empty = empty.expect("an empty batch within ten");
    assert_eq!(empty["sender"], serde_json::json!([]));
    let xml = lene
        .http
        .get(format!(
            "{}{}/events?ACK={ack}&timeout=1",
            lene.origin, lene.app
        ))
        .bearer_auth(&lene.token)
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), StatusCode::OK);
    let xml = xml.text().await.unwrap();
    // XML has no empty list to write: the batch is its links alone, and reads as one.
    assert!(
        xml.contains("rel=\"next\"") && !xml.contains("<sender"),
        "{xml}"
    );
    let batch =
        ucwa::events::EventBatch::<ucwa::resources::AnyResource>::from_xml(xml.as_bytes()).unwrap();
    assert!(batch.senders.is_empty() && batch.next.is_some());
}

/// The same in XML: property names capitalised, as other clients write them.
#[tokio::test]
async fn capitalised_xml_property_names_are_taken() {
    let emulator = emulator().await;
    let lene = User::new(&emulator, "lene@contoso.com").await;
    let note = format!("{}/me/note", lene.app);
    let set = lene
        .post(
            &note,
            Some("application/xml"),
            r#"<?xml version="1.0" encoding="utf-8"?><input xmlns="http://schemas.microsoft.com/rtc/2012/03/ucwa"><property name="Message">In XML casing</property></input>"#,
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(lene.get(&note).await["message"], "In XML casing");
}
