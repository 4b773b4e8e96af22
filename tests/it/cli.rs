//! The `srm-bot` binary's commands, run as a user runs them.

use std::process::Command;

fn srm_bot(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_srm-bot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run srm-bot");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_passes_on_the_shipped_knowledge_base_and_prints_a_summary() {
    let (code, out, err) = srm_bot(&["check", "knowledge"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("knowledge: OK"), "{out}");
    // Without a directory: the knowledge embedded in the binary, the same.
    let (code, embedded, _) = srm_bot(&["check"]);
    assert_eq!(code, 0);
    assert!(
        embedded.starts_with("knowledge (embedded): OK"),
        "{embedded}"
    );
    assert_eq!(
        embedded.lines().skip(1).collect::<Vec<_>>(),
        out.lines().skip(1).collect::<Vec<_>>()
    );
    for section in [
        "By owner:",
        "By service:",
        "By topic:",
        "AWS",
        "Customer",
        "Shared",
    ] {
        assert!(out.contains(section), "missing {section} in\n{out}");
    }
}

#[test]
fn check_fails_with_exit_1_and_lists_the_errors() {
    let dir = crate::kb_validation::base_with(&["bad_owner.yaml"]);
    let (code, out, _) = srm_bot(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 error(s)"), "{out}");
    assert!(
        out.contains("bad_owner.yaml:5: entries[0].owner: unknown variant `amazon`"),
        "{out}"
    );
}

#[test]
fn kb_json_prints_one_object_per_entry() {
    let (code, out, err) = srm_bot(&["kb", "--json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 120, "only {} entries", lines.len());
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).expect(line);
        for key in [
            "id",
            "owner",
            "services",
            "topic",
            "question",
            "phrasings",
            "rationale",
            "source",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
        assert!(["aws", "customer", "shared"].contains(&v["owner"].as_str().unwrap()));
        assert!(v["services"].is_array() && v["phrasings"].is_array());
    }
}

#[test]
fn a_bad_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[knowledge]\ndri = \"knowledge\"\n").unwrap();
    let (code, _, err) = srm_bot(&["--config", cfg.to_str().unwrap(), "check"]);
    assert_eq!(code, 2);
    assert!(err.contains("dri"), "{err}");
}

#[test]
fn a_copied_binary_runs_anywhere_on_its_embedded_knowledge() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("srm-bot");
    std::fs::copy(env!("CARGO_BIN_EXE_srm-bot"), &copy).unwrap();
    // Another directory, no knowledge/ beside it.
    let out = Command::new(&copy)
        .args(["ask", "who patches the guest OS on EC2?"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("Customer (you)"), "{text}");
    let out = Command::new(&copy)
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("knowledge (embedded): OK"), "{text}");
}

#[test]
fn kb_export_writes_a_curatable_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my-knowledge");
    let (code, out, err) = srm_bot(&["kb", "export", target.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Wrote "), "{out}");
    assert!(target.join("vocabulary/services.yaml").exists());
    assert!(target.join("quiz").is_dir());
    // The copy is valid and answers like the embedded one.
    let (code, out, _) = srm_bot(&["check", target.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (_, from_copy, _) = srm_bot(&[
        "ask",
        "--kb",
        target.to_str().unwrap(),
        "who patches the guest OS on EC2?",
    ]);
    let (_, embedded, _) = srm_bot(&["ask", "who patches the guest OS on EC2?"]);
    assert_eq!(from_copy, embedded);
    // A second export into the same (now full) directory refuses.
    let (code, _, err) = srm_bot(&["kb", "export", target.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not empty"), "{err}");
}

#[test]
fn model_prints_the_stacks_and_writes_the_png() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("stacks.png");
    let (code, out, err) = srm_bot(&[
        "model",
        "ec2",
        "rds",
        "lambda",
        "--png",
        png.to_str().unwrap(),
        "--layer",
        "os",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("Amazon EC2")
            && header.contains("Amazon RDS")
            && header.contains("AWS Lambda"),
        "{out}"
    );
    let os: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("Operating system"))
        .unwrap()
        .split_whitespace()
        .skip(2)
        .collect();
    assert_eq!(os, ["Customer", "AWS", "AWS"], "{out}");
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(out.contains("PNG)"), "{out}");
    // Four services, or one without a stack: a clear error, exit 2.
    let (code, _, err) = srm_bot(&["model", "ec2", "rds", "lambda", "s3"]);
    assert_eq!(code, 2);
    assert!(err.contains("one to 3 services"), "{err}");
}
