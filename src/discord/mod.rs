//! The Discord adapter (serenity 0.12 + poise): slash commands, buttons, mentions and
//! DMs mapped to core calls, and core effects rendered as messages. The only module that
//! imports serenity or poise.

mod commands;
pub mod quiz;
pub mod render;
pub mod rest;
mod startup;

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, FullEvent, GatewayIntents, HttpBuilder, Interaction, Message,
};

use crate::app::{self, Brain};
use crate::config::{Config, Shards};
use crate::quiz::session::{Effect, Event, Millis, Player};
use crate::store::Store;
use crate::text;

/// Shared state, built once at start.
pub struct Data {
    /// The loaded knowledge; replaced whole on reload (running quizzes keep their questions).
    brain: std::sync::RwLock<Arc<Brain>>,
    pub store: Arc<dyn Store>,
    pub config: Config,
    /// Which process runs games (a restart abandons only these).
    pub runner: String,
    /// The clock quiz sessions run on.
    pub clock: Instant,
    pub quizzes: quiz::Quizzes,
    /// Quiz messages go through this client (it retries; see `rest`).
    pub rest: rest::Rest,
    /// Personal reviews by user id (see `app::Review`).
    pub reviews: std::sync::Mutex<std::collections::HashMap<u64, app::Review>>,
    pub seeds: std::sync::atomic::AtomicU64,
}

impl Data {
    pub fn now(&self) -> Millis {
        self.clock.elapsed().as_millis() as Millis
    }

    /// The current knowledge (the lock is held only to clone the pointer).
    pub fn brain(&self) -> Arc<Brain> {
        self.brain.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reloads `knowledge/`; a broken knowledge base keeps the old one and returns its
    /// errors (file:line: field: message).
    pub fn reload(&self) -> Result<String, String> {
        let dir = &self.config.knowledge.dir;
        match Brain::load(dir) {
            Ok(brain) => {
                let summary = format!(
                    "{} entries, {} quiz questions",
                    brain.kb.entries().len(),
                    brain.bank.questions().len()
                );
                *self.brain.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(brain);
                Ok(summary)
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

/// A command's failure. `User` is shown to the user (ephemeral); anything else is logged
/// and the user sees a short apology.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Discord(#[from] serenity::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

pub type Context<'a> = poise::Context<'a, Arc<Data>, Error>;

/// Why the bot could not start or had to stop; each names its layer and what to check.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("knowledge: {0}")]
    Knowledge(String),
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("discord: the bot token was rejected (401 Unauthorized): check DISCORD_TOKEN or [discord] token (the Bot token from the Developer Portal, not the client secret)")]
    Token,
    #[error("discord: the bot is not in server {guild} (HTTP {status}: {message}): invite it with the link in the README, or fix [discord] guild_id")]
    Guild {
        guild: u64,
        status: u16,
        message: String,
    },
    #[error("discord: {0}; fix the command definition and start again")]
    Commands(String),
    #[error("discord: unreachable while {0}")]
    Unreachable(String),
    #[error("discord: refused {0}")]
    Rejected(String),
    #[error("discord gateway: {0}")]
    Gateway(#[from] serenity::Error),
}

/// The gateway intents: server events for channels, messages that mention the bot and
/// DMs. No privileged intent: Discord sends the content of mentions and DMs without it.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// Runs the bot until it is stopped.
pub async fn serve(config: Config, brain: Brain) -> Result<(), ServeError> {
    let token = config.discord.resolve_token().map_err(ServeError::Config)?;
    let shards = config.discord.shards().map_err(ServeError::Config)?;
    let store: Arc<dyn Store> = Arc::new(crate::store::SqlStore::connect(&config.store.url).await?);
    let runner = match shards {
        Shards::Auto => "discord".to_string(),
        Shards::Range { first, last, total } => format!("discord:{first}-{last}/{total}"),
    };
    let abandoned = store.abandon_running(&runner, app::unix_now()).await?;
    if abandoned > 0 {
        tracing::info!(
            abandoned,
            "marked unfinished quizzes from the last run as abandoned"
        );
    }
    let mut http = HttpBuilder::new(token.expose());
    if let Some(base) = &config.discord.api_base {
        // Test only: a local fake Discord. serenity's proxy applies with the rate limiter off.
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    let commands = commands::all();
    startup::preflight(
        &http,
        &rest::Retry::from_config(&config.discord),
        config.discord.guild_id,
        &commands,
    )
    .await?;
    let rest = rest::Rest::new(
        token.expose(),
        config.discord.api_base.as_deref(),
        rest::Retry::from_config(&config.discord),
    );
    let data: Arc<Data> = Arc::new(Data {
        brain: std::sync::RwLock::new(Arc::new(brain)),
        store,
        config,
        runner,
        clock: Instant::now(),
        quizzes: quiz::Quizzes::default(),
        rest,
        reviews: Default::default(),
        seeds: std::sync::atomic::AtomicU64::new(app::unix_now() as u64),
    });
    spawn_reload_on_sighup(data.clone());
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands,
            allowed_mentions: Some(render::no_pings()),
            on_error: |e| Box::pin(on_error(e)),
            event_handler: |ctx, event, _fw, data| Box::pin(on_event(ctx, event, data)),
            ..Default::default()
        })
        // The commands were registered before connecting (see `startup`).
        .setup(move |_ctx, ready, _framework| {
            Box::pin(async move {
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "ready");
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await?;
    match shards {
        Shards::Auto => client.start_autosharded().await?,
        Shards::Range { first, last, total } => {
            // serenity treats this range's end as inclusive ("up to and including").
            client.start_shard_range(first..last, total).await?
        }
    }
    Ok(())
}

/// SIGHUP reloads the knowledge base, like `/srm-admin reload`.
fn spawn_reload_on_sighup(data: Arc<Data>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; reload with /srm-admin reload");
            return;
        };
        while hup.recv().await.is_some() {
            match data.reload() {
                Ok(summary) => tracing::info!(%summary, "knowledge reloaded (SIGHUP)"),
                Err(errors) => {
                    tracing::error!(%errors, "knowledge reload failed (SIGHUP); the previous knowledge stays")
                }
            }
        }
    });
    #[cfg(not(unix))]
    let _ = data;
}

async fn on_error(error: poise::FrameworkError<'_, Arc<Data>, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let message = match &error {
                Error::User(m) => m.clone(),
                other => {
                    tracing::error!(command = %ctx.command().qualified_name, error = %other, "command failed");
                    text::APOLOGY.to_string()
                }
            };
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(message)
                        .ephemeral(true)
                        .allowed_mentions(render::no_pings()),
                )
                .await;
        }
        poise::FrameworkError::ArgumentParse { ctx, error, .. } => {
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(format!("That option is not valid: {error}"))
                        .ephemeral(true)
                        .allowed_mentions(render::no_pings()),
                )
                .await;
        }
        poise::FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            // Discord still shows an older shape of the command (options changed).
            tracing::warn!(command = %ctx.command.qualified_name, description, "command structure mismatch");
            let _ = poise::Context::Application(ctx)
                .send(
                    poise::CreateReply::default()
                        .content(text::COMMAND_OUTDATED)
                        .ephemeral(true)
                        .allowed_mentions(render::no_pings()),
                )
                .await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}

async fn on_event(
    ctx: &serenity::Context,
    event: &FullEvent,
    data: &Arc<Data>,
) -> Result<(), Error> {
    match event {
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(c),
        } => on_click(ctx, c, data).await,
        FullEvent::Message { new_message } => on_message(ctx, new_message, data).await,
        _ => Ok(()),
    }
}

/// The display name of an interaction's user.
fn display_name(member: Option<&serenity::Member>, user: &serenity::User) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

/// A Discord user as a quiz player.
pub fn player(member: Option<&serenity::Member>, user: &serenity::User) -> Player {
    Player {
        id: user.id.get().to_string(),
        name: display_name(member, user),
    }
}

async fn respond(
    ctx: &serenity::Context,
    c: &ComponentInteraction,
    content: &str,
) -> Result<(), Error> {
    let msg = CreateInteractionResponseMessage::new()
        .content(content)
        .ephemeral(true)
        .allowed_mentions(render::no_pings());
    c.create_response(&ctx.http, CreateInteractionResponse::Message(msg))
        .await?;
    Ok(())
}

async fn on_click(
    ctx: &serenity::Context,
    c: &ComponentInteraction,
    data: &Arc<Data>,
) -> Result<(), Error> {
    let id = c.data.custom_id.as_str();
    if let Some((game, index, choice)) = render::parse_button(id, "quiz") {
        let who = player(c.member.as_ref(), &c.user);
        let outcome = data.quizzes.apply(
            c.channel_id,
            Some(game),
            Some(index),
            Event::Answer {
                player: who.clone(),
                choice,
            },
            data.now(),
        );
        let reply = match outcome {
            quiz::ClickOutcome::Ended => text::QUIZ_ENDED.to_string(),
            quiz::ClickOutcome::Closed => text::QUESTION_CLOSED.to_string(),
            quiz::ClickOutcome::Effects(effects) => {
                click_reply(&effects, &who, index, data, c.channel_id)
            }
        };
        return respond(ctx, c, &reply).await;
    }
    if let Some((game, index, choice)) = render::parse_button(id, "review") {
        return commands::review_click(ctx, c, data, game, index, choice).await;
    }
    if let Some(entry_id) = id.strip_prefix("ask:") {
        // One knowledge snapshot for the whole answer (a reload may swap it meanwhile).
        let brain = data.brain();
        let Some(entry) = brain.kb.entries().iter().position(|e| e.id == entry_id) else {
            return respond(ctx, c, text::QUIZ_ENDED).await;
        };
        let owner = brain.kb.entries()[entry].owner;
        let msg = CreateInteractionResponseMessage::new()
            .embed(render::entry_embed(&brain, entry, owner, None, None))
            .allowed_mentions(render::no_pings());
        c.create_response(&ctx.http, CreateInteractionResponse::Message(msg))
            .await?;
        return Ok(());
    }
    respond(ctx, c, text::QUIZ_ENDED).await
}

/// The clicker's private acknowledgement.
fn click_reply(
    effects: &[Effect],
    who: &Player,
    index: usize,
    data: &Data,
    channel: serenity::ChannelId,
) -> String {
    for e in effects {
        match e {
            Effect::Locked {
                player,
                choice,
                elapsed_ms,
                ..
            } if player.id == who.id => {
                let label = data
                    .quizzes
                    .option_label(channel, index, *choice)
                    .unwrap_or_else(|| (choice + 1).to_string());
                return text::locked_in(&label, *elapsed_ms);
            }
            Effect::AlreadyAnswered { .. } => return text::ALREADY_ANSWERED.to_string(),
            Effect::NotOpen { .. } => return text::QUESTION_CLOSED.to_string(),
            Effect::InvalidChoice { options, .. } => return text::invalid_choice(*options),
            _ => {}
        }
    }
    text::QUESTION_CLOSED.to_string()
}

/// A mention of the bot or a DM: answer it like /ask.
async fn on_message(ctx: &serenity::Context, msg: &Message, data: &Arc<Data>) -> Result<(), Error> {
    if msg.author.bot {
        return Ok(());
    }
    let me = ctx.cache.current_user().id;
    let dm = msg.guild_id.is_none();
    if !dm && !msg.mentions.iter().any(|u| u.id == me) {
        return Ok(());
    }
    // The question without the mention itself.
    let question = msg
        .content
        .replace(&format!("<@{me}>"), " ")
        .replace(&format!("<@!{me}>"), " ");
    let question = question.trim();
    let reply = match render::ask_reply(&data.brain(), question) {
        render::Reply::Known(embed) => CreateMessage::new().embed(*embed),
        render::Reply::Unsure(text, buttons) => {
            CreateMessage::new().content(text).components(buttons)
        }
        render::Reply::Unknown(text) => CreateMessage::new().content(text),
    };
    msg.channel_id
        .send_message(&ctx.http, reply.allowed_mentions(render::no_pings()))
        .await?;
    Ok(())
}
