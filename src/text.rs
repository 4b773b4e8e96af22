//! Every sentence a user reads, in one place, so wording is reviewed together.

use std::fmt::Write;

use crate::kb::{Owner, Summary};

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
