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
    // The operating system asked about, not the engine the name of the service carries.
    assert_eq!(id, "rds_os_patching");
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
    // SaaS mailboxes and CRMs are not AWS's model.
    assert_eq!(
        owner("Who is responsible for backing up data in Microsoft 365 mailboxes?"),
        None
    );
    assert_eq!(owner("who protects the data we keep in Salesforce?"), None);
}

#[test]
fn every_answer_links_its_aws_source() {
    let (_, out) = srm_bot(&["ask", "who patches the guest OS on EC2?"], None);
    assert!(
        out.contains("Source: ") && out.contains("<https://"),
        "{out}"
    );
}

/// A pasted practice question, read and answered.
fn exam(text: &str) -> Option<srm_bot::matcher::exam::Exam> {
    let (kb, m) = kb_and_matcher();
    srm_bot::matcher::exam::read(m, kb, text)
}

/// The picks for a pasted practice question (None: not read as one).
fn picks(text: &str) -> Option<Vec<String>> {
    exam(text).map(|e| e.pick_labels())
}

/// The practice question `text` is read as one and gets exactly the picks `want`.
#[track_caller]
fn assert_picks(text: &str, want: &[&str]) {
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(picks(text), Some(want), "{text}");
}

#[test]
fn the_issue_practice_question_picks_c() {
    let q = "Which of the following is a customer responsibility under the AWS shared responsibility model?\nA. Patching underlying infrastructure\nB. Physical security\nC. Patching Amazon EC2 instances\nD. Patching network infrastructure";
    assert_eq!(picks(q), Some(vec!["C".to_string()]));
}

#[test]
fn a_service_as_the_one_acting_and_options_that_name_services() {
    // "Which of the following does Elastic Beanstalk do?" asks for AWS's tasks, even
    // though an option mentions what the customer uses.
    assert_picks(
        "With AWS Elastic Beanstalk managed platform updates turned on, which of the following does Elastic Beanstalk do?\n- Fix vulnerabilities in the customer's application code\n- Automatically apply patch and minor updates for a supported platform version\n- Manage the security of AWS services the customer uses outside Elastic Beanstalk\n- Migrate environments off retired platform versions without any customer action",
        &["2"],
    );
    // "Lambda (AWS)" names AWS; "AWS Support, after a case is opened" is not whose job it is.
    assert_picks(
        "When using AWS Lambda with a managed runtime in the Auto runtime update mode, who applies runtime security updates to existing functions?\n(A) The customer, by redeploying each function\n(B) AWS Support, after a case is opened\n(C) Lambda (AWS)\n(D) Nobody; managed runtimes are never updated",
        &["C"],
    );
}

#[test]
fn the_stem_says_which_party_how_many_and_not() {
    let options = "A. Patching the hypervisor\nB. Configuring security groups\nC. Physical security of data centers\nD. Creating IAM users";
    let cases = [
        (
            "Which of the following is AWS's responsibility? (Choose two.)",
            vec!["A", "C"],
        ),
        ("Which TWO of these are the customer's job?", vec!["B", "D"]),
        (
            "Which of the following is NOT the customer's responsibility? Choose 2",
            vec!["A", "C"],
        ),
        (
            "AWS is not responsible for which two of the following?",
            vec!["B", "D"],
        ),
        (
            "Which controls do customers fully inherit from AWS? Select 2.",
            vec!["A", "C"],
        ),
    ];
    for (stem, want) in cases {
        let got = picks(&format!("{stem}\n{options}"));
        assert_eq!(
            got,
            Some(want.iter().map(|s| s.to_string()).collect()),
            "{stem}"
        );
    }
}

#[test]
fn the_stem_s_service_applies_to_every_option() {
    // The same option is AWS's on RDS and the customer's on EC2.
    let options = "A) Patching the operating system B) Managing database user accounts";
    assert_eq!(
        picks(&format!(
            "For Amazon RDS, which of the following is AWS's responsibility? {options}"
        )),
        Some(vec!["A".to_string()])
    );
    assert_eq!(
        picks(&format!(
            "For Amazon EC2, which of the following is AWS's responsibility? {options}"
        )),
        Some(vec![])
    );
    assert_picks(
        "A company moved its application from Amazon EC2 to AWS Lambda. Which of the following does AWS now manage?\n1. Patching the operating system\n2. The function code",
        &["1"],
    );
}

#[test]
fn true_or_false_statements_get_true_or_false() {
    assert_picks(
        "True or false: AWS is responsible for patching the guest operating system on Amazon EC2.",
        &["False"],
    );
    assert_picks(
        "True or false: the customer configures the security groups of its EC2 instances.",
        &["True"],
    );
}

#[test]
fn an_option_that_cannot_be_judged_is_never_picked_and_is_named() {
    let kb = &kb_and_matcher().0;
    let e = exam("Which of the following are AWS's responsibility? (Choose two.)\nA. Physical security of data centers\nB. Baking sourdough bread\nC. Choosing a favourite colour\nD. Configuring security groups").unwrap();
    assert_eq!(e.pick_labels(), vec!["A".to_string()]);
    let t = srm_bot::text::exam_text(kb, &e);
    assert!(t.contains("I can vouch for 1 only"), "{t}");
    assert!(t.contains("Not sure about: B, C"), "{t}");
}

#[test]
fn a_statement_question_judges_claims_and_leaves_the_rest() {
    let e = exam("Which statement about the AWS shared responsibility model is true?\nA. Customers are responsible for the physical security of AWS data centers.\nB. AWS is responsible for configuring customers' security groups.\nC. The customer is responsible for managing its IAM users.\nD. The model was first published on a Tuesday.").unwrap();
    assert_eq!(e.pick_labels(), vec!["C".to_string()]);
    assert_eq!(e.options[3].fits, None, "D claims no owner");
}

#[test]
fn statements_that_name_no_doer_or_compare_are_read_for_what_they_say() {
    let e = exam("Which statement about the AWS shared responsibility model is true?\nA. Guest operating system patches on the customer's Amazon EC2 instances are applied automatically.\nB. Failed hardware under the customer's workloads is replaced automatically.\nC. The customer patches more operating systems on Amazon EC2 than on AWS Lambda.\nD. Each customer's IAM users are kept in the customer's account.").unwrap();
    // "…applied automatically" says AWS does it: false for the guest OS, true for hardware.
    assert_eq!(e.options[0].fits, Some(false));
    assert_eq!(e.options[1].fits, Some(true));
    // A comparison between services has no single owner that makes it true or false.
    assert_eq!(e.options[2].fits, None);
    // "the customer's account" says whose thing it is, not whose job.
    assert_eq!(e.options[3].fits, None);
    assert_eq!(e.pick_labels(), vec!["B".to_string()]);
}

#[test]
fn ask_json_has_an_exam_object_for_a_practice_question() {
    let (code, out) = srm_bot(
        &[
            "ask",
            "--json",
            "Which of the following is a customer responsibility? (A) Physical security (B) Configuring security groups (C) Hypervisor patching",
        ],
        None,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let exam = &v["exam"];
    assert_eq!(exam["asks"], "customer", "{out}");
    assert_eq!(exam["count"], 1, "{out}");
    assert_eq!(exam["picks"], serde_json::json!(["B"]), "{out}");
    let options = exam["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["label"], "A");
    assert_eq!(options[0]["text"], "Physical security");
    assert_eq!(options[0]["owner"], "aws");
    assert_eq!(options[1]["owner"], "customer");
    for o in options {
        assert!(o["entry"].is_string() && o["rationale"].is_string(), "{o}");
        assert!(o["confidence"].as_f64().unwrap() > 0.0, "{o}");
    }
    // A plain question has no exam object.
    let (_, out) = srm_bot(&["ask", "--json", "who patches the guest OS on EC2?"], None);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v.get("exam").is_none(), "{out}");
}

#[test]
fn batch_mode_reads_a_json_string_line_as_one_multi_line_question() {
    let input = concat!(
        "who patches MySQL on RDS?\n",
        "\"Which of the following are AWS's job? (Choose two.)\\nA. Physical security\\nB. Writing IAM policies\\nC. Decommissioning storage devices\\nD. Configuring security groups\"\n",
        "\"True or false: AWS patches the guest OS on EC2.\"\n",
    );
    let (code, out) = srm_bot(&["ask"], Some(input));
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].get("exam").is_none());
    assert_eq!(
        lines[1]["exam"]["picks"],
        serde_json::json!(["A", "C"]),
        "{out}"
    );
    assert_eq!(lines[1]["exam"]["count"], 2, "{out}");
    assert_eq!(
        lines[2]["exam"]["picks"],
        serde_json::json!(["False"]),
        "{out}"
    );
    assert_eq!(lines[2]["exam"]["truth"], false, "{out}");
}

#[test]
fn a_who_question_whose_options_name_parties_is_answered_from_the_stem() {
    let q = "A school runs its website on Amazon EC2 instances. A flaw is found in a package of the instances' operating system. Who must patch it?\nA. AWS, because it runs EC2\nB. The school, because it manages the guest operating system\nC. AWS, as part of hypervisor maintenance";
    assert_eq!(picks(q), Some(vec!["B".to_string()]));
    let kb = &kb_and_matcher().0;
    let e = exam(q).unwrap();
    assert!(e.asks.who);
    assert!(
        srm_bot::text::exam_text(kb, &e).starts_with("Practice question — asks who is responsible")
    );
}

#[test]
fn its_in_an_option_is_the_party_the_stem_names() {
    let q = "Under the shared awareness and training control, what is the customer's part?\n1) Training AWS employees\n2) Training its own employees\n3) Screening AWS data center staff";
    assert_eq!(picks(q), Some(vec!["2".to_string()]));
}

#[test]
fn an_answer_about_a_layer_pictures_its_service_with_that_layer() {
    use srm_bot::app::{answer_picture, Brain};
    let brain = Brain::embedded().unwrap();
    let answer = brain.matcher.best("who patches the guest OS on EC2?");
    let Verdict::Known { entry, .. } = answer.verdict else {
        panic!("{answer:?}")
    };
    assert_eq!(
        answer_picture(&brain, entry, &answer.services),
        Some((vec!["ec2".to_string()], "os".to_string()))
    );
    // A general answer names no layer: no picture.
    let general = brain
        .matcher
        .best("who is responsible for security of the cloud?");
    let Verdict::Known { entry, .. } = general.verdict else {
        panic!("{general:?}")
    };
    assert_eq!(answer_picture(&brain, entry, &general.services), None);
}

#[test]
fn a_who_stem_with_a_shared_answer_is_settled_by_the_case_an_option_names() {
    // The stem alone is the shared general rule (Function update mode); the option that
    // names the customer's case ("by updating the function regularly") is the one.
    let q = "A team uses AWS Lambda with the Function update runtime update mode. Who keeps a function on the latest runtime version?\n\
             A. AWS, with no action from the team\n\
             B. The team, by updating the function regularly (Lambda then applies the new version)\n\
             C. Nobody, because runtimes never change\n\
             D. AWS Support, when a ticket is opened";
    assert_eq!(picks(q), Some(vec!["B".to_string()]));
}

#[test]
fn nobody_is_not_a_party() {
    let e = exam("A school keeps records in Amazon DynamoDB. Who turns on point-in-time recovery for a table?\nA. AWS, for every table automatically\nB. The school, by enabling it on the table\nC. Nobody, because tables cannot be restored").unwrap();
    assert_eq!(e.pick_labels(), vec!["B".to_string()]);
    let nobody = &e.options[2];
    assert_ne!(
        nobody.fits,
        Some(true),
        "'Nobody' must never fit: {nobody:?}"
    );
}

#[test]
fn a_multi_service_scenario_asking_about_a_control_as_a_whole_gets_the_general_rule() {
    let q = "A hospital runs clinical apps on Amazon EC2 and its records in Amazon RDS. \
             Its auditors ask how patch management as a whole, across the entire environment, \
             is owned under the shared responsibility model. Who owns it?";
    assert_eq!(owner(q), Some(Owner::Shared));
    // One service named: its case.
    assert_eq!(
        owner(
            "A hospital runs clinical apps on Amazon EC2. Who patches the guest operating system?"
        ),
        Some(Owner::Customer)
    );
}

#[test]
fn its_own_belongs_to_the_one_party_named() {
    assert_eq!(
        owner("Does Amazon handle security training for its own employees?"),
        Some(Owner::Aws)
    );
    assert_eq!(
        owner("Does the company have to run security training for its own employees?"),
        Some(Owner::Customer)
    );
    // Both parties named, each with its own people: the control as a whole.
    assert_eq!(
        owner("AWS trains its own employees and the customer trains its own staff. How is awareness and training classified?"),
        Some(Owner::Shared)
    );
}

#[test]
fn a_concession_without_a_party_then_a_claim_is_judged_on_the_claim() {
    let e = exam("True or false: Amazon S3 encrypts new objects by default, but choosing SSE-KMS with a customer managed key is the customer's decision.").unwrap();
    assert_eq!(e.pick_labels(), vec!["True".to_string()]);
}

#[test]
fn no_matter_which_service_leaves_out_what_depends_on_the_service() {
    // Guest OS patching is the customer's on EC2 but AWS's on RDS or Lambda: it does not
    // stay with the customer whatever the service.
    let q = "Which TWO responsibilities stay with the customer regardless of the AWS service used? (Choose 2.)\n\
             A. Classifying its own data\n\
             B. Patching the guest operating system\n\
             C. Managing IAM users and their permissions\n\
             D. Maintaining the hypervisor";
    let e = exam(q).unwrap();
    assert_eq!(e.pick_labels(), vec!["A".to_string(), "C".to_string()]);
    assert_ne!(e.options[1].fits, Some(true), "{:?}", e.options[1]);
}

#[test]
fn a_shared_control_named_and_asked_about_as_a_whole_is_shared() {
    let q = "A bank runs batch jobs on Amazon EC2 and its ledgers on Amazon RDS. For its controls \
             matrix, how is configuration management, as a whole, classified under the shared \
             responsibility model?";
    assert_eq!(owner(q), Some(Owner::Shared));
    // One side's part of the control is that side's.
    assert_eq!(
        owner("Under the patch management control, who patches the guest OS on EC2?"),
        Some(Owner::Customer)
    );
    // "overall" alone does not make a question about a control.
    assert_eq!(
        owner("who classifies my data overall?"),
        Some(Owner::Customer)
    );
}

#[test]
fn close_entries_that_agree_on_the_owner_give_an_answer() {
    let (_, m) = kb_and_matcher();
    // No one entry matches well enough, but the closest ones are all the customer's: the
    // answer is given at the answer threshold, with the low confidence that goes with it.
    let a = m.best("who decides how long and complicated our cloud console passwords have to be?");
    assert_eq!(a.owner(), Some(Owner::Customer), "{a:?}");
    assert_eq!(a.score, srm_bot::matcher::ANSWER_THRESHOLD, "{a:?}");
    assert!(a.confidence < 0.7, "{a:?}");
    // The same words without AWS or the cloud named: agreement alone is not enough, so it
    // offers choices instead.
    let a = m.best("who decides how long and complicated our console passwords have to be?");
    assert_eq!(a.owner(), None, "{a:?}");
    assert!(
        matches!(a.verdict, srm_bot::matcher::Verdict::Unsure { .. }),
        "{a:?}"
    );
}

#[test]
fn aws_s_own_layer_is_about_every_service_asked() {
    // EBS named, but the question is about the hardware underneath it.
    assert_eq!(
        owner("Do I have to replace the failed physical disks underneath my EBS volumes myself?"),
        Some(Owner::Aws)
    );
    // A case's own words beat a service's default case: hardware under EC2 is AWS's.
    assert_eq!(
        owner(
            "Who is responsible for the physical security of the servers hosting my EC2 instances?"
        ),
        Some(Owner::Aws)
    );
}

#[test]
fn a_shared_control_asked_about_as_one_control_is_shared() {
    assert_eq!(
        owner("We patch EC2 with Patch Manager and AWS patches the hosts. Considered as one IT control rather than layer by layer, who owns patch management?"),
        Some(Owner::Shared)
    );
}

#[test]
fn the_reader_judges_the_claim_after_a_reason_and_sees_through_asides() {
    let e = exam("True or false: Because AWS now requires MFA for root users, customers no longer have any responsibility for protecting their root user credentials.").unwrap();
    assert_eq!(e.pick_labels(), vec!["False".to_string()]);
    let q = "A startup runs its web app on Amazon EC2. A vulnerability is announced in the Linux distribution on the instances. Who must apply the patch?\n\
             A. AWS, because Amazon EC2 is a managed service\n\
             B. The startup, because guest OS patching is the customer's responsibility on EC2\n\
             C. The Linux vendor, which connects to the instances to patch them";
    assert_eq!(picks(q), Some(vec!["B".to_string()]));
    let q = "Which of the following is a shared control rather than an inherited or customer-specific one?\n\
             1. Physical and environmental controls\n\
             2. Configuration management\n\
             3. Zone security";
    assert_eq!(picks(q), Some(vec!["2".to_string()]));
}

#[test]
fn a_statement_that_says_it_varies_is_judged_on_what_follows_the_colon() {
    let e = exam("True or false: Responsibilities vary by service: with Amazon RDS, AWS patches the database engine while the customer manages database users and their access.").unwrap();
    assert_eq!(e.pick_labels(), vec!["True".to_string()]);
}

#[test]
fn an_office_laptop_or_a_regulatory_fine_is_not_aws_s_model() {
    assert_eq!(
        owner("At my company, is IT or the employee responsible for locking an unattended laptop?"),
        None
    );
    assert_eq!(
        owner("Who pays the regulatory fine if a hospital leaks patient data?"),
        None
    );
}

#[test]
fn the_host_os_and_the_guest_os_are_different_layers() {
    // "Host OS" under EC2 is AWS's even though the question is worded like the guest-OS
    // questions; the guest OS stays the customer's, and "host" as a verb changes nothing.
    for q in [
        "Does AWS keep the host OS under my EC2 instances patched?",
        "who keeps the host operating system beneath my ec2 instances up to date",
    ] {
        assert_eq!(owner(q), Some(Owner::Aws), "{q}");
    }
    for q in [
        "Does AWS keep the guest OS of my EC2 instances patched?",
        "who patches the OS on the EC2 instances that host my app",
    ] {
        assert_eq!(owner(q), Some(Owner::Customer), "{q}");
    }
}

#[test]
fn a_case_named_only_to_be_negated_is_not_selected() {
    // "never subscribed to Shield Advanced" does not ask about Shield Advanced.
    assert_eq!(
        owner("We never subscribed to Shield Advanced. A UDP reflection attack hits our CloudFront distribution at the network layer. Who gives us the baseline protection against it?"),
        Some(Owner::Aws)
    );
    assert_eq!(
        owner("We subscribed to Shield Advanced. Who chooses which resources it protects?"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("If we do not enable managed platform updates on Elastic Beanstalk, who applies platform updates?"),
        Some(Owner::Customer)
    );
    // "Isn't X AWS's job?" asks; it does not negate X.
    assert_eq!(
        owner("Isn't configuring security groups AWS's job?"),
        Some(Owner::Customer)
    );
}

#[test]
fn whose_own_staff_picks_between_entries_about_each_side() {
    assert_eq!(
        owner("who trains our own engineers to recognise phishing emails"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("who trains AWS's own engineers on security procedures"),
        Some(Owner::Aws)
    );
}

#[test]
fn naming_aws_only_to_rule_it_out_is_outside_aws() {
    for q in [
        "Who patches the servers in our server closet, which have nothing to do with AWS?",
        "Who replaces the failed drive in the NAS box in our office?",
        "Who patches the servers in our colo cage that aren't connected to AWS at all?",
        "Who patches the file server in our office, with nothing on AWS?",
    ] {
        assert_eq!(owner(q), None, "{q}");
    }
    // "connected" is an ordinary word, not Amazon Connect.
    assert_eq!(
        owner("Who patches the EC2 instances connected to our VPN?"),
        Some(Owner::Customer)
    );
}

#[test]
fn the_hardware_under_a_managed_service_is_aws_s() {
    for q in [
        "Amazon WorkSpaces: who maintains the physical host servers behind the desktops?",
        "Amazon EMR: who maintains the physical servers under the cluster?",
        "OpenSearch Service: who replaces the underlying hardware of a domain?",
        "Elastic Beanstalk: who maintains the physical servers under my environment?",
    ] {
        assert_eq!(owner(q), Some(Owner::Aws), "{q}");
    }
}

#[test]
fn option_statements_are_read_for_their_claim() {
    // A parenthesised "not" narrows the service; it does not negate the statement.
    assert_picks(
        "True or false: On Amazon RDS (not RDS Custom), the customer applies the operating system patches.",
        &["False"],
    );
    // "What has to happen?" asks for the right action, not for the scene's party (AWS).
    assert_picks(
        "A startup runs its functions on AWS Lambda with container images. AWS releases a patched base image. What has to happen for the functions to get the patch?\nA. Nothing; Lambda patches deployed images itself.\nB. The startup rebuilds its images on the new base image and redeploys.\nC. The startup turns on the Auto runtime update mode.",
        &["B"],
    );
    // What is said to be so "automatically" is claimed of AWS.
    assert_picks(
        "True or false: Workloads that customers deploy on HIPAA eligible services are automatically HIPAA compliant.",
        &["False"],
    );
    // AWS providing the tool is the model; the duty is the customer's clause.
    assert_picks(
        "Which statement about network ACLs is correct?\nA. AWS provides network ACLs, and the customer writes their rules.\nB. AWS writes the network ACL rules for each customer.\nC. Network ACL rules are part of the physical network AWS manages.",
        &["A"],
    );
    // The clause that says whose duty it is decides.
    assert_picks(
        "Which statement is correct?\nA. AWS offers encryption features, while the customer is responsible for deciding what to encrypt.\nB. AWS is responsible for deciding which customer data is encrypted.",
        &["A"],
    );
    // "They" is what the stem describes.
    assert_picks(
        "Which statement best describes inherited controls?\nA. They are controls the customer implements entirely on its own.\nB. They are controls a customer fully inherits from AWS, such as physical and environmental controls.",
        &["B"],
    );
}

#[test]
fn the_stem_s_condition_and_service_carry_to_every_option() {
    // "has turned off managed platform updates" selects the case for every option.
    assert_picks(
        "A media company runs its API on AWS Elastic Beanstalk and has turned off managed platform updates. A new platform version with security fixes is released. Which statement is correct?\nA. Elastic Beanstalk installs it anyway in the next maintenance window.\nB. The company has to apply the platform update itself.\nC. AWS patches the instances in place without telling anyone.",
        &["B"],
    );
    // A service's responsibility is AWS's, not "someone else's" like "the school's".
    assert_picks(
        "Which of the following is NOT Lambda's responsibility?\nA. Patching the execution environment's operating system\nB. Writing secure function code\nC. Running the servers that host functions",
        &["B"],
    );
    // "the instances" of a Neptune or DocumentDB stem are that service's, not EC2's.
    assert_picks(
        "For Amazon Neptune, which task is AWS's?\nA. Patching the operating system of the instances\nB. Choosing which IAM principals may connect to the cluster\nC. Deciding whether the cluster is encrypted at rest",
        &["A"],
    );
    assert_picks(
        "For Amazon DocumentDB, which task is AWS's?\nA. Applying operating system updates to the instances\nB. Creating the database users\nC. Deciding which applications may connect to the cluster",
        &["A"],
    );
}

#[test]
fn a_reason_after_the_claim_is_not_the_claim() {
    // "…, because Lambda may no longer patch a deprecated runtime" is the reason; its "no
    // longer" does not negate "the team must migrate the function".
    assert_picks(
        "A team runs a function on a Lambda runtime that has been deprecated. Which statement is correct?\nA. Lambda will keep applying security patches to the deprecated runtime forever\nB. The team must migrate the function to a supported runtime, because Lambda may no longer patch a deprecated runtime",
        &["B"],
    );
}

#[test]
fn a_service_as_the_subject_of_an_action_is_aws_acting() {
    // Neither option names a party: "Lambda patches…" claims AWS does it (true), "Lambda
    // writes…" claims AWS writes the function's code (false).
    assert_picks(
        "Which statement about AWS Lambda is correct?\nA. Lambda patches the operating system of the execution environment\nB. Lambda writes and secures the code of each function",
        &["A"],
    );
}

#[test]
fn what_aws_says_of_every_service_holds_for_each_one() {
    // Every service's security chapter: "configuration and IT controls are a shared
    // responsibility"; an abstracted service's: "AWS handles … guest OS and database
    // patching, firewall configuration, and disaster recovery". A service's own entries
    // (its access control, the customer's DR plan) must not take the question over.
    assert_eq!(
        answer("Configuration and IT controls for Amazon Transcribe"),
        Some((Owner::Shared, "it_controls_shared".into()))
    );
    assert_eq!(
        answer("Who handles firewall configuration and disaster recovery for Amazon SQS?"),
        Some((Owner::Aws, "abstracted_service_basic_security_tasks".into()))
    );
    // Not for EC2, whose guest OS is the customer's.
    assert_eq!(
        owner("Who patches the guest OS on my EC2 instances?"),
        Some(Owner::Customer)
    );
    // "keys it controls" is the pronoun, not IT controls.
    assert_ne!(
        answer("Who decides which KMS keys it controls and can disable?").map(|a| a.1),
        Some("it_controls_shared".into())
    );
}

#[test]
fn a_service_compared_with_is_not_the_one_an_option_is_about() {
    // "…, as with standard Amazon RDS" compares; the option is still about RDS Custom,
    // where the operating system is the customer's to patch.
    assert_picks(
        "A company runs a packaged application on Amazon RDS Custom for Oracle because it needs OS-level access. Who patches the operating system? Which statement is correct?\nA. AWS patches the operating system automatically, as with standard Amazon RDS\nB. The company patches the operating system of the DB instance",
        &["B"],
    );
}

#[test]
fn parties_named_together_in_an_option_are_both() {
    assert_picks(
        "Which party controls physical access to AWS data centers?\n• The customer, through IAM policies\n• AWS\n• AWS and the customer jointly, by escorting each other's staff\n• The customer's internet service provider",
        &["2"],
    );
}

#[test]
fn the_case_a_question_words_wins_a_tie_between_cases() {
    // Manual mode and function-update mode match alike; "Manual runtime update mode" is
    // the case's own words.
    assert_eq!(
        answer("A team put its AWS Lambda functions on the Manual runtime update mode to work around a compatibility problem and forgot about them for a year. Who has been responsible for moving those functions onto a patched runtime version all that time?"),
        Some((Owner::Customer, "lambda_runtime_manual_mode".into()))
    );
}

#[test]
fn what_holds_for_every_service_covers_the_service_named() {
    assert_eq!(
        owner("Securing the data centers that host the environment on AWS Elastic Beanstalk"),
        Some(Owner::Aws)
    );
    // Not where the site is the customer's own.
    assert_eq!(
        owner(
            "On AWS Outposts, who provides the power, networking, and secure space for the rack?"
        ),
        Some(Owner::Customer)
    );
}

#[test]
fn an_option_in_a_scene_of_unrelated_services_is_read_on_the_one_it_fits() {
    // EKS and Redshift: an option about node AMIs is about EKS's managed node groups,
    // not Redshift's patching.
    let (kb, _) = kb_and_matcher();
    let e = exam("An analytics team runs Amazon EKS with managed node groups on the Amazon EKS optimized AMI and reports with Amazon Redshift. A kernel CVE is published. Which statement matches the shared responsibility model?\nA. AWS replaces every node with the patched AMI with no action needed from the team\nB. The team is responsible for deploying the patched AMI version to its managed node groups").unwrap();
    for o in &e.options {
        let id = o.answer.known_entry().map(|i| kb.entries()[i].id.as_str());
        assert!(
            id.is_some_and(|id| id.starts_with("eks_")),
            "{}: {id:?}",
            o.text
        );
    }
}

#[test]
fn a_company_that_is_a_provider_is_not_the_cloud_provider() {
    assert_picks(
        "A SaaS provider runs its application on Amazon EC2 instances. Which of the following is the provider's responsibility?\nA. Patching the guest operating systems of the EC2 instances\nB. Maintaining the hypervisor on the EC2 hosts\nC. Providing physical security for the data center",
        &["A"],
    );
}

#[test]
fn a_party_word_that_describes_a_noun_is_not_who_acts() {
    // "customer traffic" is the traffic; Direct Connect (AWS) is the one said to encrypt,
    // and it does not by default.
    assert_picks(
        "True or false: AWS Direct Connect encrypts customer traffic in transit by default.",
        &["False"],
    );
}

#[test]
fn a_service_rule_asked_about_as_a_whole_is_the_whole_rule() {
    // One side's part is that side's...
    assert_eq!(
        owner("For EKS managed node groups, who starts the update that rolls the patched AMI out to the nodes?"),
        Some(Owner::Customer)
    );
    // ...but the same parts asked about "as a whole" are the service's shared rule.
    assert_eq!(
        owner("For EKS managed node groups taken as a whole (AWS publishing patched AMIs, our team rolling the node groups onto them), is node patching owned by AWS, by us, or shared?"),
        Some(Owner::Shared)
    );
    // A scenario's "EC2 instances" that EKS Auto Mode runs as nodes are EKS's nodes.
    assert_eq!(
        answer("We switched our EKS cluster to EKS Auto Mode and pull images from ECR. When a new AMI with CVE fixes comes out, who is responsible for patching and replacing the EC2 instances that Auto Mode runs as nodes?"),
        Some((Owner::Aws, "eks_auto_mode_node_patching".to_string()))
    );
}

#[test]
fn a_scene_of_several_services_is_read_on_the_one_the_question_fits() {
    // Brokers spread "across three AZs" is where they run, not the rule asked "as a
    // whole"; of the services the scene names, the question fits MSK's brokers best.
    assert_eq!(
        answer("We run Kafka on Amazon MSK provisioned with Standard brokers across three AZs, producers on Lambda and consumers on ECS. An operating system security update is needed on the broker hosts. Who applies it?"),
        Some((Owner::Aws, "msk_broker_patching".to_string()))
    );
    // A service's own case still comes before its family's when neither matched better.
    assert_eq!(
        answer("A manufacturer needs privileged operating system access for a legacy ERP database, so it chose Amazon RDS Custom for Oracle instead of standard RDS. A new Oracle Linux security advisory is published that affects the DB instance's operating system. Who is responsible for keeping that operating system patched?"),
        Some((Owner::Customer, "rds_custom_oracle_os_patching".to_string()))
    );
}

#[test]
fn a_party_said_not_to_do_it_is_not_the_answer_to_who_does() {
    assert_eq!(
        owner("AWS won't pick the retention period for our RDS automated backups. Who does?"),
        Some(Owner::Customer)
    );
    assert_eq!(
        owner("On Elastic Beanstalk we don't build the platform updates ourselves. Who does?"),
        Some(Owner::Aws)
    );
    // Unsure of the entry, but the premise and the best entry agree on the owner.
    assert_eq!(
        owner("Locking down the physical data center isn't something we do ourselves, right? So whose responsibility is it?"),
        Some(Owner::Aws)
    );
    // A question with a topic of its own asks about that topic, whatever was denied.
    assert_eq!(
        owner("We no longer run our own MySQL on EC2 and use RDS instead. Who now creates the database users and passwords?"),
        Some(Owner::Customer)
    );
}

#[test]
fn an_aws_managed_key_alias_is_a_kms_key() {
    assert_eq!(
        answer("Who rotates the aws/ebs key?"),
        Some((Owner::Aws, "kms_aws_managed_key_rotation".to_string()))
    );
}

#[test]
fn a_who_question_asked_by_whom_and_a_service_responsible_in_a_statement() {
    // "…by whom?" asks who, like "who…?".
    assert_picks(
        "An inherited control is implemented and operated by whom?\n1. AWS\n2. The customer\n3. Both AWS and the customer\n4. Neither",
        &["1"],
    );
    // After an opening of context, "Lambda is responsible" is AWS's claim.
    let tf = exam("True or False: For an AWS Lambda function that uses the Auto runtime update mode, Lambda is responsible for applying runtime updates to the function.")
        .and_then(|e| e.true_false)
        .map(|t| t.truth);
    assert_eq!(tf, Some(Some(true)));
}
