//! The wording the adapters share: every answer, reveal, standing and message a user reads
//! in the console or on Discord, built from core results. The core never imports it.

use std::fmt::Write;

use crate::kb::{KnowledgeBase, Owner, ServiceModel, Summary};
use crate::matcher::{Answer, Framing, Party, Verdict};

/// The display name of an owner (it belongs to `Owner`; kept here for the wording).
pub fn owner_name(owner: Owner) -> &'static str {
    owner.name()
}

/// `s` cut to at most `max` (≥ 1) characters, with "…" when it was cut (Discord's field limits,
/// the picture's cell widths).
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
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

/// How a case is selected, for people: its services' names, then its words in quotes.
pub fn case_label(kb: &KnowledgeBase, case: &crate::kb::Case) -> String {
    let mut parts: Vec<String> = case
        .services
        .iter()
        .map(|s| service_name(kb, s).to_string())
        .collect();
    parts.extend(case.when.iter().take(2).map(|w| format!("\"{w}\"")));
    parts.join(", ")
}

/// The readable answer to a question (`srm-bot ask`, the console).
pub fn answer_text(kb: &KnowledgeBase, answer: &Answer) -> String {
    let mut out = String::new();
    match &answer.verdict {
        Verdict::Known { entry, owner, via } => {
            let e = &kb.entries()[*entry];
            if let Some(lead) = framed_reply(answer.framing, *owner) {
                let _ = writeln!(out, "{lead}");
            }
            let _ = writeln!(out, "{} — {}", owner_verdict(*owner), e.question);
            let _ = writeln!(out, "\n{}", e.rationale.trim());
            if !e.cases.is_empty() {
                let _ = writeln!(out, "\nIt depends:");
                for c in &e.cases {
                    let _ = write!(out, "  {} → {}", case_label(kb, c), owner_name(c.owner));
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
                let g = &kb.entries()[*v];
                let _ = writeln!(
                    out,
                    "\nThe general rule ({}): {}",
                    g.question,
                    g.rationale.trim()
                );
            }
            let _ = writeln!(
                out,
                "Source: {} <{}> (checked {})",
                e.source.title.trim(),
                e.source.url,
                e.source.checked
            );
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

fn party_name(p: Party) -> &'static str {
    match p {
        Party::Aws => "AWS",
        Party::Customer => "the customer",
    }
}

fn party_of(owner: Owner) -> Option<Party> {
    match owner {
        Owner::Aws => Some(Party::Aws),
        Owner::Customer => Some(Party::Customer),
        Owner::Shared => None,
    }
}

/// The first line of an answer to a yes/no or negated question: "No — the customer is
/// responsible, not AWS." `None` for a plain "who…?" question.
pub fn framed_reply(framing: Framing, owner: Owner) -> Option<String> {
    let owner_party = party_of(owner);
    match (framing.yes_no, owner_party) {
        (Some(asked), Some(real)) => {
            let holds = (asked == real) != framing.negated;
            let word = if holds { "Yes" } else { "No" };
            Some(if asked == real {
                format!("{word} — {} is responsible.", party_name(real))
            } else {
                format!(
                    "{word} — {} is responsible, not {}.",
                    party_name(real),
                    party_name(asked)
                )
            })
        }
        (Some(asked), None) => Some(format!(
            "Partly — it is shared: {} does one part and {} the other.",
            capital(party_name(asked)),
            party_name(asked.other())
        )),
        (None, Some(real)) if framing.negated => Some(format!(
            "Not responsible: {}. {} is.",
            party_name(real.other()),
            capital(party_name(real))
        )),
        (None, None) if framing.negated => {
            Some("Neither party alone: it is shared, each does its part.".into())
        }
        _ => None,
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
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

// ---- Quizzes ----------------------------------------------------------------------

use crate::quiz::session::{EndReason, Reveal, Standing};
use crate::quiz::QuizQuestion;
use crate::store::{BoardRow, MemberStats, Period, Scope};

/// "1) AWS   2) Customer   3) Shared".
pub fn options_line(q: &QuizQuestion) -> String {
    q.options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}) {o}", i + 1))
        .collect::<Vec<_>>()
        .join("   ")
}

/// A question being asked.
pub fn quiz_question(index: usize, total: usize, q: &QuizQuestion, seconds: u32) -> String {
    format!(
        "\n❓ Question {}/{} · {} s · {}\n{}\n   {}\n",
        index + 1,
        total,
        seconds,
        q.topic,
        q.question,
        options_line(q)
    )
}

/// `srm-bot kb export DIR`.
pub fn exported(files: usize, dir: &str) -> String {
    format!("Wrote {files} knowledge files to {dir}. Edit them, check them with `srm-bot check {dir}`, and use them with `--kb {dir}` or `[knowledge] dir = \"{dir}\"`.")
}

/// A review question in the console: no timer, answer when ready.
pub fn review_question(index: usize, total: usize, q: &QuizQuestion) -> String {
    format!(
        "\n🔁 Review {}/{} · {}\n{}\n   {}\n",
        index + 1,
        total,
        q.topic,
        q.question,
        options_line(q)
    )
}

/// Right or not, the answer (emphasised by the adapter's `strong`) and why.
pub fn review_verdict(
    step: &crate::quiz::review::ReviewStep,
    strong: fn(&str) -> String,
) -> String {
    let verdict = if step.correct {
        "✅ Right"
    } else {
        "❌ Not quite"
    };
    let q = &step.question;
    format!(
        "{verdict} — {}\n{}",
        strong(&q.options[q.answer]),
        q.explanation
    )
}

/// The end of a review.
pub fn review_done(correct: usize, total: usize) -> String {
    format!("Review done: {correct}/{total} right. Missed ones come back tomorrow.")
}

/// A review left alone too long.
pub const REVIEW_EXPIRED: &str =
    "Your review was left alone for 30 minutes and has ended; start a new one with /review.";

/// Seconds with one decimal: "2.3 s".
pub fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// A private acknowledgement of an answer.
pub fn locked_in(option: &str, elapsed_ms: u64) -> String {
    format!("Locked in: {option} — {}", seconds(elapsed_ms))
}

pub const ALREADY_ANSWERED: &str = "You already answered this question — your first answer stands.";
pub const NOT_OPEN: &str = "No question is open right now.";
pub const QUIZ_ENDED: &str = "This quiz has ended.";
pub const STOP_DENIED: &str = "Only the member who started this quiz, or a moderator, can stop it.";

pub fn invalid_choice(options: usize) -> String {
    format!("Pick one of the options: 1–{options}.")
}

fn end_reason(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Completed => "all questions asked",
        EndReason::Stopped => "stopped",
        EndReason::Inactive => "two questions in a row without answers",
    }
}

/// "alice 1950 (2/2)" lines, numbered.
fn standing_lines(out: &mut String, standings: &[Standing]) {
    for (i, s) in standings.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. {} — {} pts · {}/{} right · best streak {} · {} answering",
            i + 1,
            s.player.name,
            s.points,
            s.correct,
            s.answered,
            s.best_streak,
            seconds(s.total_ms)
        );
    }
}

/// The reveal: answer, reason, how the channel voted, who was right, the running top 5.
pub fn quiz_reveal(r: &Reveal) -> String {
    let q = &r.question;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "✅ Answer {}/{}: {}) {}",
        r.index + 1,
        r.total,
        q.answer + 1,
        q.options[q.answer]
    );
    let _ = writeln!(out, "   {}", q.explanation);
    let votes: Vec<String> = q
        .options
        .iter()
        .zip(&r.votes)
        .map(|(o, v)| format!("{o} {v}"))
        .collect();
    let _ = writeln!(out, "   Votes: {}", votes.join(" · "));
    let right: Vec<String> = r
        .results
        .iter()
        .filter(|a| a.correct)
        .map(|a| {
            format!(
                "{} (+{}, {})",
                a.player.name,
                a.points,
                seconds(a.elapsed_ms)
            )
        })
        .collect();
    let wrong: Vec<&str> = r
        .results
        .iter()
        .filter(|a| !a.correct)
        .map(|a| a.player.name.as_str())
        .collect();
    if r.results.is_empty() {
        let _ = writeln!(out, "   Nobody answered.");
    } else {
        let none = "nobody".to_string();
        let _ = writeln!(
            out,
            "   Right: {}",
            if right.is_empty() {
                none
            } else {
                right.join(", ")
            }
        );
        if !wrong.is_empty() {
            let _ = writeln!(out, "   Wrong: {}", wrong.join(", "));
        }
    }
    if !r.top.is_empty() {
        let top: Vec<String> = r
            .top
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {} {}", i + 1, s.player.name, s.points))
            .collect();
        let _ = writeln!(out, "   Top: {}", top.join(" · "));
    }
    out
}

/// The end of a quiz: podium and full standings.
pub fn quiz_finished(reason: EndReason, standings: &[Standing]) -> String {
    let mut out = format!("\n🏁 Quiz over ({}).\n", end_reason(reason));
    if standings.is_empty() {
        out.push_str("Nobody answered — no podium this time.\n");
        return out;
    }
    for (medal, s) in ["🥇", "🥈", "🥉"].iter().zip(standings) {
        let _ = writeln!(out, "{medal} {} — {} pts", s.player.name, s.points);
    }
    out.push_str("Standings:\n");
    standing_lines(&mut out, standings);
    out
}

fn scope_label(scope: &Scope) -> &'static str {
    match scope {
        Scope::Global => "everywhere",
        Scope::Server { .. } => "this server",
        Scope::Channel { .. } => "this channel",
    }
}

fn period_label(period: Period) -> &'static str {
    match period {
        Period::Week => "last 7 days",
        Period::Month => "last 30 days",
        Period::All => "all time",
    }
}

/// A leaderboard.
pub fn leaderboard(rows: &[BoardRow], scope: &Scope, period: Period) -> String {
    let mut out = format!(
        "🏆 Leaderboard — {}, {}\n",
        scope_label(scope),
        period_label(period)
    );
    if rows.is_empty() {
        out.push_str("No answers yet. Start one with /quiz start.\n");
    }
    for (i, r) in rows.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. {} — {} pts · {:.0}% right ({}/{}) · {} game{}",
            i + 1,
            r.name,
            r.points,
            r.accuracy() * 100.0,
            r.correct,
            r.answers,
            r.games,
            if r.games == 1 { "" } else { "s" }
        );
    }
    out
}

/// A member's stats and weak spots.
pub fn member_stats(name: &str, s: &MemberStats) -> String {
    if s.answers == 0 {
        return format!("📊 {name} has not answered any quiz question yet.\n");
    }
    let mut out = format!(
        "📊 {name}: {} game{}, {} answers, {:.0}% right, best streak {}\n",
        s.games,
        if s.games == 1 { "" } else { "s" },
        s.answers,
        s.accuracy() * 100.0,
        s.best_streak
    );
    out.push_str("By topic:\n");
    for t in &s.topics {
        let _ = writeln!(
            out,
            "  {:<14} {:>3.0}% ({}/{})",
            t.topic,
            t.accuracy() * 100.0,
            t.correct,
            t.answers
        );
    }
    let weak = s.weakest(3);
    if weak.is_empty() {
        out.push_str("No weak spots yet.\n");
    } else {
        let names: Vec<&str> = weak.iter().map(|t| t.topic.as_str()).collect();
        let _ = writeln!(
            out,
            "Weak spots: {} — try /quiz start topic:{}",
            names.join(", "),
            names[0]
        );
    }
    out
}

/// Topics a quiz can be filtered by.
pub fn topics(list: &[(String, usize)], services: &[&str]) -> String {
    let mut out = String::from("📚 Topics (questions):\n");
    for (t, n) in list {
        let _ = writeln!(out, "  {t:<14} {n}");
    }
    let _ = writeln!(out, "Services: {}", services.join(", "));
    out.push_str("Use them with /quiz start topic:NAME or service:ID.\n");
    out
}

/// Why a database error happened, for the user (the detail goes to the log).
pub const STORE_APOLOGY: &str =
    "Sorry — something went wrong saving or reading scores. The details are in the log.";

/// The console's help.
pub const CONSOLE_HELP: &str = "\
Ask anything about who is responsible for what in AWS, or use:
  /ask QUESTION            answer a question (plain text works too)
  /quiz start [questions:N] [seconds:S] [topic:T] [service:S] [mode:owner|exam|mixed] [streaks:on|off]
  /quiz stop               stop the running quiz (its starter, or you at this terminal)
  /leaderboard [scope:server|channel|global] [period:week|month|all]
  /stats [NAME]            accuracy by topic and weak spots
  /review                  your personal review quiz of questions you missed
  /model ec2 rds lambda    the responsibility stacks side by side (a table, and a PNG file)
  /topics                  topics and services to quiz on
  /wait                    (scripts) wait until the next question is asked or the quiz ends
  /help, /quit
During a question answer with 1–4, a–d, or the option's word (aws, customer, shared).
@NAME text               say text as player NAME (several people at one terminal)
";

/// What a user sees when something failed on our side (the detail is logged).
pub const APOLOGY: &str = "Sorry — something went wrong on my side. Please try again in a moment.";
/// A click on a question that is no longer open.
/// Posted when a quiz had to end because Discord kept refusing its messages.
pub const QUIZ_FAILED: &str = "This quiz had to stop: Discord did not accept my messages. Every revealed answer is saved; start a new quiz with /quiz start.";
pub const QUESTION_CLOSED: &str = "That question is closed — wait for the next one.";
pub const QUIZ_STARTED: &str = "Quiz starting — answer with the buttons below each question!";
pub const QUIZ_ONLY_IN_SERVERS: &str = "Quizzes run in server channels, where the group can play.";
pub const NO_QUIZ_RUNNING: &str = "No quiz is running in this channel.";
pub const LEADERBOARD_RESET: &str =
    "Leaderboard reset: a new season starts now. Past games are kept for /stats.";

/// The Discord help.
pub const DISCORD_HELP: &str = "\
**srm-bot** teaches the AWS Shared Responsibility Model: who secures what — AWS, you, or both.
• `/ask question:` — who is responsible for something (or mention me, or DM me); paste a practice question with its options to get the right ones and why
• `/model service:` — the responsibility stacks of up to three services as a picture (e.g. `ec2 rds lambda`)
• `/quiz start` — a timed group quiz in this channel: options `questions`, `seconds`, `topic`, `service`, `mode` (owner · exam · mixed), `streaks`
• `/quiz stop` — stop it (its starter, or members with Manage Messages)
• `/leaderboard` — `scope` (server · channel · global), `period` (week · month · all)
• `/stats` — your accuracy by topic and your weak spots (or another member's)
• `/review` — a private quiz of the questions you missed, spaced over days
• `/topics` — what you can quiz on
Scoring: 500–1000 points for a right answer (faster is more), +100 per streak answer (at most +500).";
/// A command whose options Discord has in an older shape.
pub const COMMAND_OUTDATED: &str =
    "Those options don't match this command any more (Discord may still be updating it). Please try again in a minute.";
pub const RELOADED: &str = "Knowledge reloaded:";
/// Under a `/model` picture.
pub const MODEL_LEGEND: &str = "Each layer is coloured by who secures it: **AWS** orange, **Customer** blue, **Shared** purple. The more managed the service, the more of the stack AWS runs.";
pub const RELOAD_EMBEDDED: &str = "the knowledge is the copy embedded in the binary, which cannot change while it runs; to curate and reload it, write it out with `srm-bot kb export DIR` and set `[knowledge] dir`";
pub const RELOAD_FAILED: &str =
    "The knowledge base has errors, so the current knowledge stays in use. Fix these and reload:";

#[cfg(test)]
mod tests {
    use super::*;

    fn framing(yes_no: Option<Party>, negated: bool) -> Framing {
        Framing { yes_no, negated }
    }

    #[test]
    fn clip_cuts_by_characters_and_marks_the_cut() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("ééééé", 3), "éé…");
    }

    #[test]
    fn yes_no_questions_get_yes_or_no_with_the_real_owner() {
        let ask_aws = framing(Some(Party::Aws), false);
        assert_eq!(
            framed_reply(ask_aws, Owner::Customer).as_deref(),
            Some("No — the customer is responsible, not AWS.")
        );
        assert_eq!(
            framed_reply(ask_aws, Owner::Aws).as_deref(),
            Some("Yes — AWS is responsible.")
        );
        assert_eq!(
            framed_reply(ask_aws, Owner::Shared).as_deref(),
            Some("Partly — it is shared: AWS does one part and the customer the other.")
        );
        // "AWS doesn't handle physical security, right?" — the claim is wrong.
        assert_eq!(
            framed_reply(framing(Some(Party::Aws), true), Owner::Aws).as_deref(),
            Some("No — AWS is responsible.")
        );
    }

    #[test]
    fn negated_questions_say_who_is_not_responsible() {
        assert_eq!(
            framed_reply(framing(None, true), Owner::Aws).as_deref(),
            Some("Not responsible: the customer. AWS is.")
        );
        assert_eq!(framed_reply(framing(None, false), Owner::Aws), None);
    }
}

/// A practice question answered, in parts an adapter lays out: what the stem asks, the
/// picks, one line per option, and a note on what could not be judged.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamView {
    /// "Practice question — asks for the customer's responsibility (choose 2)".
    pub title: String,
    /// "✅ C — Customer (you)", one line per pick; or why nothing is picked.
    pub picks: String,
    /// Per option: a heading ("✅ C. Patching …") and its owner and reason.
    pub options: Vec<(String, String)>,
    pub note: Option<String>,
    /// The owner of the picks (for the embed's colour), when they agree.
    pub owner: Option<Owner>,
}

/// The first sentence of a rationale.
fn first_sentence(s: &str) -> &str {
    let s = s.trim();
    s.char_indices()
        .find(|&(i, c)| c == '.' && s[i + 1..].starts_with(char::is_whitespace) && i > 20)
        .map_or(s, |(i, _)| &s[..=i])
}

fn possessive(owner: Owner) -> &'static str {
    match owner {
        Owner::Aws => "AWS's responsibility",
        Owner::Customer => "the customer's responsibility",
        Owner::Shared => "a shared control",
    }
}

fn exam_title(exam: &crate::matcher::exam::Exam) -> String {
    use crate::matcher::exam::Count;
    if exam.true_false.is_some() {
        return "True or false".into();
    }
    let what = match (exam.asks.party, exam.asks.not) {
        _ if exam.asks.who => "asks who is responsible".to_string(),
        (Some(p), false) => format!("asks for {}", possessive(p)),
        (Some(p), true) => format!("asks for what is NOT {}", possessive(p)),
        (None, false) => "asks which statement is true".into(),
        (None, true) => "asks which statement is false".into(),
    };
    let count = match exam.asks.count {
        Count::Exactly(1) => String::new(),
        Count::Exactly(n) => format!(" (choose {n})"),
        Count::All => " (all that apply)".into(),
    };
    format!("Practice question — {what}{count}")
}

/// The owner and one-line reason for an option, or why it is not judged.
fn option_reason(kb: &KnowledgeBase, j: &crate::matcher::exam::Judged, statements: bool) -> String {
    match (&j.answer.verdict, j.fits) {
        (Verdict::Known { entry, owner, .. }, fits) => {
            let e = &kb.entries()[*entry];
            let truth = match (statements, fits) {
                (true, Some(true)) => "True: ",
                (true, Some(false)) => "False: ",
                (true, None) => "Partly: ",
                _ => "",
            };
            format!(
                "{truth}{} — {}",
                owner_verdict(*owner),
                first_sentence(&e.rationale)
            )
        }
        (Verdict::Unsure { suggestions }, _) => format!(
            "Not sure — closest: \"{}\"",
            suggestions
                .first()
                .map_or("", |&s| kb.entries()[s].question.as_str())
        ),
        (Verdict::Unknown, _) => {
            "Not judged — this is not a who-is-responsible statement srm-bot knows.".into()
        }
    }
}

/// A practice question answered, laid out for any adapter.
pub fn exam_view(kb: &KnowledgeBase, exam: &crate::matcher::exam::Exam) -> ExamView {
    let label_of = |i: usize| exam.options[i].label.as_str();
    let statements = exam.asks.party.is_none() && !exam.asks.who;
    if let Some(tf) = &exam.true_false {
        let j = &exam.options[0];
        let picks = match (tf.truth, j.answer.owner()) {
            (Some(t), Some(owner)) => {
                let word = if t { "True" } else { "False" };
                let label = tf
                    .labels
                    .as_ref()
                    .map(|(y, n)| format!(" ({})", if t { y } else { n }))
                    .unwrap_or_default();
                format!("✅ {word}{label} — {}", owner_verdict(owner))
            }
            (None, Some(owner)) => format!(
                "Not clear-cut: this is {} ({}), so the statement is only partly true.",
                possessive(owner),
                owner_name(owner)
            ),
            _ => "I can't judge this statement confidently — it doesn't match a responsibility I know well enough.".into(),
        };
        let reason = option_reason(kb, j, false);
        return ExamView {
            title: exam_title(exam),
            picks,
            options: vec![(j.text.clone(), reason)],
            note: None,
            owner: j.answer.owner(),
        };
    }
    let pick_owners: Vec<Owner> = exam
        .picks
        .iter()
        .filter_map(|&i| exam.options[i].answer.owner())
        .collect();
    let mut picks: Vec<String> = exam
        .picks
        .iter()
        .map(|&i| match exam.options[i].answer.owner() {
            Some(o) if statements => format!("✅ {} — true ({})", label_of(i), owner_name(o)),
            Some(o) => format!("✅ {} — {}", label_of(i), owner_verdict(o)),
            None => format!("✅ {} — by elimination", label_of(i)),
        })
        .collect();
    if picks.is_empty() {
        picks.push("No confident pick.".into());
    }
    let options = exam
        .options
        .iter()
        .enumerate()
        .map(|(i, j)| {
            let mark = if exam.picks.contains(&i) {
                "✅"
            } else if exam.unsure.contains(&i) {
                "❔"
            } else {
                "✖️"
            };
            (
                format!("{mark} {}. {}", j.label, j.text),
                option_reason(kb, j, statements),
            )
        })
        .collect();
    let unsure: Vec<&str> = exam
        .unsure
        .iter()
        .filter(|i| !exam.picks.contains(i))
        .map(|&i| label_of(i))
        .collect();
    let wanted = exam.wanted();
    let note = if exam.by_elimination {
        Some(format!(
            "Picked by elimination: every other option is clearly not what the question asks for, though {} did not match a responsibility I know confidently.",
            exam.unsure.iter().map(|&i| label_of(i)).collect::<Vec<_>>().join(", ")
        ))
    } else if !exam.partly.is_empty() {
        Some(format!(
            "{} is shared, so {} does part of it — the closest fit, since every other option is clearly the other party's.",
            exam.partly.iter().map(|&i| label_of(i)).collect::<Vec<_>>().join(", "),
            exam.asks.party.map_or("the asked party", |p| match p {
                Owner::Aws => "AWS",
                _ => "the customer",
            })
        ))
    } else if exam.picks.len() < wanted {
        Some(format!(
            "The question asks for {wanted}; I can vouch for {} only. Not sure about: {}.",
            exam.picks.len(),
            if unsure.is_empty() {
                "the rest".to_string()
            } else {
                unsure.join(", ")
            }
        ))
    } else if statements && !unsure.is_empty() {
        Some(format!(
            "srm-bot judges who is responsible for what; {} {} not such a claim, so {} not judged.",
            unsure.join(", "),
            if unsure.len() == 1 { "is" } else { "are" },
            if unsure.len() == 1 {
                "it is"
            } else {
                "they are"
            }
        ))
    } else {
        None
    };
    let owner = pick_owners
        .first()
        .copied()
        .filter(|o| pick_owners.iter().all(|p| p == o));
    ExamView {
        title: exam_title(exam),
        picks: picks.join("\n"),
        options,
        note,
        owner,
    }
}

/// A practice question answered, as plain text (console, `srm-bot ask`).
pub fn exam_text(kb: &KnowledgeBase, exam: &crate::matcher::exam::Exam) -> String {
    let v = exam_view(kb, exam);
    let mut out = String::new();
    let _ = writeln!(out, "{}\n{}\n", v.title, v.picks);
    for (head, reason) in &v.options {
        let _ = writeln!(out, "{head}\n   {reason}");
    }
    if let Some(note) = &v.note {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

/// The stacks of `services` as a text table, owners in words (the console and the CLI).
pub fn stacks_table(
    kb: &KnowledgeBase,
    services: &[&str],
) -> Result<String, crate::picture::PictureError> {
    let stacks = crate::picture::stacks(kb, services)?;
    let rows = crate::picture::rows(kb, &stacks);
    let label_w = rows
        .iter()
        .map(|(_, n)| n.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let names: Vec<String> = stacks
        .iter()
        .map(|s| {
            kb.vocabulary()
                .service(&s.service)
                .map_or(s.service.clone(), |v| v.name.clone())
        })
        .collect();
    let col_w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(8)
        .max(9)
        + 2;
    let mut out = String::new();
    let mut line = format!("{:<label_w$}", "Layer (top to bottom)");
    for n in &names {
        let _ = write!(line, "  {n:<col_w$}");
    }
    let _ = writeln!(out, "{}", line.trim_end());
    for (id, name) in rows.iter().rev() {
        let mut line = format!("{name:<label_w$}");
        for s in &stacks {
            let cell = s.layer(id).map_or("—", |l| l.owner.name());
            let _ = write!(line, "  {cell:<col_w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let models: Vec<String> = stacks
        .iter()
        .zip(&names)
        .map(|(s, n)| format!("{n}: {}", s.model.name()))
        .collect();
    let _ = writeln!(out, "({})", models.join("; "));
    Ok(out.trim_end().to_string() + "\n")
}

/// Where a picture was written.
pub fn picture_written(path: &str, width: u32, height: u32) -> String {
    format!("Picture: {path} ({width}×{height} PNG)")
}
