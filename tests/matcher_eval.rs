//! The development evaluation set (`tests/eval/dev.tsv`): the matcher names the right
//! owner for in-domain questions and abstains on off-topic ones. Failures are printed
//! so they can be studied.

use std::path::Path;

use srm_bot::kb::{load_dir, Owner};
use srm_bot::matcher::Matcher;

struct Case {
    expected: Option<Owner>,
    kind: String,
    question: String,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/dev.tsv"))
            .unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut cols = line.splitn(3, '\t');
            let expected = match cols.next().unwrap() {
                "aws" => Some(Owner::Aws),
                "customer" => Some(Owner::Customer),
                "shared" => Some(Owner::Shared),
                "abstain" => None,
                other => panic!("bad expected {other:?} in {line:?}"),
            };
            Case {
                expected,
                kind: cols.next().unwrap().to_string(),
                question: cols.next().unwrap().to_string(),
            }
        })
        .collect()
}

#[test]
fn dev_set_owner_accuracy_and_abstention() {
    let kb = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();
    let matcher = Matcher::new(&kb);
    let cases = cases();
    assert!(cases.len() >= 200, "{} questions", cases.len());
    let (mut in_total, mut in_right, mut off_total, mut off_right) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut calibration = Vec::new();
    for c in &cases {
        let answer = matcher.best(&c.question);
        calibration.push((
            c.expected,
            answer.confidence,
            answer.candidate.map(|(_, o)| o),
        ));
        let got = answer.owner();
        let entry = match &answer.verdict {
            srm_bot::matcher::Verdict::Known { entry, .. } => kb.entries()[*entry].id.clone(),
            srm_bot::matcher::Verdict::Unsure { suggestions } => format!(
                "unsure: {}",
                suggestions
                    .iter()
                    .map(|&i| kb.entries()[i].id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            srm_bot::matcher::Verdict::Unknown => "abstain".into(),
        };
        let right = got == c.expected;
        match c.expected {
            Some(_) => {
                in_total += 1;
                in_right += right as usize;
            }
            None => {
                off_total += 1;
                off_right += right as usize;
            }
        }
        if !right {
            failures.push(format!(
                "  [{}] want {:?} got {:?} ({entry}, conf {:.2}): {}",
                c.kind, c.expected, got, answer.confidence, c.question
            ));
        }
    }
    let in_acc = in_right as f64 / in_total as f64;
    let off_acc = off_right as f64 / off_total as f64;
    println!(
        "in-domain owner accuracy {in_right}/{in_total} = {:.1}%; off-topic abstention {off_right}/{off_total} = {:.1}%",
        in_acc * 100.0,
        off_acc * 100.0
    );
    println!("failures:\n{}", failures.join("\n"));
    // How the answer threshold trades accuracy for abstention, to choose it with data.
    println!("threshold  in-domain  off-topic");
    for t in [0.35f32, 0.40, 0.42, 0.45, 0.48, 0.50, 0.55] {
        let (mut ir, mut it, mut or, mut ot) = (0, 0, 0, 0);
        for (expected, conf, cand) in &calibration {
            let owner = if *conf >= t { *cand } else { None };
            match expected {
                Some(_) => {
                    it += 1;
                    ir += (owner == *expected) as usize;
                }
                None => {
                    ot += 1;
                    or += owner.is_none() as usize;
                }
            }
        }
        println!(
            "  {t:.2}     {:5.1}%     {:5.1}%",
            100.0 * ir as f64 / it as f64,
            100.0 * or as f64 / ot as f64
        );
    }
    assert!(
        in_acc >= 0.95,
        "in-domain accuracy {:.1}% < 95%",
        in_acc * 100.0
    );
    assert!(
        off_acc >= 0.95,
        "off-topic abstention {:.1}% < 95%",
        off_acc * 100.0
    );
}
