//! Core results as Discord messages: embeds, buttons, custom ids. Every message built
//! here pings nobody (allowed mentions empty), and names from users are escaped.

use poise::serenity_prelude as serenity;
use std::sync::Arc;

use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter,
};

use crate::app::{self, Brain};
use crate::kb::Owner;
use crate::matcher::exam::{self, Exam};
use crate::matcher::{Answer, Verdict};
use crate::quiz::session::{EndReason, Reveal, Standing};
use crate::quiz::QuizQuestion;
use crate::store::{BoardRow, Period, Scope};
use crate::text::{self, clip};

/// No @everyone, no roles, no users: nothing a message says pings anyone.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .everyone(false)
        .all_users(false)
        .all_roles(false)
        .replied_user(false)
}

/// A user-chosen name made inert: no mentions, no markdown.
pub fn safe(name: &str) -> String {
    inert(name, 64)
}

/// Text a user wrote, made inert (no mentions, no markdown) and cut to `max` characters.
fn inert(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_control()).take(max) {
        match c {
            '@' => out.push_str("@\u{200B}"),
            '*' | '_' | '~' | '`' | '|' | '>' | '<' | '#' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn colour(owner: Owner) -> u32 {
    match owner {
        Owner::Aws => 0xFF9900,
        Owner::Customer => 0x3498DB,
        Owner::Shared => 0x9B59B6,
    }
}

/// "Amazon EC2, AWS Lambda" for service ids.
fn service_names(brain: &Brain, ids: &[String]) -> String {
    ids.iter()
        .map(|s| {
            brain
                .kb
                .vocabulary()
                .service(s)
                .map_or(s.as_str(), |x| x.name.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The embed for a knowledge-base entry (an answer).
pub fn entry_embed(
    brain: &Brain,
    entry: usize,
    owner: Owner,
    via: Option<usize>,
    lead: Option<String>,
) -> CreateEmbed {
    let e = &brain.kb.entries()[entry];
    let mut embed = CreateEmbed::new()
        .title(clip(
            &format!("{} — {}", text::owner_name(owner), e.question),
            256,
        ))
        .colour(colour(owner))
        .description(clip(
            &match lead {
                Some(lead) => format!("**{lead}**\n{}", e.rationale.trim()),
                None => e.rationale.trim().to_string(),
            },
            4000,
        ));
    if !e.cases.is_empty() {
        let cases: Vec<String> = e
            .cases
            .iter()
            .map(|c| {
                format!(
                    "{} → **{}**",
                    text::case_label(&brain.kb, c),
                    text::owner_name(c.owner)
                )
            })
            .collect();
        embed = embed.field("It depends", clip(&cases.join("\n"), 1024), false);
    }
    if let (Some(a), Some(c)) = (&e.aws_does, &e.customer_does) {
        embed = embed.field("AWS does", clip(a.trim(), 1024), false).field(
            "You do",
            clip(c.trim(), 1024),
            false,
        );
    }
    if !e.services.is_empty() {
        embed = embed.field("Service", service_names(brain, &e.services), true);
    }
    if let Some(v) = via {
        let g = &brain.kb.entries()[v];
        embed = embed.field(
            "The general rule",
            clip(&format!("{} {}", g.question, g.rationale.trim()), 1024),
            false,
        );
    }
    let related: Vec<String> = e
        .related
        .iter()
        .filter_map(|id| brain.kb.get(id))
        .take(3)
        .map(|r| format!("• {}", r.question))
        .collect();
    if !related.is_empty() {
        embed = embed.field("Related questions", clip(&related.join("\n"), 1024), false);
    }
    embed
        .field(
            "Source",
            clip(
                &format!(
                    "[{}]({}) · checked {}",
                    escape_link_text(e.source.title.trim()),
                    e.source.url,
                    e.source.checked
                ),
                1024,
            ),
            false,
        )
        .url(e.source.url.clone())
}

/// Square brackets would end a markdown link's text early.
fn escape_link_text(s: &str) -> String {
    s.replace('[', "(").replace(']', ")")
}

/// What the bot says to a question: an embed, "did you mean" buttons, or "I don't know".
pub enum Reply {
    /// An answer, with the picture it shows (a PNG to attach as `PICTURE`).
    Known(Box<CreateEmbed>, Option<Arc<Vec<u8>>>),
    Unsure(String, Vec<CreateActionRow>),
    Unknown(String),
}

/// The file name of an attached stack picture.
pub const PICTURE: &str = "stacks.png";

/// The picture attached to a reply.
pub fn attachment(png: &[u8]) -> CreateAttachment {
    CreateAttachment::bytes(png.to_vec(), PICTURE)
}

/// The embed for `/model`: the stacks of `services` as the embed's image.
pub fn model_embed(brain: &Brain, services: &[&str]) -> CreateEmbed {
    let names: Vec<&str> = services
        .iter()
        .map(|s| {
            brain
                .kb
                .vocabulary()
                .service(s)
                .map_or(*s, |v| v.name.as_str())
        })
        .collect();
    CreateEmbed::new()
        .title(clip(
            &format!("Who secures what — {}", names.join(" · ")),
            256,
        ))
        .description(text::MODEL_LEGEND)
        .image(format!("attachment://{PICTURE}"))
        .colour(NEUTRAL)
}

/// The reply to a question, or to a pasted practice question (stem and options, or "True
/// or false: …"), from one knowledge snapshot.
pub fn ask_reply(brain: &Brain, question: &str) -> Reply {
    match exam::read(&brain.matcher, &brain.kb, question) {
        Some(e) => Reply::Known(Box::new(exam_embed(brain, &e)), None),
        None => reply(brain, &brain.matcher.best(question)),
    }
}

/// An answer's embed with its layer's stack as the image, when the entry names a layer:
/// the picture (cached per services and layer) is attached to the same response.
fn with_picture(brain: &Brain, embed: CreateEmbed, answer: &Answer, entry: usize) -> Reply {
    let picture = app::answer_picture(brain, entry, &answer.services).and_then(|(svcs, layer)| {
        let ids: Vec<&str> = svcs.iter().map(String::as_str).collect();
        match brain.pictures.png(&brain.kb, &ids, Some(&layer)) {
            Ok(png) => Some(png),
            Err(e) => {
                tracing::warn!(error = %e, "no stack picture for an answer");
                None
            }
        }
    });
    match picture {
        Some(png) => Reply::Known(
            Box::new(embed.image(format!("attachment://{PICTURE}"))),
            Some(png),
        ),
        None => Reply::Known(Box::new(embed), None),
    }
}

/// A practice question answered: the picks first, then every option with its owner and
/// reason; coloured by the picks' owner.
pub fn exam_embed(brain: &Brain, exam: &Exam) -> CreateEmbed {
    let v = text::exam_view(&brain.kb, exam);
    let mut description = v.picks.clone();
    if let Some(note) = &v.note {
        description.push_str("\n\n");
        description.push_str(note);
    }
    let mut embed = CreateEmbed::new()
        .title(clip(&v.title, 256))
        .colour(v.owner.map_or(NEUTRAL, colour))
        .description(clip(&description, 1500));
    // Six options at most: within Discord's 6,000 characters per embed.
    for (head, reason) in v.options.iter().take(exam::MAX_OPTIONS) {
        embed = embed.field(inert(head, 200), clip(reason, 500), false);
    }
    embed
}

/// The colour of an embed with no single owner.
const NEUTRAL: u32 = 0x95A5A6;

/// A leaderboard (names already made safe by the caller).
pub fn leaderboard(rows: &[BoardRow], scope: &Scope, period: Period) -> CreateEmbed {
    CreateEmbed::new()
        .description(text::leaderboard(rows, scope, period))
        .colour(0xFEE75C)
}

/// A "did you mean" button answers the chosen entry.
pub fn ask_button_id(entry_id: &str) -> String {
    format!("ask:{entry_id}")
}

pub fn reply(brain: &Brain, answer: &Answer) -> Reply {
    match &answer.verdict {
        Verdict::Known { entry, owner, via } => with_picture(
            brain,
            entry_embed(
                brain,
                *entry,
                *owner,
                *via,
                text::framed_reply(answer.framing, *owner),
            ),
            answer,
            *entry,
        ),
        Verdict::Unsure { suggestions } => {
            let buttons: Vec<CreateButton> = suggestions
                .iter()
                .map(|&i| {
                    let e = &brain.kb.entries()[i];
                    CreateButton::new(ask_button_id(&e.id))
                        .label(clip(&e.question, 80))
                        .style(ButtonStyle::Secondary)
                })
                .collect();
            Reply::Unsure(
                "I'm not sure what you mean. Did you mean:".into(),
                vec![CreateActionRow::Buttons(buttons)],
            )
        }
        Verdict::Unknown => Reply::Unknown(text::DONT_KNOW.into()),
    }
}

/// A quiz button's id: the game, the question and the option, so any click can be routed
/// (or told the quiz has ended) even after a restart.
pub fn quiz_button_id(game: i64, index: usize, choice: usize) -> String {
    format!("quiz:{game}:{index}:{choice}")
}

/// A review button's id.
pub fn review_button_id(game: i64, index: usize, choice: usize) -> String {
    format!("review:{game}:{index}:{choice}")
}

/// Parses `prefix:game:index:choice`.
pub fn parse_button(id: &str, prefix: &str) -> Option<(i64, usize, usize)> {
    let rest = id.strip_prefix(prefix)?.strip_prefix(':')?;
    let mut it = rest.split(':');
    let game = it.next()?.parse().ok()?;
    let index = it.next()?.parse().ok()?;
    let choice = it.next()?.parse().ok()?;
    it.next().is_none().then_some((game, index, choice))
}

fn option_buttons(
    q: &QuizQuestion,
    id: impl Fn(usize) -> String,
    revealed: bool,
) -> Vec<CreateActionRow> {
    let buttons = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let style = match (revealed, i == q.answer) {
                (false, _) => ButtonStyle::Primary,
                (true, true) => ButtonStyle::Success,
                (true, false) => ButtonStyle::Secondary,
            };
            CreateButton::new(id(i))
                .label(clip(&format!("{}. {o}", i + 1), 80))
                .style(style)
                .disabled(revealed)
        })
        .collect();
    vec![CreateActionRow::Buttons(buttons)]
}

/// A question message: embed ("3/10", live countdown) and one button per option.
pub fn question_embed(
    index: usize,
    total: usize,
    q: &QuizQuestion,
    deadline_unix_s: i64,
    answered: Option<usize>,
) -> CreateEmbed {
    let mut description = format!("**{}**\n\n", q.question);
    for (i, o) in q.options.iter().enumerate() {
        description.push_str(&format!("**{}.** {o}\n", i + 1));
    }
    description.push_str(&format!("\nAnswers close <t:{deadline_unix_s}:R>."));
    let mut embed = CreateEmbed::new()
        .title(format!("Question {}/{}", index + 1, total))
        .description(clip(&description, 4000))
        .colour(0x5865F2)
        .footer(CreateEmbedFooter::new(format!("Topic: {}", q.topic)));
    if let Some(n) = answered {
        embed = embed.field("Answered", n.to_string(), true);
    }
    embed
}

pub fn question_buttons(game: i64, index: usize, q: &QuizQuestion) -> Vec<CreateActionRow> {
    option_buttons(q, |i| quiz_button_id(game, index, i), false)
}

/// The reveal edit: buttons disabled, the right one green, votes, reason, who was right.
pub fn reveal(game: i64, r: &Reveal) -> (CreateEmbed, Vec<CreateActionRow>) {
    let q = &r.question;
    let votes: Vec<String> = q
        .options
        .iter()
        .zip(&r.votes)
        .map(|(o, v)| format!("{o}: **{v}**"))
        .collect();
    let right: Vec<String> = r
        .results
        .iter()
        .filter(|a| a.correct)
        .map(|a| format!("{} (+{})", safe(&a.player.name), a.points))
        .collect();
    let top: Vec<String> = r
        .top
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {} — {}", i + 1, safe(&s.player.name), s.points))
        .collect();
    let mut embed = CreateEmbed::new()
        .title(format!(
            "Question {}/{} — answer: {}",
            r.index + 1,
            r.total,
            clip(&q.options[q.answer], 150)
        ))
        .description(clip(
            &format!("**{}**\n\n{}", q.question, q.explanation),
            4000,
        ))
        .colour(0x57F287)
        .field("Votes", clip(&votes.join("\n"), 1024), true)
        .field(
            "Right",
            if right.is_empty() {
                "nobody".to_string()
            } else {
                clip(&right.join(", "), 1024)
            },
            true,
        );
    if !top.is_empty() {
        embed = embed.field("Top 5", clip(&top.join("\n"), 1024), false);
    }
    (
        embed,
        option_buttons(q, |i| quiz_button_id(game, r.index, i), true),
    )
}

/// The podium message at the end of a quiz.
pub fn podium(reason: EndReason, standings: &[Standing]) -> CreateEmbed {
    let title = match reason {
        EndReason::Completed => "🏁 Quiz over",
        EndReason::Stopped => "🏁 Quiz stopped",
        EndReason::Inactive => "🏁 Quiz over — nobody answered twice in a row",
    };
    let mut lines = Vec::new();
    for (medal, s) in ["🥇", "🥈", "🥉"].iter().zip(standings) {
        lines.push(format!(
            "{medal} **{}** — {} pts",
            safe(&s.player.name),
            s.points
        ));
    }
    if standings.is_empty() {
        lines.push("Nobody answered — no podium this time.".into());
    }
    let full: Vec<String> = standings
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{}. {} — {} pts · {}/{} right · streak {}",
                i + 1,
                safe(&s.player.name),
                s.points,
                s.correct,
                s.answered,
                s.best_streak
            )
        })
        .collect();
    let mut embed = CreateEmbed::new()
        .title(title)
        .description(lines.join("\n"))
        .colour(0xFEE75C);
    if !full.is_empty() {
        embed = embed.field("Standings", clip(&full.join("\n"), 1024), false);
    }
    embed
}

/// A review question (ephemeral).
pub fn review_question(
    game: i64,
    index: usize,
    total: usize,
    q: &QuizQuestion,
) -> (CreateEmbed, Vec<CreateActionRow>) {
    let embed = CreateEmbed::new()
        .title(format!("Review {}/{}", index + 1, total))
        .description(clip(&q.question, 4000))
        .colour(0x5865F2);
    (
        embed,
        option_buttons(q, |i| review_button_id(game, index, i), false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_ping_or_format() {
        assert_eq!(safe("@everyone"), "@\u{200B}everyone");
        assert_eq!(safe("<@&123>"), "\\<@\u{200B}&123\\>");
        assert_eq!(safe("**bold**"), "\\*\\*bold\\*\\*");
        assert_eq!(safe("a\u{0007}b"), "ab");
    }

    #[test]
    fn button_ids_round_trip_and_reject_junk() {
        assert_eq!(
            parse_button(&quiz_button_id(42, 3, 1), "quiz"),
            Some((42, 3, 1))
        );
        assert_eq!(parse_button("quiz:42:3", "quiz"), None);
        assert_eq!(parse_button("quiz:42:3:1:9", "quiz"), None);
        assert_eq!(parse_button("review:1:2:3", "quiz"), None);
        assert_eq!(parse_button("quiz:x:2:3", "quiz"), None);
    }
}
