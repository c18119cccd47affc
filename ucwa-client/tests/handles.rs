//! Every task handle of a session, made before the emulator drops the application, works on
//! the application that replaced it after the recovery, in JSON and in XML: a handle finds its
//! links in the application the session holds when it is called, not when it was made.

mod common;

use tokio::sync::broadcast;
use ucwa::operations::{ApplicationGet, MyOnlineMeetingsPostBody};
use ucwa::resources::Application;
use ucwa::{Href, Link};
use ucwa_client::messaging::StartMessaging;
use ucwa_client::{Session, Status};
use ucwa_emulator::Limits;

use common::{FORMATS, WAIT};

/// The session's application's `self` href.
fn own(application: &Application) -> Href {
    application.links.self_.as_ref().unwrap().href.clone()
}

/// Whether `href` is below the application at `application`.
fn under(href: &Href, application: &Href) -> bool {
    href.as_str()
        .starts_with(&format!("{}/", application.as_str()))
}

/// Drops every application on the emulator and waits until the session reports the new one.
async fn recovered(
    emulator: &ucwa_emulator::Emulator,
    session: &Session,
    status: &mut broadcast::Receiver<Status>,
) -> Href {
    let before = own(&session.application());
    assert!(emulator.faults().delete_applications() >= 1);
    let reported = tokio::time::timeout(WAIT, async {
        loop {
            if let Status::Recovered { application, .. } = status.recv().await.unwrap() {
                return application.expect("the new application's link");
            }
        }
    })
    .await
    .expect("a recovery within the wait");
    let after = own(&session.application());
    assert_eq!(reported, after);
    assert_ne!(before, after);
    after
}

#[tokio::test]
async fn every_task_handle_made_before_a_recovery_works_after_it_in_json_and_xml() {
    let emulator = common::emulator(Limits::default()).await;
    for format in FORMATS {
        let session = common::session(&emulator, "lene@contoso.com", format).await;
        let mut status = session.status();
        // Made before: cheap, and nothing is read yet.
        let me = session.me();
        let people = session.people();
        let meetings = session.online_meetings();
        let messaging = session.messaging();
        let history = session.history();
        let mut batch = session.batch();
        let gone = own(&session.application());

        let now = recovered(&emulator, &session, &mut status).await;
        assert!(!under(&now, &gone), "{format}");

        // me: read and published on the new application's `me`.
        let resource = me.get().await.unwrap();
        let me_href = resource.links.self_.as_ref().unwrap().href.clone();
        assert!(under(&me_href, &now), "{format}: {me_href:?}");
        me.set_note("after the recovery").await.unwrap();
        assert_eq!(
            me.note().await.unwrap().message.as_deref(),
            Some("after the recovery"),
            "{format}"
        );

        // people: the new application's hub.
        let hub = people.resource().unwrap();
        assert!(
            under(&hub.links.self_.as_ref().unwrap().href, &now),
            "{format}"
        );
        let ann = people.contact("ann@contoso.com").await.unwrap();
        assert_eq!(ann.name.as_deref(), Some("Ann Remote"), "{format}");
        assert!(people.search("Ann", None).await.is_ok(), "{format}");

        // online meetings: scheduled through the new application.
        let meeting = meetings
            .schedule(&MyOnlineMeetingsPostBody {
                subject: Some("After the recovery".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let meeting_href = meeting.links.self_.as_ref().unwrap().href.clone();
        assert!(under(&meeting_href, &now), "{format}: {meeting_href:?}");
        assert_eq!(meetings.list().await.unwrap().len(), 1, "{format}");
        meetings.delete(&meeting).await.unwrap();

        // messaging: the invitation is the new application's, and its outcome comes on the
        // new application's event channel.
        let mut events = session.events();
        let mut invitation = messaging
            .start(StartMessaging::to("nobody@contoso.com"))
            .await
            .unwrap();
        assert!(under(&invitation.link.href, &now), "{format}");
        let outcome = invitation.outcome(&mut events, WAIT).await.unwrap();
        assert_eq!(
            outcome.failure(),
            Some(("NotFound", Some("DestinationNotFound"))),
            "{format}"
        );

        // history: the new application's `conversationLogs` and `missedItems`.
        assert!(
            history.log_links(None).await.unwrap().is_empty(),
            "{format}"
        );
        assert_eq!(history.missed_items().await.unwrap().logs, 0, "{format}");

        // batch: sent to the new application's `batch` link.
        let client = session.client();
        let link: Link<Application> = Link::to(now.as_str());
        let ticket = batch
            .add(ApplicationGet::request(client.origin(), &link, client.format()).unwrap())
            .unwrap();
        let answers = batch.send().await.unwrap();
        let application = answers.get(ticket).unwrap();
        assert_eq!(own(&application), now, "{format}");
        assert_eq!(application.id, session.application().id, "{format}");

        session.shutdown().await;
    }
}

#[tokio::test]
async fn a_handle_over_a_given_application_names_the_link_it_lacks_when_called() {
    let emulator = common::emulator(Limits::default()).await;
    let (client, mut application) =
        common::application(&emulator, "lene@contoso.com", ucwa::Format::Json, true).await;
    application.embedded.people = None;
    application.embedded.online_meetings = None;
    application.links.batch = None;
    // Made without a request or an error; each call says what is missing.
    let people = client.people(&application);
    let meetings = client.online_meetings(&application);
    let batch = client.batch(&application);
    match people.contacts().await {
        Err(ucwa_client::ClientError::MissingLink { resource, rel }) => {
            assert_eq!((resource, rel), ("application", "people"));
        }
        other => panic!("{other:?}"),
    }
    match meetings.list().await {
        Err(ucwa_client::ClientError::MissingLink { resource, rel }) => {
            assert_eq!((resource, rel), ("application", "onlineMeetings"));
        }
        other => panic!("{other:?}"),
    }
    match batch.send().await {
        Err(ucwa_client::ClientError::MissingLink { resource, rel }) => {
            assert_eq!((resource, rel), ("application", "batch"));
        }
        other => panic!("{other:?}"),
    }
    // Without `communication`, history says which link it lacks.
    let mut without = application.clone();
    if let Some(communication) = without.embedded.communication.as_mut() {
        communication.links.conversation_logs = None;
    }
    match client.history(&without).logs(Default::default()).await {
        Err(ucwa_client::ClientError::MissingLink { resource, rel }) => {
            assert_eq!((resource, rel), ("communication", "conversationLogs"));
        }
        other => panic!("{other:?}"),
    }
    // What the application has still works.
    let me = client.me(&application);
    assert!(me.presence().await.is_ok());
    assert_eq!(
        client
            .history(&application)
            .missed_items()
            .await
            .unwrap()
            .logs,
        0
    );
}
