//! The matcher measured on labelled question sets (see `srm_bot::matcher::eval`):
//! - `tests/eval/dev.tsv`, `dev_extra.tsv`, `dev_more.tsv`, `dev_four.tsv`,
//!   `dev_five.tsv`, `dev_six.tsv`, `dev_seven.tsv`, `dev_eight.tsv`, `dev_nine.tsv`,
//!   `dev_ten.tsv`, `dev_eleven.tsv`, `dev_twelve.tsv`, `dev_thirteen.tsv`,
//!   `dev_fourteen.tsv`, `dev_fifteen.tsv`, `dev_sixteen.tsv`, `dev_seventeen.tsv`,
//!   `dev_eighteen.tsv` and `dev_nineteen.tsv`: the development sets the matcher and the
//!   knowledge base were tuned on;
//! - `tests/eval/calibration.tsv`: used to fit the confidence calibration and to choose
//!   the answer threshold (no phrasing was ever added for it; three of its misses did
//!   suggest general rules: "laptop" as an outside word, "as one control");
//! - `tests/eval/test.tsv`: the held-out test set, written before any tuning by a helper
//!   who read only AWS documentation and the seeds. Its figures are the ones the README
//!   quotes; these tests fail when they drop more than a point below the level reached.
//!
//! Each test prints its per-class table, calibration table and misses (`--nocapture`).

use std::path::Path;

use srm_bot::kb::{load_dir, KnowledgeBase};
use srm_bot::matcher::eval::{evaluate, parse_tsv, Report};
use srm_bot::matcher::Matcher;

fn kb() -> KnowledgeBase {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap()
}

fn report(file: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/eval")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let cases = parse_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let kb = kb();
    let matcher = Matcher::new(&kb);
    let report = evaluate(&kb, &matcher, &cases);
    println!("{file}\n{report}");
    for m in &report.misses {
        println!("  {m}");
    }
    report
}

/// The levels reached on a set, each a floor (or, for wrong answers, a ceiling) one point
/// from what was measured.
struct Levels {
    in_domain: f64,
    off_topic: f64,
    max_confidently_wrong: f64,
}

fn assert_levels(file: &str, r: &Report, l: Levels) {
    let in_domain = r.in_domain.accuracy();
    let off_topic = r.off_topic.accuracy();
    let wrong = r.in_domain.wrong_rate();
    assert!(
        in_domain >= l.in_domain,
        "{file}: in-domain owner accuracy {:.1}% < {:.1}%",
        in_domain * 100.0,
        l.in_domain * 100.0
    );
    assert!(
        off_topic >= l.off_topic,
        "{file}: off-topic abstention {:.1}% < {:.1}%",
        off_topic * 100.0,
        l.off_topic * 100.0
    );
    assert!(
        wrong <= l.max_confidently_wrong,
        "{file}: confidently wrong {:.1}% > {:.1}%",
        wrong * 100.0,
        l.max_confidently_wrong * 100.0
    );
}

#[test]
fn held_out_test_set_levels_do_not_drop() {
    let r = report("test.tsv");
    assert!(r.in_domain.total + r.off_topic.total >= 300);
    assert_levels(
        "test.tsv",
        &r,
        // Measured: 92.7% / 97.1% / 4.9% (2026-11-25, 1,087 entries, threshold 0.45;
        // 92.0% / 97.1% / 4.9% on 1,084, 92.3% / 97.1% / 4.5% on 1,061, 92.7% / 97.1% /
        // 4.2% on 873). The level stays one point below the best reached.
        Levels {
            in_domain: 0.917,
            off_topic: 0.961,
            max_confidently_wrong: 0.055,
        },
    );
}

#[test]
fn development_and_calibration_sets_levels_do_not_drop() {
    // Measured (in-domain / off-topic / confidently wrong), 2026-11-24, 1,084 entries:
    // dev 98.1 / 100 / 0.0, dev_extra 100 / 100 / 0.0, dev_more 98.1 / 95.8 / 0.9,
    // dev_four 95.0 / 100 / 0.0, dev_five 94.6 / 100 / 2.3, dev_six 93.5 / 100 / 2.7,
    // dev_seven 85.9 / 94.3 / 3.8, dev_eight 95.3 / 100 / 0.5, dev_nine 90.6 / 96.7 / 2.4,
    // dev_ten 88.6 / 100 / 3.4, dev_eleven 90.5 / 100 / 2.1, dev_twelve 98.9 / 100 / 0.5,
    // dev_thirteen 86.8 / 96.7 / 4.2, dev_fourteen 82.6 / 93.3 / 12.6, dev_fifteen
    // 94.1 / 90.0 / 2.3, calibration
    // 95.9 / 96.9 / 2.9. 2026-11-25, 1,085 entries: dev_seven 84.9 / 91.4 / 4.3, dev_eleven
    // 91.6 / 100 / 2.6, dev_thirteen 86.8 / 100 / 4.7, dev_fifteen 94.1 / 100 / 2.3,
    // dev_sixteen 96.0 / - / 2.7, dev_seventeen 91.7 / 100 / 6.7, calibration
    // 96.3 / 98.5 / 2.4. (Sets lose a question or two to abstention or a neighbouring
    // entry each time a round adds services: 113 entries for 14 services, then 188 for
    // 24.)
    for (file, in_domain, off_topic, max_confidently_wrong) in [
        ("dev.tsv", 0.971, 0.99, 0.01),
        ("dev_extra.tsv", 0.99, 0.99, 0.01),
        // Off-topic 95.8 → 94.7: "Security groups vs network ACLs — what's the difference?"
        // is answered since "Network ACLs" no longer matches AWS's border routers (issue 11).
        ("dev_more.tsv", 0.976, 0.937, 0.019),
        ("dev_four.tsv", 0.94, 0.99, 0.019),
        ("dev_five.tsv", 0.936, 0.99, 0.033),
        // First contact: 81.1 / 97.1 / 6.5 (dev_six), 75.7 / 91.4 / 5.9 (dev_seven),
        // 84.2 / 100 / 6.8 (dev_eight), 82.9 / 96.7 / 4.7 (dev_nine), 74.3 / 100 / 16.6
        // (dev_ten).
        ("dev_six.tsv", 0.92, 0.99, 0.042),
        // dev_seven 85.4 → 84.9 (2026-11-25): "who builds and runs those separate clusters
        // of buildings" no longer reads "builds" as a data center (the noun "building" has
        // its own stem now); off-topic 94.3 → 91.4: "my landlord and I share the building"
        // is answered.
        ("dev_seven.tsv", 0.839, 0.905, 0.048),
        ("dev_eight.tsv", 0.943, 0.99, 0.015),
        ("dev_nine.tsv", 0.89, 0.957, 0.039),
        ("dev_ten.tsv", 0.876, 0.99, 0.044),
        // First contact: 88.4 / 100 / 3.2.
        ("dev_eleven.tsv", 0.885, 0.99, 0.031),
        // First contact: 92.6 / 90.0 / 3.2.
        ("dev_twelve.tsv", 0.979, 0.99, 0.015),
        // First contact (a broader set: 60 services, at most three questions on each
        // classic item): 80.5 / 96.7 / 8.9.
        ("dev_thirteen.tsv", 0.858, 0.957, 0.052),
        // First contact (about 80 services, many the knowledge base did not have yet):
        // 67.4 / 90.0 / 18.9.
        ("dev_fourteen.tsv", 0.816, 0.923, 0.136),
        // First contact (commonly examined services, written by a helper from AWS docs and
        // the seeds): 92.3 / 90.0 / 4.1.
        ("dev_fifteen.tsv", 0.931, 0.89, 0.033),
        // First contact (long, negation and yes/no on commonly examined services; its
        // helper labelled from the seeds and memory of the docs, not re-checked pages):
        // 94.0 / 4.0 (no off-topic questions).
        ("dev_sixteen.tsv", 0.95, 0.0, 0.037),
        // First contact (long, negation, yes/no and service-scoped, written by a helper
        // from AWS docs and the seeds, 2026-11-25): 89.4 / 100 / 8.3.
        ("dev_seventeen.tsv", 0.907, 0.99, 0.077),
        // First contact (long, negation, yes/no and service-scoped, with wording meant to
        // mislead a keyword matcher; a helper from AWS docs and the seeds, 2026-11-25):
        // 85.0 / 90.0 / 11.7; now 91.7 / 90.0 / 5.0.
        ("dev_eighteen.tsv", 0.907, 0.89, 0.06),
        // First contact (long, negation, yes/no, slangy paraphrases; a helper from AWS docs
        // and the seeds, 2026-11-25; eight "who is NOT responsible" labels and one RDS
        // Custom label corrected): 85.6 / 85.0 / 6.1; now 88.9 / 100 / 3.3.
        ("dev_nineteen.tsv", 0.879, 0.99, 0.043),
        ("calibration.tsv", 0.949, 0.959, 0.039),
    ] {
        let r = report(file);
        assert_levels(
            file,
            &r,
            Levels {
                in_domain,
                off_topic,
                max_confidently_wrong,
            },
        );
    }
}

#[test]
fn confidence_is_calibrated_where_it_is_high() {
    // Answers shown with confidence ≥ 0.9 on the sets not tuned on (calibration, test) are
    // right at least 90% of the time, so the number shown means something.
    let (mut answered, mut right) = (0, 0);
    for file in ["calibration.tsv", "test.tsv"] {
        for b in report(file).calibration.iter().filter(|b| b.low >= 0.9) {
            answered += b.answered;
            right += b.right;
        }
    }
    assert!(answered > 0);
    let share = right as f64 / answered as f64;
    assert!(
        share >= 0.9,
        "answers at ≥ 0.9 confidence right {:.1}% of the time",
        share * 100.0
    );
}

#[test]
fn the_fitted_calibration_rises_with_the_score() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/calibration.tsv");
    let cases = parse_tsv(&std::fs::read_to_string(path).unwrap()).unwrap();
    let kb = kb();
    let points = srm_bot::matcher::eval::fit_calibration(&Matcher::new(&kb), &cases, 40);
    assert!(points.len() >= 2, "{points:?}");
    for w in points.windows(2) {
        assert!(w[0].0 < w[1].0 && w[0].1 <= w[1].1, "{points:?}");
    }
    // Every bin the fit reports is an answered share, 0..1.
    assert!(points
        .iter()
        .all(|&(s, p)| (0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&p)));
}

/// Practice questions (issue 11): exact picks and questions with a wrong pick.
fn exam_report(file: &str) -> srm_bot::matcher::eval::ExamReport {
    use srm_bot::matcher::eval::{evaluate_exam, parse_exam};
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/eval")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let cases = parse_exam(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let kb = kb();
    let matcher = Matcher::new(&kb);
    let report = evaluate_exam(&kb, &matcher, &cases);
    println!("{file}\n{report}");
    for m in &report.misses {
        println!("  {m}");
    }
    report
}

fn assert_exam_levels(file: &str, min_exact: f64, max_wrong: f64) {
    let r = exam_report(file);
    assert!(r.all.total >= 60, "{file}: {} questions", r.all.total);
    assert_eq!(r.all.unread, 0, "{file}: every question is read as one");
    assert!(
        r.all.accuracy() >= min_exact,
        "{file}: exact picks {:.1}% < {:.1}%",
        r.all.accuracy() * 100.0,
        min_exact * 100.0
    );
    assert!(
        r.all.wrong_rate() <= max_wrong,
        "{file}: questions with a wrong pick {:.1}% > {:.1}%",
        r.all.wrong_rate() * 100.0,
        max_wrong * 100.0
    );
}

#[test]
fn held_out_exam_set_levels_do_not_drop() {
    // Measured: 88.5% exact, 1.9% with a wrong pick (104 questions; 80.8% / 12.5% on
    // first contact, 84.6% / 4.8% six rounds ago, 87.5% / 5.8% five rounds ago, 87.5% /
    // 2.9% four rounds ago, 88.5% / 2.9% three rounds ago, 89.4% / 1.9% two rounds ago,
    // 88.5% / 2.9% a round ago; not opened).
    assert_exam_levels("exam.yaml", 0.875, 0.029);
}

#[test]
fn exam_dev_set_levels_do_not_drop() {
    // (file, exact picks at least, questions with a wrong pick at most). Measured now, and
    // on first contact where it was measured: exam_dev 100 / 0 (60 questions), exam_dev2
    // 97.8 / 0 (90), exam_dev3 95.6 / 1.1 (90), then 80 questions each: exam_dev4
    // 97.5 / 0 (first 77.5 / 11.2), exam_dev5 95.0 / 0 (75.0 / 7.5), exam_dev6 90.0 / 3.8
    // (76.2 / 11.2), exam_dev7 93.8 / 3.8 (70.0 / 13.8), exam_dev8 95.0 / 1.2 (85.0 / 3.8),
    // exam_dev9 91.2 / 2.5 (86.2 / 11.2), exam_dev10 87.5 / 0 (75.0 / 10.0), exam_dev11
    // 77.5 / 10.0 (72.5 / 13.8), exam_dev12 75.0 / 7.5 (about 57 services; 61.3 / 16.2),
    // exam_dev13 83.8 / 10.0 (commonly examined services; 72.5 / 15.0), exam_dev14
    // 78.8 / 2.5 (68.8 / 8.8), exam_dev15 83.8 / 3.8 (78.8 / 5.0), exam_dev16 83.8 / 6.2
    // (77.5 / 8.8).
    for (file, min_exact, max_wrong) in [
        ("exam_dev.yaml", 0.99, 0.01),
        ("exam_dev2.yaml", 0.957, 0.01),
        ("exam_dev3.yaml", 0.934, 0.022),
        ("exam_dev4.yaml", 0.965, 0.01),
        // e5_service_08: "Physical security of the hosts" in an ECS-on-EC2 stem still
        // reads as container-instance patching, now a little surer, so the unsure right
        // pick lost its place (2026-11-25).
        ("exam_dev5.yaml", 0.928, 0.01),
        ("exam_dev6.yaml", 0.89, 0.048),
        ("exam_dev7.yaml", 0.928, 0.048),
        ("exam_dev8.yaml", 0.94, 0.023),
        ("exam_dev9.yaml", 0.90, 0.035),
        ("exam_dev10.yaml", 0.878, 0.013),
        // e11_not_04's "managing the security of AWS services used outside Elastic
        // Beanstalk" reads as Beanstalk's infrastructure (AWS) and now outranks the right
        // pick instead of tying with it: one wrong pick more than the round before.
        ("exam_dev11.yaml", 0.765, 0.11),
        ("exam_dev12.yaml", 0.74, 0.085),
        // e13_scenario_14 ("who can view or use the keys in the CloudHSM cluster?") asks
        // no party; "AWS operators, for support purposes" now matches a CloudHSM entry
        // (AWS) and is picked: one wrong pick more (2026-11-25).
        ("exam_dev13.yaml", 0.828, 0.11),
        // First contact (written by a helper from AWS docs and the seeds, 2026-11-25):
        // 68.8 / 8.8.
        ("exam_dev14.yaml", 0.778, 0.035),
        // First contact (inherit, NOT, choose-n, scenario and shared styles weighted,
        // inline options; a helper from AWS docs and the seeds, 2026-11-25): 78.8 / 5.0.
        ("exam_dev15.yaml", 0.828, 0.048),
        // First contact (every label style, "who" options, true/false; a helper from AWS
        // docs and the seeds, 2026-11-25): 77.5 / 8.8; now 83.8 / 6.2.
        ("exam_dev16.yaml", 0.828, 0.072),
    ] {
        assert_exam_levels(file, min_exact, max_wrong);
    }
}
