//! Every sentence a user reads, in one place, so wording is reviewed together.

use std::fmt::Write;

use crate::kb::{KnowledgeBase, Owner, ServiceModel, Summary};
use crate::matcher::{Answer, Verdict};

/// The display name of an owner.
pub fn owner_name(owner: Owner) -> &'static str {
    match owner {
        Owner::Aws => "AWS",
        Owner::Customer => "Customer",
        Owner::Shared => "Shared",
    }
}

/// `srm-bot check` on a valid knowledge base.
pub fn check_summary(dir: &str, s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{dir}: OK — {} entries, {} services, {} topics",
        s.entries,
        s.services_covered(),
        s.by_topic.len()
    );
    let _ = writeln!(out, "\nBy owner:");
    for (owner, n) in &s.by_owner {
        let _ = writeln!(out, "  {:<10} {n:>4}", owner_name(*owner));
    }
    let _ = writeln!(out, "\nBy service:");
    for (svc, n) in &s.by_service {
        let _ = writeln!(out, "  {svc:<18} {n:>4}");
    }
    let _ = writeln!(out, "\nBy topic:");
    for (topic, n) in &s.by_topic {
        let _ = writeln!(out, "  {topic:<18} {n:>4}");
    }
    out
}

/// `srm-bot check` on an invalid knowledge base: the header before the error list.
pub fn check_failed(dir: &str, errors: usize) -> String {
    format!("{dir}: {errors} error(s) — the knowledge base was not loaded")
}

/// The readable answer to a question (`srm-bot ask`, the console).
pub fn answer_text(kb: &KnowledgeBase, answer: &Answer) -> String {
    let mut out = String::new();
    match &answer.verdict {
        Verdict::Known { entry, owner, via } => {
            let e = &kb.entries()[*entry];
            let _ = writeln!(out, "{} — {}", owner_verdict(*owner), e.question);
            let _ = writeln!(out, "\n{}", e.rationale.trim());
            if !e.cases.is_empty() {
                let _ = writeln!(out, "\nIt depends on the service:");
                for c in &e.cases {
                    let names: Vec<&str> = c.services.iter().map(|s| service_name(kb, s)).collect();
                    let _ = write!(out, "  {} → {}", names.join(", "), owner_name(c.owner));
                    match &c.note {
                        Some(note) => {
                            let _ = writeln!(out, " ({note})");
                        }
                        None => {
                            let _ = writeln!(out);
                        }
                    }
                }
            }
            if let (Some(a), Some(c)) = (&e.aws_does, &e.customer_does) {
                let _ = writeln!(out, "\nAWS does: {}", a.trim());
                let _ = writeln!(out, "You do: {}", c.trim());
            }
            if !e.services.is_empty() && e.cases.is_empty() {
                let names: Vec<String> = e
                    .services
                    .iter()
                    .map(|s| match kb.vocabulary().service(s) {
                        Some(svc) => format!("{} ({})", svc.name, model_name(svc.model)),
                        None => s.clone(),
                    })
                    .collect();
                let _ = writeln!(out, "\nService: {}", names.join(", "));
            }
            if let Some(v) = via {
                let _ = writeln!(
                    out,
                    "(Asked in general: {} — the answer depends on the service; this is the case you named.)",
                    kb.entries()[*v].question
                );
            }
            let _ = writeln!(out, "Source: {}", e.source.trim());
            let related: Vec<&str> = e
                .related
                .iter()
                .filter_map(|id| kb.get(id))
                .take(3)
                .map(|r| r.question.as_str())
                .collect();
            if !related.is_empty() {
                let _ = writeln!(out, "\nRelated questions:");
                for r in related {
                    let _ = writeln!(out, "  • {r}");
                }
            }
        }
        Verdict::Unsure { suggestions } => {
            let _ = writeln!(out, "I'm not sure what you mean. Did you mean:");
            for (i, &s) in suggestions.iter().enumerate() {
                let _ = writeln!(out, "  {}. {}", i + 1, kb.entries()[s].question);
            }
        }
        Verdict::Unknown => {
            let _ = writeln!(out, "{}", DONT_KNOW);
        }
    }
    out
}

/// The honest answer to an off-topic question.
pub const DONT_KNOW: &str = "I don't know — that doesn't look like a question about who is responsible for what in AWS (the Shared Responsibility Model). Try \"who patches the guest OS on EC2?\"";

fn owner_verdict(owner: Owner) -> &'static str {
    match owner {
        Owner::Aws => "AWS",
        Owner::Customer => "Customer (you)",
        Owner::Shared => "Shared (AWS and you)",
    }
}

fn service_name<'a>(kb: &'a KnowledgeBase, id: &'a str) -> &'a str {
    kb.vocabulary()
        .service(id)
        .map(|s| s.name.as_str())
        .unwrap_or(id)
}

fn model_name(model: ServiceModel) -> &'static str {
    match model {
        ServiceModel::Iaas => "IaaS",
        ServiceModel::Paas => "PaaS",
        ServiceModel::Serverless => "serverless",
        ServiceModel::Abstracted => "abstracted service",
    }
}
