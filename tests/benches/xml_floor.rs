//! The floor under any decoder built on quick-xml: reading the events of the
//! audioVideoInvitation XML sample, and its attributes, with nothing built from them.
//! `cargo bench -p ucwa-tests --bench xml_floor`

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
const XML: &[u8] = include_bytes!("../fixtures/audioVideoInvitation.response.xml");
fn floor(c: &mut Criterion) {
    let text = std::str::from_utf8(XML).unwrap();
    c.bench_function("quick-xml events only", |b| {
        b.iter(|| {
            let mut r = quick_xml::Reader::from_str(black_box(text));
            let mut n = 0usize;
            loop {
                match r.read_event().unwrap() {
                    quick_xml::events::Event::Eof => break,
                    _ => n += 1,
                }
            }
            n
        })
    });
    c.bench_function("quick-xml events + attrs", |b| {
        b.iter(|| {
            let mut r = quick_xml::Reader::from_str(black_box(text));
            let mut n = 0usize;
            loop {
                match r.read_event().unwrap() {
                    quick_xml::events::Event::Eof => break,
                    quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                        for a in e.attributes() {
                            let a = a.unwrap();
                            n += a.value.len();
                        }
                    }
                    _ => n += 1,
                }
            }
            n
        })
    });
    c.bench_function("quick-xml events + attrs no checks", |b| {
        b.iter(|| {
            let mut r = quick_xml::Reader::from_str(black_box(text));
            let mut n = 0usize;
            loop {
                match r.read_event().unwrap() {
                    quick_xml::events::Event::Eof => break,
                    quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                        for a in e.attributes().with_checks(false) {
                            let a = a.unwrap();
                            n += a.value.len();
                        }
                    }
                    _ => n += 1,
                }
            }
            n
        })
    });
}
criterion_group! { name = benches; config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(2)); targets = floor }
criterion_main!(benches);
