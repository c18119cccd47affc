//! Memory a decode costs, per byte of input: the bytes allocated in all (`total`) and the
//! most held at once (`peak`, the decoded value included), for a resource, event batches and an
//! error body, in JSON and XML. Counted by a global allocator that wraps the system's; one
//! decode each, after a warm-up (allocation is deterministic, so one run is the figure).
//!
//! `cargo bench -p ucwa-tests --bench alloc`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use ucwa::resources::{AudioVideoInvitation, EventBatch};
use ucwa::{ErrorBody, Format};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    TOTAL.fetch_add(size, Relaxed);
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated in all and at most at once (from the level before) while `decode` runs and
/// its result is alive.
fn measure<T>(decode: impl Fn() -> T) -> (usize, usize) {
    drop(black_box(decode())); // warm-up: lazily initialised statics are not the decode's
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let total_before = TOTAL.load(Relaxed);
    let value = black_box(decode());
    let figures = (
        TOTAL.load(Relaxed) - total_before,
        PEAK.load(Relaxed) - before,
    );
    drop(value);
    figures
}

mod common;

use common::{AVI_JSON, AVI_XML, ERROR_JSON, largest_reference_event, synthetic_batch};

fn row(what: &str, input: &[u8], (total, peak): (usize, usize)) {
    let per = |bytes: usize| bytes as f64 / input.len() as f64;
    println!(
        "| {what} | {} B | {total} B ({:.1}x) | {peak} B ({:.1}x) |",
        input.len(),
        per(total),
        per(peak)
    );
}

fn main() {
    println!("| decode | input | allocated in all | held at most |");
    println!("|---|---|---|---|");
    row(
        "resource (audioVideoInvitation), JSON",
        AVI_JSON,
        measure(|| ucwa::json::from_slice::<AudioVideoInvitation>(AVI_JSON).unwrap()),
    );
    row(
        "resource (audioVideoInvitation), XML",
        AVI_XML,
        measure(|| ucwa::xml::from_slice::<AudioVideoInvitation>(AVI_XML).unwrap()),
    );
    let mut batches = Vec::new();
    if let Some(sample) = largest_reference_event() {
        batches.push(("event batch (largest reference sample)", sample));
    }
    batches.push(("event batch (100 participants added)", synthetic_batch(100)));
    for (what, json) in &batches {
        let batch = EventBatch::from_json(json.as_bytes()).unwrap();
        row(
            &format!("{what}, JSON"),
            json.as_bytes(),
            measure(|| EventBatch::from_json(json.as_bytes()).unwrap()),
        );
        let xml = batch.encode(Format::Xml).unwrap();
        assert_eq!(EventBatch::from_xml(&xml).unwrap(), batch);
        row(
            &format!("{what}, XML"),
            &xml,
            measure(|| EventBatch::from_xml(&xml).unwrap()),
        );
    }
    let error: ErrorBody = ucwa::json::from_slice(ERROR_JSON).unwrap();
    let error_xml = error.to_xml().unwrap();
    row(
        "error body, JSON",
        ERROR_JSON,
        measure(|| ucwa::json::from_slice::<ErrorBody>(ERROR_JSON).unwrap()),
    );
    row(
        "error body, XML",
        &error_xml,
        measure(|| ErrorBody::from_xml(&error_xml).unwrap()),
    );
}
