//! The question bank: "Who is responsible for …?" questions generated from the knowledge
//! base, plus curated exam-style questions from `knowledge/quiz/*.yaml`, with filters and
//! reproducible selection.

use std::collections::HashSet;
use std::path::Path;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Deserializer};

use crate::kb::position::NodePath;
use crate::kb::source::{Diagnostic, LoadError, SourceFile};
use crate::kb::Files;
use crate::kb::{KnowledgeBase, Owner};

/// Where a question comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// Generated from a knowledge-base entry: AWS / Customer / Shared.
    Owner,
    /// Curated, from `knowledge/quiz/`.
    Exam,
}

/// One quiz question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizQuestion {
    /// `kb:<entry id>` for generated questions, the curated id otherwise.
    pub id: String,
    pub kind: QuestionKind,
    pub question: String,
    pub options: Vec<String>,
    /// Index of the right option.
    pub answer: usize,
    pub explanation: String,
    pub topic: String,
    pub services: Vec<String>,
}

/// Which questions a quiz draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Only generated "who is responsible" questions.
    Owner,
    /// Only curated exam-style questions.
    Exam,
    /// Both.
    #[default]
    Mixed,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s.to_ascii_lowercase().as_str() {
            "owner" => Some(Mode::Owner),
            "exam" => Some(Mode::Exam),
            "mixed" => Some(Mode::Mixed),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Mode::Owner => "owner",
            Mode::Exam => "exam",
            Mode::Mixed => "mixed",
        }
    }
}

/// Filters for selecting questions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub topic: Option<String>,
    pub service: Option<String>,
    pub mode: Mode,
}

impl Filter {
    fn accepts(&self, q: &QuizQuestion) -> bool {
        let mode = match self.mode {
            Mode::Owner => q.kind == QuestionKind::Owner,
            Mode::Exam => q.kind == QuestionKind::Exam,
            Mode::Mixed => true,
        };
        let topic = self
            .topic
            .as_deref()
            .is_none_or(|t| q.topic.eq_ignore_ascii_case(t));
        let service = self
            .service
            .as_deref()
            .is_none_or(|s| q.services.iter().any(|x| x.eq_ignore_ascii_case(s)));
        mode && topic && service
    }
}

/// Every question a quiz can ask.
#[derive(Debug, Clone, Default)]
pub struct QuestionBank {
    questions: Vec<QuizQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuizFile {
    topic: Option<String>,
    questions: Vec<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    question: String,
    #[serde(deserialize_with = "scalar_strings")]
    options: Vec<String>,
    #[serde(deserialize_with = "scalar_string")]
    answer: String,
    explanation: String,
    topic: Option<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
}

/// A scalar as text: YAML reads `True` as a boolean, but here it is an option's label.
fn scalar_text(v: serde_yaml::Value) -> Result<String, String> {
    match v {
        serde_yaml::Value::String(s) => Ok(s),
        serde_yaml::Value::Bool(true) => Ok("True".into()),
        serde_yaml::Value::Bool(false) => Ok("False".into()),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("expected text, found {other:?}")),
    }
}

fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    scalar_text(serde_yaml::Value::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn scalar_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<serde_yaml::Value>::deserialize(d)?
        .into_iter()
        .map(scalar_text)
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

/// The generated question for an entry, unless its owner depends on the service.
fn owner_question(e: &crate::kb::Entry) -> Option<QuizQuestion> {
    if !e.cases.is_empty() {
        return None;
    }
    Some(QuizQuestion {
        id: format!("kb:{}", e.id),
        kind: QuestionKind::Owner,
        question: e.question.clone(),
        options: Owner::ALL.iter().map(|o| o.name().to_string()).collect(),
        answer: Owner::ALL.iter().position(|o| *o == e.owner).unwrap_or(0),
        explanation: e.rationale.trim().to_string(),
        topic: e.topic.clone(),
        services: e.services.clone(),
    })
}

impl QuestionBank {
    /// Generated questions for every entry of `kb`, plus curated questions from
    /// `quiz_dir` (which may be absent).
    pub fn load(kb: &KnowledgeBase, quiz_dir: &Path) -> Result<Self, LoadError> {
        let files = match Files::read_dir(quiz_dir) {
            Ok(f) => f,
            Err(LoadError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Self::from_files(kb, &Files::empty(quiz_dir), "");
            }
            Err(e) => return Err(e),
        };
        Self::from_files(kb, &files, "")
    }

    /// Generated questions for every entry of `kb`, plus the curated questions in the YAML
    /// files of `source` under `prefix` (`"quiz/"` in a knowledge directory).
    pub fn from_files(kb: &KnowledgeBase, source: &Files, prefix: &str) -> Result<Self, LoadError> {
        let files: Vec<(&str, &[u8])> = source
            .iter()
            .filter(|(rel, _)| rel.strip_prefix(prefix).is_some_and(|r| !r.contains('/')))
            .collect();
        let mut diags = Vec::new();
        let mut curated = Vec::new();
        let mut seen: std::collections::HashMap<String, String> = Default::default();
        for (rel, bytes) in files {
            let Some(file) = SourceFile::parse(&source.path(rel), bytes, &mut diags) else {
                continue;
            };
            let Some(raw) = file.top::<RawQuizFile>(&mut diags) else {
                continue;
            };
            for (i, value) in raw.questions.into_iter().enumerate() {
                let at = NodePath::root().key("questions").index(i);
                let Some(q) = file.item::<RawQuestion>(value, &at, &mut diags) else {
                    continue;
                };
                let place = format!("{}:{}", source.path(rel).display(), file.line(&at));
                if let Some(prev) = seen.get(&q.id) {
                    diags.push(file.diag(
                        &at.key("id"),
                        format!("duplicate question id `{}`: first defined at {prev}", q.id),
                    ));
                    continue;
                }
                seen.insert(q.id.clone(), place);
                if let Some(question) =
                    check_question(q, raw.topic.as_deref(), kb, &file, &at, &mut diags)
                {
                    curated.push(question);
                }
            }
        }
        if !diags.is_empty() {
            return Err(LoadError::Invalid(diags));
        }
        Ok(Self::from_parts(kb, curated))
    }

    /// The generated questions of `kb` plus `curated`.
    pub fn from_parts(kb: &KnowledgeBase, curated: Vec<QuizQuestion>) -> Self {
        let mut questions: Vec<QuizQuestion> =
            kb.entries().iter().filter_map(owner_question).collect();
        questions.extend(curated);
        QuestionBank { questions }
    }

    pub fn questions(&self) -> &[QuizQuestion] {
        &self.questions
    }

    pub fn get(&self, id: &str) -> Option<&QuizQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// How many questions pass `filter`.
    pub fn count(&self, filter: &Filter) -> usize {
        self.questions.iter().filter(|q| filter.accepts(q)).count()
    }

    /// Up to `count` different questions passing `filter`, in an order fixed by `seed`.
    pub fn select(&self, filter: &Filter, count: usize, seed: u64) -> Vec<QuizQuestion> {
        let mut pool: Vec<&QuizQuestion> = self
            .questions
            .iter()
            .filter(|q| filter.accepts(q))
            .collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        pool.shuffle(&mut rng);
        pool.into_iter().take(count).cloned().collect()
    }

    /// The questions with these ids, in this order (for review quizzes).
    pub fn by_ids(&self, ids: &[String]) -> Vec<QuizQuestion> {
        ids.iter().filter_map(|id| self.get(id).cloned()).collect()
    }

    /// Every topic with at least one question, sorted, with its count.
    pub fn topics(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for q in &self.questions {
            *counts.entry(q.topic.clone()).or_default() += 1;
        }
        counts.into_iter().collect()
    }
}

fn check_question(
    q: RawQuestion,
    file_topic: Option<&str>,
    kb: &KnowledgeBase,
    file: &SourceFile,
    at: &NodePath,
    diags: &mut Vec<Diagnostic>,
) -> Option<QuizQuestion> {
    let before = diags.len();
    let mut problem = |field: NodePath, msg: String| diags.push(file.diag(&field, msg));
    if q.id.is_empty()
        || !q
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problem(at.key("id"), format!("id `{}` must be snake_case", q.id));
    }
    for (name, value) in [("question", &q.question), ("explanation", &q.explanation)] {
        if value.trim().is_empty() {
            problem(at.key(name), format!("`{name}` must not be empty"));
        }
    }
    if !(2..=4).contains(&q.options.len()) {
        problem(
            at.key("options"),
            format!("needs 2 to 4 options, found {}", q.options.len()),
        );
    }
    let distinct: HashSet<&str> = q.options.iter().map(|o| o.trim()).collect();
    if distinct.len() != q.options.len() || distinct.contains("") {
        problem(
            at.key("options"),
            "options must be distinct and non-empty".into(),
        );
    }
    let answer = q.options.iter().position(|o| o.trim() == q.answer.trim());
    if answer.is_none() {
        problem(
            at.key("answer"),
            format!("answer `{}` is not one of the options", q.answer),
        );
    }
    let topic = q.topic.as_deref().or(file_topic).map(str::to_string);
    if topic.as_deref().is_none_or(|t| t.trim().is_empty()) {
        problem(at.key("topic"), "missing field `topic`".into());
    }
    for (j, s) in q.services.iter().enumerate() {
        if kb.vocabulary().service(s).is_none() {
            problem(
                at.key("services").index(j),
                format!("unknown service `{s}` (not in vocabulary/services.yaml)"),
            );
        }
    }
    for (j, r) in q.related.iter().enumerate() {
        if kb.get(r).is_none() {
            problem(
                at.key("related").index(j),
                format!("related entry `{r}` does not exist in the knowledge base"),
            );
        }
    }
    if diags.len() > before {
        return None;
    }
    Some(QuizQuestion {
        id: q.id,
        kind: QuestionKind::Exam,
        question: q.question,
        options: q.options,
        answer: answer.unwrap_or(0),
        explanation: q.explanation.trim().to_string(),
        topic: topic.unwrap_or_default(),
        services: q.services,
    })
}

impl QuizQuestion {
    /// The option a player means by `token`: `1`–`4`, `a`–`d`, the option's text, or a
    /// unique start of it of three letters or more ("cust" for Customer).
    pub fn parse_choice(&self, token: &str) -> Option<usize> {
        let t = token.trim().to_lowercase();
        let n = self.options.len();
        if let Ok(i) = t.parse::<usize>() {
            return (1..=n).contains(&i).then(|| i - 1);
        }
        if t.len() == 1 {
            let c = t.chars().next()?;
            let i = (c as usize).wrapping_sub('a' as usize);
            return (c.is_ascii_lowercase() && i < n).then_some(i);
        }
        if let Some(i) = self.options.iter().position(|o| o.to_lowercase() == t) {
            return Some(i);
        }
        if t.chars().count() >= 3 {
            let starts: Vec<usize> = (0..n)
                .filter(|&i| self.options[i].to_lowercase().starts_with(&t))
                .collect();
            if let [i] = starts[..] {
                return Some(i);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(options: &[&str]) -> QuizQuestion {
        QuizQuestion {
            id: "x".into(),
            kind: QuestionKind::Owner,
            question: "?".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            answer: 0,
            explanation: "".into(),
            topic: "t".into(),
            services: vec![],
        }
    }

    #[test]
    fn choices_by_number_letter_word_and_prefix() {
        let owner = q(&["AWS", "Customer", "Shared"]);
        assert_eq!(owner.parse_choice("2"), Some(1));
        assert_eq!(owner.parse_choice(" b "), Some(1));
        assert_eq!(owner.parse_choice("customer"), Some(1));
        assert_eq!(owner.parse_choice("Cust"), Some(1));
        assert_eq!(owner.parse_choice("aws"), Some(0));
        assert_eq!(owner.parse_choice("4"), None);
        assert_eq!(owner.parse_choice("d"), None);
        assert_eq!(owner.parse_choice("who patches"), None);
        let tf = q(&["True", "False"]);
        assert_eq!(tf.parse_choice("false"), Some(1));
        assert_eq!(tf.parse_choice("tru"), Some(0));
    }
}
