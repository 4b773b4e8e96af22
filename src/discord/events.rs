//! Gateway events to handlers: button clicks (quiz answers, reviews, "did you mean"),
//! mentions and DMs, and command errors (a `User` error shown, the rest logged).

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, FullEvent, Interaction, Message,
};

use super::{commands, quiz, render, Data, Error};
use crate::quiz::session::{Effect, Event, Player};
use crate::text;

pub(super) async fn on_error(error: poise::FrameworkError<'_, Arc<Data>, Error>) {
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

pub(super) async fn on_event(
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

pub(super) async fn respond(
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
    let question = question.trim().to_string();
    let brain = data.brain();
    let reply = match super::off_workers(move || render::ask_reply(&brain, &question)).await? {
        render::Reply::Known(embed, picture) => {
            let m = CreateMessage::new().embed(*embed);
            match picture {
                Some(png) => m.add_file(render::attachment(&png)),
                None => m,
            }
        }
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
