//! One decode in a loop, for a profiler that counts instructions (callgrind) or samples (perf):
//! README's table of where XML decode time goes comes from it.
//!
//! ```sh
//! cargo bench -p ucwa-tests --bench xml_profile --no-run   # prints the binary's path
//! valgrind --tool=callgrind <binary> resource 2000
//! valgrind --tool=callgrind <binary> floor 2000            # quick-xml alone, same payload
//! ```
//!
//! Payloads: `resource` (the audioVideoInvitation sample), `batch` (100 participants added) and
//! `error` (an error body), typed; `floor`, `batch-floor` and `error-floor`, the same payloads
//! read by quick-xml alone; `tree`, the resource as a roxmltree tree. The second argument is the
//! number of decodes (0 measures what the loop costs before it: subtract it). Run by `cargo
//! bench` with no arguments, it decodes the resource a thousand times.
//!
//! For a profile by source line, build with `CARGO_PROFILE_BENCH_DEBUG=line-tables-only`; then
//! `callgrind_annotate --auto=no` attributes each count to the file of its source, which tells
//! quick-xml's code from ucwa's even where one is inlined into the other.

mod common;

use std::hint::black_box;

use common::{AVI_XML, batch_as_xml, error_xml, floor};
use ucwa::ErrorBody;
use ucwa::resources::{AudioVideoInvitation, EventBatch};

fn main() {
    // `cargo bench` passes `--bench`.
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let what = args.next().unwrap_or_else(|| "resource".to_owned());
    let times: usize = match args.next() {
        Some(n) => n
            .parse()
            .unwrap_or_else(|_| panic!("the number of decodes, not {n:?}")),
        None => 1000,
    };
    let payload = match what.as_str() {
        "resource" | "floor" | "tree" => AVI_XML.to_vec(),
        "batch" | "batch-floor" => batch_as_xml(&common::synthetic_batch(100)),
        "error" | "error-floor" => error_xml(),
        other => {
            panic!("unknown payload {other:?}: resource, batch, error, or one of them with -floor")
        }
    };
    let decode: fn(&[u8]) = match what.as_str() {
        "resource" => |xml| {
            black_box(ucwa::xml::from_slice::<AudioVideoInvitation>(xml).unwrap());
        },
        "batch" => |xml| {
            black_box(EventBatch::from_xml(xml).unwrap());
        },
        "error" => |xml| {
            black_box(ErrorBody::from_xml(xml).unwrap());
        },
        "tree" => |xml| {
            let text = std::str::from_utf8(xml).unwrap();
            black_box(
                roxmltree::Document::parse(text)
                    .unwrap()
                    .descendants()
                    .count(),
            );
        },
        _ => |xml| {
            black_box(floor(xml));
        },
    };
    let start = std::time::Instant::now();
    for _ in 0..times {
        decode(black_box(&payload));
    }
    eprintln!(
        "{what}: {times} decodes of {} bytes, {:.2} µs each",
        payload.len(),
        start.elapsed().as_secs_f64() * 1e6 / times.max(1) as f64
    );
}
