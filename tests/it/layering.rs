//! The architecture's one-way dependencies, checked on the source: the core (`kb`,
//! `matcher`, `quiz`, `store`) never imports the wording, `app`, `config` or an adapter,
//! and only `src/discord/` imports serenity or poise.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_core_imports_no_wording_app_config_or_adapter() {
    let mut bad = Vec::new();
    for module in ["kb", "matcher", "quiz", "store"] {
        let mut files = Vec::new();
        rust_files(&src().join(module), &mut files);
        assert!(!files.is_empty(), "{module}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                for outer in [
                    "crate::text",
                    "crate::app",
                    "crate::config",
                    "crate::discord",
                    "crate::console",
                    "crate::cli",
                    "serenity",
                    "poise",
                ] {
                    if line.contains(outer) {
                        bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the core reaches outward:\n{}",
        bad.join("\n")
    );
}

#[test]
fn only_the_discord_adapter_imports_serenity() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let discord = src().join("discord");
    let bad: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&discord))
        .filter(|f| {
            let t = std::fs::read_to_string(f).unwrap();
            t.contains("serenity") || t.contains("poise::")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}
