//! A corpus of broken schemas (`tests/bad-schemas/<case>/`), each with its full error report
//! snapshotted: every problem named with its file, its place and what was expected.

use std::path::Path;

use ucwa_codegen::Builder;

fn report(case: &str) -> String {
    let dir = Path::new("tests/bad-schemas").join(case);
    match Builder::new().schema_dir(&dir).check() {
        Ok(_) => panic!("{case}: the schema was accepted"),
        Err(error) => error.to_string(),
    }
}

macro_rules! bad_schema {
    ($($case:ident => $dir:literal,)*) => {$(
        #[test]
        fn $case() {
            insta::assert_snapshot!(stringify!($case), report($dir));
        }
    )*};
}

bad_schema! {
    syntax_error => "syntax-error",
    unknown_type => "unknown-type",
    unknown_reference => "unknown-reference",
    duplicate_names => "duplicate-names",
    invalid_identifiers => "invalid-identifiers",
    wrong_json_types => "wrong-json-types",
    missing_and_unknown_fields => "missing-and-unknown-fields",
    file_layout => "file-layout",
    empty => "empty",
    not_an_object => "not-an-object",
    limits => "limits",
    error_tables => "error-tables",
}

#[test]
fn every_case_in_the_corpus_has_a_test() {
    let mut cases: Vec<_> = std::fs::read_dir("tests/bad-schemas")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().replace('-', "_"))
        .collect();
    cases.sort();
    let source = include_str!("bad_schemas.rs");
    for case in cases {
        assert!(
            source.contains(&format!("{case} => ")),
            "no test for bad-schemas/{case}"
        );
    }
}

#[test]
fn a_missing_schema_directory_is_reported() {
    let error = Builder::new()
        .schema_dir("tests/no-such-dir")
        .check()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: tests/no-such-dir: the schema directory does not exist or is not a directory\n\
         ucwa-codegen: 1 error in the schema; nothing was generated"
    );
}
