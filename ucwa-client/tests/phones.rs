//! The user's phones against the emulator, in JSON and in XML: listed, a number changed and
//! shown, hidden again, cleared; each change announced to every application of the user;
//! what does not pass refused with the reference's code, naming the parameter, nothing
//! changed.

mod common;

use common::{FORMATS, emulator, session, wait_for};
use ucwa::ResponseError;
use ucwa::operations::{ChangeNumberPostError, ChangeVisibilityPostError};
use ucwa_client::ClientError;
use ucwa_client::phones::PhoneNumber;
use ucwa_emulator::Limits;

#[tokio::test]
async fn phones_are_listed_changed_shown_hidden_and_cleared_in_json_and_xml() {
    let emulator = emulator(Limits::default()).await;
    for format in FORMATS {
        let lene = session(&emulator, "lene@contoso.com", format).await;
        let other = session(&emulator, "lene@contoso.com", format).await;
        let mut heard = other.events();
        let phones = lene.phones();

        let listed = phones.list().await.unwrap();
        let kinds: Vec<&str> = listed.iter().map(|p| p.kind.as_str()).collect();
        assert_eq!(kinds, ["Work", "Mobile", "Home", "Other"], "{format}");
        assert_eq!(listed[0].number.as_deref(), Some("tel:+14255550000"));
        assert!(listed[0].shown);
        assert_eq!(
            (listed[1].number.as_deref(), listed[1].shown),
            (None, false)
        );

        // A number set and shown: read back, and heard by the user's other application.
        let mobile = phones.find("mobile").await.unwrap().unwrap();
        phones
            .change_number(&mobile, Some("+1 (425) 555-0199"), Some(true))
            .await
            .unwrap();
        let changed = wait_for(&mut heard, PhoneNumber::from_event).await;
        assert_eq!(changed.kind, "Mobile", "{format}");
        assert_eq!(changed.number.as_deref(), Some("tel:+14255550199"));
        assert!(changed.shown);
        let mobile = phones.find("Mobile").await.unwrap().unwrap();
        assert_eq!(mobile.number.as_deref(), Some("tel:+14255550199"));
        assert!(mobile.shown, "{format}");

        // Hidden, then cleared.
        phones.set_shown(&mobile, false).await.unwrap();
        assert!(!phones.find("Mobile").await.unwrap().unwrap().shown);
        phones.change_number(&mobile, None, None).await.unwrap();
        let cleared = phones.find("Mobile").await.unwrap().unwrap();
        assert_eq!(
            (cleared.number.as_deref(), cleared.shown),
            (None, false),
            "{format}"
        );

        // What does not pass: a number that is not one, 400 `NormalizationFailed` (the
        // reference's row); what cannot be, 400 `ParameterValidationFailure` naming
        // the parameter; nothing changes.
        match phones.change_number(&cleared, Some("call me"), None).await {
            Err(ClientError::Response(ResponseError::Ucwa(
                ChangeNumberPostError::NormalizationFailed(_),
            ))) => {}
            other => panic!("{format}: {other:?}"),
        }
        // Over the reference's 80 characters: refused before sending (the emulator checks it
        // too: its unit tests).
        let long = "1".repeat(81);
        match phones.change_number(&cleared, Some(&long), None).await {
            Err(ClientError::Request(error)) => {
                assert!(error.to_string().contains("number"), "{format}: {error}");
            }
            other => panic!("{format}: {other:?}"),
        }
        match phones.set_shown(&cleared, true).await {
            Err(ClientError::Response(ResponseError::Ucwa(ChangeVisibilityPostError::Common(
                common,
            )))) => {
                let text = format!("{common:?}");
                assert!(text.contains("includeInContactCard"), "{text}");
            }
            other => panic!("{format}: an empty number shown: {other:?}"),
        }
        assert_eq!(
            phones.find("Mobile").await.unwrap().unwrap().number,
            None,
            "{format}"
        );
        // Another user's phones are their own.
        let ann = session(&emulator, "ann@contoso.com", format).await;
        let work = ann.phones().find("Work").await.unwrap().unwrap();
        assert_eq!(work.number.as_deref(), Some("tel:+14255550001"), "{format}");
        ann.shutdown().await;
        other.shutdown().await;
        lene.shutdown().await;
    }
}
