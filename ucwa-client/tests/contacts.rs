//! The contact list end to end, in both formats: groups made, renamed and deleted; contacts
//! added, copied, moved and removed; the list's events applied to a local copy that ends equal
//! to the server's list; each limit and conflict as its typed error; the groups the server
//! keeps; distribution groups found, expanded (bounded) and put on the list; a contact's photo,
//! modalities and the privacy relationship that changes what they see.

use std::time::Duration;

use tokio::sync::broadcast;
use ucwa::ResponseError;
use ucwa::enumerations::{Availability, ModalityType, PrivacyRelationshipLevel};
use ucwa::events::Event;
use ucwa::operation::{GenericError, RequestError, UcwaError};
use ucwa::resources::{AnyResource, Contact};
use ucwa_client::ClientError;
use ucwa_client::people::{
    ContactList, ContactListError, ListChange, PeopleHandle, SpecialGroup, list_change,
};
use ucwa_emulator::{Config, DistributionList, Emulator, Limits, Person};

mod common;

use common::FORMATS;

const LENE: &str = "lene@contoso.com";
const ANN: &str = "ann@contoso.com";
const JOHN: &str = "john@contoso.com";

async fn emulator(config: Config) -> Emulator {
    Emulator::start(Config {
        long_poll: Duration::from_secs(5),
        ..config
    })
    .await
    .unwrap()
}

/// The refusal a list request ended in, or a panic naming what came instead.
fn refusal<T: std::fmt::Debug>(
    result: Result<T, ClientError<ContactListError>>,
) -> ContactListError {
    match result {
        Err(ClientError::Response(ResponseError::Ucwa(error))) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Applies the list's changes from `events` to `local` until it equals `server` (within 10 s);
/// the changes applied.
async fn follow(
    events: &mut broadcast::Receiver<Event<AnyResource>>,
    local: &mut ContactList,
    server: &ContactList,
) -> Vec<ListChange> {
    let mut applied = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while local != server {
            let event = events.recv().await.unwrap();
            if let Some(change) = list_change(&event) {
                local.apply(&change);
                applied.push(change);
            }
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!("the local copy never became the server's:\n{local:#?}\n{server:#?}")
    });
    applied
}

async fn contact(people: &PeopleHandle, address: &str) -> Contact {
    people.contact(address).await.unwrap()
}

fn href(contact: &Contact) -> String {
    contact
        .links
        .self_
        .as_ref()
        .unwrap()
        .href
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn groups_and_contacts_change_and_a_local_copy_follows_the_events() {
    for format in FORMATS {
        let emulator = emulator(Config::default()).await;
        let lene = common::session(&emulator, LENE, format).await;
        let mut events = lene.events();
        let people = lene.people();
        // A second application of Lene's, subscribed too, hears the same changes.
        let other = common::session(&emulator, LENE, format).await;
        let mut other_events = other.events();
        other.people().start_list_subscription(15).await.unwrap();

        let subscription = people.start_list_subscription(15).await.unwrap();
        assert_eq!(
            subscription.state,
            Some(ucwa::enumerations::SubscriptionState::Connected)
        );
        let mut local = people.contact_list().await.unwrap();
        let default = people.special_group(SpecialGroup::Default).await.unwrap();
        assert_eq!(default.name.as_deref(), Some("Other Contacts"));
        let ann = contact(&people, ANN).await;
        let john = contact(&people, JOHN).await;
        assert_eq!(local.contacts().len(), 2, "{format:?}");

        let team = people.create_group("Team").await.unwrap();
        assert_eq!(team.name.as_deref(), Some("Team"));
        people.copy_contact(&ann, &team).await.unwrap();
        people.move_contact(&john, &default, &team).await.unwrap();
        people.rename_group(&team, "Core team").await.unwrap();
        let pinned = people.special_group(SpecialGroup::Pinned).await.unwrap();
        people.add_contact(ANN, Some(&pinned)).await.unwrap();
        let temp = people.create_group("Temp").await.unwrap();
        people.delete_group(&temp).await.unwrap();
        people.remove_from_group(&ann, &default).await.unwrap();
        people.remove_contact(&john).await.unwrap();

        let server = people.contact_list().await.unwrap();
        let core = server.group_named("core team").unwrap();
        assert_eq!(core.rel, "group");
        assert_eq!(core.contacts.len(), 1, "John left every group");
        assert!(core.contacts.contains(&href(&ann)));
        assert!(server.group_named("Temp").is_none());
        assert!(server.contacts().contains(&href(&ann)));
        assert!(!server.contacts().contains(&href(&john)));
        assert!(
            server
                .group_named("Other Contacts")
                .unwrap()
                .contacts
                .is_empty()
        );
        assert_eq!(server.group_named("Favorites").unwrap().contacts.len(), 1);

        let applied = follow(&mut events, &mut local, &server).await;
        assert_eq!(local, server, "{format:?}");
        assert!(local.stale().is_empty());
        assert!(applied.iter().any(|c| matches!(
            c,
            ListChange::GroupUpdated { group: Some(g), .. } if g.name.as_deref() == Some("Core team")
        )));
        assert!(
            applied
                .iter()
                .any(|c| matches!(c, ListChange::GroupRemoved { .. }))
        );
        assert!(applied.iter().any(
            |c| matches!(c, ListChange::ContactRemoved { group: None, contact } if contact.href.as_str() == href(&john))
        ));
        // The other application heard the changes too.
        let heard = common::wait_for(&mut other_events, |e| {
            list_change(e).filter(|c| matches!(c, ListChange::GroupAdded { .. }))
        })
        .await;
        assert!(
            matches!(heard, ListChange::GroupAdded { group: Some(g), .. } if g.name.as_deref() == Some("Team"))
        );

        // Stopped, the list's changes are heard no more: the next event is the note's.
        people.stop_list_subscription().await.unwrap();
        people.create_group("Quiet").await.unwrap();
        lene.me().set_note("after").await.unwrap();
        let next = common::wait_for(&mut events, |e| {
            list_change(e)
                .filter(|c| !matches!(c, ListChange::SubscriptionUpdated))
                .map(Some)
                .or_else(|| (e.rel == "note").then_some(None))
        })
        .await;
        assert_eq!(next, None, "{format:?}: no change of the list after stop");
        lene.shutdown().await;
        other.shutdown().await;
    }
}

#[tokio::test]
async fn limits_and_conflicts_are_typed() {
    for format in FORMATS {
        let mut people_config = ucwa_emulator::Config::default().people;
        people_config.push(Person::new("mia@contoso.com", "Mia Third", "pass@word1"));
        let big: Vec<String> = (0..150).map(|i| format!("member{i}@contoso.com")).collect();
        let big: Vec<&str> = big.iter().map(String::as_str).collect();
        let mut groups = ucwa_emulator::Config::default().distribution_groups;
        groups.push(DistributionList::new("big@contoso.com", "Big List", &big));
        let emulator = emulator(Config {
            people: people_config,
            distribution_groups: groups,
            limits: Limits {
                max_contacts_per_user: 2,
                max_groups_per_user: 1,
                ..Limits::default()
            },
            ..Config::default()
        })
        .await;
        let (client, application) = common::application(&emulator, LENE, format, true).await;
        let people = client.people(&application);

        // Lene's list holds Ann and John: a third contact is one too many.
        let full = refusal(people.add_contact("sip:mia@contoso.com", None).await);
        assert!(
            matches!(full, ContactListError::TooManyContacts(_)),
            "{full:?}"
        );
        assert_eq!(full.body().subcode.as_deref(), Some("LimitExceeded"));
        let group = people.create_group("Only").await.unwrap();
        let taken = refusal(people.create_group("ONLY").await);
        assert!(
            matches!(taken, ContactListError::AlreadyExists(_)),
            "{taken:?}"
        );
        let reserved = refusal(people.create_group("Favorites").await);
        assert!(matches!(reserved, ContactListError::AlreadyExists(_)));
        let many = refusal(people.create_group("Second").await);
        assert!(
            matches!(many, ContactListError::TooManyGroups(_)),
            "{many:?}"
        );
        let again = refusal(people.add_contact(ANN, None).await);
        assert!(matches!(again, ContactListError::AlreadyExists(_)));
        let default = people.special_group(SpecialGroup::Default).await.unwrap();
        let system = refusal(people.rename_group(&default, "Mine").await);
        assert!(
            matches!(system, ContactListError::Forbidden(_)),
            "{system:?}"
        );
        let delegators = people
            .special_group(SpecialGroup::Delegators)
            .await
            .unwrap();
        let read_only = refusal(people.add_contact(ANN, Some(&delegators)).await);
        assert!(matches!(read_only, ContactListError::Forbidden(_)));
        let ann = people.contact(ANN).await.unwrap();
        let absent = refusal(people.remove_from_group(&ann, &group).await);
        assert!(matches!(absent, ContactListError::NotFound(_)));
        let nobody = refusal(
            people
                .add_contact("sip:nobody@contoso.com", Some(&group))
                .await,
        );
        assert!(
            matches!(
                &nobody,
                ContactListError::Other(UcwaError::Generic {
                    kind: GenericError::ParameterValidationFailure,
                    ..
                })
            ),
            "{nobody:?}"
        );
        let myself = refusal(people.add_contact(LENE, None).await);
        assert!(matches!(myself, ContactListError::Other(_)));
        // Checked before sending.
        assert!(matches!(
            people.create_group("   ").await,
            Err(ClientError::Request(RequestError::MissingParameter { .. }))
        ));
        assert!(matches!(
            people.create_group(&"x".repeat(257)).await,
            Err(ClientError::Request(RequestError::ParameterTooLong {
                max: 256,
                ..
            }))
        ));
        assert!(matches!(
            people.start_list_subscription(5).await,
            Err(ClientError::Request(_))
        ));
        // Without `X-MS-RequiresMinResourceVersion: 2` the request is for the 1.0 resource,
        // which takes no POST.
        let my_groups = people.resource().unwrap().links.my_groups.unwrap().cast();
        let body = ucwa::operations::MyGroups2PostBody {
            display_name: Some("Unversioned".into()),
            ..Default::default()
        };
        let request =
            ucwa::operations::MyGroups2Post::request(client.origin(), &my_groups, &body, format)
                .unwrap();
        match client.send(request).await {
            Err(ClientError::Response(ResponseError::Ucwa(error))) => {
                assert_eq!(ucwa::operation::OperationError::status(&error), 405);
            }
            other => panic!("expected 405, got {other:?}"),
        }
        // Deleting the group frees room for another.
        people.delete_group(&group).await.unwrap();
        people.create_group("Second").await.unwrap();
        let gone = refusal(people.delete_group(&group).await);
        assert!(matches!(gone, ContactListError::NotFound(_)));

        // A distribution group larger than the server expands.
        let found = people.search("big", None).await.unwrap();
        let big = &found.embedded.distribution_group[0];
        let too_many = refusal(people.expand(big, 1000).await);
        assert!(
            matches!(too_many, ContactListError::TooManyMembers(_)),
            "{too_many:?}"
        );
        assert_eq!(too_many.body().subcode.as_deref(), Some("TooManyContacts"));
        // One distribution group on the list at most (`max_groups_per_user`).
        let sales = people
            .search("sales", None)
            .await
            .unwrap()
            .embedded
            .distribution_group;
        people.add_distribution_group(&sales[0]).await.unwrap();
        let more = refusal(people.add_distribution_group(big).await);
        assert!(matches!(more, ContactListError::TooManyGroups(_)));
    }
}

#[tokio::test]
async fn special_and_distribution_groups() {
    for format in FORMATS {
        let emulator = emulator(Config::default()).await;
        let lene = common::session(&emulator, LENE, format).await;
        let ann = common::session(&emulator, ANN, format).await;
        let mut ann_events = ann.events();
        ann.people().start_list_subscription(10).await.unwrap();
        let people = lene.people();

        let organization = people
            .special_group(SpecialGroup::Organization)
            .await
            .unwrap();
        let members = people.group_contacts(&organization).await.unwrap();
        let mut names: Vec<_> = members.iter().filter_map(|c| c.name.clone()).collect();
        names.sort();
        assert_eq!(names, ["Ann Remote", "John Doe"]);

        // Lene makes Ann her delegate: Ann's delegators group holds Lene, and Ann hears it.
        let delegates = people.special_group(SpecialGroup::Delegates).await.unwrap();
        people.add_contact(ANN, Some(&delegates)).await.unwrap();
        let change = common::wait_for(&mut ann_events, |e| {
            list_change(e).filter(
                |c| matches!(c, ListChange::GroupUpdated { rel, .. } if rel == "delegatorsGroup"),
            )
        })
        .await;
        let mut ann_list = ann.people().contact_list().await.unwrap();
        let before = ann_list.clone();
        assert!(
            !ann_list.apply(&change),
            "an update without contents is stale"
        );
        ann.people().refresh(&mut ann_list).await.unwrap();
        assert_eq!(ann_list, before);
        let delegators = ann
            .people()
            .special_group(SpecialGroup::Delegators)
            .await
            .unwrap();
        let of_ann = ann.people().group_contacts(&delegators).await.unwrap();
        assert_eq!(of_ann.len(), 1);
        assert_eq!(of_ann[0].name.as_deref(), Some("Lene Aaling"));

        // Distribution groups: found by search, expanded, nested ones left as groups.
        let found = people.search("contoso", Some(10)).await.unwrap();
        let groups = &found.embedded.distribution_group;
        assert_eq!(groups.len(), 2, "{format:?}");
        let sales = groups
            .iter()
            .find(|g| g.name.as_deref() == Some("Contoso Sales"))
            .unwrap();
        let everyone = groups
            .iter()
            .find(|g| g.name.as_deref() == Some("Contoso Everyone"))
            .unwrap();
        let expansion = people.expand(sales, 10).await.unwrap();
        let mut names: Vec<_> = expansion
            .contacts
            .iter()
            .filter_map(|c| c.name.clone())
            .collect();
        names.sort();
        assert_eq!(names, ["Ann Remote", "John Doe"]);
        assert!(!expansion.truncated);
        let nested = people.expand(everyone, 10).await.unwrap();
        assert_eq!(nested.contacts.len(), 1);
        assert_eq!(nested.groups.len(), 1);
        assert_eq!(nested.groups[0].id.as_deref(), Some("sales@contoso.com"));
        let bounded = people.expand(sales, 1).await.unwrap();
        assert_eq!(bounded.contacts.len(), 1);
        assert!(bounded.truncated);

        people.add_distribution_group(sales).await.unwrap();
        let again = refusal(people.add_distribution_group(sales).await);
        assert!(matches!(again, ContactListError::AlreadyExists(_)));
        let listed = people.distribution_groups().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name.as_deref(), Some("Contoso Sales"));
        people.remove_distribution_group(&listed[0]).await.unwrap();
        assert!(people.distribution_groups().await.unwrap().is_empty());
        let absent = refusal(people.remove_distribution_group(&listed[0]).await);
        assert!(matches!(absent, ContactListError::NotFound(_)));
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

#[tokio::test]
async fn a_contacts_photo_modalities_and_privacy() {
    for format in FORMATS {
        let emulator = emulator(Config::default()).await;
        let lene = common::session(&emulator, LENE, format).await;
        let ann = common::session(&emulator, ANN, format).await;
        ann.me().set_note("In Oslo").await.unwrap();
        let people = lene.people();
        let ann_contact = people.contact(ANN).await.unwrap();

        let photo = people.contact_photo(&ann_contact, None).await.unwrap();
        assert!(
            photo.media_type.starts_with("image/"),
            "{}",
            photo.media_type
        );
        assert!(!photo.bytes.is_empty());
        assert_eq!(
            people.supported_modalities(&ann_contact).await.unwrap(),
            [ModalityType::Messaging, ModalityType::Audio]
        );
        let john = people.contact(JOHN).await.unwrap();
        assert!(
            people.supported_modalities(&john).await.unwrap().is_empty(),
            "John is not signed in"
        );

        // Ann's relationship with Lene decides what Lene sees of her.
        let ann_people = ann.people();
        let lene_contact = ann_people.contact(LENE).await.unwrap();
        let level = ann_people
            .privacy_relationship(&lene_contact)
            .await
            .unwrap();
        assert_eq!(
            level.relationship_level,
            Some(PrivacyRelationshipLevel::Colleagues)
        );
        let seen = |p: PeopleHandle, c: Contact| async move {
            let presence = p.contact_presence(&c).await.unwrap();
            let note = p.contact_note(&c).await.unwrap();
            (presence.availability, note.message)
        };
        assert_eq!(
            seen(people.clone(), ann_contact.clone()).await,
            (Some(Availability::Online), Some("In Oslo".to_owned()))
        );
        ann_people
            .set_privacy_relationship(&lene_contact, PrivacyRelationshipLevel::Blocked)
            .await
            .unwrap();
        assert_eq!(
            seen(people.clone(), ann_contact.clone()).await,
            (Some(Availability::Offline), None)
        );
        assert!(
            people
                .supported_modalities(&ann_contact)
                .await
                .unwrap()
                .is_empty()
        );
        ann_people
            .set_privacy_relationship(&lene_contact, PrivacyRelationshipLevel::External)
            .await
            .unwrap();
        assert_eq!(
            seen(people.clone(), ann_contact.clone()).await,
            (Some(Availability::Online), None)
        );
        let set = ann_people.privacy_relationships().await.unwrap();
        assert_eq!(set.len(), 1);
        assert_eq!(
            set[0].relationship_level,
            Some(PrivacyRelationshipLevel::External)
        );
        assert_eq!(set[0].links.contact.len(), 1);
        ann_people
            .reset_privacy_relationship(&lene_contact)
            .await
            .unwrap();
        assert_eq!(
            seen(people.clone(), ann_contact.clone()).await,
            (Some(Availability::Online), Some("In Oslo".to_owned()))
        );
        assert!(ann_people.privacy_relationships().await.unwrap().is_empty());
        lene.shutdown().await;
        ann.shutdown().await;
    }
}

/// `myGroupMemberships` as Skype for Business Online answers it: the connectors the schema's
/// override names (tamhinsf/ucwa-sfbo-console, `UcwaMyGroupMemberships.cs`; kenakamu/UCWA2.0-CS,
/// `Models/MyGroupMemberships2.cs`) read `_links.removeContactFromAllGroups` beside `self` and
/// the embedded memberships. Neither publishes the bytes, so the answer here is written with
/// the members they read, in the layout of the reference's sample: it decodes with nothing
/// left unknown, and survives JSON → XML → JSON.
#[test]
fn my_group_memberships_as_servers_send_it_decodes_with_nothing_unknown() {
    use ucwa::resources::MyGroupMemberships;
    let json = br#"{
        "rel": "myGroupMemberships",
        "_links": {
            "self": {"href": "/ucwa/oauth/v1/applications/192/myGroupMemberships"},
            "removeContactFromAllGroups": {
                "href": "/ucwa/oauth/v1/applications/192/myGroupMemberships/removeContactFromAllGroups"
            }
        },
        "_embedded": {
            "myGroupMembership": [{
                "rel": "myGroupMembership",
                "_links": {
                    "self": {"href": "/ucwa/oauth/v1/applications/192/myGroupMemberships/m1"},
                    "contact": {"href": "/ucwa/oauth/v1/applications/192/people/ann@contoso.com"},
                    "defaultGroup": {"href": "/ucwa/oauth/v1/applications/192/groups/default_group_id"}
                }
            }]
        }
    }"#;
    let (decoded, unknown) = ucwa::audit::unknown_members(|| {
        ucwa::codec::decode_as::<MyGroupMemberships>(ucwa::Format::Json, json).unwrap()
    });
    assert!(unknown.is_empty(), "{unknown:?}");
    let link = decoded
        .links
        .remove_contact_from_all_groups
        .as_ref()
        .unwrap();
    assert!(link.href.as_str().ends_with("/removeContactFromAllGroups"));
    let xml = ucwa::codec::encode(ucwa::Format::Xml, &decoded).unwrap();
    let (back, unknown) = ucwa::audit::unknown_members(|| {
        ucwa::codec::decode_as::<MyGroupMemberships>(ucwa::Format::Xml, &xml).unwrap()
    });
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(back, decoded);
}

#[tokio::test]
async fn the_emulator_links_remove_contact_from_all_groups_as_servers_do() {
    for format in FORMATS {
        let emulator = emulator(Config::default()).await;
        let (client, application) = common::application(&emulator, LENE, format, true).await;
        let people = client.people(&application);
        let link = people
            .resource()
            .unwrap()
            .links
            .my_group_memberships
            .unwrap();
        let (memberships, unknown) = {
            let read = client.get(&link).await.unwrap();
            let bytes = ucwa::codec::encode(format, &read).unwrap();
            ucwa::audit::unknown_members(|| {
                ucwa::codec::decode_as::<ucwa::resources::MyGroupMemberships>(format, &bytes)
                    .unwrap()
            })
        };
        assert!(unknown.is_empty(), "{format:?}: {unknown:?}");
        assert!(memberships.links.remove_contact_from_all_groups.is_some());
        assert_eq!(memberships.embedded.my_group_membership.len(), 2);
        let john = people.contact(JOHN).await.unwrap();
        people.remove_contact(&john).await.unwrap();
        assert_eq!(people.memberships(None).await.unwrap().len(), 1);
    }
}
