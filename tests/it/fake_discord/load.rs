//! The load generator behind `cargo bench --bench load` (and its small run in
//! `tests/load.rs`): the real `srm-bot serve` binary against this fake Discord. N channel
//! quizzes run at once; in each, M members click every question (some click twice). It
//! measures acknowledgements per second, click→acknowledgement latency, the bot's memory
//! (idle and peak) and CPU, cold start to ready, REST calls per question, and checks that
//! every click was acknowledged and scored exactly once.
//!
//! Bounded: loopback only, a fixed number of clicks, and a deadline (it gives up and says
//! so if the bot falls behind).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::json;
use srm_bot::text;

use super::harness::Bot;
use super::*;

#[derive(Debug, Clone)]
pub struct Args {
    pub quizzes: u64,
    pub members: u64,
    pub questions: u64,
    pub seconds: u64,
    /// Members per question who click a second time (must be refused, not scored).
    pub doubles: u64,
    /// Members click within this many milliseconds of a question's post (default: the
    /// first 60% of its time; a small window makes a burst).
    pub window_ms: u64,
    /// Runs the whole load this many times on the same bot process (a leak would show as
    /// memory growing from round to round).
    pub rounds: u64,
    /// The store: a PostgreSQL URL, or `None` for a fresh SQLite file.
    pub postgres: Option<String>,
}

impl Default for Args {
    /// 1,000 quizzes × 20 members × 5 questions of 10 s, 2 second clicks per question,
    /// clicks in the first 60% of each question, one round, SQLite.
    fn default() -> Args {
        Args {
            quizzes: 1000,
            members: 20,
            questions: 5,
            seconds: 10,
            doubles: 2,
            window_ms: 0,
            rounds: 1,
            postgres: None,
        }
    }
}

/// What a run measured: the table to print, and the checks.
#[derive(Debug)]
pub struct Report {
    pub table: String,
    /// Every click acknowledged once, every member-question locked in and scored once,
    /// no wrong reply, at most 3 REST calls per question, and the run finished in time.
    pub exactly_once: bool,
    pub clicks_sent: u64,
    pub acked_once: u64,
    pub answers: i64,
    pub answers_expected: i64,
    pub completed: i64,
    pub rest_max: u64,
    pub wrong_acks: u64,
}

/// `VmRSS` and `VmHWM` (peak) of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// User + system CPU seconds a process used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 (1-based); `rest` starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// What the generator sent: click id → (when, which member answering which question).
type Sent = Arc<Mutex<HashMap<u64, (Instant, (u64, u64))>>>;

fn channel_of(path: &str) -> Option<u64> {
    let mut seg = path.trim_start_matches("/api/v10/").split('/');
    (seg.next() == Some("channels"))
        .then(|| seg.next()?.parse().ok())
        .flatten()
}

fn interaction_of(path: &str) -> Option<u64> {
    let mut seg = path.trim_start_matches("/api/v10/").split('/');
    (seg.next() == Some("interactions"))
        .then(|| seg.next()?.parse().ok())
        .flatten()
}

/// The acknowledgements seen so far.
#[derive(Default)]
struct Acks {
    /// How many acknowledgements each click got (must be exactly 1).
    per_click: HashMap<u64, u32>,
    latencies: Vec<Duration>,
    times: Vec<Instant>,
    /// Per (question message, member): how many clicks were locked in (must be exactly 1).
    locked: HashMap<(u64, u64), u32>,
    /// Replies that are neither "Locked in" nor a refusal.
    wrong: u64,
}

impl Acks {
    /// Records `call`, the acknowledgement of click `id`.
    fn record(&mut self, id: u64, call: &Call, sent: &Sent) {
        *self.per_click.entry(id).or_default() += 1;
        let Some((at, key)) = sent.lock().unwrap().get(&id).copied() else {
            return;
        };
        self.latencies.push(call.at.saturating_duration_since(at));
        self.times.push(call.at);
        // A double click's two events may be handled in either order (Discord gives no
        // order either): one of them locks in, the other is refused (already answered; or,
        // if everyone had answered, the question or quiz is already over).
        let content = call.body["data"]["content"].as_str().unwrap_or("");
        if content.starts_with("Locked in") {
            *self.locked.entry(key).or_default() += 1;
        } else if ![
            text::ALREADY_ANSWERED,
            text::QUESTION_CLOSED,
            text::QUIZ_ENDED,
        ]
        .contains(&content)
        {
            if self.wrong < 5 {
                eprintln!("unexpected reply: {content}");
            }
            self.wrong += 1;
        }
    }
}

/// Runs the load and measures it.
pub async fn run(mut a: Args) -> Report {
    a.rounds = a.rounds.max(1);
    a.doubles = a.doubles.min(a.members);
    if a.window_ms == 0 {
        a.window_ms = a.seconds * 600;
    }
    a.window_ms = a.window_ms.max(101);
    let clicks_expected = a.rounds * a.quizzes * a.questions * (a.members + a.doubles);
    eprintln!(
        "load: {} quizzes × {} members × {} questions of {} s ({} clicks, {} of them second clicks)",
        a.quizzes,
        a.members,
        a.questions,
        a.seconds,
        clicks_expected,
        a.rounds * a.quizzes * a.questions * a.doubles
    );
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let url = a
        .postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", db.display()));

    // Cold start: process spawn → connected and commands registered.
    let t0 = Instant::now();
    let bot = Bot::start_logging(&fake, dir, &url, "auto", Some(GUILD_ID), "warn").await;
    let cold_start = t0.elapsed();
    let pid = bot.child.id().expect("the bot runs");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (idle_rss, _) = memory(pid);
    let cpu_before = cpu_seconds(pid);

    // Open file descriptors (mostly sockets to the fake), sampled while the load runs.
    let max_fds = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sampler = {
        let max_fds = max_fds.clone();
        tokio::spawn(async move {
            loop {
                let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
                max_fds.fetch_max(fds, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let mut calls = fake.subscribe();
    let sent: Sent = Arc::default();
    let first_channel = CHANNEL_ID + 1;
    let channels: Vec<u64> = (0..a.quizzes).map(|i| first_channel + i).collect();
    let members = a.members;
    let member = move |channel: u64, m: u64| 10_000 + (channel - first_channel) * members + m;

    let mut tally = Acks::default();
    // Accepted REST calls per question message (its post and every edit of it).
    let mut per_question: HashMap<u64, u64> = HashMap::new();
    let mut other_channel_calls = 0u64;
    let mut questions_posted = 0u64;
    let mut podiums: u64;
    let mut started_ok = 0u64;
    let mut first_click: Option<Instant> = None;
    let started = Instant::now();
    let budget = Duration::from_secs(a.questions * (a.seconds + 5) + 120);
    let mut timed_out = false;
    let mut start_ids = HashMap::new();
    let mut rss_after_round = Vec::new();
    for _round in 0..a.rounds {
        if timed_out {
            break;
        }
        // Start every quiz at once; the starter is the channel's first member.
        for &ch in &channels {
            let id = fake.id();
            start_ids.insert(id, ch);
            let options = json!([{"name": "start", "type": 1, "options": [
                {"name": "questions", "type": 4, "value": a.questions},
                {"name": "seconds", "type": 4, "value": a.seconds}
            ]}]);
            let cmd = command(id, member(ch, 0), "member", "quiz", options, 0);
            fake.dispatch("INTERACTION_CREATE", in_channel(cmd, GUILD_ID, ch));
        }

        let deadline = tokio::time::Instant::now() + budget;
        podiums = 0;
        while podiums < a.quizzes {
            let call = tokio::select! {
                c = calls.recv() => match c { Some(c) => c, None => break },
                _ = tokio::time::sleep_until(deadline) => { timed_out = true; break }
            };
            if let Some(ch) = channel_of(&call.path) {
                let title = call.body["embeds"][0]["title"].as_str().unwrap_or("");
                let question_post = call.method == "POST" && title.starts_with("Question ");
                match (call.ok(), call.method.as_str(), call.message_id) {
                    (true, "PATCH", Some(m)) => *per_question.entry(m).or_default() += 1,
                    (true, "POST", Some(m)) if question_post => {
                        *per_question.entry(m).or_default() += 1
                    }
                    (true, _, _) => other_channel_calls += 1,
                    _ => {}
                }
                if question_post {
                    questions_posted += 1;
                    let msg = call.message_id.expect("a posted question has an id");
                    let buttons: Vec<String> = call.body["components"][0]["components"]
                        .as_array()
                        .map(|b| {
                            b.iter()
                                .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    first_click.get_or_insert_with(Instant::now);
                    for m in 0..a.members {
                        let (fake, sent, buttons) = (fake.clone(), sent.clone(), buttons.clone());
                        let uid = member(ch, m);
                        let double = m < a.doubles;
                        tokio::spawn(async move {
                            // Members answer within the click window (by default the first 60%
                            // of the question's time).
                            let (wait, pick) = {
                                let mut rng = rand::rng();
                                let ms = rng.random_range(100..a.window_ms);
                                (ms, rng.random_range(0..buttons.len().max(1)))
                            };
                            tokio::time::sleep(Duration::from_millis(wait)).await;
                            for second in [false, true] {
                                if second && !double {
                                    break;
                                }
                                let Some(button) =
                                    buttons.get((pick + second as usize) % buttons.len())
                                else {
                                    return;
                                };
                                let id = fake.id();
                                sent.lock()
                                    .unwrap()
                                    .insert(id, (Instant::now(), (msg, uid)));
                                let c =
                                    in_channel(click(id, uid, "member", button, msg), GUILD_ID, ch);
                                fake.dispatch("INTERACTION_CREATE", c);
                                tokio::time::sleep(Duration::from_millis(30)).await;
                            }
                        });
                    }
                } else if call.method == "POST" && title.starts_with('🏁') {
                    podiums += 1;
                }
            } else if let Some(id) = interaction_of(&call.path) {
                if start_ids.remove(&id).is_some() {
                    started_ok += 1;
                    continue;
                }
                tally.record(id, &call, &sent);
            }
        }
        // The last questions reveal as soon as everyone answered: late second clicks may still
        // be on their way. Wait (briefly) until every click is acknowledged.
        let grace = tokio::time::Instant::now() + Duration::from_secs(10);
        let round_clicks = clicks_expected / a.rounds * (rss_after_round.len() as u64 + 1);
        while !timed_out && (tally.per_click.len() as u64) < round_clicks {
            let call = tokio::select! {
                c = calls.recv() => match c { Some(c) => c, None => break },
                _ = tokio::time::sleep_until(grace) => break,
            };
            if let Some(id) = interaction_of(&call.path) {
                tally.record(id, &call, &sent);
            }
        }
        rss_after_round.push(memory(pid).0);
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds(pid) - cpu_before;
    let (end_rss, peak_rss) = memory(pid);
    sampler.abort();

    // Scored exactly once: one answer row per member and question, from the database.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let answers: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    let completed: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM games WHERE status = 'completed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    drop(bot);

    let clicks_sent = sent.lock().unwrap().len() as u64;
    let Acks {
        per_click: acks,
        mut latencies,
        times: mut ack_times,
        locked,
        wrong: wrong_acks,
    } = tally;
    let last_ack = ack_times.iter().copied().max().unwrap_or(started);
    let acked_once = acks.values().filter(|n| **n == 1).count() as u64;
    let acked_twice = acks.values().filter(|n| **n > 1).count() as u64;
    latencies.sort();
    let span = first_click
        .map(|f| last_ack.saturating_duration_since(f))
        .unwrap_or_default()
        .as_secs_f64()
        .max(0.001);
    let rest_calls: u64 = per_question.values().sum();
    let rest_max = per_question.values().copied().max().unwrap_or(0);
    let answers_expected = (a.rounds * a.quizzes * a.questions * a.members) as i64;
    let locked_once = locked.values().filter(|n| **n == 1).count() as i64;
    let exactly_once = !timed_out
        && clicks_sent == clicks_expected
        && acked_once == clicks_sent
        && acked_twice == 0
        && wrong_acks == 0
        && locked_once == answers_expected
        && locked.len() as i64 == answers_expected
        && answers == answers_expected
        && rest_max <= 3;

    let mut out = String::new();
    let _ = writeln!(out, "| measure | value |");
    let _ = writeln!(out, "|---|---|");
    let _ = writeln!(out,
        "| load | {} concurrent channel quizzes × {} members × {} questions ({} s each; clicks within {} ms of each post), {} round(s) |",
        a.quizzes, a.members, a.questions, a.seconds, a.window_ms, a.rounds
    );
    let _ = writeln!(
        out,
        "| store | {} |",
        if a.postgres.is_some() {
            "PostgreSQL (local, same machine)"
        } else {
            "SQLite (file, WAL)"
        }
    );
    let _ = writeln!(
        out,
        "| quizzes started / completed | {started_ok} / {completed} (wall time {:.1} s) |",
        elapsed.as_secs_f64()
    );
    let _ = writeln!(out,
        "| clicks sent / acknowledged once | {clicks_sent} / {acked_once} (acknowledged twice: {acked_twice}, wrong reply: {wrong_acks}) |"
    );
    let _ = writeln!(out,
        "| answers scored (expected) | {answers} ({answers_expected}); member-questions locked in exactly once: {locked_once} |"
    );
    // The busiest second (a sliding one-second window over acknowledgement times).
    ack_times.sort();
    let mut peak = 0;
    let mut lo = 0;
    for hi in 0..ack_times.len() {
        while ack_times[hi] - ack_times[lo] > Duration::from_secs(1) {
            lo += 1;
        }
        peak = peak.max(hi - lo + 1);
    }
    let _ = writeln!(
        out,
        "| acks per second: mean (first click → last ack) / busiest second | {:.0} / {peak} |",
        latencies.len() as f64 / span
    );
    let _ = writeln!(
        out,
        "| click → ack p50 / p99 / max | {:.1} ms / {:.1} ms / {:.1} ms |",
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    let _ = writeln!(out,
        "| REST calls per question (post + edits) mean / max | {:.2} / {rest_max} ({rest_calls} for {questions_posted} questions; plus {other_channel_calls} podium posts) |",
        rest_calls as f64 / questions_posted.max(1) as f64
    );
    let _ =
        writeln!(out,
        "| bot RSS idle / peak / end | {idle_rss:.1} MiB / {peak_rss:.1} MiB / {end_rss:.1} MiB |"
    );
    if a.rounds > 1 {
        let list: Vec<String> = rss_after_round.iter().map(|m| format!("{m:.1}")).collect();
        let _ = writeln!(
            out,
            "| bot RSS after each round | {} MiB |",
            list.join(" / ")
        );
    }
    let _ = writeln!(
        out,
        "| bot open file descriptors, most seen (HTTP/1.1 sockets to the fake) | {} |",
        max_fds.load(std::sync::atomic::Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "| bot CPU during the run | {cpu:.1} s ({:.0}% of one core) |",
        100.0 * cpu / elapsed.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "| cold start to ready (spawn → commands registered) | {} ms |",
        cold_start.as_millis()
    );
    let _ = writeln!(
        out,
        "| every click scored exactly once | {} |",
        if exactly_once { "yes" } else { "NO" }
    );
    if timed_out {
        let _ = writeln!(
            out,
            "\nThe bot did not finish within {budget:?}: the run is incomplete."
        );
    }
    Report {
        table: out,
        exactly_once,
        clicks_sent,
        acked_once,
        answers,
        answers_expected,
        completed,
        rest_max,
        wrong_acks,
    }
}
