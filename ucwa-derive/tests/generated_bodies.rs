//! Request bodies of every kind the schema format has (`resource`, `fields`), which the project's
//! schema does not use yet: generated from `tests/schemas/bodies`, committed as
//! `tests/ui/pass_generated_bodies.rs` (reviewed like a snapshot), then compiled under
//! `deny(warnings)` and run by trybuild with the other UI tests (`hand_written.rs`).

const MARK: &str = "// ---- generated below; run `UPDATE_GENERATED=1 cargo test -p ucwa-derive --test generated_bodies` to refresh ----\n";

#[test]
fn the_committed_generated_code_is_current() {
    let generated = ucwa_codegen::Builder::new()
        .schema_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemas/bodies"))
        .render()
        .unwrap()
        .source;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/ui/pass_generated_bodies.rs"
    );
    let committed = std::fs::read_to_string(path).unwrap();
    let (head, tail) = committed
        .split_once(MARK)
        .expect("the file has the marker line");
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(path, format!("{head}{MARK}{generated}")).unwrap();
        return;
    }
    assert_eq!(
        tail, generated,
        "tests/ui/pass_generated_bodies.rs is stale"
    );
}
