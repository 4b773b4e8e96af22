//! `srm-bot ask` and the matcher's promises, as a user meets them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use srm_bot::kb::{load_dir, KnowledgeBase, Owner};
use srm_bot::matcher::{Matcher, Verdict};

fn kb_and_matcher() -> &'static (KnowledgeBase, Matcher) {
    static M: OnceLock<(KnowledgeBase, Matcher)> = OnceLock::new();
    M.get_or_init(|| {
        let kb = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();
        let m = Matcher::new(&kb);
        (kb, m)
    })
}

/// The owner and entry id the matcher answers with, or None when it does not answer.
fn answer(q: &str) -> Option<(Owner, String)> {
    let (kb, m) = kb_and_matcher();
    match m.best(q).verdict {
        Verdict::Known { entry, owner, .. } => Some((owner, kb.entries()[entry].id.clone())),
        _ => None,
    }
}

fn owner(q: &str) -> Option<Owner> {
    answer(q).map(|a| a.0)
}

#[test]
fn rds_engine_patching_is_aws() {
    assert_eq!(owner("who patches MySQL on RDS?"), Some(Owner::Aws));
}

#[test]
fn mysql_run_on_ec2_is_patched_by_the_customer() {
    assert_eq!(
        owner("I run MySQL myself on EC2, who patches it?"),
        Some(Owner::Customer)
    );
}

#[test]
fn os_patching_without_a_service_depends() {
    let (o, id) = answer("who patches the OS?").expect("an answer");
    assert_eq!(o, Owner::Shared);
    let (kb, _) = kb_and_matcher();
    assert!(!kb.get(&id).unwrap().cases.is_empty(), "{id} has no cases");
}

#[test]
fn os_patching_is_routed_to_the_named_service() {
    assert_eq!(owner("who patches the OS on Lambda"), Some(Owner::Aws));
    assert_eq!(
        owner("who patches the OS of my EC2 instance"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("who patches the operating system on fargate"),
        Some(Owner::Aws)
    );
}

#[test]
fn typos_and_word_order_do_not_matter() {
    assert_eq!(
        owner("pacthes teh gest os on ec2 who"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("securty grups who configures them"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("destruction of disks at end of life"),
        Some(Owner::Aws)
    );
}

#[test]
fn off_topic_input_gets_no_owner() {
    for q in [
        "hello",
        "what's the weather like tomorrow",
        "tell me a joke",
        "asdkjh qwe zzz",
        "🙂🙂🙂",
        "",
        "   ",
    ] {
        assert_eq!(owner(q), None, "{q:?}");
    }
}

#[test]
fn a_long_pasted_paragraph_is_understood() {
    let q = "Our team is studying for the SAA exam and we keep arguing about this. \
             We launched a fleet of EC2 instances running Ubuntu for a web shop, with an \
             Application Load Balancer in front. A new kernel vulnerability was announced \
             this week. Under the shared responsibility model, which party has to apply \
             the operating system security patches on those instances?";
    assert_eq!(owner(q), Some(Owner::Customer));
}

#[test]
fn huge_and_hostile_input_does_not_panic() {
    let (_, m) = kb_and_matcher();
    let big = "patch ".repeat(20_000);
    let _ = m.best(&big);
    let _ = m.best("\u{200b}\u{202e}@everyone <@&123> **bold** \u{0000}\u{0007}");
}

fn srm_bot(args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_srm-bot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn ask_prints_a_readable_answer() {
    let (code, out) = srm_bot(&["ask", "who patches the guest OS on EC2?"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("Customer"), "{out}");
    assert!(out.contains("Source:"), "{out}");
    assert!(out.contains("Amazon EC2 (IaaS)"), "{out}");
    assert!(out.contains("Related questions:"), "{out}");
}

#[test]
fn ask_json_has_the_documented_shape() {
    let (code, out) = srm_bot(&["ask", "--json", "who patches the guest OS on EC2?"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["owner"], "customer");
    assert_eq!(v["question"], "who patches the guest OS on EC2?");
    let c = v["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&c));
    assert!(v["entry"].is_string() && v["rationale"].is_string());
    assert!(v["suggestions"].is_array());
}

#[test]
fn ask_json_abstains_with_a_null_owner() {
    let (_, out) = srm_bot(&["ask", "--json", "tell me a joke"], None);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v["owner"].is_null(), "{out}");
    assert!(v["entry"].is_null(), "{out}");
}

#[test]
fn ask_reads_questions_from_stdin_in_batch() {
    let input = "who patches MySQL on RDS?\n\nhello\nwho destroys old disks\n";
    let (code, out) = srm_bot(&["ask"], Some(input));
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["owner"], "aws");
    assert!(lines[1]["owner"].is_null());
    assert_eq!(lines[2]["owner"], "aws");
}

#[test]
fn a_vague_question_gets_choices_or_the_general_rule_never_one_owner() {
    let (kb, m) = kb_and_matcher();
    // One word that several entries are about: not enough to pick one responsibility.
    let a = m.best("keys");
    match a.verdict {
        Verdict::Unsure { suggestions } => {
            assert!((2..=3).contains(&suggestions.len()), "{suggestions:?}");
            for s in suggestions {
                let e = &kb.entries()[s];
                assert!(e.question.to_lowercase().contains("key"), "{}", e.question);
            }
        }
        Verdict::Known { entry, owner, .. } => {
            let e = &kb.entries()[entry];
            assert_eq!(owner, Owner::Shared, "{}", e.id);
            assert!(!e.cases.is_empty(), "{} is not an it-depends entry", e.id);
            assert!(e.question.to_lowercase().contains("key"), "{}", e.question);
        }
        Verdict::Unknown => panic!("\"keys\" is about the model"),
    }
}

// ---- Issue 10: answers a study group can trust ------------------------------------

#[test]
fn security_of_the_cloud_is_aws_and_in_the_cloud_is_the_customer() {
    assert_eq!(
        owner("who handles security of the cloud itself?"),
        Some(Owner::Aws)
    );
    assert_eq!(
        owner("security in the cloud is whose job"),
        Some(Owner::Customer)
    );
}

#[test]
fn rds_without_custom_never_gets_an_rds_custom_answer() {
    let (o, id) = answer("Does AWS patch the operating system of my RDS PostgreSQL database?")
        .expect("an answer");
    assert_eq!(o, Owner::Aws);
    assert!(!id.contains("custom"), "{id}");
    let (_, id) = answer("who patches the OS on RDS Custom for Oracle").expect("an answer");
    assert!(id.contains("rds_custom"), "{id}");
}

#[test]
fn rds_custom_patching_depends_on_the_engine() {
    assert_eq!(
        owner("who patches the operating system on RDS Custom for Oracle?"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("who patches the operating system on RDS Custom for SQL Server?"),
        Some(Owner::Aws)
    );
}

#[test]
fn beanstalk_platform_versions_are_published_by_aws() {
    assert_eq!(
        owner("who publishes new Elastic Beanstalk platform versions"),
        Some(Owner::Aws)
    );
}

#[test]
fn migrating_off_a_deprecated_lambda_runtime_is_the_customers_call() {
    assert_eq!(
        owner("who decides to migrate a Lambda function off a deprecated runtime"),
        Some(Owner::Customer)
    );
}

#[test]
fn the_aws_network_is_protected_by_aws() {
    assert_eq!(
        owner("who protects against packet sniffing on the AWS network?"),
        Some(Owner::Aws)
    );
}

#[test]
fn file_system_encryption_on_ec2_is_the_customers() {
    assert_eq!(
        owner("who encrypts the file system on my EC2 instance"),
        Some(Owner::Customer)
    );
}

#[test]
fn a_case_is_answered_with_the_general_rule_as_context() {
    let (kb, m) = kb_and_matcher();
    for (q, want) in [
        (
            "who trains AWS's own data center staff on security?",
            Owner::Aws,
        ),
        (
            "who trains my own employees on security awareness?",
            Owner::Customer,
        ),
    ] {
        let a = m.best(q);
        let Verdict::Known { owner, via, .. } = a.verdict else {
            panic!("{q}: {:?}", a.verdict)
        };
        assert_eq!(owner, want, "{q}");
        // The answer is one case of the general training control, shown as context.
        assert_eq!(
            via.map(|v| kb.entries()[v].id.as_str()),
            Some("awareness_and_training"),
            "{q}"
        );
    }
    let (_, out) = srm_bot(
        &["ask", "who trains my own employees on security awareness?"],
        None,
    );
    assert!(out.contains("The general rule ("), "{out}");
}

#[test]
fn a_service_the_question_is_not_using_is_not_answered_for() {
    let (kb, m) = kb_and_matcher();
    let a = m.best("who patches the OS if we are not using RDS");
    assert!(a.services.is_empty(), "{:?}", a.services);
    if let Verdict::Known { entry, .. } = a.verdict {
        assert!(
            !kb.entries()[entry].id.starts_with("rds"),
            "{}",
            kb.entries()[entry].id
        );
    }
    let (_, out) = srm_bot(&["ask", "who patches the OS if we are not using RDS"], None);
    assert!(!out.starts_with("Not responsible"), "{out}");
}

#[test]
fn yes_no_questions_are_answered_yes_or_no_with_the_owner() {
    let (code, out) = srm_bot(
        &[
            "ask",
            "Is AWS responsible for patching the guest OS on my EC2 instance?",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("No — the customer is responsible, not AWS."),
        "{out}"
    );
    let (_, out) = srm_bot(&["ask", "Does AWS patch the hypervisor?"], None);
    assert!(out.starts_with("Yes — AWS is responsible."), "{out}");
}

#[test]
fn a_question_about_another_cloud_gets_no_owner() {
    assert_eq!(
        owner("In Google Cloud, who secures the physical data centers?"),
        None
    );
    assert_eq!(owner("who patches Windows on my personal laptop?"), None);
}

#[test]
fn every_answer_links_its_aws_source() {
    let (_, out) = srm_bot(&["ask", "who patches the guest OS on EC2?"], None);
    assert!(
        out.contains("Source: ") && out.contains("<https://"),
        "{out}"
    );
}
