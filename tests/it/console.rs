//! The console, run as a user runs it: a scripted group game through a pipe, checked
//! against the database.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use srm_bot::kb::load_dir;
use srm_bot::quiz::{Filter, Mode, QuestionBank};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the console with `script` on stdin; returns (exit code, stdout).
fn console(dir: &Path, script: &str, extra: &[&str]) -> (i32, String) {
    let config = dir.join("srm.toml");
    std::fs::write(&config, "[quiz]\nreveal_pause_seconds = 0\n").unwrap();
    let db = format!("sqlite://{}", dir.join("console.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_srm-bot"))
        .args(["--config", config.to_str().unwrap(), "console", "--db", &db])
        .args(["--kb", root().join("knowledge").to_str().unwrap()])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn db(dir: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("console.db").display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn three_players_five_questions_standings_leaderboard_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    // Each player always picks the same option; who is right follows from the questions
    // the seed draws, computed here the way the console draws them.
    let picks = [("alice", 1usize), ("bob", 2), ("carol", 3)];
    let mut script = String::from("/quiz start questions:5 seconds:5 mode:owner\n");
    for _ in 0..5 {
        for (name, pick) in picks {
            script.push_str(&format!("@{name} {pick}\n"));
        }
        script.push_str("/wait\n");
    }
    script.push_str("/leaderboard\n/stats alice\n/stats bob\n/stats carol\n");
    let (code, out) = console(dir.path(), &script, &["--seed", "11", "--player", "host"]);
    assert_eq!(code, 0, "{out}");

    let kb = load_dir(&root().join("knowledge")).unwrap();
    let bank = QuestionBank::load(&kb, &root().join("knowledge/quiz")).unwrap();
    let filter = Filter {
        mode: Mode::Owner,
        ..Filter::default()
    };
    let questions = bank.select(&filter, 5, 11);
    let expected: Vec<(&str, i64)> = picks
        .iter()
        .map(|(name, pick)| {
            let right = questions.iter().filter(|q| q.answer == pick - 1).count();
            (*name, right as i64)
        })
        .collect();
    for q in &questions {
        assert!(
            out.contains(&q.question),
            "question {:?} not asked:\n{out}",
            q.question
        );
    }
    assert!(out.contains("🏁 Quiz over (all questions asked)"), "{out}");

    // The database has every answer, exactly once, with the right correctness.
    let pool = db(dir.path()).await;
    for (name, right) in &expected {
        let (answers, correct, points): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), SUM(correct), SUM(points) FROM answers WHERE member_name = ?",
        )
        .bind(name)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!((answers, correct), (5, *right), "{name}");
        // 500–1000 per right answer, plus at most 500 streak bonus each.
        assert!(
            points >= 500 * right && points <= 1500 * right,
            "{name}: {points}"
        );
        // The printed standings and stats agree with the database.
        assert!(
            out.contains(&format!("{name} — {points} pts · {right}/5 right")),
            "{name} {points} {right}:\n{out}"
        );
        let pct = format!("{:.0}% right", *right as f64 * 20.0);
        assert!(
            out.contains(&format!("📊 {name}: 1 game, 5 answers, {pct}")),
            "{name} stats:\n{out}"
        );
    }
    let status: String = sqlx::query_scalar("SELECT status FROM games")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "completed");

    // The leaderboard is ranked by the database's points.
    let board: Vec<(String, i64)> = sqlx::query_as(
        "SELECT member_name, SUM(points) p FROM answers GROUP BY member_name ORDER BY p DESC, SUM(correct) DESC, member_name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let lb = out.split("🏆 Leaderboard").nth(1).expect("a leaderboard");
    let mut last = 0;
    for (name, points) in &board {
        let at = lb
            .find(&format!("{name} — {points} pts"))
            .unwrap_or_else(|| panic!("{name} not on the board:\n{lb}"));
        assert!(at >= last, "{name} out of order:\n{lb}");
        last = at;
    }
}

#[tokio::test]
async fn end_of_input_lets_the_quiz_play_out_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    // One answer, then the input ends: the quiz runs on until two questions in a row
    // go unanswered, then everything revealed is saved and the console exits 0.
    let (code, out) = console(
        dir.path(),
        "/quiz start questions:5 seconds:5\n@dana 2\n",
        &["--seed", "3"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("🏁 Quiz over (two questions in a row without answers)"),
        "{out}"
    );
    let pool = db(dir.path()).await;
    let (status, answers): (String, i64) =
        sqlx::query_as("SELECT g.status, (SELECT COUNT(*) FROM answers) FROM games g")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), answers), ("inactive", 1));
}

#[test]
fn questions_bad_options_and_help_in_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = console(
        dir.path(),
        "who patches the guest OS on EC2?\n/quiz start seconds:500\n/quiz start topic:astrology\n/quiz stop\n/dance\n/help\n/review\n/topics\n/quit\n",
        &[],
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("Customer (you) — Who patches the guest operating system"),
        "{out}"
    );
    assert!(
        out.contains("seconds must be between 5 and 120 (got 500)"),
        "{out}"
    );
    assert!(out.contains("unknown topic `astrology`"), "{out}");
    assert!(out.contains("No quiz is running."), "{out}");
    assert!(out.contains("unknown command /dance"), "{out}");
    assert!(out.contains("/leaderboard [scope:"), "{out}");
    assert!(out.contains("nothing to review yet"), "{out}");
    assert!(out.contains("📚 Topics"), "{out}");
}

#[tokio::test]
async fn ctrl_c_stops_at_once_and_keeps_what_was_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("srm.toml");
    std::fs::write(&config, "[quiz]\nreveal_pause_seconds = 0\n").unwrap();
    let db_url = format!("sqlite://{}", dir.path().join("console.db").display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_srm-bot"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "console",
            "--db",
            &db_url,
        ])
        .args(["--kb", root().join("knowledge").to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    stdin
        .write_all(b"/quiz start questions:10 seconds:5\n@erin 1\n")
        .await
        .unwrap();
    // Wait for the first reveal and the second question, then interrupt (input stays open).
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("Question 2/10") {
            break;
        }
    }
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    while let Some(line) = lines.next_line().await.unwrap() {
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("exits at once")
        .unwrap();
    assert!(status.success(), "{seen}");
    assert!(seen.contains("🏁 Quiz over (stopped)"), "{seen}");
    drop(stdin);
    let pool = db(dir.path()).await;
    let (status, answers): (String, i64) =
        sqlx::query_as("SELECT g.status, (SELECT COUNT(*) FROM answers) FROM games g")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), answers), ("stopped", 1));
}

#[test]
fn a_practice_question_pasted_into_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = console(
        dir.path(),
        "Which of the following is a customer responsibility?\n\nA. Physical security\nB. Patching the guest OS on Amazon EC2\nC. Replacing failed hard drives\nwho patches the hypervisor\n/ask Which is AWS's job? A) Hypervisor patching B) Writing IAM policies\n/quit\n",
        &[],
    );
    assert_eq!(code, 0);
    let first = out.find("✅ B — Customer").expect(&out);
    let next = out.find("AWS — Who patches the hypervisor").expect(&out);
    assert!(
        first < next,
        "the pasted question is answered before the next line\n{out}"
    );
    assert!(out.contains("✖️ A. Physical security"), "{out}");
    assert!(out.contains("✅ A — AWS"), "{out}");
}

#[tokio::test]
async fn a_review_in_the_console_is_the_same_untimed_flow_as_on_discord() {
    let dir = tempfile::tempdir().unwrap();
    // Create the database, then make one question due for ann.
    let (code, _) = console(dir.path(), "/quit\n", &["--player", "ann"]);
    assert_eq!(code, 0);
    let pool = db(dir.path()).await;
    sqlx::query("INSERT INTO reviews (member_id, question_id, box, due_at) VALUES ('console:ann', 'kb:ec2_guest_os_patching', 1, 0)")
        .execute(&pool)
        .await
        .unwrap();
    // No timer: a pause before answering changes nothing; "2" is Customer.
    let (code, out) = console(dir.path(), "/review\n2\n/quit\n", &["--player", "ann"]);
    assert_eq!(code, 0);
    assert!(out.contains("🔁 Review 1/1"), "{out}");
    assert!(!out.contains(" s left"), "a review has no countdown: {out}");
    assert!(out.contains("✅ Right — Customer"), "{out}");
    assert!(out.contains("Review done: 1/1 right."), "{out}");
    let (b,): (i64,) = sqlx::query_as("SELECT box FROM reviews WHERE member_id = 'console:ann'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(b, 2, "right in review: the next Leitner box");
    let (kind, status): (String, String) =
        sqlx::query_as("SELECT kind, status FROM games WHERE kind = 'review'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((kind.as_str(), status.as_str()), ("review", "completed"));
}

#[test]
fn model_in_the_console_prints_the_stacks_and_writes_the_picture() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = console(
        dir.path(),
        "/model ec2 lambda\n/model mainframe\n/quit\n",
        &[],
    );
    assert_eq!(code, 0);
    let row = out
        .lines()
        .find(|l| l.starts_with("Operating system"))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split_whitespace().skip(2).collect();
    assert_eq!(cells, ["Customer", "AWS"], "{row}");
    let path = out
        .lines()
        .find_map(|l| l.strip_prefix("Picture: "))
        .and_then(|l| l.split(" (").next())
        .unwrap_or_else(|| panic!("{out}"));
    let png = std::fs::read(path).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    assert!(out.contains("no stack for `mainframe`"), "{out}");
}
