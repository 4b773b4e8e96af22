//! Broken knowledge files: every error names the file, the line and the field.

use std::path::{Path, PathBuf};

use srm_bot::kb::{load_dir, Diagnostic, LoadError};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A knowledge dir made of the valid base plus the named broken files.
pub(crate) fn base_with(broken: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let base = fixtures().join("base");
    std::fs::create_dir(dir.path().join("vocabulary")).unwrap();
    for f in [
        "vocabulary/services.yaml",
        "vocabulary/synonyms.yaml",
        "base.yaml",
        "stacks.yaml",
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
    (
        "applies_to_with_services.yaml",
        8,
        "entries[0].applies_to",
        "holds for every service names none",
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
fn a_technology_that_is_no_service_alias_names_file_line_and_field() {
    let dir = base_with(&[]);
    std::fs::write(
        dir.path().join("vocabulary/outside.yaml"),
        "places:\n  - our own racks\ntechnologies:\n  - instance\n  - kubernetes\n",
    )
    .unwrap();
    let Err(LoadError::Invalid(diags)) = load_dir(dir.path()) else {
        panic!("loaded")
    };
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert!(d.file.ends_with("vocabulary/outside.yaml"), "{d}");
    assert_eq!(d.line, Some(5), "{d}");
    assert_eq!(d.field, "technologies[1]", "{d}");
    assert!(d.message.contains("not an alias"), "{d}");
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

/// The base fixture's stacks file, changed by `edit`.
fn stacks_yaml(edit: impl Fn(String) -> String) -> String {
    edit(std::fs::read_to_string(fixtures().join("base/stacks.yaml")).unwrap())
}

/// The base fixture with `base_entry` (EC2 guest OS, customer) naming the `os` layer.
fn with_stacks(stacks: &str) -> tempfile::TempDir {
    let dir = base_with(&[]);
    let entry = dir.path().join("base.yaml");
    let text = std::fs::read_to_string(&entry).unwrap().replace(
        "    owner: customer\n",
        "    owner: customer\n    layer: os\n",
    );
    std::fs::write(&entry, text).unwrap();
    std::fs::write(dir.path().join("stacks.yaml"), stacks).unwrap();
    dir
}

#[test]
fn stacks_load_and_agree_with_the_entries_that_name_a_layer() {
    let dir = with_stacks(&stacks_yaml(|s| s));
    let kb = load_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let ec2 = kb.stacks().of("ec2").unwrap();
    assert_eq!(ec2.layer("os").unwrap().owner, srm_bot::kb::Owner::Customer);
    assert_eq!(kb.entries()[0].layer.as_deref(), Some("os"));
}

#[test]
fn a_stack_that_disagrees_with_an_entry_fails_with_file_and_line() {
    let dir = with_stacks(&stacks_yaml(|s| {
        s.replacen("{layer: os, owner: customer}", "{layer: os, owner: aws}", 1)
    }));
    let diags = match load_dir(dir.path()) {
        Err(e) => e.diagnostics().to_vec(),
        Ok(_) => panic!("loaded a disagreeing stack"),
    };
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(
        shown.iter().any(|d| d.contains("base.yaml:")
            && d.contains("entries[0].layer")
            && d.contains("stacks.yaml gives ec2's `os` layer to `aws`")),
        "{shown:#?}"
    );
}

#[test]
fn every_service_needs_a_stack_and_layers_need_owners_and_order() {
    // No RDS stack.
    let dir = with_stacks(&stacks_yaml(|s| {
        s.split("  - service: rds").next().unwrap().to_string()
    }));
    let shown = errors(dir.path());
    assert!(
        shown
            .iter()
            .any(|d| d.contains("stacks.yaml") && d.contains("no stack for service `rds`")),
        "{shown:#?}"
    );
    // A layer without an owner, and layers out of order.
    let broken = stacks_yaml(|s| {
        s.replace("      - {layer: os, owner: aws}\n", "      - {layer: os}\n")
            .replacen(
                "      - {layer: facilities, owner: aws}\n      - {layer: os, owner: customer}\n",
                "      - {layer: os, owner: customer}\n      - {layer: facilities, owner: aws}\n",
                1,
            )
    });
    let dir = with_stacks(&broken);
    let shown = errors(dir.path());
    assert!(
        shown
            .iter()
            .any(|d| d.contains("stacks.yaml:") && d.contains("owner")),
        "{shown:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|d| d.contains("stacks.yaml:") && d.contains("`facilities` must come below `os`")),
        "{shown:#?}"
    );
}

#[test]
fn a_knowledge_directory_without_stacks_is_invalid() {
    let dir = base_with(&[]);
    std::fs::remove_file(dir.path().join("stacks.yaml")).unwrap();
    let shown = errors(dir.path());
    assert!(
        shown
            .iter()
            .any(|d| d.contains("stacks.yaml") && d.contains("the file is missing")),
        "{shown:#?}"
    );
}

#[test]
fn the_shipped_knowledge_has_a_stack_for_every_service() {
    let kb = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();
    for s in &kb.vocabulary().services {
        let stack = kb
            .stacks()
            .of(&s.id)
            .unwrap_or_else(|| panic!("no stack for {}", s.id));
        assert!(
            stack.layer("facilities").is_some() && stack.layer("data").is_some(),
            "{}",
            s.id
        );
    }
    let tagged = kb.entries().iter().filter(|e| e.layer.is_some()).count();
    assert!(tagged >= 100, "{tagged} entries name their layer");
}

/// The diagnostics of a knowledge directory that must not load.
fn errors(dir: &Path) -> Vec<String> {
    match load_dir(dir) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(e) => e.diagnostics().iter().map(|d| d.to_string()).collect(),
    }
}
