//! The people task end to end, two users of one emulator, in both formats: Lene lists her
//! contacts and groups, reads Ann's presence, subscribes to it, hears Ann's changes on her
//! event channel, extends and deletes the subscription (and hears no more); search; the
//! errors the task can meet, typed.

use std::time::Duration;

use ucwa::Format;
use ucwa::ResponseError;
use ucwa::enumerations::{Availability, PreferredAvailability};
use ucwa::events::{Event, EventType};
use ucwa::http::Method;
use ucwa::operation::{GenericError, UcwaError};
use ucwa::operations::{
    AcceptPostError, AcceptedByContactGetError, MembershipsPostError, PresenceSubscriptionsPost,
    PresenceSubscriptionsPostBody,
};
use ucwa::resources::{AnyResource, Application, GroupRel};
use ucwa_client::people::{PeopleHandle, is_about, note_update, presence_update};
use ucwa_client::{Client, ClientError, EventChannel};
use ucwa_emulator::{Config, Emulator, Limits};

mod common;

use common::FORMATS;
const LENE: &str = "lene@contoso.com";
const ANN: &str = "ann@contoso.com";

/// One signed-in user: their client, application (made available) and event channel.
struct User {
    client: Client,
    application: Application,
    events: EventChannel,
}

impl User {
    async fn sign_in(emulator: &Emulator, address: &str, format: Format) -> User {
        let (client, application) = common::application(emulator, address, format, true).await;
        let events = client.events(application.links.events.as_ref().unwrap());
        User {
            client,
            application,
            events,
        }
    }

    fn people(&self) -> PeopleHandle {
        self.client.people(&self.application)
    }

    /// Events until one `pick` takes (within 10 s), and those passed over before it.
    async fn until<T>(
        &mut self,
        mut pick: impl FnMut(&Event<AnyResource>) -> Option<T>,
    ) -> (T, Vec<Event<AnyResource>>) {
        let mut passed = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let event = self.events.next_event().await.unwrap().unwrap();
                if let Some(found) = pick(&event) {
                    return (found, passed);
                }
                passed.push(event);
            }
        })
        .await
        .expect("the event within 10 s")
    }

    /// Sets Lene's own note and reads events up to its `updated`: what came before it is
    /// everything the channel held, so that an event that must not come is seen not to.
    async fn flush(&mut self, note: &str) -> Vec<Event<AnyResource>> {
        let me = self.client.me(&self.application);
        me.set_note(note).await.unwrap();
        let (_, passed) = self
            .until(|e| (e.rel == "note" && e.event_type == EventType::Updated).then_some(()))
            .await;
        passed
    }
}

async fn emulator(limits: Limits) -> Emulator {
    Emulator::start(Config {
        // The subscriptions' half hour passes on the clock; the applications must outlive it.
        application_expiry: Duration::from_secs(3600),
        limits,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn generic<E: std::error::Error>(error: &ClientError<E>) -> String {
    format!("{error:?}")
}

#[tokio::test]
async fn lene_subscribes_to_ann_and_hears_her_presence() {
    for format in FORMATS {
        let emulator = emulator(Limits::default()).await;
        let mut lene = User::sign_in(&emulator, LENE, format).await;
        let ann = User::sign_in(&emulator, ANN, format).await;
        let people = lene.people();

        // The contact list: everyone but Lene, Ann among them.
        let contacts = people.contacts().await.unwrap();
        let names: Vec<_> = contacts.iter().map(|c| c.name.clone().unwrap()).collect();
        assert_eq!(names, ["Ann Remote", "John Doe"], "{format:?}");
        let ann_contact = contacts
            .iter()
            .find(|c| c.uri.as_ref().map(|u| u.as_str()) == Some("sip:ann@contoso.com"))
            .unwrap()
            .clone();
        assert_eq!(
            ann_contact.email_addresses.as_deref(),
            Some(&[ANN.to_owned()][..])
        );

        // The same contact by address, and her presence: Online, on the web (signed in).
        let by_address = people.contact(ANN).await.unwrap();
        assert_eq!(by_address.links.self_, ann_contact.links.self_);
        let presence = people.contact_presence(&ann_contact).await.unwrap();
        assert_eq!(
            presence.availability,
            Some(Availability::Online),
            "{format:?}"
        );
        assert_eq!(
            presence.device_type,
            Some(ucwa::enumerations::ContactDeviceType::Web)
        );

        // Groups: the default group holds the same contacts.
        // The default group, then the pinned one (empty).
        let groups = people.groups().await.unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].rel, GroupRel::DefaultGroup);
        assert_eq!(groups[1].rel, GroupRel::PinnedGroup);
        assert_eq!(groups[0].name.as_deref(), Some("Other Contacts"));
        assert_eq!(people.group_contacts(&groups[0]).await.unwrap(), contacts);

        // Subscribing announces the subscription and Ann's presence to read.
        let mut subscription = people
            .subscribe(&["sip:ann@contoso.com"], 11)
            .await
            .unwrap();
        let id = subscription.id().unwrap().to_owned();
        let (link, passed) = lene.until(presence_update).await;
        assert!(
            passed.iter().any(|e| e.rel == "presenceSubscription"
                && e.event_type == EventType::Added
                && e.link.href.as_str().ends_with(&id)),
            "{format:?}: {passed:?}"
        );
        assert!(
            passed
                .iter()
                .any(|e| e.rel == "contact" && e.in_rel.as_deref() == Some("subscribedContacts"))
        );
        assert_eq!(
            Some(&link.href),
            ann_contact.links.contact_presence.as_ref().map(|l| &l.href)
        );

        // Ann sets Busy through her own `me`; Lene hears it and reads Busy.
        let ann_me = ann.client.me(&ann.application);
        ann_me
            .set_availability(PreferredAvailability::Busy)
            .await
            .unwrap();
        let (event, _) = lene.until(|e| presence_update(e).map(|_| e.clone())).await;
        assert!(is_about(&event, &ann_contact), "{format:?}: {event:?}");
        let busy = people
            .presence_at(&presence_update(&event).unwrap())
            .await
            .unwrap();
        assert_eq!(busy.availability, Some(Availability::Busy), "{format:?}");

        // Her note comes the same way.
        ann_me.set_note("On a call").await.unwrap();
        let (link, _) = lene.until(note_update).await;
        let note = people.contact_note(&ann_contact).await.unwrap();
        assert_eq!(note.message.as_deref(), Some("On a call"));
        assert!(link.href.as_str().ends_with("/note"));

        // The memberships list Ann; extend, then delete: no more updates.
        let memberships = subscription.memberships().await.unwrap();
        assert_eq!(
            memberships.embedded.presence_subscription_membership.len(),
            1
        );
        subscription.extend(30).await.unwrap();
        assert_eq!(subscription.id(), Some(id.as_str()));
        subscription.delete().await.unwrap();
        ann_me
            .set_availability(PreferredAvailability::Away)
            .await
            .unwrap();
        let passed = lene.flush("after the subscription").await;
        assert!(
            passed
                .iter()
                .any(|e| e.rel == "presenceSubscription" && e.event_type == EventType::Deleted),
            "{format:?}: {passed:?}"
        );
        assert!(
            !passed.iter().any(|e| presence_update(e).is_some()),
            "{format:?}: an update after the delete: {passed:?}"
        );
    }
}

#[tokio::test]
async fn a_group_subscription_an_addition_and_expiry() {
    for format in FORMATS {
        let emulator = emulator(Limits::default()).await;
        let mut lene = User::sign_in(&emulator, LENE, format).await;
        let ann = User::sign_in(&emulator, ANN, format).await;
        let people = lene.people();
        let group = people.groups().await.unwrap().remove(0);

        let mut subscription = people.subscribe_group(&group, 10).await.unwrap();
        assert_eq!(subscription.id(), Some("default_group_id"));
        let memberships = subscription.memberships().await.unwrap();
        assert_eq!(
            memberships.embedded.presence_subscription_membership.len(),
            2
        );
        // The same group again, while that one lives: 409 AlreadyExists, typed.
        let again = people.subscribe_group(&group, 10).await.unwrap_err();
        assert!(
            matches!(
                again,
                ClientError::Response(ResponseError::Ucwa(AcceptPostError::AlreadyExists(_)))
            ),
            "{format:?}: {again:?}"
        );

        // Selected contacts, then one more added.
        let selected = people
            .subscribe(&["sip:john@contoso.com"], 10)
            .await
            .unwrap();
        let added = selected.add(&[ANN, "sip:john@contoso.com"]).await.unwrap();
        assert_eq!(
            added.embedded.presence_subscription_membership.len(),
            1,
            "{format:?}"
        );
        let unknown = selected.add(&["sip:nobody@contoso.com"]).await.unwrap_err();
        assert!(
            generic(&unknown).contains("ParameterValidationFailure"),
            "{unknown:?}"
        );

        // What the subscriptions announced so far is read; past their half hour both have
        // expired: Ann's change reaches nobody, and extending answers 404.
        let announced = lene.flush("before expiry").await;
        assert!(announced.iter().any(|e| presence_update(e).is_some()));
        emulator.clock().advance(Duration::from_secs(31 * 60));
        let ann_me = ann.client.me(&ann.application);
        ann_me
            .set_availability(PreferredAvailability::DoNotDisturb)
            .await
            .unwrap();
        let passed = lene.flush("after expiry").await;
        assert!(
            !passed.iter().any(|e| presence_update(e).is_some()),
            "{format:?}: {passed:?}"
        );
        let expired = subscription.extend(20).await.unwrap_err();
        assert!(
            matches!(
                &expired,
                ClientError::Response(ResponseError::Ucwa(
                    ucwa::operations::PresenceSubscriptionPostError::Common(UcwaError::Generic {
                        status: 404,
                        kind: GenericError::ResourceNotFound,
                        ..
                    })
                ))
            ),
            "{format:?}: {expired:?}"
        );
    }
}

#[tokio::test]
async fn search_finds_by_name_or_address_within_the_limit() {
    for format in FORMATS {
        let emulator = emulator(Limits::default()).await;
        let lene = User::sign_in(&emulator, LENE, format).await;
        let people = lene.people();

        let found = people.search("ann", Some(5)).await.unwrap();
        let names: Vec<_> = found
            .embedded
            .contact
            .iter()
            .map(|c| c.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["Ann Remote"], "{format:?}");
        assert_eq!(found.more_results_available, Some(false));

        let by_name = people.search("john doe", None).await.unwrap();
        assert_eq!(by_name.embedded.contact.len(), 1);
        assert_eq!(
            by_name.embedded.contact[0].uri.as_ref().unwrap().as_str(),
            "sip:john@contoso.com"
        );

        // Everyone is at contoso.com: a limit of 2 cuts the list of 3.
        let cut = people.search("CONTOSO.COM", Some(2)).await.unwrap();
        assert_eq!(cut.embedded.contact.len(), 2, "{format:?}");
        assert_eq!(cut.more_results_available, Some(true));

        let none = people.search("zebra", Some(3)).await.unwrap();
        assert!(none.embedded.contact.is_empty());

        // An empty query and a limit out of range are refused before sending.
        assert!(matches!(
            people.search("", None).await.unwrap_err(),
            ClientError::Request(_)
        ));
        assert!(matches!(
            people.search("ann", Some(101)).await.unwrap_err(),
            ClientError::Request(_)
        ));
    }
}

#[tokio::test]
async fn the_errors_of_the_task_are_typed() {
    for format in FORMATS {
        let emulator = emulator(Limits {
            max_presence_subscriptions: 2,
            ..Limits::default()
        })
        .await;
        let lene = User::sign_in(&emulator, LENE, format).await;
        let people = lene.people();

        // Someone the directory does not know: 404 ResourceNotFound.
        let unknown = people.contact("nobody@contoso.com").await.unwrap_err();
        assert!(
            matches!(
                unknown,
                ClientError::Response(ResponseError::Ucwa(AcceptedByContactGetError::Common(
                    UcwaError::Generic {
                        status: 404,
                        kind: GenericError::ResourceNotFound,
                        ..
                    }
                )))
            ),
            "{format:?}: {unknown:?}"
        );

        // A duration out of 10..=30 is refused before sending...
        let short = people.subscribe(&[ANN], 5).await.unwrap_err();
        assert!(matches!(short, ClientError::Request(_)), "{short:?}");
        assert!(
            !emulator
                .observed()
                .requests()
                .iter()
                .any(|(m, p)| *m == Method::POST && p.ends_with("/presenceSubscriptions")),
            "a refused request reached the server"
        );
        // ...and by the server, for a client that sends it anyway.
        let mut body = PresenceSubscriptionsPostBody {
            uris: Some(vec![ANN.to_owned()]),
            ..PresenceSubscriptionsPostBody::default()
        };
        body.unknown.insert("duration".into(), 45.into());
        let request = PresenceSubscriptionsPost::request(
            lene.client.origin(),
            people
                .resource()
                .unwrap()
                .links
                .presence_subscriptions
                .as_ref()
                .unwrap(),
            &body,
            format,
        )
        .unwrap();
        let long = lene.client.send(request).await.unwrap_err();
        let ClientError::Response(ResponseError::Ucwa(MembershipsPostError::Common(
            UcwaError::Generic {
                status: 400,
                kind: GenericError::ParameterValidationFailure,
                body,
            },
        ))) = long
        else {
            panic!("{format:?}: {long:?}");
        };
        assert!(
            body.parameters.as_ref().unwrap().get("duration").is_some(),
            "{body:?}"
        );

        // The third live subscription is one too many: 403 LimitExceeded.
        let first = people.subscribe(&[ANN], 10).await.unwrap();
        let _second = people.subscribe(&[ANN], 10).await.unwrap();
        let third = people.subscribe(&[ANN], 10).await.unwrap_err();
        assert!(
            matches!(
                third,
                ClientError::Response(ResponseError::Ucwa(MembershipsPostError::LimitExceeded(_)))
            ),
            "{format:?}: {third:?}"
        );
        // Deleting one makes room again; deleting it twice is 404.
        let again = first.clone();
        first.delete().await.unwrap();
        people.subscribe(&[ANN], 10).await.unwrap();
        let twice = again.delete().await.unwrap_err();
        assert!(
            matches!(
                twice,
                ClientError::Response(ResponseError::Ucwa(
                    ucwa::operations::PresenceSubscriptionDeleteError::Common(UcwaError::Generic {
                        kind: GenericError::ResourceNotFound,
                        ..
                    })
                ))
            ),
            "{format:?}: {twice:?}"
        );
        // Someone who is not in the directory cannot be subscribed to.
        let nobody = people
            .subscribe(&["sip:nobody@contoso.com"], 10)
            .await
            .unwrap_err();
        assert!(
            generic(&nobody).contains("ParameterValidationFailure"),
            "{nobody:?}"
        );
    }
}
