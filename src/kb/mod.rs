//! The knowledge base: curated responsibility entries and the vocabulary they use,
//! loaded from YAML and validated. Plain data; no IO outside `load`.

pub mod files;
mod load;
pub mod position;
pub mod source;
pub mod stacks;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use files::Files;
pub use load::{load, load_dir};
pub use source::{Diagnostic, LoadError};
pub use stacks::{ServiceKind, Stack, StackLayer, Stacks};

/// Who is responsible for a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    Aws,
    Customer,
    Shared,
}

impl Owner {
    pub const ALL: [Owner; 3] = [Owner::Aws, Owner::Customer, Owner::Shared];

    /// The display name: `AWS`, `Customer`, `Shared`.
    pub fn name(self) -> &'static str {
        match self {
            Owner::Aws => "AWS",
            Owner::Customer => "Customer",
            Owner::Shared => "Shared",
        }
    }

    /// The id used in files and JSON: `aws`, `customer`, `shared`.
    pub fn id(self) -> &'static str {
        match self {
            Owner::Aws => "aws",
            Owner::Customer => "customer",
            Owner::Shared => "shared",
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The IT-control category AWS's model gives some controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlCategory {
    #[serde(rename = "inherited")]
    Inherited,
    #[serde(rename = "shared")]
    Shared,
    #[serde(rename = "customer-specific")]
    CustomerSpecific,
}

/// The services an entry that names none holds for, when AWS says it of every service
/// ("configuration and IT controls are a shared responsibility", in every service's
/// security chapter): a question about any of them is as much about the entry as about
/// that service's own entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Every service.
    EveryService,
    /// Every abstracted or serverless service (AWS runs all of it but your data and
    /// settings).
    AbstractedServices,
}

/// How much of the stack a service hands to AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceModel {
    Iaas,
    Paas,
    Serverless,
    Abstracted,
}

/// A service the knowledge base may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub model: ServiceModel,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A variant names its family (`rds_custom_oracle` → `rds_custom`): entries of the
    /// family apply to the variant, never the reverse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// The services and the synonym groups the matcher uses.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub services: Vec<Service>,
    /// Each group's first word is its canonical form.
    pub synonyms: Vec<Vec<String>>,
    /// Other providers, SaaS and legal words ("Azure", "Gmail", "liable"): a question
    /// using one and not naming AWS itself is not answered.
    pub outside_providers: Vec<String>,
    /// The asker's own places ("on-premises", "my laptop"): a question using one and
    /// naming neither AWS nor an AWS service is not answered.
    pub outside_places: Vec<String>,
    /// Technologies that run anywhere ("Kubernetes", "a VM", "Redis"): an alias of an AWS
    /// service, but naming one beside one of the asker's places is not naming AWS.
    pub technologies: Vec<String>,
}

impl Vocabulary {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// One case of an "it depends" entry: selected by the services a question names, by
/// words in the question (`when`: "of the cloud", "my staff", "managed node group"), or
/// both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<String>,
    pub owner: Owner,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The AWS page an entry was checked against, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Human-readable: guide and section.
    pub title: String,
    /// The AWS page (https, on an amazon.com or awsstatic.com host).
    pub url: String,
    /// The day the entry was checked against the page, `YYYY-MM-DD`.
    pub checked: String,
}

/// Where an entry was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One responsibility: who owns it and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub owner: Owner,
    pub services: Vec<String>,
    pub topic: String,
    pub question: String,
    pub phrasings: Vec<String>,
    pub rationale: String,
    pub source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_does: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_does: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
    /// The layer of the services' stacks the entry is about (`os`, `data`…), if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Services the entry holds for without naming them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A validated knowledge base.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    vocabulary: Vocabulary,
    stacks: Stacks,
}

impl KnowledgeBase {
    /// Builds a knowledge base from entries that are already valid (unique ids, existing
    /// references). The loader validates; tools and benchmarks that generate entries use
    /// this directly.
    pub fn from_parts(entries: Vec<Entry>, vocabulary: Vocabulary) -> Self {
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        KnowledgeBase {
            entries,
            by_id,
            vocabulary,
            stacks: Stacks::default(),
        }
    }

    /// With the responsibility stacks.
    pub fn with_stacks(mut self, stacks: Stacks) -> Self {
        self.stacks = stacks;
        self
    }

    /// The responsibility stack of every service (empty when the knowledge directory has
    /// no `stacks.yaml`).
    pub fn stacks(&self) -> &Stacks {
        &self.stacks
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Every topic, sorted.
    pub fn topics(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self.entries.iter().map(|e| e.topic.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    }

    /// Counts of entries by owner, by service and by topic.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            entries: self.entries.len(),
            ..Summary::default()
        };
        for e in &self.entries {
            *s.by_owner.entry(e.owner).or_default() += 1;
            *s.by_topic.entry(e.topic.clone()).or_default() += 1;
            if e.services.is_empty() {
                *s.by_service.entry("(general)".into()).or_default() += 1;
            }
            for svc in &e.services {
                *s.by_service.entry(svc.clone()).or_default() += 1;
            }
        }
        s
    }
}

/// What `srm-bot check` prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub entries: usize,
    pub by_owner: BTreeMap<Owner, usize>,
    pub by_service: BTreeMap<String, usize>,
    pub by_topic: BTreeMap<String, usize>,
}

impl Summary {
    /// Services named by at least one entry.
    pub fn services_covered(&self) -> usize {
        self.by_service.keys().filter(|k| *k != "(general)").count()
    }
}
