//! Measuring the matcher on a labelled question set (`tests/eval/*.tsv`): owner accuracy,
//! confidently-wrong answers and abstention per class of question, and how well the
//! confidence is calibrated. Pure: the caller reads the file and prints the report.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::{Matcher, Verdict};
use crate::kb::{KnowledgeBase, Owner};

/// One labelled question: `expected` is `None` when the right answer is "I don't know".
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub expected: Option<Owner>,
    pub kind: String,
    pub question: String,
}

/// Why a question set could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Reads a question set: a header line, then `expected<TAB>kind<TAB>question` lines where
/// `expected` is `aws`, `customer`, `shared` or `abstain`.
pub fn parse_tsv(text: &str) -> Result<Vec<Labelled>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| ParseError {
            line: i + 1,
            message,
        };
        let mut cols = line.splitn(3, '\t');
        let (Some(expected), Some(kind), Some(question)) = (cols.next(), cols.next(), cols.next())
        else {
            return Err(err("expected three tab-separated columns".into()));
        };
        let expected = match expected {
            "aws" => Some(Owner::Aws),
            "customer" => Some(Owner::Customer),
            "shared" => Some(Owner::Shared),
            "abstain" => None,
            other => return Err(err(format!("unknown label `{other}`"))),
        };
        out.push(Labelled {
            expected,
            kind: kind.to_string(),
            question: question.to_string(),
        });
    }
    Ok(out)
}

/// What happened to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The right owner, or an abstention on an off-topic question.
    Right,
    /// An owner was given, and it is wrong (or the question was off-topic).
    ConfidentlyWrong,
    /// "Did you mean" or "I don't know" on an in-domain question.
    Abstained,
}

/// Counts for one class of question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub total: usize,
    pub right: usize,
    pub wrong: usize,
    pub abstained: usize,
}

impl Tally {
    fn add(&mut self, o: Outcome) {
        self.total += 1;
        match o {
            Outcome::Right => self.right += 1,
            Outcome::ConfidentlyWrong => self.wrong += 1,
            Outcome::Abstained => self.abstained += 1,
        }
    }

    /// Share of questions answered right, 0..1.
    pub fn accuracy(&self) -> f64 {
        ratio(self.right, self.total)
    }

    /// Share answered with a wrong owner, 0..1.
    pub fn wrong_rate(&self) -> f64 {
        ratio(self.wrong, self.total)
    }

    /// Share of in-domain questions not answered, 0..1.
    pub fn abstention(&self) -> f64 {
        ratio(self.abstained, self.total)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// One row of the calibration table: answers given with a confidence in `[low, high)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub low: f32,
    pub high: f32,
    pub answered: usize,
    pub right: usize,
}

/// A question the matcher got wrong, for study.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub kind: String,
    pub question: String,
    pub expected: Option<Owner>,
    pub got: Option<Owner>,
    /// The raw score (thresholds apply to it).
    pub score: f32,
    /// The entry answered with, or "unsure: …" / "abstain".
    pub entry: String,
}

/// The evaluation of a question set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub by_kind: BTreeMap<String, Tally>,
    /// Questions with an owner label.
    pub in_domain: Tally,
    /// Questions labelled `abstain`.
    pub off_topic: Tally,
    pub calibration: Vec<Bin>,
    pub misses: Vec<Miss>,
}

/// Confidence bins of the calibration table (answers start at the answer threshold).
const BINS: [f32; 6] = [0.0, 0.7, 0.8, 0.9, 0.95, 1.01];

/// Runs every question through the matcher.
pub fn evaluate(kb: &KnowledgeBase, matcher: &Matcher, cases: &[Labelled]) -> Report {
    let mut report = Report {
        calibration: BINS
            .windows(2)
            .map(|w| Bin {
                low: w[0],
                high: w[1],
                answered: 0,
                right: 0,
            })
            .collect(),
        ..Report::default()
    };
    for c in cases {
        let answer = matcher.best(&c.question);
        let got = answer.owner();
        let outcome = match (c.expected, got) {
            (None, None) => Outcome::Right,
            (None, Some(_)) => Outcome::ConfidentlyWrong,
            (Some(_), None) => Outcome::Abstained,
            (Some(e), Some(g)) if e == g => Outcome::Right,
            (Some(_), Some(_)) => Outcome::ConfidentlyWrong,
        };
        report
            .by_kind
            .entry(c.kind.clone())
            .or_default()
            .add(outcome);
        match c.expected {
            Some(_) => report.in_domain.add(outcome),
            None => report.off_topic.add(outcome),
        }
        if got.is_some() {
            if let Some(bin) = report
                .calibration
                .iter_mut()
                .find(|b| answer.confidence >= b.low && answer.confidence < b.high)
            {
                bin.answered += 1;
                bin.right += usize::from(outcome == Outcome::Right);
            }
        }
        if outcome != Outcome::Right {
            let entry = match &answer.verdict {
                Verdict::Known { entry, .. } => kb.entries()[*entry].id.clone(),
                Verdict::Unsure { suggestions } => format!(
                    "unsure: {}",
                    suggestions
                        .iter()
                        .map(|&i| kb.entries()[i].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Verdict::Unknown => "abstain".into(),
            };
            report.misses.push(Miss {
                kind: c.kind.clone(),
                question: c.question.clone(),
                expected: c.expected,
                got,
                score: answer.score,
                entry,
            });
        }
    }
    report
}

/// Fits the calibration table: answered questions sorted by raw score, in bins of at least
/// `per_bin`, each bin's share of right answers made non-decreasing by pooling adjacent
/// violators. Returns (mean score of the bin, share right) points, increasing.
pub fn fit_calibration(matcher: &Matcher, cases: &[Labelled], per_bin: usize) -> Vec<(f32, f32)> {
    let mut scored: Vec<(f32, bool)> = cases
        .iter()
        .filter_map(|c| {
            let a = matcher.best(&c.question);
            let got = a.owner()?;
            Some((a.score, c.expected == Some(got)))
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    // (sum of scores, right, count) per block.
    let mut blocks: Vec<(f64, f64, f64)> = scored
        .chunks(per_bin.max(1))
        .map(|c| {
            (
                c.iter().map(|x| x.0 as f64).sum(),
                c.iter().filter(|x| x.1).count() as f64,
                c.len() as f64,
            )
        })
        .collect();
    let mut i = 0;
    while i + 1 < blocks.len() {
        let (a, b) = (blocks[i], blocks[i + 1]);
        if a.1 / a.2 > b.1 / b.2 {
            blocks[i] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            blocks.remove(i + 1);
            i = i.saturating_sub(1);
        } else {
            i += 1;
        }
    }
    blocks
        .iter()
        .map(|&(s, r, n)| ((s / n) as f32, (r / n) as f32))
        .collect()
}

impl fmt::Display for Miss {
    /// `[kind] want OWNER got OWNER (entry, raw score): question`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] want {} got {} ({}, {:.2}): {}",
            self.kind,
            self.expected.map_or("abstain", |o| o.id()),
            self.got.map_or("abstain", |o| o.id()),
            self.entry,
            self.score,
            self.question
        )
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

impl fmt::Display for Report {
    /// The per-class table and the calibration table, as Markdown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "| class | questions | right | confidently wrong | abstained |"
        )?;
        writeln!(f, "|---|---:|---:|---:|---:|")?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, t: &Tally| {
            writeln!(
                f,
                "| {name} | {} | {} | {} | {} |",
                t.total,
                pct(t.accuracy()),
                pct(t.wrong_rate()),
                pct(t.abstention())
            )
        };
        for (kind, t) in &self.by_kind {
            row(f, kind, t)?;
        }
        row(f, "**in-domain**", &self.in_domain)?;
        row(f, "**off-topic (right = abstained)**", &self.off_topic)?;
        writeln!(f)?;
        writeln!(f, "| confidence | answers | right |")?;
        writeln!(f, "|---|---:|---:|")?;
        for b in &self.calibration {
            let mut label = String::new();
            if b.low == 0.0 {
                let _ = write!(label, "< {:.2}", b.high);
            } else if b.high > 1.0 {
                let _ = write!(label, "≥ {:.2}", b.low);
            } else {
                let _ = write!(label, "{:.2}–{:.2}", b.low, b.high);
            }
            writeln!(
                f,
                "| {label} | {} | {} |",
                b.answered,
                if b.answered == 0 {
                    "–".into()
                } else {
                    pct(ratio(b.right, b.answered))
                }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_and_rejects_unknown_ones_with_the_line() {
        let cases = parse_tsv("expected\tkind\tquestion\naws\tparaphrase\twho guards the DC\nabstain\tofftopic\tweather?\n").unwrap();
        assert_eq!(
            cases,
            vec![
                Labelled {
                    expected: Some(Owner::Aws),
                    kind: "paraphrase".into(),
                    question: "who guards the DC".into()
                },
                Labelled {
                    expected: None,
                    kind: "offtopic".into(),
                    question: "weather?".into()
                }
            ]
        );
        assert_eq!(
            parse_tsv("h\nmaybe\tx\ty\n").unwrap_err(),
            ParseError {
                line: 2,
                message: "unknown label `maybe`".into()
            }
        );
        assert_eq!(parse_tsv("h\naws only\n").unwrap_err().line, 2);
    }

    #[test]
    fn tallies_split_right_wrong_and_abstained() {
        let mut t = Tally::default();
        for o in [
            Outcome::Right,
            Outcome::Right,
            Outcome::ConfidentlyWrong,
            Outcome::Abstained,
        ] {
            t.add(o);
        }
        assert_eq!((t.total, t.right, t.wrong, t.abstained), (4, 2, 1, 1));
        assert_eq!(t.accuracy(), 0.5);
        assert_eq!(t.wrong_rate(), 0.25);
    }
}

/// One practice question of an exam set (`tests/eval/exam*.yaml`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ExamCase {
    pub id: String,
    pub style: String,
    pub question: String,
    /// The right options' labels as written, or `True` / `False`.
    #[serde(deserialize_with = "labels")]
    pub picks: Vec<String>,
}

fn labels<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    use serde::Deserialize;
    let values = Vec::<serde_yaml::Value>::deserialize(d)?;
    values
        .into_iter()
        .map(|v| match v {
            serde_yaml::Value::String(s) => Ok(s),
            serde_yaml::Value::Bool(b) => Ok(if b { "True" } else { "False" }.to_string()),
            serde_yaml::Value::Number(n) => Ok(n.to_string()),
            other => Err(serde::de::Error::custom(format!(
                "a pick must be a label, not {other:?}"
            ))),
        })
        .collect()
}

/// Reads an exam set: a YAML list of `{id, style, question, picks}`.
pub fn parse_exam(text: &str) -> Result<Vec<ExamCase>, ParseError> {
    serde_yaml::from_str(text).map_err(|e| ParseError {
        line: e.location().map_or(0, |l| l.line()),
        message: e.to_string(),
    })
}

/// Counts for one style of practice question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExamTally {
    pub total: usize,
    /// Exactly the right picks.
    pub exact: usize,
    /// At least one option picked that is not right.
    pub wrong: usize,
    /// Not read as a practice question at all.
    pub unread: usize,
}

impl ExamTally {
    fn add(&mut self, exact: bool, wrong: bool, unread: bool) {
        self.total += 1;
        self.exact += usize::from(exact);
        self.wrong += usize::from(wrong);
        self.unread += usize::from(unread);
    }

    /// Share with exactly the right picks, 0..1.
    pub fn accuracy(&self) -> f64 {
        ratio(self.exact, self.total)
    }

    /// Share with a wrong pick, 0..1.
    pub fn wrong_rate(&self) -> f64 {
        ratio(self.wrong, self.total)
    }
}

/// A practice question not answered exactly, for study.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamMiss {
    pub id: String,
    pub expected: Vec<String>,
    pub got: Vec<String>,
    /// Per option: label, owner given (or "?") and entry.
    pub options: Vec<String>,
}

/// The evaluation of an exam set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExamReport {
    pub by_style: BTreeMap<String, ExamTally>,
    pub all: ExamTally,
    pub misses: Vec<ExamMiss>,
}

/// Answers every practice question and compares the picks with the right ones.
pub fn evaluate_exam(kb: &KnowledgeBase, matcher: &Matcher, cases: &[ExamCase]) -> ExamReport {
    let mut report = ExamReport::default();
    for c in cases {
        let exam = super::exam::read(matcher, kb, &c.question);
        let got: Vec<String> = exam.as_ref().map(|e| e.pick_labels()).unwrap_or_default();
        let same = |a: &String, b: &String| a.eq_ignore_ascii_case(b);
        let exact =
            got.len() == c.picks.len() && got.iter().all(|g| c.picks.iter().any(|p| same(p, g)));
        let wrong = got.iter().any(|g| !c.picks.iter().any(|p| same(p, g)));
        report
            .by_style
            .entry(c.style.clone())
            .or_default()
            .add(exact, wrong, exam.is_none());
        report.all.add(exact, wrong, exam.is_none());
        if !exact {
            let options = exam
                .iter()
                .flat_map(|e| &e.options)
                .map(|j| match j.known() {
                    Some((entry, owner)) => format!(
                        "{} {} ({:.2} {})",
                        j.label,
                        owner,
                        j.answer.score,
                        kb.entries()[entry].id
                    ),
                    None => format!("{} ? ({:.2})", j.label, j.answer.score),
                })
                .collect();
            report.misses.push(ExamMiss {
                id: c.id.clone(),
                expected: c.picks.clone(),
                got,
                options,
            });
        }
    }
    report
}

impl fmt::Display for ExamReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<14} {:>5} {:>8} {:>11} {:>7}",
            "style", "n", "exact", "wrong pick", "unread"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, t: &ExamTally| {
            writeln!(
                f,
                "{:<14} {:>5} {:>7.1}% {:>10.1}% {:>7}",
                name,
                t.total,
                100.0 * t.accuracy(),
                100.0 * t.wrong_rate(),
                t.unread
            )
        };
        for (style, t) in &self.by_style {
            row(f, style, t)?;
        }
        row(f, "all", &self.all)
    }
}

impl fmt::Display for ExamMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {:?}, got {:?} — {}",
            self.id,
            self.expected,
            self.got,
            self.options.join("; ")
        )
    }
}
