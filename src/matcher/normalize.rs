//! Turns free text into the terms the index knows: tokenise, stem, correct typos
//! against the knowledge base's own words, fold synonym and service phrases into one
//! canonical term each, and drop words that carry no topic.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

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
    "take",
    "takes",
    "taking",
    "care",
    "handle",
    "handles",
    "handled",
    "handling",
    "deal",
    "deals",
    "look",
    "looks",
    "after",
    "theirs",
    "problem",
    "make",
    "sure",
    "supposed",
    "expected",
    "end",
    "entity",
    "duty",
    "sets",
    "set",
];

/// Words of an asking sentence that carry no topic ("how is ownership classified?").
const ASKING_WORDS: &[&str] = &[
    "ownership",
    "owner",
    "owns",
    "classify",
    "classified",
    "classifies",
    "categorize",
    "categorized",
    "categorise",
    "categorised",
    "category",
    "model",
    "shared",
    "responsibility",
    "responsible",
    "accountable",
    "party",
    "parties",
    "which",
    "who",
    "divided",
    "split",
    "handle",
    "handles",
    "does",
    "that",
    "this",
    "it",
    "them",
];

/// `text` with the word "IT" written in capitals (information technology: "IT controls",
/// "our IT team") as `infotech`, so that it is not read as the pronoun "it" ("keys it
/// controls").
fn information_technology(text: &str) -> std::borrow::Cow<'_, str> {
    // A question shouted in capitals says "IT" for "it".
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    let lower = text.chars().filter(|c| c.is_lowercase()).count();
    if upper >= lower {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let standalone = |i: usize| {
        let before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after = bytes.get(i + 2).is_none_or(|b| !b.is_ascii_alphanumeric());
        before && after
    };
    let at: Vec<usize> = text
        .match_indices("IT")
        .map(|(i, _)| i)
        .filter(|&i| standalone(i))
        .collect();
    if at.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8 * at.len());
    let mut last = 0;
    for i in at {
        out.push_str(&text[last..i]);
        out.push_str("infotech");
        last = i + 2;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// Words that open a scenario clause after a comma ("…, for a company that…").
const SCENARIO_OPENERS: &[&str] = &[
    "for",
    "when",
    "given",
    "in",
    "where",
    "while",
    "since",
    "because",
    "as",
    "if",
    "considering",
    "assuming",
];

/// Who a scenario is about ("… for a company that runs …").
const ORGANISATIONS: &[&str] = &[
    "company",
    "firm",
    "team",
    "business",
    "startup",
    "bank",
    "retailer",
    "organization",
    "organisation",
    "agency",
    "enterprise",
    "client",
    "customer",
    "school",
    "hospital",
    "university",
    "government",
    "vendor",
    "manufacturer",
    "insurer",
    "developer",
];

/// A text of this many words or more may hold a scenario before its question.
const LONG_TEXT: usize = 18;
/// Services whose nodes or tasks run on instances (EC2 ones, or AWS's own for Fargate): a
/// scenario about one of them that asks about "the EC2 instances" or "the underlying
/// instance" still asks about it.
const RUNS_ON_INSTANCES: [&str; 6] = ["eks", "ecs", "emr", "batch", "elastic_beanstalk", "fargate"];

/// A sentence longer than this that asks is read from its first asking word.
const LONG_SENTENCE: usize = 14;

/// Words that only frame the question ("under the shared responsibility model, is it
/// AWS's job or mine?"). They weigh little, but still break ties ("Amazon's staff").
const FRAMING: &[&str] = &["aws", "customer", "responsible", "srm"];

/// Words that show a text asks whose job something is.
const CUES: &[&str] = &[
    "who",
    "whose",
    "whom",
    "responsible",
    "responsibility",
    "responsibilities",
    "job",
    "jobs",
    "duty",
    "duties",
    "my",
    "mine",
    "me",
    "i",
    "we",
    "our",
    "ours",
    "us",
    "you",
    "your",
    "aws",
    "amazon",
    "amazons",
    "customer",
    "customers",
    "party",
    "should",
    "must",
    "need",
    "needs",
    "owner",
    "owns",
    "own",
    "handles",
    "handle",
    "task",
    "obligation",
    "theirs",
    "they",
    "them",
    "charge",
    "manages",
    "maintains",
    "secures",
    "patches",
    "configures",
    "provides",
    "protects",
    "enables",
    "sets",
    "controls",
];

/// Words that ask whose job something is, even in a how-to sentence.
const STRONG_CUES: &[&str] = &[
    "who",
    "whose",
    "whom",
    "responsible",
    "responsibility",
    "responsibilities",
    "job",
    "duty",
    "duties",
    "party",
    "owner",
    "owns",
    "mine",
    "theirs",
    "obligation",
];

/// Openings of how-to and fact questions ("how do I create…", "how many…", "what port…").
const HOW_TO: &[&[&str]] = &[
    &["how", "do"],
    &["how", "can"],
    &["how", "to"],
    &["how", "many"],
    &["how", "much"],
    &["how", "long"],
    &["how", "big"],
    &["what", "port"],
    &["what", "is", "the", "max"],
    &["what", "s", "the", "max"],
    &["when"],
    &["where"],
];

/// Whether `raw` holds one of `patterns` as consecutive words.
fn has_pattern(raw: &[String], patterns: &[&[&str]]) -> bool {
    patterns.iter().any(|pat| {
        raw.windows(pat.len())
            .any(|win| win.iter().zip(pat.iter()).all(|(a, b)| a == b))
    })
}

/// Comparisons of price or kind ("Is Fargate or EC2 cheaper?", "the difference between an
/// AWS managed and an AWS owned key") and requests for writing ("write me a haiku"): with
/// no word that asks whose job something is, they ask for a fact, whatever party they name.
const COMPARES: &[&[&str]] = &[
    &["difference", "between"],
    &["differences", "between"],
    &["cheaper"],
    &["cheapest"],
    &["more", "expensive"],
    &["pricing"],
    &["write", "me"],
    &["haiku"],
    &["poem"],
    &["joke"],
];

/// Words after which a named service is the one *not* in use ("instead of RDS").
const NOT_THIS: &[&[&str]] = &[
    &["instead", "of"],
    &["rather", "than"],
    &["migrated", "from"],
    &["moved", "from"],
    &["move", "from"],
    &["away", "from"],
    &["not"],
    &["without"],
    &["compared", "with"],
    &["compared", "to"],
    &["unlike"],
];

/// One normalised term of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    /// 1.0 for an exact word; less for a corrected typo.
    pub quality: f32,
    /// The word is neither in the knowledge base nor close to a word in it.
    pub unknown: bool,
    /// The term only frames the question ("AWS", "the shared responsibility model"): it
    /// weighs little.
    pub framing: bool,
    /// The term is (part of) a service's name ("EC2", "Amazon S3"), not a descriptive
    /// alias ("bucket").
    pub service: bool,
    /// The term is in the part of a long text that asks ("…; who patches the engine?"),
    /// not in the scenario before it. Every term of a short text is in focus.
    pub focus: bool,
}

/// Which party a question asks about, when it names one ("Is AWS responsible…?").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Aws,
    Customer,
}

impl Party {
    /// The other party.
    pub fn other(self) -> Party {
        match self {
            Party::Aws => Party::Customer,
            Party::Customer => Party::Aws,
        }
    }
}

/// How a question is put, beyond its topic: a yes/no question about one party ("Does
/// AWS patch…?", "Do I have to…?"), and whether it asks who is *not* responsible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Framing {
    /// A yes/no question (or a claim ending in "right?") about this party.
    pub yes_no: Option<Party>,
    /// The question or claim is negated: "is NOT responsible", "AWS doesn't …, right?".
    pub negated: bool,
}

/// A normalised text: its terms and the services it names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    pub terms: Vec<Term>,
    pub services: Vec<String>,
    /// Every service the text names and uses, wherever it names it (`services` keeps a
    /// long text's to those of its asking part).
    pub named: Vec<String>,
    /// Services the text names by their name ("Amazon Neptune"), not only by a
    /// descriptive alias ("the DB instances").
    pub by_name: Vec<String>,
    /// The text asks about responsibility ("who", "my job", "AWS or me").
    pub cue: bool,
    /// The text asks outright whose job something is ("who", "whose", "responsible").
    pub asks_owner: bool,
    /// The text names AWS, Amazon, an AWS service or the cloud.
    pub names_aws: bool,
    /// The text is a how-to or fact question with no word that asks whose job it is.
    pub how_to: bool,
    /// A wh-question ("what is…", "which is better…") that neither asks whose job
    /// something is nor names a party: it asks for a fact, not an owner.
    pub fact: bool,
    /// Every word in order as a stem, stopwords included and synonyms not folded: what
    /// case phrases (`when: [of the cloud]`, `when: [guest os]`) are looked for in.
    pub tokens: Vec<String>,
    /// How the question is put (yes/no, negated).
    pub framing: Framing,
    /// The party the text says does not do the thing before it asks who does ("AWS won't
    /// pick the retention period. Who does?", "we don't build the updates ourselves").
    pub denied: Option<Party>,
    /// The text is about somewhere else than AWS ("in Azure", "our on-premises
    /// servers") and names neither AWS nor an AWS service.
    pub outside: bool,
}

impl Normalized {
    /// Whether `phrase` (tokens as `Normalizer::tokens` gives them) occurs in the text.
    pub fn contains_phrase(&self, phrase: &[String]) -> bool {
        !phrase.is_empty()
            && self
                .tokens
                .windows(phrase.len())
                .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
    }

    /// Whether `phrase` occurs in the text other than right after a negation: "we have
    /// not subscribed to Shield Advanced" does not select what subscribing selects.
    pub fn affirms_phrase(&self, phrase: &[String]) -> bool {
        !phrase.is_empty()
            && self.tokens.windows(phrase.len()).enumerate().any(|(i, w)| {
                w.iter().zip(phrase).all(|(a, b)| a == b)
                    && !(i.saturating_sub(3)..i).any(|j| {
                        let t = self.tokens[j].as_str();
                        // "isn't configuring security groups AWS's job?" asks; it does
                        // not negate what follows.
                        NEGATORS.contains(&t)
                            && !(t == "t"
                                && j > 0
                                && matches!(
                                    self.tokens[j - 1].as_str(),
                                    "isn" | "aren" | "wasn" | "weren"
                                ))
                    })
            })
    }
}

/// Names whose number is part of the name, written as one word so that the number is not
/// dropped as a bare one: "Route 53" is a service, "Microsoft 365" is outside AWS.
const NUMBERED_NAMES: [(&str, &str); 3] = [
    ("route 53", "route53"),
    ("microsoft 365", "microsoft365"),
    ("office 365", "office365"),
];

/// "aws/ebs" or "alias/aws/rds" is the alias of an AWS managed KMS key, not the service
/// it names: each becomes "aws managed key".
fn aws_managed_key_aliases(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len() + 16);
    let mut rest = lower;
    while let Some(at) = rest.find("aws/") {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = &rest[at + 4..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        if before_ok && name_len > 0 {
            out.push_str(&rest[..at]);
            out.push_str("aws managed key");
            rest = &after[name_len..];
        } else {
            out.push_str(&rest[..at + 4]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Words that link something to AWS ("connected to", "hosted on", "running in").
const LINKS: &[&str] = &[
    "connected",
    "linked",
    "hosted",
    "running",
    "deployed",
    "attached",
    "tied",
    "related",
    "migrated",
    "moved",
];

/// Tokens that negate the words right after them ("not", "never", the "t" of "don't").
const NEGATORS: [&str; 6] = ["not", "t", "no", "never", "without", "nor"];

/// The normaliser, built once from the vocabulary and every word of the knowledge base.
pub struct Normalizer {
    stemmer: Stemmer,
    /// Synonym phrases → canonical term.
    phrases: HashMap<String, String>,
    max_phrase: usize,
    /// Service names and aliases → (service id, whether it is the service's name rather
    /// than a descriptive alias). Detection only: the words stay terms.
    services: HashMap<String, (String, bool)>,
    max_service: usize,
    stop: HashSet<String>,
    framing: HashSet<String>,
    known: FuzzyWords,
    /// The class bits of cue, party and framing words (see `class`).
    classes: HashMap<&'static str, u16>,
    /// First stems of the outside phrases, to skip the phrase scan for most questions.
    outside_first: HashSet<String>,
    /// Phrases (as stems) that put a text outside AWS: other providers, then places.
    outside_providers: Vec<Vec<String>>,
    outside_places: Vec<Vec<String>>,
    /// Service aliases that are technologies running anywhere ("kubernetes", "vm").
    technologies: HashSet<String>,
    /// Stems of known words: a word whose stem is known is not a typo ("rout" = route).
    known_stems: HashSet<String>,
    /// Known words and their stems, so that most words are not stemmed again per query.
    stems: HashMap<String, String>,
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("phrases", &self.phrases.len())
            .finish()
    }
}

/// The longest phrase of `table` starting at `words[i]` (at most `max` words), as its
/// length and value. Builds the key in one buffer rather than joining per length.
fn longest<'t, V>(
    table: &'t HashMap<String, V>,
    max: usize,
    words: &[(String, f32, bool)],
    i: usize,
    key: &mut String,
) -> Option<(usize, &'t V)> {
    key.clear();
    let mut found = None;
    for (len, w) in words[i..].iter().take(max).enumerate() {
        if len > 0 {
            key.push(' ');
        }
        key.push_str(&w.0);
        if let Some(v) = table.get(key.as_str()) {
            found = Some((len + 1, v));
        }
    }
    found
}

impl Normalizer {
    /// Builds the normaliser; `corpus` is every text the index will hold.
    pub fn new<'a>(vocab: &Vocabulary, corpus: impl IntoIterator<Item = &'a str>) -> Self {
        let mut n = Normalizer {
            stemmer: Stemmer::create(Algorithm::English),
            phrases: HashMap::default(),
            max_phrase: 1,
            services: HashMap::default(),
            max_service: 1,
            stop: HashSet::default(),
            framing: HashSet::default(),
            known: FuzzyWords::default(),
            outside_providers: Vec::new(),
            outside_places: Vec::new(),
            technologies: HashSet::default(),
            classes: word_classes(),
            outside_first: HashSet::default(),
            known_stems: HashSet::default(),
            stems: HashMap::default(),
        };
        let synonym_words: HashSet<String> =
            vocab.synonyms.iter().flatten().map(|w| n.key(w)).collect();
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
                // ("config"); its full name and its aliases always count.
                let derived = i > 0 && i < names.len();
                // A name that loses a number ("Route 53" → "route") would make an
                // ordinary word a service.
                let lost_number = Self::loses_number(name);
                if key.is_empty() || derived && synonym_words.contains(&key) || lost_number {
                    continue;
                }
                n.max_service = n.max_service.max(key.split(' ').count());
                let is_name = i < names.len();
                n.services
                    .entry(key)
                    .or_insert_with(|| (s.id.clone(), is_name));
            }
        }
        for group in &vocab.synonyms {
            // Marked as a group, so that a group's term never equals an ordinary word's
            // ("customer" → `=custom`, while "RDS Custom" keeps `custom`).
            let canon = format!("={}", n.key(&group[0]).replace(' ', "_"));
            for w in group {
                let key = n.key(w);
                n.max_phrase = n.max_phrase.max(key.split(' ').count());
                n.phrases.entry(key).or_insert_with(|| canon.clone());
            }
        }
        for w in STOPWORDS {
            n.stop.insert(n.stem(w));
        }
        let stems_of = |list: &[String], n: &Normalizer| -> Vec<Vec<String>> {
            list.iter()
                // A phrase that loses a number ("Office 365" → "office") would match
                // ordinary words ("officer"): such phrases are left out.
                .filter(|p| !Self::loses_number(p))
                .map(|p| Self::words(p).iter().map(|w| n.stem(w)).collect::<Vec<_>>())
                .filter(|p| !p.is_empty())
                .collect()
        };
        n.outside_providers = stems_of(&vocab.outside_providers, &n);
        n.outside_places = stems_of(&vocab.outside_places, &n);
        n.technologies = vocab.technologies.iter().map(|t| n.key(t)).collect();
        n.outside_first = n
            .outside_providers
            .iter()
            .chain(&n.outside_places)
            .map(|p| p[0].clone())
            .collect();
        for w in FRAMING {
            let key = n.key(w);
            let canon = n.phrases.get(&key).cloned().unwrap_or(key);
            n.framing.insert(canon);
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
        // The outside words too: "VirtualBox" is one word, not "virtual box".
        for phrase in vocab.outside_providers.iter().chain(&vocab.outside_places) {
            words.extend(Self::words(phrase));
        }
        words.extend(STOPWORDS.iter().map(|w| w.to_string()));
        for w in words {
            let stem = n.stem(&w);
            n.known_stems.insert(stem.clone());
            n.known.add(&w);
            n.stems.insert(w, stem);
        }
        n
    }

    fn stem(&self, word: &str) -> String {
        if word.len() <= 3 || word.chars().any(|c| c.is_ascii_digit()) {
            word.to_string()
        } else if word == "buildings" || word == "building" {
            // The noun keeps its own stem: "a building" is a data center, "who builds the
            // AMI" is not.
            "building".to_string()
        } else {
            self.stemmer.stem(word).into_owned()
        }
    }

    /// Whether `phrase` loses a number when split into words ("Office 2019" → "office";
    /// "Route 53" keeps it as "route53").
    fn loses_number(phrase: &str) -> bool {
        let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
        digits(&Self::words(phrase).concat()) != digits(phrase)
    }

    /// Lower-cased words of `text`, not yet stemmed.
    fn words(text: &str) -> Vec<String> {
        Self::words_in_sentences(text)
            .into_iter()
            .map(|(w, ..)| w)
            .collect()
    }

    /// Lower-cased words of `text`, each with the number of the sentence it is in (a
    /// sentence ends at `.`, `?`, `!`, `;`, `:` or a line break) and whether a comma comes
    /// right before it.
    fn words_in_sentences(text: &str) -> Vec<(String, usize, bool)> {
        // Names with a number keep it (bare numbers are dropped below).
        let mut lower = information_technology(text).to_lowercase();
        for (name, word) in NUMBERED_NAMES {
            if lower.contains(name) {
                lower = lower.replace(name, word);
            }
        }
        if lower.contains("aws/") {
            lower = aws_managed_key_aliases(&lower);
        }
        let mut out = Vec::new();
        let mut sentence = 0;
        let mut word = String::new();
        let mut comma = false;
        let flush = |word: &mut String,
                     sentence: usize,
                     comma: &mut bool,
                     out: &mut Vec<(String, usize, bool)>| {
            // Bare numbers carry no topic ("what's 2+2"); "s3" and "ec2" are kept.
            if !word.is_empty()
                && word.len() <= 60
                && !word.chars().all(|c| c.is_ascii_digit())
                && out.len() < MAX_TOKENS
            {
                out.push((std::mem::take(word), sentence, *comma));
                *comma = false;
            }
            word.clear();
        };
        let mut chars = lower.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                word.push(c);
                continue;
            }
            flush(&mut word, sentence, &mut comma, &mut out);
            if c == ',' {
                comma = true;
            }
            // "2.5" or "e.g." do not end a sentence: only an ender followed by a space.
            let ends = matches!(c, '?' | '!' | ';' | '\n')
                || (matches!(c, '.' | ':') && chars.peek().is_none_or(|n| n.is_whitespace()));
            if ends && out.last().is_some_and(|(_, s, _)| *s == sentence) {
                sentence += 1;
            }
        }
        flush(&mut word, sentence, &mut comma, &mut out);
        out
    }

    /// A phrase as the tokens of `Normalized::tokens` (stems, stopwords kept).
    pub fn tokens(&self, phrase: &str) -> Vec<String> {
        self.normalize(phrase, false).tokens
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
        // The word as written, for each entry of `words`.
        let mut raw: Vec<String> = Vec::new();
        // The sentence of each entry of `words`.
        let mut sentence_of: Vec<usize> = Vec::new();
        // The word as meant: a typo replaced by the known word it was corrected to.
        let mut spelled: Vec<String> = Vec::new();
        // Whether a comma comes right before each entry of `words`.
        let mut after_comma: Vec<bool> = Vec::new();
        for (w, sentence, comma) in Self::words_in_sentences(text) {
            let stem = match self.stems.get(&w) {
                Some(st) => st.clone(),
                None => self.stem(&w),
            };
            if !correct || self.stems.contains_key(&w) || self.known_stems.contains(&stem) {
                raw.push(w.clone());
                words.push((stem, 1.0, false));
            } else if let Some((fixed, d)) = self.known.correct(&w) {
                // A short word one edit from a known word is often another word entirely
                // ("rain" is not "train"), so trust it less.
                let per_edit = if w.chars().count() <= 5 { 0.3 } else { 0.12 };
                raw.push(w.clone());
                spelled.push(fixed.to_string());
                words.push((self.stem(fixed), 1.0 - per_edit * d as f32, false));
            } else {
                // Glued words ("securitygroup"): split when both halves are known.
                match self.split_glued(&w) {
                    Some((a, b)) => {
                        raw.push(a.clone());
                        raw.push(b.clone());
                        words.push((a, 0.9, false));
                        words.push((b, 0.9, false));
                    }
                    None => {
                        raw.push(w.clone());
                        words.push((self.stem(&w), 1.0, true));
                    }
                }
            }
            while sentence_of.len() < raw.len() {
                sentence_of.push(sentence);
            }
            // Only the first word of a token split in two follows the comma.
            let first = after_comma.len();
            after_comma.extend((first..raw.len()).map(|k| comma && k == first));
            while spelled.len() < raw.len() {
                spelled.push(raw[spelled.len()].clone());
            }
        }
        let focus_from = self.focus_start(&raw, &words, &sentence_of);
        let focus_to = Self::focus_end(&raw, &sentence_of, &after_comma, focus_from);
        let in_focus_at = |i: usize| i >= focus_from && i < focus_to;
        let mut out = Normalized {
            tokens: words.iter().map(|w| w.0.clone()).collect(),
            ..Normalized::default()
        };
        // Services are detected on the words as written (longest name first); the words
        // stay, so "EBS snapshots" still says "snapshot".
        let mut key = String::new();
        let mut in_service = vec![false; words.len()];
        // Words naming a service the question is not using: no topic of it.
        let mut not_in_use = vec![false; words.len()];
        let mut negated: Vec<String> = Vec::new();
        // Services also named by name where they are in use: "moved from node-based
        // ElastiCache to ElastiCache Serverless" still uses ElastiCache ("instead of RDS…
        // the DB instance" does not use RDS).
        let mut in_use: Vec<String> = Vec::new();
        let mut in_focus: Vec<String> = Vec::new();
        // Services of the sentence just before a long text's question.
        let mut near_focus: Vec<String> = Vec::new();
        // Services named by their name ("RDS Custom for Oracle"), not a descriptive alias.
        let mut by_name: Vec<String> = Vec::new();
        // Whether a service is named by more than a technology that runs anywhere.
        let mut names_aws_service = false;
        let mut i = 0;
        while i < words.len() {
            let found = longest(&self.services, self.max_service, &words, i, &mut key);
            match found {
                Some((len, (id, is_name))) => {
                    let matched = words[i..i + len]
                        .iter()
                        .map(|w| w.0.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    names_aws_service |= !self.technologies.contains(&matched);
                    if !out.services.contains(id) {
                        out.services.push(id.clone());
                    }
                    if *is_name && !by_name.contains(id) {
                        by_name.push(id.clone());
                    }
                    in_service[i..i + len].fill(*is_name);
                    if Self::after_not_this(&raw, &after_comma, i) || Self::moved_away_from(&raw, i)
                    {
                        not_in_use[i..i + len].fill(true);
                        if !negated.contains(id) {
                            negated.push(id.clone());
                        }
                    } else if *is_name && !in_use.contains(id) {
                        in_use.push(id.clone());
                    }
                    if in_focus_at(i) && !in_focus.contains(id) {
                        in_focus.push(id.clone());
                    }
                    let before = i < focus_from
                        && focus_from > 0
                        && sentence_of[i] + 1 >= sentence_of[focus_from];
                    if (before || i >= focus_to) && !near_focus.contains(id) {
                        near_focus.push(id.clone());
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        // A service the question is not using is never the one it asks about ("if we are
        // not using RDS", "instead of EC2").
        negated.retain(|id| !in_use.contains(id));
        out.services.retain(|id| !negated.contains(id));
        // "the DB instance" of "RDS Custom for Oracle" is that service's, not plain RDS's:
        // a service found only by a descriptive alias gives way to a named variant of it.
        out.services.retain(|id| {
            by_name.contains(id)
                || !by_name
                    .iter()
                    .any(|n| n != id && n.split('_').next() == Some(id.as_str()))
        });
        out.named = out.services.clone();
        out.by_name = by_name;
        // A long text's asking part decides which service it is about ("…runs EC2, S3
        // and RDS. Who patches the RDS engine?").
        let scenario = focus_from > 0 || focus_to < raw.len();
        if scenario && in_focus.iter().any(|id| out.services.contains(id)) {
            // "…our EKS cluster… who patches the EC2 instances it runs as nodes?": the
            // instances are the orchestrator's, so it stays in view.
            if in_focus.iter().all(|id| id == "ec2") {
                in_focus.extend(
                    out.services
                        .iter()
                        .filter(|id| RUNS_ON_INSTANCES.contains(&id.as_str()))
                        .cloned(),
                );
            }
            out.services.retain(|id| in_focus.contains(id));
        } else if scenario && near_focus.iter().any(|id| out.services.contains(id)) {
            // "…asks whether the DynamoDB table is encrypted. Who performs that?"
            out.services.retain(|id| near_focus.contains(id));
        }
        let mut i = 0;
        while i < words.len() {
            let (len, text) = longest(&self.phrases, self.max_phrase, &words, i, &mut key)
                .map(|(len, t)| (len, t.clone()))
                .unwrap_or_else(|| (1, words[i].0.clone()));
            let span = &words[i..i + len];
            if !self.stop.contains(&text) && !not_in_use[i..i + len].iter().all(|&b| b) {
                out.terms.push(Term {
                    text,
                    quality: span.iter().map(|w| w.1).fold(1.0f32, f32::min),
                    unknown: len == 1 && span[0].2,
                    framing: false,
                    service: in_service[i..i + len].iter().all(|&b| b),
                    focus: in_focus_at(i),
                });
            }
            i += len;
        }
        for t in &mut out.terms {
            t.framing = self.framing.contains(&t.text);
        }
        // Whose thing it is, when the text says so ("AWS's own staff", "the AWS network",
        // "my employees", "our own"): a topic word, unlike the parties themselves.
        let class_of = |w: &String| self.classes.get(w.as_str()).copied().unwrap_or(0);
        let flags: Vec<u16> = raw.iter().map(class_of).collect();
        let spelled_flags: Vec<u16> = spelled.iter().map(class_of).collect();
        for (i, side) in sides(&spelled, &spelled_flags) {
            out.terms.push(Term {
                text: side.to_string(),
                quality: 1.0,
                unknown: false,
                framing: false,
                service: false,
                focus: in_focus_at(i),
            });
        }
        out.cue = flags.iter().any(|f| f & class::CUE != 0);
        let strong = flags.iter().any(|f| f & class::STRONG != 0);
        out.asks_owner = strong;
        out.how_to = !strong && has_pattern(&raw, HOW_TO);
        // "What is Amazon Macie?", "difference between SQS and SNS?": a wh-question that
        // neither asks whose job something is nor names a party asks for a fact.
        // "How do I…", "can you…" are generic: they name nobody's responsibility.
        let party = raw.iter().enumerate().any(|(i, w)| {
            (flags[i] & class::CUSTOMER != 0 && !matches!(w.as_str(), "i" | "me"))
                || (flags[i] & class::AWS != 0
                    && !in_service[i]
                    && flags.get(i + 1).is_none_or(|f| f & class::TOOL == 0))
        });
        out.fact = !strong
            && (has_pattern(&raw, COMPARES)
                || (!party && flags.first().is_some_and(|f| f & class::FACT != 0)));
        out.framing = framing(&raw, &flags);
        out.denied = denied(&raw, &flags, &in_service);
        // As written: "Gmail" must not be corrected into a word the knowledge base knows.
        let written: Vec<String> = raw
            .iter()
            .map(|w| match self.stems.get(w) {
                Some(st) => st.clone(),
                None => self.stem(w),
            })
            .collect();
        let stems: Vec<&str> = written.iter().map(String::as_str).collect();
        let any_first = stems.iter().any(|w| self.outside_first.contains(*w));
        let uses = |phrases: &[Vec<String>]| {
            any_first
                && phrases.iter().any(|p| {
                    stems
                        .windows(p.len())
                        .any(|w| w[0] == p[0] && w.iter().zip(p).all(|(a, b)| a == b))
                })
        };
        // "non-AWS", "nothing to do with AWS", "unrelated to AWS" name AWS only to say the
        // question is not about it.
        let says_aws = raw.iter().enumerate().any(|(i, w)| {
            let before = |n: usize, words: &[&str]| {
                i >= n && raw[i - n..i].iter().zip(words).all(|(a, b)| a == b)
            };
            matches!(w.as_str(), "aws" | "amazon" | "amazons")
                && (i == 0 || !matches!(raw[i - 1].as_str(), "non" | "no" | "not" | "without"))
                && !before(4, &["nothing", "to", "do", "with"])
                && !before(2, &["unrelated", "to"])
                && !before(2, &["outside", "of"])
                && !before(1, &["outside"])
                && !before(2, &["nothing", "on"])
                && !Self::denied_link(&raw, i)
        });
        let names_service = !out.services.is_empty();
        out.names_aws = says_aws || names_service || raw.iter().any(|w| w == "cloud");
        // "Kubernetes on bare metal in our own racks" names a technology, not EKS.
        out.outside = (uses(&self.outside_providers) && !says_aws)
            || (uses(&self.outside_places) && !says_aws && !names_aws_service);
        out
    }

    /// Whether AWS, at `i`, is named only to deny a link to it: "servers that aren't
    /// connected to AWS at all", "not hosted on AWS" (a linking word and its preposition
    /// right before AWS, a negation just before them; "can't log in to AWS" is no such
    /// denial).
    fn denied_link(raw: &[String], i: usize) -> bool {
        if i < 3 || !matches!(raw[i - 1].as_str(), "to" | "on" | "in" | "with") {
            return false;
        }
        LINKS.contains(&raw[i - 2].as_str())
            && raw[i.saturating_sub(5)..i - 2]
                .iter()
                .any(|w| NEGATORS.contains(&w.as_str()))
    }

    /// Where the asking part of a long text starts (0 for a short text): the last
    /// sentence that asks ("who", "which party", "responsible"), and within a long such
    /// sentence, its first asking word.
    fn focus_start(
        &self,
        raw: &[String],
        words: &[(String, f32, bool)],
        sentence_of: &[usize],
    ) -> usize {
        if raw.len() < LONG_TEXT {
            return 0;
        }
        let asks = |j: usize| {
            let w = raw[j].as_str();
            matches!(
                w,
                "who" | "whose" | "whom" | "responsible" | "responsibility"
            ) || (w == "which"
                && raw
                    .get(j + 1)
                    .is_some_and(|n| matches!(n.as_str(), "party" | "parties" | "entity")))
        };
        let Some(last) = (0..raw.len()).rev().find(|&j| asks(j)) else {
            return 0;
        };
        let mut sentence = sentence_of[last];
        let mut start = sentence_of.iter().position(|&s| s == sentence).unwrap_or(0);
        // "…which party now handles patching? Who is it?" or "…for patch management as a
        // whole? How does the model classify ownership?": a closing question with no
        // topic of its own asks about the sentence before it.
        let end = sentence_of
            .iter()
            .rposition(|&s| s == sentence)
            .unwrap_or(last);
        let topic_words = (start..=end)
            .filter(|&j| {
                let stem = words[j].0.as_str();
                !self.stop.contains(stem)
                    && !self.framing.contains(stem)
                    && !ASKING_WORDS.contains(&raw[j].as_str())
            })
            .count();
        if (last + 1 - start <= 4 || topic_words < 2) && sentence > 0 {
            sentence -= 1;
            start = sentence_of.iter().position(|&s| s == sentence).unwrap_or(0);
        }
        let first_ask = (start..raw.len()).find(|&j| asks(j)).unwrap_or(start);
        let from = if last + 1 - start > LONG_SENTENCE {
            first_ask
        } else {
            start
        };
        // Too little left to ask about anything: the whole text is the question.
        if raw.len() - from < 3 {
            0
        } else {
            from
        }
    }

    /// Where the asking part ends: a long sentence that asks first and sets the scene after
    /// a comma ("Who maintains the cabling between AZs, for a company running EC2 and
    /// RDS…?") is read up to that comma. Otherwise the asking part runs to the end.
    fn focus_end(
        raw: &[String],
        sentence_of: &[usize],
        after_comma: &[bool],
        from: usize,
    ) -> usize {
        if raw.len() < LONG_TEXT || from >= raw.len() {
            return raw.len();
        }
        let sentence = sentence_of[from];
        let asks_first = matches!(raw[from].as_str(), "who" | "whose" | "which");
        if !asks_first {
            return raw.len();
        }
        // "…, when the team…" or, without a comma, "… for a company that…".
        let org_clause = |j: usize| {
            matches!(raw[j].as_str(), "for" | "when" | "at" | "in")
                && raw
                    .get(j + 1)
                    .is_some_and(|w| matches!(w.as_str(), "a" | "an" | "the" | "its"))
                && raw
                    .get(j + 2)
                    .is_some_and(|w| ORGANISATIONS.contains(&w.as_str()))
        };
        (from + 4..raw.len())
            .take_while(|&j| sentence_of[j] == sentence)
            .find(|&j| {
                (after_comma[j] && SCENARIO_OPENERS.contains(&raw[j].as_str())) || org_clause(j)
            })
            .unwrap_or(raw.len())
    }

    /// Whether the word at `i` is a service moved away from: "migrated its database from
    /// a self-managed EC2 instance to RDS" (a moving verb, then "from" just before).
    fn moved_away_from(raw: &[String], i: usize) -> bool {
        let Some(from) = (i.saturating_sub(5)..i).rev().find(|&j| raw[j] == "from") else {
            return false;
        };
        !raw[from + 1..i].iter().any(|w| w == "to")
            && raw[from.saturating_sub(8)..from].iter().any(|w| {
                [
                    "migrat",
                    "mov",
                    "switch",
                    "transition",
                    "replatform",
                    "lift",
                ]
                .iter()
                .any(|p| w.starts_with(p))
            })
    }

    /// Whether the word at `i` follows "instead of", "rather than", "moved from"… within
    /// a few words ("instead of using Amazon RDS"), and not after the "to" or "but" that
    /// names what is used instead ("move from EC2 to RDS": RDS is in use).
    ///
    /// The phrase ends at a comma: "Unlike EC2, RDS patches the OS" uses RDS.
    fn after_not_this(raw: &[String], after_comma: &[bool], i: usize) -> bool {
        let start = i.saturating_sub(5);
        (start..i).any(|j| {
            NOT_THIS.iter().any(|pat| {
                j + pat.len() <= i
                    && pat.iter().enumerate().all(|(k, w)| raw[j + k] == *w)
                    && !raw[j + pat.len()..i]
                        .iter()
                        .any(|w| matches!(w.as_str(), "to" | "onto" | "into" | "but"))
                    && !(j + pat.len() + 1..=i).any(|k| after_comma[k])
            })
        })
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

/// Nouns that, after "AWS" or "AWS's", name something of AWS's own.
const AWS_THINGS: &[&str] = &[
    "own",
    "network",
    "networks",
    "data",
    "datacenter",
    "datacenters",
    "datacentre",
    "employees",
    "employee",
    "staff",
    "personnel",
    "people",
    "infrastructure",
    "backbone",
    "hardware",
    "facilities",
    "facility",
    "side",
    "global",
    "edge",
    "servers",
    "server",
    "technicians",
    "engineers",
    "operators",
    "managed",
    "owned",
    "internal",
    "physical",
    "host",
    "hosts",
    "fleet",
];
/// Nouns that, after "my", "our" or "customer's", name the customer's own people.
const CUSTOMER_THINGS: &[&str] = &[
    "own",
    "employees",
    "employee",
    "staff",
    "team",
    "teams",
    "developers",
    "engineers",
    "people",
    "workforce",
    "personnel",
    "admins",
    "administrators",
    "users",
    "devs",
    "managed",
];
/// The synthetic terms for "AWS's own" and "the customer's own".
pub const AWS_SIDE: &str = "<aws-side>";
pub const CUSTOMER_SIDE: &str = "<customer-side>";

/// Where a text says whose thing something is: (word index, side term).
fn sides(words: &[String], flags: &[u16]) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for i in 0..words.len() {
        // "the people who work at AWS", "staff employed by Amazon": AWS's own people.
        let works_at = matches!(
            words[i].as_str(),
            "work" | "works" | "working" | "employed" | "employees"
        ) && words
            .get(i + 1)
            .is_some_and(|n| matches!(n.as_str(), "at" | "for" | "by" | "of"))
            && flags.get(i + 2).is_some_and(|f| f & class::AWS_OWNER != 0);
        if works_at && !out.iter().any(|(_, s)| *s == AWS_SIDE) {
            out.push((i + 2, AWS_SIDE));
        }
        // "AWS's" is "aws" then "s".
        let after = if words.get(i + 1).is_some_and(|n| n == "s") {
            i + 2
        } else {
            i + 1
        };
        let Some(&noun) = flags.get(after) else {
            continue;
        };
        // "its own", "their own", said once: whose is the party named last before it
        // ("Does Amazon train its own employees?").
        let own = |j: usize| {
            matches!(words[j].as_str(), "its" | "their")
                && words.get(j + 1).is_some_and(|n| n == "own")
        };
        let named = |class: u16| flags.iter().any(|f| f & class != 0);
        let one_party = named(class::AWS_OWNER) != named(class::CUSTOMER_OWNER | class::CUSTOMER);
        let owner = if own(i) && one_party && (0..words.len()).filter(|&j| own(j)).count() == 1 {
            (0..i)
                .rev()
                .map(|j| flags[j])
                .find(|f| f & (class::AWS_OWNER | class::CUSTOMER_OWNER | class::CUSTOMER) != 0)
                .map_or(0, |f| {
                    if f & class::AWS_OWNER != 0 {
                        class::AWS_OWNER
                    } else {
                        class::CUSTOMER_OWNER
                    }
                })
        } else {
            flags[i]
        };
        let side = if owner & class::AWS_OWNER != 0 && noun & class::AWS_THING != 0 {
            AWS_SIDE
        } else if owner & class::CUSTOMER_OWNER != 0 && noun & class::CUSTOMER_THING != 0 {
            CUSTOMER_SIDE
        } else {
            continue;
        };
        if !out.iter().any(|(_, s)| *s == side) {
            out.push((i, side));
        }
    }
    out
}

/// Classes of words, as bits, so that each word of a question is looked up once.
mod class {
    pub const AWS: u16 = 1;
    pub const CUSTOMER: u16 = 1 << 1;
    pub const NEGATION: u16 = 1 << 2;
    pub const YES_NO: u16 = 1 << 3;
    pub const AWS_THING: u16 = 1 << 4;
    pub const CUSTOMER_THING: u16 = 1 << 5;
    pub const TOOL: u16 = 1 << 6;
    pub const FACT: u16 = 1 << 7;
    pub const CUE: u16 = 1 << 8;
    pub const STRONG: u16 = 1 << 9;
    pub const AWS_OWNER: u16 = 1 << 10;
    pub const CUSTOMER_OWNER: u16 = 1 << 11;
    pub const TAG: u16 = 1 << 12;
}

/// The class bits of every word that has some.
fn word_classes() -> HashMap<&'static str, u16> {
    let mut m: HashMap<&'static str, u16> = HashMap::default();
    let lists: [(&[&'static str], u16); 13] = [
        (AWS_WORDS, class::AWS),
        (CUSTOMER_WORDS, class::CUSTOMER),
        (NEGATIONS, class::NEGATION),
        (YES_NO_OPENERS, class::YES_NO),
        (AWS_THINGS, class::AWS_THING),
        (CUSTOMER_THINGS, class::CUSTOMER_THING),
        (TOOLS, class::TOOL),
        (FACT_OPENERS, class::FACT),
        (CUES, class::CUE),
        (STRONG_CUES, class::STRONG),
        (
            &["aws", "amazon", "amazons", "provider", "providers"],
            class::AWS_OWNER,
        ),
        (
            &["my", "our", "customer", "customers", "your"],
            class::CUSTOMER_OWNER,
        ),
        (&["right", "correct", "true", "yes", "innit"], class::TAG),
    ];
    for (list, bit) in lists {
        for w in list {
            *m.entry(w).or_default() |= bit;
        }
    }
    m
}

/// What "AWS" names when it is a tool, not a party ("the AWS CLI").
const TOOLS: &[&str] = &[
    "cli",
    "console",
    "sdk",
    "sdks",
    "documentation",
    "docs",
    "certification",
    "exam",
    "certified",
    "free",
    "pricing",
    "calculator",
    "region",
    "regions",
];

/// Openings of questions that ask for a fact unless they name a party or responsibility.
const FACT_OPENERS: &[&str] = &[
    "what",
    "whats",
    "how",
    "when",
    "where",
    "why",
    "which",
    "define",
    "explain",
    "describe",
    "list",
    "compare",
    "difference",
    "can",
    "could",
    "roughly",
    "summarize",
    "summarise",
];

const AWS_WORDS: &[&str] = &["aws", "amazon", "amazons", "provider"];
const CUSTOMER_WORDS: &[&str] = &[
    "i",
    "we",
    "me",
    "my",
    "our",
    "us",
    "customer",
    "customers",
    "myself",
    "ourselves",
    "mine",
    "ours",
];
const YES_NO_OPENERS: &[&str] = &[
    "is", "does", "do", "am", "are", "will", "should", "can", "must", "isn", "doesn", "don",
    "aren", "would", "has", "have", "shouldn",
];
const NEGATIONS: &[&str] = &[
    "not", "isn", "doesn", "don", "aren", "won", "cannot", "never", "shouldn", "wouldn",
];

/// The party a word's class names (AWS's words, the customer's), if any.
fn party_of_flag(flag: u16) -> Option<Party> {
    if flag & class::AWS != 0 {
        Some(Party::Aws)
    } else if flag & class::CUSTOMER != 0 {
        Some(Party::Customer)
    } else {
        None
    }
}

/// Whether the word at `i` negates: "not", "don't", "never", "no longer".
fn negation_at(raw: &[String], flags: &[u16], i: usize) -> bool {
    flags.get(i).is_some_and(|f| f & class::NEGATION != 0)
        || (raw.get(i).is_some_and(|w| w == "no") && raw.get(i + 1).is_some_and(|n| n == "longer"))
}

/// Words between a party and its negation: "AWS *will* not", "we *are* not", "we*'re* not".
const AUXILIARIES: &[&str] = &[
    "do",
    "does",
    "did",
    "will",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "can",
    "should",
    "would",
    "must",
    "re",
    "ll",
    "s",
    "really",
    "actually",
    "certainly",
];
/// What a party's thing is called when it is denied: "isn't *our* job", "not AWS's call".
const DUTY_NOUNS: &[&str] = &[
    "job",
    "jobs",
    "responsibility",
    "task",
    "problem",
    "call",
    "duty",
    "concern",
    "headache",
    "business",
    "area",
    "department",
];

/// The party a text says does not do the thing, before it asks who does: "AWS won't pick
/// the retention period. Who does?", "We no longer patch the nodes; who does it now?",
/// "…isn't something we do ourselves, right? So whose is it?", "…isn't AWS's job, whose
/// is it?". Only a denial before the asking word counts ("who doesn't…" asks, it denies
/// nobody), and only a party that is the subject ("AWS data centers aren't…" is not AWS).
fn denied(raw: &[String], flags: &[u16], in_service: &[bool]) -> Option<Party> {
    let asks_at = raw.iter().rposition(|w| w == "who" || w == "whose")?;
    // The question must point back at the denied thing ("Who does?", "whose job is it
    // then?"); one with a topic of its own ("who now creates the users?") asks about that.
    let ask = &raw[asks_at + 1..];
    if ask.len() > 6
        || !ask.iter().any(|w| {
            matches!(
                w.as_str(),
                "does" | "do" | "it" | "that" | "this" | "them" | "then" | "instead" | "one"
            )
        })
    {
        return None;
    }
    // A party word that is part of a service's name ("Amazon RDS") is no party.
    let party_of = |i: usize| {
        (!in_service.get(i).copied().unwrap_or(false))
            .then(|| party_of_flag(flags[i]))
            .flatten()
    };
    let negation_at = |i: usize| negation_at(raw, flags, i);
    let subject = |w: &str| {
        matches!(
            w,
            "aws" | "amazon" | "provider" | "we" | "i" | "customer" | "customers"
        )
    };
    // "isn't solely AWS's job and isn't solely ours" denies neither: it says both.
    let partly = raw[..asks_at].iter().any(|w| {
        matches!(
            w.as_str(),
            "solely"
                | "only"
                | "just"
                | "entirely"
                | "purely"
                | "fully"
                | "alone"
                | "wholly"
                | "completely"
                | "exclusively"
                | "all"
        )
    });
    if partly {
        return None;
    }
    for i in 0..asks_at {
        let Some(party) = party_of(i) else { continue };
        // "If we don't turn it on, who does?" is a condition, not a denial.
        if raw[i.saturating_sub(2)..i]
            .iter()
            .any(|w| matches!(w.as_str(), "if" | "unless" | "when" | "whether"))
        {
            continue;
        }
        // "AWS won't…", "we don't…", "we are no longer…", "we never…".
        if subject(&raw[i]) {
            let mut j = i + 1;
            while j < asks_at && j <= i + 2 && AUXILIARIES.contains(&raw[j].as_str()) {
                j += 1;
            }
            if j < asks_at && negation_at(j) {
                return Some(party);
            }
        }
        // "isn't our job", "not AWS's call", "isn't something we do".
        let before = i.saturating_sub(4)..i;
        if before.clone().any(negation_at) {
            let next = |k: usize| raw.get(k).map(String::as_str);
            let noun_at = if next(i + 1) == Some("s") {
                i + 2
            } else {
                i + 1
            };
            let owns = next(noun_at).is_some_and(|w| DUTY_NOUNS.contains(&w))
                && matches!(
                    raw[i].as_str(),
                    "our" | "my" | "aws" | "amazon" | "amazons" | "customer" | "customers"
                );
            let something = subject(&raw[i])
                && before
                    .clone()
                    .any(|k| raw[k] == "something" || raw[k] == "anything");
            if owns || something {
                return Some(party);
            }
        }
    }
    None
}

/// Reads how a question is put from its words: "Is AWS responsible for X?" is a yes/no
/// question about AWS; "Do I have to X?" about the customer; "AWS doesn't X, right?" a
/// negated claim about AWS. A question naming both parties ("AWS or me?") is neither.
fn framing(raw: &[String], flags: &[u16]) -> Framing {
    let parties: Vec<Party> = flags.iter().filter_map(|&f| party_of_flag(f)).collect();
    let both = parties.contains(&Party::Aws) && parties.contains(&Party::Customer);
    let choice = both && raw.iter().any(|w| w == "or");
    // "Isn't AWS responsible for…?" asks the same as "Is AWS…?": a negative opener does
    // not negate the question.
    let negation_at = |i: usize| negation_at(raw, flags, i);
    let opener = flags.first().is_some_and(|f| f & class::YES_NO != 0);
    let tag = flags.last().is_some_and(|f| f & class::TAG != 0);
    let negated = if opener || tag {
        // A claim: any negation turns it ("AWS doesn't handle X, right?").
        (1..raw.len()).any(negation_at) || raw.first().is_some_and(|w| w == "not")
    } else {
        // A "who…?" question asks who is *not* responsible only when the negation is about
        // the asking ("which party is NOT responsible", "who doesn't have to"), not about
        // the scenario ("if we are not using RDS").
        (0..raw.len()).any(|i| {
            negation_at(i)
                && ((i + 1..raw.len().min(i + 4)).any(|j| flags[j] & class::STRONG != 0)
                    || (i > 0 && matches!(raw[i - 1].as_str(), "who" | "party" | "parties")))
        })
    };
    let yes_no = if (opener || tag) && !choice {
        parties.first().copied()
    } else {
        None
    };
    Framing { yes_no, negated }
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
                    parent: None,
                },
                Service {
                    id: "config".into(),
                    name: "AWS Config".into(),
                    model: ServiceModel::Abstracted,
                    aliases: vec!["config rules".into()],
                    parent: None,
                },
                Service {
                    id: "rds".into(),
                    name: "Amazon RDS".into(),
                    model: ServiceModel::Paas,
                    aliases: vec!["db instance".into()],
                    parent: None,
                },
                Service {
                    id: "rds_custom_oracle".into(),
                    name: "Amazon RDS Custom for Oracle".into(),
                    model: ServiceModel::Paas,
                    aliases: vec!["rds custom for oracle".into()],
                    parent: None,
                },
            ],
            synonyms: vec![
                vec!["patch".into(), "update".into()],
                vec!["os".into(), "operating system".into()],
                vec!["configure".into(), "config".into()],
                vec!["firewall".into(), "security group".into()],
            ],
            outside_providers: vec![
                "azure".into(),
                "virtualbox".into(),
                "microsoft 365".into(),
                "office 2019".into(),
            ],
            outside_places: vec!["on premises".into(), "our own racks".into()],
            technologies: vec!["virtual machine".into()],
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
    fn folds_synonyms_detects_services_and_drops_stopwords() {
        let n = normalizer();
        assert_eq!(
            terms(
                &n,
                "Who updates the operating system on my virtual machine?"
            ),
            terms(&n, "patch OS virtual machine")
        );
        assert_eq!(terms(&n, "patch OS").len(), 2);
        assert_eq!(n.normalize("my EC2 box", true).services, ["ec2"]);
        assert_eq!(n.normalize("my virtual machine", true).services, ["ec2"]);
        // "The DB instance" of a named variant is that variant's.
        assert_eq!(
            n.normalize("the DB instance on RDS Custom for Oracle", true)
                .services,
            ["rds_custom_oracle"]
        );
        assert_eq!(n.normalize("my DB instance", true).services, ["rds"]);
    }

    #[test]
    fn a_service_used_instead_is_not_the_one_asked_about() {
        let n = normalizer();
        let q = n.normalize("we run it on an instance instead of using AWS Config", true);
        assert_eq!(q.services, ["ec2"]);
    }

    #[test]
    fn glued_words_are_split_without_losing_track() {
        let n = normalizer();
        // "securitygroup" splits into "security group": the same terms as the two words
        // written apart, and none of them unknown.
        assert_eq!(
            terms(&n, "who opens securitygroup ports"),
            terms(&n, "who opens security group ports")
        );
        let t = n.normalize("securitygroup", true);
        assert!(
            !t.terms.is_empty() && t.terms.iter().all(|t| !t.unknown),
            "{:?}",
            t.terms
        );
        // Halves shorter than three letters are not split off ("guestos" stays one word).
        assert!(n.normalize("guestos", true).terms.iter().all(|t| t.unknown));
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
        assert_eq!(t.terms.len(), 2, "{:?}", t.terms);
        assert!(t.terms.iter().all(|t| t.unknown), "{:?}", t.terms);
        // Known words are not.
        let k = n.normalize("patch the guest os", true);
        assert!(
            !k.terms.is_empty() && k.terms.iter().all(|t| !t.unknown),
            "{:?}",
            k.terms
        );
    }

    #[test]
    fn yes_no_questions_name_the_party_they_ask_about() {
        let n = normalizer();
        let f = |t: &str| n.normalize(t, true).framing;
        assert_eq!(
            f("Is AWS responsible for patching my instance?").yes_no,
            Some(Party::Aws)
        );
        assert_eq!(
            f("Do I have to patch the guest OS myself?").yes_no,
            Some(Party::Customer)
        );
        assert_eq!(
            f("Does AWS encrypt my volumes for me?").yes_no,
            Some(Party::Aws)
        );
        // A choice between both parties is not a yes/no question.
        assert_eq!(
            f("Is patching the hypervisor AWS's job or mine?").yes_no,
            None
        );
        assert_eq!(f("who patches the guest OS").yes_no, None);
        // A claim with a tag: negated when it says "doesn't".
        let claim = f("AWS doesn't handle physical security, right?");
        assert_eq!(claim.yes_no, Some(Party::Aws));
        assert!(claim.negated);
        // A negative opener asks the same as a positive one.
        assert!(!f("Isn't AWS responsible for the hypervisor?").negated);
        assert!(f("Which party is NOT responsible for the hypervisor?").negated);
        assert!(f("who doesn't have to patch the hypervisor").negated);
        // A negation in the scenario does not make the question negated.
        assert!(!f("who patches the OS if we are not using an instance").negated);
    }

    /// The terms of the part of a text that asks.
    fn focus_terms(q: &Normalized) -> Vec<&str> {
        q.terms
            .iter()
            .filter(|t| t.focus)
            .map(|t| t.text.as_str())
            .collect()
    }

    #[test]
    fn a_long_scenario_is_read_from_its_question() {
        let n = normalizer();
        let q = n.normalize(
            "Our team runs a web shop with a firewall, config rules and lots of patch \
             tooling on an instance; who is responsible for the guest OS?",
            true,
        );
        assert_eq!(focus_terms(&q), ["respons", "guest", "=os"]);
        assert!(q.terms.iter().any(|t| t.text == "shop" && !t.focus));
        // A short question is in focus throughout.
        assert!(n
            .normalize("who patches the OS", true)
            .terms
            .iter()
            .all(|t| t.focus));
    }

    #[test]
    fn a_service_not_in_use_is_not_the_one_asked_about() {
        let n = normalizer();
        let q = n.normalize("who patches the OS if we are not using an instance", true);
        assert!(q.services.is_empty(), "{:?}", q.services);
        // Its words are no topic either.
        assert_eq!(
            terms(&n, "who patches the OS if we are not using an instance"),
            ["=patch", "=os", "use"]
        );
    }

    #[test]
    fn a_synonym_group_term_is_never_an_ordinary_word() {
        let n = normalizer();
        // "update" folds into the patch group; the bare word "patch" does too, but a word
        // that merely stems like a group's first word stays itself.
        assert_eq!(terms(&n, "update"), ["=patch"]);
        assert_eq!(terms(&n, "os"), ["=os"]);
        assert_eq!(terms(&n, "guest"), ["guest"]);
    }

    #[test]
    fn a_service_moved_away_from_is_not_the_one_asked_about() {
        let n = normalizer();
        let q = n.normalize(
            "we migrated the app from a self-managed instance to AWS Config",
            true,
        );
        assert_eq!(q.services, ["config"]);
        // Moved from one form of a service to another: the service is still in use.
        let q = n.normalize(
            "we moved from Amazon EC2 on demand to Amazon EC2 spot, who patches the OS?",
            true,
        );
        assert_eq!(q.services, ["ec2"]);
    }

    #[test]
    fn questions_about_other_providers_are_outside_aws() {
        let n = normalizer();
        assert!(
            n.normalize("who patches the host OS in Azure", true)
                .outside
        );
        assert!(
            n.normalize("our on-premises servers, who patches them", true)
                .outside
        );
        // Named beside AWS, the other place is only context.
        assert!(
            !n.normalize(
                "moving from on-premises to an EC2 instance: who patches the OS",
                true
            )
            .outside
        );
        assert!(!n.normalize("who patches the guest OS", true).outside);
    }

    #[test]
    fn a_technology_that_runs_anywhere_does_not_name_aws_beside_ones_own_place() {
        let n = normalizer();
        // "virtual machine" is an alias of EC2, but also what runs in one's own racks.
        assert!(
            n.normalize("who patches the virtual machine in our own racks", true)
                .outside
        );
        // The service by its name, or an alias that is AWS's, is AWS.
        assert!(
            !n.normalize("who patches the EC2 instance in our own racks", true)
                .outside
        );
        assert!(
            !n.normalize(
                "moving the virtual machine from our own racks to Amazon EC2",
                true
            )
            .outside
        );
    }

    #[test]
    fn brands_with_numbers_and_glued_names_are_outside_aws() {
        let n = normalizer();
        // "Microsoft 365" keeps its number; "VirtualBox" is not split into "virtual box".
        assert!(
            n.normalize("In Microsoft 365, who turns on MFA?", true)
                .outside
        );
        assert!(
            n.normalize("Who patches the Linux VM I run in VirtualBox?", true)
                .outside
        );
        assert!(
            !n.normalize("Who turns on MFA for Microsoft users?", true)
                .outside
        );
        // A phrase that would lose its number is left out ("Office 2019" → "office").
        assert!(!n.normalize("who trains the office staff", true).outside);
    }

    #[test]
    fn a_building_is_not_what_someone_builds() {
        let n = normalizer();
        assert_eq!(n.key("buildings"), n.key("building"));
        assert_ne!(n.key("builds"), n.key("building"));
        assert_ne!(n.key("build"), n.key("building"));
    }

    #[test]
    fn the_people_who_work_at_aws_are_aws_side() {
        let n = normalizer();
        let side = |q: &str| terms(&n, q).contains(&AWS_SIDE.to_string());
        assert!(side("who trains the people who work at AWS on security?"));
        assert!(side("staff employed by Amazon"));
        assert!(!side("who trains the people who work at our company?"));
    }

    #[test]
    fn case_phrases_are_found_with_their_stopwords() {
        let n = normalizer();
        let of = n.tokens("of the cloud");
        let q = n.normalize("who handles security of the cloud itself?", true);
        assert!(q.contains_phrase(&of));
        let q = n.normalize("security in the cloud is whose job", true);
        assert!(!q.contains_phrase(&of));
        assert!(q.contains_phrase(&n.tokens("in the cloud")));
    }

    #[test]
    fn a_question_asked_first_is_read_up_to_its_scenario() {
        let n = normalizer();
        let q = n.normalize(
            "Who patches the guest OS of the web shop, for a company running lots of \
             instances with config rules and a firewall in front of them?",
            true,
        );
        assert_eq!(focus_terms(&q), ["=patch", "guest", "=os", "web", "shop"]);
    }

    #[test]
    fn a_negated_phrase_is_not_affirmed() {
        let n = normalizer();
        let managed = n.tokens("enable managed platform updates");
        let q = n.normalize(
            "if we do not enable managed platform updates, who patches?",
            true,
        );
        assert!(q.contains_phrase(&managed));
        assert!(!q.affirms_phrase(&managed));
        let q = n.normalize("we enable managed platform updates; who patches?", true);
        assert!(q.affirms_phrase(&managed));
        // "Isn't X AWS's job?" asks about X; it does not negate it.
        let groups = n.tokens("configuring security groups");
        let q = n.normalize("isn't configuring security groups AWS's job?", true);
        assert!(q.affirms_phrase(&groups));
    }

    #[test]
    fn services_named_by_name_are_told_from_aliases() {
        let n = normalizer();
        let q = n.normalize("who patches the instance", true);
        assert_eq!(q.services, ["ec2"]);
        assert!(q.by_name.is_empty());
        let q = n.normalize("who patches an Amazon EC2 instance", true);
        assert_eq!(q.by_name, ["ec2"]);
    }

    #[test]
    fn capital_it_is_information_technology_not_the_pronoun() {
        let n = normalizer();
        let it = |q: &str| {
            n.normalize(q, false)
                .tokens
                .contains(&"infotech".to_string())
        };
        assert!(it("Who owns configuration and IT controls?"));
        assert!(it("our IT team patches it"));
        assert!(!it("keys it controls and can audit"));
        assert!(!it("It is encrypted, isn't it?"));
        assert!(!it("WHO PATCHES IT"));
        assert!(!it("ITSM tooling"));
    }

    #[test]
    fn the_service_moved_to_is_the_one_in_use() {
        let n = normalizer();
        let named = |q: &str| n.normalize(q, false).services;
        assert_eq!(
            named("If we move from EC2 to RDS, who patches the OS?"),
            ["rds"]
        );
        assert_eq!(named("instead of RDS, we run MySQL on EC2"), ["ec2"]);
        // A service compared with is not the one in use either.
        assert_eq!(
            named("Compared with EC2, who patches the OS on RDS?"),
            ["rds"]
        );
        assert_eq!(named("unlike EC2, does RDS patch the OS for us?"), ["rds"]);
        assert!(named("we moved away from EC2").is_empty());
    }

    #[test]
    fn route_53_keeps_its_number() {
        let n = normalizer();
        assert!(n
            .normalize("Who rotates the KSK for my Route 53 zone?", false)
            .tokens
            .contains(&"route53".to_string()));
    }

    #[test]
    fn an_aws_managed_key_alias_names_the_key_not_the_service() {
        assert_eq!(
            aws_managed_key_aliases("who rotates the aws/ebs key? and alias/aws/s3"),
            "who rotates the aws managed key key? and alias/aws managed key"
        );
        assert_eq!(aws_managed_key_aliases("raws/x aws/"), "raws/x aws/");
        let q = normalizer().normalize("Who rotates the aws/rds key?", false);
        assert!(!q.services.contains(&"rds".to_string()), "{:?}", q.services);
    }

    #[test]
    fn comparisons_and_requests_for_writing_ask_for_a_fact() {
        let n = normalizer();
        for t in [
            "What is the difference between an AWS managed key and an AWS owned key?",
            "Is Fargate or the EC2 launch type cheaper?",
            "Write me a haiku about Kubernetes.",
        ] {
            assert!(n.normalize(t, false).fact, "{t}");
        }
        assert!(
            !n.normalize(
                "Who pays for the difference between the two instances?",
                false
            )
            .fact
        );
    }

    #[test]
    fn a_denied_party_is_read_only_before_a_question_pointing_back() {
        let d = |t: &str| normalizer().normalize(t, false).denied;
        assert_eq!(
            d("AWS won't pick the retention period. Who does?"),
            Some(Party::Aws)
        );
        assert_eq!(
            d("We don't build the updates ourselves. Who does?"),
            Some(Party::Customer)
        );
        assert_eq!(
            d("Classifying data isn't AWS's job, whose is it?"),
            Some(Party::Aws)
        );
        assert_eq!(
            d("Locking the doors isn't something we do, right? So whose is it?"),
            Some(Party::Customer)
        );
        // A question with its own topic, a condition, a "not only", a denial inside the
        // question itself; and "AWS data centers aren't…" does not deny AWS.
        assert_eq!(
            d("We no longer run MySQL on EC2. Who now creates the database users?"),
            None
        );
        assert_eq!(d("If we don't enable updates, who does it?"), None);
        assert_eq!(d("It isn't solely AWS's job. So whose is it?"), None);
        assert_ne!(
            d("The AWS data centers aren't ours to guard. Whose job is it?"),
            Some(Party::Aws)
        );
        assert_eq!(d("Who doesn't patch the guest OS?"), None);
    }

    #[test]
    fn aws_named_only_to_deny_a_link() {
        let raw = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
        let at_aws = |r: &[String]| r.iter().position(|w| w == "aws").unwrap();
        let r = raw("servers that aren t connected to aws at all");
        assert!(Normalizer::denied_link(&r, at_aws(&r)));
        let r = raw("servers not hosted on aws");
        assert!(Normalizer::denied_link(&r, at_aws(&r)));
        // Not being able to log in is no denial of a link.
        let r = raw("if i can not log in to aws");
        assert!(!Normalizer::denied_link(&r, at_aws(&r)));
        let r = raw("servers connected to aws");
        assert!(!Normalizer::denied_link(&r, at_aws(&r)));
    }
}
