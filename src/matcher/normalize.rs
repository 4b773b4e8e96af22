//! Turns free text into the terms the index knows: tokenise, stem, correct typos
//! against the knowledge base's own words, fold synonym and service phrases into one
//! canonical term each, and drop words that carry no topic.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::fuzzy::FuzzyWords;
use crate::kb::Vocabulary;

/// Input past this many words is ignored: a pasted page says what it is about early.
const MAX_TOKENS: usize = 400;

/// Words that carry no topic: question framing, pronouns, the parties themselves.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "each",
    "else",
    "for",
    "from",
    "get",
    "gets",
    "go",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "his",
    "how",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "just",
    "let",
    "lot",
    "may",
    "might",
    "mine",
    "must",
    "my",
    "need",
    "needs",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "or",
    "our",
    "ours",
    "own",
    "party",
    "please",
    "really",
    "s",
    "shall",
    "she",
    "should",
    "side",
    "so",
    "some",
    "somebody",
    "someone",
    "still",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "to",
    "too",
    "under",
    "up",
    "us",
    "very",
    "want",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "yes",
    "your",
    "yours",
    "actually",
    "exactly",
    "hey",
    "hi",
    "ok",
    "okay",
    "pls",
    "plz",
    "quick",
    "question",
    "q",
    "tell",
    "know",
    "think",
    "exam",
    "ll",
    "ve",
    "re",
    "d",
    "m",
    "im",
    "ur",
    "u",
    "ya",
    "yo",
    "etc",
    "according",
    "following",
    "true",
    "false",
    "correct",
    "statement",
    "best",
    "describes",
];

/// Canonical terms that only frame the question ("is it AWS's job or mine?").
const FRAMING: &[&str] = &["aws", "customer", "responsible"];

/// One normalised term of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    /// 1.0 for an exact word; less for a corrected typo.
    pub quality: f32,
    /// The word is neither in the knowledge base nor close to a word in it.
    pub unknown: bool,
}

/// A normalised text: its terms and the services it names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    pub terms: Vec<Term>,
    pub services: Vec<String>,
}

#[derive(Debug, Clone)]
enum Canon {
    Term(String),
    Service(String),
}

/// The normaliser, built once from the vocabulary and every word of the knowledge base.
pub struct Normalizer {
    stemmer: Stemmer,
    phrases: HashMap<String, Canon>,
    max_phrase: usize,
    stop: HashSet<String>,
    known: FuzzyWords,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("phrases", &self.phrases.len())
            .finish()
    }
}

/// The term a service stands for in the index.
pub fn service_term(id: &str) -> String {
    format!("svc_{id}")
}

impl Normalizer {
    /// Builds the normaliser; `corpus` is every text the index will hold.
    pub fn new<'a>(vocab: &Vocabulary, corpus: impl IntoIterator<Item = &'a str>) -> Self {
        let mut n = Normalizer {
            stemmer: Stemmer::create(Algorithm::English),
            phrases: HashMap::new(),
            max_phrase: 1,
            stop: HashSet::new(),
            known: FuzzyWords::default(),
        };
        let synonym_words: HashSet<String> =
            vocab.synonyms.iter().flatten().map(|w| n.key(w)).collect();
        // Services first: a service alias wins over a synonym with the same words.
        for s in &vocab.services {
            let mut names = vec![s.name.clone(), s.id.replace('_', " ")];
            for prefix in ["Amazon ", "AWS "] {
                if let Some(short) = s.name.strip_prefix(prefix) {
                    names.push(short.to_string());
                }
            }
            for (i, name) in names.iter().chain(&s.aliases).enumerate() {
                let key = n.key(name);
                // The bare id or short name of a service can be an ordinary word
                // ("config"); aliases are always taken.
                let derived = i > 0 && i < names.len();
                if derived && synonym_words.contains(&key) {
                    continue;
                }
                n.add_phrase(key, Canon::Service(s.id.clone()));
            }
        }
        for group in &vocab.synonyms {
            let canon = n.key(&group[0]).replace(' ', "_");
            for w in group {
                let key = n.key(w);
                n.phrases
                    .entry(key.clone())
                    .or_insert_with(|| Canon::Term(canon.clone()));
                n.max_phrase = n.max_phrase.max(key.split(' ').count());
            }
        }
        for w in STOPWORDS {
            n.stop.insert(n.stem(w));
        }
        for w in FRAMING {
            n.stop.insert((*w).to_string());
        }
        // Every word we can meet, as written: corpus, vocabulary and stopwords (so that
        // "teh" becomes a stopword).
        let mut words: Vec<String> = Vec::new();
        for text in corpus {
            words.extend(Self::words(text));
        }
        for phrase in vocab.synonyms.iter().flatten() {
            words.extend(Self::words(phrase));
        }
        for s in &vocab.services {
            for phrase in std::iter::once(&s.name).chain(&s.aliases) {
                words.extend(Self::words(phrase));
            }
        }
        words.extend(STOPWORDS.iter().map(|w| w.to_string()));
        for w in words {
            n.known.add(&w);
        }
        n
    }

    fn add_phrase(&mut self, key: String, canon: Canon) {
        if key.is_empty() {
            return;
        }
        self.max_phrase = self.max_phrase.max(key.split(' ').count());
        self.phrases.entry(key).or_insert(canon);
    }

    fn stem(&self, word: &str) -> String {
        if word.len() <= 3 || word.chars().any(|c| c.is_ascii_digit()) {
            word.to_string()
        } else {
            self.stemmer.stem(word).into_owned()
        }
    }

    /// Lower-cased words of `text`, not yet stemmed.
    fn words(text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && w.len() <= 60)
            .take(MAX_TOKENS)
            .map(str::to_string)
            .collect()
    }

    /// A phrase's lookup key: its stemmed words joined by spaces.
    fn key(&self, phrase: &str) -> String {
        Self::words(phrase)
            .iter()
            .map(|w| self.stem(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Normalises `text`. With `correct`, words the knowledge base does not know are
    /// replaced by the nearest word it does know (typo tolerance).
    pub fn normalize(&self, text: &str, correct: bool) -> Normalized {
        let mut words: Vec<(String, f32, bool)> = Vec::new();
        for w in Self::words(text) {
            if !correct || self.known.contains(&w) {
                words.push((self.stem(&w), 1.0, false));
            } else if let Some((fixed, d)) = self.known.correct(&w) {
                words.push((self.stem(fixed), 1.0 - 0.15 * d as f32, false));
            } else {
                // Glued words ("securitygroup"): split when both halves are known.
                match self.split_glued(&w) {
                    Some((a, b)) => {
                        words.push((a, 0.9, false));
                        words.push((b, 0.9, false));
                    }
                    None => words.push((self.stem(&w), 1.0, true)),
                }
            }
        }
        let mut out = Normalized::default();
        let mut i = 0;
        while i < words.len() {
            let mut matched = false;
            for len in (1..=self.max_phrase.min(words.len() - i)).rev() {
                let key = words[i..i + len]
                    .iter()
                    .map(|w| w.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let Some(canon) = self.phrases.get(&key) else {
                    continue;
                };
                let quality = words[i..i + len].iter().map(|w| w.1).fold(1.0f32, f32::min);
                let text = match canon {
                    Canon::Service(id) => {
                        if !out.services.contains(id) {
                            out.services.push(id.clone());
                        }
                        service_term(id)
                    }
                    Canon::Term(t) => t.clone(),
                };
                if !self.stop.contains(&text) {
                    out.terms.push(Term {
                        text,
                        quality,
                        unknown: false,
                    });
                }
                i += len;
                matched = true;
                break;
            }
            if !matched {
                let (text, quality, unknown) = words[i].clone();
                if !self.stop.contains(&text) {
                    out.terms.push(Term {
                        text,
                        quality,
                        unknown,
                    });
                }
                i += 1;
            }
        }
        out
    }

    fn split_glued(&self, w: &str) -> Option<(String, String)> {
        if w.len() < 6 || !w.is_ascii() {
            return None;
        }
        (3..w.len() - 2).find_map(|i| {
            let (a, b) = (&w[..i], &w[i..]);
            (self.known.contains(a) && self.known.contains(b) && !STOPWORDS.contains(&a))
                .then(|| (self.stem(a), self.stem(b)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{Service, ServiceModel};

    fn normalizer() -> Normalizer {
        let vocab = Vocabulary {
            services: vec![
                Service {
                    id: "ec2".into(),
                    name: "Amazon EC2".into(),
                    model: ServiceModel::Iaas,
                    aliases: vec!["instance".into(), "virtual machine".into()],
                },
                Service {
                    id: "config".into(),
                    name: "AWS Config".into(),
                    model: ServiceModel::Abstracted,
                    aliases: vec!["config rules".into()],
                },
            ],
            synonyms: vec![
                vec!["patch".into(), "update".into()],
                vec!["os".into(), "operating system".into()],
                vec!["configure".into(), "config".into()],
                vec!["firewall".into(), "security group".into()],
            ],
        };
        Normalizer::new(&vocab, ["Who patches the guest OS on an instance?"])
    }

    fn terms(n: &Normalizer, text: &str) -> Vec<String> {
        n.normalize(text, true)
            .terms
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn folds_synonyms_services_and_stopwords() {
        let n = normalizer();
        assert_eq!(
            terms(
                &n,
                "Who updates the operating system on my virtual machine?"
            ),
            terms(&n, "patch OS EC2")
        );
        assert_eq!(terms(&n, "patch OS EC2").len(), 3);
        assert_eq!(n.normalize("my EC2 box", true).services, ["ec2"]);
    }

    #[test]
    fn corrects_typos_before_folding() {
        let n = normalizer();
        assert_eq!(
            terms(&n, "who pacthes teh gest os"),
            terms(&n, "patch guest os")
        );
        assert_eq!(terms(&n, "securty grup"), terms(&n, "firewall"));
    }

    #[test]
    fn a_common_word_service_name_needs_its_full_name() {
        let n = normalizer();
        assert_eq!(terms(&n, "who does the config"), terms(&n, "configure"));
        assert!(n.normalize("who does the config", true).services.is_empty());
        assert_eq!(n.normalize("AWS Config rules", true).services, ["config"]);
    }

    #[test]
    fn unknown_words_are_flagged() {
        let n = normalizer();
        let t = n.normalize("weather forecast", true);
        assert!(t.terms.iter().all(|t| t.unknown));
    }
}
