//! The slash commands. Each is a few lines that call the core; the doc comment is the
//! command's help text in Discord.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::{player, quiz, render, Context, Data, Error};
use crate::app::{self, QuizRequest, StartError, Venue};
use crate::quiz::session::Event;
use crate::quiz::Mode;
use crate::store::{Period, Scope};
use crate::text;

pub fn all() -> Vec<poise::Command<Arc<Data>, Error>> {
    vec![
        ask(),
        model(),
        quiz(),
        leaderboard(),
        stats(),
        review(),
        topics(),
        help(),
        srm_admin(),
    ]
}

fn user_err(e: impl std::fmt::Display) -> Error {
    Error::User(e.to_string())
}

/// Up to 25 knowledge-base questions that contain what was typed.
async fn autocomplete_question(ctx: Context<'_>, partial: &str) -> Vec<String> {
    let partial = partial.to_lowercase();
    ctx.data()
        .brain()
        .kb
        .entries()
        .iter()
        .map(|e| e.question.as_str())
        .filter(|q| q.len() <= 100 && q.to_lowercase().contains(&partial))
        .take(25)
        .map(str::to_string)
        .collect()
}

/// Who is responsible for something in AWS? Or paste a practice question with its options.
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "e.g. who patches the guest OS on EC2? — or a practice question: stem A) … B) …"]
    #[autocomplete = "autocomplete_question"]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    let brain = ctx.data().brain();
    let reply = match super::off_workers(move || render::ask_reply(&brain, &question)).await? {
        render::Reply::Known(embed, picture) => {
            let r = poise::CreateReply::default().embed(*embed);
            match picture {
                Some(png) => r.attachment(render::attachment(&png)),
                None => r,
            }
        }
        render::Reply::Unsure(text, buttons) => poise::CreateReply::default()
            .content(text)
            .components(buttons),
        render::Reply::Unknown(text) => poise::CreateReply::default().content(text).ephemeral(true),
    };
    ctx.send(reply.allowed_mentions(render::no_pings())).await?;
    Ok(())
}

/// The shared responsibility model as a picture: up to three services side by side.
#[poise::command(slash_command)]
pub async fn model(
    ctx: Context<'_>,
    #[description = "Up to three services, e.g. ec2 rds lambda"]
    #[autocomplete = "autocomplete_services"]
    #[max_length = 100]
    service: String,
) -> Result<(), Error> {
    let brain = ctx.data().brain();
    let ids = app::service_ids(&[service]);
    let png = {
        let (brain, ids) = (brain.clone(), ids.clone());
        super::off_workers(move || {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            brain.pictures.png(&brain.kb, &ids, None)
        })
        .await?
        .map_err(user_err)?
    };
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    ctx.send(
        poise::CreateReply::default()
            .embed(render::model_embed(&brain, &ids))
            .attachment(render::attachment(&png))
            .allowed_mentions(render::no_pings()),
    )
    .await?;
    Ok(())
}

/// Completes the last service being typed ("ec2 r" → "ec2 rds", "ec2 rds_custom", …).
async fn autocomplete_services(ctx: Context<'_>, partial: &str) -> Vec<String> {
    let (done, last) = match partial.rsplit_once(' ') {
        Some((d, l)) => (format!("{d} "), l.to_lowercase()),
        None => (String::new(), partial.to_lowercase()),
    };
    ctx.data()
        .brain()
        .kb
        .stacks()
        .stacks
        .iter()
        .map(|s| s.service.as_str())
        .filter(|id| id.starts_with(&last))
        .take(25)
        .map(|id| format!("{done}{id}"))
        .collect()
}

/// Group quizzes in this channel.
#[poise::command(slash_command, subcommands("start", "stop"), guild_only)]
pub async fn quiz(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ModeChoice {
    #[name = "owner — who is responsible"]
    Owner,
    #[name = "exam — curated exam-style"]
    Exam,
    #[name = "mixed"]
    Mixed,
}

async fn autocomplete_topic(ctx: Context<'_>, partial: &str) -> Vec<String> {
    let p = partial.to_lowercase();
    ctx.data()
        .brain()
        .bank
        .topics()
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| t.contains(&p))
        .take(25)
        .collect()
}

async fn autocomplete_service(ctx: Context<'_>, partial: &str) -> Vec<String> {
    let p = partial.to_lowercase();
    ctx.data()
        .brain()
        .kb
        .vocabulary()
        .services
        .iter()
        .filter(|s| s.id.contains(&p) || s.name.to_lowercase().contains(&p))
        .take(25)
        .map(|s| s.id.clone())
        .collect()
}

/// Start a timed quiz: everyone in the channel answers with the buttons.
#[poise::command(slash_command, guild_only)]
pub async fn start(
    ctx: Context<'_>,
    // Literals, as poise needs; a test checks they equal quiz::session::{QUESTIONS, SECONDS}.
    #[description = "How many questions (1–50)"]
    #[min = 1]
    #[max = 50]
    questions: Option<u32>,
    #[description = "Seconds per question (5–120)"]
    #[min = 5]
    #[max = 120]
    seconds: Option<u32>,
    #[description = "Only this topic"]
    #[autocomplete = "autocomplete_topic"]
    topic: Option<String>,
    #[description = "Only this service"]
    #[autocomplete = "autocomplete_service"]
    service: Option<String>,
    #[description = "Question kind"] mode: Option<ModeChoice>,
    #[description = "Streak bonus on or off"] streaks: Option<bool>,
) -> Result<(), Error> {
    let data = ctx.data().clone();
    let channel = ctx.channel_id();
    // Reserved before any await: two starts at once cannot both pass.
    let Some(reserved) = quiz::reserve(&data, channel) else {
        return Err(user_err(StartError::AlreadyRunning));
    };
    let brain = data.brain();
    let request = QuizRequest {
        questions: questions.map(|n| n as usize),
        seconds,
        topic,
        service,
        mode: mode.map(|m| match m {
            ModeChoice::Owner => Mode::Owner,
            ModeChoice::Exam => Mode::Exam,
            ModeChoice::Mixed => Mode::Mixed,
        }),
        streaks,
    };
    let (settings, filter) = request
        .resolve(&data.config.quiz, &brain)
        .map_err(Error::User)?;
    let venue = Venue {
        runner: data.runner.clone(),
        guild: ctx
            .guild_id()
            .map(|g| g.get().to_string())
            .unwrap_or_default(),
        channel: channel.get().to_string(),
        starter: player(ctx.author_member().await.as_deref(), ctx.author()),
    };
    let seed = data
        .seeds
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let started = app::start_quiz(
        &brain,
        data.store.as_ref(),
        settings,
        &filter,
        seed,
        &venue,
        data.now(),
        app::unix_now(),
    )
    .await;
    let (running, effects) = match started {
        Ok(x) => x,
        Err(StartError::Store(e)) => return Err(Error::Store(e)),
        Err(e) => return Err(user_err(e)),
    };
    // The interaction response is free; the questions follow as channel messages.
    ctx.send(poise::CreateReply::default().content(text::QUIZ_STARTED))
        .await?;
    quiz::launch(reserved, running, effects);
    Ok(())
}

/// Stop the quiz in this channel (its starter, or members with Manage Messages).
#[poise::command(slash_command, guild_only)]
pub async fn stop(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let member = ctx.author_member().await;
    let may_moderate = member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_messages() || p.administrator());
    let by = player(member.as_deref(), ctx.author());
    let outcome = data.quizzes.apply(
        ctx.channel_id(),
        None,
        None,
        Event::Stop { by, may_moderate },
        data.now(),
    );
    let reply = match outcome {
        quiz::ClickOutcome::Ended | quiz::ClickOutcome::Closed => text::NO_QUIZ_RUNNING,
        quiz::ClickOutcome::Effects(e)
            if e.iter()
                .any(|e| matches!(e, crate::quiz::Effect::StopDenied { .. })) =>
        {
            text::STOP_DENIED
        }
        quiz::ClickOutcome::Effects(_) => "Quiz stopped.",
    };
    ctx.send(poise::CreateReply::default().content(reply).ephemeral(true))
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ScopeChoice {
    Server,
    Channel,
    Global,
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    Week,
    Month,
    All,
}

fn scope_of(ctx: &Context<'_>, scope: Option<ScopeChoice>) -> Scope {
    let guild = ctx.guild_id().map(|g| g.get().to_string());
    match (scope, guild) {
        (Some(ScopeChoice::Global), _) | (_, None) => Scope::Global,
        (Some(ScopeChoice::Channel), Some(guild)) => Scope::Channel {
            guild,
            channel: ctx.channel_id().get().to_string(),
        },
        (_, Some(guild)) => Scope::Server { guild },
    }
}

/// Top players by points, with accuracy and games played.
#[poise::command(slash_command)]
pub async fn leaderboard(
    ctx: Context<'_>,
    #[description = "Server (default), this channel, or everywhere"] scope: Option<ScopeChoice>,
    #[description = "Last 7 days, last 30 days, or all time (default)"] period: Option<
        PeriodChoice,
    >,
) -> Result<(), Error> {
    let scope = scope_of(&ctx, scope);
    let period = match period {
        Some(PeriodChoice::Week) => Period::Week,
        Some(PeriodChoice::Month) => Period::Month,
        _ => Period::All,
    };
    let rows = ctx
        .data()
        .store
        .leaderboard(&scope, period, app::unix_now(), 10)
        .await?;
    let mut rows = rows;
    for r in &mut rows {
        r.name = render::safe(&r.name);
    }
    let embed = render::leaderboard(&rows, &scope, period);
    ctx.send(poise::CreateReply::default().embed(embed)).await?;
    Ok(())
}

/// Accuracy by topic, weak spots and best streak — yours or another member's.
#[poise::command(slash_command)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose stats (default: yours)"] member: Option<serenity::User>,
) -> Result<(), Error> {
    let user = member.as_ref().unwrap_or_else(|| ctx.author());
    let guild = ctx.guild_id().map(|g| g.get().to_string());
    let s = ctx
        .data()
        .store
        .member_stats(&user.id.get().to_string(), guild.as_deref())
        .await?;
    let name = render::safe(user.global_name.as_deref().unwrap_or(&user.name));
    let embed = CreateEmbed::new()
        .description(text::member_stats(&name, &s))
        .colour(0x3498DB);
    ctx.send(poise::CreateReply::default().embed(embed)).await?;
    Ok(())
}

/// A private quiz of the questions you missed, spaced over days (Leitner boxes).
#[poise::command(slash_command)]
pub async fn review(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let now = app::unix_now();
    data.expire_reviews(now).await;
    let venue = Venue {
        runner: data.runner.clone(),
        guild: ctx
            .guild_id()
            .map(|g| g.get().to_string())
            .unwrap_or_default(),
        channel: ctx.channel_id().get().to_string(),
        starter: player(ctx.author_member().await.as_deref(), ctx.author()),
    };
    let review = match app::begin_review(&data.brain(), data.store.as_ref(), &venue, now).await {
        Ok(r) => r,
        Err(StartError::Store(e)) => return Err(Error::Store(e)),
        Err(e) => return Err(user_err(e)),
    };
    let (embed, buttons) = match review.session.current() {
        Some((i, q)) => render::review_question(review.game, i, review.session.total(), q),
        None => return Err(user_err(StartError::NothingToReview)),
    };
    // A new review replaces an unfinished one; its game is abandoned.
    let replaced = data
        .reviews
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(ctx.author().id.get(), review);
    if let Some(old) = replaced {
        app::abandon_reviews(data.store.as_ref(), &[old], now).await;
    }
    ctx.send(
        poise::CreateReply::default()
            .embed(embed)
            .components(buttons)
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// A click in a review: show the answer and the next question in the same message.
pub async fn review_click(
    ctx: &serenity::Context,
    c: &ComponentInteraction,
    data: &Arc<Data>,
    game: i64,
    index: usize,
    choice: usize,
) -> Result<(), Error> {
    let now = app::unix_now();
    data.expire_reviews(now).await;
    let user = c.user.id.get();
    // Taken out while it is answered (no lock across the save), put back if it goes on.
    let taken = {
        let mut reviews = data.reviews.lock().unwrap_or_else(|e| e.into_inner());
        match reviews.get(&user) {
            Some(r) if r.game == game => reviews.remove(&user),
            _ => None,
        }
    };
    let Some(mut review) = taken else {
        return super::events::respond(ctx, c, text::QUIZ_ENDED).await;
    };
    let step = match app::answer_review(data.store.as_ref(), &mut review, index, choice, now).await
    {
        Ok(step) => step,
        Err(e) => {
            tracing::error!(game, error = %e, "saving a review answer failed");
            None
        }
    };
    let next = review
        .session
        .current()
        .map(|(i, q)| render::review_question(game, i, review.session.total(), q));
    let (correct, total) = (review.session.correct(), review.session.total());
    if next.is_some() {
        data.reviews
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(user)
            .or_insert(review);
    }
    let Some(step) = step else {
        return super::events::respond(ctx, c, text::QUESTION_CLOSED).await;
    };
    let summary = text::review_verdict(&step, |s| format!("**{s}**"));
    let mut msg = CreateInteractionResponseMessage::new().allowed_mentions(render::no_pings());
    match next {
        Some((embed, buttons)) => msg = msg.content(summary).embed(embed).components(buttons),
        None => {
            msg = msg
                .content(format!(
                    "{summary}\n\n{}",
                    text::review_done(correct, total)
                ))
                .embeds(vec![])
                .components(vec![]);
        }
    }
    c.create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(msg))
        .await?;
    Ok(())
}

/// What you can quiz on: topics and services.
#[poise::command(slash_command)]
pub async fn topics(ctx: Context<'_>) -> Result<(), Error> {
    let brain = ctx.data().brain();
    let services: Vec<&str> = brain
        .kb
        .vocabulary()
        .services
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let body = text::topics(&brain.bank.topics(), &services);
    ctx.send(poise::CreateReply::default().embed(CreateEmbed::new().description(body)))
        .await?;
    Ok(())
}

/// How to use srm-bot.
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content(text::DISCORD_HELP)
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Server administration for srm-bot.
#[poise::command(
    slash_command,
    rename = "srm-admin",
    subcommands("reset_leaderboard", "reload"),
    default_member_permissions = "MANAGE_GUILD",
    guild_only
)]
pub async fn srm_admin(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a new leaderboard season for this server (history is kept).
#[poise::command(
    slash_command,
    rename = "reset-leaderboard",
    default_member_permissions = "MANAGE_GUILD",
    guild_only
)]
pub async fn reset_leaderboard(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = ctx.guild_id() else {
        return Err(user_err(text::QUIZ_ONLY_IN_SERVERS));
    };
    let scope = Scope::Server {
        guild: guild.get().to_string(),
    };
    ctx.data()
        .store
        .reset_leaderboard(&scope, &ctx.author().id.get().to_string(), app::unix_now())
        .await?;
    ctx.send(poise::CreateReply::default().content(text::LEADERBOARD_RESET))
        .await?;
    Ok(())
}

/// Reload the knowledge base from disk (a broken one keeps the current knowledge).
#[poise::command(slash_command, default_member_permissions = "MANAGE_GUILD", guild_only)]
pub async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    let reply = match ctx.data().reload() {
        Ok(summary) => format!("{} {summary}.", text::RELOADED),
        Err(errors) => format!(
            "{}\n```\n{}\n```",
            text::RELOAD_FAILED,
            errors.chars().take(1800).collect::<String>()
        ),
    };
    ctx.send(poise::CreateReply::default().content(reply).ephemeral(true))
        .await?;
    Ok(())
}
