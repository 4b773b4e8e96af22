//! Loads `knowledge/` and checks every rule of its schema (see `knowledge/README.md`),
//! collecting every problem rather than stopping at the first.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::files::Files;
use super::position::NodePath;
use super::source::{Diagnostic, LoadError, SourceFile};
use super::{
    AppliesTo, Case, ControlCategory, Entry, KnowledgeBase, Origin, Owner, Service, Source, Stacks,
    Vocabulary,
};

/// Sub-directories of the knowledge directory that do not hold entry files.
const NOT_ENTRIES: [&str; 2] = ["vocabulary", "quiz"];
/// Top-level files that do not hold entries.
const NOT_ENTRY_FILES: [&str; 1] = ["stacks.yaml"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryFile {
    topic: Option<String>,
    entries: Vec<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    question: String,
    owner: Owner,
    rationale: String,
    #[serde(default)]
    services: Vec<String>,
    topic: Option<String>,
    control: Option<ControlCategory>,
    aws_does: Option<String>,
    customer_does: Option<String>,
    #[serde(default)]
    cases: Vec<Case>,
    phrasings: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    source: Source,
    #[serde(default)]
    related: Vec<String>,
    layer: Option<String>,
    applies_to: Option<AppliesTo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServices {
    services: Vec<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutside {
    #[serde(default)]
    providers: Vec<String>,
    #[serde(default)]
    places: Vec<String>,
    #[serde(default)]
    technologies: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonyms {
    synonyms: Vec<Vec<String>>,
}

/// Loads and validates the knowledge base in `dir`.
pub fn load_dir(dir: &Path) -> Result<KnowledgeBase, LoadError> {
    load(&Files::read_dir(dir)?)
}

/// Loads and validates a knowledge directory's files (read from disk or embedded).
pub fn load(source: &Files) -> Result<KnowledgeBase, LoadError> {
    let mut diags = Vec::new();
    let vocabulary = load_vocabulary(source, &mut diags);
    let known_services: Option<HashSet<&str>> = vocabulary
        .as_ref()
        .map(|v| v.services.iter().map(|s| s.id.as_str()).collect());

    let mut files = Vec::new();
    for (rel, bytes) in source.iter().filter(|(rel, _)| is_entry_file(rel)) {
        if let Some(f) = SourceFile::parse(&source.path(rel), bytes, &mut diags) {
            files.push(f);
        }
    }

    // Parse every entry of every file, remembering where each one is.
    let mut located: Vec<(Entry, usize, NodePath)> = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let Some(raw) = file.top::<RawEntryFile>(&mut diags) else {
            continue;
        };
        for (i, value) in raw.entries.into_iter().enumerate() {
            let at = NodePath::root().key("entries").index(i);
            let Some(e) = file.item::<RawEntry>(value, &at, &mut diags) else {
                continue;
            };
            if let Some(entry) = check_entry(
                e,
                raw.topic.as_deref(),
                file,
                &at,
                known_services.as_ref(),
                &mut diags,
            ) {
                located.push((entry, fi, at));
            }
        }
    }

    // Rules across files: unique ids, references that resolve.
    let mut first_seen: HashMap<&str, &Origin> = HashMap::new();
    for (entry, fi, at) in &located {
        if let Some(prev) = first_seen.get(entry.id.as_str()) {
            diags.push(files[*fi].diag(
                &at.key("id"),
                format!("duplicate id `{}`: first defined at {prev}", entry.id),
            ));
        } else {
            first_seen.insert(&entry.id, &entry.origin);
        }
    }
    let ids: HashSet<&str> = located.iter().map(|(e, ..)| e.id.as_str()).collect();
    let owners: HashMap<&str, Owner> = located
        .iter()
        .map(|(e, ..)| (e.id.as_str(), e.owner))
        .collect();
    for (entry, fi, at) in &located {
        for (j, r) in entry.related.iter().enumerate() {
            if !ids.contains(r.as_str()) {
                diags.push(files[*fi].diag(
                    &at.key("related").index(j),
                    format!("related entry `{r}` does not exist"),
                ));
            } else if r == &entry.id {
                diags.push(files[*fi].diag(
                    &at.key("related").index(j),
                    "an entry cannot be related to itself".into(),
                ));
            }
        }
        for (k, case) in entry.cases.iter().enumerate() {
            if let Some(r) = &case.entry {
                match owners.get(r.as_str()) {
                    None => diags.push(files[*fi].diag(
                        &at.key("cases").index(k).key("entry"),
                        format!("case entry `{r}` does not exist"),
                    )),
                    // The case is answered by that entry: one responsibility, one owner.
                    Some(&owner) if owner != case.owner => diags.push(files[*fi].diag(
                        &at.key("cases").index(k).key("owner"),
                        format!(
                            "the case says `{}` but its entry `{r}` says `{}`",
                            case.owner.id(),
                            owner.id()
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
    }

    // Every service has a stack: the file is required like the vocabulary.
    let stacks = match (required(source, STACKS, &mut diags), &vocabulary) {
        (Some(file), Some(vocab)) => load_stacks(&file, vocab, &mut diags),
        _ => Stacks::default(),
    };
    // An entry that names a layer agrees with the stacks of its services.
    for (entry, fi, at) in &located {
        let Some(layer) = &entry.layer else {
            continue;
        };
        if stacks.stacks.is_empty() {
            // The stacks did not load; their own errors say why.
            continue;
        }
        if !stacks.knows_layer(layer) {
            diags.push(files[*fi].diag(
                &at.key("layer"),
                format!("unknown layer `{layer}` (see stacks.yaml's `layers`)"),
            ));
            continue;
        }
        for service in &entry.services {
            let Some(l) = stacks.of(service).and_then(|s| s.layer(layer)) else {
                continue;
            };
            if entry.owner != Owner::Shared && l.owner != Owner::Shared && l.owner != entry.owner {
                diags.push(files[*fi].diag(
                    &at.key("layer"),
                    format!(
                        "the entry says `{}` but stacks.yaml gives {service}'s `{layer}` layer to `{}`",
                        entry.owner.id(),
                        l.owner.id()
                    ),
                ));
            }
        }
    }

    if !diags.is_empty() {
        return Err(LoadError::Invalid(diags));
    }
    let entries = located.into_iter().map(|(e, ..)| e).collect();
    Ok(KnowledgeBase::from_parts(entries, vocabulary.unwrap_or_default()).with_stacks(stacks))
}

/// The stacks file, relative to the knowledge directory.
const STACKS: &str = "stacks.yaml";

/// Reads and checks `stacks.yaml`: known services, one stack each and one for every
/// service, known layers (or named extras) in the vocabulary's order, a source each.
fn load_stacks(file: &SourceFile, vocab: &Vocabulary, diags: &mut Vec<Diagnostic>) -> Stacks {
    use super::stacks::{RawStack, RawStacks, Stack, StackLayer};
    let Some(raw) = file.top::<RawStacks>(diags) else {
        return Stacks::default();
    };
    let order = |id: &str| raw.layers.iter().position(|l| l.id == id);
    let mut stacks = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, value) in raw.stacks.into_iter().enumerate() {
        let at = NodePath::root().key("stacks").index(i);
        let Some(s) = file.item::<RawStack>(value, &at, diags) else {
            continue;
        };
        let mut problem = |field: NodePath, msg: String| diags.push(file.diag(&field, msg));
        if vocab.service(&s.service).is_none() {
            problem(
                at.key("service"),
                format!("unknown service `{}`", s.service),
            );
        } else if !seen.insert(s.service.clone()) {
            problem(
                at.key("service"),
                format!("a second stack for `{}`", s.service),
            );
        }
        check_source(&s.source, &at.key("source"), &mut problem);
        let mut layers = Vec::new();
        let mut last: Option<(usize, &str)> = None;
        for (j, l) in s.layers.iter().enumerate() {
            let lat = at.key("layers").index(j);
            let (name, short) = match (order(&l.layer), &l.name) {
                (Some(k), None) => {
                    if let Some((prev, prev_id)) = last {
                        if k <= prev {
                            problem(
                                lat.key("layer"),
                                format!("`{}` must come below `{prev_id}` (bottom to top, in the order of `layers`)", l.layer),
                            );
                        }
                    }
                    last = Some((k, l.layer.as_str()));
                    let def = &raw.layers[k];
                    (
                        def.name.clone(),
                        def.short.clone().unwrap_or(def.name.clone()),
                    )
                }
                (_, Some(name)) if !name.trim().is_empty() => {
                    (name.clone(), l.short.clone().unwrap_or(name.clone()))
                }
                _ => {
                    problem(
                        lat.key("layer"),
                        format!(
                            "unknown layer `{}`: use one of `layers`, or give it a `name`",
                            l.layer
                        ),
                    );
                    continue;
                }
            };
            if layers.iter().any(|x: &StackLayer| x.id == l.layer) {
                problem(lat.key("layer"), format!("`{}` twice", l.layer));
            }
            if l.note.as_ref().is_some_and(|n| n.chars().count() > 60) {
                problem(lat.key("note"), "a note is at most 60 characters".into());
            }
            layers.push(StackLayer {
                id: l.layer.clone(),
                name,
                short,
                owner: l.owner,
                note: l.note.clone(),
            });
        }
        if layers.is_empty() {
            problem(at.key("layers"), "a stack needs layers".into());
        }
        stacks.push(Stack {
            service: s.service,
            model: s.model,
            layers,
            source: s.source,
        });
    }
    for svc in &vocab.services {
        if !seen.contains(&svc.id) {
            diags.push(file.diag(
                &NodePath::root().key("stacks"),
                format!("no stack for service `{}`", svc.id),
            ));
        }
    }
    Stacks {
        layers: raw.layers,
        stacks,
    }
}

/// An entry's source names an AWS page by https URL and the day it was checked.
fn check_source(source: &Source, at: &NodePath, problem: &mut impl FnMut(NodePath, String)) {
    if source.title.trim().is_empty() {
        problem(at.key("title"), "`title` must not be empty".into());
    }
    let host = source
        .url
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or("");
    let aws_host = ["amazon.com", "awsstatic.com", "amazonaws.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !aws_host {
        problem(
            at.key("url"),
            format!(
                "`{}` is not an https URL of an AWS page (docs.aws.amazon.com, aws.amazon.com, …)",
                source.url
            ),
        );
    }
    if !is_iso_date(&source.checked) {
        problem(
            at.key("checked"),
            format!("`{}` is not a date (YYYY-MM-DD)", source.checked),
        );
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok())
    };
    match parts.as_slice() {
        [y, m, d] => matches!(
            (num(y, 4), num(m, 2), num(d, 2)),
            (Some(Some(y)), Some(Some(m)), Some(Some(d)))
                if y >= 2000 && (1..=12).contains(&m) && (1..=31).contains(&d)
        ),
        _ => false,
    }
}

/// Checks one deserialised entry's values; returns it when it is valid.
fn check_entry(
    e: RawEntry,
    file_topic: Option<&str>,
    file: &SourceFile,
    at: &NodePath,
    services: Option<&HashSet<&str>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let before = diags.len();
    let mut problem = |field: NodePath, msg: String| diags.push(file.diag(&field, msg));

    if e.id.is_empty()
        || !e
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problem(
            at.key("id"),
            format!("id `{}` must be non-empty snake_case (a-z, 0-9, _)", e.id),
        );
    }
    for (name, value) in [("question", &e.question), ("rationale", &e.rationale)] {
        if value.trim().is_empty() {
            problem(at.key(name), format!("`{name}` must not be empty"));
        }
    }
    check_source(&e.source, &at.key("source"), &mut problem);
    let topic = e.topic.as_deref().or(file_topic).map(str::to_string);
    match &topic {
        None => problem(
            at.key("topic"),
            "missing field `topic` (set it on the entry or at the top of the file)".into(),
        ),
        Some(t) if t.trim().is_empty() => {
            problem(at.key("topic"), "`topic` must not be empty".into())
        }
        Some(_) => {}
    }
    if e.phrasings.len() < 3 {
        problem(
            at.key("phrasings"),
            format!(
                "needs at least 3 phrasings (how people ask it), found {}",
                e.phrasings.len()
            ),
        );
    }
    for (j, p) in e.phrasings.iter().enumerate() {
        if p.trim().is_empty() {
            problem(at.key("phrasings").index(j), "empty phrasing".into());
        }
    }
    if e.applies_to.is_some() && !e.services.is_empty() {
        problem(
            at.key("applies_to"),
            "an entry that holds for every service names none: drop `services` or `applies_to`"
                .into(),
        );
    }
    if e.owner == Owner::Shared {
        for (name, value) in [
            ("aws_does", &e.aws_does),
            ("customer_does", &e.customer_does),
        ] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                problem(
                    at.key(name),
                    format!("a shared entry must say what each side does: `{name}` is missing"),
                );
            }
        }
    }
    if let Some(known) = services {
        for (j, s) in e.services.iter().enumerate() {
            if !known.contains(s.as_str()) {
                problem(
                    at.key("services").index(j),
                    format!("unknown service `{s}` (not in vocabulary/services.yaml)"),
                );
            }
        }
        for (k, case) in e.cases.iter().enumerate() {
            if case.services.is_empty() && case.when.is_empty() {
                problem(
                    at.key("cases").index(k),
                    "a case needs `services` or `when` (the words that select it)".into(),
                );
            }
            for (j, w) in case.when.iter().enumerate() {
                if w.trim().is_empty() {
                    problem(
                        at.key("cases").index(k).key("when").index(j),
                        "empty `when` phrase".into(),
                    );
                }
            }
            for (j, s) in case.services.iter().enumerate() {
                if !known.contains(s.as_str()) {
                    problem(
                        at.key("cases").index(k).key("services").index(j),
                        format!("unknown service `{s}` (not in vocabulary/services.yaml)"),
                    );
                }
            }
        }
    }
    if diags.len() > before {
        return None;
    }
    Some(Entry {
        origin: Origin {
            file: file.path.clone(),
            line: file.line(at),
        },
        id: e.id,
        owner: e.owner,
        services: e.services,
        topic: topic.unwrap_or_default(),
        question: e.question,
        phrasings: e.phrasings,
        rationale: e.rationale,
        source: e.source,
        keywords: e.keywords,
        control: e.control,
        aws_does: e.aws_does,
        customer_does: e.customer_does,
        cases: e.cases,
        related: e.related,
        layer: e.layer,
        applies_to: e.applies_to,
    })
}

/// A required file of the knowledge directory, parsed.
fn required(source: &Files, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    match source.get(rel) {
        Some(bytes) => SourceFile::parse(&source.path(rel), bytes, diags),
        None => {
            diags.push(Diagnostic {
                file: source.path(rel),
                line: None,
                field: "(file)".into(),
                message: "cannot read: the file is missing".into(),
            });
            None
        }
    }
}

/// Whether `phrase` is one of the aliases of a service.
fn is_alias(services: &[Service], phrase: &str) -> bool {
    services
        .iter()
        .flat_map(|s| &s.aliases)
        .any(|a| a.trim().eq_ignore_ascii_case(phrase.trim()))
}

fn load_vocabulary(dir: &Files, diags: &mut Vec<Diagnostic>) -> Option<Vocabulary> {
    let before = diags.len();
    let mut services = Vec::new();
    if let Some(file) = required(dir, "vocabulary/services.yaml", diags) {
        if let Some(raw) = file.top::<RawServices>(diags) {
            let mut seen = HashSet::new();
            for (i, value) in raw.services.into_iter().enumerate() {
                let at = NodePath::root().key("services").index(i);
                if let Some(s) = file.item::<Service>(value, &at, diags) {
                    if !seen.insert(s.id.clone()) {
                        diags.push(
                            file.diag(&at.key("id"), format!("duplicate service id `{}`", s.id)),
                        );
                    }
                    services.push(s);
                }
            }
        }
    }
    let ids: HashSet<&str> = services.iter().map(|s| s.id.as_str()).collect();
    let unknown_parents: Vec<(usize, String)> = services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.parent
                .as_deref()
                .filter(|p| !ids.contains(p) || *p == s.id)
                .map(|p| (i, p.to_string()))
        })
        .collect();
    if !unknown_parents.is_empty() {
        if let Some(file) = required(dir, "vocabulary/services.yaml", diags) {
            for (i, p) in unknown_parents {
                let at = NodePath::root().key("services").index(i).key("parent");
                diags.push(file.diag(&at, format!("parent service `{p}` does not exist")));
            }
        }
    }
    let mut synonyms = Vec::new();
    if let Some(file) = required(dir, "vocabulary/synonyms.yaml", diags) {
        if let Some(raw) = file.top::<RawSynonyms>(diags) {
            for (i, group) in raw.synonyms.into_iter().enumerate() {
                if group.len() < 2 || group.iter().any(|w| w.trim().is_empty()) {
                    diags.push(file.diag(
                        &NodePath::root().key("synonyms").index(i),
                        "a synonym group needs at least two non-empty words".into(),
                    ));
                }
                synonyms.push(group);
            }
        }
    }
    let (mut outside_providers, mut outside_places, mut technologies) =
        (Vec::new(), Vec::new(), Vec::new());
    if let Some(bytes) = dir.get("vocabulary/outside.yaml") {
        if let Some(file) = SourceFile::parse(&dir.path("vocabulary/outside.yaml"), bytes, diags) {
            if let Some(raw) = file.top::<RawOutside>(diags) {
                for (key, list, out) in [
                    ("providers", raw.providers, &mut outside_providers),
                    ("places", raw.places, &mut outside_places),
                    ("technologies", raw.technologies, &mut technologies),
                ] {
                    for (i, phrase) in list.into_iter().enumerate() {
                        let at = NodePath::root().key(key).index(i);
                        if phrase.trim().is_empty() {
                            diags.push(file.diag(&at, "empty phrase".into()));
                        } else if key == "technologies" && !is_alias(&services, &phrase) {
                            // A technology only matters as a service's alias: one that is
                            // none would silently do nothing.
                            diags.push(file.diag(
                                &at,
                                format!(
                                    "{phrase:?} is not an alias of any service in \
                                     vocabulary/services.yaml"
                                ),
                            ));
                        }
                        out.push(phrase);
                    }
                }
            }
        }
    }
    (diags.len() == before).then_some(Vocabulary {
        services,
        synonyms,
        outside_providers,
        outside_places,
        technologies,
    })
}

/// Whether a file holds entries: not the vocabulary, the quiz bank or the stacks.
fn is_entry_file(rel: &str) -> bool {
    let in_other_dir = rel
        .split_once('/')
        .is_some_and(|(top, _)| NOT_ENTRIES.contains(&top));
    !in_other_dir && !NOT_ENTRY_FILES.contains(&rel)
}
