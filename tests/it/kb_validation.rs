//! Broken knowledge files: every error names the file, the line and the field.

use std::path::{Path, PathBuf};

use srm_bot::kb::{load_dir, Diagnostic, LoadError};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A knowledge dir made of the valid base plus the named broken files.
fn base_with(broken: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let base = fixtures().join("base");
    std::fs::create_dir(dir.path().join("vocabulary")).unwrap();
    for f in [
        "vocabulary/services.yaml",
        "vocabulary/synonyms.yaml",
        "base.yaml",
    ] {
        std::fs::copy(base.join(f), dir.path().join(f)).unwrap();
    }
    for f in broken {
        std::fs::copy(fixtures().join("broken").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

/// The base plus one broken file, loaded: its diagnostics.
fn load_with(broken: &str) -> (Vec<Diagnostic>, tempfile::TempDir) {
    let dir = base_with(&[broken]);
    match load_dir(dir.path()) {
        Ok(_) => panic!("{broken} loaded without error"),
        Err(LoadError::Invalid(d)) => (d, dir),
        Err(e) => panic!("{broken}: unexpected error {e}"),
    }
}

/// (file, expected line, expected field, a word the message must contain)
const CASES: &[(&str, usize, &str, &str)] = &[
    ("syntax.yaml", 5, "(syntax)", "YAML syntax error"),
    (
        "unknown_field.yaml",
        5,
        "entries[0].ownr",
        "unknown field `ownr`",
    ),
    ("wrong_type.yaml", 8, "entries[0].phrasings", "invalid type"),
    (
        "bad_owner.yaml",
        5,
        "entries[0].owner",
        "unknown variant `amazon`",
    ),
    (
        "missing_rationale.yaml",
        3,
        "entries[0].rationale",
        "missing field `rationale`",
    ),
    (
        "empty_rationale.yaml",
        6,
        "entries[0].rationale",
        "must not be empty",
    ),
    (
        "duplicate_id.yaml",
        3,
        "entries[0].id",
        "duplicate id `base_entry`",
    ),
    (
        "unknown_related.yaml",
        10,
        "entries[0].related[1]",
        "`no_such_entry` does not exist",
    ),
    (
        "unknown_service.yaml",
        7,
        "entries[0].services[1]",
        "unknown service `mainframe`",
    ),
    ("not_utf8.yaml", 2, "(file)", "not UTF-8"),
    (
        "shared_without_sides.yaml",
        3,
        "entries[0].aws_does",
        "shared entry must say what each side does",
    ),
    (
        "bad_source.yaml",
        10,
        "entries[0].source.url",
        "not an https URL of an AWS page",
    ),
    (
        "bad_source.yaml",
        11,
        "entries[0].source.checked",
        "is not a date (YYYY-MM-DD)",
    ),
    (
        "case_owner_mismatch.yaml",
        13,
        "entries[0].cases[0].owner",
        "the case says `aws` but its entry `base_entry` says `customer`",
    ),
    (
        "case_without_selector.yaml",
        15,
        "entries[0].cases[1]",
        "a case needs `services` or `when`",
    ),
];

#[test]
fn every_broken_fixture_gets_its_precise_error() {
    let mut failures = Vec::new();
    for &(file, line, field, needle) in CASES {
        let (diags, _dir) = load_with(file);
        let found = diags.iter().any(|d| {
            d.file.ends_with(file)
                && d.line == Some(line)
                && d.field == field
                && d.message.contains(needle)
        });
        if !found {
            failures.push(format!(
                "{file}: wanted line {line}, field {field}, message with {needle:?}; got:\n  {}",
                diags
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_id_names_both_places() {
    let (diags, _dir) = load_with("duplicate_id.yaml");
    let d = diags
        .iter()
        .find(|d| d.message.contains("duplicate id"))
        .unwrap();
    let text = d.to_string();
    assert!(text.contains("duplicate_id.yaml:3"), "{text}");
    assert!(text.contains("base.yaml:3"), "{text}");
}

#[test]
fn all_errors_in_a_file_are_reported() {
    let (diags, _dir) = load_with("multiple_errors.yaml");
    let fields: Vec<&str> = diags.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "entries[1].owner",
            "entries[2].services[0]",
            "entries[3].question"
        ],
        "{diags:#?}"
    );
    let lines: Vec<Option<usize>> = diags.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(12), Some(21), Some(25)]);
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let dir = base_with(&["bad_owner.yaml", "unknown_service.yaml", "syntax.yaml"]);
    let Err(LoadError::Invalid(diags)) = load_dir(dir.path()) else {
        panic!("loaded")
    };
    assert_eq!(diags.len(), 3, "{diags:#?}");
}

#[test]
fn a_missing_directory_is_an_io_error_not_a_panic() {
    let err = load_dir(Path::new("/no/such/knowledge")).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }), "{err}");
}

#[test]
fn the_base_fixture_itself_is_valid() {
    let kb = load_dir(&fixtures().join("base")).unwrap();
    assert_eq!(kb.entries().len(), 1);
    assert_eq!(kb.entries()[0].origin.line, 3);
}
