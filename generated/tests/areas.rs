//! The crate under any set of its area features: what an area that is off leaves behind. CI runs
//! this with no default features, each area alone, and all of them.

use ucwa::resources::Application;

const APPLICATION: &str = r#"{
    "rel": "application",
    "_links": {
        "self": {"href": "/ucwa/oauth/v1/applications/192"},
        "reportMyNetwork": {"href": "/ucwa/oauth/v1/applications/192/reportMyNetwork"}
    },
    "_embedded": {
        "people": {
            "rel": "people",
            "_links": {
                "self": {"href": "/ucwa/oauth/v1/applications/192/people"},
                "myContacts": {"href": "/ucwa/oauth/v1/applications/192/people/contacts"}
            }
        }
    }
}"#;

#[test]
fn an_area_that_is_off_leaves_its_resources_as_json_and_its_links_untyped() {
    let application: Application = ucwa::json::from_str(APPLICATION).unwrap();

    #[cfg(feature = "people")]
    {
        let people = application.embedded.people.as_deref().unwrap();
        let contacts: &ucwa::Link<ucwa::resources::MyContacts> =
            people.links.my_contacts.as_ref().unwrap();
        assert!(contacts.href.as_str().ends_with("/people/contacts"));
    }
    #[cfg(not(feature = "people"))]
    assert_eq!(
        application.embedded.unknown["people"]["_links"]["myContacts"]["href"],
        "/ucwa/oauth/v1/applications/192/people/contacts"
    );

    // A link from the core to an area: typed with the area, untyped without it.
    #[cfg(feature = "communication")]
    let report: &ucwa::Link<ucwa::resources::ReportMyNetwork> =
        application.links.report_my_network.as_ref().unwrap();
    #[cfg(not(feature = "communication"))]
    let report: &ucwa::Link = application.links.report_my_network.as_ref().unwrap();
    assert!(report.href.as_str().ends_with("/reportMyNetwork"));

    // Nothing is lost either way, in either format.
    let sent: ucwa::serde_json::Value = ucwa::serde_json::from_str(APPLICATION).unwrap();
    let back: ucwa::serde_json::Value =
        ucwa::serde_json::from_slice(&ucwa::json::to_vec(&application)).unwrap();
    assert_eq!(back, sent);
    let xml = ucwa::xml::to_vec(&application).unwrap();
    let again: Application = ucwa::xml::from_slice(&xml).unwrap();
    assert_eq!(ucwa::xml::to_vec(&again).unwrap(), xml);
}

#[test]
fn any_resource_knows_the_rels_of_the_areas_that_are_on() {
    use ucwa::events::ResourceSet;
    use ucwa::resources::AnyResource;

    let value = ucwa::serde_json::json!({"rel": "contact", "name": "Ann"});
    let contact = AnyResource::from_json("contact", value.to_string().as_bytes()).unwrap();
    #[cfg(feature = "people")]
    assert!(matches!(contact, AnyResource::Contact(_)));
    #[cfg(not(feature = "people"))]
    assert!(matches!(contact, AnyResource::Other { .. }));
    assert_eq!(contact.to_json(), value);
}
