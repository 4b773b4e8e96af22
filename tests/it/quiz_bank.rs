//! The question bank: curated questions validated like the knowledge base, generated
//! owner questions, filters and reproducible selection.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use srm_bot::kb::{load_dir, KnowledgeBase, LoadError};
use srm_bot::quiz::{Filter, Mode, QuestionBank, QuestionKind};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kb() -> KnowledgeBase {
    load_dir(&root().join("knowledge")).unwrap()
}

fn bank() -> QuestionBank {
    QuestionBank::load(&kb(), &root().join("knowledge/quiz")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_shipped_bank_loads_with_at_least_40_curated_questions() {
    let b = bank();
    let exam = b
        .questions()
        .iter()
        .filter(|q| q.kind == QuestionKind::Exam)
        .count();
    let owner = b
        .questions()
        .iter()
        .filter(|q| q.kind == QuestionKind::Owner)
        .count();
    assert!(exam >= 40, "{exam} curated questions");
    assert!(owner >= 120, "{owner} generated questions");
    for q in b.questions() {
        assert!(q.answer < q.options.len(), "{}", q.id);
        assert!(!q.explanation.is_empty(), "{}", q.id);
    }
}

#[test]
fn generated_questions_offer_the_three_owners_and_skip_it_depends_entries() {
    let b = bank();
    let q = b.get("kb:ec2_guest_os_patching").expect("generated");
    assert_eq!(q.options, ["AWS", "Customer", "Shared"]);
    assert_eq!(q.options[q.answer], "Customer");
    assert!(b.get("kb:os_patching_depends").is_none());
}

#[test]
fn filters_by_mode_topic_and_service() {
    let b = bank();
    let exam = Filter {
        mode: Mode::Exam,
        ..Filter::default()
    };
    assert!(b
        .select(&exam, 50, 1)
        .iter()
        .all(|q| q.kind == QuestionKind::Exam));
    let ec2 = Filter {
        service: Some("ec2".into()),
        ..Filter::default()
    };
    let picked = b.select(&ec2, 50, 1);
    assert!(!picked.is_empty());
    assert!(picked.iter().all(|q| q.services.iter().any(|s| s == "ec2")));
    let patching = Filter {
        topic: Some("Patching".into()),
        mode: Mode::Owner,
        ..Filter::default()
    };
    let picked = b.select(&patching, 50, 1);
    assert!(!picked.is_empty());
    assert!(picked.iter().all(|q| q.topic == "patching"));
}

#[test]
fn no_question_repeats_and_a_seed_fixes_the_order() {
    let b = bank();
    let f = Filter::default();
    let a = b.select(&f, 50, 42);
    let ids: HashSet<&str> = a.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids.len(), 50);
    let again = b.select(&f, 50, 42);
    assert_eq!(a, again);
    let other = b.select(&f, 50, 43);
    assert_ne!(a, other);
}

#[test]
fn true_false_questions_load_from_plain_yaml_booleans() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/quiz_true_false_ok.yaml"),
        dir.path().join("tf.yaml"),
    )
    .unwrap();
    let b = QuestionBank::load(&kb(), dir.path()).unwrap();
    let q = b.get("true_false_ok").unwrap();
    assert_eq!(q.options, ["True", "False"]);
    assert_eq!(q.answer, 1);
}

fn broken(file: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/quiz_broken").join(file),
        dir.path().join(file),
    )
    .unwrap();
    match QuestionBank::load(&kb(), dir.path()) {
        Err(LoadError::Invalid(d)) => d.iter().map(|d| d.to_string()).collect(),
        other => panic!("{file}: {other:?}"),
    }
}

#[test]
fn every_broken_quiz_fixture_gets_its_precise_error() {
    let cases = [
        ("answer_not_option.yaml", "answer_not_option.yaml:6: questions[0].answer: answer `Nobody` is not one of the options"),
        ("duplicate_id.yaml", "duplicate_id.yaml:8: questions[1].id: duplicate question id `dup_a`: first defined at"),
        ("missing_explanation.yaml", "missing_explanation.yaml:3: questions[0].explanation: missing field `explanation`"),
        ("too_many_options.yaml", "too_many_options.yaml:5: questions[0].options: needs 2 to 4 options, found 5"),
        ("unknown_related.yaml", "unknown_related.yaml:8: questions[0].related[0]: related entry `no_such_entry` does not exist"),
    ];
    for (file, want) in cases {
        let got = broken(file);
        assert!(
            got.iter().any(|d| d.contains(want)),
            "{file}: wanted {want:?}\ngot {got:#?}"
        );
    }
}

#[test]
fn a_missing_quiz_directory_means_generated_questions_only() {
    let b = QuestionBank::load(&kb(), Path::new("/no/such/dir")).unwrap();
    assert!(b.questions().iter().all(|q| q.kind == QuestionKind::Owner));
}
