//! The "me" tasks against the emulator, in JSON and in XML: get, set and reset the user's
//! availability and note, get and set the location, what happens before the user is made
//! available, and the events each change sends to the user's applications.

mod common;

use common::{application, emulator, session, wait_for};
use ucwa::enumerations::{Availability, NoteType, PreferredAvailability};
use ucwa::events::{Event, EventType};
use ucwa::operations::{PresenceGet, PresenceGetError};
use ucwa::resources::{AnyResource, Application};
use ucwa::{Format, Link, ResponseError};
use ucwa_client::ClientError;
use ucwa_emulator::Limits;

/// The next event about `rel` of type `kind`, skipping others.
async fn next_about(
    events: &mut ucwa_client::EventReceiver,
    kind: EventType,
    rel: &str,
) -> Event<AnyResource> {
    let kind = &kind;
    wait_for(events, |e| {
        (e.event_type == *kind && e.rel == rel).then(|| e.clone())
    })
    .await
}

#[tokio::test]
async fn availability_note_and_location_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in [Format::Json, Format::Xml] {
        let session = session(&emulator, "lene@contoso.com", format).await;
        let mut events = session.events();
        let me = session.me();
        let resource = me.get().await.unwrap();
        assert_eq!(resource.name.as_deref(), Some("Lene Aaling"));
        assert_eq!(
            resource.uri.as_ref().map(|u| u.as_str()),
            Some("sip:lene@contoso.com")
        );

        // Availability: set, read back, announced, reset to what it was.
        assert_eq!(
            me.presence().await.unwrap().availability,
            Some(Availability::Online),
            "{format}"
        );
        me.set_availability(PreferredAvailability::Busy)
            .await
            .unwrap();
        let event = next_about(&mut events, EventType::Updated, "presence").await;
        assert!(
            event.link.href.as_str().ends_with("/me/presence"),
            "{format}"
        );
        assert_eq!(
            me.presence().await.unwrap().availability,
            Some(Availability::Busy),
            "{format}"
        );
        me.reset_availability().await.unwrap();
        next_about(&mut events, EventType::Updated, "presence").await;
        assert_eq!(
            me.presence().await.unwrap().availability,
            Some(Availability::Online),
            "{format}"
        );

        // The note: a personal one, then cleared.
        me.set_note("In the lab until noon – ünïcode")
            .await
            .unwrap();
        next_about(&mut events, EventType::Updated, "note").await;
        let note = me.note().await.unwrap();
        assert_eq!(
            note.message.as_deref(),
            Some("In the lab until noon – ünïcode"),
            "{format}"
        );
        assert_eq!(note.r#type, Some(NoteType::Personal));
        me.reset_note().await.unwrap();
        assert_eq!(me.note().await.unwrap().message, None, "{format}");

        // The location, within its 60 characters; a longer one is refused before sending.
        me.set_location("Building 7, room 1201").await.unwrap();
        next_about(&mut events, EventType::Updated, "location").await;
        assert_eq!(
            me.location().await.unwrap().location.as_deref(),
            Some("Building 7, room 1201")
        );
        let too_long = "x".repeat(61);
        match me.set_location(&too_long).await {
            Err(ClientError::Request(error)) => {
                assert!(error.to_string().contains("location"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            me.location().await.unwrap().location.as_deref(),
            Some("Building 7, room 1201")
        );
        session.shutdown().await;
    }
}

#[tokio::test]
async fn before_make_me_available_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in [Format::Json, Format::Xml] {
        let (client, application) = application(&emulator, "lene@contoso.com", format, false).await;
        let me = client.me(&application);
        // `me` offers makeMeAvailable and nothing of what the user publishes yet.
        let resource = me.get().await.unwrap();
        assert!(resource.links.make_me_available.is_some(), "{format}");
        match me.presence().await {
            Err(ClientError::MissingLink { resource, rel }) => {
                assert_eq!((resource, rel), ("me", "presence"));
            }
            other => panic!("{other:?}"),
        }
        // Asked anyway, the server answers the typed 409.
        let me_href = resource.links.self_.as_ref().unwrap().href.clone();
        let presence = Link::to(format!("{}/presence", me_href.as_str()));
        let request = PresenceGet::request(client.origin(), &presence, format).unwrap();
        match client.send(request).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                PresenceGetError::MakeMeAvailableRequired(body),
            ))) => assert_eq!(body.code, "Conflict"),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn each_user_publishes_their_own_and_reaches_only_their_own_application() {
    let emulator = emulator(Limits::default()).await;
    let lene = session(&emulator, "lene@contoso.com", Format::Json).await;
    let ann = session(&emulator, "ann@contoso.com", Format::Xml).await;
    let (lene_me, ann_me) = (lene.me(), ann.me());
    assert_eq!(
        ann_me.get().await.unwrap().name.as_deref(),
        Some("Ann Remote")
    );
    ann_me
        .set_availability(PreferredAvailability::DoNotDisturb)
        .await
        .unwrap();
    assert_eq!(
        ann_me.presence().await.unwrap().availability,
        Some(Availability::DoNotDisturb)
    );
    assert_eq!(
        lene_me.presence().await.unwrap().availability,
        Some(Availability::Online)
    );
    // Ann's token does not reach Lene's application: it is not there for her.
    let lene_application = lene.application();
    let as_ann = ann.client();
    let error = as_ann
        .get(
            &lene_application
                .links
                .self_
                .as_ref()
                .unwrap()
                .to_cast::<Application>(),
        )
        .await;
    match error {
        Err(ClientError::Response(ResponseError::Ucwa(error))) => {
            assert_eq!(error.body().code, "NotFound");
        }
        other => panic!("{other:?}"),
    }
    lene.shutdown().await;
    ann.shutdown().await;
}
