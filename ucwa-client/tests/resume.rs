//! A bot that outlives its process: its state (the application, the event channel's position)
//! saved in a file as it goes, taken up by the next process when the server still has the
//! application — and the events that arrived while it was down delivered — or replaced, and
//! said so, when the server does not. Each in JSON and XML.

mod common;

use std::sync::Arc;

use common::{FORMATS, emulator, session_with, wait_for};
use ucwa::events::{Event, EventType};
use ucwa::resources::AnyResource;
use ucwa_client::resume::{FileStore, Resumption, StateStore};
use ucwa_emulator::Limits;

const LENE: &str = "lene@contoso.com";

fn store(name: &str) -> Arc<FileStore> {
    let dir = std::env::temp_dir().join(format!("ucwa-resume-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    Arc::new(FileStore::new(path))
}

fn marker(n: u32) -> Event<AnyResource> {
    Event::new(
        EventType::Added,
        "participant",
        ucwa::Link::to(format!("/marker/{n}").as_str()),
    )
}

fn self_href(session: &ucwa_client::Session) -> String {
    let application = session.application();
    application
        .links
        .self_
        .as_ref()
        .unwrap()
        .href
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn an_application_still_alive_is_resumed_with_what_came_while_down() {
    for format in FORMATS {
        let emulator = emulator(Limits::default()).await;
        let store = store(&format!("alive-{format}.json"));
        let resuming = |s: ucwa_client::SignIn| s.resume_with(store.clone());
        let first = session_with(&emulator, LENE, format, resuming).await;
        assert_eq!(first.resumption(), &Resumption::Fresh);
        let application = self_href(&first);
        // An event read before the process stops moves the saved position past it.
        let mut events = first.events();
        emulator
            .faults()
            .push_event("communication", "/communication", marker(1));
        wait_for(&mut events, |e| {
            e.link.href.as_str().ends_with("/marker/1").then_some(())
        })
        .await;
        first.suspend().await;
        let saved = store.load().expect("the state saved");
        assert_eq!(saved.application, application);
        assert_eq!(emulator.observed().stats().applications, 1);

        // While the process is down, an event reaches the application.
        emulator
            .faults()
            .push_event("communication", "/communication", marker(2));
        let second = session_with(&emulator, LENE, format, resuming).await;
        match second.resumption() {
            Resumption::Resumed {
                application: resumed,
                events,
                ..
            } => {
                assert_eq!(*resumed, application);
                assert_eq!(*events, saved.events);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(self_href(&second), application);
        assert_eq!(emulator.observed().stats().applications, 1);
        // What came while down is delivered, and what was read before is not again.
        let mut events = second.events();
        let first_marker = wait_for(&mut events, |e| {
            let href = e.link.href.as_str();
            (href.ends_with("/marker/1") || href.ends_with("/marker/2")).then(|| href.to_owned())
        })
        .await;
        assert_eq!(first_marker, "/marker/2");
        // It goes on as a session does, and deleting forgets the state.
        second.me().get().await.unwrap();
        second.shutdown().await;
        assert_eq!(store.load(), None);
        assert_eq!(emulator.observed().stats().applications, 0);
    }
}

#[tokio::test]
async fn an_application_gone_while_down_is_recreated_and_reported() {
    for format in FORMATS {
        let emulator = emulator(Limits::default()).await;
        let store = store(&format!("gone-{format}.json"));
        let resuming = |s: ucwa_client::SignIn| s.resume_with(store.clone());
        let first = session_with(&emulator, LENE, format, resuming).await;
        let previous = self_href(&first);
        first.suspend().await;
        // The server deleted it (a restart, an expiry) while the process was down.
        assert_eq!(emulator.faults().delete_applications(), 1);
        let second = session_with(&emulator, LENE, format, resuming).await;
        match second.resumption() {
            Resumption::Recreated {
                previous: gone,
                reason,
                ..
            } => {
                assert_eq!(*gone, previous);
                assert!(
                    reason.starts_with("404") || reason.starts_with("410"),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_ne!(self_href(&second), previous);
        // The new one is saved in its place.
        assert_eq!(store.load().unwrap().application, self_href(&second));
        second.me().get().await.unwrap();
        second.suspend().await;

        // A state saved for someone else is not used.
        let ann = session_with(&emulator, "ann@contoso.com", format, resuming).await;
        assert_eq!(ann.resumption(), &Resumption::Fresh);
        ann.shutdown().await;
    }
}
